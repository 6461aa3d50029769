import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { openProject, shortId } from '../app/project.js';

/** TagResult is what `tag --json` prints. */
export interface TagResult {
  readonly tags: readonly { readonly name: string; readonly id: string }[];
  readonly created?: { readonly name: string; readonly id: string };
}

/** Tag names a commit for good (e.g. a release). */
export default class Tag extends BaseCommand {
  static override summary = 'Tag a commit (default HEAD), or list tags.';
  static override description = `\`tag NAME [REV]\` creates a tag that never moves; an existing name is refused (exit 2). Tags are revisions everywhere (\`schemaver upgrade v1.2\`, \`schemaver diff v1.2 HEAD\`). Without NAME, lists tags.`;

  static override examples = [
    '<%= config.bin %> tag',
    '<%= config.bin %> tag v1.0',
    '<%= config.bin %> tag v0.9 HEAD~3',
  ];

  static override args = {
    name: Args.string({ description: 'Tag to create.', required: false }),
    rev: Args.string({ description: 'Revision to tag (default HEAD).', required: false }),
  };

  static override flags = {
    list: Flags.boolean({ char: 'l', summary: 'List tags (the default without NAME).' }),
  };

  async run(): Promise<TagResult> {
    const { args } = await this.parse(Tag);
    const { store } = await openProject(this.root);
    if (args.name) {
      const id = await store.resolve(args.rev ?? 'HEAD');
      await store.createTag(args.name, id);
      this.print(`Tagged ${shortId(id)} as ${args.name}`);
      return { tags: await store.tags(), created: { name: args.name, id } };
    }
    const tags = await store.tags();
    for (const t of tags) this.print(`${t.name} ${shortId(t.id)}`);
    return { tags };
  }
}
