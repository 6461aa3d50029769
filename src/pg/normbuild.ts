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
const RECYCLE_MAX_STATEMENTS = 400;

/**
 * buildForProof builds `schema` in a fresh PGlite and reads it back as proofs do (verify.ts: no unmanaged objects).
 * With `recycle` (the verification worker, whose next proof or build takes its spare database), a schema of up to
 * RECYCLE_MAX_STATEMENTS statements needing no extension and no tablespace is built inside a transaction that is
 * rolled back after the read-back, and the database, its catalog the empty cluster's again, becomes the spare
 * (pglite.ts recycleSpare) instead of being closed: the proof that follows need not restore one.
 */
export async function buildForProof(schema: Schema, opts: { readonly recycle?: boolean } = {}): Promise<Schema> {
  const [pglite, build, { introspect }, { splitStatements }] = await Promise.all([
    import('./pglite.js'),
    import('./build.js'),
    import('./introspect/index.js'),
    import('../sql/split.js'),
  ]);
  const { buildInto, creationScript, ensureRoles, ensureRolesInTransaction, extensionNames, tablespacesOf } = build;
  const exts = extensionNames(schema);
  const db = await pglite.freshPglite({ extensions: exts });
  const script = opts.recycle && !exts.length && !tablespacesOf(schema).length ? creationScript(schema) : undefined;
  if (script !== undefined && splitStatements(script).length <= RECYCLE_MAX_STATEMENTS) {
    let read: Schema;
    try {
      await db.exec('BEGIN');
      try {
        await ensureRolesInTransaction(db, schema);
        await buildInto(db, schema, 'the schema', { inTransaction: true }, script);
        read = (await introspect(db, { unsupported: false })).schema;
      } finally {
        await db.exec('ROLLBACK');
      }
    } catch (e) {
      await db.close(); // a database whose rollback is in doubt is nobody's spare
      throw e;
    }
    await pglite.recycleSpare(db);
    return read;
  }
  try {
    await ensureRoles(db, schema);
    await buildInto(db, schema);
    return (await introspect(db, { unsupported: false })).schema;
  } finally {
    await db.close();
  }
}
