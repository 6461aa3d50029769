/**
 * `grants:` on objects and columns, and the top-level `default_privileges:` list.
 *
 *   grants:
 *     app_reader: [select]                      # a list of privileges
 *     app_admin: all                            # every privilege of the object's class
 *     auditor: { privileges: [select], with_grant_option: true }
 *     public: []                                # on a function or type: PUBLIC's default taken away; alone on a
 *                                               # table, sequence or schema: the default ACL written out, not NULL
 *
 *   default_privileges:
 *     - { role: app_owner, schema: app, on: tables, grants: { app_reader: [select] } }
 */
import {
  defaultPrivilegeClass,
  defaultPrivilegeId,
  normalizeGrants,
  normalizePrivileges,
  NONE,
  PRIVILEGES,
  type PrivClass,
  writtenOutDefault,
} from '../model/privileges.js';
import type { DefaultPrivilege, Grants } from '../model/types.js';
import { KEYS } from './keys.js';
import type { Ctx, Keyed, Node } from './node.js';

const ON = ['tables', 'sequences', 'functions', 'types', 'schemas'] as const;

/** readPrivilegeList reads one grantee's privileges: a list, `all`, or `{ privileges, with_grant_option }`. */
function readPrivilegeList(ctx: Ctx, n: Node, cls: PrivClass, what: string): string[] | undefined {
  let listNode = n;
  let option: boolean | string[] = false;
  if (n.t === 'map') {
    const k = ctx.keys(n, KEYS.grant, what);
    const p = k.get('privileges');
    if (!p) {
      ctx.error(
        'missing-key',
        n,
        `${what} needs \`privileges\``,
        'e.g. `{ privileges: [select], with_grant_option: true }`',
      );
      return undefined;
    }
    listNode = p.value;
    const o = k.get('with_grant_option');
    if (o)
      option =
        o.value.t === 'seq'
          ? (ctx.texts(o.value, '`with_grant_option`') ?? [])
          : (ctx.bool(o.value, '`with_grant_option`') ?? false);
  }
  const list =
    listNode.t === 'scalar' && listNode.value !== null ? [ctx.text(listNode, what)] : ctx.texts(listNode, what);
  if (!list || list.some((x) => x === undefined)) return undefined;
  const allowed = [...PRIVILEGES[cls], 'all'];
  const out: string[] = [];
  for (const raw of list as string[]) {
    const p = raw
      .trim()
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .replace(/^all privileges$/, 'all');
    if (!allowed.includes(p)) {
      ctx.error(
        'invalid-value',
        listNode,
        `${what}: \`${raw}\` is not a privilege of a ${cls}`,
        `a ${cls} has ${allowed.join(', ')}`,
      );
      continue;
    }
    const grantable = option === true || (Array.isArray(option) && option.map((x) => x.toLowerCase()).includes(p));
    out.push(grantable ? `${p}*` : p);
  }
  return out;
}

/** readGrantsNode reads a grants map (role -> privileges) into its normal form. */
export function readGrantsNode(ctx: Ctx, n: Node, cls: PrivClass, what: string): Grants | undefined {
  if (n.t === 'scalar' && n.value === null) return undefined;
  const m = ctx.map(n, `\`grants\` of ${what}`);
  if (!m) return undefined;
  const out: Record<string, string[]> = {};
  for (const e of m.entries) {
    const role = e.key === 'PUBLIC' ? 'public' : ctx.name(e.keyNode, `a grantee of ${what}`);
    if (role === undefined) continue;
    const list = readPrivilegeList(ctx, e.value, cls, `privileges of \`${role}\` on ${what}`);
    if (!list) continue;
    if (list.length === 0 && role === 'public') out[role] = [NONE];
    else out[role] = normalizePrivileges(list, cls);
  }
  const g = normalizeGrants(out, cls);
  // `public: []` alone on a table, sequence or schema, or PUBLIC's default privilege alone on a function or type
  // (`public: [execute]`): the default ACL written out (not NULL)
  return g === undefined && out['public']?.length ? writtenOutDefault(cls) : g;
}

/** readGrants reads the optional `grants:` entry of an object or column. */
export function readGrants(ctx: Ctx, k: Keyed, cls: PrivClass, what: string): Grants | undefined {
  const e = k.get('grants');
  return e ? readGrantsNode(ctx, e.value, cls, what) : undefined;
}

/**
 * readOwner reads the optional `owner:` of an object (a role; absent = the owner is not managed). PUBLIC owns
 * nothing, so `owner: public` is refused.
 */
export function readOwner(ctx: Ctx, k: Keyed, what: string): string | undefined {
  const e = k.get('owner');
  if (!e) return undefined;
  const role = ctx.name(e.value, `\`owner\` of ${what}`);
  if (role !== undefined && role.toLowerCase() === 'public') {
    ctx.error(
      'invalid-value',
      e.value,
      `\`owner\` of ${what} cannot be PUBLIC`,
      'name the role that owns it, or remove `owner`',
    );
    return undefined;
  }
  return role;
}

/**
 * readTablespace reads the optional `tablespace:` of a table, index or materialized view; `pg_default` is the
 * database's default (what PostgreSQL records as none when the database uses it), so it reads as absent.
 */
export function readTablespace(ctx: Ctx, k: Keyed, what: string): string | undefined {
  const e = k.get('tablespace');
  if (!e) return undefined;
  const ts = ctx.name(e.value, `\`tablespace\` of ${what}`);
  return ts === 'pg_default' ? undefined : ts;
}

/** parseDefaultPrivileges reads the top-level `default_privileges:` list; `add` reports duplicates. */
export function parseDefaultPrivileges(
  ctx: Ctx,
  n: Node,
  add: (id: string, at: Node, d: DefaultPrivilege) => void,
): void {
  if (n.t === 'scalar' && n.value === null) return;
  const seq = ctx.seq(n, '`default_privileges`');
  if (!seq) return;
  for (const item of seq.items) {
    const m = ctx.map(item, 'an entry of `default_privileges`');
    if (!m) continue;
    const k = ctx.keys(m, KEYS.defaultPrivilege, 'an entry of `default_privileges`');
    const roleE = k.get('role');
    const onE = k.get('on');
    if (!roleE || !onE) {
      ctx.error(
        'missing-key',
        m,
        'an entry of `default_privileges` needs `role` and `on`',
        'e.g. `{ role: app_owner, on: tables, grants: { app_reader: [select] } }` (role: whose new objects get them)',
      );
      continue;
    }
    const role = ctx.name(roleE.value, '`role`');
    const on = ctx.oneOf(onE.value, ON, '`on`');
    const schemaE = k.get('schema');
    const schema = schemaE ? ctx.name(schemaE.value, '`schema`') : undefined;
    if (role === undefined || on === undefined || (schemaE && schema === undefined)) continue;
    if (schema !== undefined && on === 'schemas') {
      ctx.error(
        'invalid-value',
        schemaE!.value,
        'default privileges `on: schemas` cannot name a `schema`',
        'remove `schema`',
      );
      continue;
    }
    const cls = defaultPrivilegeClass(on);
    const g = k.get('grants');
    const raw = g ? readRawGrants(ctx, g.value, cls, schema === undefined ? role : undefined) : {};
    if (raw === undefined) continue;
    // IN SCHEMA entries only add privileges; a global entry is the whole default ACL like an object's grants
    const grants =
      schema === undefined
        ? normalizeGrants(raw, cls, undefined, role)
        : Object.fromEntries(Object.entries(raw).filter(([, l]) => l.length && l[0] !== NONE));
    if (grants === undefined || Object.keys(grants).length === 0) {
      ctx.error(
        'invalid-value',
        m,
        `default privileges of \`${role}\` on ${on} equal PostgreSQL's default`,
        'list the grants that differ from the default, or remove the entry',
      );
      continue;
    }
    const d: DefaultPrivilege = {
      kind: 'default_privilege',
      role,
      ...(schema === undefined ? {} : { schema }),
      on,
      grants,
    };
    add(defaultPrivilegeId(role, schema, on), item, d);
  }
}

/** readRawGrants reads a default-privileges entry's grants; `owner`'s `[]` (a global entry's role) is `none`, as PUBLIC's. */
function readRawGrants(ctx: Ctx, n: Node, cls: PrivClass, owner?: string): Record<string, string[]> | undefined {
  const m = ctx.map(n, '`grants` of default privileges');
  if (!m) return undefined;
  const out: Record<string, string[]> = {};
  for (const e of m.entries) {
    const role = e.key === 'PUBLIC' ? 'public' : ctx.name(e.keyNode, 'a grantee');
    if (role === undefined) continue;
    const list = readPrivilegeList(ctx, e.value, cls, `privileges of \`${role}\``);
    if (list)
      out[role] = list.length === 0 && (role === 'public' || role === owner) ? [NONE] : normalizePrivileges(list, cls);
  }
  return out;
}

const STORAGE_PARAMS = { key: 'with', noun: 'storage parameter', example: 'fillfactor: 70' };

/** OPCLASS_PARAMS is how readStorageParams names an index key's `opclass_params`. */
export const OPCLASS_PARAMS = { key: 'opclass_params', noun: 'operator class parameter', example: 'siglen: 100' };

/**
 * readStorageParams reads `with: { fillfactor: 70, ... }` into PostgreSQL's spelling (numbers as written); `kind`
 * names other parameter lists of that form (an operator class's `opclass_params: { siglen: 100 }`).
 */
export function readStorageParams(
  ctx: Ctx,
  n: Node,
  what: string,
  kind: { key: string; noun: string; example: string } = STORAGE_PARAMS,
): Record<string, string> | undefined {
  const m = ctx.map(n, `\`${kind.key}\` of ${what}`);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const e of m.entries) {
    const key = e.key.trim().toLowerCase();
    if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(key)) {
      ctx.error('invalid-name', e.keyNode, `\`${e.key}\` is not a ${kind.noun} name`, `e.g. \`${kind.example}\``);
      continue;
    }
    const v = e.value;
    if (v.t !== 'scalar' || v.value === null) {
      ctx.error('invalid-value', v, `${kind.noun} \`${key}\` needs a value`, `e.g. \`${kind.example}\``);
      continue;
    }
    out[key] = typeof v.value === 'string' ? v.value : v.source.trim();
  }
  return Object.keys(out).length ? out : undefined;
}

/** readReplicaIdentity reads `replica_identity: default | full | nothing | { index: name }`. */
export function readReplicaIdentity(
  ctx: Ctx,
  n: Node,
): { replicaIdentity?: 'full' | 'nothing' | 'index'; replicaIdentityIndex?: string } {
  if (n.t === 'map') {
    const k = ctx.keys(n, KEYS.replicaIdentity, '`replica_identity`');
    const e = k.get('index');
    const index = e ? ctx.name(e.value, '`replica_identity.index`') : undefined;
    if (!e)
      ctx.error('missing-key', n, '`replica_identity` as a map needs `index`', 'e.g. `{ index: users_email_key }`');
    return index === undefined ? {} : { replicaIdentity: 'index', replicaIdentityIndex: index };
  }
  const v = ctx.oneOf(n, ['default', 'full', 'nothing'] as const, '`replica_identity`');
  return v === 'full' || v === 'nothing' ? { replicaIdentity: v } : {};
}
