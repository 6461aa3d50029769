import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../../cli/base.js';
import type { HookOutcome } from '../../app/premerge.js';
import { run } from '../../cli/verbs/git/pre-merge-commit.js';

/** GitPreMergeCommit is the pre-merge-commit hook (set up by `git install`): the semantic merge of git's merge. */
export default class GitPreMergeCommit extends BaseCommand {
  static override hidden = true;
  static override summary = "pre-merge-commit hook (run by git): merge both branches' schemaver commits.";
  static override description = `When both sides of git's merge carry schemaver commits, runs \`schemaver merge\` of theirs into ours (both edges proven in PGlite) and stages the result; a conflict stops git's commit (exit 1) with <<<conflict blocks in schema/.`;
  static override examples = [
    '<%= config.bin %> git pre-merge-commit',
    '<%= config.bin %> git pre-merge-commit --if-merging',
  ];
  static override flags = {
    'if-merging': Flags.boolean({ summary: 'Do nothing unless git is concluding a merge (the pre-commit hook).' }),
  };

  async run(): Promise<HookOutcome> {
    const { flags } = await this.parse(GitPreMergeCommit);
    return run(this.io, flags);
  }
}
