/**
 * From drafts to the model: resolve references (FK targets, owned_by, trigger functions), check that every name
 * points at something that exists, fill in PostgreSQL's default names, and report duplicates with both places.
 */
import type { SqlObject, Unmanaged } from '../model/objects.js';
import { assignDefaultNames, type NamingTable } from '../canon/names.js';
import { typeSchema } from '../canon/types.js';
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
import type { Draft, DraftFk, DraftTable } from './drafts.js';

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

  // `type: Status` names the enum `Status` when one is declared (YAML names are exact; SQL would fold the case)
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

  const checkType = (type: string, at: Node | undefined): void => {
    const s = typeSchema(type);
    if (s !== undefined && !declared.has(s))
      ctx.error(
        'missing-reference',
        at,
        `type \`${type}\` is in schema \`${s}\`, which is declared nowhere`,
        `declare the schema (\`schemas: [${s}]\`) and the type, or fix the spelling`,
      );
  };
  for (const d of c.domains.values()) checkType(d.type, d.typeAt);
  for (const e of c.composites.values()) for (const a of e.obj.attributes) checkType(a.type, e.at);

  // tables: references and columns
  for (const t of c.tables.values()) {
    const cols = new Set(t.columns.map((x) => x.name));
    const needCols = (list: readonly string[] | undefined, at: Node, what: string): void => {
      for (const col of list ?? []) {
        if (!cols.has(col) && !t.rest.partitionOf && !t.rest.inherits) {
          ctx.error(
            'missing-column',
            at,
            `${what} names column \`${col}\`, which table \`${t.id}\` does not have`,
            hint(col, [...cols]),
          );
        }
      }
    };
    for (const col of t.columns) checkType(col.type, t.typeAt.get(col.name));
    for (const extra of t.extraPrimaryKeys)
      ctx.error(
        'duplicate-primary-key',
        extra,
        `table \`${t.id}\` has more than one primary key`,
        'a table has one primary key; for a composite key write `primary_key: [a, b]` on the table',
        t.primaryKey?.at,
      );
    if (t.primaryKey) {
      needCols(t.primaryKey.columns, t.primaryKey.at, 'the primary key');
      needCols(t.primaryKey.include, t.primaryKey.at, 'the primary key');
      dupCols(ctx, t.primaryKey.columns, t.primaryKey.at, 'the primary key');
    }
    for (const u of t.uniques) {
      needCols(u.columns, u.at, 'a unique constraint');
      needCols(u.include, u.at, 'a unique constraint');
      dupCols(ctx, u.columns, u.at, 'a unique constraint');
    }
    for (const x of t.exclusions)
      needCols(
        [...x.elements.flatMap((e) => (e.column ? [e.column] : [])), ...(x.include ?? [])],
        x.at,
        'an exclusion constraint',
      );
    for (const i of t.indexes)
      needCols([...i.elements.flatMap((e) => (e.column ? [e.column] : [])), ...(i.include ?? [])], i.at, 'an index');
    for (const tr of t.triggers) needCols(tr.updateOf, tr.at, `trigger \`${tr.name}\``);
    for (const fk of t.foreignKeys) {
      needCols(fk.columns, fk.at, 'a foreign key');
      resolveFk(ctx, c, t, fk);
    }
    if (t.rest.partitionOf && !c.tables.has(t.rest.partitionOf.parent)) {
      ctx.error(
        'missing-reference',
        t.partitionParentAt,
        `table \`${t.id}\` is a partition of \`${t.rest.partitionOf.parent}\`, which is not declared`,
        hint(t.rest.partitionOf.parent, [...c.tables.keys()]),
      );
    }
    for (const p of t.rest.inherits ?? []) {
      if (!c.tables.has(p))
        ctx.error(
          'missing-reference',
          t.inheritsAt,
          `table \`${t.id}\` inherits \`${p}\`, which is not declared`,
          hint(p, [...c.tables.keys()]),
        );
    }
    for (const tr of t.triggers) checkTriggerFunction(ctx, c, tr);
    if (t.primaryKey) {
      const pk = new Set(t.primaryKey.columns);
      for (const col of t.columns) if (pk.has(col.name)) col.nullable = false;
    }
  }
  for (const v of c.views.values()) for (const tr of v.triggers) checkTriggerFunction(ctx, c, tr);
  for (const s of c.sequences.values()) {
    if (!s.ownedParts) continue;
    const p = s.ownedParts;
    const table = p.length === 2 ? qid('public', p[0]!) : qid(p[0]!, p[1]!);
    const column = p[p.length - 1]!;
    const t = c.tables.get(table);
    if (!t)
      ctx.error(
        'missing-reference',
        s.ownedAt,
        `sequence \`${qid(s.schema, s.name)}\` is owned by table \`${table}\`, which is not declared`,
        hint(table, [...c.tables.keys()]),
      );
    else if (!t.columns.some((x) => x.name === column))
      ctx.error(
        'missing-column',
        s.ownedAt,
        `sequence \`${qid(s.schema, s.name)}\` is owned by \`${table}.${column}\`, but the table has no such column`,
      );
    else s.ownedBy = { table, column };
  }

  // default names
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
  for (const v of c.views.values()) {
    if (v.indexes.length)
      naming.push({
        schema: v.schema,
        name: v.name,
        columns: (v.columns ?? []).map((name) => ({ name })),
        uniques: [],
        checks: [],
        foreignKeys: [],
        exclusions: [],
        indexes: v.indexes,
      });
  }
  assignDefaultNames(naming, [...c.domains.values()], [...c.sequences.values(), ...c.views.values()]);

  // schema-wide index names (pg_class) and per-table constraint names (pg_constraint)
  const tables: Record<string, Table> = {};
  for (const [id, t] of c.tables) {
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
    const relName = (name: string, at: Node): void => claim(rels, qid(t.schema, name), 'index', at);
    if (t.primaryKey) (con(t.primaryKey.name!, t.primaryKey.at), relName(t.primaryKey.name!, t.primaryKey.at));
    for (const u of t.uniques) (con(u.name!, u.at), relName(u.name!, u.at));
    for (const x of t.exclusions) (con(x.name!, x.at), relName(x.name!, x.at));
    for (const k of t.checks) con(k.name!, k.at);
    for (const f of t.foreignKeys) con(f.name!, f.at);
    for (const i of t.indexes) relName(i.name!, i.at);
    tables[id] = {
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
  const views: Record<string, View> = {};
  for (const [id, v] of c.views) {
    for (const i of v.indexes) claim(rels, qid(v.schema, i.name!), 'index', i.at);
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

function byName<T extends { name: string }>(list: readonly T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const x of list) if (!(x.name in out)) out[x.name] = x;
  return out;
}

function dupCols(ctx: Ctx, cols: readonly string[], at: Node, what: string): void {
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c)) ctx.error('duplicate-column', at, `${what} lists column \`${c}\` twice`);
    seen.add(c);
  }
}

/** hint suggests the closest existing name. */
function hint(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = lev(name, c);
    if (d < bestD) ((best = c), (bestD = d));
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3))
    ? `did you mean \`${best}\`?`
    : undefined;
}

function lev(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 5) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

const BUILTIN_TRIGGER_FUNCTIONS = new Set([
  'tsvector_update_trigger',
  'tsvector_update_trigger_column',
  'suppress_redundant_updates_trigger',
]);

function checkTriggerFunction(ctx: Ctx, c: Collected, tr: Draft<Trigger>): void {
  const fn = tr.function;
  if (fn.startsWith('pg_catalog.') || BUILTIN_TRIGGER_FUNCTIONS.has(fn)) return;
  for (const f of c.functions.values()) if (qid(f.schema, f.name) === fn) return;
  if (c.extensions.size > 0) return; // may come from an extension
  ctx.error(
    'missing-reference',
    tr.at,
    `trigger \`${tr.name}\` calls function \`${fn}\`, which is not declared`,
    hint(
      fn,
      [...c.functions.values()].map((f) => qid(f.schema, f.name)),
    ) ?? 'declare it under `functions:`',
  );
}

function resolveFk(ctx: Ctx, c: Collected, t: DraftTable, fk: DraftFk): void {
  if (fk.refParts) {
    const p = fk.refParts;
    if (p.length === 1) fk.refTable = qid('public', p[0]!);
    else if (p.length === 3) {
      fk.refTable = qid(p[0]!, p[1]!);
      fk.refColumns = [p[2]!];
    } else {
      const asTableCol = qid('public', p[0]!);
      const asTable = qid(p[0]!, p[1]!);
      const tc = c.tables.get(asTableCol);
      if (tc && tc.columns.some((x) => x.name === p[1])) {
        fk.refTable = asTableCol;
        fk.refColumns = [p[1]!];
      } else if (c.tables.has(asTable)) fk.refTable = asTable;
      else {
        fk.refTable = asTableCol;
        fk.refColumns = [p[1]!];
      }
    }
    fk.refParts = undefined;
  }
  const target = fk.refTable === undefined ? undefined : c.tables.get(fk.refTable);
  if (!target) {
    ctx.error(
      'missing-reference',
      fk.refAt,
      `foreign key of table \`${t.id}\` references table \`${fk.refTable}\`, which is not declared`,
      hint(fk.refTable ?? '', [...c.tables.keys()]),
    );
    fk.refColumns = undefined;
    return;
  }
  if (fk.refColumns === undefined) {
    if (!target.primaryKey) {
      ctx.error(
        'missing-primary-key',
        fk.refAt,
        `foreign key of table \`${t.id}\` references \`${fk.refTable}\` without columns, but that table has no primary key`,
        'name the referenced columns',
      );
      return;
    }
    fk.refColumns = [...target.primaryKey.columns];
  }
  const tcols = new Set(target.columns.map((x) => x.name));
  for (const col of fk.refColumns) {
    if (!tcols.has(col) && !target.rest.partitionOf)
      ctx.error(
        'missing-column',
        fk.refAt,
        `foreign key of table \`${t.id}\` references \`${fk.refTable}.${col}\`, which does not exist`,
        hint(col, [...tcols]),
      );
  }
  if (fk.refColumns.length !== fk.columns.length) {
    ctx.error(
      'fk-column-count',
      fk.refAt,
      `foreign key of table \`${t.id}\` has ${fk.columns.length} column(s) but references ${fk.refColumns.length}`,
      'list as many referenced columns as referencing ones',
    );
  }
}
