/**
 * Owners from the catalog: the owning role of tables, views, free-standing sequences, functions, types and schemas.
 * Which owners the model records is the caller's choice (OwnerMode): a database holds an owner for every object, but
 * a project that does not manage owners must not see them as drift, and `import` writes them only when asked.
 * A sequence owned by a table column (serial, identity, OWNED BY) has its table's owner and is never given one.
 * `public` is the exception to "the connecting role is unmanaged": every database starts with it owned by
 * pg_database_owner (PostgreSQL 15 and later; the bootstrap superuser before), so its owner is read whenever it is
 * another role, the connecting one included, and absent means that standard owner (model/privileges.ts).
 */
import { funcId, qid } from '../../model/ids.js';
import { STANDARD_PUBLIC_SCHEMA } from '../../model/privileges.js';
import type { Namespace, Schema } from '../../model/types.js';
import { type Ctx, absent, rows, USER_NS, inRels, notExtMember } from './util.js';

/**
 * OwnerMode says which owners introspect records: `others` every owner but the connecting role (the default: what
 * the connecting role created reads as unmanaged, so verification in PGlite sees exactly the declared owners),
 * `all` every owner (the drift check, which then keeps only those the snapshot manages), `none` no owner but
 * `public`'s when it is not the standard one (import without --owners: left out, the model would mean another owner).
 */
export type OwnerMode = 'others' | 'all' | 'none';

interface OwnerRow {
  readonly what: 'rel' | 'fn' | 'type' | 'schema';
  readonly schema: string | null;
  readonly name: string;
  readonly sub: string | null; // function identity arguments
  readonly owner: string;
  readonly mine: boolean; // owned by the connecting role
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** readOwners sets `owner` on the objects of `s` as `mode` asks (see OwnerMode); returns `s` itself for `none`. */
export async function readOwners(ctx: Ctx, s: Schema, mode: OwnerMode): Promise<Schema> {
  // `none` still reads `public`'s owner: a model without one means the standard owner, not the connecting role
  const list = await rows<OwnerRow>(ctx, ownersQuery(ctx, mode));
  if (!list.length) return s;
  const out = { ...s } as Mutable<Schema>;
  const copied = new Set<string>();
  const set = <
    K extends 'tables' | 'views' | 'sequences' | 'functions' | 'enums' | 'composites' | 'domains' | 'schemas',
  >(
    section: K,
    id: string,
    owner: string,
  ): boolean => {
    const m = out[section] as Readonly<Record<string, { owner?: string }>>;
    const o = m[id];
    if (!o) return false;
    if (!copied.has(section)) {
      (out as Record<string, unknown>)[section] = { ...m };
      copied.add(section);
    }
    (out[section] as Record<string, unknown>)[id] = { ...o, owner };
    return true;
  };
  for (const r of list) {
    if (r.what === 'schema' && r.name === 'public') {
      // read only when not the standard owner (ownersSql); `public` is modelled only where it is not standard
      if (!out.schemas.public) out.schemas = { ...out.schemas, public: { ...STANDARD_PUBLIC_SCHEMA } as Namespace };
      set('schemas', r.name, r.owner);
      continue;
    }
    if (mode === 'others' && r.mine) continue;
    if (r.what === 'schema') set('schemas', r.name, r.owner);
    else if (r.what === 'fn') set('functions', funcId(r.schema!, r.name, r.sub!), r.owner);
    else {
      const id = qid(r.schema!, r.name);
      if (r.what === 'type') set('enums', id, r.owner) || set('composites', id, r.owner) || set('domains', id, r.owner);
      else if (!s.sequences[id]?.ownedBy)
        set('tables', id, r.owner) || set('views', id, r.owner) || set('sequences', id, r.owner);
    }
  }
  return out;
}

/**
 * ownersQuery is readOwners' query for `mode` (introspect starts it ahead, see prefetch: the same text is the same
 * read): every owner (ownersSql), or for `none` only `public`'s when it is not the standard one (publicOwnerSql).
 */
export function ownersQuery(ctx: Ctx, mode: OwnerMode): string {
  return mode === 'none' ? publicOwnerSql(ctx) : ownersSql(ctx);
}

/** ownersSql is the query of every owner. */
function ownersSql(ctx: Ctx): string {
  // mine compares names (role names are unique): a subquery on the pg_roles view was planned in every part
  const who = `pg_get_userbyid(x)::text AS owner, pg_get_userbyid(x) = current_user AS mine`;
  // the part of functions and the part of types are asked only where such objects were made after initdb (presentKinds:
  // the types part reads enums, domains and composite types; a table's row type it reads is never given an owner)
  return [
    `SELECT 'rel' AS what, n.nspname::text AS schema, c.relname::text AS name, NULL::text AS sub, ${who}
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL (SELECT c.relowner) o(x)
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND ${inRels(ctx)}`,
    // p.oid >= 16384 (FirstNormalObjectId: every function made after initdb) scans an index range, not all of pg_proc
    ...(absent(ctx, 'proc')
      ? []
      : [
          `SELECT 'fn', n.nspname::text, p.proname::text, pg_get_function_identity_arguments(p.oid), ${who}
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace CROSS JOIN LATERAL (SELECT p.proowner) o(x)
       WHERE p.oid >= 16384 AND p.prokind IN ('f', 'p') AND ${USER_NS} AND ${notExtMember('pg_proc', 'p.oid')}`,
        ]),
    ...(absent(ctx, 'udt')
      ? []
      : [
          `SELECT 'type', n.nspname::text, t.typname::text, NULL, ${who}
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace CROSS JOIN LATERAL (SELECT t.typowner) o(x)
       WHERE t.oid >= 16384 AND t.typtype IN ('e', 'c', 'd') AND ${USER_NS} AND ${notExtMember('pg_type', 't.oid')}`,
        ]),
    `SELECT 'schema', NULL, n.nspname::text, NULL, ${who}
       FROM pg_namespace n CROSS JOIN LATERAL (SELECT n.nspowner) o(x)
       WHERE ${USER_NS} AND (n.nspname <> 'public' OR n.nspowner <> ${standardPublicOwner(ctx)})
         AND ${notExtMember('pg_namespace', 'n.oid')}`,
  ].join('\nUNION ALL\n');
}

/** publicOwnerSql is ownersSql's part for `public` alone (no row when it has the standard owner). */
function publicOwnerSql(ctx: Ctx): string {
  return `SELECT 'schema' AS what, NULL AS schema, n.nspname::text AS name, NULL AS sub,
      pg_get_userbyid(n.nspowner)::text AS owner, true AS mine
    FROM pg_namespace n WHERE n.nspname = 'public' AND n.nspowner <> ${standardPublicOwner(ctx)}`;
}

/** standardPublicOwner is the oid of the role owning `public` in a new database: pg_database_owner from 15, else 10. */
function standardPublicOwner(ctx: Ctx): string {
  return ctx.version >= 150000 ? `'pg_database_owner'::regrole` : '10';
}
