/** The body of `schemaver git post-checkout` (commands/git/post-checkout.ts for oclif), shared with the fast path (fast.ts). */
import { findProjectRoot } from '../../../store/root.js';
import { keepRemovedObjects } from '../../../gitint/recover.js';
import type { CommandIo } from '../../render.js';

/** PostCheckoutArgs are what git passes the post-checkout hook: the previous HEAD, the new one, and 1 for a branch checkout. */
export interface PostCheckoutArgs {
  readonly prev: string;
  readonly next: string;
  readonly branch?: string | undefined;
}

/** run keeps the store objects a branch checkout removed (the post-checkout hook). */
export async function run(
  io: CommandIo,
  _flags: Record<string, never>,
  args: PostCheckoutArgs,
): Promise<{ kept: number }> {
  const kept = args.branch === '0' ? 0 : await keepRemovedObjects(findProjectRoot(io.root), args.prev, args.next);
  return { kept };
}
