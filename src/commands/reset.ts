import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import type { ResetResult } from '../history/reset.js';
import { openProject, shortId } from '../app/project.js';
import { SchemaverError } from '../errors.js';
import { resetTo, resumeReset } from '../history/reset.js';

/** Reset moves the current branch to another commit (git reset). */
export default class Reset extends BaseCommand {
  static override summary = 'Move the current branch to another commit; --hard also rewrites schema/.';
  static override description = `Points the current branch (or detached HEAD) at REV, like \`git reset\`. The previous HEAD is printed and kept in .schemaver/ORIG_HEAD: \`schemaver reset ORIG_HEAD\` undoes a reset.

schemaver has no staging area, so git's --mixed (its default) and --soft are the same here: schema/ is left as it is, and \`status\` shows how it differs from the new HEAD — ready to be committed again (e.g. several commits squashed into one). --hard rewrites schema/ from REV byte for byte (uncommitted edits are lost) and drops a merge in progress. Commits the branch no longer reaches stay in the store; \`schemaver log --all\` and \`show ID\` still find them while a branch or tag points at them.`;

  static override examples = [
    '<%= config.bin %> reset HEAD~1            # undo the last commit, keep schema/ as it is',
    '<%= config.bin %> reset --hard HEAD~1     # drop the last commit and its schema change',
    '<%= config.bin %> reset --hard v1.0',
  ];

  static override args = { rev: Args.string({ description: 'Commit to move the branch to.', required: false }) };

  static override flags = {
    soft: Flags.boolean({ summary: 'Keep schema/ as it is (the default; same as --mixed).', exclusive: ['hard'] }),
    mixed: Flags.boolean({ summary: 'Same as --soft: schemaver has no index.', exclusive: ['hard'] }),
    hard: Flags.boolean({ summary: 'Also rewrite schema/ from REV, discarding uncommitted edits.' }),
    continue: Flags.boolean({ summary: 'Finish a reset a crash interrupted (its journal).', exclusive: ['abort'] }),
    abort: Flags.boolean({ summary: 'Undo a reset a crash interrupted: schema/ and the branch as before.' }),
  };

  async run(): Promise<ResetResult> {
    const { args, flags } = await this.parse(Reset);
    if (flags.continue || flags.abort) {
      const { root, store } = await openProject(this.root, { interrupted: 'allow' });
      const how = flags.continue ? 'continue' : 'abort';
      const what = await resumeReset(root, store, how);
      if (!what)
        throw new SchemaverError({ code: 'nothing-to-resume', message: 'there is no interrupted reset', exit: 2 });
      this.print(`${how === 'continue' ? 'Finished' : 'Undid'} the interrupted ${what}`);
      const to = (await store.head()) ?? '';
      return { mode: 'soft', from: null, to, branch: (await store.currentBranch()) ?? null, files: 0 };
    }
    if (!args.rev)
      throw new SchemaverError({
        code: 'bad-usage',
        message: 'reset needs a revision',
        hint: 'e.g. `schemaver reset HEAD~1` or `schemaver reset --hard v1.0`',
        exit: 2,
      });
    const { root, store } = await openProject(this.root);
    const r = await resetTo(root, store, args.rev, flags.hard ? 'hard' : 'soft');
    const subject = (await store.readCommit(r.to)).message.split('\n')[0];
    this.print(`HEAD is now at ${shortId(r.to)} ${subject}${r.branch ? ` (${r.branch})` : ' (detached)'}`);
    if (r.from && r.from !== r.to) this.print(`previous HEAD ${shortId(r.from)} kept in ORIG_HEAD`);
    if (r.mode === 'hard') this.print(`schema/ rewritten from ${shortId(r.to)} (${r.files} file(s))`);
    else
      this.print(
        'schema/ kept as it is (--soft; schemaver has no index, so --mixed is the same): see `schemaver status`',
      );
    return r;
  }
}
