/**
 * `revert REV` as a service: a new commit that undoes REV (src/history/revert.ts plans its files and, for HEAD, its
 * SQL), committed through the one commit recipe (./commit.ts) and proven like any commit. schema/ is put back as HEAD
 * has it when the commit is refused.
 */
import { negative, SchemaverError } from '../errors.js';
import { planRevert } from '../history/revert.js';
import { readSchemaDir } from '../parse/files.js';
import { writeSchemaFiles } from '../store/index.js';
import { commitWorking, type CommitOutcome, type CommitRequest } from './commit.js';
import { fileDirt, openProject } from './project.js';

/** RevertRequest is a commit request without its scripts and with an optional message (default `Revert "<subject>"`). */
export type RevertRequest = Omit<CommitRequest, 'hand' | 'message' | 'amend'> & { readonly message?: string };

/** revertCommit commits the undo of `rev`; refuses (exit 1) over edits in schema/ that HEAD does not hold. */
export async function revertCommit(start: string, rev: string, req: RevertRequest): Promise<CommitOutcome> {
  if (req.message !== undefined && !req.message.trim())
    throw new SchemaverError({
      code: 'empty-message',
      message: 'the commit message is empty',
      hint: 'pass -m "what changed and why"',
    });
  const { root, store } = await openProject(start);
  const head = await store.resolve('HEAD');
  const dirt = await fileDirt(store, head, await readSchemaDir(root));
  if ([...dirt.added, ...dirt.removed, ...dirt.modified].length)
    throw negative(
      'uncommitted-changes',
      'schema/ has edits HEAD does not hold; revert would overwrite them',
      'commit them first, or discard them with `schemaver checkout --force HEAD`',
      dirt,
    );
  const plan = await planRevert(store, rev);
  await writeSchemaFiles(root, plan.files);
  try {
    return await commitWorking(start, {
      ...req,
      message: req.message ?? plan.message,
      hand: plan.sql ? { up: plan.sql.up, down: plan.sql.down } : {},
    });
  } catch (e) {
    await writeSchemaFiles(root, await store.readFiles(head)); // a refused revert leaves schema/ as it was
    throw e;
  }
}
