import * as Args from '@oclif/core/args';
import { BaseCommand } from '../cli/base.js';
import { allowDestructiveFlag, fromFlag, onlineFlag, sqlFlag, urlFlag } from '../deploy/flags.js';
import type { MoveResult } from '../deploy/engine.js';
import { runMoveCommand } from '../cli/move.js';

/** Downgrade moves a database back to REV, N commits back (-N), or to nothing (base). */
export default class Downgrade extends BaseCommand {
  static override summary = 'Undo migrations on a database: back to REV, -N commits, or base.';
  static override description = `Runs the down SQL of each edge from the commit the database records back to the target, in ONE transaction under an advisory lock; any failure rolls everything back. -N goes N commits back along first parents (like HEAD~N); base removes everything schemaver created.

Undoing an added column or table loses data, so most downgrades need --allow-destructive; a step stored as irreversible cannot be undone at all. --sql prints the script instead of running it.`;

  static override examples = [
    '<%= config.bin %> downgrade -1 --allow-destructive',
    '<%= config.bin %> downgrade v1 --url $DATABASE_URL --allow-destructive',
    '<%= config.bin %> downgrade -1 --sql',
    '<%= config.bin %> downgrade base --allow-destructive',
  ];

  static override args = {
    rev: Args.string({ description: 'Where to go: a revision, -N (N commits back) or base.', required: true }),
  };

  static override flags = {
    url: urlFlag,
    'allow-destructive': allowDestructiveFlag,
    sql: sqlFlag,
    from: fromFlag,
    online: onlineFlag,
  };

  async run(): Promise<MoveResult> {
    const { args, flags } = await this.parse(Downgrade);
    return runMoveCommand(
      this.root,
      'downgrade',
      { rev: args.rev, ...flags },
      { json: this.jsonEnabled(), note: (l) => this.note(l), print: (t) => this.print(t) },
    );
  }
}
