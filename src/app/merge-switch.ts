/**
 * The file phase of `schemaver merge` as journaled operations (src/store/switch.ts): every step that rewrites
 * schema/, MERGE_HEAD/MERGE_STATE or the branch is one `merge (<step>)` operation, and an interrupted one is
 * finished or undone by `schemaver merge --continue` / `--abort` (resumeMerge), with git's own merge when the
 * pre-merge-commit hook ran it.
 */
import { SchemaverError } from '../errors.js';
import type { SourceFile } from '../parse/index.js';
import type { Store } from '../store/index.js';
import { readHead, type HeadState } from '../store/refs.js';
import {
  describeOperation,
  interruptedError,
  resumeOperation,
  switchFiles,
  type SwitchRequest,
} from '../store/switch.js';

import {
  MERGE_HEAD_STATE,
  MERGE_STATE_NAME,
  abortGitMerge,
  finishGitMerge,
  gitMergeInProgress,
} from '../gitint/mergestate.js';

/** CLEAR_STATES removes MERGE_HEAD and MERGE_STATE with a merge's files (the merge is over). */
export const CLEAR_STATES = [
  { name: MERGE_HEAD_STATE, text: undefined },
  { name: MERGE_STATE_NAME, text: undefined },
] as const;

/**
 * mergeSwitch rewrites schema/ (and moves HEAD's branch, or a detached HEAD, from `from` to `to`) as one journaled,
 * crash-safe operation named `merge (<step>)`: an interruption at any write is finished or undone by
 * `schemaver merge --continue` / `--abort` (src/store/switch.ts). Runs under the store lock; HEAD must still be `from`.
 */
export async function mergeSwitch(
  root: string,
  store: Store,
  m: { step: string; files: readonly SourceFile[]; from: string; to: string; states?: SwitchRequest['states'] },
  before?: () => Promise<void>,
): Promise<void> {
  await store.withLock(async () => {
    const now = await store.head();
    if (now !== m.from)
      throw new SchemaverError({
        code: 'head-moved',
        message: `HEAD moved to ${now ? now.slice(0, 7) : 'nothing'} while the merge ran (it started at ${m.from.slice(0, 7)})`,
        hint: 'another command moved HEAD meanwhile; run the merge again',
        exit: 1,
      });
    await before?.();
    const h = await readHead(store.gitdir);
    const after: HeadState = 'branch' in h ? h : { detached: m.to };
    await switchFiles(store, root, {
      operation: 'merge',
      step: m.step,
      files: m.files,
      headBefore: h,
      headAfter: after,
      from: m.from,
      to: m.to,
      ...('branch' in h && m.from !== m.to ? { ref: `refs/heads/${h.branch}` } : {}),
      ...(m.states ? { states: m.states } : {}),
    });
  });
}

/** ResumedMerge is what `merge --continue` / `--abort` reports when they finished or undid an interrupted merge. */
export interface ResumedMerge {
  readonly status: 'resumed';
  readonly how: 'continue' | 'abort';
  /** step: the part of the merge that was interrupted (fast-forward, conflict, commit, abort). */
  readonly step: string;
  readonly described: string;
  readonly head: string | null;
  readonly kept: readonly string[];
  /** lines: what happened to git's merge in the app repository, when one is open. */
  readonly lines: readonly string[];
}

/**
 * resumeMerge finishes ('continue') or undoes ('abort') a merge a crash interrupted, from its journal; undefined when
 * there is none. Another interrupted operation is refused by name. An interrupted `merge --abort` is finished either
 * way (undoing it would only bring the conflict back). When git's own merge is open (the hook's merge): a finished
 * merge commit is committed by git too; an undone merge, or a finished abort, aborts git's merge.
 */
export async function resumeMerge(
  root: string,
  store: Store,
  how: 'continue' | 'abort',
): Promise<ResumedMerge | undefined> {
  const op = await store.interrupted();
  if (!op) return undefined;
  if (op.operation !== 'merge') throw interruptedError(op);
  const way = op.step === 'abort' ? 'continue' : how;
  const done = await store.withLock(() => resumeOperation(store, root, way));
  if (!done) return undefined;
  const lines: string[] = [];
  if (gitMergeInProgress(root)) {
    if (way === 'abort' || op.step === 'abort') lines.push(abortGitMerge(root));
    else if (op.step === 'commit') lines.push(finishGitMerge(root));
  }
  return {
    status: 'resumed',
    how: way,
    step: op.step ?? 'merge',
    described: describeOperation(op),
    head: (await store.head()) ?? null,
    kept: done.kept,
    lines,
  };
}
