/**
 * The build normalisation reads PostgreSQL's spelling from (normalize.ts): a schema built from nothing in a fresh
 * PGlite and read back as proofs read it; on the verification worker, a small build runs in a transaction rolled back
 * so that its database serves the next build or proof.
 */
import type { Schema } from '../model/types.js';

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
  const [pglite, build, { introspect }, { isTransactionControl, splitStatements }, { holdsDatabases }] =
    await Promise.all([
      import('./pglite.js'),
      import('./build.js'),
      import('./introspect/index.js'),
      import('../sql/split.js'),
      import('../proc.js'),
    ]);
  const { buildInto, creationScript, ensureRoles, ensureRolesInTransaction, extensionNames, tablespacesOf } = build;
  const exts = extensionNames(schema);
  const db = await pglite.freshPglite({ extensions: exts });
  const recycle = opts.recycle ?? holdsDatabases();
  const script = recycle && !exts.length && !tablespacesOf(schema).length ? creationScript(schema) : undefined;
  const statements = script !== undefined ? splitStatements(script) : [];
  // a script with transaction control of its own would commit what the rollback is to undo
  if (
    script !== undefined &&
    statements.length <= RECYCLE_MAX_STATEMENTS &&
    !statements.some((st) => isTransactionControl(st.sql))
  ) {
    let read: Schema | undefined;
    try {
      await db.exec('BEGIN');
      try {
        await ensureRolesInTransaction(db, schema);
        await buildInto(db, schema, 'the schema', { inTransaction: true }, script);
        read = (await introspect(db, { unsupported: false })).schema;
      } catch {
        /* built again below, outside a transaction */
      } finally {
        await db.exec('ROLLBACK');
      }
    } catch (e) {
      await db.close(); // a database whose rollback is in doubt is nobody's spare
      throw e;
    }
    if (read) {
      await pglite.recycleSpare(db);
      return read;
    }
  }
  try {
    await ensureRoles(db, schema);
    await buildInto(db, schema);
    return (await introspect(db, { unsupported: false })).schema;
  } finally {
    await db.close();
  }
}
