import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import type { SemChange } from '../diff/semdiff.js';
import { withRecordedRenames } from '../app/chain.js';
import { guard, loadRevOrEmpty, openProject } from '../app/project.js';
import { paint } from '../cli/term.js';
import { renderSemDiff, semanticDiff } from '../diff/semdiff.js';
import { planMigration, renderUp } from '../plan/index.js';
import { sqlComment } from '../sql/quote.js';

/** DiffSide names one side of a diff. */
export interface DiffSide {
  readonly rev: string;
  readonly id: string | null;
  readonly hash: string;
}

/** DiffResult is what `diff --json` prints. */
export interface DiffResult {
  readonly from: DiffSide;
  readonly to: DiffSide;
  readonly equal: boolean;
  readonly changes: readonly SemChange[];
  readonly sql?: string;
}

/** Diff compares two revisions semantically. */
export default class Diff extends BaseCommand {
  static override summary = 'Show the semantic difference between two revisions (default HEAD -> WORKING).';
  static override description = `Compares schemas object by object and attribute by attribute: columns are matched by name, not position; renames declared with renamed_from show as renames. Formatting, comments, file layout, key order and type spellings never show. A and B are revisions (id, prefix, branch, tag, HEAD~N, REV^N, WORKING); one revision compares it with WORKING; \`A..B\` is the same as \`A B\`.

--json prints {from, to, equal, changes: [{op: add|drop|change|rename, path, object, attr, from, to}]}; --sql appends the up migration SQL; --exit-code exits 1 when the schemas differ.`;

  static override examples = [
    '<%= config.bin %> diff',
    '<%= config.bin %> diff HEAD~1 HEAD',
    '<%= config.bin %> diff main feature --sql',
    '<%= config.bin %> diff v1.0 --json',
  ];

  static override args = {
    a: Args.string({ description: 'From revision (default HEAD).', required: false }),
    b: Args.string({ description: 'To revision (default WORKING).', required: false }),
  };

  static override flags = {
    sql: Flags.boolean({ summary: 'Append the up migration SQL from A to B.' }),
    'exit-code': Flags.boolean({ summary: 'Exit 1 when A and B differ.' }),
  };

  async run(): Promise<DiffResult> {
    const { args, flags } = await this.parse(Diff);
    let a = args.a ?? 'HEAD';
    let b = args.b ?? 'WORKING';
    if (args.a && !args.b && args.a.includes('..'))
      [a, b] = args.a.split('..', 2).map((x, i) => x || (i === 0 ? 'HEAD' : 'WORKING')) as [string, string];
    const { root, store } = await openProject(this.root);
    const from = await loadRevOrEmpty(root, a, store);
    const loaded = await loadRevOrEmpty(root, b, store);
    const to = { ...loaded, schema: await withRecordedRenames(store, from, loaded) };
    const equal = from.hash === to.hash;
    const changes = equal ? [] : semanticDiff(from.schema, to.schema);
    let sql: string | undefined;
    if (flags.sql) {
      sql = await guard('migration planning (src/plan)', () => renderUp(planMigration(from.schema, to.schema)));
    }
    const c = paint(process.stdout);
    const label = (s: typeof from) => `${s.rev}${s.id ? ` (${s.id.slice(0, 7)})` : ''}`;
    if (equal)
      this.print(`no difference: ${label(from)} and ${label(to)} have the same schema (${from.hash.slice(0, 16)}…)`);
    else {
      this.print(c.bold(`--- ${label(from)} ${from.hash.slice(0, 16)}…`));
      this.print(c.bold(`+++ ${label(to)} ${to.hash.slice(0, 16)}…`));
      this.print(
        changes.length
          ? renderSemDiff(changes, c)
          : '(the schema hashes differ, but no object-level difference was found)',
      );
    }
    if (sql !== undefined) {
      const head = sqlComment(`up migration ${label(from)} -> ${label(to)}`);
      this.print(`\n${head}\n${sql.trim() ? sql : sqlComment('(no steps)')}`);
    }
    const result: DiffResult = {
      from: { rev: from.rev, id: from.id ?? null, hash: from.hash },
      to: { rev: to.rev, id: to.id ?? null, hash: to.hash },
      equal,
      changes,
      ...(sql !== undefined ? { sql } : {}),
    };
    if (flags['exit-code'] && !equal) process.exitCode = 1; // a negative answer, with the diff as output
    return result;
  }
}
