/** The service behind the `upgrade` and `downgrade` commands: open the project and target, move or print the script. */
import { SchemaverError, envFailure } from '../errors.js';
import { move, type MoveResult } from '../deploy/engine.js';
import type { Store } from '../store/index.js';
import { withDeploy } from '../deploy/session.js';

/** MoveFlags are the parsed flags of upgrade/downgrade. */
export interface MoveFlags {
  readonly rev?: string;
  readonly url?: string;
  readonly 'allow-destructive'?: boolean;
  readonly sql?: boolean;
  readonly from?: string;
}

/** checkRevs resolves the revisions named on the command line (exit 2 when unknown) before anything is opened. */
async function checkRevs(store: Store, command: 'upgrade' | 'downgrade', f: MoveFlags): Promise<void> {
  for (const rev of [f.rev ?? (command === 'upgrade' ? 'HEAD' : undefined), f.from]) {
    if (rev === undefined || rev === 'base' || /^[-+]\d+$/.test(rev)) continue;
    if (rev === 'HEAD' && !(await store.head())) {
      throw new SchemaverError({
        code: 'no-commits',
        message: 'there are no commits to deploy yet',
        hint: 'commit the schema first: `schemaver commit -m "..."`',
        exit: 2,
      });
    }
    await store.resolve(rev);
  }
}

/** runMove opens the project and target and runs (or with --sql, prints) an upgrade or downgrade. */
export async function runMove(
  start: string,
  command: 'upgrade' | 'downgrade',
  f: MoveFlags,
  note: (line: string) => void,
  onStatement?: (done: number, total: number) => void,
): Promise<MoveResult> {
  if (f.from !== undefined && !f.sql) {
    // checked before anything is opened: bad input writes nothing (not even the local database)
    throw new SchemaverError({
      code: 'bad-usage',
      message: '--from only goes with --sql (offline mode)',
      hint: 'online, schemaver reads where the database is from schemaver_version',
      exit: 2,
    });
  }
  const revs = [f.rev && !/^[-+]\d+$/.test(f.rev) && f.rev !== 'base' ? f.rev : 'HEAD'];
  // --sql never creates the local database; an absent one is empty.
  return withDeploy(
    {
      start,
      url: f.url,
      create: !f.sql,
      revs,
      onWait: note,
      offline: Boolean(f.sql) && f.from !== undefined,
      check: (store) => checkRevs(store, command, f),
    },
    async (s) => {
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
          ...(onStatement ? { onStatement } : {}),
        },
        {
          command,
          rev: f.rev,
          allowDestructive: Boolean(f['allow-destructive']),
          sql: Boolean(f.sql),
          ...(f.from !== undefined ? { from: f.from } : {}),
        },
      );
    },
  );
}
