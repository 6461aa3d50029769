import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { SchemaverError, negative } from '../errors.js';
import { openProject, shortId } from '../app/project.js';
import { paint } from '../cli/term.js';

/** BranchResult is what `branch --json` prints. */
export interface BranchResult {
  readonly current: string | null;
  readonly branches: readonly { readonly name: string; readonly id: string; readonly current: boolean }[];
  readonly created?: string;
  readonly deleted?: string;
}

/** Branch lists, creates and deletes branches. */
export default class Branch extends BaseCommand {
  static override summary = 'List, create or delete branches.';
  static override description = `Without arguments, lists branches (* marks the current one). \`branch NAME [START]\` creates NAME at START (default HEAD) without switching to it (see \`checkout -b\`). \`branch -d NAME\` deletes a branch whose commits are reachable from HEAD; -D deletes it anyway. The current branch cannot be deleted.`;

  static override examples = [
    '<%= config.bin %> branch',
    '<%= config.bin %> branch feature',
    '<%= config.bin %> branch hotfix v1.2',
    '<%= config.bin %> branch -d feature',
  ];

  static override args = {
    name: Args.string({ description: 'Branch to create.', required: false }),
    start: Args.string({ description: 'Revision the new branch starts at (default HEAD).', required: false }),
  };

  static override flags = {
    delete: Flags.string({
      char: 'd',
      summary: 'Delete branch NAME (must be merged into HEAD).',
      helpValue: 'NAME',
      exclusive: ['force-delete'],
    }),
    'force-delete': Flags.string({
      char: 'D',
      summary: 'Delete branch NAME even if it is not merged.',
      helpValue: 'NAME',
    }),
  };

  async run(): Promise<BranchResult> {
    const { args, flags } = await this.parse(Branch);
    const { store } = await openProject(this.root);
    const del = flags.delete ?? flags['force-delete'];
    let created: string | undefined;
    let deleted: string | undefined;
    if (del !== undefined) {
      if (args.name)
        throw new SchemaverError({ code: 'bad-usage', message: 'give either -d NAME or NAME, not both', exit: 2 });
      const tip = (await store.branches()).find((b) => b.name === del);
      if (!tip)
        throw new SchemaverError({
          code: 'unknown-branch',
          message: `there is no branch named '${del}'`,
          hint: 'list branches with `schemaver branch`',
          exit: 2,
        });
      const head = await store.head();
      if (
        flags.delete !== undefined &&
        (await store.currentBranch()) !== del &&
        !(head && (await store.isAncestor(tip.id, head)))
      ) {
        throw negative(
          'branch-not-merged',
          `branch '${del}' is not merged into HEAD; deleting it would lose ${shortId(tip.id)}`,
          `merge it first, or delete it anyway with \`schemaver branch -D ${del}\``,
        );
      }
      await store.deleteBranch(del);
      deleted = del;
      this.print(`Deleted branch ${del} (was ${shortId(tip.id)})`);
    } else if (args.name) {
      const start = await store.resolve(args.start ?? 'HEAD');
      await store.createBranch(args.name, start);
      created = args.name;
      this.print(`Created branch ${args.name} at ${shortId(start)}`);
    } else if (args.start) {
      throw new SchemaverError({ code: 'bad-usage', message: 'START needs a branch NAME', exit: 2 });
    }
    const current = (await store.currentBranch()) ?? null;
    const branches = (await store.branches()).map((b) => ({ ...b, current: b.name === current }));
    if (!created && !deleted) {
      const c = paint(process.stdout);
      const head = await store.head();
      if (!current && head) this.print(`* ${c.green(`(HEAD detached at ${shortId(head)})`)}`);
      if (current && !branches.some((b) => b.current)) this.print(`* ${c.green(current)} (no commits yet)`);
      for (const b of branches)
        this.print(b.current ? `* ${c.green(b.name)} ${c.dim(shortId(b.id))}` : `  ${b.name} ${c.dim(shortId(b.id))}`);
    }
    return { current, branches, ...(created ? { created } : {}), ...(deleted ? { deleted } : {}) };
  }
}
