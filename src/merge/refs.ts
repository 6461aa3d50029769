/**
 * Renames followed through references. When one side renames a table, column or enum, the other side (and the
 * base) may still refer to the old name in a column list, a foreign key, a column type, an OWNED BY or a
 * partition parent. Before merging, those references are rewritten to the new name — what PostgreSQL itself does
 * on RENAME — so that "ours renamed users.email, theirs added an index on email" merges into an index on the
 * renamed column. Keys of objects are never rewritten (alignment relies on them); expressions (text) are not
 * touched: a view or check that names the old column is caught by the semantic checks / the PGlite build.
 */
import type { Column, Schema, Table } from '../model/types.js';
import { qid, splitId } from '../model/ids.js';

/** Renames are the renames one side made relative to base (hint-driven, same rules as the merge). */
export interface Renames {
  readonly tables: ReadonlyMap<string, string>; // base key -> new key
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>; // base table key -> (old -> new)
  readonly enums: ReadonlyMap<string, string>;
}

function hintKey(obj: { schema: string; renamedFrom?: string }): string | undefined {
  if (obj.renamedFrom === undefined) return undefined;
  const parts = splitId(obj.renamedFrom);
  if (!parts || parts.length > 2) return undefined;
  return parts.length === 2 ? qid(parts[0]!, parts[1]!) : qid(obj.schema, parts[0]!);
}

function renamedKeys<T extends { schema: string; renamedFrom?: string }>(
  base: Readonly<Record<string, T>>,
  side: Readonly<Record<string, T>>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, obj] of Object.entries(side)) {
    if (k in base) continue;
    const old = hintKey(obj);
    if (old !== undefined && old in base && !(old in side) && !out.has(old)) out.set(old, k);
  }
  return out;
}

/** sideRenames finds the renames of tables, columns and enums one side made relative to base. */
export function sideRenames(base: Schema, side: Schema): Renames {
  const tables = renamedKeys(base.tables, side.tables);
  const inverse = new Map([...tables].map(([a, b]) => [b, a]));
  const columns = new Map<string, Map<string, string>>();
  for (const [k, t] of Object.entries(side.tables)) {
    if (!t.columns.some((c) => c.renamedFrom !== undefined)) continue; // no hint, no column rename
    const bk = k in base.tables ? k : inverse.get(k);
    if (bk === undefined) continue;
    const baseCols = new Set(base.tables[bk]!.columns.map((c) => c.name));
    const sideCols = new Set(t.columns.map((c) => c.name));
    const m = new Map<string, string>();
    for (const c of t.columns) {
      if (baseCols.has(c.name) || c.renamedFrom === undefined) continue;
      if (baseCols.has(c.renamedFrom) && !sideCols.has(c.renamedFrom) && !m.has(c.renamedFrom))
        m.set(c.renamedFrom, c.name);
    }
    if (m.size) columns.set(bk, m);
  }
  return { tables, columns, enums: renamedKeys(base.enums, side.enums) };
}

/** combineRenames joins the renames of both sides, leaving out any old name the two sides renamed differently. */
export function combineRenames(a: Renames, b: Renames): Renames {
  const join = (x: ReadonlyMap<string, string>, y: ReadonlyMap<string, string>) => {
    const m = new Map(x);
    for (const [k, v] of y) {
      if (m.has(k) && m.get(k) !== v) m.delete(k);
      else m.set(k, v);
    }
    for (const [k, v] of x) if (y.has(k) && y.get(k) !== v) m.delete(k);
    return m;
  };
  const columns = new Map<string, ReadonlyMap<string, string>>();
  for (const k of new Set([...a.columns.keys(), ...b.columns.keys()]))
    columns.set(k, join(a.columns.get(k) ?? new Map(), b.columns.get(k) ?? new Map()));
  return { tables: join(a.tables, b.tables), columns, enums: join(a.enums, b.enums) };
}

/**
 * rewriteRefs rewrites the references of `side` through `renames` (refs only, never keys). A reference is
 * rewritten only where `side` still has the old object as the base's object (not one it renamed or re-added).
 */
export function rewriteRefs(base: Schema, side: Schema, renames: Renames): Schema {
  if (!renames.tables.size && !renames.columns.size && !renames.enums.size) return side;
  const own =
    side === base
      ? { tables: new Map<string, string>(), columns: new Map(), enums: new Map() }
      : sideRenames(base, side);
  const ownInverse = new Map([...own.tables].map(([a, b]) => [b, a]));
  const baseKeyOf = (k: string) => (k in base.tables ? k : ownInverse.get(k));
  const tableRef = (k: string) =>
    k in base.tables && k in side.tables && renames.tables.has(k) ? renames.tables.get(k)! : k;
  const colMapCache = new Map<string, ReadonlyMap<string, string>>();
  const colMapOf = (sideKey: string): ReadonlyMap<string, string> => {
    let m = colMapCache.get(sideKey);
    if (!m) colMapCache.set(sideKey, (m = colMapFor(sideKey)));
    return m;
  };
  const colMapFor = (sideKey: string): ReadonlyMap<string, string> => {
    const bk = baseKeyOf(sideKey);
    const m = bk === undefined ? undefined : renames.columns.get(bk);
    const st = side.tables[sideKey];
    if (!m || !st || bk === undefined) return new Map();
    const baseCols = new Set(base.tables[bk]!.columns.map((c) => c.name));
    const sideCols = new Set(st.columns.filter((c) => baseCols.has(c.name)).map((c) => c.name));
    return new Map([...m].filter(([old]) => sideCols.has(old)));
  };
  const enumMap = new Map([...renames.enums].filter(([old]) => old in side.enums));
  const typeRef = (t: string): string => {
    const m = /^(.*?)((?:\[\])*)$/.exec(t)!;
    const n = enumMap.get(m[1]!);
    return n === undefined ? t : n + m[2];
  };
  const tables: Record<string, Table> = {};
  const touches = (k: string, t: Table): boolean =>
    colMapOf(k).size > 0 ||
    Object.values(t.foreignKeys).some((f) => tableRef(f.refTable) !== f.refTable || colMapOf(f.refTable).size > 0) ||
    (enumMap.size > 0 && t.columns.some((c) => typeRef(c.type) !== c.type)) ||
    (t.partitionOf !== undefined && tableRef(t.partitionOf.parent) !== t.partitionOf.parent) ||
    (t.inherits ?? []).some((x) => tableRef(x) !== x);
  for (const [k, t] of Object.entries(side.tables)) {
    if (!touches(k, t)) {
      tables[k] = t;
      continue;
    }
    tables[k] = rewriteTableRefs(t, { colMap: colMapOf(k), colMapOf, tableRef, typeRef, enums: enumMap.size > 0 });
    tables[k] = stripUndefined(tables[k]!);
  }
  const sequences = Object.fromEntries(
    Object.entries(side.sequences).map(([k, s]) => {
      if (!s.ownedBy) return [k, s];
      const cm = colMapOf(s.ownedBy.table);
      return [
        k,
        { ...s, ownedBy: { table: tableRef(s.ownedBy.table), column: cm.get(s.ownedBy.column) ?? s.ownedBy.column } },
      ];
    }),
  );
  const domains = enumMap.size
    ? Object.fromEntries(Object.entries(side.domains).map(([k, d]) => [k, { ...d, type: typeRef(d.type) }]))
    : side.domains;
  const composites = enumMap.size
    ? Object.fromEntries(
        Object.entries(side.composites).map(([k, c]) => [
          k,
          { ...c, attributes: c.attributes.map((a) => ({ ...a, type: typeRef(a.type) })) },
        ]),
      )
    : side.composites;
  return { ...side, tables, sequences, domains, composites };
}

/** RefMaps rewrite references of one side: tables and enums renamed, a table's columns renamed (by its key on that side). */
interface RefMaps {
  readonly colMap: ReadonlyMap<string, string>;
  readonly colMapOf: (sideKey: string) => ReadonlyMap<string, string>;
  readonly tableRef: (k: string) => string;
  readonly typeRef: (t: string) => string;
  readonly enums: boolean;
}

/** rewriteTableRefs rewrites the column lists, types, foreign key targets and parents of one table. */
function rewriteTableRefs(t: Table, r: RefMaps): Table {
  const cm = r.colMap;
  const { colMapOf, tableRef, typeRef } = r;
  const col = (c: string) => cm.get(c) ?? c;
  const cols = <L extends readonly string[] | undefined>(l: L): L => (l ? (l.map(col) as unknown as L) : l);
  const mapRec = <V>(r: Readonly<Record<string, V>>, f: (v: V) => V) =>
    Object.fromEntries(Object.entries(r).map(([n, v]) => [n, f(v)]));
  return {
    ...t,
    columns: t.columns.map((c): Column =>
      r.enums && typeRef(c.type) !== c.type ? { ...c, type: typeRef(c.type) } : c,
    ),
    ...(t.primaryKey
      ? { primaryKey: { ...t.primaryKey, columns: cols(t.primaryKey.columns), include: cols(t.primaryKey.include) } }
      : {}),
    uniques: mapRec(t.uniques, (u) => ({ ...u, columns: cols(u.columns), include: cols(u.include) })),
    foreignKeys: mapRec(t.foreignKeys, (f) => {
      const rm = colMapOf(f.refTable);
      return {
        ...f,
        columns: cols(f.columns),
        refTable: tableRef(f.refTable),
        refColumns: f.refColumns.map((c) => rm.get(c) ?? c),
      };
    }),
    exclusions: mapRec(t.exclusions, (x) => ({
      ...x,
      elements: x.elements.map((e) => (e.column ? { ...e, column: col(e.column) } : e)),
      include: cols(x.include),
    })),
    indexes: mapRec(t.indexes, (i) => ({
      ...i,
      elements: i.elements.map((e) => (e.column ? { ...e, column: col(e.column) } : e)),
      include: cols(i.include),
    })),
    triggers: mapRec(t.triggers, (g) => (g.updateOf ? { ...g, updateOf: cols(g.updateOf) } : g)),
    ...(t.partitionOf ? { partitionOf: { ...t.partitionOf, parent: tableRef(t.partitionOf.parent) } } : {}),
    ...(t.inherits ? { inherits: t.inherits.map(tableRef) } : {}),
  };
}

/** stripUndefined removes undefined-valued keys at every depth (the model omits absent attributes). */
function stripUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map(stripUndefined) as unknown as T;
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = stripUndefined(x);
  return out as T;
}
