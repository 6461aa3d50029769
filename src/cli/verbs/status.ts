/** The body of `schemaver status` (commands/status.ts for oclif), shared with the fast path (fast.ts). */
import { workingStatus, type StatusResult } from '../../app/status.js';
import { renderStatus } from '../status.js';
import { paint } from '../term.js';
import type { CommandIo } from '../render.js';

/** StatusFlags: status has none of its own. */
export type StatusFlags = Record<string, never>;

/** run shows the branch, HEAD and what changed in schema/ as `schemaver status` does. */
export async function run(io: CommandIo, _flags: StatusFlags = {}): Promise<StatusResult> {
  const out = await workingStatus(io.root, (t) => io.note(t));
  io.printLines(renderStatus(out, paint(process.stdout)));
  return out.result;
}
