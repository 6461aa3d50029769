/**
 * The source schema as it is once the renames have run: objects keyed by their new ids, references (FK targets,
 * column lists) following them, and expression text rewritten token by token (PostgreSQL does the same to its
 * stored expressions when it renames). The renames themselves are found in ./renames.ts.
 */
import { sqlObjectKey, type SqlObject } from '../model/objects.js';
import { parseQid } from '../model/ids.js';
import {
  assertNever,
  type Column,
  type Default,
  type EnumType,
  type Index,
  type Schema,
  type Table,
  type View,
} from '../model/types.js';
import { identifiersOf, moveRelations, renameIdentifiers, renameStringLiterals, type Move } from './sqltext.js';
import type { RenameSet } from './renames.js';

function renameKey<T>(rec: Readonly<Record<string, T>>, from: string, to: string, fix: (v: T) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(rec)) out[k === from ? to : k] = k === from ? fix(v) : v;
  return out;
}

const bareName = (id: string): string => parseQid(id)?.name ?? id;
const schemaName = (id: string): string => parseQid(id)?.schema ?? 'public';

/** Renamed holds the name maps of one rename set, and the source's relations and enums re-keyed by new id. */
interface Renamed {
  tables: Record<string, Table>;
  views: Record<string, View>;
  enums: Record<string, EnumType>;
  /** textMap: bare old name -> new name, for expression and query text. */
  readonly textMap: Map<string, string>;
  /** typeMap: old enum id -> new enum id. */
  readonly typeMap: Map<string, string>;
  readonly tableIdMap: Map<string, string>;
  /** valueMaps: enum id -> old value -> new value. */
  readonly valueMaps: Map<string, Map<string, string>>;
  /** colMaps: table id -> old column name -> new one. */
  readonly colMaps: Map<string, Map<string, string>>;
}

/**
 * applyRenames rewrites `from` as it is after the renames have run: objects keyed by their new ids, references
 * (FK targets, column lists) following them, and expression text rewritten token by token (PostgreSQL does
 * the same to its stored expressions when it renames).
 */
export function applyRenames(from: Schema, renames: RenameSet): Schema {
  if (renames.changes.length === 0 && renames.values.length === 0) return from;
  const r = renamedMaps(from, renames);
  const { textMap, tableIdMap, colMaps } = r;
  const mapType = typeMapper(r);
  const out: Record<string, Table> = {};
  const tableRenamed = new Set([...tableIdMap.values()]);
  const subRenamed = new Set(renames.changes.filter((c) => c.table).map((c) => c.table!));
  const mentions = mentionsRenamed(r);
  for (const [id, t0] of Object.entries(r.tables)) {
    if (!tableRenamed.has(id) && !subRenamed.has(id) && !mentions(t0)) {
      out[id] = t0;
      continue;
    }
    out[id] = rewriteTable(r, id, renameTableParts(t0, id, renames));
  }
  renameKeyNames(out, renames);
  const tables = out;
  const { views, colText } = renameInViews(r, tables, renames);
  const enums = r.enums;
  const sequences = Object.fromEntries(
    Object.entries(from.sequences).map(([k, s]) => {
      if (!s.ownedBy) return [k, s];
      const tid = tableIdMap.get(s.ownedBy.table) ?? s.ownedBy.table;
      const cm = colMaps.get(tid);
      return [k, { ...s, ownedBy: { table: tid, column: cm?.get(s.ownedBy.column) ?? s.ownedBy.column } }];
    }),
  );
  const domains = Object.fromEntries(
    Object.entries(from.domains).map(([k, d]) => [k, { ...d, type: mapType(d.type) }]),
  );
  const composites = Object.fromEntries(
    Object.entries(from.composites).map(([k, c]) => [
      k,
      { ...c, attributes: c.attributes.map((a) => ({ ...a, type: mapType(a.type) })) },
    ]),
  );
  const objects = from.objects ? renameObjects(from.objects, textMap, colText) : undefined;
  return { ...from, tables, views, enums, sequences, domains, composites, ...(objects ? { objects } : {}) };
}

/** renamedMaps re-keys renamed tables, views and enums, renames enum values, and collects the name maps. */
function renamedMaps(from: Schema, renames: RenameSet): Renamed {
  const tables: Record<string, Table> = { ...from.tables };
  const views: Record<string, View> = { ...from.views };
  const enums: Record<string, EnumType> = { ...from.enums };
  const textMap = new Map<string, string>(); // bare old name -> new name, for view queries
  const typeMap = new Map<string, string>(); // old enum id -> new enum id
  const tableIdMap = new Map<string, string>();
  for (const r of renames.changes) {
    if (r.kind === 'table') {
      const t = tables[r.fromId]!;
      delete tables[r.fromId];
      tables[r.id] = { ...t, schema: schemaName(r.id), name: bareName(r.id) };
      tableIdMap.set(r.fromId, r.id);
      textMap.set(bareName(r.fromId), bareName(r.id));
    } else if (r.kind === 'view') {
      const v = views[r.fromId]!;
      delete views[r.fromId];
      views[r.id] = { ...v, schema: schemaName(r.id), name: bareName(r.id) };
      textMap.set(bareName(r.fromId), bareName(r.id));
    } else if (r.kind === 'enum') {
      const e = enums[r.fromId]!;
      delete enums[r.fromId];
      enums[r.id] = { ...e, schema: schemaName(r.id), name: bareName(r.id) };
      typeMap.set(r.fromId, r.id);
      textMap.set(bareName(r.fromId), bareName(r.id));
    }
  }
  const valueMaps = new Map<string, Map<string, string>>();
  for (const v of renames.values) {
    const e = enums[v.enumId]!;
    enums[v.enumId] = { ...e, values: e.values.map((x) => (x === v.from ? v.to : x)) };
    if (!valueMaps.has(v.enumId)) valueMaps.set(v.enumId, new Map());
    valueMaps.get(v.enumId)!.set(v.from, v.to);
  }
  // per-table column renames and constraint/index renames
  const colMaps = new Map<string, Map<string, string>>();
  for (const r of renames.changes) {
    if (r.kind === 'column') {
      if (!colMaps.has(r.table!)) colMaps.set(r.table!, new Map());
      colMaps.get(r.table!)!.set(r.fromId, r.id);
    }
  }
  return { tables, views, enums, textMap, typeMap, tableIdMap, valueMaps, colMaps };
}

/** typeMapper maps a type (an array of one too) to the renamed enum's new id. */
function typeMapper(r: Renamed): (type: string) => string {
  return (type) => {
    const arr = /(\\[\\])+$/.exec(type)?.[0] ?? '';
    const base = arr ? type.slice(0, -arr.length) : type;
    const to = r.typeMap.get(base);
    return to ? to + arr : type;
  };
}

/** mentionsRenamed tells whether a table refers to anything renamed (and so must be rewritten). */
function mentionsRenamed(r: Renamed): (t: Table) => boolean {
  const { textMap, typeMap, tableIdMap, valueMaps, colMaps } = r;
  const words = [
    ...textMap.keys(),
    ...[...colMaps.values()].flatMap((m) => [...m.keys()]),
    ...[...tableIdMap.keys()].map(bareName),
  ];
  return (t: Table): boolean => {
    for (const f of Object.values(t.foreignKeys))
      if (tableIdMap.has(f.refTable) || colMaps.has(f.refTable)) return true;
    if (t.partitionOf && tableIdMap.has(t.partitionOf.parent)) return true;
    if (t.inherits?.some((p) => tableIdMap.has(p))) return true;
    for (const c of t.columns) {
      const base = c.type.endsWith(']') ? c.type.replace(/(\[\])+$/, '') : c.type;
      if (typeMap.has(base) || valueMaps.has(base)) return true;
    }
    if (!words.length) return false;
    const has = (x: string | undefined) => x !== undefined && words.some((w) => x.includes(w));
    for (const c of t.columns)
      if (has(c.generated) || (c.default && 'sql' in c.default && has(c.default.sql))) return true;
    for (const c of Object.values(t.checks)) if (has(c.expression)) return true;
    for (const ix of Object.values(t.indexes))
      if (has(ix.where) || ix.elements.some((e) => has(e.expression))) return true;
    for (const x of Object.values(t.exclusions))
      if (has(x.where) || x.elements.some((e) => has(e.expression))) return true;
    for (const p of Object.values(t.policies)) if (has(p.using) || has(p.withCheck)) return true;
    for (const tr of Object.values(t.triggers)) if (has(tr.when)) return true;
    return false;
  };
}

/** renameKeyNames moves a partition's `keyNames` entry to the new name of its parent's renamed primary key or unique constraint. */
function renameKeyNames(tables: Record<string, Table>, renames: RenameSet): void {
  const keys = renames.changes.filter((c) => (c.kind === 'primary_key' || c.kind === 'unique') && c.table);
  if (keys.length === 0) return;
  for (const [id, t] of Object.entries(tables)) {
    if (!t.keyNames || !t.partitionOf) continue;
    let names: Record<string, string> | undefined;
    for (const c of keys) {
      if (c.table !== t.partitionOf.parent || t.keyNames[c.fromId] === undefined) continue;
      names ??= { ...t.keyNames };
      names[c.id] = t.keyNames[c.fromId]!;
      delete names[c.fromId];
    }
    if (names) tables[id] = { ...t, keyNames: names };
  }
}

/** renameTableParts renames the keyed parts (indexes, keys, checks, foreign keys, exclusions) of table `id`. */
function renameTableParts(t0: Table, id: string, renames: RenameSet): Table {
  let t = t0;
  for (const r of renames.changes) {
    if (r.table !== id) continue;
    switch (r.kind) {
      case 'index':
        t = { ...t, indexes: renameKey(t.indexes, r.fromId, r.id, (x) => ({ ...x, name: r.id })) };
        break;
      case 'primary_key':
        t = { ...t, primaryKey: t.primaryKey ? { ...t.primaryKey, name: r.id } : t.primaryKey };
        break;
      case 'unique':
        t = { ...t, uniques: renameKey(t.uniques, r.fromId, r.id, (x) => ({ ...x, name: r.id })) };
        break;
      case 'check':
        t = { ...t, checks: renameKey(t.checks, r.fromId, r.id, (x) => ({ ...x, name: r.id })) };
        break;
      case 'foreign_key':
        t = { ...t, foreignKeys: renameKey(t.foreignKeys, r.fromId, r.id, (x) => ({ ...x, name: r.id })) };
        break;
      case 'exclusion':
        t = { ...t, exclusions: renameKey(t.exclusions, r.fromId, r.id, (x) => ({ ...x, name: r.id })) };
        break;
      case 'column':
      case 'table':
      case 'view':
      case 'enum':
        break; // not a keyed table part: handled above
      default:
        assertNever(r);
    }
    // an index keeps its marks (CLUSTER ON, REPLICA IDENTITY) when it (or the key or exclusion it backs) is renamed
    if (r.kind !== 'column' && r.kind !== 'check' && r.kind !== 'foreign_key') {
      if (t.clusterOn === r.fromId) t = { ...t, clusterOn: r.id };
      if (t.replicaIdentity === 'index' && t.replicaIdentityIndex === r.fromId)
        t = { ...t, replicaIdentityIndex: r.id };
    }
  }
  return t;
}

/** mapObj maps the values of a record. */
const mapObj = <T>(rec: Readonly<Record<string, T>>, f: (v: T) => T): Record<string, T> =>
  Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, f(v)]));

/** rewriteTable makes a table's columns, types, defaults, constraints, indexes, triggers and policies follow the renames. */
function rewriteTable(r: Renamed, id: string, t: Table): Table {
  const { textMap, tableIdMap, colMaps } = r;
  const mapType = typeMapper(r);
  const fixDefault = defaultFixer(r);
  const cm = colMaps.get(id) ?? new Map<string, string>();
  const exprMap = new Map([...textMap, ...cm]);
  const rx = (s: string): string => renameIdentifiers(s, exprMap);
  const col = (c: string): string => cm.get(c) ?? c;
  const cols = (cs: readonly string[] | undefined) => cs?.map(col);
  const fixIndex = (ix: Index): Index => ({
    ...ix,
    elements: ix.elements.map((e) => ({
      ...e,
      ...(e.column ? { column: col(e.column) } : {}),
      ...(e.expression ? { expression: rx(e.expression) } : {}),
    })),
    ...(ix.include ? { include: cols(ix.include) } : {}),
    ...(ix.where ? { where: rx(ix.where) } : {}),
  });
  const columns: Column[] = t.columns.map((c) => {
    const type = mapType(c.type);
    const nc: Column = { ...c, name: col(c.name), type };
    const d = fixDefault(c.default, type);
    const withDefault = d ? { ...nc, default: d } : nc;
    return c.generated ? { ...withDefault, generated: rx(c.generated) } : withDefault;
  });
  return {
    ...t,
    columns,
    ...(t.primaryKey
      ? {
          primaryKey: {
            ...t.primaryKey,
            columns: cols(t.primaryKey.columns)!,
            ...(t.primaryKey.include ? { include: cols(t.primaryKey.include) } : {}),
          },
        }
      : {}),
    uniques: mapObj(t.uniques, (u) => ({
      ...u,
      columns: cols(u.columns)!,
      ...(u.include ? { include: cols(u.include) } : {}),
    })),
    checks: mapObj(t.checks, (c) => ({ ...c, expression: rx(c.expression) })),
    foreignKeys: mapObj(t.foreignKeys, (f) => {
      const ref = tableIdMap.get(f.refTable) ?? f.refTable;
      const refCm = colMaps.get(ref);
      return {
        ...f,
        columns: cols(f.columns)!,
        refTable: ref,
        refColumns: refCm ? f.refColumns.map((c) => refCm.get(c) ?? c) : f.refColumns,
      };
    }),
    exclusions: mapObj(t.exclusions, (x) => ({
      ...x,
      elements: x.elements.map((e) => ({
        ...e,
        ...(e.column ? { column: col(e.column) } : {}),
        ...(e.expression ? { expression: rx(e.expression) } : {}),
      })),
      ...(x.where ? { where: rx(x.where) } : {}),
    })),
    indexes: mapObj(t.indexes, fixIndex),
    triggers: mapObj(t.triggers, (tr) => ({
      ...tr,
      ...(tr.updateOf ? { updateOf: cols(tr.updateOf) } : {}),
      ...(tr.when ? { when: rx(tr.when) } : {}),
    })),
    policies: mapObj(t.policies, (p) => ({
      ...p,
      ...(p.using ? { using: rx(p.using) } : {}),
      ...(p.withCheck ? { withCheck: rx(p.withCheck) } : {}),
    })),
    ...(t.partitionOf
      ? { partitionOf: { ...t.partitionOf, parent: tableIdMap.get(t.partitionOf.parent) ?? t.partitionOf.parent } }
      : {}),
    ...(t.inherits ? { inherits: t.inherits.map((p) => tableIdMap.get(p) ?? p) } : {}),
  };
}

/** defaultFixer rewrites a column default: renamed names in its expression, renamed enum values in its literals. */
function defaultFixer(r: Renamed): (d: Default | undefined, type: string) => Default | undefined {
  const retext = (s: string): string => renameIdentifiers(s, r.textMap);
  return (d, type) => {
    if (!d) return d;
    const baseType = type.replace(/(\\[\\])+$/, '');
    const vm = r.valueMaps.get(baseType);
    if ('literal' in d)
      return vm && typeof d.literal === 'string' && vm.has(d.literal) ? { literal: vm.get(d.literal)! } : d;
    let sql = retext(d.sql);
    if (vm) sql = renameStringLiterals(sql, vm);
    return { sql };
  };
}

/**
 * renameInViews rewrites view queries: relations moved to another schema qualified, renamed enum values in the
 * literals of views over their tables, renamed names (and the columns of the tables a view mentions).
 */
function renameInViews(
  r: Renamed,
  tables: Readonly<Record<string, Table>>,
  renames: RenameSet,
): { views: Record<string, View>; colText: Map<string, Map<string, string>> } {
  const { textMap, valueMaps, colMaps } = r;
  // column renames inside view text: only for views that mention the renamed column's table
  const colText = new Map<string, Map<string, string>>();
  for (const [tid, cm] of colMaps) colText.set(bareName(tid), cm);
  // relations that moved to another schema are referred to qualified; enum value renames reach view literals
  const moves = new Map<string, Move>();
  for (const r of renames.changes) {
    if ((r.kind === 'table' || r.kind === 'view') && schemaName(r.fromId) !== schemaName(r.id)) {
      moves.set(bareName(r.fromId), {
        oldSchema: schemaName(r.fromId),
        schema: schemaName(r.id),
        name: bareName(r.id),
      });
      textMap.delete(bareName(r.fromId));
    }
  }
  const enumTables = new Map<string, string[]>(); // enum id -> bare names of tables with a column of it
  for (const [tid, t] of Object.entries(tables)) {
    for (const c of t.columns) {
      const base = c.type.replace(/(\[\])+$/, '');
      if (valueMaps.has(base)) enumTables.set(base, [...(enumTables.get(base) ?? []), bareName(tid).toLowerCase()]);
    }
  }
  const views = Object.fromEntries(
    Object.entries(r.views).map(([k, v0]) => {
      let v = v0;
      if (moves.size) v = { ...v, query: moveRelations(v.query, moves) };
      for (const [e, vm] of valueMaps) {
        const ids = identifiersOf(v.query);
        if ((enumTables.get(e) ?? []).some((t) => ids.has(t))) v = { ...v, query: renameStringLiterals(v.query, vm) };
      }
      const m = new Map(textMap);
      for (const [tname, cm] of colText)
        if (new RegExp(`\\b${escapeRe(tname)}\\b`, 'i').test(v.query)) for (const [a, b] of cm) m.set(a, b);
      if (![...m.keys()].some((w) => v.query.toLowerCase().includes(w.toLowerCase()))) return [k, v];
      return [k, { ...v, query: renameIdentifiers(v.query, m) }];
    }),
  );
  return { views, colText };
}

/**
 * renameObjects rewrites definition objects as PostgreSQL leaves them after the renames: the names in their key
 * and CREATE text follow renamed relations and types, and the columns of renamed tables they mention.
 */
function renameObjects(
  objects: Readonly<Record<string, SqlObject>>,
  textMap: ReadonlyMap<string, string>,
  colText: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Record<string, SqlObject> {
  const out: Record<string, SqlObject> = {};
  for (const [k, o] of Object.entries(objects)) {
    const m = new Map(textMap);
    for (const [tname, cm] of colText)
      if (new RegExp(`\\b${escapeRe(tname)}\\b`, 'i').test(o.sql)) for (const [a, b] of cm) m.set(a, b);
    const low = (o.sql + ' ' + o.name).toLowerCase();
    if (![...m.keys()].some((w) => low.includes(w.toLowerCase()))) {
      out[k] = o;
      continue;
    }
    const name = renameIdentifiers(o.name, textMap);
    out[sqlObjectKey(o.type, name)] = { ...o, name, sql: renameIdentifiers(o.sql, m) };
  }
  return out;
}

/** escapeRe escapes a name for use inside a regular expression. */
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
