import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import type { PlanResult } from '../app/plan.js';
import { run } from '../cli/verbs/plan.js';

export type { PlanResult, PlanStepJson } from '../app/plan.js';

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
    online: Flags.boolean({
      summary:
        'Plan for a database under live traffic: indexes CONCURRENTLY, UNIQUE / PRIMARY KEY through a unique index built CONCURRENTLY then ADD CONSTRAINT ... USING INDEX, constraints NOT VALID then VALIDATE, SET NOT NULL through a validated check, backfills in batches; each step commits on its own. A column type change that rewrites the table (int -> bigint) has no online form: it stays, marked, and is listed as changing-column-type (expand/contract over several commits instead; README: Live traffic). Default: `online:` in schemaver.yaml.',
      allowNo: true,
    }),
    exclude: Flags.string({
      summary:
        'Leave objects of KIND whose name matches PATTERN out of both sides (* and ?); repeatable. Also `exclude:` in schemaver.yaml.',
      helpValue: 'KIND:PATTERN',
      multiple: true,
    }),
  };

  async run(): Promise<PlanResult> {
    const { args, flags } = await this.parse(Plan);
    return run(this.io, flags, args);
  }
}
