/**
 * GRANT / REVOKE / ALTER DEFAULT PRIVILEGES text: the statements that turn one ACL (a Grants map) into another.
 * Names go through quote.ts like everywhere else.
 */
import type { DefaultPrivilege, Grants } from '../model/types.js';
import {
  defaultGrants,
  effectiveGrants,
  isWrittenOutDefault,
  normalizeGrants,
  ownerGrants,
  privilegesOf,
  writtenOutDefault,
  type PrivClass,
} from '../model/privileges.js';
import { quoteIdent, quoteLiteral } from './quote.js';

/** granteeSql writes a grantee: PUBLIC for `public`, any other role quoted. */
export function granteeSql(role: string): string {
  return role === 'public' ? 'PUBLIC' : quoteIdent(role);
}

/** Held is a grantee's privileges split into plain and grantable ones (`all` stays a token). */
interface Held {
  readonly plain: Set<string>;
  readonly grantable: Set<string>;
}

function held(list: readonly string[] | undefined): Held {
  const plain = new Set<string>();
  const grantable = new Set<string>();
  for (const p of list ?? []) {
    if (p.endsWith('*')) grantable.add(p.slice(0, -1));
    else plain.add(p);
  }
  return { plain, grantable };
}

const has = (h: Held, p: string) => h.plain.has(p) || h.grantable.has(p);
const words = (ps: Iterable<string>, cols?: string) =>
  [...ps].map((p) => `${p === 'all' ? 'ALL' : p.toUpperCase()}${cols ?? ''}`).join(', ');

/**
 * aclChangeSql writes the REVOKEs and GRANTs that turn ACL `from` into ACL `to` on `target` (`TABLE "t"`,
 * `FUNCTION f(integer)`; for column privileges `target` is the table and `column` the column). `from`/`to` are
 * Grants values as the model holds them (absent = the class default). Revokes come first, grants in `to`'s order.
 */
export function aclChangeSql(
  target: string,
  cls: PrivClass,
  from: Grants | undefined,
  to: Grants | undefined,
  column?: string,
): string[] {
  const a = effectiveGrants(from, cls);
  const b = effectiveGrants(to, cls);
  const cols = column === undefined ? '' : ` (${quoteIdent(column)})`;
  const revokes: string[] = [];
  const grants: string[] = [];
  const roles = [...Object.keys(a), ...Object.keys(b).filter((r) => !(r in a))];
  const moved = movedGrantees(a, b);
  for (const role of roles) {
    // a grantee that must move behind one this change appends starts over: all revoked, then granted in order
    const x = moved.has(role) ? held([]) : held(a[role]);
    const y = held(b[role]);
    if (moved.has(role)) revokes.push(`REVOKE ${words(['all'], cols)} ON ${target} FROM ${granteeSql(role)}`);
    const who = granteeSql(role);
    // `all` on one side only: start over for this grantee
    const allChanged = has(x, 'all') !== has(y, 'all');
    const lose = allChanged
      ? [...x.plain, ...x.grantable].length
        ? ['all']
        : []
      : [...x.plain, ...x.grantable].filter((p) => !has(y, p));
    if (lose.length) revokes.push(`REVOKE ${words(lose, cols)} ON ${target} FROM ${who}`);
    const keep = (p: string) => !allChanged && has(x, p);
    const loseOption = [...x.grantable].filter((p) => keep(p) && y.plain.has(p));
    if (loseOption.length) revokes.push(`REVOKE GRANT OPTION FOR ${words(loseOption, cols)} ON ${target} FROM ${who}`);
    const addPlain = [...y.plain].filter((p) => !keep(p));
    const addGrantable = [...y.grantable].filter((p) => !(keep(p) && x.grantable.has(p)));
    if (addPlain.length) grants.push(`GRANT ${words(addPlain, cols)} ON ${target} TO ${who}`);
    if (addGrantable.length) grants.push(`GRANT ${words(addGrantable, cols)} ON ${target} TO ${who} WITH GRANT OPTION`);
  }
  const order = Object.keys(b);
  const rank = (s: string) => order.findIndex((r) => s.includes(` TO ${granteeSql(r)}`));
  const out = [...revokes, ...grants.sort((p, q) => rank(p) - rank(q))];
  // the default ACL written out: any GRANT or REVOKE writes it; when none is needed, a REVOKE that takes nothing
  // does, or where PUBLIC holds a privilege by default, a GRANT of what it already holds
  if (!out.length && column === undefined && isWrittenOutDefault(to, cls) && !isWrittenOutDefault(from, cls)) {
    const held = defaultGrants(cls)['public'];
    out.push(held ? `GRANT ${words(held)} ON ${target} TO PUBLIC` : `REVOKE ALL ON ${target} FROM PUBLIC`);
  }
  return out;
}

/**
 * movedGrantees: PostgreSQL keeps a grantee that still holds a privilege in its ACL slot and appends a new one at
 * the end, so a grantee of `to` that follows (in `to`'s order) a new one, or one of `from`'s that came later, is
 * taken out and granted again to come out in `to`'s order. One holding a grant option stays (revoking it could meet
 * privileges it granted on).
 */
function movedGrantees(a: Grants, b: Grants): Set<string> {
  const pos = new Map(Object.keys(a).map((r, i) => [r, i]));
  const moved = new Set<string>();
  let last = -1;
  let inOrder = true;
  for (const r of Object.keys(b)) {
    const p = pos.get(r);
    if (inOrder && p !== undefined && p > last) {
      last = p;
      continue;
    }
    inOrder = false;
    if (p !== undefined && held(a[r]).grantable.size === 0) moved.add(r);
  }
  return moved;
}

const ON_WORDS: Readonly<Record<DefaultPrivilege['on'], string>> = {
  tables: 'TABLES',
  sequences: 'SEQUENCES',
  functions: 'FUNCTIONS',
  types: 'TYPES',
  schemas: 'SCHEMAS',
};

/**
 * defaultPrivilegeSql writes the ALTER DEFAULT PRIVILEGES statements that turn entry `from` into `to` (either may be
 * absent), split into revokes and grants so a plan can revoke before it creates objects and grant after.
 */
export function defaultPrivilegeSql(
  from: DefaultPrivilege | undefined,
  to: DefaultPrivilege | undefined,
  cls: PrivClass,
): { revokes: string[]; grants: string[] } {
  const d = (to ?? from)!;
  const head = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(d.role)}${d.schema === undefined ? '' : ` IN SCHEMA ${quoteIdent(d.schema)}`}`;
  // IN SCHEMA entries only add to the global default: their baseline is nothing; a global entry is the whole default
  // ACL, the role's own privileges included (everything unless its grants list the role: ALTER DEFAULT PRIVILEGES ...
  // REVOKE ... FROM itself)
  const base = (x: DefaultPrivilege | undefined): Grants | undefined =>
    d.schema === undefined ? ownerGrants(x?.grants, cls, d.role) : x ? x.grants : {};
  const stmts = aclChangeSql(ON_WORDS[d.on], cls, base(from), base(to));
  const adp = (s: string) => `${head} ${s}`;
  return {
    revokes: stmts.filter((s) => s.startsWith('REVOKE')).map(adp),
    grants: stmts.filter((s) => s.startsWith('GRANT')).map(adp),
  };
}

/** createGrants writes the GRANTs (and REVOKEs from PUBLIC) that give a newly created object its ACL. */
export function createGrants(target: string, cls: PrivClass, grants: Grants | undefined, column?: string): string[] {
  return grants === undefined ? [] : aclChangeSql(target, cls, undefined, grants, column);
}

/** storageParamsSql writes `ALTER <what> <target> SET (k = 'v', ...)` / `RESET (k, ...)` turning params `a` into `b`. */
export function storageParamsSql(
  what: string,
  target: string,
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): string[] {
  const key = (k: string) => k.split('.').map(quoteIdent).join('.');
  const set = Object.entries(b ?? {}).filter(([k, v]) => a?.[k] !== v);
  const reset = Object.keys(a ?? {}).filter((k) => !(k in (b ?? {})));
  const out: string[] = [];
  if (reset.length) out.push(`ALTER ${what} ${target} RESET (${reset.map(key).join(', ')})`);
  if (set.length)
    out.push(`ALTER ${what} ${target} SET (${set.map(([k, v]) => `${key(k)} = ${quoteLiteral(v)}`).join(', ')})`);
  return out;
}

/** clusterOnSql writes ALTER TABLE ... CLUSTER ON the index (SET WITHOUT CLUSTER when none is marked). */
export function clusterOnSql(table: string, index: string | undefined): string {
  return index === undefined
    ? `ALTER TABLE ${table} SET WITHOUT CLUSTER`
    : `ALTER TABLE ${table} CLUSTER ON ${quoteIdent(index)}`;
}

/** replicaIdentitySql writes ALTER TABLE ... REPLICA IDENTITY for a table's declared mode (DEFAULT when absent). */
export function replicaIdentitySql(
  table: string,
  t: { readonly replicaIdentity?: 'full' | 'nothing' | 'index'; readonly replicaIdentityIndex?: string },
): string {
  const mode =
    t.replicaIdentity === 'index' && t.replicaIdentityIndex !== undefined
      ? `USING INDEX ${quoteIdent(t.replicaIdentityIndex)}`
      : t.replicaIdentity === 'full'
        ? 'FULL'
        : t.replicaIdentity === 'nothing'
          ? 'NOTHING'
          : 'DEFAULT';
  return `ALTER TABLE ${table} REPLICA IDENTITY ${mode}`;
}

/**
 * aclResetSql puts PostgreSQL's default ACL back as NULL once the last grant is revoked, so the catalog reads as if
 * nothing had ever been granted (PostgreSQL has no statement for it; REVOKE leaves an explicit copy of the default).
 * It changes only an ACL equal to the default, and only as a superuser; for anyone else it is a no-op.
 */
export function aclResetSql(table: string, column?: string): string {
  const oid = `${quoteLiteral(table)}::pg_catalog.regclass`;
  const sql =
    column === undefined
      ? `UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = ${oid} AND relacl @> pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner) AND relacl <@ pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner)`
      : `UPDATE pg_catalog.pg_attribute SET attacl = NULL WHERE attrelid = ${oid} AND attname = ${quoteLiteral(column)} AND pg_catalog.cardinality(attacl) = 0`;
  return `DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN ${sql}; END IF; END $sv$`;
}

/** aclResetObjectSql is aclResetSql for a function (schema, name, identity args), type or schema. */
export function aclResetObjectSql(
  kind: 'function' | 'type' | 'schema',
  schema: string,
  name: string,
  identityArgs = '',
): string {
  const sql =
    kind === 'function'
      ? `UPDATE pg_catalog.pg_proc p SET proacl = NULL WHERE p.pronamespace = ${quoteLiteral(schema)}::pg_catalog.regnamespace AND p.proname = ${quoteLiteral(name)} AND pg_catalog.pg_get_function_identity_arguments(p.oid) = ${quoteLiteral(identityArgs)} AND p.proacl @> pg_catalog.acldefault('f', p.proowner) AND p.proacl <@ pg_catalog.acldefault('f', p.proowner)`
      : kind === 'type'
        ? `UPDATE pg_catalog.pg_type t SET typacl = NULL WHERE t.typnamespace = ${quoteLiteral(schema)}::pg_catalog.regnamespace AND t.typname = ${quoteLiteral(name)} AND t.typacl @> pg_catalog.acldefault('T', t.typowner) AND t.typacl <@ pg_catalog.acldefault('T', t.typowner)`
        : `UPDATE pg_catalog.pg_namespace n SET nspacl = NULL WHERE n.nspname = ${quoteLiteral(name)} AND n.nspacl @> pg_catalog.acldefault('n', n.nspowner) AND n.nspacl <@ pg_catalog.acldefault('n', n.nspowner)`;
  return `DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN ${sql}; END IF; END $sv$`;
}

/**
 * ownerSql writes `ALTER <target> OWNER TO role`; an owner the project does not manage (undefined) is the role that
 * runs the migration (`CURRENT_USER`), who owns what a migration creates.
 */
export function ownerSql(target: string, owner: string | undefined): string {
  return `ALTER ${target} OWNER TO ${owner === undefined ? 'CURRENT_USER' : quoteIdent(owner)}`;
}

/** createOwner writes the OWNER TO of a newly created object whose owner is managed (nothing when it is not). */
export function createOwner(target: string, owner: string | undefined): string[] {
  return owner === undefined ? [] : [ownerSql(target, owner)];
}

/** AclTarget is the ACL of one GRANT target (and column) that a definition object's text carries. */
export interface AclTarget {
  /** target: what the statements name after ON (`TABLE "ft"`, `TYPE r`, `FOREIGN SERVER s`...). */
  readonly target: string;
  readonly column?: string;
  readonly cls: PrivClass;
  readonly grants: Grants | undefined;
}

/** TARGET_CLASSES: the privilege class of a GRANT target by its leading keywords (the targets createGrants writes for definition objects). */
const TARGET_CLASSES: readonly (readonly [RegExp, PrivClass])[] = [
  [/^TABLE /, 'table'],
  [/^TYPE /, 'type'],
  [/^FUNCTION /, 'function'],
  [/^FOREIGN (?:DATA WRAPPER|SERVER) /, 'foreign'],
  [/^LANGUAGE /, 'language'],
];

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`;
const ACL_STATEMENT = new RegExp(
  String.raw`^(GRANT|REVOKE)( GRANT OPTION FOR)? ([A-Z]+(?: \(${IDENT}\))?(?:, [A-Z]+(?: \(${IDENT}\))?)*) ON (.+) (?:TO|FROM) (PUBLIC|${IDENT})( WITH GRANT OPTION)?$`,
  's',
);
const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);

/**
 * aclOfStatements reads back the ACLs that createGrants statements give one or more targets (a definition object's
 * GRANT/REVOKE statements, see src/pg/introspect/privileges.ts), PUBLIC's default included, in order of first
 * mention. Undefined when a statement is not of createGrants' shape or the ACL read does not write the same
 * statements again (then the text is not one this reader can take apart).
 */
export function aclOfStatements(stmts: readonly string[]): AclTarget[] | undefined {
  const acls = new Map<string, { target: string; column?: string; cls: PrivClass; stmts: string[] }>();
  for (const s of stmts) {
    const m = ACL_STATEMENT.exec(s);
    if (!m) return undefined;
    const cls = TARGET_CLASSES.find(([re]) => re.test(m[4]!))?.[1];
    const cols = [...m[3]!.matchAll(/\((.+?)\)(?:, |$)/g)].map((x) => unquote(x[1]!));
    if (!cls || (cols.length && (cls !== 'table' || new Set(cols).size !== 1))) return undefined;
    const column = cols[0];
    const key = `${m[4]}\0${column ?? ''}`;
    const acl = acls.get(key) ?? { target: m[4]!, ...(column === undefined ? {} : { column }), cls, stmts: [] };
    acl.stmts.push(s);
    acls.set(key, acl);
  }
  const out: AclTarget[] = [];
  for (const a of acls.values()) {
    const cls = a.column === undefined ? a.cls : 'column';
    const grants = replayAcl(a.stmts, cls);
    const same = (g: Grants | undefined) => createGrants(a.target, cls, g, a.column).join('\n') === a.stmts.join('\n');
    const read = [grants, writtenOutDefault(cls)].find((g) => g !== undefined && same(g));
    if (!read) return undefined;
    out.push({ target: a.target, ...(a.column === undefined ? {} : { column: a.column }), cls, grants: read });
  }
  return out;
}

/** replayAcl runs GRANT/REVOKE statements on the default ACL of `cls` and returns the grants they leave, normalised. */
function replayAcl(stmts: readonly string[], cls: PrivClass): Grants | undefined {
  const acl = new Map<string, Held>();
  for (const [role, list] of Object.entries(effectiveGrants(undefined, cls))) acl.set(role, held(list));
  for (const s of stmts) {
    const m = ACL_STATEMENT.exec(s)!;
    const who = m[5] === 'PUBLIC' ? 'public' : unquote(m[5]!);
    const privs = m[3]!.split(', ').map((p) => p.replace(/ \(.*$/s, '').toLowerCase());
    const expanded = privs.flatMap((p) => (p === 'all' ? [...privilegesOf(cls)] : [p]));
    const h = acl.get(who) ?? held([]);
    for (const p of expanded) {
      const grantable = h.grantable.has(p);
      if (m[1] === 'GRANT' && m[6]) (h.plain.delete(p), h.grantable.add(p));
      else if (m[1] === 'GRANT') {
        if (!grantable) h.plain.add(p);
      } else if (m[2]) {
        if (grantable) (h.grantable.delete(p), h.plain.add(p));
      } else (h.plain.delete(p), h.grantable.delete(p));
    }
    // PostgreSQL appends a grantee it did not hold and drops one left with nothing; the others keep their place
    if (h.plain.size || h.grantable.size) {
      if (!acl.has(who)) acl.set(who, h);
    } else acl.delete(who);
  }
  const raw: Record<string, string[]> = {};
  for (const [role, h] of acl) raw[role] = [...h.plain, ...[...h.grantable].map((p) => `${p}*`)];
  return normalizeGrants(raw, cls);
}
