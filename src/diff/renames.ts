/**
 * Renames: read `renamedFrom` hints of the target schema, keep the ones that apply (the source has the old
 * name and not the new one) and rewrite the source schema as it will be once those renames have run.
 * Never guesses: an object without a hint is never considered renamed.
 */
import { sqlObjectKey, type SqlObject } from '../model/objects.js';
import type { RenameChange } from '../model/changes.js';
import { parseQid, qid, splitId } from '../model/ids.js';
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

/** EnumValueRename is one applied enum value rename. */
export interface EnumValueRename {
  readonly enumId: string;
  readonly from: string;
  readonly to: string;
}

/** RenameSet is every rename that applies between two schemas. */
export interface RenameSet {
  readonly changes: readonly RenameChange[];
  readonly values: readonly EnumValueRename[];
}

/** hintId resolves a `renamedFrom` hint of an object in `schema` to the old object id (unqualified = same schema). */
function hintId(schema: string, hint: string): string | undefined {
  const parts = splitId(hint);
  if (!parts) return qid(schema, hint);
  if (parts.length === 1) return qid(schema, parts[0]!);
  if (parts.length === 2) return qid(parts[0]!, parts[1]!);
  return undefined;
}

/** findRenames lists the renames `to`'s hints ask for that apply to `from`. */
export function findRenames(from: Schema, to: Schema): RenameSet {
  const changes: RenameChange[] = [];
  const values: EnumValueRename[] = [];
  const tableMap = new Map<string, string>(); // new id -> old id
  for (const [id, t] of Object.entries(to.tables)) {
    if (!t.renamedFrom) continue;
    const old = hintId(t.schema, t.renamedFrom);
    if (old && old !== id && from.tables[old] && !from.tables[id]) {
      changes.push({ op: 'rename', kind: 'table', id, fromId: old });
      tableMap.set(id, old);
    }
  }
  for (const [id, v] of Object.entries(to.views)) {
    if (!v.renamedFrom) continue;
    const old = hintId(v.schema, v.renamedFrom);
    if (
      old &&
      old !== id &&
      from.views[old] &&
      !from.views[id] &&
      !!from.views[old]!.materialized === !!v.materialized
    ) {
      changes.push({ op: 'rename', kind: 'view', id, fromId: old });
    }
  }
  const enumMap = new Map<string, string>();
  for (const [id, e] of Object.entries(to.enums)) {
    let oldId = id;
    if (e.renamedFrom) {
      const old = hintId(e.schema, e.renamedFrom);
      if (old && old !== id && from.enums[old] && !from.enums[id]) {
        changes.push({ op: 'rename', kind: 'enum', id, fromId: old });
        enumMap.set(id, old);
        oldId = old;
      }
    }
    const fe = from.enums[oldId];
    if (fe && e.valueRenames) {
      for (const [nv, ov] of Object.entries(e.valueRenames)) {
        if (nv !== ov && fe.values.includes(ov) && !fe.values.includes(nv))
          values.push({ enumId: id, from: ov, to: nv });
      }
    }
  }
  for (const [id, t] of Object.entries(to.tables)) {
    const ft = from.tables[tableMap.get(id) ?? id];
    if (!ft || (!tableMap.has(id) && !hasHints(t))) continue;
    const fromCols = new Set(ft.columns.map((c) => c.name));
    for (const c of t.columns) {
      if (c.renamedFrom && c.renamedFrom !== c.name && fromCols.has(c.renamedFrom) && !fromCols.has(c.name)) {
        changes.push({ op: 'rename', kind: 'column', table: id, id: c.name, fromId: c.renamedFrom });
      }
    }
    const fromIdx = ft.indexes;
    for (const [name, ix] of Object.entries(t.indexes)) {
      if (ix.renamedFrom && ix.renamedFrom !== name && fromIdx[ix.renamedFrom] && !fromIdx[name]) {
        changes.push({ op: 'rename', kind: 'index', table: id, id: name, fromId: ix.renamedFrom });
      }
    }
    const fromCons = constraintNames(ft);
    const cons: {
      kind: 'primary_key' | 'unique' | 'check' | 'foreign_key' | 'exclusion';
      name: string;
      renamedFrom?: string;
    }[] = [
      ...(t.primaryKey
        ? [{ kind: 'primary_key' as const, name: t.primaryKey.name, renamedFrom: t.primaryKey.renamedFrom }]
        : []),
      ...Object.values(t.uniques).map((c) => ({ kind: 'unique' as const, name: c.name, renamedFrom: c.renamedFrom })),
      ...Object.values(t.checks).map((c) => ({ kind: 'check' as const, name: c.name, renamedFrom: c.renamedFrom })),
      ...Object.values(t.foreignKeys).map((c) => ({
        kind: 'foreign_key' as const,
        name: c.name,
        renamedFrom: c.renamedFrom,
      })),
      ...Object.values(t.exclusions).map((c) => ({
        kind: 'exclusion' as const,
        name: c.name,
        renamedFrom: c.renamedFrom,
      })),
    ];
    for (const c of cons) {
      if (
        c.renamedFrom &&
        c.renamedFrom !== c.name &&
        fromCons.get(c.renamedFrom) === c.kind &&
        !fromCons.has(c.name)
      ) {
        changes.push({ op: 'rename', kind: c.kind, table: id, id: c.name, fromId: c.renamedFrom });
      }
    }
    // names PostgreSQL derived from a renamed table or column follow the rename (people_pkey -> users_pkey)
    const oldTable = parseQid(ft === from.tables[id] ? id : tableMap.get(id)!)?.name ?? '';
    const newTable = t.name;
    const colRenames = changes
      .filter((r) => r.op === 'rename' && r.kind === 'column' && r.table === id)
      .map((r) => [r.fromId, r.id] as const);
    if (oldTable !== newTable || colRenames.length) {
      const derive = (name: string): string => {
        let n = name.startsWith(`${oldTable}_`) ? `${newTable}_${name.slice(oldTable.length + 1)}` : name;
        for (const [a, b] of colRenames) n = n.replace(new RegExp(`_${escapeRe(a)}(?=_)`, 'g'), `_${b}`);
        return n;
      };
      const toCons = constraintNames(t);
      const taken = new Set(
        changes.filter((r) => r.op === 'rename' && r.table === id).flatMap((r) => [r.id, r.fromId]),
      );
      for (const [name, kind] of fromCons) {
        const nn = derive(name);
        if (
          nn === name ||
          taken.has(name) ||
          taken.has(nn) ||
          toCons.has(name) ||
          fromCons.has(nn) ||
          toCons.get(nn) !== kind
        )
          continue;
        changes.push({ op: 'rename', kind: kind as 'unique', table: id, id: nn, fromId: name });
      }
      for (const name of Object.keys(ft.indexes)) {
        const nn = derive(name);
        if (nn === name || taken.has(name) || taken.has(nn) || t.indexes[name] || ft.indexes[nn] || !t.indexes[nn])
          continue;
        changes.push({ op: 'rename', kind: 'index', table: id, id: nn, fromId: name });
      }
    }
  }
  return { changes, values };
}

/** hasHints tells whether any part of a table carries a `renamedFrom` hint. */
function hasHints(t: Table): boolean {
  if (t.columns.some((c) => c.renamedFrom) || t.primaryKey?.renamedFrom) return true;
  for (const m of [t.indexes, t.uniques, t.checks, t.foreignKeys, t.exclusions] as Readonly<
    Record<string, { renamedFrom?: string }>
  >[]) {
    for (const k in m) if (m[k]!.renamedFrom) return true;
  }
  return false;
}

/** constraintNames maps each constraint name of a table to its kind. */
function constraintNames(t: Table): Map<string, string> {
  const m = new Map<string, string>();
  if (t.primaryKey) m.set(t.primaryKey.name, 'primary_key');
  for (const n of Object.keys(t.uniques)) m.set(n, 'unique');
  for (const n of Object.keys(t.checks)) m.set(n, 'check');
  for (const n of Object.keys(t.foreignKeys)) m.set(n, 'foreign_key');
  for (const n of Object.keys(t.exclusions)) m.set(n, 'exclusion');
  return m;
}

function renameKey<T>(rec: Readonly<Record<string, T>>, from: string, to: string, fix: (v: T) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(rec)) out[k === from ? to : k] = k === from ? fix(v) : v;
  return out;
}

const bareName = (id: string): string => parseQid(id)?.name ?? id;
const schemaName = (id: string): string => parseQid(id)?.schema ?? 'public';

/**
 * applyRenames rewrites `from` as it is after the renames have run: objects keyed by their new ids, references
 * (FK targets, column lists) following them, and expression text rewritten token by token (PostgreSQL does
 * the same to its stored expressions when it renames).
 */
export function applyRenames(from: Schema, renames: RenameSet): Schema {
  if (renames.changes.length === 0 && renames.values.length === 0) return from;
  let tables: Record<string, Table> = { ...from.tables };
  let views: Record<string, View> = { ...from.views };
  let enums: Record<string, EnumType> = { ...from.enums };
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
  const mapType = (type: string): string => {
    const arr = /(\[\])+$/.exec(type)?.[0] ?? '';
    const base = arr ? type.slice(0, -arr.length) : type;
    const to = typeMap.get(base);
    return to ? to + arr : type;
  };
  const retext = (s: string): string => renameIdentifiers(s, textMap);
  const fixDefault = (d: Default | undefined, type: string): Default | undefined => {
    if (!d) return d;
    const baseType = type.replace(/(\[\])+$/, '');
    const vm = valueMaps.get(baseType);
    if ('literal' in d)
      return vm && typeof d.literal === 'string' && vm.has(d.literal) ? { literal: vm.get(d.literal)! } : d;
    let sql = retext(d.sql);
    if (vm) sql = renameStringLiterals(sql, vm);
    return { sql };
  };
  // per-table column renames and constraint/index renames
  const colMaps = new Map<string, Map<string, string>>();
  for (const r of renames.changes) {
    if (r.kind === 'column') {
      if (!colMaps.has(r.table!)) colMaps.set(r.table!, new Map());
      colMaps.get(r.table!)!.set(r.fromId, r.id);
    }
  }
  const out: Record<string, Table> = {};
  const tableRenamed = new Set([...tableIdMap.values()]);
  const subRenamed = new Set(renames.changes.filter((r) => r.table).map((r) => r.table!));
  const words = [
    ...textMap.keys(),
    ...[...colMaps.values()].flatMap((m) => [...m.keys()]),
    ...[...tableIdMap.keys()].map(bareName),
  ];
  const mentions = (t: Table): boolean => {
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
  for (const [id, t0] of Object.entries(tables)) {
    if (!tableRenamed.has(id) && !subRenamed.has(id) && !mentions(t0)) {
      out[id] = t0;
      continue;
    }
    let t = t0;
    const cm = colMaps.get(id) ?? new Map<string, string>();
    const exprMap = new Map([...textMap, ...cm]);
    const rx = (s: string): string => renameIdentifiers(s, exprMap);
    const col = (c: string): string => cm.get(c) ?? c;
    const cols = (cs: readonly string[] | undefined) => cs?.map(col);
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
    }
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
    const mapObj = <T>(rec: Readonly<Record<string, T>>, f: (v: T) => T): Record<string, T> =>
      Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, f(v)]));
    t = {
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
    out[id] = t;
  }
  tables = out;
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
  views = Object.fromEntries(
    Object.entries(views).map(([k, v0]) => {
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

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
