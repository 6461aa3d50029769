/** The .schemaver store (owned by the foundation work; see src/ARCHITECTURE.md). */
import type { Schema } from '../model/types.js';
import type { Migration } from '../model/plan.js';
import type { SourceFile } from '../parse/index.js';

/** CommitInfo is what `log` and `show` need of a commit. */
export interface CommitInfo {
  readonly id: string; // 40-hex git commit id
  readonly parents: readonly string[];
  readonly message: string; // without trailers
  readonly author: { readonly name: string; readonly email: string; readonly timestamp: number };
  readonly schemaHash: string; // sv1:...
}

/** Snapshot is the full content of one commit. */
export interface Snapshot extends CommitInfo {
  readonly schema: Schema; // the model as committed (with hints)
  readonly files: readonly SourceFile[]; // schema/ files byte for byte (text)
  readonly migrations: readonly Migration[]; // one per parent; a root commit has one from '' (nothing)
}

/** NewCommit is what `commit` and `merge` write. */
export interface NewCommit {
  readonly message: string;
  readonly parents: readonly string[]; // [] for the first commit
  readonly schema: Schema;
  readonly files: readonly SourceFile[];
  readonly migrations: readonly Migration[];
}

/** Store is an open .schemaver repository. */
export interface Store {
  readonly root: string; // project directory
  readonly gitdir: string; // <root>/.schemaver
  /** head returns the commit id HEAD points at, or undefined before the first commit. */
  head(): Promise<string | undefined>;
  /** currentBranch returns the branch HEAD points at (undefined when detached). */
  currentBranch(): Promise<string | undefined>;
  /** resolve turns a revision (id, prefix, branch, tag, HEAD, HEAD~N, REV^N) into a commit id; SchemaverError exit 2 when unknown. */
  resolve(rev: string): Promise<string>;
  readCommit(id: string): Promise<CommitInfo>;
  readSnapshot(id: string): Promise<Snapshot>;
  /** commit writes a commit and moves HEAD's branch (or detached HEAD) to it, atomically, under the store lock. */
  commit(c: NewCommit): Promise<string>;
  /** log walks history from `start` (newest first, topological). */
  log(start: string, opts?: { limit?: number }): Promise<CommitInfo[]>;
  /** mergeBase returns the best common ancestor of two commits, if any. */
  mergeBase(a: string, b: string): Promise<string | undefined>;
  branches(): Promise<{ name: string; id: string }[]>;
  tags(): Promise<{ name: string; id: string }[]>;
  createBranch(name: string, start: string): Promise<void>;
  deleteBranch(name: string): Promise<void>;
  createTag(name: string, id: string): Promise<void>;
  /** setHead points HEAD at a branch (symbolic) or detaches it at a commit id. */
  setHead(target: { branch: string } | { detached: string }): Promise<void>;
  /** readState / writeState keep small JSON files of work in progress (e.g. `MERGE_HEAD`, `MERGE_STATE`) in the gitdir. */
  readState(name: string): Promise<string | undefined>;
  writeState(name: string, value: string | undefined): Promise<void>;
  /** withLock runs fn holding the store's exclusive lock (fails cleanly with exit 3 if another writer holds it). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

/** openStore opens `<root>/.schemaver`; SchemaverError (exit 2, hint: run `schemaver init`) when missing. */
export async function openStore(_root: string): Promise<Store> {
  throw new Error('openStore: not implemented yet');
}

/** initStore creates `<root>/.schemaver` (HEAD -> refs/heads/main); error when it already exists. */
export async function initStore(_root: string): Promise<Store> {
  throw new Error('initStore: not implemented yet');
}

/** writeSchemaFiles replaces the contents of `<root>/schema` with `files`, byte for byte (checkout, merge). */
export async function writeSchemaFiles(_root: string, _files: readonly SourceFile[]): Promise<void> {
  throw new Error('writeSchemaFiles: not implemented yet');
}
