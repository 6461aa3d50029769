/**
 * check: does the database still match the snapshot it records? Both sides are read back from PostgreSQL
 * (the target by introspection; the snapshot by building it in a fresh PGlite and introspecting that), so
 * PostgreSQL normalises expressions and types on both sides before they are compared.
 */
import { SchemaverError, negative, type Issue } from '../errors.js';
import type { Schema } from '../model/types.js';
import type { Driver } from '../pg/driver.js';
import type { SemChange } from '../cli/semdiff.js';
import { BASE, short, type DeployStore } from './path.js';
import { readRecorded } from './versions.js';

/** CheckResult is what `check` found. */
export interface CheckResult {
  readonly target: string;
  readonly commit: string | null;
  readonly hash: string | null;
  /** clean: no difference and nothing the model cannot express. */
  readonly clean: boolean;
  /** changes: what differs, from the snapshot (expected) to the database (actual). */
  readonly changes: readonly SemChange[];
  /** unsupported: objects in the database the model cannot express (they are drift too). */
  readonly unsupported: readonly Issue[];
  readonly ms: number;
}

/** SchemaBuilder reads back a schema as PostgreSQL sees it after building it from nothing. */
export type SchemaBuilder = (schema: Schema) => Promise<Schema>;

/** pgliteBuilder builds a schema in a fresh PGlite from the planner's empty -> schema migration and introspects it. */
export const pgliteBuilder: SchemaBuilder = async (schema) => {
  const { emptySchema } = await import('../model/types.js');
  const { planMigration, renderUp } = await import('../plan/index.js');
  const { freshPglite, introspect } = await import('../pg/index.js');
  const db = await freshPglite({ extensions: Object.values(schema.extensions).map((e) => e.name) });
  try {
    await db.exec(renderUp(planMigration(emptySchema(), schema)));
    return (await introspect(db)).schema;
  } finally {
    await db.close();
  }
};

/** check compares the target with the snapshot of `rev` (default: the commit the database records). */
export async function check(store: DeployStore, db: Driver | undefined, label: string, rev?: string, build: SchemaBuilder = pgliteBuilder): Promise<CheckResult> {
  const t0 = performance.now();
  let commit: string;
  if (rev !== undefined) {
    commit = rev === 'base' ? BASE : await store.resolve(rev);
  } else {
    const recorded = db ? await readRecorded(db) : { tables: false, commit: undefined };
    if (!recorded.commit) {
      throw negative('not-stamped', `${label} records no schemaver commit, so there is nothing to check it against`, 'name a revision (`schemaver check HEAD`), or record one with `schemaver upgrade` / `schemaver stamp REV`');
    }
    commit = recorded.commit;
  }
  const { emptySchema } = await import('../model/types.js');
  const { introspect } = await import('../pg/index.js');
  const { semanticDiff } = await import('../cli/semdiff.js');
  let snapshot: Schema;
  let hash: string | null = null;
  if (commit === BASE) snapshot = emptySchema();
  else {
    try {
      const snap = await store.readSnapshot(commit);
      snapshot = snap.schema;
      hash = snap.schemaHash;
    } catch (e) {
      if (rev !== undefined) throw e;
      throw negative('unknown-recorded-commit', `${label} records commit ${commit}, which this store does not have`, 'pull the .schemaver store that deployed it', { commit });
    }
  }
  const expected = await build(snapshot);
  const actual = db ? await introspect(db) : { schema: emptySchema(), unsupported: [] };
  const changes = semanticDiff(expected, actual.schema);
  return {
    target: label,
    commit: commit === BASE ? null : commit,
    hash,
    clean: changes.length === 0 && actual.unsupported.length === 0,
    changes,
    unsupported: actual.unsupported,
    ms: Math.round(performance.now() - t0),
  };
}

/** driftError is the exit-1 answer for a drifted database, with the diff in its message and the result as data. */
export function driftError(r: CheckResult, diffText: string): SchemaverError {
  const n = r.changes.length + r.unsupported.length;
  const extra = r.unsupported.map((i) => `  ! ${i.message}`).join('\n');
  return negative(
    'drift',
    `${r.target} has drifted from ${short(r.commit ?? BASE)} (${n} difference${n === 1 ? '' : 's'}; - expected by the snapshot, + found in the database):\n${[diffText, extra].filter(Boolean).join('\n')}`,
    'put the change into schema/ and commit it (then `schemaver upgrade` elsewhere), or undo it in the database',
    r,
  );
}
