/** The body of `schemaver git merge-schema` (commands/git/merge-schema.ts for oclif), shared with the fast path (fast.ts). */
import { mergeSchema } from '../../../app/githooks.js';
import type { CommandIo } from '../../render.js';

/** MergeSchemaArgs are git's merge driver placeholders: %O %A %B %P. */
export interface MergeSchemaArgs {
  readonly base: string;
  readonly ours: string;
  readonly theirs: string;
  readonly path: string;
}

/** run is the merge driver of schema/ YAML: git's line merge into `ours` (see app/githooks.ts mergeSchema). */
export async function run(
  io: CommandIo,
  _flags: Record<string, never>,
  args: MergeSchemaArgs,
): Promise<{ exit: number }> {
  const exit = await mergeSchema(io.root, args.base, args.ours, args.theirs, args.path);
  process.exitCode = exit;
  return { exit };
}
