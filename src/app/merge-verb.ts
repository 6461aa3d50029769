/**
 * What `schemaver merge` does with its flags: finish or undo a merge a crash interrupted (its journal), abort or
 * continue a conflicted merge (and git's merge the hook started with it), or merge a branch (./merge.ts).
 */
import { SchemaverError, negative } from '../errors.js';
import { abortGitMerge, finishGitMerge, gitMergeInProgress } from '../gitint/mergestate.js';
import { abortMerge, continueMerge, runMerge, type MergeFlags, type MergeOutcome } from './merge.js';
import { resumeMerge, type ResumedMerge } from './merge-switch.js';
import { openProject } from './project.js';

/** AbortedMerge is what `merge --abort` reports for a conflicted merge it gave up. */
export interface AbortedMerge {
  readonly status: 'aborted';
  readonly head: string;
  /** restored: schema/ was put back to HEAD's files (false when HEAD moved since the merge started). */
  readonly restored: boolean;
  readonly kept: string[];
}

/** MergeRequest is what the command asks for: a branch, or --continue / --abort, with the merge's flags. */
export interface MergeRequest extends Omit<MergeFlags, 'note'> {
  readonly branch?: string;
  readonly resume?: 'continue' | 'abort';
}

/** MergeVerbOutcome is the result (what --json prints) plus, after an abort, what happened to git's merge. */
export interface MergeVerbOutcome {
  readonly result: MergeOutcome | AbortedMerge | ResumedMerge;
  /** git: `git merge --abort`'s outcome when git's merge was open too. */
  readonly git?: string;
}

/** mergeVerb runs `schemaver merge` as asked; `note` tells people what is happening (stderr). */
export async function mergeVerb(
  start: string,
  req: MergeRequest,
  note: (t: string) => void,
): Promise<MergeVerbOutcome> {
  const { root, store } = await openProject(start, req.resume ? { interrupted: 'allow' } : {});
  // a merge a crash interrupted (its journal): finish or undo that first, and nothing else
  const resumed = req.resume ? await resumeMerge(root, store, req.resume) : undefined;
  if (resumed) return { result: resumed };
  const { branch, resume, ...rest } = req;
  const flags: MergeFlags = { ...rest, note };
  if (resume === 'abort') {
    const result = await abortMerge(root, store);
    return gitMergeInProgress(root) ? { result, git: abortGitMerge(root) } : { result };
  }
  if (resume === 'continue') {
    const result = await continueMerge(root, store, flags);
    // a merge the git hook started: git's merge commit takes the schema merge
    if (result.status === 'merged' && gitMergeInProgress(root)) note(finishGitMerge(root));
    return { result };
  }
  if (!branch)
    throw new SchemaverError({
      code: 'bad-usage',
      message: 'name the branch to merge',
      hint: 'schemaver merge BRANCH (or --continue / --abort)',
      exit: 2,
    });
  return { result: await runMerge(root, store, branch, flags) };
}

/** mergeConflictError is the exit-1 error of a merge that left conflicts in schema/ (its data: the outcome). */
export function mergeConflictError(out: Extract<MergeOutcome, { status: 'conflict' }>): SchemaverError {
  return negative(
    'merge-conflict',
    `merge of ${out.theirs.slice(0, 7)} into ${out.ours.slice(0, 7)} has ${out.conflicts.length} conflict(s)`,
    'replace each `<<<conflict` block in schema/ by the definition you want (or delete the entry), then `schemaver merge --continue` (or `schemaver merge --abort`)',
    out,
  );
}
