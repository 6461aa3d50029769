/**
 * Privilege steps. An object's ACL is created with the object (src/sql/ddl.ts writes its GRANTs, so every drop and
 * re-create keeps it); here a change of `grants` alone becomes one GRANT/REVOKE step, and default privileges
 * (ALTER DEFAULT PRIVILEGES) become a revoke step before any object is created and a grant step after all are, so
 * objects this plan creates do not pick up defaults they were not declared with.
 */
import type { AlterChange, Change } from '../model/changes.js';
import {
  assertNever,
  type Column,
  type DefaultPrivilege,
  type Func,
  type Grants,
  type Table,
  type View,
} from '../model/types.js';
import { fragmentKey, sameValue } from '../diff/index.js';
import { serialSequence } from './columns.js';
import {
  defaultGrants,
  defaultPrivilegeClass,
  effectiveGrants,
  NONE,
  normalizePrivileges,
  privilegesOf,
  STANDARD_PUBLIC_OWNER,
  type PrivClass,
} from '../model/privileges.js';
import {
  aclChangeSql,
  createGrants,
  aclResetObjectSql,
  aclResetSql,
  defaultPrivilegeSql,
  granteeSql,
  storageParamsSql,
} from '../sql/grants.js';
import { funcSignature, rel } from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';
import { clusterSteps, replicaSteps } from './cluster.js';

/**
 * defaultAclReset: an object created while default privileges it shares with both sides are in effect starts with
 * their grants, not the class default the ACL it is created with counts from. The REVOKEs that take them back
 * (never from the entry's own role, which creates it), written right after the CREATE; none when the object declares
 * no ACL of its own (then those defaults cannot have applied to it), or when its declared ACL holds all they give
 * (PostgreSQL's ACL is kept then: the GRANTs that follow only add to it). Then ownerBehindPublic.
 */
export function defaultAclReset(
  ctx: PlanContext,
  target: string,
  schema: string,
  on: 'tables' | 'sequences',
  grants: Grants | undefined,
): string[] {
  if (grants === undefined) return [];
  const cls: PrivClass = on === 'tables' ? 'table' : 'sequence';
  const kept = keptDefaults(ctx, schema, on);
  // PostgreSQL's ACL from the defaults in effect is kept when the declared one only adds to it
  if (kept.length && covers(grants, mergedDefaults(kept), cls)) return [];
  return [
    ...defaultAclResetOn(ctx, target, schema, on),
    ...ownerBehindPublic(ctx, target, schema, on, effectiveGrants(grants, cls).public),
  ];
}

/**
 * ownerBehindPublic: an ACL that default privileges give is sorted by grantee (PostgreSQL's get_user_default_acl),
 * PUBLIC before the owner, where GRANTs after a CREATE append behind the owner. When the target's default privileges
 * for a new object of class `on` in `schema` grant PUBLIC something and the object's declared ACL does too (it was
 * made under them), the creator's own entry is taken out and granted again behind PUBLIC's; the GRANTs that follow
 * append the other grantees in their declared order. `pub`: the declared ACL's privileges of PUBLIC.
 */
function ownerBehindPublic(
  ctx: PlanContext,
  target: string,
  schema: string,
  on: 'tables' | 'sequences',
  pub: readonly string[] | undefined,
): string[] {
  const cls: PrivClass = on === 'tables' ? 'table' : 'sequence';
  const all = Object.values(ctx.to.defaultPrivileges ?? {}).filter((e) => applies(e, schema, on));
  if (!pub || !mergedDefaults(all).public?.some((p) => p !== NONE)) return [];
  return [
    `REVOKE ALL ON ${target} FROM CURRENT_USER`,
    ...aclChangeSql(target, cls, {}, { public: pub }),
    `GRANT ALL ON ${target} TO CURRENT_USER`,
  ];
}

/** covers tells whether ACL `g` holds every privilege `d` gives (a grant option where `d` gives one). */
function covers(g: Grants, d: Grants, cls: PrivClass): boolean {
  const expand = (l: readonly string[] | undefined) =>
    new Set(
      normalizePrivileges(l ?? [], cls).flatMap((p) =>
        p === 'all' || p === 'all*' ? privilegesOf(cls).map((x) => (p === 'all*' ? `${x}*` : x)) : [p],
      ),
    );
  const have = effectiveGrants(g, cls);
  return Object.entries(effectiveGrants(d, cls)).every(([r, l]) => {
    const h = expand(have[r]);
    return [...expand(l)].every((p) => h.has(p) || h.has(`${p}*`));
  });
}

/** applies tells whether default-privileges entry `e` applies to a new object of class `on` in `schema`. */
const applies = (e: DefaultPrivilege, schema: string, on: DefaultPrivilege['on']) =>
  e.on === on && (e.schema === undefined || e.schema === schema);

/** keptDefaults lists the default-privileges entries for class `on` in `schema` that both sides hold alike. */
function keptDefaults(ctx: PlanContext, schema: string, on: DefaultPrivilege['on']): DefaultPrivilege[] {
  return Object.entries(ctx.to.defaultPrivileges ?? {})
    .filter(([key, e]) => {
      const f = ctx.from.defaultPrivileges?.[key];
      return applies(e, schema, on) && f !== undefined && fragmentKey(f) === fragmentKey(e);
    })
    .map(([, e]) => e);
}

/**
 * defaultAclResetOn: the statements that bring an object of class `on` created in `schema` from the ACL the default
 * privileges both sides hold give it back to the class default its declared ACL is written from (createGrants,
 * aclChangeSql count from it): a REVOKE from each grantee they give something the class default does not, and a
 * GRANT of the class default's own (PUBLIC's EXECUTE on a routine, USAGE on a type) where that was taken or changed.
 * A grantee already holding just the class default keeps its place in the ACL.
 */
function defaultAclResetOn(ctx: PlanContext, target: string, schema: string, on: DefaultPrivilege['on']): string[] {
  const kept = keptDefaults(ctx, schema, on);
  if (!kept.length) return [];
  const cls = defaultPrivilegeClass(on);
  const base = defaultGrants(cls);
  // what the new object starts with (PostgreSQL's get_user_default_acl): the global entry, or the class default
  // where there is none, merged with the schema's entry
  const start: Record<string, string[]> = {};
  if (!kept.some((e) => e.schema === undefined)) for (const [g, l] of Object.entries(base)) start[g] = [...l];
  for (const e of kept)
    for (const [g, l] of Object.entries(e.grants)) if (g !== e.role) start[g] = [...(start[g] ?? []), ...l];
  const same = (g: string) =>
    start[g] !== undefined &&
    base[g] !== undefined &&
    normalizePrivileges(start[g], cls).join() === normalizePrivileges(base[g], cls).join();
  const revokes = Object.keys(start)
    .filter((g) => !same(g))
    .map((g) => `REVOKE ALL ON ${target} FROM ${granteeSql(g)}`);
  const grants = Object.entries(base)
    .filter(([g]) => !same(g))
    .flatMap(([g, l]) => aclChangeSql(target, cls, {}, { [g]: l }));
  return [...revokes, ...grants];
}

/**
 * mergedDefaults is the ACL default-privileges entries give a new object besides its creator's own entry: every
 * entry's grantees with their privileges joined (PostgreSQL's aclmerge of the global and the schema's entry).
 */
function mergedDefaults(entries: readonly DefaultPrivilege[]): Grants {
  const out: Record<string, string[]> = {};
  for (const e of entries)
    for (const [g, list] of Object.entries(e.grants)) if (g !== e.role) out[g] = [...(out[g] ?? []), ...list];
  return out;
}

/** afterCreate puts defaultAclReset's REVOKEs right after the CREATE statement that opens `sql`. */
export function afterCreate(
  ctx: PlanContext,
  sql: readonly string[],
  target: string,
  schema: string,
  on: 'tables' | 'sequences',
  grants: Grants | undefined,
): string[] {
  const [create, ...rest] = sql;
  return [create!, ...defaultAclReset(ctx, target, schema, on, grants), ...rest];
}

/** CREATED_KINDS: what an ALTER DEFAULT PRIVILEGES class's objects are called in CREATE, by the GRANT target keyword. */
const CREATED_KINDS: Readonly<Record<string, { readonly on: DefaultPrivilege['on']; readonly create: string }>> = {
  FUNCTION: { on: 'functions', create: '(?:FUNCTION|AGGREGATE)' },
  PROCEDURE: { on: 'functions', create: 'PROCEDURE' },
  TYPE: { on: 'types', create: 'TYPE' },
  DOMAIN: { on: 'types', create: 'DOMAIN' },
  SCHEMA: { on: 'schemas', create: 'SCHEMA' },
};
const QNAME = String.raw`(?:"(?:[^"]|"")+"|[^\s."(]+)`;
/** GRANTEES: a GRANT's or REVOKE's grantee list, as granteeSql writes each one (a quoted name may hold spaces and commas). */
const GRANTEES = String.raw`(?:"(?:[^"]|"")+"|[^\s",]+)(?:, (?:"(?:[^"]|"")+"|[^\s",]+))*`;
const ACL_ON = new RegExp(
  String.raw`^(?:GRANT|REVOKE)\b.*? ON (FUNCTION|PROCEDURE|TYPE|DOMAIN|SCHEMA) (.+?) (?:TO|FROM) ${GRANTEES}(?: WITH GRANT OPTION)?$`,
  's',
);

/**
 * defaultAclCreated is defaultAclReset for the routines, types and schemas a step creates (tables, views and
 * sequences get theirs where they are created): when a step creates one and then writes its ACL, the REVOKEs that
 * take back what shared default privileges gave it at CREATE go right before that ACL's first statement.
 */
function defaultAclCreated(ctx: PlanContext, sql: readonly string[]): readonly string[] {
  const out: string[] = [];
  const done = new Set<string>();
  for (const s of sql) {
    const m = ACL_ON.exec(s);
    const kind = m ? CREATED_KINDS[m[1]!] : undefined;
    if (m && kind && !done.has(`${m[1]} ${m[2]}`)) {
      done.add(`${m[1]} ${m[2]}`);
      const target = m[2]!;
      const name = m[1] === 'SCHEMA' ? target : target.replace(/\(.*$/s, '');
      const parts = new RegExp(String.raw`^(?:(${QNAME})\.)?(${QNAME})$`).exec(name);
      const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const created = new RegExp(String.raw`^CREATE (?:OR REPLACE )?${kind.create} ${esc}(?:[\s(]|$)`);
      if (parts && out.some((x) => created.test(x))) {
        const schema = m[1] === 'SCHEMA' ? '' : (parts[1] ?? 'public').replace(/^"(.*)"$/s, '$1').replace(/""/g, '"');
        out.push(...defaultAclResetOn(ctx, `${m[1]} ${target}`, schema, kind.on));
      }
    }
    out.push(s);
  }
  return out;
}

/** applyDefaultAclCreated runs defaultAclCreated over every drafted step, both ways (the entries it reads are the same on both sides). */
export function applyDefaultAclCreated(ctx: PlanContext): void {
  if (!Object.keys(ctx.to.defaultPrivileges ?? {}).length) return;
  for (const [i, d] of ctx.drafts.entries()) {
    const sql = defaultAclCreated(ctx, d.step.sql);
    const reverse = d.step.reverse === null ? null : defaultAclCreated(ctx, d.step.reverse);
    if (sql.length !== d.step.sql.length || reverse?.length !== d.step.reverse?.length)
      ctx.drafts[i] = { ...d, step: { ...d.step, sql, reverse } };
  }
}

/** PHASE_GRANTS runs after every object exists (and after comments), before the late drops. */
const PHASE_GRANTS = PHASE.comment + 0.5;

interface Target {
  readonly sql: string;
  readonly cls: PrivClass;
  readonly key: string;
  readonly label: string;
}

/** privilegeTarget is what GRANT/REVOKE (and ALTER ... OWNER TO) name for an object, its privilege class, dependency key and label. */
export function privilegeTarget(c: AlterChange): Target | undefined {
  switch (c.kind) {
    case 'table':
      return { sql: `TABLE ${rel(c.id)}`, cls: 'table', key: `rel:${bare(c.id)}`, label: `table ${c.id}` };
    case 'view':
      return { sql: `TABLE ${rel(c.id)}`, cls: 'table', key: `rel:${bare(c.id)}`, label: `view ${c.id}` };
    case 'column':
      return {
        sql: `TABLE ${rel(c.table!)}`,
        cls: 'column',
        key: `rel:${bare(c.table!)}`,
        label: `column ${c.table}.${c.id}`,
      };
    case 'sequence':
      return { sql: `SEQUENCE ${rel(c.id)}`, cls: 'sequence', key: `rel:${bare(c.id)}`, label: `sequence ${c.id}` };
    case 'function': {
      const f = c.to as Func;
      const w = f.procedure ? 'PROCEDURE' : 'FUNCTION';
      return {
        sql: `${w} ${funcSignature(f)}`,
        cls: 'function',
        key: `fn:${f.name.toLowerCase()}`,
        label: `${w.toLowerCase()} ${c.id}`,
      };
    }
    case 'enum':
    case 'composite':
      return { sql: `TYPE ${rel(c.id)}`, cls: 'type', key: `type:${bare(c.id)}`, label: `type ${c.id}` };
    case 'domain':
      return { sql: `DOMAIN ${rel(c.id)}`, cls: 'type', key: `type:${bare(c.id)}`, label: `domain ${c.id}` };
    case 'namespace':
      return { sql: `SCHEMA ${quoteIdent(c.id)}`, cls: 'schema', key: `ns:${c.id}`, label: `schema ${c.id}` };
    case 'extension':
    case 'primary_key':
    case 'unique':
    case 'check':
    case 'foreign_key':
    case 'exclusion':
    case 'index':
    case 'trigger':
    case 'policy':
    case 'sql_object':
    case 'unmanaged':
    case 'default_privilege':
      return undefined; // no privileges of their own
    default:
      return assertNever(c);
  }
}

/**
 * absorbedGrants: `ALTER ... OWNER TO` a role that held grants of its own merges them into the owner's entry (PostgreSQL's
 * aclnewowner), where the model keeps none. When alter `c` hands the object to such a role, this is `from`'s ACL as the
 * owner step (which runs first) leaves it, without that role, and the role's own list, which the owner step's reverse
 * grants back once the old owner has the object again. Undefined when the new owner held nothing (or is not named).
 */
export function absorbedGrants(
  c: AlterChange,
  cls: PrivClass,
): { readonly role: string; readonly rest: Grants; readonly own: Grants } | undefined {
  if (c.kind === 'column') return undefined;
  const standard = c.kind === 'namespace' && c.id === 'public' ? STANDARD_PUBLIC_OWNER : undefined;
  const from = c.from as { owner?: string; grants?: Grants };
  const role = (c.to as { owner?: string }).owner ?? standard;
  if (role === undefined || role === (from.owner ?? standard)) return undefined;
  const list = from.grants?.[role];
  if (list === undefined || !list.some((p) => p !== NONE)) return undefined;
  const others = Object.fromEntries(Object.entries(from.grants!).filter(([r]) => r !== role));
  const rest = Object.keys(others).length || !Object.keys(defaultGrants(cls)).length ? others : { public: [NONE] };
  return { role, rest, own: from.grants! };
}

/** viewColumnGrants writes the GRANTs that give view `v`'s columns their privileges (`target`: `TABLE "v"`). */
export function viewColumnGrants(target: string, v: View): string[] {
  return Object.entries(v.columnGrants ?? {}).flatMap(([col, g]) => createGrants(target, 'column', g, col));
}

/** planViewColumnGrants drafts a change of a view's column privileges as one GRANT/REVOKE step. */
function planViewColumnGrants(ctx: PlanContext, id: string, a: View, b: View): void {
  const x = a.columnGrants ?? {};
  const y = b.columnGrants ?? {};
  const cols = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => !sameValue(x[k], y[k]));
  const change = (from: Readonly<Record<string, Grants>>, to: Readonly<Record<string, Grants>>): string[] =>
    cols.flatMap((k) => {
      const sql = aclChangeSql(`TABLE ${rel(id)}`, 'column', from[k], to[k], k);
      // back to no column privileges at all: the column's ACL is reset to NULL too
      return from[k] !== undefined && to[k] === undefined ? [...sql, aclResetSql(rel(id), k)] : sql;
    });
  emit(ctx, {
    phase: PHASE_GRANTS,
    what: `change column privileges on view ${id}`,
    object: id,
    sql: change(x, y),
    reverse: change(y, x),
    requires: [`rel:${bare(id)}`],
  });
}

/**
 * planGrants drafts the privilege steps of `changes` and returns the changes the rest of the planner still has to
 * handle: alters stripped of their `grants` attribute (dropped when nothing else changed), default privileges removed.
 */
export function planGrants(ctx: PlanContext, changes: readonly Change[]): Change[] {
  const rest: Change[] = [];
  for (let c of changes) {
    if (c.kind === 'default_privilege') {
      if (c.op === 'add' || c.op === 'drop' || c.op === 'alter') planDefaultPrivilege(ctx, c);
      continue;
    }
    if (c.op === 'alter' && c.kind === 'table' && c.attrs.some((a) => STORAGE_ATTRS.has(a.attr))) {
      planTableStorage(ctx, c);
      const attrs = c.attrs.filter((a) => !STORAGE_ATTRS.has(a.attr));
      if (!attrs.length) continue;
      c = { ...c, attrs };
    }
    if (c.op === 'alter' && c.kind === 'view' && c.attrs.some((a) => a.attr === 'columnGrants')) {
      planViewColumnGrants(ctx, c.id, c.from, c.to);
      const attrs = c.attrs.filter((a) => a.attr !== 'columnGrants');
      if (!attrs.length) continue;
      c = { ...c, attrs };
    }
    c = planSequenceGrants(ctx, c);
    if (c.op !== 'alter' || !c.attrs.some((a) => a.attr === 'grants')) {
      if (c.op !== 'alter' || c.attrs.length) rest.push(c);
      continue;
    }
    const t = privilegeTarget(c);
    if (t) {
      const col = c.kind === 'column' ? c.id : undefined;
      // the owner step runs first: a new owner's own grants are already part of its entry
      const from = absorbedGrants(c, t.cls)?.rest ?? (c.from as { grants?: Grants }).grants;
      const to = (c.to as { grants?: Grants }).grants;
      // a table-level REVOKE also takes the privilege off every column: the columns' grants are given back
      const keepColumns = (sql: string[], tb: unknown): string[] =>
        !sql.some((x) => x.startsWith('REVOKE'))
          ? sql
          : c.kind === 'table'
            ? [...sql, ...(tb as Table).columns.flatMap((k) => createGrants(t.sql, 'column', k.grants, k.name))]
            : c.kind === 'view'
              ? [...sql, ...viewColumnGrants(t.sql, tb as View)]
              : sql;
      // back to the default: the ACL is reset to NULL as well (see aclResetSql), for relations and columns
      const relName = c.kind === 'column' ? c.table! : c.id;
      const o = c.to as { schema?: string; name: string; identityArgs?: string };
      const resetOne = (): string | undefined =>
        ['table', 'view', 'sequence', 'column'].includes(c.kind)
          ? aclResetSql(rel(relName), col)
          : c.kind === 'function'
            ? aclResetObjectSql('function', o.schema!, o.name, o.identityArgs)
            : c.kind === 'namespace'
              ? aclResetObjectSql('schema', '', c.id)
              : ['enum', 'composite', 'domain'].includes(c.kind)
                ? aclResetObjectSql('type', o.schema!, o.name)
                : undefined;
      const reset = (sql: string[], x: Grants | undefined, y: Grants | undefined): string[] => {
        const r = x !== undefined && y === undefined ? resetOne() : undefined;
        return r === undefined ? sql : [...sql, r];
      };
      emit(ctx, {
        phase: PHASE_GRANTS,
        what: `change privileges on ${t.label}`,
        object: c.table ? `${c.table}.${c.id}` : c.id,
        sql: keepColumns(reset(aclChangeSql(t.sql, t.cls, from, to, col), from, to), c.to),
        reverse: keepColumns(reset(aclChangeSql(t.sql, t.cls, to, from, col), to, from), c.from),
        requires: [t.key],
      });
    }
    const attrs = c.attrs.filter((a) => a.attr !== 'grants');
    if (attrs.length) rest.push({ ...c, attrs } as Change);
  }
  return rest;
}

function planDefaultPrivilege(
  ctx: PlanContext,
  c: Extract<Change, { kind: 'default_privilege'; op: 'add' | 'drop' | 'alter' }>,
): void {
  const from: DefaultPrivilege | undefined = c.op === 'add' ? undefined : c.op === 'drop' ? c.def : c.from;
  const to: DefaultPrivilege | undefined = c.op === 'drop' ? undefined : c.op === 'add' ? c.def : c.to;
  const d = (to ?? from)!;
  const cls = defaultPrivilegeClass(d.on);
  const up = defaultPrivilegeSql(from, to, cls);
  const down = defaultPrivilegeSql(to, from, cls);
  const requires = d.schema === undefined ? [] : [`ns:${d.schema}`];
  emit(ctx, {
    phase: PHASE.rename + 0.9,
    what: `revoke default privileges ${c.id}`,
    object: c.id,
    sql: up.revokes,
    reverse: down.grants,
  });
  emit(ctx, {
    phase: PHASE_GRANTS + 0.1,
    what: `grant default privileges ${c.id}`,
    object: c.id,
    sql: up.grants,
    reverse: down.revokes,
    requires,
  });
}

const STORAGE_ATTRS = new Set(['with', 'replicaIdentity', 'replicaIdentityIndex', 'tablespace', 'clusterOn']);

/** planTableStorage drafts the steps of changed storage parameters, replica identity and CLUSTER ON index of a table. */
function planTableStorage(ctx: PlanContext, c: AlterChange & { kind: 'table' }): void {
  const a = c.from;
  const b = c.to;
  const T = rel(c.id);
  if (c.attrs.some((x) => x.attr === 'with'))
    emit(ctx, {
      phase: PHASE.alterTable,
      what: `set storage parameters of table ${c.id}`,
      object: c.id,
      sql: storageParamsSql('TABLE', T, a.with, b.with),
      reverse: storageParamsSql('TABLE', T, b.with, a.with),
    });
  if (c.attrs.some((x) => x.attr === 'tablespace'))
    emit(ctx, {
      phase: PHASE.alterTable,
      what: `move table ${c.id} to tablespace ${b.tablespace ?? 'pg_default'}`,
      object: c.id,
      sql: [`ALTER TABLE ${T} SET TABLESPACE ${quoteIdent(b.tablespace ?? 'pg_default')}`],
      reverse: [`ALTER TABLE ${T} SET TABLESPACE ${quoteIdent(a.tablespace ?? 'pg_default')}`],
    });
  if (c.attrs.some((x) => x.attr === 'replicaIdentity' || x.attr === 'replicaIdentityIndex')) {
    const { sql, reverse } = replicaSteps(c.id, a, b);
    emit(ctx, {
      phase: PHASE.addIndex + 0.5, // after the index it may use exists
      what: `set replica identity of table ${c.id}`,
      object: c.id,
      sql,
      reverse,
      requires: [`rel:${bare(c.id)}`, `ixon:${c.id}`],
    });
  }
  if (c.attrs.some((x) => x.attr === 'clusterOn')) {
    const { sql, reverse } = clusterSteps(c.id, a, b);
    emit(ctx, {
      phase: PHASE.addIndex + 0.5, // after the index it marks exists
      what:
        b.clusterOn === undefined ? `set table ${c.id} without cluster` : `set table ${c.id} cluster on ${b.clusterOn}`,
      object: c.id,
      sql,
      reverse,
      requires: [`rel:${bare(c.id)}`, `ixon:${c.id}`],
    });
  }
}

/** ownSequence is the qualified name of the sequence a serial or identity column owns (`<table>_<column>_seq`). */
function ownSequence(table: string, c: Column | undefined): string | undefined {
  return c && (c.serial || c.identity) ? serialSequence(table, c.name) : undefined;
}

/**
 * sequenceGrantSteps drafts the ACL change of the sequences the columns own, from `a` to `b` (columns by name): a
 * grant after every object exists where the sequence is there after, or a revoke before anything is dropped.
 */
function sequenceGrantSteps(ctx: PlanContext, table: string, a: readonly Column[], b: readonly Column[]): void {
  for (const name of new Set([...a, ...b].map((c) => c.name))) {
    const ca = a.find((c) => c.name === name);
    const cb = b.find((c) => c.name === name);
    const [sa, sb] = [ownSequence(table, ca), ownSequence(table, cb)];
    const [ga, gb] = [sa ? ca?.sequenceGrants : undefined, sb ? cb?.sequenceGrants : undefined];
    if (fragmentKey(ga ?? null) === fragmentKey(gb ?? null)) continue;
    const late = sb !== undefined; // the sequence exists after the change: grant once everything is created
    const seq = (sb ?? sa)!;
    // back to the default ACL: reset to NULL too, as for every relation (see aclResetSql)
    // a sequence a created column makes is created under the default privileges in effect, as a table is
    const schema = ctx.to.tables[table]?.schema;
    const kept = schema === undefined ? [] : keptDefaults(ctx, schema, 'sequences');
    const made =
      sa === undefined && schema !== undefined && !(kept.length && gb && covers(gb, mergedDefaults(kept), 'sequence'))
        ? ownerBehindPublic(ctx, `SEQUENCE ${seq}`, schema, 'sequences', gb && effectiveGrants(gb, 'sequence').public)
        : [];
    const change = (to: Grants | undefined, from: Grants | undefined): string[] => [
      ...(to === gb ? made : []),
      ...aclChangeSql(`SEQUENCE ${seq}`, 'sequence', from, to),
      ...(to === undefined && from !== undefined ? [aclResetSql(seq)] : []),
    ];
    emit(ctx, {
      phase: late ? PHASE_GRANTS : PHASE.rename + 0.95,
      what: `change privileges on sequence ${seq} of ${table}.${name}`,
      object: `${table}.${name}`,
      sql: change(late ? gb : undefined, ga),
      reverse: change(ga, late ? gb : undefined),
      requires: [`rel:${bare(table)}`],
    });
  }
}

/**
 * planSequenceGrants drafts the sequence ACL steps of a table or column change (created, dropped or changed serial
 * and identity columns) and returns the change without its `sequenceGrants` attribute.
 */
function planSequenceGrants(ctx: PlanContext, c: Change): Change {
  if (c.kind === 'table' && (c.op === 'add' || c.op === 'drop')) {
    const cols = c.def.columns;
    sequenceGrantSteps(ctx, c.id, c.op === 'drop' ? cols : [], c.op === 'add' ? cols : []);
  } else if (c.kind === 'column' && (c.op === 'add' || c.op === 'drop')) {
    const col = [c.def as Column];
    sequenceGrantSteps(ctx, c.table!, c.op === 'drop' ? col : [], c.op === 'add' ? col : []);
  } else if (c.kind === 'column' && c.op === 'alter') {
    const [a, b] = [c.from as Column, c.to as Column];
    if (
      fragmentKey(a.sequenceGrants ?? null) !== fragmentKey(b.sequenceGrants ?? null) ||
      !!(a.serial || a.identity) !== !!(b.serial || b.identity)
    )
      sequenceGrantSteps(ctx, c.table!, [a], [b]);
    return { ...c, attrs: c.attrs.filter((x) => x.attr !== 'sequenceGrants') };
  }
  return c;
}
