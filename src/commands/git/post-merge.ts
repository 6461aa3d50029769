import { BaseCommand } from '../../cli/base.js';
import { run } from '../../cli/verbs/git/post-merge.js';

/** GitPostMerge is the post-merge hook (set up by `git install`): git's merge commit takes the schema merge. */
export default class GitPostMerge extends BaseCommand {
  static override hidden = true;
  static override summary = "post-merge hook (run by git): put the staged schema merge into git's merge commit.";
  static override description = `git writes the tree of an automatic merge before pre-merge-commit runs, so the schemaver merge commit and the merged schema/ that hook staged are folded into git's merge commit here (\`git commit --amend --no-edit\`).`;
  static override examples = ['<%= config.bin %> git post-merge'];

  async run(): Promise<{ amended: boolean }> {
    await this.parse(GitPostMerge);
    return run(this.io);
  }
}
