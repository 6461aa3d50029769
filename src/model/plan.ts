/**
 * Plans: the ordered steps of a migration between two snapshots. Produced by src/plan, compiled to SQL by
 * src/sql, stored with each commit edge by src/store, run by src/deploy, proven by src/pg/verify.
 */

/** Hazards a step carries. */
export interface Hazards {
  /** destructive: the step loses data (drop table/column, narrowing type change, dropping an enum value). */
  readonly destructive: boolean;
  /** rewrite: PostgreSQL rewrites the whole table (e.g. most column type changes). */
  readonly rewrite: boolean;
  /** lock: the step holds an ACCESS EXCLUSIVE lock for longer than a catalog update. */
  readonly lock: boolean;
}

/** Step is one change of a migration with its SQL and the SQL that undoes it. */
export interface Step extends Hazards {
  /** what: short human description, e.g. `add column users.email`. */
  readonly what: string;
  /** object: id of the object the step is about (`users`, `users.email`, `billing.invoice_no`). */
  readonly object: string;
  /** sql: the statements of the step, each without a trailing semicolon. */
  readonly sql: readonly string[];
  /** reverse: statements that undo the step, or null when it cannot be undone (`irreversible`). */
  readonly reverse: readonly string[] | null;
  /** transactional: false when a statement cannot run inside a transaction block (rare). */
  readonly transactional?: boolean;
}

/** Plan is an ordered list of steps from one snapshot to another. */
export interface Plan {
  readonly steps: readonly Step[];
}

/** Migration is what a commit stores for one parent edge. */
export interface Migration {
  /** parent commit id (the source snapshot); the empty string for a root commit (from nothing). */
  readonly parent: string;
  readonly fromHash: string;
  readonly toHash: string;
  readonly up: string; // SQL script
  readonly down: string; // SQL script
  readonly steps: readonly StepSummary[];
  /** handEdited: up/down came from --up/--down files rather than the planner. */
  readonly handEdited?: boolean;
  /** renames applied on this edge, e.g. `table users.nick -> users.nickname`. */
  readonly renames?: readonly string[];
  /** scriptIds: the git blob ids the store recorded for up.sql and down.sql (set when read from a store; checked before a deploy runs them). */
  readonly scriptIds?: { readonly up: string; readonly down: string };
}

/** StepSummary is the stored, flag-only view of a step (for `plan --json`, `show`, destructive checks). */
export interface StepSummary extends Hazards {
  readonly what: string;
  readonly object: string;
  readonly reversible: boolean;
}
