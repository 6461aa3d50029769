/** The services behind the `upgrade` and `downgrade` commands (kept out of the command files). */
import { envFailure } from '../errors.js';
import { move, type MoveResult } from './engine.js';
import { withDeploy } from './session.js';

/** MoveFlags are the parsed flags of upgrade/downgrade. */
export interface MoveFlags {
  readonly rev?: string;
  readonly url?: string;
  readonly 'allow-destructive'?: boolean;
  readonly sql?: boolean;
  readonly from?: string;
}

/** runMove opens the project and target and runs (or with --sql, prints) an upgrade or downgrade. */
export async function runMove(start: string, command: 'upgrade' | 'downgrade', f: MoveFlags, note: (line: string) => void): Promise<MoveResult> {
  const revs = [f.rev && !/^-\d+$/.test(f.rev) && f.rev !== 'base' ? f.rev : 'HEAD'];
  // --sql never creates the local database; an absent one is empty.
  return withDeploy({ start, url: f.url, create: !f.sql, revs, onWait: note }, async (s) => {
    if (!s.target.db && !f.sql) throw envFailure('no-database', `no database to ${command}`);
    return move(
      {
        store: s.store,
        db: f.from !== undefined ? undefined : s.target.db,
        label: s.target.label,
        // progress on stderr: the waiting notice always, one line per edge on multi-edge runs
        onProgress: (l) => {
          const m = /^\w+ \d+\/(\d+):/.exec(l);
          if (!m || Number(m[1]) > 1) note(l);
        },
      },
      { command, rev: f.rev, allowDestructive: Boolean(f['allow-destructive']), sql: Boolean(f.sql), ...(f.from !== undefined ? { from: f.from } : {}) },
    );
  });
}
