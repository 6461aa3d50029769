import { BaseCommand } from '../cli/base.js';
import type { StatusResult } from '../app/status.js';
import { run } from '../cli/verbs/status.js';

/** Status shows the branch, HEAD and the semantic changes of schema/ since HEAD. */
export default class Status extends BaseCommand {
  static override summary = 'Show the branch, HEAD and what changed in schema/ since HEAD, semantically.';
  static override description = `Compares WORKING (schema/ as it is now) with HEAD by schema hash; when they differ, lists the added, dropped, renamed and changed objects down to columns and attributes. Reordering or reformatting YAML changes no hash, so status stays clean (edited files are still listed, since checkout would rewrite them). Exits 2 with every problem when schema/ does not validate.`;

  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  async run(): Promise<StatusResult> {
    await this.parse(Status);
    return run(this.io);
  }
}
