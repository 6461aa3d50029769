import { BaseCommand } from '../cli/base.js';
import { urlFlag } from '../deploy/flags.js';
import type { CurrentResult } from '../deploy/status.js';
import { run } from '../cli/verbs/current.js';

/** Current shows the commit a database records. */
export default class Current extends BaseCommand {
  static override summary = 'Show the commit a database is at.';
  static override description = `Reads schemaver_version in the database: the recorded commit and schema hash, whether it is HEAD, and the branches and tags pointing at it. A database that records nothing prints so (exit 0).`;

  static override examples = ['<%= config.bin %> current', '<%= config.bin %> current --url $DATABASE_URL --json'];

  static override flags = { url: urlFlag };

  async run(): Promise<CurrentResult> {
    const { flags } = await this.parse(Current);
    return run(this.io, flags);
  }
}
