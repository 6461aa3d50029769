/**
 * The build normalisation reads PostgreSQL's spelling from (normalize.ts): a schema built from nothing in a fresh
 * PGlite and read back as proofs read it; on the verification worker, a small build runs in a transaction rolled back
 * so that its database serves the next build or proof.
 */
import type { Schema } from '../model/types.js';
import type { Driver } from './driver.js';

/**
 * RECYCLE_MAX_STATEMENTS: a build of up to this many statements may run in one transaction (buildForProof `recycle`):
 * the shared first build of the 1000-table bench schema (257 statements) costs the same CPU either way; a thousand
 * tables' creation script in one transaction costs a quarter more (batch.ts).
 */
export const RECYCLE_MAX_STATEMENTS = 400;

/**
 * buildForProof builds `schema` in a fresh PGlite and reads it back as proofs do (verify.ts: no unmanaged objects).
 * With `recycle` (by default on a thread that holds databases, proc.ts holdDatabases: a command; the verification
 * worker asks for it), a schema of up to RECYCLE_MAX_STATEMENTS statements needing no extension and no tablespace is
 * built inside a transaction that is rolled back after the read-back, and the database, its catalog the empty
 * cluster's again, becomes the spare (pglite.ts recycleSpare) instead of being closed: the next build or proof of the
 * thread need not restore one. A script that fails inside the transaction is built again outside one on the same
 * database (rolled back, it is empty), which decides as a build without `recycle` does (a statement may refuse
 * transaction blocks); a database whose rollback fails is closed.
 */
export async function buildForProof(schema: Schema, opts: { readonly recycle?: boolean } = {}): Promise<Schema> {
  const [pglite, build, { introspect }, { holdsDatabases }] = await Promise.all([
    import('./pglite.js'),
    import('./build.js'),
    import('./introspect/index.js'),
    import('../proc.js'),
  ]);
  const { buildInto, creationScript, ensureRoles, extensionNames, tablespacesOf } = build;
  const exts = extensionNames(schema);
  const db = await pglite.freshPglite({ extensions: exts });
  const recycle = opts.recycle ?? holdsDatabases();
  if (recycle && !exts.length && !tablespacesOf(schema).length) {
    const script = creationScript(schema);
    const read = await buildRolledBack(db, schema, [script], async () => {
      await buildInto(db, schema, 'the schema', { inTransaction: true }, script);
      return (await introspect(db, { unsupported: false })).schema;
    });
    if (read) return read;
  }
  try {
    await ensureRoles(db, schema);
    await buildInto(db, schema);
    return (await introspect(db, { unsupported: false })).schema;
  } finally {
    await db.close();
  }
}

/**
 * buildRolledBack runs `build` (the statements `sqls`, and what it reads back) on `db` with the schema's roles, inside
 * a transaction that is rolled back, and then gives the database, its catalog the empty cluster's again, to the thread
 * as its spare (pglite.ts recycleSpare). Undefined, the database empty and still open, when the script is too long for
 * one transaction (RECYCLE_MAX_STATEMENTS), has transaction control of its own (which would commit what the rollback is
 * to undo), or fails inside the transaction: the caller builds it again outside one, which decides (a statement may
 * refuse transaction blocks). A database whose rollback fails is closed and the error thrown: it is nobody's spare.
 */
export async function buildRolledBack<T>(
  db: Driver,
  schema: Schema,
  sqls: readonly string[],
  build: () => Promise<T>,
): Promise<T | undefined> {
  const [{ recycleSpare }, { ensureRolesInTransaction }, { isTransactionControl, splitStatements }] = await Promise.all(
    [import('./pglite.js'), import('./build.js'), import('../sql/split.js')],
  );
  const statements = sqls.flatMap((sql) => splitStatements(sql));
  if (statements.length > RECYCLE_MAX_STATEMENTS || statements.some((st) => isTransactionControl(st.sql)))
    return undefined;
  let out: T | undefined;
  try {
    await db.exec('BEGIN');
    try {
      await ensureRolesInTransaction(db, schema);
      out = await build();
    } catch {
      /* built again by the caller, outside a transaction */
    } finally {
      await db.exec('ROLLBACK');
    }
  } catch (e) {
    await db.close();
    throw e;
  }
  if (out !== undefined) await recycleSpare(db);
  return out;
}
