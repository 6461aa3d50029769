/**
 * Renames: read `renamedFrom` hints of the target schema, keep the ones that apply (the source has the old
 * name and not the new one) and rewrite the source schema as it will be once those renames have run.
 * Never guesses: an object without a hint is never considered renamed.
 */
import type { RenameChange } from '../model/changes.js';
import { parseQid, qid, splitId } from '../model/ids.js';
import { type Schema, type Table } from '../model/types.js';
import { escapeRe } from './apply.js';

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
    hintedPartRenames(changes, id, t, ft);
    // names PostgreSQL derived from a renamed table or column follow the rename (people_pkey -> users_pkey)
    const oldTable = parseQid(ft === from.tables[id] ? id : tableMap.get(id)!)?.name ?? '';
    derivedPartRenames(changes, id, t, ft, oldTable);
  }
  return { changes, values };
}

/** hintedPartRenames adds the renames of table `id`'s columns, indexes and constraints that carry a hint. */
function hintedPartRenames(changes: RenameChange[], id: string, t: Table, ft: Table): void {
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
    if (c.renamedFrom && c.renamedFrom !== c.name && fromCons.get(c.renamedFrom) === c.kind && !fromCons.has(c.name)) {
      changes.push({ op: 'rename', kind: c.kind, table: id, id: c.name, fromId: c.renamedFrom });
    }
  }
}

/** derivedPartRenames adds the renames of names PostgreSQL derived from a renamed table or column (people_pkey -> users_pkey). */
function derivedPartRenames(changes: RenameChange[], id: string, t: Table, ft: Table, oldTable: string): void {
  const fromCons = constraintNames(ft);
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
    const taken = new Set(changes.filter((r) => r.op === 'rename' && r.table === id).flatMap((r) => [r.id, r.fromId]));
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

export { applyRenames } from './apply.js';
