/**
 * From drafts to the model: resolve references (FK targets, owned_by, trigger functions), check that every name
 * points at something that exists, fill in PostgreSQL's default names, and report duplicates with both places.
 */
import type { SqlObject, Unmanaged } from '../model/objects.js';
import { assignDefaultNames, viewNamingTable, type NamingTable } from '../canon/names.js';
import { parseQid, qid } from '../model/ids.js';
import type {
  CheckConstraint,
  Column,
  CompositeType,
  DefaultPrivilege,
  Domain,
  EnumType,
  ExclusionConstraint,
  Extension,
  ForeignKey,
  Func,
  Index,
  Namespace,
  Policy,
  PrimaryKey,
  Schema,
  Sequence,
  Table,
  Trigger,
  UniqueConstraint,
  View,
} from '../model/types.js';
import type { Ctx, Node } from './node.js';
import type { Defined, DraftDomain, DraftFunc, DraftSequence, DraftView } from './objects.js';
import type { DraftTable } from './drafts.js';
import {
  checkClusterOn,
  checkReplicaIndex,
  checkTable,
  checkKeyNames,
  checkTriggerFunction,
  checkType,
  resolveOwnedBy,
} from './references.js';

/** Collected holds every object parsed from all files, keyed by id, before resolution. */
export interface Collected {
  extensions: Map<string, Defined<Extension>>;
  schemas: Map<string, Defined<Namespace>>;
  enums: Map<string, Defined<EnumType>>;
  composites: Map<string, Defined<CompositeType>>;
  domains: Map<string, DraftDomain>;
  sequences: Map<string, DraftSequence>;
  tables: Map<string, DraftTable>;
  views: Map<string, DraftView>;
  functions: Map<string, DraftFunc>;
  objects: Map<string, Defined<SqlObject>>;
  unmanaged: Map<string, Defined<Unmanaged>>;
  defaultPrivileges: Map<string, Defined<DefaultPrivilege>>;
}

/** newCollected makes an empty Collected. */
export function newCollected(): Collected {
  return {
    extensions: new Map(),
    schemas: new Map(),
    enums: new Map(),
    composites: new Map(),
    domains: new Map(),
    sequences: new Map(),
    tables: new Map(),
    views: new Map(),
    functions: new Map(),
    objects: new Map(),
    unmanaged: new Map(),
    defaultPrivileges: new Map(),
  };
}

/** modelOf copies a draft into a model object: every defined key except the parser's locations. */
function modelOf<T>(d: object): T {
  const out: Record<string, unknown> = {};
  for (const k in d) {
    if (k === 'at' || k === 'refAt' || k === 'refParts') continue;
    const v = (d as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/** buildSchema resolves and checks the collected drafts and returns the model (issues go to ctx). */
export function buildSchema(ctx: Ctx, c: Collected): Schema {
  const declared = checkSchemas(ctx, c);
  const claim = namespaces(ctx, c);
  resolveTypeNames(c);
  for (const d of c.domains.values()) checkType(ctx, declared, d.type, d.typeAt);
  for (const e of c.composites.values()) for (const a of e.obj.attributes) checkType(ctx, declared, a.type, e.at);
  for (const t of c.tables.values()) checkTable(ctx, c, t, declared);
  for (const v of c.views.values()) for (const tr of v.triggers) checkTriggerFunction(ctx, c, tr);
  for (const s of c.sequences.values()) resolveOwnedBy(ctx, c, s);
  nameDefaults(c);
  for (const t of c.tables.values()) checkKeyNames(ctx, c, t);
  for (const t of c.tables.values()) (checkClusterOn(ctx, t), checkReplicaIndex(ctx, t));
  const tables: Record<string, Table> = {};
  for (const [id, t] of c.tables) tables[id] = tableModel(ctx, id, t, claim);
  const views: Record<string, View> = {};
  for (const [id, v] of c.views) {
    for (const i of v.indexes) claim('rels', qid(v.schema, i.name!), 'index', i.at);
    const { at: _a, indexes, triggers, ...rest } = v;
    views[id] = {
      ...rest,
      ...(indexes.length ? { indexes: byName(indexes.map((i) => modelOf<Index>(i))) } : {}),
      ...(triggers.length ? { triggers: byName(triggers.map((tr) => modelOf<Trigger>(tr))) } : {}),
    };
  }
  const domains: Record<string, Domain> = {};
  for (const [id, d] of c.domains) {
    const { at: _a, typeAt: _t, checks, ...rest } = d;
    const seen = new Map<string, Node>();
    for (const k of checks) {
      const prev = seen.get(k.name!);
      if (prev)
        ctx.error('duplicate-object', k.at, `domain \`${id}\` has two checks named \`${k.name}\``, undefined, prev);
      seen.set(k.name!, k.at);
    }
    domains[id] = { ...rest, checks: byName(checks.map((k) => modelOf<Domain['checks'][string]>(k))) };
  }
  const sequences: Record<string, Sequence> = {};
  for (const [id, s] of c.sequences) {
    const { at: _a, ownedAt: _o, ownedParts: _p, ...rest } = s;
    sequences[id] = rest;
  }
  const functions: Record<string, Func> = {};
  for (const [id, f] of c.functions) {
    const { at: _a, declaredArgs: _d, ...rest } = f;
    functions[id] = rest;
  }
  const objs = <T>(m: Map<string, Defined<T>>): Record<string, T> =>
    Object.fromEntries([...m].map(([k, v]) => [k, v.obj]));
  return {
    kind: 'schema',
    extensions: objs(c.extensions),
    schemas: objs(c.schemas),
    enums: objs(c.enums),
    composites: objs(c.composites),
    domains,
    sequences,
    tables,
    views,
    functions,
    ...(c.objects.size ? { objects: objs(c.objects) } : {}),
    ...(c.unmanaged.size ? { unmanaged: objs(c.unmanaged) } : {}),
    ...(c.defaultPrivileges.size ? { defaultPrivileges: objs(c.defaultPrivileges) } : {}),
  };
}

/** checkSchemas reports objects in an undeclared schema and returns the declared schemas. */
function checkSchemas(ctx: Ctx, c: Collected): Set<string> {
  const declared = new Set(['public', ...c.schemas.keys()]);
  for (const e of c.extensions.values()) if (e.obj.schema) declared.add(e.obj.schema);
  const needSchema = (schema: string, at: Node, kind: string, id: string): void => {
    if (!declared.has(schema))
      ctx.error(
        'missing-schema',
        at,
        `${kind} \`${id}\` is in schema \`${schema}\`, which is not declared`,
        `add \`schemas: [${schema}]\``,
      );
  };
  for (const e of c.extensions.values())
    if (e.obj.schema && !c.schemas.has(e.obj.schema) && e.obj.schema !== 'public')
      ctx.error(
        'missing-schema',
        e.at,
        `extension \`${e.obj.name}\` goes into schema \`${e.obj.schema}\`, which is not declared`,
        `add \`schemas: [${e.obj.schema}]\``,
      );
  for (const [id, e] of c.defaultPrivileges)
    if (e.obj.schema !== undefined) needSchema(e.obj.schema, e.at, 'default privileges', id);
  for (const [id, e] of c.enums) needSchema(e.obj.schema, e.at, 'enum', id);
  for (const [id, e] of c.composites) needSchema(e.obj.schema, e.at, 'composite type', id);
  for (const [id, d] of c.domains) needSchema(d.schema, d.at, 'domain', id);
  for (const [id, s] of c.sequences) needSchema(s.schema, s.at, 'sequence', id);
  for (const [id, t] of c.tables) needSchema(t.schema, t.at, 'table', id);
  for (const [id, v] of c.views) needSchema(v.schema, v.at, 'view', id);
  for (const [id, f] of c.functions) needSchema(f.schema, f.at, 'function', id);
  return declared;
}

/** Claim records a name in one of a schema's namespaces, reporting a clash with the object already there. */
type Claim = (space: 'rels' | 'types', id: string, kind: string, at: Node) => void;

/** namespaces claims every relation and type name (one namespace for each per schema, as in pg_class / pg_type). */
function namespaces(ctx: Ctx, c: Collected): Claim {
  // one namespace for relations, one for types, per schema (as in pg_class / pg_type)
  const rels = new Map<string, { kind: string; at: Node }>();
  const types = new Map<string, { kind: string; at: Node }>();
  const claim = (space: Map<string, { kind: string; at: Node }>, id: string, kind: string, at: Node): void => {
    const prev = space.get(id);
    if (prev)
      ctx.error(
        'duplicate-object',
        at,
        `${kind} \`${id}\` has the same name as ${prev.kind} \`${id}\``,
        'PostgreSQL keeps these in one namespace; rename one of them',
        prev.at,
      );
    else space.set(id, { kind, at });
  };
  for (const [id, t] of c.tables) (claim(rels, id, 'table', t.at), claim(types, id, 'table', t.at));
  for (const [id, v] of c.views) (claim(rels, id, 'view', v.at), claim(types, id, 'view', v.at));
  for (const [id, s] of c.sequences) claim(rels, id, 'sequence', s.at);
  for (const [id, e] of c.enums) claim(types, id, 'enum', e.at);
  for (const [id, e] of c.composites) claim(types, id, 'composite type', e.at);
  for (const [id, d] of c.domains) claim(types, id, 'domain', d.at);
  return (space, id, kind, at) => claim(space === 'rels' ? rels : types, id, kind, at);
}

/** resolveTypeNames makes `type: Status` name the enum `Status` when one is declared (YAML names are exact; SQL would fold the case). */
function resolveTypeNames(c: Collected): void {
  const declaredTypes = new Set([
    ...c.enums.keys(),
    ...c.composites.keys(),
    ...c.domains.keys(),
    ...c.tables.keys(),
    ...c.views.keys(),
  ]);
  const exactType = (type: string, at: Node | undefined): string => {
    const raw = at && at.t === 'scalar' && typeof at.value === 'string' ? at.value.trim() : undefined;
    if (!raw || !/[A-Z]/.test(raw)) return type;
    const arr = /(\[\s*\d*\s*\])+$/.exec(raw);
    const base = arr ? raw.slice(0, arr.index).trim() : raw;
    const suffix = type.endsWith('[]') ? '[]' : '';
    if (declaredTypes.has(type.slice(0, type.length - suffix.length))) return type;
    const q = parseQid(base);
    const id = q ? qid(q.schema, q.name) : undefined;
    return id !== undefined && declaredTypes.has(id) ? id + suffix : type;
  };
  for (const t of c.tables.values())
    for (const col of t.columns) col.type = exactType(col.type, t.typeAt.get(col.name));
  for (const d of c.domains.values()) d.type = exactType(d.type, d.typeAt);
}

/** nameDefaults fills in PostgreSQL's default names of constraints, indexes, domain checks and sequences. */
function nameDefaults(c: Collected): void {
  const naming: NamingTable[] = [...c.tables.values()].map((t) => ({
    schema: t.schema,
    name: t.name,
    columns: t.columns,
    primaryKey: t.primaryKey,
    uniques: t.uniques,
    checks: t.checks,
    foreignKeys: t.foreignKeys,
    exclusions: t.exclusions,
    indexes: t.indexes,
  }));
  for (const v of c.views.values()) if (v.indexes.length) naming.push(viewNamingTable(v, v.indexes));
  assignDefaultNames(naming, [...c.domains.values()], [...c.sequences.values(), ...c.views.values()]);
}

/** tableModel checks a table's constraint names (per table) and index names (per schema) and returns its model. */
function tableModel(ctx: Ctx, id: string, t: DraftTable, claim: Claim): Table {
  const cons = new Map<string, Node>();
  const con = (name: string, at: Node): void => {
    const prev = cons.get(name);
    if (prev)
      ctx.error(
        'duplicate-object',
        at,
        `table \`${id}\` has two constraints named \`${name}\``,
        'constraint names are unique per table; rename one',
        prev,
      );
    else cons.set(name, at);
  };
  const relName = (name: string, at: Node): void => claim('rels', qid(t.schema, name), 'index', at);
  if (t.primaryKey) (con(t.primaryKey.name!, t.primaryKey.at), relName(t.primaryKey.name!, t.primaryKey.at));
  for (const u of t.uniques) (con(u.name!, u.at), relName(u.name!, u.at));
  for (const x of t.exclusions) (con(x.name!, x.at), relName(x.name!, x.at));
  for (const k of t.checks) con(k.name!, k.at);
  for (const f of t.foreignKeys) con(f.name!, f.at);
  for (const i of t.indexes) relName(i.name!, i.at);
  return {
    kind: 'table',
    schema: t.schema,
    name: t.name,
    columns: t.columns as Column[],
    ...(t.primaryKey ? { primaryKey: modelOf<PrimaryKey>(t.primaryKey) } : {}),
    uniques: byName(t.uniques.map((u) => modelOf<UniqueConstraint>(u))),
    checks: byName(t.checks.map((k) => modelOf<CheckConstraint>(k))),
    foreignKeys: byName(
      t.foreignKeys
        .filter((f) => f.refTable !== undefined && f.refColumns !== undefined)
        .map((f) => modelOf<ForeignKey>(f)),
    ),
    exclusions: byName(t.exclusions.map((x) => modelOf<ExclusionConstraint>(x))),
    indexes: byName(t.indexes.map((i) => modelOf<Index>(i))),
    triggers: byName(t.triggers.map((tr) => modelOf<Trigger>(tr))),
    policies: byName(t.policies.map((p) => modelOf<Policy>(p))),
    ...t.rest,
  };
}

/** byName keys a list by name (the first of a name wins). */
function byName<T extends { name: string }>(list: readonly T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const x of list) if (!(x.name in out)) out[x.name] = x;
  return out;
}
