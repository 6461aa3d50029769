import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { paint } from '../cli/term.js';
import { renderShow } from '../cli/show.js';
import { showRev, type ShowResult } from '../app/show.js';

/** Show prints one commit with its schema hash and the migration(s) that lead to it. */
export default class Show extends BaseCommand {
  static override summary =
    'Show a commit: message, schema hash and the migration(s) to it (up SQL, steps with flags).';
  static override description = `For a commit, prints its metadata, the renames it applied, and for each parent edge (a root commit has one from nothing) the steps with their flags (destructive, rewrite, lock, irreversible) and the up SQL; --down adds the down SQL. \`show WORKING\` shows schema/ as it is: its hash, its changes since HEAD and the migration a commit would store now.`;

  static override examples = [
    '<%= config.bin %> show',
    '<%= config.bin %> show HEAD~1 --down',
    '<%= config.bin %> show v1.0 --json',
    '<%= config.bin %> show WORKING',
  ];

  static override args = {
    rev: Args.string({ description: 'Revision to show (default HEAD).', required: false }),
  };

  static override flags = {
    down: Flags.boolean({ summary: 'Also print the down SQL.' }),
  };

  async run(): Promise<ShowResult> {
    const { args, flags } = await this.parse(Show);
    const r = await showRev(this.root, args.rev);
    this.printLines(renderShow(r, paint(process.stdout), flags.down));
    return r;
  }
}
