import * as Args from '@oclif/core/args';
import { BaseCommand } from '../cli/base.js';
import { allowDestructiveFlag, fromFlag, onlineFlag, sqlFlag, urlFlag } from '../deploy/flags.js';
import type { MoveResult } from '../deploy/engine.js';
import { runMoveCommand } from '../cli/move.js';

/** Upgrade moves a database to a commit (default HEAD), Alembic's `upgrade head`. */
export default class Upgrade extends BaseCommand {
  static override summary = 'Apply migrations to a database, up to REV (default HEAD).';
  static override description = `Reads the commit the database records (table schemaver_version), finds the path through the commit graph to REV and runs each edge's migration, all in ONE transaction under an advisory lock: if any statement fails, everything is rolled back and the database is exactly as before. A concurrent run waits for the lock, then continues from where the first one left.

The database is --url, else $DATABASE_URL, else the embedded PGlite database in .schemaver/local. Steps that lose data need --allow-destructive. A database that already has tables but records no commit is refused: baseline it with \`schemaver stamp REV\` first. --sql prints the script instead (offline mode).

When the way through the commit graph (down one branch and up another, or through a narrower snapshot) would lose data that a direct migration between the database's commit and REV keeps, the direct migration is planned, proven in PGlite and run instead; --sql says which path was taken and why.

--online (or \`online:\` in schemaver.yaml) deploys for live traffic: indexes CONCURRENTLY, constraints NOT VALID then VALIDATE, SET NOT NULL through a validated check, volatile defaults backfilled in batches; each step commits on its own under lock_timeout (retried) and statement_timeout, schemaver_version records each step, and a rerun after a failure continues at the next one.`;

  static override examples = [
    '<%= config.bin %> upgrade',
    '<%= config.bin %> upgrade --url postgres://app@db.internal/app',
    '<%= config.bin %> upgrade v2 --allow-destructive',
    '<%= config.bin %> upgrade +1',
    '<%= config.bin %> upgrade --sql > deploy.sql',
    '<%= config.bin %> upgrade HEAD --sql --from v1',
    '<%= config.bin %> upgrade --online --url postgres://app@db.internal/app',
  ];

  static override args = {
    rev: Args.string({
      description: 'Revision to move to (default HEAD), or +N: N migrations toward HEAD.',
      required: false,
    }),
  };

  static override flags = {
    url: urlFlag,
    'allow-destructive': allowDestructiveFlag,
    sql: sqlFlag,
    from: fromFlag,
    online: onlineFlag,
  };

  async run(): Promise<MoveResult> {
    const { args, flags } = await this.parse(Upgrade);
    return runMoveCommand(
      this.root,
      'upgrade',
      { rev: args.rev, ...flags },
      { json: this.jsonEnabled(), note: (l) => this.note(l), print: (t) => this.print(t) },
    );
  }
}
