/**
 * Down edges and renames: a commit's `renamed_from` hints say how its parent's objects were renamed, so the
 * planner sees `child -> parent` as drop + add unless the parent carries the reverse hints. reverseHints
 * writes them (from the renames the child's hints apply to the parent), so a downgrade across a rename is
 * classified as the rename back it is, not as data loss.
 */
import { findRenames } from '../diff/renames.js';
import { assertNever, type Schema, type Table } from '../model/types.js';
import { partField } from '../model/sections.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** reverseHints returns `parent` with `renamedFrom` hints that undo the renames `child` applied to it. */
export function reverseHints(child: Schema, parent: Schema): Schema {
  const set = findRenames(parent, child);
  if (!set.changes.length && !set.values.length) return parent;
  const tables: Record<string, Table> = { ...parent.tables };
  const views = { ...parent.views };
  const enums = { ...parent.enums };
  const oldTableOf = new Map<string, string>(); // child table id -> parent table id
  for (const r of set.changes) if (r.kind === 'table') oldTableOf.set(r.id, r.fromId);
  const table = (childId: string): Mutable<Table> | undefined => {
    const pid = oldTableOf.get(childId) ?? childId;
    const t = tables[pid];
    if (!t) return undefined;
    const copy = { ...t } as Mutable<Table>;
    tables[pid] = copy;
    return copy;
  };
  for (const r of set.changes) {
    switch (r.kind) {
      case 'table': {
        const t = tables[r.fromId];
        if (t) tables[r.fromId] = { ...t, renamedFrom: r.id };
        break;
      }
      case 'view': {
        const v = views[r.fromId];
        if (v) views[r.fromId] = { ...v, renamedFrom: r.id };
        break;
      }
      case 'enum': {
        const e = enums[r.fromId];
        if (e) enums[r.fromId] = { ...e, renamedFrom: r.id };
        break;
      }
      case 'column': {
        const t = r.table !== undefined ? table(r.table) : undefined;
        if (t) t.columns = t.columns.map((c) => (c.name === r.fromId ? { ...c, renamedFrom: r.id } : c));
        break;
      }
      case 'index': {
        const t = r.table !== undefined ? table(r.table) : undefined;
        const ix = t?.indexes[r.fromId];
        if (t && ix) t.indexes = { ...t.indexes, [r.fromId]: { ...ix, renamedFrom: r.id } };
        break;
      }
      case 'primary_key': {
        const t = r.table !== undefined ? table(r.table) : undefined;
        if (t?.primaryKey) t.primaryKey = { ...t.primaryKey, renamedFrom: r.id };
        break;
      }
      case 'unique':
      case 'check':
      case 'foreign_key':
      case 'exclusion': {
        const t = r.table !== undefined ? table(r.table) : undefined;
        if (!t) break;
        const key = partField(r.kind);
        const map = t[key] as Readonly<Record<string, { renamedFrom?: string }>>;
        const c = map[r.fromId];
        if (c) (t as Record<string, unknown>)[key] = { ...map, [r.fromId]: { ...c, renamedFrom: r.id } };
        break;
      }
      default:
        assertNever(r);
    }
  }
  for (const v of set.values) {
    // child enum `v.enumId` renamed value v.from -> v.to; in the parent (maybe under an older enum id) map back
    const pid = set.changes.find((r) => r.kind === 'enum' && r.id === v.enumId)?.fromId ?? v.enumId;
    const e = enums[pid];
    if (e) enums[pid] = { ...e, valueRenames: { ...(e.valueRenames ?? {}), [v.from]: v.to } };
  }
  return { ...parent, tables, views, enums };
}
