/**
 * Hazards: the one judge of what a migration edge loses, rewrites or locks, in either direction. Up is the plan
 * from parent to child as it is; down is judged by planning child -> parent with the child's renames reversed
 * (reverseHints), so undoing a rename is the rename back it is, not a drop and an add.
 */
import type { Schema } from '../model/types.js';
import type { Plan, StepSummary } from '../model/plan.js';
import { planMigration, summarizeSteps } from './index.js';
import { reverseHints } from './reverse.js';

/** upHazards returns the flagged steps of going from `from` to `to` as planned. */
export function upHazards(from: Schema, to: Schema): StepSummary[] {
  return summarizeSteps(planMigration(from, to));
}

/** downHazards returns the flagged steps of going from `child` back to `parent` (renames reversed). */
export function downHazards(child: Schema, parent: Schema): StepSummary[] {
  return summarizeSteps(planMigration(child, reverseHints(child, parent)));
}

/** downSteps flags the steps of `plan` (parent -> child) as the down script runs them: reversed, each marked destructive when undoing it loses data. */
export function downSteps(plan: Plan, child: Schema, parent: Schema): StepSummary[] {
  const lossy = new Set(
    downHazards(child, parent)
      .filter((s) => s.destructive)
      .map((s) => s.object),
  );
  return [...plan.steps].reverse().map((s) => ({
    what: `undo ${s.what}`,
    object: s.object,
    destructive: lossy.has(s.object),
    rewrite: s.rewrite,
    lock: s.lock,
    reversible: s.reverse !== null,
  }));
}
