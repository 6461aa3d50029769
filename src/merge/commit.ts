/**
 * Making a merge commit: a migration from each parent to the merged schema (planned, rendered, and proven in
 * PGlite unless --no-verify), the destructive-step guard `commit` applies, and the PostgreSQL build check that
 * turns "the merged schema does not build" (a view on a dropped column...) into a located 'semantic' conflict.
 * The commit command keeps its migration code inline; this is the merge's own copy of that recipe (see report).
 */
import { negative } from '../errors.js';
import type { Migration, StepSummary } from '../model/plan.js';
import { emptySchema, type Schema } from '../model/types.js';
import type { Conflict } from './types.js';
import type { VerifyResult } from '../pg/verify.js';

/** EdgeReport is what a merge tells about one parent edge. */
export interface EdgeReport {
  readonly parent: string;
  readonly steps: readonly StepSummary[];
  readonly renames: readonly string[];
  readonly verified: boolean;
  readonly verifyMs?: number;
}

/** locateObject finds the model path of a step's object id (`users`, `users.email`, `named_users`). */
export function locateObject(schema: Schema, object: string): string[] {
  for (const s of [
    'tables',
    'views',
    'enums',
    'domains',
    'composites',
    'sequences',
    'functions',
    'extensions',
    'schemas',
  ] as const) {
    if (object in schema[s]) return [s, object];
  }
  for (const [k, t] of Object.entries(schema.tables)) {
    if (object.startsWith(k + '.')) {
      const rest = object.slice(k.length + 1);
      if (t.columns.some((c) => c.name === rest)) return ['tables', k, 'columns', rest];
      for (const f of ['indexes', 'uniques', 'checks', 'foreignKeys', 'exclusions', 'triggers', 'policies'] as const)
        if (rest in t[f]) return ['tables', k, f, rest];
      return ['tables', k];
    }
  }
  for (const k of Object.keys(schema.functions)) if (k.startsWith(object + '(')) return ['functions', k];
  return [];
}

/**
 * buildConflicts builds `schema` from nothing in a fresh PGlite, step by step; the first step PostgreSQL
 * rejects becomes a 'semantic' conflict naming its object and carrying PostgreSQL's message.
 */
export async function buildConflicts(schema: Schema): Promise<Conflict[]> {
  const { planMigration } = await import('../plan/index.js');
  const { freshPglite } = await import('../pg/index.js');
  const plan = planMigration(emptySchema(), schema);
  const db = await freshPglite({ extensions: Object.keys(schema.extensions) });
  try {
    for (const step of plan.steps) {
      for (const sql of step.sql) {
        try {
          await db.exec(sql);
        } catch (e) {
          const path = locateObject(schema, step.object);
          return [
            {
              path,
              object: step.object,
              kind: 'semantic',
              message: `the merged schema does not build in PostgreSQL: ${(e as Error).message} (while: ${step.what})`,
            },
          ];
        }
      }
    }
    return [];
  } finally {
    await db.close();
  }
}

/**
 * mergeMigrations plans, renders and (when `verify`) proves the migration from each parent to `merged`.
 * Refuses (exit 1) when a step loses data and `allowDestructive` is off, or when a proof fails.
 */
export async function mergeMigrations(
  parents: readonly { id: string; schema: Schema }[],
  merged: Schema,
  opts: { verify: boolean; allowDestructive: boolean; note?: (text: string) => void; cacheDir?: string },
): Promise<{ migrations: Migration[]; edges: EdgeReport[] }> {
  const { planMigration, renderUp, renderDown, summarizeSteps } = await import('../plan/index.js');
  const { schemaHash } = await import('../canon/index.js');
  const { describeRenames } = await import('../commands/commit.js');
  const toHash = schemaHash(merged);
  const planned = parents.map((p) => {
    const plan = planMigration(p.schema, merged);
    const steps: StepSummary[] = summarizeSteps(plan);
    return { p, plan, steps };
  });
  const destructive = planned.flatMap(({ p, steps }) =>
    steps.filter((s) => s.destructive).map((s) => `${s.what} (from ${p.id.slice(0, 7)})`),
  );
  if (destructive.length && !opts.allowDestructive) {
    throw negative(
      'destructive-change',
      `the merge loses data in ${destructive.length} step(s): ${destructive.join('; ')}`,
      'check this is intended (a database at that parent loses these), then run the merge again with --allow-destructive',
      { steps: destructive },
    );
  }
  const rendered = planned.map(({ p, plan, steps }) => ({
    p,
    steps,
    up: renderUp(plan),
    down: renderDown(plan),
    reversible: steps.every((s) => s.reversible),
  }));
  let proofs: (VerifyResult | undefined)[] = rendered.map(() => undefined);
  if (opts.verify) {
    const { proveEdges } = await import('../pg/prove.js');
    for (const { p } of rendered) opts.note?.(`verifying the migration from ${p.id.slice(0, 7)} in PGlite...`);
    // both parents' edges at once, one per core; the cache is shared with commit and verify
    proofs = await proveEdges(
      rendered.map(({ p, up, down, reversible }) => ({
        from: p.schema,
        to: merged,
        up,
        down: reversible ? down : null,
        opts: { hashes: { from: schemaHash(p.schema), to: toHash } },
      })),
      { cacheDir: opts.cacheDir },
    );
  }
  const migrations: Migration[] = [];
  const edges: EdgeReport[] = [];
  for (const [i, { p, steps, up, down }] of rendered.entries()) {
    const res = proofs[i];
    if (res && !res.ok) {
      const { proofFailure } = await import('../pg/failure.js');
      throw await proofFailure(res, { schema: merged }, { from: p.id.slice(0, 7), retry: 'merge' });
    }
    const renames = await describeRenames(p.schema, merged);
    migrations.push({
      parent: p.id,
      fromHash: schemaHash(p.schema),
      toHash,
      up,
      down,
      steps,
      ...(renames.length ? { renames } : {}),
    });
    edges.push({ parent: p.id, steps, renames, verified: res !== undefined, ...(res ? { verifyMs: res.ms } : {}) });
  }
  return { migrations, edges };
}
