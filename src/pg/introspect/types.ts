/** Catalog reader for extensions, schemas and types (enums, composites, domains). */
import {
  pgNotNullName,
  type CompositeType,
  type Domain,
  type DomainCheck,
  type EnumType,
  type Extension,
  type Namespace,
} from '../../model/types.js';
import { qid } from '../../model/ids.js';
import { STANDARD_PUBLIC_COMMENT } from '../../model/privileges.js';
import {
  type Ctx,
  absent,
  rows,
  commentOf,
  USER_NS,
  collationName,
  notExtMember,
  toDefault,
  unsupported,
  groupBy,
} from './util.js';
import { checkExpression, type ColRow } from './relations.js';

interface ExtRow {
  readonly oid: string;
  readonly name: string;
  readonly schema: string;
  readonly version: string;
  readonly default_version: string | null;
  readonly default_comment: string | null;
}

/** readExtensions reads installed extensions (plpgsql, always present, is left out). */
export async function readExtensions(ctx: Ctx): Promise<Record<string, Extension>> {
  const installed = await rows<{ name: string }>(
    ctx,
    `SELECT e.extname::text AS name FROM pg_extension e WHERE e.extname <> 'plpgsql'`,
  );
  if (installed.length === 0) return {}; // pg_available_extensions reads every control file: skip it when it is not needed
  const list = await rows<ExtRow>(
    ctx,
    `
    SELECT e.oid::text AS oid, e.extname::text AS name, n.nspname::text AS schema, e.extversion AS version,
      x.default_version AS default_version, x.comment AS default_comment
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      LEFT JOIN pg_available_extensions x ON x.name = e.extname
    WHERE e.extname <> 'plpgsql'
    ORDER BY e.extname`,
  );
  const out: Record<string, Extension> = {};
  for (const r of list) {
    const comment = commentOf(ctx, 'pg_extension', r.oid);
    out[r.name] = {
      kind: 'extension',
      name: r.name,
      ...(r.schema !== 'public' ? { schema: r.schema } : {}),
      ...(r.default_version !== null && r.version !== r.default_version ? { version: r.version } : {}),
      ...(comment !== null && comment !== r.default_comment ? { comment } : {}),
    };
  }
  return out;
}

/**
 * readNamespaces reads user schemas; `public` only when its comment is not the one every database starts with
 * (`standard public schema`), and then with that comment alone (its privileges are read with the others'): none at
 * all is the empty comment, which COMMENT ON ... IS '' gives.
 */
export async function readNamespaces(ctx: Ctx): Promise<Record<string, Namespace>> {
  const list = await rows<{ oid: string; name: string; pubcomment: string | null }>(
    ctx,
    `
    SELECT n.oid::text AS oid, n.nspname::text AS name,
      CASE WHEN n.nspname = 'public' THEN obj_description(n.oid, 'pg_namespace') END AS pubcomment
    FROM pg_namespace n
    WHERE ${USER_NS} AND ${notExtMember('pg_namespace', 'n.oid')}
    ORDER BY n.nspname`,
  );
  const out: Record<string, Namespace> = {};
  for (const r of list) {
    if (r.name === 'public') {
      // no comment at all (COMMENT ON SCHEMA public IS '', as Heroku's databases have it) is the empty one
      if (r.pubcomment !== STANDARD_PUBLIC_COMMENT)
        out[r.name] = { kind: 'namespace', name: r.name, comment: r.pubcomment ?? '' };
      continue;
    }
    const comment = commentOf(ctx, 'pg_namespace', r.oid);
    out[r.name] = { kind: 'namespace', name: r.name, ...(comment !== null ? { comment } : {}) };
  }
  // a model always has `public`: its absence (DROP SCHEMA public) is state the model cannot hold, so dropping or
  // re-creating it is refused instead of planned as nothing
  if (!list.some((r) => r.name === 'public'))
    unsupported(
      ctx,
      'the database has no public schema',
      'schemaver models every database with its public schema: CREATE SCHEMA public again, or drop it outside schemaver',
      'DROP SCHEMA public',
    );
  return out;
}

interface TypeRow {
  readonly oid: string;
  readonly relid: string;
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly labels: string[] | null;
  readonly base: string | null;
  readonly notnull: boolean;
  readonly def: string | null;
  readonly coll: string | null;
  readonly collnsp: string | null;
}

interface DomainConRow {
  readonly oid: string;
  readonly typ: string;
  readonly name: string;
  readonly def: string;
  readonly validated: boolean;
  readonly type: string;
}

/** TypesResult are the user types read from pg_type. */
export interface TypesResult {
  readonly enums: Record<string, EnumType>;
  readonly composites: Record<string, CompositeType>;
  readonly domains: Record<string, Domain>;
}

/** readTypes reads enums, composite types and domains; ranges and base types are reported unsupported. */
export async function readTypes(ctx: Ctx, columnsByRel: ReadonlyMap<string, readonly ColRow[]>): Promise<TypesResult> {
  const out: TypesResult = { enums: {}, composites: {}, domains: {} };
  if (absent(ctx, 'udt')) return out; // no type made after initdb that this query reads (presentKinds)
  const list = await rows<TypeRow>(
    ctx,
    `
    SELECT t.oid::text AS oid, t.typrelid::text AS relid, n.nspname::text AS schema, t.typname::text AS name,
      t.typtype::text AS type,
      CASE WHEN t.typtype = 'e' THEN array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS labels,
      CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base,
      t.typnotnull AS notnull, pg_get_expr(t.typdefaultbin, 0, true) AS def,
      co.collname::text AS coll, cn.nspname::text AS collnsp
    FROM (SELECT * FROM pg_type WHERE oid >= 16384 AND typnamespace = ANY(${ctx.nsps}) OFFSET 0) t JOIN pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_class c ON c.oid = t.typrelid
      LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
      LEFT JOIN pg_collation co ON t.typtype = 'd' AND co.oid = t.typcollation AND t.typcollation <> bt.typcollation
      LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
    WHERE ${notExtMember('pg_type', 't.oid')}
      AND (t.typrelid = 0 OR c.relkind = 'c')
      AND NOT (t.typelem <> 0 AND EXISTS (SELECT 1 FROM pg_type et WHERE et.oid = t.typelem AND et.typarray = t.oid))
      AND t.typtype <> 'm'
    ORDER BY n.nspname, t.typname`,
  );
  const cons = absent(ctx, 'dom')
    ? []
    : await rows<DomainConRow>(
        ctx,
        `
    SELECT co.oid::text AS oid, co.contypid::text AS typ, co.conname::text AS name, pg_get_constraintdef(co.oid, true) AS def,
      co.convalidated AS validated, co.contype::text AS type
    FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE co.oid >= 16384 AND co.contypid <> 0 AND t.typnamespace = ANY(${ctx.nsps})
    ORDER BY co.contypid, co.conname`,
      );
  const consByType = groupBy(cons, (c) => c.typ);
  for (const r of list) {
    const id = qid(r.schema, r.name);
    const text = commentOf(ctx, 'pg_type', r.oid);
    const comment = text !== null ? { comment: text } : {};
    switch (r.type) {
      case 'e':
        out.enums[id] = { kind: 'enum', schema: r.schema, name: r.name, values: r.labels ?? [], ...comment };
        break;
      case 'c': {
        const attributes = (columnsByRel.get(r.relid) ?? []).map((c) => {
          const coll = collationName(c.collnsp, c.coll);
          return {
            name: c.name,
            type: c.type,
            ...(coll ? { collation: coll } : {}),
            ...(c.comment !== null ? { comment: c.comment } : {}),
          };
        });
        out.composites[id] = { kind: 'composite', schema: r.schema, name: r.name, attributes, ...comment };
        break;
      }
      case 'd':
        out.domains[id] = { ...domainOf(ctx, id, r, consByType.get(r.oid) ?? []), ...comment };
        break;
      case 'r':
        break; // a definition object (./objects.ts)
      // kept as they are; the comment is part of their state, so a comment changed is refused, not left behind
      case 'b':
        unsupported(ctx, `base type ${id}`, undefined, text);
        break;
      case 'p':
        unsupported(ctx, `pseudo-type ${id}`, undefined, text);
        break;
      default:
        unsupported(ctx, `type ${id} (typtype ${r.type})`, undefined, text);
    }
  }
  return out;
}

/** domainOf reads a domain (its comment aside): base type, NOT NULL, default, collation and CHECK constraints (with
 * their comments); what the model cannot say (a NOT VALID or commented not-null, another constraint) is unsupported. */
function domainOf(ctx: Ctx, id: string, r: TypeRow, cons: readonly DomainConRow[]): Domain {
  const checks: Record<string, DomainCheck> = {};
  let notNullName: string | undefined;
  for (const c of cons) {
    if (c.type === 'c') {
      const comment = commentOf(ctx, 'pg_constraint', c.oid);
      checks[c.name] = {
        name: c.name,
        expression: checkExpression(c.def),
        ...(!c.validated ? { notValid: true } : {}),
        ...(comment !== null ? { comment } : {}),
      };
    } else if (c.type === 'n') {
      if (!c.validated) unsupported(ctx, `NOT VALID not-null constraint ${c.name} of domain ${id}`);
      if (commentOf(ctx, 'pg_constraint', c.oid) !== null)
        unsupported(ctx, `comment on not-null constraint ${c.name} of domain ${id}`);
      if (!pgNotNullName(c.name)) notNullName = c.name; // `<domain>_not_null` (or a renamed domain's): PostgreSQL's
    } else unsupported(ctx, `constraint ${c.name} of domain ${id}`);
  }
  const coll = collationName(r.collnsp, r.coll);
  const type = r.base ?? 'text';
  return {
    kind: 'domain',
    schema: r.schema,
    name: r.name,
    type,
    nullable: !r.notnull,
    ...(r.notnull && notNullName !== undefined ? { notNullName } : {}),
    ...(r.def !== null ? { default: toDefault(r.def, type) } : {}),
    ...(coll ? { collation: coll } : {}),
    checks,
  };
}
