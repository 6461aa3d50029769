/** The body of `schemaver git pre-merge-commit` (commands/git/pre-merge-commit.ts for oclif), shared with the fast path (fast.ts). */
import type { HookOutcome } from '../../../app/premerge.js';
import { openProject } from '../../../app/project.js';
import { gitMergeInProgress } from '../../../gitint/mergestate.js';
import type { CommandIo } from '../../render.js';

/** PreMergeCommitFlags are the hook's flags as oclif parses them. */
export interface PreMergeCommitFlags {
  readonly 'if-merging'?: boolean | undefined;
}

/** run merges both branches' schemaver commits inside git's merge (the pre-merge-commit and pre-commit hooks). */
export async function run(io: CommandIo, flags: PreMergeCommitFlags): Promise<HookOutcome> {
  const { root, store } = await openProject(io.root);
  if (flags['if-merging'] && !gitMergeInProgress(root)) return { exit: 0, action: 'none', lines: [] };
  // the merge and what it loads, only when git concludes a merge
  const { preMergeCommit } = await import('../../../app/premerge.js');
  const out = await preMergeCommit(root, store);
  for (const l of out.lines) process.stderr.write(l + '\n');
  process.exitCode = out.exit;
  return out;
}
