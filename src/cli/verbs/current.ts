/** The body of `schemaver current` (commands/current.ts for oclif), shared with the fast path (fast.ts). */
import type { CurrentResult } from '../../deploy/status.js';
import { current } from '../../deploy/status.js';
import { withDeploy } from '../../deploy/session.js';
import { renderCurrent } from '../move.js';
import { paint } from '../term.js';
import type { CommandIo } from '../render.js';

/** CurrentFlags are current's flags as oclif parses them. */
export interface CurrentFlags {
  readonly url?: string | undefined;
}

/** run shows the commit a database records, as `schemaver current` does. */
export async function run(io: CommandIo, flags: CurrentFlags): Promise<CurrentResult> {
  const r = await withDeploy({ start: io.root, url: flags.url, create: false }, (s) =>
    current(s.store, s.target.db, s.target.label),
  );
  io.print(renderCurrent(r, paint(process.stdout)));
  return r;
}
