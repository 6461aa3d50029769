/**
 * Renames across several commits: each commit's snapshot keeps the `renamed_from` hints it was committed with, so
 * the renames between two revisions A and B are those of every edge on the way. chainHints composes them and writes
 * them onto B as hints from A's names, so `plan A B` and `diff A B` rename what the commits renamed even after the
 * user removed the hints from schema/ (as `upgrade`, which runs the stored edges, always did).
 */
import { idPart, parseQid } from '../model/ids.js';
import type { Schema, Table } from '../model/types.js';
import { CONSTRAINT_KINDS, partField } from '../model/sections.js';
import { findRenames } from './renames.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** CONSTRAINT_FIELDS: the Table maps of named constraints (a renamed constraint may sit in any of them). */
const CONSTRAINT_FIELDS = CONSTRAINT_KINDS.map(partField);

/** Origins maps the current name of each renamed object to its name in the first schema of the chain. */
interface Origins {
  readonly rel: Map<string, string>; // `table:id` / `view:id` / `enum:id` -> original id
  readonly sub: Map<string, string>; // `kind\0table\0name` -> original name (table = current table id)
}

/** chainHints returns `schemas[last]` with renamedFrom hints naming `schemas[0]`'s objects it renamed on the way. */
export function chainHints(schemas: readonly Schema[]): Schema {
  const last = schemas[schemas.length - 1]!;
  if (schemas.length < 3) return last; // one edge: the hints it has are the hints it needs
  const o: Origins = { rel: new Map(), sub: new Map() };
  for (let i = 1; i < schemas.length; i++) step(o, schemas[i - 1]!, schemas[i]!);
  return applyOrigins(schemas[0]!, last, o);
}

/** step follows the renames of one edge `from -> to`. */
function step(o: Origins, from: Schema, to: Schema): void {
  const set = findRenames(from, to);
  for (const r of set.changes) {
    if (r.kind === 'table' || r.kind === 'view' || r.kind === 'enum') {
      const origin = o.rel.get(`${r.kind}:${r.fromId}`) ?? r.fromId;
      o.rel.delete(`${r.kind}:${r.fromId}`);
      o.rel.set(`${r.kind}:${r.id}`, origin);
      if (r.kind === 'table')
        for (const [k, v] of [...o.sub]) {
          const [kind, table, name] = k.split('\0');
          if (table === r.fromId) (o.sub.delete(k), o.sub.set(`${kind}\0${r.id}\0${name}`, v));
        }
    }
  }
  for (const r of set.changes) {
    if (r.kind === 'table' || r.kind === 'view' || r.kind === 'enum' || r.table === undefined) continue;
    const kind = r.kind === 'column' || r.kind === 'index' ? r.kind : 'constraint';
    const key = (name: string) => `${kind}\0${r.table}\0${name}`;
    const origin = o.sub.get(key(r.fromId)) ?? r.fromId;
    o.sub.delete(key(r.fromId));
    o.sub.set(key(r.id), origin);
  }
}

/** hintOf writes an id as a hint that resolves to it from any schema (`schema.name`). */
function hintOf(id: string): string {
  const q = parseQid(id);
  return q ? `${idPart(q.schema)}.${idPart(q.name)}` : id;
}

/** applyOrigins writes the composed renames onto `last` where `first` still has the old name and not the new one. */
function applyOrigins(first: Schema, last: Schema, o: Origins): Schema {
  const tables: Record<string, Table> = { ...last.tables };
  const views = { ...last.views };
  const enums = { ...last.enums };
  for (const [k, origin] of o.rel) {
    const [kind, id] = [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)];
    if (origin === id) continue;
    // the chain's origin wins over a hint `last` carries: that one names the previous commit's object
    if (kind === 'table' && tables[id] && first.tables[origin] && !first.tables[id])
      tables[id] = { ...tables[id]!, renamedFrom: hintOf(origin) };
    if (kind === 'view' && views[id] && first.views[origin] && !first.views[id])
      views[id] = { ...views[id]!, renamedFrom: hintOf(origin) };
    if (kind === 'enum' && enums[id] && first.enums[origin] && !first.enums[id])
      enums[id] = { ...enums[id]!, renamedFrom: hintOf(origin) };
  }
  for (const [k, origin] of o.sub) {
    const [kind, tid, name] = k.split('\0') as [string, string, string];
    if (origin === name || !tables[tid]) continue;
    const ft = first.tables[o.rel.get(`table:${tid}`) ?? tid];
    if (!ft) continue;
    const t = { ...tables[tid]! } as Mutable<Table>;
    if (kind === 'column') {
      if (!ft.columns.some((c) => c.name === origin) || ft.columns.some((c) => c.name === name)) continue;
      t.columns = t.columns.map((c) => (c.name === name ? { ...c, renamedFrom: origin } : c));
    } else if (kind === 'index') {
      const ix = t.indexes[name];
      if (!ix || !ft.indexes[origin] || ft.indexes[name]) continue;
      t.indexes = { ...t.indexes, [name]: { ...ix, renamedFrom: origin } };
    } else {
      if (t.primaryKey?.name === name) t.primaryKey = { ...t.primaryKey, renamedFrom: origin };
      for (const key of CONSTRAINT_FIELDS) {
        const map = t[key] as Readonly<Record<string, { renamedFrom?: string }>>;
        const c = map[name];
        if (c) (t as Record<string, unknown>)[key] = { ...map, [name]: { ...c, renamedFrom: origin } };
      }
    }
    tables[tid] = t;
  }
  return { ...last, tables, views, enums };
}
