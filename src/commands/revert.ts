import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { fileDirt, openProject } from '../app/project.js';
import { negative } from '../errors.js';
import { planRevert } from '../history/revert.js';
import { readSchemaDir } from '../parse/files.js';
import { cacheDir, writeSchemaFiles } from '../store/index.js';
import { writeFileAtomic } from '../store/refs.js';
import { join } from 'node:path';
import Commit from './commit.js';

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

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Revert);
    const { root, store } = await openProject(this.root);
    const head = await store.resolve('HEAD');
    const dirt = await fileDirt(store, head, await readSchemaDir(root));
    if ([...dirt.added, ...dirt.removed, ...dirt.modified].length)
      throw negative(
        'uncommitted-changes',
        'schema/ has edits HEAD does not hold; revert would overwrite them',
        'commit them first, or discard them with `schemaver checkout --force HEAD`',
        dirt,
      );
    const plan = await planRevert(store, args.rev);
    const argv = ['-m', flags.message ?? plan.message];
    if (plan.sql) {
      const up = join(cacheDir(root), 'REVERT_UP.sql');
      const down = join(cacheDir(root), 'REVERT_DOWN.sql');
      await writeFileAtomic(up, plan.sql.up);
      await writeFileAtomic(down, plan.sql.down);
      argv.push('--up', up, '--down', down);
    }
    if (flags['allow-destructive']) argv.push('--allow-destructive');
    if (!flags.verify) argv.push('--no-verify');
    if (this.jsonEnabled()) argv.push('--json');
    await writeSchemaFiles(root, plan.files);
    try {
      return await Commit.run(argv, this.config);
    } catch (e) {
      await writeSchemaFiles(root, await store.readFiles(head)); // a refused revert leaves schema/ as it was
      throw e;
    }
  }

  /** logJson prints nothing: the commit this command runs has printed its own JSON document. */
  protected override logJson(): void {}
}
