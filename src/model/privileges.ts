/**
 * Privileges: what each class of object can grant, PostgreSQL's default ACLs, and the one normal form of a
 * `Grants` map (see types.ts) that parse, introspect and canon share, so a default ACL (NULL in the catalog) and an
 * explicit ACL equal to it are one model. Pure: no I/O.
 */
import type { DefaultPrivilege, Grants, Namespace } from './types.js';

/**
 * PrivClass is a class of object with its own set of privileges. `foreign` is a foreign-data wrapper or server and
 * `language` a procedural language: definition objects (model/objects.ts), whose GRANTs their CREATE text carries.
 */
export type PrivClass = 'table' | 'column' | 'sequence' | 'function' | 'type' | 'schema' | 'foreign' | 'language';

/** PRIVILEGES lists the privileges of each class, in aclitem order; `maintain` exists from PostgreSQL 17. */
export const PRIVILEGES: Readonly<Record<PrivClass, readonly string[]>> = {
  table: ['insert', 'select', 'update', 'delete', 'truncate', 'references', 'trigger', 'maintain'],
  column: ['insert', 'select', 'update', 'references'],
  sequence: ['select', 'update', 'usage'],
  function: ['execute'],
  type: ['usage'],
  schema: ['usage', 'create'],
  foreign: ['usage'],
  language: ['usage'],
};

/** ACL_CHARS maps aclitem letters to privilege names. */
export const ACL_CHARS: Readonly<Record<string, string>> = {
  a: 'insert',
  r: 'select',
  w: 'update',
  d: 'delete',
  D: 'truncate',
  x: 'references',
  t: 'trigger',
  m: 'maintain',
  X: 'execute',
  U: 'usage',
  C: 'create',
};

/** NONE is the privilege list that records "holds nothing" (PUBLIC's default taken away from a function or type). */
export const NONE = 'none';

/**
 * defaultGrants is PostgreSQL's default ACL of a class besides the owner: PUBLIC may execute functions, use types and
 * use languages (acldefault).
 */
export function defaultGrants(cls: PrivClass): Grants {
  if (cls === 'function') return { public: ['execute'] };
  if (cls === 'type' || cls === 'language') return { public: ['usage'] };
  return {};
}

/** defaultPrivilegeClass is the class of objects an ALTER DEFAULT PRIVILEGES entry applies to. */
export function defaultPrivilegeClass(on: DefaultPrivilege['on']): PrivClass {
  return ({ tables: 'table', sequences: 'sequence', functions: 'function', types: 'type', schemas: 'schema' } as const)[
    on
  ];
}

/** defaultPrivilegeId is the key of an entry in Schema.defaultPrivileges: `role`, `role in schema`, then ` on kind`. */
export function defaultPrivilegeId(role: string, schema: string | undefined, on: string): string {
  const esc = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : JSON.stringify(s));
  return `${esc(role)}${schema === undefined ? '' : ` in ${esc(schema)}`} on ${on}`;
}

/** privilegesOf lists the privileges of a class on a server version (`maintain` only from PostgreSQL 17). */
export function privilegesOf(cls: PrivClass, serverVersion?: number): readonly string[] {
  const all = PRIVILEGES[cls];
  return serverVersion !== undefined && serverVersion < 170000 ? all.filter((p) => p !== 'maintain') : all;
}

/** normalizePrivileges sorts a grantee's privileges, folding a complete set into `all` (`all*` when all grantable). */
export function normalizePrivileges(list: readonly string[], cls: PrivClass, serverVersion?: number): string[] {
  const plain = new Set<string>();
  const grantable = new Set<string>();
  const every = privilegesOf(cls, serverVersion);
  for (const raw of list) {
    const star = raw.endsWith('*');
    const p = (star ? raw.slice(0, -1) : raw).trim().toLowerCase().replace(/\s+/g, ' ');
    if (p === NONE) continue;
    const names = p === 'all' || p === 'all privileges' ? every : [p];
    for (const n of names) (star ? grantable : plain).add(n);
  }
  for (const g of grantable) plain.delete(g);
  const held = new Set([...plain, ...grantable]);
  if (held.size && every.length > 1 && every.every((p) => held.has(p))) {
    if (grantable.size === held.size) return ['all*'];
    if (plain.size === held.size) return ['all'];
  }
  const order = PRIVILEGES[cls];
  const rank = (p: string) => (order.includes(p) ? order.indexOf(p) : order.length);
  return [...plain, ...[...grantable].map((p) => `${p}*`)].sort(
    (a, b) => rank(a.replace(/\*$/, '')) - rank(b.replace(/\*$/, '')) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

/**
 * normalizeGrants is the one normal form of an object's grants: grantees in ACL order (identity sorts them), privileges normalised, empty
 * entries dropped; undefined when the ACL is PostgreSQL's default; `{ public: ['none'] }` when a class whose default
 * grants PUBLIC something ends up granting nobody anything. `owner` (a global default-privileges entry's role) keeps
 * its own entry when it holds less than everything (`['none']`: nothing), and loses it when it holds everything.
 */
export function normalizeGrants(
  g: Grants | undefined,
  cls: PrivClass,
  serverVersion?: number,
  owner?: string,
): Grants | undefined {
  if (g === undefined) return undefined;
  const out: Record<string, string[]> = {};
  for (const role of Object.keys(g)) {
    const list = normalizePrivileges(g[role]!, cls, serverVersion);
    if (list.length) out[role] = list;
    else if (role === owner) out[role] = [NONE];
  }
  if (owner !== undefined && out[owner] && ownsAll(out[owner], cls, serverVersion)) delete out[owner];
  const def = defaultGrants(cls);
  if (sameGrants(out, def)) return undefined;
  if (Object.keys(out).length === 0) return Object.keys(def).length ? { public: [NONE] } : undefined;
  return out;
}

/** ownsAll tells whether an owner's own list is everything it holds by default (no grant option: it grants anyway). */
function ownsAll(list: readonly string[], cls: PrivClass, serverVersion?: number): boolean {
  const all = normalizePrivileges(['all'], cls, serverVersion).join(',');
  return list.join(',') === all || (list.length === 1 && list[0] === 'all');
}

/**
 * ownerGrants is a global default-privileges entry's ACL with its role's own entry written out first (everything
 * when the entry leaves it out), as aclChangeSql compares them.
 */
export function ownerGrants(g: Grants | undefined, cls: PrivClass, owner: string): Grants {
  const { [owner]: own, ...rest } = g ?? defaultGrants(cls);
  return { [owner]: own ?? (privilegesOf(cls).length > 1 ? ['all'] : [...privilegesOf(cls)]), ...rest };
}

/**
 * writtenOutDefault is how the model holds the default ACL written out (not NULL: what a GRANT to the owner, a
 * REVOKE that took nothing, or a GRANT revoked again leaves behind): `{ public: ['none'] }` on a table, view, sequence
 * or schema, whose default grants PUBLIC nothing; PUBLIC's default privilege (`{ public: ['execute'] }`,
 * `{ public: ['usage'] }`) on a function or type. Undefined for the other classes (columns, languages, foreign data
 * wrappers and servers), whose written-out default reads as the default.
 */
export function writtenOutDefault(cls: PrivClass): Grants | undefined {
  if (cls === 'table' || cls === 'sequence' || cls === 'schema') return { public: [NONE] };
  if (cls === 'function' || cls === 'type') return defaultGrants(cls);
  return undefined;
}

/** isWrittenOutDefault tells whether `g` is the written-out default ACL of class `cls` (see writtenOutDefault). */
export function isWrittenOutDefault(g: Grants | undefined, cls: PrivClass): boolean {
  const w = writtenOutDefault(cls);
  return g !== undefined && w !== undefined && sameGrants(g, w);
}

/** effectiveGrants is the ACL a Grants value stands for (besides the owner): the default when absent, `none` removed. */
export function effectiveGrants(g: Grants | undefined, cls: PrivClass): Grants {
  if (g === undefined) return defaultGrants(cls);
  const out: Record<string, readonly string[]> = {};
  for (const [role, list] of Object.entries(g)) {
    const l = list.filter((p) => p !== NONE);
    if (l.length) out[role] = l;
  }
  return out;
}

/** sameGrants compares two normalised grant maps. */
export function sameGrants(a: Grants, b: Grants): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join('\0') !== kb.join('\0')) return false;
  return ka.every((k) => a[k]!.join(',') === b[k]!.join(','));
}

/** grantRoles lists the roles a grant map names (PUBLIC aside). */
export function grantRoles(g: Grants | undefined): string[] {
  return Object.keys(g ?? {}).filter((r) => r !== 'public');
}

/**
 * STANDARD_PUBLIC_SCHEMA is the `public` schema every database starts with (PostgreSQL 15 and later: owned by
 * pg_database_owner, USAGE for PUBLIC). `public` is never created or dropped by a plan; it appears in `schemas:` only
 * to manage its privileges (its `grants` list every grant besides the owner's, PUBLIC's USAGE included), and a
 * schema without it means this standard one.
 */
export const STANDARD_PUBLIC_SCHEMA: Namespace = { kind: 'namespace', name: 'public', grants: { public: ['usage'] } };

/** STANDARD_PUBLIC_OWNER owns the `public` schema of a new database (15 and later); a model without an owner means it. */
export const STANDARD_PUBLIC_OWNER = 'pg_database_owner';

/** STANDARD_PUBLIC_COMMENT is the comment PostgreSQL gives the `public` schema; a model without one means it. */
export const STANDARD_PUBLIC_COMMENT = 'standard public schema';

/** isStandardPublic: `n` is the standard `public` schema (nothing a plan needs to manage). */
export function isStandardPublic(n: Namespace): boolean {
  return (
    n.name === 'public' &&
    n.comment === undefined &&
    n.owner === undefined &&
    n.grants !== undefined &&
    sameGrants(n.grants, STANDARD_PUBLIC_SCHEMA.grants!)
  );
}

/** withStandardPublic is `schemas` with the standard `public` added when `other` manages `public` and `schemas` does not. */
export function withStandardPublic(
  schemas: Readonly<Record<string, Namespace>>,
  other: Readonly<Record<string, Namespace>>,
): Readonly<Record<string, Namespace>> {
  return other.public && !schemas.public ? { ...schemas, public: STANDARD_PUBLIC_SCHEMA } : schemas;
}
