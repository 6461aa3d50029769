/**
 * Migrations that work on empty tables and fail on rows. The proof finds them (pg/verify.ts runs every edge on
 * tables holding sample rows); here they become a refusal like a destructive step: the step, the table,
 * PostgreSQL's error and a hint that fits the change, unless the user accepts it (--allow-empty-only).
 */
import { negative } from '../errors.js';
import type { StepSummary } from '../model/plan.js';
import type { DataFailure, VerifyData, VerifyResult } from '../pg/verify.js';

/** ALLOW_EMPTY_ONLY is the flag that accepts a migration failing on rows (for tables empty in every database). */
export const ALLOW_EMPTY_ONLY = '--allow-empty-only';

/** FailingStep is a DataFailure with the step it belongs to (when the script is the planner's) and a hint. */
export interface FailingStep extends DataFailure {
  /** edge: the parent commit of the edge ('' for a root edge). */
  readonly edge: string;
  /** step: the step's description (`add column users.slug`), or the statement for hand-edited SQL. */
  readonly step: string;
  readonly hint: string;
}

/** failuresOf reads the statements that fail on rows out of a proof result (none for a failed or skipped proof). */
export function failuresOf(res: VerifyResult | undefined): readonly DataFailure[] {
  return (res?.data as Partial<VerifyData> | undefined)?.failsOnData ?? [];
}

/** stepOf finds the planned step whose SQL (or reverse, for down) holds `statement`. */
export function stepOf(
  steps: readonly { what: string; sql: readonly string[]; reverse: readonly string[] | null }[],
  f: DataFailure,
): string | undefined {
  const norm = (x: string) => x.replace(/\s+/g, ' ').trim();
  const st = norm(f.statement);
  if (!st) return undefined;
  for (const s of steps) {
    const sqls = f.phase === 'up' ? s.sql : (s.reverse ?? []);
    if (sqls.some((x) => norm(x) === st)) return f.phase === 'up' ? s.what : `undo ${s.what}`;
  }
  return undefined;
}

/** tableOfObject is the table part of a step's object id (`users.slug` -> `users`). */
function tableOfObject(object: string | undefined): string | undefined {
  if (!object) return undefined;
  const i = object.lastIndexOf('.');
  return i > 0 ? object.slice(0, i) : object;
}

/** hintFor writes the advice that fits the failure: a default, a backfill in a hand-edited migration, or two commits. */
export function hintFor(f: DataFailure, step: string): string {
  const split = 'split the change into two commits (first make room and backfill, then tighten)';
  const backfill = 'write the backfill into the migration (`commit --up FILE` with an UPDATE before the statement)';
  const m = /^add column (\S+)/.exec(step);
  let advice: string;
  if (f.code === '23502' && m) {
    advice = `declare a \`default:\` for column ${m[1]} so existing rows get a value; or add it nullable, backfill it, and make it NOT NULL in a second commit; or ${backfill}`;
  } else if (f.code === '23502') {
    advice = `existing rows hold NULLs: ${backfill}, or ${split}`;
  } else if (f.code === '23505') {
    advice = `existing rows hold duplicates: remove them in a backfill (\`commit --up FILE\`), or ${split}`;
  } else if (f.code === '23514' || f.code === '23P01') {
    advice = `existing rows break the constraint: fix them in a backfill (\`commit --up FILE\`), or ${split}`;
  } else if (f.code === '23503') {
    advice = `existing rows reference rows that do not exist: fix them in a backfill (\`commit --up FILE\`), or ${split}`;
  } else if (f.code?.startsWith('22') || f.code === '42804') {
    advice = `existing values do not convert: give the conversion in a hand-edited migration (\`commit --up FILE\`, ALTER ... TYPE ... USING), or ${split} (add a new column, backfill it, drop the old one)`;
  } else {
    advice = `${backfill}, or ${split}`;
  }
  return advice;
}

/** failingSteps names each failure's step and table and gives it its hint. */
export function failingSteps(
  edges: readonly {
    parent: string;
    /** plan: the planned steps when the caller has them (stored edges have only their summaries). */
    plan?: {
      steps: readonly { what: string; object: string; sql: readonly string[]; reverse: readonly string[] | null }[];
    };
    steps: readonly StepSummary[];
  }[],
  proofs: readonly (VerifyResult | undefined)[],
): FailingStep[] {
  const out: FailingStep[] = [];
  for (const [i, e] of edges.entries()) {
    for (const f of failuresOf(proofs[i])) {
      const what = (e.plan ? stepOf(e.plan.steps, f) : undefined) ?? f.step;
      const object = e.steps.find((s) => s.what === what || `undo ${s.what}` === what)?.object;
      const table = f.table ?? tableOfObject(object);
      const step = what ?? (f.statement ? `statement \`${f.statement.slice(0, 120)}\`` : `the ${f.phase} script`);
      out.push({ ...f, ...(table ? { table } : {}), edge: e.parent, step, hint: hintFor(f, step) });
    }
  }
  return out;
}

/** describeFailure is one line: `add column users.slug on table public.users: column "slug" ... (23502)`. */
export function describeFailure(f: FailingStep): string {
  return `${f.phase}: ${f.step}${f.table ? ` on table ${f.table}` : ''}: ${f.error}${f.code ? ` (${f.code})` : ''}`;
}

/** refuseFailingOnData refuses (exit 1, `fails-on-data`) when a step fails on tables holding rows and `allow` is off. */
export function refuseFailingOnData(failures: readonly FailingStep[], allow: boolean, retry: string): void {
  if (allow || failures.length === 0) return;
  const first = failures[0]!;
  throw negative(
    'fails-on-data',
    `the migration works on empty tables but fails on tables holding rows:\n  ${failures.map(describeFailure).join('\n  ')}`,
    `${first.hint}; if the tables are empty in every database, ${retry} with ${ALLOW_EMPTY_ONLY}`,
    { failures },
  );
}
