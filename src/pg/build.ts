/**
 * buildSchema: create a schema from nothing in a fresh PGlite (plan from the empty schema, run the up script)
 * and read it back, so PostgreSQL normalises every spelling. The read-back model is what verification compares.
 */
import { SchemaverError } from '../errors.js';
import { emptySchema, type Grants, type Schema } from '../model/types.js';
import { grantRoles } from '../model/privileges.js';
import { planMigration, renderUp } from '../plan/index.js';
import { splitAcl } from '../plan/sqlobjects.js';
import { aclOfStatements } from '../sql/grants.js';
import type { Driver } from './driver.js';
import { execBatched, type BatchOptions } from './batch.js';
import { freshPglite } from './pglite.js';
import { introspect } from './introspect/index.js';
import { quoteIdent } from '../sql/quote.js';

const BUILTIN_ROLES = new Set(['public', 'current_user', 'session_user', 'current_role', 'postgres']);

/**
 * rolesOf lists the roles the schemas name: in policies, grants (objects and columns, definition objects' GRANTs),
 * owners and default privileges. Roles are cluster objects: schemaver never creates or drops them on a server (see requireRoles).
 */
export function rolesOf(...schemas: readonly Schema[]): string[] {
  const out = new Set<string>();
  const add = (r: string | undefined) => {
    if (r !== undefined && !BUILTIN_ROLES.has(r.toLowerCase())) out.add(r);
  };
  const obj = (o: { grants?: Grants; owner?: string }) => {
    for (const r of grantRoles(o.grants)) add(r);
    add(o.owner);
  };
  for (const s of schemas) {
    for (const t of Object.values(s.tables)) {
      for (const p of Object.values(t.policies)) for (const r of p.roles) add(r);
      obj(t);
      for (const c of t.columns) (obj(c), obj({ grants: c.sequenceGrants }));
    }
    for (const m of [s.schemas, s.enums, s.composites, s.domains, s.sequences, s.views, s.functions])
      for (const o of Object.values(m as Readonly<Record<string, { grants?: Grants; owner?: string }>>)) obj(o);
    for (const v of Object.values(s.views)) for (const g of Object.values(v.columnGrants ?? {})) obj({ grants: g });
    for (const d of Object.values(s.defaultPrivileges ?? {})) (add(d.role), obj(d));
    for (const o of Object.values(s.objects ?? {}))
      for (const t of aclOfStatements(splitAcl(o).acl) ?? []) obj({ grants: t.grants });
  }
  return [...out].sort();
}

/** tablespacesOf lists the tablespaces the schemas name (tables, their indexes, materialized views and theirs). */
export function tablespacesOf(...schemas: readonly Schema[]): string[] {
  const out = new Set<string>();
  for (const s of schemas)
    for (const r of [...Object.values(s.tables), ...Object.values(s.views)]) {
      if (r.tablespace !== undefined) out.add(r.tablespace);
      for (const ix of Object.values(r.indexes ?? {})) if (ix.tablespace !== undefined) out.add(ix.tablespace);
    }
  return [...out].sort();
}

/**
 * ensureTablespaces creates the tablespaces the schemas name in a scratch database, in place (inside the data
 * directory, `allow_in_place_tablespaces`): PGlite has no other disk, so verification proves the catalog and the data
 * moving between tablespaces, never where a server keeps them. Like roles, tablespaces are cluster objects schemaver
 * never creates on a server.
 */
export async function ensureTablespaces(db: Driver, ...schemas: readonly Schema[]): Promise<void> {
  const want = tablespacesOf(...schemas);
  if (!want.length) return;
  const have = await db.query<{ n: string }>(`SELECT spcname::text AS n FROM pg_catalog.pg_tablespace`);
  const missing = want.filter((t) => !have.some((h) => h.n === t));
  if (!missing.length) return;
  await db.exec('SET allow_in_place_tablespaces = on');
  try {
    for (const t of missing) await db.exec(`CREATE TABLESPACE ${quoteIdent(t)} LOCATION ''`);
  } finally {
    await db.exec('RESET allow_in_place_tablespaces');
  }
}

/** ensureRoles creates the roles policies name in a scratch database (already existing roles are fine), and the tablespaces it names. */
export async function ensureRoles(db: Driver, ...schemas: readonly Schema[]): Promise<void> {
  await ensureTablespaces(db, ...schemas);
  for (const r of rolesOf(...schemas)) await db.exec(createRole(r, 'duplicate_object')).catch(() => {});
}

/**
 * ensureRolesInTransaction is ensureRoles inside the caller's open transaction, for a schema that names no
 * tablespace (CREATE TABLESPACE refuses transaction blocks): a role that cannot be created is skipped in a
 * subtransaction, as ensureRoles skips it, instead of aborting the transaction.
 */
export async function ensureRolesInTransaction(db: Driver, schema: Schema): Promise<void> {
  for (const r of rolesOf(schema)) await db.exec(createRole(r, 'OTHERS'));
}

/** createRole is the statement creating role `r`, doing nothing on the errors `skip` names. */
function createRole(r: string, skip: 'duplicate_object' | 'OTHERS'): string {
  return `DO $sv$ BEGIN CREATE ROLE ${quoteIdent(r)}; EXCEPTION WHEN ${skip} THEN NULL; END $sv$`;
}

/** extensionNames lists the extensions the schemas need loaded into PGlite. */
export function extensionNames(...schemas: readonly Schema[]): string[] {
  const out = new Set<string>();
  for (const s of schemas) for (const e of Object.values(s.extensions)) out.add(e.name);
  return [...out].sort();
}

/** dbMessage extracts PostgreSQL's message (and detail/hint/position) from a driver error. */
export function dbMessage(err: unknown): string {
  const e = err as { message?: string; detail?: string; hint?: string; where?: string };
  const parts = [String(e?.message ?? err)];
  if (e?.detail) parts.push(`detail: ${e.detail}`);
  if (e?.hint) parts.push(`hint: ${e.hint}`);
  return parts.join('; ');
}

/** creationScript is the up script that creates `schema` from nothing. */
export function creationScript(schema: Schema): string {
  return renderUp(planMigration(emptySchema(), schema));
}

/** buildFailure is the error thrown when a schema's creation script fails in PostgreSQL (exit 2: the schema is bad input). */
export function buildFailure(what: string, err: unknown, script?: string): SchemaverError {
  return new SchemaverError({
    code: 'build-failed',
    message: `${what} does not build in PostgreSQL: ${dbMessage(err)}`,
    hint: 'check the expressions, types and references the schema names; `schemaver plan` shows the SQL',
    data: script !== undefined ? { script } : undefined,
    exit: 2,
    cause: err,
  });
}

/**
 * buildInto runs the creation script of `schema` on `db`, a scratch database that should be empty (see execBatched:
 * batches commit); `script`: that script when the caller rendered it already.
 */
export async function buildInto(
  db: Driver,
  schema: Schema,
  what = 'the schema',
  batch: BatchOptions = {},
  script: string = creationScript(schema),
): Promise<void> {
  if (!script.trim()) return;
  try {
    await execBatched(db, script, batch);
  } catch (e) {
    throw buildFailure(what, e, script);
  }
}

/** buildSchema creates `schema` in a fresh PGlite and returns the model read back from its catalog. */
export async function buildSchema(schema: Schema): Promise<Schema> {
  const db = await freshPglite({ extensions: extensionNames(schema) });
  try {
    await ensureRoles(db, schema);
    await buildInto(db, schema);
    return (await introspect(db)).schema;
  } finally {
    await db.close();
  }
}
