/**
 * Privileges from the catalog: every ACL (relations, columns, functions, types, schemas) and every default ACL,
 * exploded with aclexplode in ACL order and folded into the model's Grants normal form. A NULL ACL and an explicit
 * ACL equal to PostgreSQL's default read the same (no grants); the owner's own full privileges are implicit.
 */
import { funcId, qid } from '../../model/ids.js';
import { makeObjectName } from '../../canon/names.js';
import {
  defaultGrants,
  defaultPrivilegeId,
  isStandardPublic,
  normalizeGrants,
  normalizePrivileges,
  NONE,
  privilegesOf,
  type PrivClass,
  writtenOutDefault,
} from '../../model/privileges.js';
import type { Column, DefaultPrivilege, Grants, Namespace, Schema, Table, View } from '../../model/types.js';
import { sqlObjectKey, type SqlObject, type SqlObjectKind } from '../../model/objects.js';
import { createGrants } from '../../sql/grants.js';
import { quoteIdent } from '../../sql/quote.js';
import { type Ctx, absent, rows, USER_NS, inRels, notExtMember, unsupported } from './util.js';
import { qn } from './objects.js';

interface AclRow {
  readonly what: string; // rel:<relkind> | col | fn | agg | type:<typtype> | schema | dacl:<objtype> | fdw | server | language | extacl:<kind>
  readonly schema: string | null;
  readonly name: string;
  readonly sub: string | null; // column name, function identity args
  readonly owner: string;
  readonly grantee: string; // '' for PUBLIC; null: an empty ACL (`{}`: nobody holds anything)
  readonly grantor: string;
  readonly priv: string;
  readonly grantable: boolean;
  readonly sig: string | null; // an aggregate's argument types
}

// an empty ACL (`{}`: the owner took its own privileges away too) explodes to no row; the LEFT JOIN keeps it as one
// row naming no grantee, so it is not read as a NULL ACL (the default)
const explode = (acl: string) =>
  `LEFT JOIN LATERAL aclexplode(${acl}) WITH ORDINALITY AS a(grantor, grantee, privilege_type, is_grantable, ord) ON true`;
const who = `CASE WHEN a.grantee = 0 THEN '' ELSE pg_get_userbyid(a.grantee)::text END AS grantee,
  pg_get_userbyid(a.grantor)::text AS grantor, lower(a.privilege_type) AS priv, a.is_grantable AS grantable`;

/** readAcls reads every non-NULL ACL of user objects, one row per aclexplode entry, in ACL order. */
async function readAcls(ctx: Ctx): Promise<AclRow[]> {
  return rows<AclRow>(ctx, aclSql(ctx));
}

/** GLOBAL_ACLS: the database-wide definition objects with an ACL (what, catalog, ACL, name and owner columns, order). */
const GLOBAL_ACLS = [
  ['fdw', 'pg_foreign_data_wrapper', 'fdwacl', 'fdwname', 'fdwowner', 7, 'fdw'],
  ['server', 'pg_foreign_server', 'srvacl', 'srvname', 'srvowner', 8, 'fdw'], // a server needs a wrapper
  ['language', 'pg_language', 'lanacl', 'lanname', 'lanowner', 9, 'lang'],
] as const;

/** EXT_ACLS: the catalogs whose extension members' ACLs are read (what, catalog, ACL, name, sub, owner, schema, presentKinds key). */
const EXT_ACLS = [
  [
    'function',
    'pg_proc',
    'proacl',
    'proname',
    'pg_get_function_identity_arguments(x.oid)',
    'proowner',
    'pronamespace',
    'proacl',
  ],
  ['relation', 'pg_class', 'relacl', 'relname', 'NULL::text', 'relowner', 'relnamespace', 'relacl'],
  ['type', 'pg_type', 'typacl', 'typname', 'NULL::text', 'typowner', 'typnamespace', 'typacl'],
] as const;

/** aclSql is readAcls' query (introspect starts it ahead, see prefetch). */
export function aclSql(ctx: Ctx): string {
  // each part reads one catalog's ACLs; a part whose catalog holds no ACL of an object made after initdb (presentKinds)
  // is left out: it would return nothing and still be planned (the part of `public`'s ACL is always asked)
  const parts: [string | undefined, string][] = [
    [
      'relacl',
      `SELECT 'rel:' || c.relkind::text AS what, n.nspname::text AS schema, c.relname::text AS name, NULL::text AS sub,
       pg_get_userbyid(c.relowner)::text AS owner, ${who}, 1 AS k, c.oid::int8 AS o, a.ord, NULL::text AS sig
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace ${explode('c.relacl')}
     WHERE c.relacl IS NOT NULL AND ${inRels(ctx)}`,
    ],
    [
      'attacl',
      `SELECT 'col', n.nspname::text, c.relname::text, att.attname::text, pg_get_userbyid(c.relowner)::text, ${who},
       2, c.oid::int8 * 10000 + att.attnum, a.ord, NULL
     FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       ${explode('att.attacl')}
     WHERE att.attacl IS NOT NULL AND att.attnum > 0 AND NOT att.attisdropped AND ${inRels(ctx)}`,
    ],
    // p.oid >= 16384 (FirstNormalObjectId: every function made after initdb) scans an index range, not all of pg_proc
    // aggregates (`agg`) are definition objects: their GRANT names them by argument types (`sig`)
    [
      'proacl',
      `SELECT CASE WHEN p.prokind = 'a' THEN 'agg' ELSE 'fn' END, n.nspname::text, p.proname::text,
       pg_get_function_identity_arguments(p.oid), pg_get_userbyid(p.proowner)::text, ${who}, 3, p.oid::int8, a.ord,
       CASE WHEN p.prokind = 'a' THEN oidvectortypes(p.proargtypes) END
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace ${explode('p.proacl')}
     WHERE p.oid >= 16384 AND p.proacl IS NOT NULL AND p.prokind IN ('f', 'p', 'a') AND ${USER_NS} AND ${notExtMember('pg_proc', 'p.oid')}`,
    ],
    [
      'typacl',
      `SELECT 'type:' || t.typtype::text, n.nspname::text, t.typname::text, NULL, pg_get_userbyid(t.typowner)::text, ${who},
       4, t.oid::int8, a.ord, NULL
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace ${explode('t.typacl')}
     WHERE t.oid >= 16384 AND t.typacl IS NOT NULL AND ${USER_NS} AND ${notExtMember('pg_type', 't.oid')}
       AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')`,
    ],
    [
      undefined,
      `SELECT 'schema', NULL, n.nspname::text, NULL, pg_get_userbyid(n.nspowner)::text, ${who}, 5, n.oid::int8, a.ord, NULL
     FROM pg_namespace n ${explode('n.nspacl')}
     WHERE n.nspacl IS NOT NULL AND ${USER_NS} AND ${notExtMember('pg_namespace', 'n.oid')}`,
    ],
    [
      'dacl',
      `SELECT 'dacl:' || d.defaclobjtype::text, dn.nspname::text, '', NULL, pg_get_userbyid(d.defaclrole)::text, ${who},
       6, d.oid::int8, a.ord, NULL
     FROM pg_default_acl d LEFT JOIN pg_namespace dn ON dn.oid = d.defaclnamespace
       LEFT JOIN LATERAL aclexplode(d.defaclacl) WITH ORDINALITY AS a(grantor, grantee, privilege_type, is_grantable, ord)
         ON true`,
    ],
    // an extension's own function, relation or type whose ACL is no longer the one its script left (pg_init_privs):
    // one row, the ACL as text, kept unmanaged by name (the model holds an extension whole, not its members' grants)
    ...EXT_ACLS.map(([what, cat, acl, name, sub, owner, ns, has]): [string, string] => [
      has,
      `SELECT 'extacl:${what}', n.nspname::text, x.${name}::text, ${sub}, pg_get_userbyid(x.${owner})::text,
       NULL::text, NULL::text, x.${acl}::text, false, 11, x.oid::int8, NULL::bigint, NULL::text
     FROM ${cat} x JOIN pg_namespace n ON n.oid = x.${ns}
     WHERE x.oid >= 16384 AND NOT ${notExtMember(cat, 'x.oid')} AND x.${acl} IS DISTINCT FROM (SELECT ip.initprivs
       FROM pg_init_privs ip WHERE ip.objoid = x.oid AND ip.classoid = '${cat}'::regclass AND ip.objsubid = 0)`,
    ]),
    ...GLOBAL_ACLS.map(([what, cat, acl, name, owner, k, has]): [string, string] => [
      has,
      `SELECT '${what}', NULL, x.${name}::text, NULL, pg_get_userbyid(x.${owner})::text, ${who}, ${k}, x.oid::int8, a.ord, NULL
     FROM ${cat} x ${explode(`x.${acl}`)}
     WHERE x.oid >= 16384 AND x.${acl} IS NOT NULL AND ${notExtMember(cat, 'x.oid')}`,
    ]),
  ];
  const asked = parts.filter(([has]) => has === undefined || !absent(ctx, has)).map(([, sql]) => sql);
  // the columns named once for whichever part comes first
  return `SELECT * FROM (${asked.join('\nUNION ALL\n')})
    u(what, schema, name, sub, owner, grantee, grantor, priv, grantable, k, o, ord, sig) ORDER BY k, o, ord`;
}

const REL_CLASS: Readonly<Record<string, PrivClass>> = {
  r: 'table',
  p: 'table',
  v: 'table',
  m: 'table',
  S: 'sequence',
};
const DACL: Readonly<Record<string, DefaultPrivilege['on']>> = {
  r: 'tables',
  S: 'sequences',
  f: 'functions',
  T: 'types',
  n: 'schemas',
};
const DACL_CLASS: Readonly<Record<string, PrivClass>> = {
  r: 'table',
  S: 'sequence',
  f: 'function',
  T: 'type',
  n: 'schema',
};

interface Acl {
  readonly first: AclRow;
  readonly entries: Map<string, string[]>; // grantee -> privileges (`*` = grantable), in ACL order
}

function group(list: readonly AclRow[]): Acl[] {
  const out: Acl[] = [];
  let cur: Acl | undefined;
  let key = '';
  for (const r of list) {
    const k = `${r.what}\0${r.schema}\0${r.name}\0${r.sub}\0${r.owner}`;
    if (!cur || k !== key) out.push((cur = { first: r, entries: new Map() }));
    key = k;
    if ((r.grantee as string | null) === null) continue; // an empty default ACL: its row names no grantee
    const role = r.grantee === '' ? 'public' : r.grantee;
    const l = cur.entries.get(role) ?? [];
    l.push(r.grantable ? `${r.priv}*` : r.priv);
    cur.entries.set(role, l);
  }
  return out;
}

/**
 * ownGrants drops the owner's implicit entry; reports (undefined) an owner who took some of its own privileges away,
 * unless `keepOwner` (a global default ACL, whose model holds the role's own entry): then that entry is kept.
 */
function ownGrants(
  ctx: Ctx,
  acl: Acl,
  cls: PrivClass,
  label: string,
  ownerEntry: boolean,
  keepOwner = false,
): Grants | undefined {
  const out: Record<string, string[]> = {};
  const owner = acl.first.owner;
  if (keepOwner && !acl.entries.has(owner)) out[owner] = [NONE];
  for (const [role, list] of acl.entries) {
    if (ownerEntry && role === owner) {
      const full = privilegesOf(cls, ctx.version);
      const plain = new Set(list.map((p) => p.replace(/\*$/, '')));
      if (full.every((p) => plain.has(p)) && !list.some((p) => p.endsWith('*'))) continue;
      if (keepOwner) {
        out[role] = list;
        continue;
      }
      unsupported(
        ctx,
        `privileges of the owner ${owner} on ${label} (${list.join(', ')})`,
        "schemaver models grants to other roles; the owner's own privileges must stay PostgreSQL's default",
        list.join(','),
      );
      continue;
    }
    out[role] = list;
  }
  if (ownerEntry && !keepOwner && !acl.entries.has(owner))
    unsupported(
      ctx,
      `privileges of the owner ${owner} on ${label} (none)`,
      "schemaver models grants to other roles; the owner's own privileges must stay PostgreSQL's default",
      '',
    );
  if (Object.keys(out).length === 0) return Object.keys(defaultGrants(cls)).length ? { public: [NONE] } : {};
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** readPrivileges reads every ACL and default ACL into `schema` (objects it does not hold are reported). */
export async function readPrivileges(ctx: Ctx, schema: Schema): Promise<Schema> {
  const s = schema as Mutable<Schema>;
  s.tables = { ...s.tables };
  s.views = { ...s.views };
  s.sequences = { ...s.sequences };
  s.functions = { ...s.functions };
  s.enums = { ...s.enums };
  s.composites = { ...s.composites };
  s.domains = { ...s.domains };
  s.schemas = { ...s.schemas };
  if (s.objects) s.objects = { ...s.objects };
  const dps: Record<string, DefaultPrivilege> = {};
  for (const acl of group(await readAcls(ctx))) {
    const r = acl.first;
    const id = r.schema === null ? r.name : qid(r.schema, r.name);
    if (r.what.startsWith('extacl:')) {
      const label = r.what === 'extacl:function' ? `${id}(${r.sub})` : id;
      unsupported(ctx, `privileges (GRANT) on extension member ${r.what.slice(7)} ${label}`, undefined, r.priv);
      continue;
    }
    if (r.what.startsWith('dacl:')) {
      const d = defaultPrivilegeOf(ctx, acl);
      if (d) dps[defaultPrivilegeId(d.role, d.schema, d.on)] = d;
    } else if (definitionAcl(s, r)) setDefinitionGrants(ctx, s, acl, definitionAcl(s, r)!);
    else if (r.what === 'col') setColumnGrants(ctx, s, acl, id);
    else setObjectGrants(ctx, s, acl, id);
  }
  if (Object.keys(dps).length) s.defaultPrivileges = dps;
  await readReplicaIndexes(ctx, s.tables as Record<string, Table>);
  return s;
}

/** defaultPrivilegeOf reads one `ALTER DEFAULT PRIVILEGES` entry (global or in a schema); undefined when it grants nothing. */
function defaultPrivilegeOf(ctx: Ctx, acl: Acl): DefaultPrivilege | undefined {
  const r = acl.first;
  const t = r.what.slice(5);
  const cls = DACL_CLASS[t];
  if (!cls) {
    // PostgreSQL 18's ON LARGE OBJECTS ('L'), or a kind after it: not modelled, kept by name
    const on = t === 'L' ? 'large objects' : `objects of kind ${t}`;
    const where = r.schema === null ? '' : ` in schema ${r.schema}`;
    unsupported(ctx, `default privileges of ${r.owner}${where} on ${on}`, undefined, stateOf(acl));
    return undefined;
  }
  const global = r.schema === null;
  const raw = ownGrants(ctx, acl, cls, `default privileges of ${r.owner}`, global, global);
  const grants = global ? normalizeGrants(raw, cls, ctx.version, r.owner) : rawKeep(raw, cls, ctx.version);
  if (!grants || !Object.keys(grants).length) return undefined;
  return {
    kind: 'default_privilege',
    role: r.owner,
    ...(global ? {} : { schema: r.schema! }),
    on: DACL[t]!,
    grants,
  };
}

/**
 * setColumnGrants gives a column's ACL to the column of table `id`, or to view `id`'s `columnGrants`; column grants on
 * anything else are unsupported.
 */
function setColumnGrants(ctx: Ctx, s: Mutable<Schema>, acl: Acl, id: string): void {
  const r = acl.first;
  const t = s.tables[id];
  const grants = normalizeGrants(ownGrants(ctx, acl, 'column', `${id}.${r.sub}`, false), 'column', ctx.version);
  const v = s.views[id];
  if (!t && v) {
    const col = r.sub ?? '';
    const { [col]: _old, ...others } = v.columnGrants ?? {};
    const all = grants ? { ...others, [col]: grants } : others;
    const { columnGrants: _g, ...rest } = v;
    (s.views as Record<string, View>)[id] = Object.keys(all).length ? { ...rest, columnGrants: all } : rest;
    return;
  }
  if (!t) {
    if (grants)
      unsupported(
        ctx,
        `column privileges (GRANT) on ${id}.${r.sub}`,
        'schemaver models column grants on tables',
        stateOf(acl),
      );
    return;
  }
  const cols = t.columns.map((c): Column => {
    if (c.name !== r.sub) return c;
    const { grants: _g, ...rest } = c;
    return grants ? { ...rest, grants } : rest;
  });
  (s.tables as Record<string, Table>)[id] = { ...t, columns: cols };
}

/** setObjectGrants gives an object's ACL to the relation, function, type or schema it belongs to (a sequence's
 * to the serial or identity column that owns it); an ACL on anything else is unsupported. */
function setObjectGrants(ctx: Ctx, s: Mutable<Schema>, acl: Acl, id: string): void {
  const r = acl.first;
  const cls: PrivClass | undefined = r.what.startsWith('rel:')
    ? REL_CLASS[r.what.slice(4)]
    : r.what === 'fn'
      ? 'function'
      : r.what.startsWith('type:')
        ? 'type'
        : r.what === 'schema'
          ? 'schema'
          : undefined;
  const label = r.what === 'fn' ? `${id}(${r.sub})` : id;
  if (!cls) {
    unsupported(
      ctx,
      `privileges (GRANT) on ${r.what.replace(/^rel:f$/, 'foreign table')} ${label}`,
      undefined,
      stateOf(acl),
    );
    return;
  }
  // a non-NULL ACL equal to the default (a GRANT to the owner, a REVOKE that took nothing) is kept written out
  const own = ownGrants(ctx, acl, cls, label, true);
  const grants = own === undefined ? undefined : (normalizeGrants(own, cls, ctx.version) ?? writtenOutDefault(cls));
  let found = false;
  if (r.what.startsWith('rel:')) {
    found = setOn(s.tables, id, grants) || setOn(s.views, id, grants) || setOn(s.sequences, id, grants);
    if (!found && r.what === 'rel:S') found = setOnOwnSequence(s, id, grants);
  } else if (r.what === 'fn') {
    found = setOn(s.functions, funcId(r.schema!, r.name, r.sub!), grants);
  } else if (cls === 'type') {
    found = setOn(s.enums, id, grants) || setOn(s.composites, id, grants) || setOn(s.domains, id, grants);
  } else if (id === 'public' && !s.schemas.public) {
    // `public` is modelled only where it is not the standard one (model/privileges.ts STANDARD_PUBLIC_SCHEMA)
    const pub: Namespace = { kind: 'namespace', name: 'public', ...(grants ? { grants } : {}) };
    if (!isStandardPublic(pub)) (s.schemas as Record<string, Namespace>).public = pub;
    found = true;
  } else {
    found = setOn(s.schemas, id, grants);
  }
  if (!found && grants) unsupported(ctx, `privileges (GRANT) on ${label}`, undefined, stateOf(acl));
}

/** DefinitionAcl is where a definition object's ACL goes: its key in `objects`, the GRANT target, the class. */
interface DefinitionAcl {
  readonly key: string;
  readonly target: string;
  readonly cls: PrivClass;
  readonly column?: string;
}

/**
 * definitionAcl: the definition object (src/model/objects.ts) an ACL row belongs to — a foreign table (and its
 * columns), a range type, an aggregate, a foreign-data wrapper, a server, a language — when `s` holds it.
 */
function definitionAcl(s: Schema, r: AclRow): DefinitionAcl | undefined {
  const name = r.schema === null ? quoteIdent(r.name) : qn(r.schema, r.name);
  const at = (type: SqlObjectKind, key: string, target: string, cls: PrivClass, column?: string) =>
    s.objects?.[sqlObjectKey(type, key)]
      ? { key: sqlObjectKey(type, key), target, cls, ...(column === undefined ? {} : { column }) }
      : undefined;
  switch (r.what) {
    case 'rel:f':
      return at('foreign table', name, `TABLE ${name}`, 'table');
    case 'col':
      return at('foreign table', name, `TABLE ${name}`, 'column', r.sub ?? '');
    case 'type:r':
      return at('range type', name, `TYPE ${name}`, 'type');
    case 'agg':
      return at('aggregate', `${name}(${r.sub || '*'})`, `FUNCTION ${name}(${r.sig ?? ''})`, 'function');
    case 'fdw':
      return at('foreign data wrapper', name, `FOREIGN DATA WRAPPER ${name}`, 'foreign');
    case 'server':
      return at('server', name, `FOREIGN SERVER ${name}`, 'foreign');
    case 'language':
      return at('language', name, `LANGUAGE ${name}`, 'language');
    default:
      return undefined;
  }
}

/**
 * setDefinitionGrants appends the GRANTs (and REVOKEs from PUBLIC) that give a definition object its ACL to its
 * CREATE text, as createGrants writes them for a new object (aclOfStatements reads them back for a plan).
 */
function setDefinitionGrants(ctx: Ctx, s: Mutable<Schema>, acl: Acl, d: DefinitionAcl): void {
  const label = `${d.key}${d.column === undefined ? '' : ` column ${quoteIdent(d.column)}`}`;
  const own = ownGrants(ctx, acl, d.cls, label, d.column === undefined);
  if (own === undefined) return;
  const grants =
    d.column === undefined
      ? (normalizeGrants(own, d.cls, ctx.version) ?? writtenOutDefault(d.cls))
      : normalizeGrants(own, d.cls, ctx.version);
  const o = s.objects![d.key]!;
  const sql = createGrants(d.target, d.cls, grants, d.column);
  if (sql.length) (s.objects as Record<string, SqlObject>)[d.key] = { ...o, sql: [o.sql, ...sql].join(';\n') };
}

/** setOn replaces object `id` of a section (copied by readPrivileges) by one with these grants; false when absent. */
function setOn<T extends { grants?: Grants }>(
  m: Readonly<Record<string, T>>,
  id: string,
  g: Grants | undefined,
): boolean {
  const o = m[id];
  if (!o) return false;
  const { grants: _g, ...rest } = o as T & { grants?: Grants };
  (m as Record<string, T>)[id] = (g === undefined ? rest : { ...rest, grants: g }) as T;
  return true;
}

/**
 * setOnOwnSequence gives the ACL of sequence `id` to the serial or identity column that owns it under PostgreSQL's
 * own name for it (`<table>_<column>_seq`); false when no column does.
 */
function setOnOwnSequence(s: Mutable<Schema>, id: string, grants: Grants | undefined): boolean {
  for (const [tid, t] of Object.entries(s.tables)) {
    const col = t.columns.find(
      (c) => (c.serial || c.identity) && qid(t.schema, makeObjectName(t.name, c.name, 'seq')) === id,
    );
    if (!col) continue;
    const { sequenceGrants: _g, ...rest } = col;
    const cols = t.columns.map((c) => (c !== col ? c : grants ? { ...rest, sequenceGrants: grants } : rest));
    (s.tables as Record<string, Table>)[tid] = { ...t, columns: cols };
    return true;
  }
  return false;
}

/** stateOf writes an ACL as its grantees and privileges (the state an unmanaged object is kept with). */
function stateOf(acl: Acl): string {
  return [...acl.entries].map(([role, list]) => `${role}=${list.join(',')}`).join(' ');
}

/** rawKeep normalises the grantee lists of an IN SCHEMA default ACL (which only adds to the global one). */
function rawKeep(raw: Grants | undefined, cls: PrivClass, version: number): Grants {
  const out: Record<string, readonly string[]> = {};
  for (const [role, list] of Object.entries(raw ?? {})) {
    const l = normalizePrivileges(list, cls, version);
    if (l.length) out[role] = l;
  }
  return out;
}

/** readReplicaIndexes names the index of every table whose REPLICA IDENTITY is USING INDEX. */
async function readReplicaIndexes(ctx: Ctx, tables: Record<string, Table>): Promise<void> {
  if (!Object.values(tables).some((t) => t.replicaIdentity === 'index')) return;
  const list = await rows<{ schema: string; name: string; idx: string }>(
    ctx,
    `SELECT n.nspname::text AS schema, c.relname::text AS name, ic.relname::text AS idx
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class ic ON ic.oid = i.indexrelid
     WHERE i.indisreplident AND ${inRels(ctx)}`,
  );
  for (const r of list) {
    const id = qid(r.schema, r.name);
    const t = tables[id];
    if (t) tables[id] = { ...t, replicaIdentityIndex: r.idx };
  }
}
