/**
 * Making a merge commit: a migration from each parent to the merged schema through the edge recipe commit uses
 * (edge.ts: planned, judged, proven in PGlite unless --no-verify), and the PostgreSQL build check that turns
 * "the merged schema does not build" (a view on a dropped column...) into a located 'semantic' conflict.
 */
import type { Migration, StepSummary } from '../model/plan.js';
import { emptySchema, type Schema } from '../model/types.js';
import { KEYED_PART_FIELDS } from '../model/sections.js';
import { schemaHash } from '../canon/index.js';
import type { Conflict } from '../merge/types.js';
import type { VerifyResult } from '../pg/verify.js';
import { planMigration } from '../plan/index.js';
import { freshPglite } from '../pg/pglite.js';
import { holdsDatabases } from '../proc.js';
import { knownToBuild, recordBuilds } from '../pg/readback.js';
import { failingSteps, refuseFailingOnData, type FailingStep } from './datafail.js';
import { prepareEdge, proveEdgesOf, refuseDestructive, refuseFailedProofs } from './edge.js';

/** EdgeReport is what a merge tells about one parent edge. */
export interface EdgeReport {
  readonly parent: string;
  readonly steps: readonly StepSummary[];
  readonly renames: readonly string[];
  readonly verified: boolean;
  readonly verifyMs?: number;
  /** failsOnData: steps that fail on tables holding rows, accepted with --allow-empty-only. */
  readonly failsOnData?: readonly FailingStep[];
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
      // indexes first: an index and a check constraint of one table may share a name
      for (const f of ['indexes', ...KEYED_PART_FIELDS.filter((x) => x !== 'indexes')] as const)
        if (rest in t[f]) return ['tables', k, f, rest];
      return ['tables', k];
    }
  }
  for (const k of Object.keys(schema.functions)) if (k.startsWith(object + '(')) return ['functions', k];
  return [];
}

/**
 * buildConflicts builds `schema` from nothing in a fresh PGlite, step by step; the first step PostgreSQL
 * rejects becomes a 'semantic' conflict naming its object and carrying PostgreSQL's message. With the store's
 * cache directory, a schema on record there as building (readback.ts knownToBuild) is not built again, and one
 * that builds is recorded: a merge finished or retried over the same result (`merge --continue`, git's commit
 * running the hook again) starts no PGlite for it.
 */
export async function buildConflicts(schema: Schema, cacheDir?: string): Promise<Conflict[]> {
  const hash = cacheDir ? schemaHash(schema) : undefined;
  if (cacheDir && hash && (await knownToBuild(cacheDir, hash))) return [];
  const found = await buildNow(schema);
  if (cacheDir && hash && found.length === 0) await recordBuilds(cacheDir, hash);
  return found;
}

/**
 * buildNow is buildConflicts' build in a fresh PGlite, with the roles and tablespaces the schema names created
 * first, as every proof creates them: they are cluster objects no schema creates, so their absence is never a
 * conflict (a grant or policy to `app_reader` would otherwise fail to build on every merge). On a thread that holds
 * databases (proc.ts: a command), a schema that builds inside a transaction is rolled back and its database is the
 * spare for the next build (pglite.ts recycleSpare), as normalisation builds do (pg/normbuild.ts); a step that fails
 * there is decided by the build outside a transaction on the same database (rolled back, it is empty).
 */
async function buildNow(schema: Schema): Promise<Conflict[]> {
  // lazy, as the normaliser loads them
  const [{ ensureRoles, extensionNames, tablespacesOf }, { buildRolledBack }] = await Promise.all([
    import('../pg/build.js'),
    import('../pg/normbuild.js'),
  ]);
  const plan = planMigration(emptySchema(), schema);
  const exts = extensionNames(schema);
  const db = await freshPglite({ extensions: exts });
  if (holdsDatabases() && !exts.length && !tablespacesOf(schema).length) {
    const sqls = plan.steps.flatMap((step) => step.sql);
    const built = await buildRolledBack(db, schema, sqls, async () => {
      for (const sql of sqls) await db.exec(sql);
      return true;
    });
    if (built) return [];
  }
  try {
    await ensureRoles(db, schema);
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
 * mergeMigrations prepares and (when `verify`) proves the migration from each parent to `merged` with the edge
 * recipe commit uses. Refuses (exit 1) when a step loses data and `allowDestructive` is off, or when a proof fails.
 */
export async function mergeMigrations(
  parents: readonly { id: string; schema: Schema }[],
  merged: Schema,
  opts: {
    verify: boolean;
    allowDestructive: boolean;
    allowEmptyOnly?: boolean;
    note?: (text: string) => void;
    cacheDir?: string;
  },
): Promise<{ migrations: Migration[]; edges: EdgeReport[] }> {
  const toHash = schemaHash(merged);
  const prepared = parents.map((p) => prepareEdge(p, { schema: merged, hash: toHash }));
  refuseDestructive(prepared, opts.allowDestructive, 'run the merge again');
  let proofs: (VerifyResult | undefined)[] = prepared.map(() => undefined);
  if (opts.verify) {
    for (const e of prepared) opts.note?.(`verifying the migration from ${e.parent.slice(0, 7)} in PGlite...`);
    // both parents' edges at once, one per core; the cache is shared with commit and verify
    proofs = await proveEdgesOf(prepared, opts.cacheDir ? { cacheDir: opts.cacheDir } : {});
    await refuseFailedProofs(prepared, proofs, 'merge');
  }
  const failing = failingSteps(prepared, proofs);
  refuseFailingOnData(failing, Boolean(opts.allowEmptyOnly), 'run the merge again');
  const edges = prepared.map((e, i): EdgeReport => {
    const res = proofs[i];
    return {
      parent: e.parent,
      steps: e.steps,
      renames: e.renames,
      verified: res !== undefined,
      ...(res ? { verifyMs: res.ms } : {}),
      ...(failing.some((f) => f.edge === e.parent) ? { failsOnData: failing.filter((f) => f.edge === e.parent) } : {}),
    };
  });
  return { migrations: prepared.map((e) => e.migration), edges };
}
