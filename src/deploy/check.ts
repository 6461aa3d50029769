/**
 * check: does the database still match the snapshot it records? Both sides are read back from PostgreSQL
 * (the target by introspection; the snapshot by building it in a fresh PGlite and introspecting that), so
 * PostgreSQL normalises expressions and types on both sides before they are compared.
 */
import { SchemaverError, negative, type Issue } from '../errors.js';
import type { Schema } from '../model/types.js';
import type { Driver } from '../pg/driver.js';
import type { SemChange } from '../diff/semdiff.js';
import { BASE, short, type DeployStore } from './path.js';
import { readRecorded } from './versions.js';
import type { ExcludeRule } from '../model/exclude.js';
import { quoteLiteral } from '../sql/quote.js';
import { semanticDiff } from '../diff/semdiff.js';
import { applyExcludes } from '../model/exclude.js';
import { changedUnmanaged } from '../model/objects.js';
import { declaredOwners, managedOwners } from '../model/owners.js';
import { emptySchema } from '../model/types.js';
import { buildSchema } from '../pg/build.js';
import { compareSchemas } from '../pg/compare.js';
import { cachedBuild } from '../pg/readback.js';
import { introspect } from '../pg/introspect/index.js';
import { quoteIdent } from '../sql/quote.js';

/** CheckResult is what `check` found. */
export interface CheckResult {
  readonly target: string;
  readonly commit: string | null;
  readonly hash: string | null;
  /** clean: no difference and nothing the model cannot express. */
  readonly clean: boolean;
  /** problems: every difference as a sentence naming the object (`column users.nickname unexpected`). */
  readonly problems: readonly string[];
  /** changes: the same differences as structured changes, from the snapshot (expected) to the database (actual). */
  readonly changes: readonly SemChange[];
  /** unsupported: unmanaged objects (the model cannot express them) that differ between snapshot and database. */
  readonly unsupported: readonly Issue[];
  readonly ms: number;
}

/** SchemaBuilder reads back a schema (whose hash is `hash` when known) as PostgreSQL sees it after building it from nothing. */
export type SchemaBuilder = (schema: Schema, hash?: string) => Promise<Schema>;

/** pgliteBuilder builds a schema from nothing in a fresh PGlite and reads it back (src/pg/build.ts). */
export const pgliteBuilder: SchemaBuilder = async (schema) => {
  return buildSchema(schema);
};

/** cachedPgliteBuilder is pgliteBuilder through the read-back cache in `cacheDir` (a snapshot is built once, ever). */
export function cachedPgliteBuilder(cacheDir: string): SchemaBuilder {
  return async (schema, hash) => {
    return cachedBuild(cacheDir, schema, pgliteBuilder, hash);
  };
}

/** check compares the target with the snapshot of `rev` (default: the commit the database records). */
export async function check(
  store: DeployStore,
  db: Driver | undefined,
  label: string,
  rev?: string,
  build: SchemaBuilder = pgliteBuilder,
  exclude: readonly ExcludeRule[] = [],
): Promise<CheckResult> {
  const t0 = performance.now();
  let commit: string;
  if (rev !== undefined) {
    commit = rev === 'base' ? BASE : await store.resolve(rev);
  } else {
    const recorded = db ? await readRecorded(db) : { tables: false, commit: undefined };
    if (!recorded.commit) {
      throw negative(
        'not-stamped',
        `${label} records no schemaver commit, so there is nothing to check it against`,
        'name a revision (`schemaver check HEAD`), or record one with `schemaver upgrade` / `schemaver stamp REV`',
      );
    }
    commit = recorded.commit;
  }
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
      throw negative(
        'unknown-recorded-commit',
        `${label} records commit ${commit}, which this store does not have`,
        'pull the .schemaver store that deployed it',
        { commit },
      );
    }
  }
  const whole = snapshot;
  snapshot = applyExcludes(snapshot, exclude);
  // the read-back cache is keyed by the snapshot's hash: only a snapshot nothing was excluded from may use it
  const built = await build(snapshot, snapshot === whole ? (hash ?? undefined) : undefined);
  // every owner is read, and only those the snapshot manages are compared (an unmanaged owner is never drift)
  const read = { schema: db ? await readCatalog(db) : emptySchema() };
  const { unmanaged: _u, ...found } = applyExcludes(read.schema, exclude);
  // unmanaged objects are compared with the snapshot as recorded: PGlite cannot build them
  const unmanaged = changedUnmanaged(snapshot, applyExcludes(read.schema, exclude)).map((what): Issue => ({
    code: 'not-supported',
    message: `unmanaged ${what}`,
    hint: 'schemaver does not model it: change it back, or record the new state under `unmanaged:` and commit',
  }));
  const actual = { schema: managedOwners(found as Schema, snapshot) };
  const owned = declaredOwners(built, snapshot);
  const expected = db ? await redeparseViews(db, owned, actual.schema) : owned;
  const problems = compareSchemas(expected, actual.schema);
  const changes = semanticDiff(expected, actual.schema);
  return {
    target: label,
    commit: commit === BASE ? null : commit,
    hash,
    clean: problems.length === 0 && unmanaged.length === 0,
    problems,
    changes,
    unsupported: unmanaged,
    ms: Math.round(performance.now() - t0),
  };
}

/**
 * readCatalog introspects the target (every owner), or takes the embedded database's catalog as check last read it
 * while its data directory is unchanged since (Driver.cachedCatalog), and offers what it read to be kept.
 */
async function readCatalog(db: Driver): Promise<Schema> {
  const kept = db.cachedCatalog?.('check');
  if (kept) return kept;
  const { schema } = await introspect(db, { owners: 'all' });
  db.keepCatalog?.('check', schema);
  return schema;
}

/**
 * redeparseViews lets the target's own PostgreSQL print the expected view queries. The snapshot is built in PGlite
 * (PostgreSQL 18), whose view deparser differs from older servers' (`SELECT id` vs `SELECT users.id`), so a view
 * whose text differs is created again as a temporary view on the target, inside a rolled-back transaction, and
 * compared in that server's spelling. A query the target cannot build keeps PGlite's text (it is drift anyway).
 */
export async function redeparseViews(db: Driver, expected: Schema, actual: Schema): Promise<Schema> {
  const views = { ...expected.views };
  let changed = false;
  for (const [id, v] of Object.entries(expected.views)) {
    const there = actual.views[id];
    if (!there || there.query === v.query) continue;
    const probe = quoteIdent('schemaver_check_view');
    try {
      await db.exec('BEGIN');
      await db.exec('SET LOCAL search_path = public');
      await db.exec(`CREATE TEMP VIEW ${probe} AS ${v.query}`);
      const rows = await db.query<{ def: string }>(
        `SELECT pg_get_viewdef(${quoteLiteral(probe)}::regclass, true) AS def`,
      );
      const def = rows[0]?.def;
      if (def !== undefined) {
        views[id] = { ...v, query: def.trim().replace(/;\s*$/, '') }; // as the catalog reader spells view queries
        changed = true;
      }
    } catch {
      // the target cannot build the expected query: keep PGlite's text and let the comparison report it
    } finally {
      await db.exec('ROLLBACK').catch(() => {});
    }
  }
  return changed ? { ...expected, views } : expected;
}

/** driftError is the exit-1 answer for a drifted database: every difference named in the message, the result as data. */
export function driftError(r: CheckResult): SchemaverError {
  const lines = [...r.problems.map((p) => `  ${p}`), ...r.unsupported.map((i) => `  ${i.message}`)];
  const n = lines.length;
  return negative(
    'drift',
    `${r.target} has drifted from ${short(r.commit ?? BASE)}: ${n} difference${n === 1 ? '' : 's'} (missing = in the snapshot, not in the database; unexpected = in the database only):\n${lines.join('\n')}`,
    'put the change into schema/ and commit it (then `schemaver upgrade` elsewhere), or undo it in the database',
    r,
  );
}
