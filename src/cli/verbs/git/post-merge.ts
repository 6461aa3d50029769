/** The body of `schemaver git post-merge` (commands/git/post-merge.ts for oclif), shared with the fast path (fast.ts). */
import { findProjectRoot } from '../../../store/root.js';
import { postMerge } from '../../../app/githooks.js';
import type { CommandIo } from '../../render.js';

/** run puts the schema merge pre-merge-commit staged into git's merge commit (the post-merge hook). */
export async function run(io: CommandIo): Promise<{ amended: boolean }> {
  const line = await postMerge(findProjectRoot(io.root));
  if (line) process.stderr.write(line + '\n');
  return { amended: line !== undefined };
}
