import * as Args from '@oclif/core/args';
import { BaseCommand } from '../cli/base.js';
import { negative } from '../errors.js';
import { openProject } from '../app/project.js';

/** MergeBase prints the best common ancestor of two revisions. */
export default class MergeBase extends BaseCommand {
  static override summary = 'Print the best common ancestor of two revisions (the base a merge would use).';
  static override description = `Resolves A and B (ids, prefixes, branches, tags, HEAD~N...) and prints the commit id of their best common ancestor — the "base" of a three-way merge. Exits 1 when the two histories share no commit.`;

  static override examples = [
    '<%= config.bin %> merge-base main feature',
    '<%= config.bin %> merge-base HEAD feature --json',
  ];

  static override args = {
    a: Args.string({ description: 'First revision.', required: true }),
    b: Args.string({ description: 'Second revision.', required: true }),
  };

  async run(): Promise<{ base: string; a: string; b: string }> {
    const { args } = await this.parse(MergeBase);
    const { store } = await openProject(this.root);
    const a = await store.resolve(args.a);
    const b = await store.resolve(args.b);
    const base = await store.mergeBase(a, b);
    if (!base)
      throw negative(
        'no-merge-base',
        `${args.a} and ${args.b} have no common ancestor`,
        'their histories are unrelated',
        { a, b },
      );
    this.print(base);
    return { base, a, b };
  }
}
