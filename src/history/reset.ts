/**
 * `schemaver reset`: move the current branch (or detached HEAD) to another commit, as `git reset` does.
 * schemaver has no staging area, so git's --mixed and --soft are one mode here ("keep"): schema/ is left as it
 * is and its difference from the new HEAD shows in `status`, ready to commit again. --hard also rewrites
 * schema/ from the commit, byte for byte, and drops a merge in progress. The old HEAD is kept in ORIG_HEAD.
 */
import type { Store } from '../store/index.js';
import { SchemaverError } from '../errors.js';
import { readSchemaDir } from '../parse/files.js';
import { readHead } from '../store/refs.js';
import { describeOperation, resumeOperation, switchFiles } from '../store/switch.js';
import { rememberWorkingHash } from '../store/working.js';
import { mergeInProgress } from '../gitint/mergestate.js';

/** ResetMode is what reset does to schema/: keep it (soft/mixed) or rewrite it (hard). */
export type ResetMode = 'soft' | 'hard';

/** ResetResult is what `reset --json` prints. */
export interface ResetResult {
  readonly mode: ResetMode;
  readonly from: string | null;
  readonly to: string;
  readonly branch: string | null;
  /** files: schema/ files rewritten (--hard only). */
  readonly files: number;
}

/** resumeReset finishes ('continue') or undoes ('abort') a reset a crash interrupted (its journal); undefined when none. */
export async function resumeReset(root: string, store: Store, how: 'continue' | 'abort'): Promise<string | undefined> {
  const done = await store.withLock(() => resumeOperation(store, root, how));
  return done ? describeOperation(done.operation) : undefined;
}

/** resetTo moves HEAD's branch to `rev` (kept in ORIG_HEAD: the old id); --hard rewrites schema/ and clears a merge. */
export async function resetTo(root: string, store: Store, rev: string, mode: ResetMode): Promise<ResetResult> {
  const target = await store.resolve(rev);
  return store.withLock(async () => {
    if (mode !== 'hard' && (await mergeInProgress(root, store))) {
      throw new SchemaverError({
        code: 'merge-in-progress',
        message: 'a merge is in progress; reset --soft would leave its conflict blocks in schema/',
        hint: 'finish it (`schemaver merge --continue`), drop it (`schemaver merge --abort`) or use `reset --hard`',
        exit: 2,
      });
    }
    const from = (await store.head()) ?? null;
    const branch = (await store.currentBranch()) ?? null;
    if (from) await store.writeState('ORIG_HEAD', from + '\n');
    const snapshot = mode === 'hard' ? await store.readFiles(target) : undefined;
    // crash-safe (src/store/switch.ts): pre-images stored, journal, files, the ref, journal removed
    await switchFiles(store, root, {
      operation: 'reset',
      files: snapshot ?? (await readSchemaDir(root)),
      headBefore: await readHead(store.gitdir),
      headAfter: branch ? { branch } : { detached: target },
      from,
      to: target,
      ...(branch ? { ref: `refs/heads/${branch}` } : {}),
    });
    let files = 0;
    if (snapshot) {
      await rememberWorkingHash(root, snapshot, (await store.readCommit(target)).schemaHash);
      await store.writeState('MERGE_HEAD', undefined);
      await store.writeState('MERGE_STATE', undefined);
      files = snapshot.length;
    }
    return { mode, from, to: target, branch, files };
  });
}
