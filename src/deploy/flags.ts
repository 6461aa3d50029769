/** Flags shared by the deploy commands (upgrade, downgrade, current, history, stamp, check). */
import * as Flags from '@oclif/core/flags';

/** urlFlag selects a PostgreSQL server; without it DATABASE_URL, else the local PGlite database. */
export const urlFlag = Flags.string({
  summary: 'PostgreSQL connection URL (default: $DATABASE_URL, else the embedded PGlite database in .schemaver/local).',
  helpValue: 'URL',
});

/** allowDestructiveFlag consents to steps that lose data. */
export const allowDestructiveFlag = Flags.boolean({
  summary: 'Run steps that lose data (drop table/column, narrowing types, the down of an added column).',
});

/** sqlFlag prints the script instead of running it (offline mode). */
export const sqlFlag = Flags.boolean({
  summary: 'Print the SQL script (with BEGIN/COMMIT and the version-table updates) instead of running it.',
});

/** fromFlag, with --sql, assumes the database is at REV instead of reading it (fully offline). */
export const fromFlag = Flags.string({
  summary: 'With --sql: generate from REV (or base) without reading the database.',
  helpValue: 'REV',
});

/** onlineFlag deploys in online-safe steps (default: `online:` in schemaver.yaml); --no-online forces one transaction. */
export const onlineFlag = Flags.boolean({
  summary:
    'Deploy for live traffic: each step commits on its own under lock_timeout (retried) and statement_timeout, indexes CONCURRENTLY, constraints NOT VALID then VALIDATE; schemaver_version records each step and a rerun continues after the last one. Default: `online:` in schemaver.yaml.',
  allowNo: true,
});
