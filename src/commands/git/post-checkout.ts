import * as Args from '@oclif/core/args';
import { BaseCommand } from '../../cli/base.js';
import { run } from '../../cli/verbs/git/post-checkout.js';

/** GitPostCheckout is the post-checkout hook (set up by `git install`): keeps store objects the checkout removed. */
export default class GitPostCheckout extends BaseCommand {
  static override hidden = true;
  static override summary = 'post-checkout hook (run by git): keep the store objects the checkout removed.';
  static override description = `Copies the .schemaver objects present in the previous git HEAD but not in the new one into .schemaver/cache/recovered, so a dev database upgraded on the branch you left can still be moved with \`schemaver upgrade\`.`;
  static override examples = ['<%= config.bin %> git post-checkout PREV NEW 1'];
  static override args = {
    prev: Args.string({ required: true }),
    next: Args.string({ required: true }),
    branch: Args.string({ required: false }),
  };

  async run(): Promise<{ kept: number }> {
    const { args } = await this.parse(GitPostCheckout);
    return run(this.io, {}, args);
  }
}
