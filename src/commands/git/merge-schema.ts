import * as Args from '@oclif/core/args';
import { BaseCommand } from '../../cli/base.js';
import { run } from '../../cli/verbs/git/merge-schema.js';

/** GitMergeSchema is the merge driver git runs for `schema/**.yaml` (set up by `git install`). */
export default class GitMergeSchema extends BaseCommand {
  static override hidden = true;
  static override summary = 'Merge driver for schema/ YAML (run by git): a line merge, the semantic merge decides.';
  static override description = `Git runs this when both sides changed a schema file. A clean line merge is taken. A conflicting one inside \`git merge\`/\`git pull\` keeps ours for the pre-merge-commit hook to merge semantically; elsewhere (rebase, cherry-pick) git's conflict markers are written.`;
  static override examples = ['<%= config.bin %> git merge-schema %O %A %B %P'];
  static override args = {
    base: Args.string({ required: true }),
    ours: Args.string({ required: true }),
    theirs: Args.string({ required: true }),
    path: Args.string({ required: true }),
  };

  async run(): Promise<{ exit: number }> {
    const { args } = await this.parse(GitMergeSchema);
    return run(this.io, {}, args);
  }
}
