/**
 * Whether a schemaver merge is in progress, as every verb that must refuse during one asks it. A merge that git's
 * pre-merge-commit hook started (a schema conflict inside `git merge`/`git pull`) belongs to git's merge: when
 * the user ends git's merge with `git merge --abort` (or `git reset --merge`), git puts schema/ back to ours and
 * no hook runs, so the schemaver half is dropped here, on the next command, instead of stranding the project.
 */
import { createHash } from 'node:crypto';
import { readSchemaDir, type SourceFile } from '../parse/files.js';
import type { Store } from '../store/index.js';
import { readHead } from '../store/refs.js';
import { switchFiles } from '../store/switch.js';
import { git, gitOut } from './git.js';

/** MERGE_HEAD_STATE names the store state file holding theirs' commit id while a merge is in progress. */
export const MERGE_HEAD_STATE = 'MERGE_HEAD';
/** MERGE_STATE_NAME names the store state file holding the MergeState JSON while a merge is in progress. */
export const MERGE_STATE_NAME = 'MERGE_STATE';

/** StartedBy is the part of the merge state this module reads. */
interface StartedBy {
  readonly ours?: string;
  readonly theirs?: string;
  /** git: the merge was started by git's pre-merge-commit hook (it ends with git's merge). */
  readonly git?: boolean;
  /** written: the schema/ files the merge wrote; writtenDigest: digestFiles of them as written. */
  readonly written?: readonly string[];
  readonly writtenDigest?: string;
}

/** digestFiles is a digest of files' paths and texts (order-free): how a merge recognises its own output later. */
export function digestFiles(files: readonly SourceFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))
    h.update(`${f.path}\0${f.text.length}\0${f.text}`);
  return h.digest('hex');
}

/** oursAndKept is what schema/ holds once a merge is undone: ours' files, and the schema files nobody else knows
 * (created by the user during the merge: kept, and named in `kept`). */
export async function oursAndKept(
  root: string,
  store: Store,
  state: { readonly ours: string; readonly theirs: string; readonly written?: readonly string[] },
): Promise<{ files: SourceFile[]; kept: string[] }> {
  const ours = await store.readFiles(state.ours);
  const written = state.written ?? (await store.readFiles(state.theirs)).map((f) => f.path);
  const known = new Set([...ours.map((f) => f.path), ...written]);
  const extra = (await readSchemaDir(root)).filter((f) => !known.has(f.path));
  return { files: [...ours, ...extra], kept: extra.map((f) => f.path) };
}

/** mergeInProgress returns theirs' commit id while a merge is in progress, after dropping one that git's aborted merge left behind (`dropped` says so). */
export async function mergeInProgress(
  root: string,
  store: Store,
  dropped?: (message: string) => void,
): Promise<string | undefined> {
  const theirs = (await store.readState(MERGE_HEAD_STATE))?.trim();
  if (!theirs) return undefined;
  const state = await abandonedByGit(root, store);
  if (!state) return theirs;
  await dropMerge(root, store, state.restore);
  dropped?.(`git's merge was aborted: the schemaver merge it started (of ${theirs.slice(0, 7)}) is dropped too`);
  return undefined;
}

/**
 * dropMerge ends the schemaver half of a merge git aborted: schema/ back to ours where the merge wrote (`restore`),
 * and MERGE_HEAD/MERGE_STATE removed, as one journaled `merge (drop)` operation under the store lock, so a kill in
 * between is finished or undone by `schemaver merge --continue` / `--abort` like every other merge step.
 */
async function dropMerge(
  root: string,
  store: Store,
  restore: { ours: string; theirs: string; written?: readonly string[] } | undefined,
): Promise<void> {
  await store.withLock(async () => {
    const files = restore ? (await oursAndKept(root, store, restore)).files : await readSchemaDir(root);
    const head = await readHead(store.gitdir);
    const at = await store.head();
    await switchFiles(store, root, {
      operation: 'merge',
      step: 'drop',
      files,
      headBefore: head,
      headAfter: head,
      from: at ?? null,
      to: at ?? null,
      states: [
        { name: MERGE_HEAD_STATE, text: undefined },
        { name: MERGE_STATE_NAME, text: undefined },
      ],
    });
  });
}

/**
 * abandonedByGit: the merge was started inside git's merge and git's merge is over (aborted), while schema/ is
 * either back to ours (nothing to do) or still exactly what the merge wrote (`restore`: put ours back, as
 * `schemaver merge --abort` would). Conflict blocks the user has begun to edit are never thrown away here.
 */
async function abandonedByGit(
  root: string,
  store: Store,
): Promise<{ restore?: { ours: string; theirs: string; written?: readonly string[] } } | undefined> {
  let state: StartedBy;
  try {
    state = JSON.parse((await store.readState(MERGE_STATE_NAME)) ?? '{}') as StartedBy;
  } catch {
    return undefined;
  }
  if (!state.git || !state.ours || !state.theirs) return undefined;
  const app = gitMergeHead(root);
  if (!app.workTree || app.merging) return undefined;
  if ((await store.head()) !== state.ours) return undefined;
  const now = await readSchemaDir(root);
  if (digestFiles(now) === digestFiles(await store.readFiles(state.ours))) return {};
  const written = new Set(state.written ?? []);
  const mine = now.filter((f) => written.has(f.path));
  if (state.writtenDigest && digestFiles(mine) === state.writtenDigest)
    return { restore: { ours: state.ours, theirs: state.theirs, written: state.written ?? [] } };
  return undefined;
}

/** stage adds schema/ and the store to git's index (ignored store files stay out). */
export function stage(root: string): void {
  git(root, ['add', '-A', '--', 'schema', '.schemaver']);
}

/** gitMergeInProgress tells whether the app repository enclosing `root` is in the middle of a merge. */
export function gitMergeInProgress(root: string): boolean {
  return gitMergeHead(root).merging;
}

/** gitMergeHead asks git once whether `root` is in a work tree and whether that work tree is merging (MERGE_HEAD). */
function gitMergeHead(root: string): { workTree: boolean; merging: boolean } {
  // --show-toplevel prints the top first (and fails outside a work tree); --verify then fails without MERGE_HEAD
  const r = git(root, ['rev-parse', '--show-toplevel', '-q', '--verify', 'MERGE_HEAD']);
  const workTree = r.code !== 128 && r.out.trim() !== '';
  return { workTree, merging: workTree && r.code === 0 };
}

/** finishGitMerge concludes git's merge after `schemaver merge --continue` committed the schema merge. */
export function finishGitMerge(root: string): string {
  stage(root);
  const r = git(root, ['commit', '--no-edit', '-q']);
  if (r.code !== 0)
    return `git's merge is still open (git commit failed: ${r.err.trim().split('\n')[0]}); run \`git commit\``;
  return `git's merge committed: ${gitOut(root, ['rev-parse', '--short', 'HEAD'])}`;
}

/** abortGitMerge runs `git merge --abort` after `schemaver merge --abort`. */
export function abortGitMerge(root: string): string {
  const r = git(root, ['merge', '--abort']);
  return r.code === 0 ? "git's merge aborted too" : `git merge --abort failed: ${r.err.trim().split('\n')[0]}`;
}
