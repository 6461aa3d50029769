import * as Args from '@oclif/core/args';
import { BaseCommand } from '../../cli/base.js';
import { mergeRef } from '../../app/githooks.js';

/** GitMergeRef is the merge driver git runs for `.schemaver/refs/**` (set up by `git install`). */
export default class GitMergeRef extends BaseCommand {
  static override hidden = true;
  static override summary = 'Merge driver for .schemaver/refs/** (run by git): keeps ours.';
  static override description = `Git runs this when both sides moved a schemaver ref. Ours stays; inside \`git merge\`/\`git pull\` the pre-merge-commit hook then merges theirs semantically. \`git install\` now configures git's own \`true\` for this driver (the same result without starting Node); this command stays for repositories set up by earlier versions.`;
  static override examples = ['<%= config.bin %> git merge-ref %O %A %B %P'];
  static override args = {
    base: Args.string({ required: true }),
    ours: Args.string({ required: true }),
    theirs: Args.string({ required: true }),
    path: Args.string({ required: false }),
  };

  async run(): Promise<{ exit: number }> {
    await this.parse(GitMergeRef);
    const exit = mergeRef();
    process.exitCode = exit;
    return { exit };
  }
}
