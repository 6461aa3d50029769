import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { loadRev, openProject } from '../app/project.js';
import { renderErd } from '../cli/erd.js';

/** ErdResult is what `erd --json` prints. */
export interface ErdResult {
  readonly rev: string;
  readonly id: string | null;
  readonly format: 'mermaid' | 'dot';
  readonly diagram: string;
}

/** Erd draws an entity-relationship diagram of a snapshot. */
export default class Erd extends BaseCommand {
  static override summary = 'Draw an entity-relationship diagram of a revision (Mermaid or Graphviz DOT).';
  static override description = `Prints the tables of REV (default HEAD; WORKING for schema/ as it is now) with their columns and types, primary keys (PK), foreign-key columns (FK) and one edge per foreign key. Mermaid renders in Markdown on GitHub; DOT renders with Graphviz: \`schemaver erd --format dot | dot -Tsvg > schema.svg\`.`;

  static override examples = [
    '<%= config.bin %> erd',
    '<%= config.bin %> erd WORKING',
    '<%= config.bin %> erd v1.0 --format dot | dot -Tpng > erd.png',
  ];

  static override args = {
    rev: Args.string({ description: 'Revision to draw (default HEAD).', required: false }),
  };

  static override flags = {
    format: Flags.string({ summary: 'Diagram language.', options: ['mermaid', 'dot'], default: 'mermaid' }),
  };

  async run(): Promise<ErdResult> {
    const { args, flags } = await this.parse(Erd);
    const rev = args.rev ?? 'HEAD';
    const { root, store } = await openProject(this.root);
    const loaded = await loadRev(root, rev, store);
    const format = flags.format as 'mermaid' | 'dot';
    const diagram = renderErd(loaded.schema, format);
    if (!this.jsonEnabled()) process.stdout.write(diagram);
    return { rev, id: loaded.id ?? null, format, diagram };
  }
}
