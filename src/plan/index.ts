/**
 * Planner entry points: (from, to) -> ordered steps, each with its reverse and hazards; up/down scripts.
 *
 * Down: every step carries the exact reverse of its own statements (written by the same code run the other way,
 * from the definitions in `from`), so the down script is the reverses in reverse order. Renames run first in
 * up (and last in down); every other step works on `from` as it is after the renames (see src/diff/renames.ts).
 */
import type { Schema } from '../model/types.js';
import type { Change } from '../model/changes.js';
import type { Plan, Step, StepSummary } from '../model/plan.js';
import { diffDetailed } from '../diff/index.js';
import { planChangeDrafts } from './build.js';
import { newContext } from './context.js';
import { orderDrafts } from './order.js';
import { sqlComment } from '../sql/quote.js';

export { PHASE } from './context.js';

/** PlanOptions tune planning. */
export interface PlanOptions {
  /** renames: honour `renamed_from` hints of `to` (default true). */
  readonly renames?: boolean;
}

/** MigrationPlan is a Plan plus the changes it was made from. */
export interface MigrationPlan extends Plan {
  readonly changes: readonly Change[];
}

/** planMigration returns the ordered steps that turn `from` into `to`, each with its reverse and hazards. */
export function planMigration(from: Schema, to: Schema, opts: PlanOptions = {}): MigrationPlan {
  // the differ's target holds the renames it inferred (an index or key that only changes its name) as hints
  const d = diffDetailed(from, to, { renames: opts.renames !== false });
  return { steps: planChanges(d.changes, d.renamed, d.target), changes: d.changes };
}

/**
 * planChanges orders the steps for `changes` (as diffDetailed returns them). `from` must be the source schema
 * after the renames in `changes` (DiffResult.renamed); `to` is the target.
 */
export function planChanges(changes: readonly Change[], from: Schema, to: Schema): Step[] {
  const ctx = newContext(from, to);
  planChangeDrafts(ctx, changes);
  return orderDrafts(ctx.drafts);
}

/** renderSteps writes steps as a script: a `-- what` comment, then each statement ending in `;`. */
function renderSteps(steps: readonly { what: string; sql: readonly string[] | null }[]): string {
  const out: string[] = [];
  for (const s of steps) {
    if (s.sql === null) {
      out.push(`${sqlComment(`irreversible: ${s.what}`, true)}\n`);
      continue;
    }
    out.push(`${sqlComment(s.what, true)}\n${s.sql.map((x) => `${x};\n`).join('')}`);
  }
  return out.join('\n');
}

/** renderUp writes a plan's up script (statements separated by `;\n`, steps separated by comments). */
export function renderUp(plan: Plan): string {
  return renderSteps(plan.steps);
}

/** renderDown writes the down script: the reverses of the steps in reverse order; irreversible steps noted. */
export function renderDown(plan: Plan): string {
  return renderSteps([...plan.steps].reverse().map((s) => ({ what: `undo ${s.what}`, sql: s.reverse })));
}

/** summarizeSteps is the stored, flag-only view of a plan's steps (for `plan --json`, `show`, commit checks). */
export function summarizeSteps(plan: Plan): StepSummary[] {
  return plan.steps.map((s) => ({
    what: s.what,
    object: s.object,
    destructive: s.destructive,
    rewrite: s.rewrite,
    lock: s.lock,
    reversible: s.reverse !== null,
  }));
}

/** isDestructive tells whether any step of a plan loses data. */
export function isDestructive(plan: Plan): boolean {
  return plan.steps.some((s) => s.destructive);
}

export type { Plan, Step };
