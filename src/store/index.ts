/**
 * The .schemaver store: a bare git repository (readable by `git --git-dir=.schemaver log`) holding one commit
 * per snapshot (layout in ./layout.ts), with branches, tags, revisions and a writer lock. See src/ARCHITECTURE.md.
 */
import { accessSync, promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, dirname } from 'node:path';
import { SchemaverError } from '../errors.js';
import type { Schema } from '../model/types.js';
import type { Migration } from '../model/plan.js';
import type { SourceFile } from '../parse/index.js';
import { SCHEMA_DIR, STORE_DIR, STORE_IGNORES } from './dirs.js';
import { GitStore } from './repo.js';
import { checkRefName } from './refs.js';
import { checkFilePath } from './layout.js';
import { makeDir, removeDurable, removeEmptyDir, replaceFile, tmpDirOf } from './fsops.js';

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

/** PreparedCommit is a commit built in memory by Store.prepareCommit: its id, and write() to store it. */
export interface PreparedCommit {
  readonly id: string;
  /**
   * stage writes the commit's files (objects, journal, the ref's new content) under temp names, fsynced, moving
   * nothing: the slow part of write(), for a caller that waits for something else first (a proof). write() stages
   * whatever stage() did not; discard() removes what it staged when the commit is not written after all.
   */
  stage(): Promise<void>;
  discard(): Promise<void>;
  write(): Promise<string>;
  /** storeObjects stores the commit's objects (durably) and moves no ref: for a writer that moves the ref with
   * other changes in one journaled operation (src/store/switch.ts). Run it under the store lock. */
  storeObjects(): Promise<void>;
}

/** NewCommit is what `commit` and `merge` write. */
export interface NewCommit {
  readonly message: string;
  readonly parents: readonly string[]; // [] for the first commit
  readonly schema: Schema;
  readonly files: readonly SourceFile[];
  readonly migrations: readonly Migration[];
  /** replaces: the commit this one replaces on HEAD's branch (`commit --amend`); HEAD must still be it when written. */
  readonly replaces?: string;
  /** normal: the normalisation whose answer for `files` is `schema` (schemaver.json `normal`, SchemaverJson). */
  readonly normal?: string;
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
  /**
   * prepareCommit does commit's CPU work (hashing, trees, compression) and writes nothing; `write()` then stores
   * the objects and moves HEAD exactly as commit would. Lets a command prepare while a proof runs, and write only
   * once it passed (a refused commit leaves the store untouched).
   */
  prepareCommit(c: NewCommit): Promise<PreparedCommit>;
  /** log walks history from `start` (or from several starts, as `log --all`), newest first, topological. */
  log(start: string | readonly string[], opts?: { limit?: number }): Promise<CommitInfo[]>;
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
  /**
   * readSchema returns the model a commit stored, without its files and migrations (cheapest full model read; one
   * parse per open store). `files`: the commit's files when already read (a store older than snapshot.json parses them).
   */
  readSchema(id: string, files?: readonly SourceFile[]): Promise<Schema>;
  /** readFiles returns the `schema/**` files of a commit, byte for byte, sorted by path (cheaper than readSnapshot). */
  readFiles(id: string): Promise<SourceFile[]>;
  /** schemaFileIds lists `schema/**` of a commit as path -> git blob id without reading blobs (for dirty checks). */
  schemaFileIds(id: string): Promise<Map<string, string>>;
  /** readMigrations returns the migrations stored with a commit, in the order of its parents. */
  readMigrations(id: string): Promise<Migration[]>;
  /** renamesOf returns the renames a commit recorded (schemaver.json). */
  renamesOf(id: string): Promise<readonly string[]>;
  /** normalOf returns the normalisation whose answer for a commit's files its model is (schemaver.json `normal`), if it recorded one. */
  normalOf(id: string): Promise<string | undefined>;
  /** isAncestor tells whether commit `a` is `b` or one of its ancestors. */
  isAncestor(a: string, b: string): Promise<boolean>;
  /** interrupted returns the journal of an interrupted operation (OPERATION_IN_PROGRESS, no live writer), if any. */
  interrupted(): Promise<import('./journal.js').Operation | undefined>;
  /** readBlob reads a blob by id, checked (corrupt-store when missing or damaged). */
  readBlob(oid: string, where?: { commit?: string; path?: string }): Promise<Buffer>;
  /** notes lists what the store settled on its own (an interrupted commit), for the command to say. */
  readonly notes: string[];
}

/** STORE_DIR, SCHEMA_DIR, STORE_IGNORES, cacheDir and ensureIgnored: the store's place in a project (./dirs.ts). */
export { STORE_DIR, SCHEMA_DIR, STORE_IGNORES, cacheDir, ensureIgnored } from './dirs.js';

/** schemaHashOf is schemaHash memoised per schema object (./hash.ts). */
export { schemaHashOf } from './hash.js';

/** openStore opens `<root>/.schemaver`; SchemaverError (exit 2, hint: run `schemaver init`) when missing. */
export async function openStore(root: string): Promise<Store> {
  const gitdir = join(root, STORE_DIR);
  try {
    accessSync(join(gitdir, 'HEAD'));
  } catch {
    // a store committed to an app repository with HEAD untracked (`schemaver git install`): a fresh clone is on main
    if (await restoreHead(gitdir)) return openStore(root);
    throw new SchemaverError({
      code: 'no-store',
      message: `no schemaver store in ${root} (.schemaver/ is missing)`,
      hint: 'run `schemaver init` to create one, or `-C DIR` to run in your project directory',
      data: { root },
      exit: 2,
    });
  }
  return new GitStore(root, gitdir);
}

/** initStore creates `<root>/.schemaver` (HEAD -> refs/heads/main); error when it already exists. */
export async function initStore(root: string, opts: { branch?: string } = {}): Promise<Store> {
  const gitdir = join(root, STORE_DIR);
  const branch = opts.branch ?? 'main';
  checkRefName(branch, 'branch');
  if (await pathExists(gitdir)) {
    throw new SchemaverError({
      code: 'store-exists',
      message: `${gitdir} already exists`,
      hint: 'this project is already initialised; see `schemaver status`',
      exit: 2,
    });
  }
  await fsp.mkdir(root, { recursive: true });
  // Build the repository beside its final place and rename it in, so a killed init leaves nothing half-made.
  const tmp = join(root, `${STORE_DIR}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    for (const d of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'info'])
      await fsp.mkdir(join(tmp, d), { recursive: true });
    await fsp.writeFile(join(tmp, 'HEAD'), `ref: refs/heads/${branch}\n`);
    await fsp.writeFile(
      join(tmp, 'config'),
      '[core]\n\trepositoryformatversion = 0\n\tfilemode = false\n\tbare = true\n\tlogallrefupdates = false\n',
    );
    await fsp.writeFile(join(tmp, 'description'), 'schemaver store: schema snapshots and their migrations\n');
    const ignores = STORE_IGNORES.join('\n') + '\n';
    await fsp.writeFile(join(tmp, 'info', 'exclude'), `# schemaver: not part of the store\n${ignores}`);
    await fsp.writeFile(
      join(tmp, '.gitignore'),
      `# schemaver: the local database and lock are not part of the store\n${ignores}`,
    );
    await fsp.rename(tmp, gitdir);
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY') {
      throw new SchemaverError({
        code: 'store-exists',
        message: `${gitdir} already exists`,
        hint: 'this project is already initialised',
        exit: 2,
      });
    }
    throw new SchemaverError({
      code: 'store-unwritable',
      message: `cannot create ${gitdir}: ${(e as Error).message}`,
      hint: 'check the permissions of the project directory',
      exit: 3,
      cause: e,
    });
  }
  return openStore(root);
}

/** isSchemaFile tells whether a path is a schema file (`*.yaml` / `*.yml`) that checkout and merge manage. */
export function isSchemaFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/** listSchemaFiles lists the schema files below `<root>/schema` as project-relative posix paths, sorted. */
export async function listSchemaFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(join(dir, e.name), r);
      else if (e.isFile() && isSchemaFile(e.name)) out.push(r);
    }
  }
  await walk(join(root, SCHEMA_DIR), SCHEMA_DIR);
  return out.sort();
}

/**
 * writeSchemaFiles replaces the contents of `<root>/schema` with `files`, byte for byte (checkout, merge).
 * Files whose content is already right are not touched; schema files not in `files` are removed (with
 * directories they leave empty); other files (README, notes) are kept. Each write is a temp file + rename.
 */
export async function writeSchemaFiles(root: string, files: readonly SourceFile[]): Promise<void> {
  for (const f of files) checkFilePath(f);
  const tmpDir = tmpDirOf(join(root, STORE_DIR));
  const wanted = new Map(files.map((f) => [f.path, f.text]));
  const existing = await listSchemaFiles(root);
  for (const [path, text] of wanted) {
    const abs = join(root, ...path.split('/'));
    const bytes = Buffer.from(text, 'utf8');
    let same = false;
    try {
      same = Buffer.compare(await fsp.readFile(abs), bytes) === 0;
    } catch {
      /* missing */
    }
    if (!same) replaceFile(abs, bytes, tmpDir); // temp file in .schemaver/tmp, fsynced, renamed in
  }
  const schemaRoot = join(root, SCHEMA_DIR);
  for (const path of existing) {
    if (wanted.has(path)) continue;
    const abs = join(root, ...path.split('/'));
    removeDurable(abs);
    // remove directories the deletion left empty, up to (not including) schema/
    for (let dir = dirname(abs); dir.startsWith(schemaRoot) && dir !== schemaRoot; dir = dirname(dir))
      if (!removeEmptyDir(dir)) break;
  }
  makeDir(schemaRoot);
}

/** restoreHead writes HEAD (`ref: refs/heads/main`) into a store that has refs but no HEAD; false when it is no store. */
async function restoreHead(gitdir: string): Promise<boolean> {
  if (!(await pathExists(join(gitdir, 'refs'))) || !(await pathExists(join(gitdir, 'config')))) return false;
  try {
    await fsp.writeFile(join(gitdir, 'HEAD'), 'ref: refs/heads/main\n', { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  return true;
}

/** pathExists tells whether a path exists. */
async function pathExists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}
