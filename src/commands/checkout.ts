import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { renderCheckout } from '../cli/checkout.js';
import { runCheckout, type CheckoutResult } from '../app/checkout.js';

/** Checkout switches branches or commits and rewrites schema/ to match. */
export default class Checkout extends BaseCommand {
  static override summary = 'Switch to a branch or commit, rewriting schema/ exactly as it was committed.';
  static override description = `Rewrites schema/ byte for byte from the snapshot: files that differ are replaced, schema files the snapshot does not have are removed, other files are kept. A branch name switches to the branch; any other revision (HEAD~2, a tag, a commit id) detaches HEAD there. -b NAME creates a branch (at START, default HEAD) and switches to it. Edits in schema/ that HEAD does not hold are carried over as git does: a file the switch does not touch keeps your edit; an edit of comments or formatting only is merged line by line into the target's text when that is clean. Otherwise checkout refuses (exit 1) unless --force.`;

  static override examples = [
    '<%= config.bin %> checkout feature',
    '<%= config.bin %> checkout -b feature',
    '<%= config.bin %> checkout -b hotfix v1.2',
    '<%= config.bin %> checkout HEAD~1',
    '<%= config.bin %> checkout main --force',
  ];

  static override args = {
    rev: Args.string({
      description: 'Branch or revision to switch to (with -b: where the new branch starts).',
      required: false,
    }),
  };

  static override flags = {
    branch: Flags.string({ char: 'b', summary: 'Create branch NAME and switch to it.', helpValue: 'NAME' }),
    force: Flags.boolean({ char: 'f', summary: 'Discard uncommitted edits in schema/.' }),
    continue: Flags.boolean({
      summary: 'Finish an interrupted checkout (from its journal, .schemaver/OPERATION_IN_PROGRESS).',
      exclusive: ['abort', 'branch', 'force'],
    }),
    abort: Flags.boolean({
      summary: 'Undo an interrupted checkout: schema/ and HEAD as they were before it.',
      exclusive: ['continue', 'branch', 'force'],
    }),
  };

  async run(): Promise<CheckoutResult> {
    const { args, flags } = await this.parse(Checkout);
    const out = await runCheckout(
      this.root,
      {
        ...(args.rev !== undefined ? { rev: args.rev } : {}),
        ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
        force: flags.force,
        ...(flags.continue || flags.abort ? { resume: flags.continue ? 'continue' : 'abort' } : {}),
      },
      (t) => this.note(t),
    );
    this.printLines(renderCheckout(out));
    return out.result;
  }
}
