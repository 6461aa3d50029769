import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { urlFlag } from '../deploy/flags.js';
import type { HistoryResult } from '../deploy/status.js';
import { renderHistory } from '../cli/move.js';
import { paint } from '../cli/term.js';
import { withDeploy } from '../deploy/session.js';
import { history } from '../deploy/status.js';

/** History lists the migrations applied to a database. */
export default class History extends BaseCommand {
  static override summary = 'List the migrations applied to a database, newest first.';
  static override description = `Reads schemaver_history: one row per edge run (up or down) and per stamp, with when, by whom (current_user), the schemaver version and the sha256 of the SQL that ran.`;

  static override examples = [
    '<%= config.bin %> history',
    '<%= config.bin %> history -n 5 --url $DATABASE_URL',
    '<%= config.bin %> history --json',
  ];

  static override flags = {
    url: urlFlag,
    'max-count': Flags.integer({ char: 'n', summary: 'Show at most N rows.', min: 0, helpValue: 'N' }),
  };

  async run(): Promise<HistoryResult> {
    const { flags } = await this.parse(History);
    const r = await withDeploy({ start: this.root, url: flags.url, create: false }, (s) =>
      history(s.target.db, s.target.label, flags['max-count']),
    );
    this.print(renderHistory(r, paint(process.stdout)));
    return r;
  }
}
