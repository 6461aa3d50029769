/** Planner entry points (owned by the migration-engine work; see src/ARCHITECTURE.md). */
import type { Schema } from '../model/types.js';
import type { Plan, Step } from '../model/plan.js';

/** PlanOptions tune planning. */
export interface PlanOptions {
  /** renames: honour `renamed_from` hints of `to` (default true). */
  readonly renames?: boolean;
}

/** planMigration returns the ordered steps that turn `from` into `to`, each with its reverse and hazards. */
export function planMigration(_from: Schema, _to: Schema, _opts: PlanOptions = {}): Plan {
  throw new Error('planMigration: not implemented yet');
}

/** renderUp writes a plan's up script (statements separated by `;\n`, steps separated by comments). */
export function renderUp(_plan: Plan): string {
  throw new Error('renderUp: not implemented yet');
}

/** renderDown writes the down script: the reverses of the steps in reverse order; irreversible steps noted. */
export function renderDown(_plan: Plan): string {
  throw new Error('renderDown: not implemented yet');
}

export type { Plan, Step };
