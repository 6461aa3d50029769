import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';

/** PlanStepJson is one step as `plan --json` prints it. */
export interface PlanStepJson {
  readonly what: string;
  readonly object: string;
  readonly destructive: boolean;
  readonly rewrite: boolean;
  readonly lock: boolean;
  readonly reversible: boolean;
  readonly transactional: boolean;
  readonly sql: readonly string[];
  readonly reverse: readonly string[] | null;
}

/** PlanResult is what `plan --json` prints. */
export interface PlanResult {
  readonly from: { readonly rev: string; readonly id: string | null; readonly hash: string };
  readonly to: { readonly rev: string; readonly id: string | null; readonly hash: string };
  readonly direction: 'up' | 'down';
  readonly destructive: boolean;
  readonly steps: readonly PlanStepJson[];
  readonly sql: string;
}

/** Plan prints the migration between two revisions. */
export default class Plan extends BaseCommand {
  static override summary = 'Print the migration SQL from revision A to B (default HEAD -> WORKING).';
  static override description = [
    'Plans the ordered steps that turn schema A into schema B: renames declared with renamed_from first, then drops, types, functions, tables, columns, constraints, indexes, foreign keys, views, triggers and policies, each in dependency order.',
    'Every step carries its reverse; the down script (--down) is the reverses in reverse order. Steps that lose data are marked destructive; steps that rewrite a table or hold a long ACCESS EXCLUSIVE lock are marked too.',
    'A and B are revisions (id, prefix, branch, tag, HEAD~N, REV^N, WORKING); `A..B` is the same as `A B`. With no revisions, HEAD is planned to WORKING (the schema/ directory as it is now).',
    '--json prints {from, to, direction, destructive, steps: [{what, object, destructive, rewrite, lock, reversible, transactional, sql, reverse}], sql}. With --down the steps are the ones the down script runs, in its order, flagged for what they lose.',
  ].join('\n\n');

  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan HEAD~1 HEAD',
    '<%= config.bin %> plan main feature --down',
    '<%= config.bin %> plan v1.0..v2.0 --json',
  ];

  static override args = {
    a: Args.string({ description: 'From revision (default HEAD).', required: false }),
    b: Args.string({ description: 'To revision (default WORKING).', required: false }),
  };

  static override flags = {
    down: Flags.boolean({ summary: 'Print the down migration (B back to A) instead of the up migration.' }),
    exclude: Flags.string({
      summary:
        'Leave objects of KIND whose name matches PATTERN out of both sides (* and ?); repeatable. Also `exclude:` in schemaver.yaml.',
      helpValue: 'KIND:PATTERN',
      multiple: true,
    }),
  };

  async run(): Promise<PlanResult> {
    const { args, flags } = await this.parse(Plan);
    let a = args.a ?? 'HEAD';
    let b = args.b ?? 'WORKING';
    if (args.a && !args.b && args.a.includes('..'))
      [a, b] = args.a.split('..', 2).map((x, i) => x || (i === 0 ? 'HEAD' : 'WORKING')) as [string, string];
    const { openProject, loadRevOrEmpty } = await import('../cli/project.js');
    const { planMigration, renderUp, renderDown } = await import('../plan/index.js');
    const { root, store } = await openProject(this.root);
    const { excludeRules } = await import('../cli/config.js');
    const { applyExcludes } = await import('../model/exclude.js');
    const rules = await excludeRules(root, flags.exclude ?? []);
    const load = async (rev: string) => {
      const r = await loadRevOrEmpty(root, rev, store);
      return rules.length ? { ...r, schema: applyExcludes(r.schema, rules) } : r;
    };
    const from = await load(a);
    const loaded = await load(b);
    const { withRecordedRenames } = await import('../cli/chain.js');
    const to = { ...loaded, schema: await withRecordedRenames(store, from, loaded) };
    const { withColumnLoc } = await import('../cli/locate.js');
    const plan = withColumnLoc(to.files, () => planMigration(from.schema, to.schema));
    const sql = flags.down ? renderDown(plan) : renderUp(plan);
    // The down script runs the reverses in reverse order; what it loses is judged as deploy judges a downgrade:
    // by planning B -> A (an up step that creates something has a reverse that drops it).
    const lossy = flags.down ? downLosses(() => planMigration(to.schema, from.schema).steps) : undefined;
    const steps: PlanStepJson[] = (flags.down ? [...plan.steps].reverse() : plan.steps).map((s) =>
      flags.down
        ? {
            what: `undo ${s.what}`,
            object: s.object,
            destructive: lossy!.has(s.object),
            rewrite: s.rewrite,
            lock: s.lock,
            reversible: s.reverse !== null,
            transactional: s.transactional !== false,
            sql: s.reverse ?? [],
            reverse: s.sql,
          }
        : {
            what: s.what,
            object: s.object,
            destructive: s.destructive,
            rewrite: s.rewrite,
            lock: s.lock,
            reversible: s.reverse !== null,
            transactional: s.transactional !== false,
            sql: s.sql,
            reverse: s.reverse,
          },
    );
    const label = (s: typeof from) => `${s.rev}${s.id ? ` (${s.id.slice(0, 7)})` : ''}`;
    const [x, y] = flags.down ? [to, from] : [from, to];
    const { sqlComment } = await import('../sql/quote.js');
    this.print(sqlComment(`schemaver ${flags.down ? 'down' : 'up'} migration ${label(x)} -> ${label(y)}`));
    this.print(sqlComment(`from ${x.hash}\nto   ${y.hash}`));
    const lossySteps = steps.filter((s) => s.destructive);
    if (lossySteps.length)
      this.print(sqlComment(`WARNING: destructive steps: ${lossySteps.map((s) => s.what).join('; ')}`));
    if (flags.down && plan.steps.some((s) => s.reverse === null))
      this.print(
        sqlComment(
          `WARNING: irreversible steps (no down SQL): ${plan.steps
            .filter((s) => s.reverse === null)
            .map((s) => s.what)
            .join('; ')}`,
        ),
      );
    this.print(plan.steps.length ? `\n${sql}` : sqlComment('(no steps: the schemas are equal)'));
    return {
      from: { rev: from.rev, id: from.id ?? null, hash: from.hash },
      to: { rev: to.rev, id: to.id ?? null, hash: to.hash },
      direction: flags.down ? 'down' : 'up',
      destructive: lossySteps.length > 0,
      steps,
      sql,
    };
  }
}

/** downLosses lists the objects a B -> A plan loses; none when that plan cannot be made (a type with no cast back). */
function downLosses(steps: () => readonly { destructive: boolean; object: string }[]): Set<string> {
  try {
    return new Set(
      steps()
        .filter((s) => s.destructive)
        .map((s) => s.object),
    );
  } catch {
    return new Set();
  }
}
