import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { renderCommit } from '../cli/commit.js';
import type { CommitResult } from '../app/commit.js';
import { revertCommit } from '../app/revert.js';
import { startVerifier } from '../pg/offload.js';

/** Revert makes a new commit that undoes another one, with the reverse migration, verified. */
export default class Revert extends BaseCommand {
  static override summary = 'Make a new commit that undoes REV: the reverse migration, proven in PGlite.';
  static override description = `Reverting HEAD restores its parent's schema/ files byte for byte and stores HEAD's own down script as the new commit's up (and its up as the new down), so a data-only commit is undone by its down SQL. Reverting an older commit merges the undo into what came after it (base REV, ours HEAD, theirs REV's parent) and plans the migration from HEAD; a conflict with a later commit is refused (exit 1). Either way the commit goes through \`commit\`: validated, proven in PGlite (--no-verify skips it), --allow-destructive needed when the undo loses data (reverting an added column drops it). Refuses over uncommitted edits in schema/.`;

  static override examples = [
    '<%= config.bin %> revert HEAD',
    '<%= config.bin %> revert 1a2b3c4 --allow-destructive',
    '<%= config.bin %> revert HEAD~2 -m "take the index back out"',
  ];

  static override args = { rev: Args.string({ description: 'The commit to undo.', required: true }) };

  static override flags = {
    message: Flags.string({ char: 'm', summary: 'Message (default: Revert "<subject>").', helpValue: 'MSG' }),
    'allow-destructive': Flags.boolean({ summary: 'Allow an undo that loses data (dropping what REV added).' }),
    verify: Flags.boolean({
      summary: 'Prove the migration in PGlite (--no-verify skips it).',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<CommitResult> {
    const { args, flags } = await this.parse(Revert);
    const verifier = flags.verify ? startVerifier({ deferSpare: true }) : undefined;
    try {
      const r = await revertCommit(this.root, args.rev, {
        ...(flags.message !== undefined ? { message: flags.message } : {}),
        allowDestructive: flags['allow-destructive'],
        ...(verifier ? { verifier } : {}),
        ...this.proofReports(),
      });
      this.print(renderCommit(r));
      return r.result;
    } finally {
      await verifier?.close();
    }
  }
}
