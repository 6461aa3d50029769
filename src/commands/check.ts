import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { urlFlag } from '../deploy/flags.js';
import type { CheckResult } from '../deploy/check.js';
import { findProjectRoot } from '../app/project.js';
import { cachedPgliteBuilder, check, driftError } from '../deploy/check.js';
import { withDeploy } from '../deploy/session.js';
import { cacheDir } from '../store/index.js';
import { excludeRules } from '../app/config.js';

/** Check tells whether a database has drifted from the snapshot it records. */
export default class Check extends BaseCommand {
  static override summary = 'Detect drift: compare a database with the snapshot it records (exit 1 on drift).';
  static override description = `Introspects the database and compares it, object by object, with the recorded snapshot (or REV) as PostgreSQL itself reads that snapshot back after building it in a fresh PGlite. Prints a semantic diff (- expected by the snapshot, + found in the database) and exits 1 when they differ, 0 when clean. Objects schemaver does not model (kept under \`unmanaged:\`) count as drift only when they changed. Objects excluded with --exclude KIND:PATTERN or \`exclude:\` in schemaver.yaml are not compared. Bookkeeping tables schemaver_* are ignored.`;

  static override examples = [
    '<%= config.bin %> check',
    '<%= config.bin %> check --url $DATABASE_URL --json',
    '<%= config.bin %> check HEAD --url $DATABASE_URL   # before `stamp HEAD` on an imported database',
  ];

  static override args = {
    rev: Args.string({ description: 'Compare with this revision instead of the recorded commit.', required: false }),
  };

  static override flags = {
    url: urlFlag,
    exclude: Flags.string({
      summary:
        'Ignore objects of KIND whose name matches PATTERN (* and ?); repeatable. Also `exclude:` in schemaver.yaml.',
      helpValue: 'KIND:PATTERN',
      multiple: true,
    }),
  };

  async run(): Promise<CheckResult> {
    const { args, flags } = await this.parse(Check);
    const rules = await excludeRules(findProjectRoot(this.root), flags.exclude ?? []);
    const r = await withDeploy(
      { start: this.root, url: flags.url, create: false, ...(args.rev ? { revs: [args.rev] } : {}) },
      (s) => check(s.store, s.target.db, s.target.label, args.rev, cachedPgliteBuilder(cacheDir(s.root)), rules),
    );
    if (!r.clean) throw driftError(r);
    this.print(
      `${r.target} matches ${r.commit ? r.commit.slice(0, 7) : 'base'} (${r.hash ?? 'empty'}); checked in ${r.ms} ms`,
    );
    return r;
  }
}
