/**
 * Renames the differ infers where nothing else can differ: an index, primary key, unique or exclusion constraint of
 * a table whose old name is gone and whose new name is new, with the same definition (its comment aside), is
 * renamed (ALTER INDEX ... RENAME TO, ALTER TABLE ... RENAME CONSTRAINT) instead of dropped and built again: the
 * result is the same catalog, without the rebuild or its lock. Beyond the user's hints (src/diff/renames.ts) this is the one guess;
 * diffDetailed gives the target a `renamedFrom` hint for each such pair, so the rename runs first in up and last in down
 * like a hinted one. Only a pair alone of its definition on its table is taken, and only when the new name is free in
 * the source schema (indexes share one namespace with the schema's tables, views and sequences).
 */
import type { Index, Schema, Table } from '../model/types.js';
import { fragmentKey } from './key.js';

/** Named is an index or index-backed constraint as the inference compares it. */
type Named = { readonly name: string; readonly renamedFrom?: string; readonly comment?: string };

/** shapeOf is an object's definition without its name, hint and comments. */
function shapeOf(x: Named): string {
  const { name: _n, renamedFrom: _r, comment: _c, indexComment: _i, ...rest } = x as Named & { indexComment?: string };
  return fragmentKey(rest);
}

/** pairs lists the [old, new] names of `a` -> `b` that are alone of their definition among the names that go and come. */
function pairs(a: Readonly<Record<string, Named>>, b: Readonly<Record<string, Named>>): [string, string][] {
  const gone = Object.keys(a).filter((n) => !b[n]);
  const fresh = Object.keys(b).filter((n) => !a[n] && b[n]!.renamedFrom === undefined);
  if (gone.length === 0 || fresh.length === 0) return [];
  const by = (names: string[], m: Readonly<Record<string, Named>>) => {
    const out = new Map<string, string[]>();
    for (const n of names) {
      const k = shapeOf(m[n]!);
      out.set(k, [...(out.get(k) ?? []), n]);
    }
    return out;
  };
  const [ga, fb] = [by(gone, a), by(fresh, b)];
  const out: [string, string][] = [];
  for (const [k, olds] of ga) {
    const news = fb.get(k);
    if (olds.length === 1 && news?.length === 1) out.push([olds[0]!, news[0]!]);
  }
  return out;
}

/** relationNames lists `<schema> <name>` of every relation of `s` (tables, views, sequences, indexes, keys' indexes). */
function relationNames(s: Schema): Set<string> {
  const out = new Set<string>();
  const add = (schema: string, name: string) => out.add(`${schema} ${name}`);
  for (const t of Object.values(s.tables)) {
    add(t.schema, t.name);
    for (const n of Object.keys(t.indexes)) add(t.schema, n);
    if (t.primaryKey) add(t.schema, t.primaryKey.name);
    for (const n of Object.keys(t.uniques)) add(t.schema, n);
    for (const n of Object.keys(t.exclusions)) add(t.schema, n);
  }
  for (const v of Object.values(s.views)) {
    add(v.schema, v.name);
    for (const n of Object.keys(v.indexes ?? {})) add(v.schema, n);
  }
  for (const q of Object.values(s.sequences)) add(q.schema, q.name);
  return out;
}

/**
 * inferRenames returns `to` with a `renamedFrom` hint on each index and key of a table that `from` (the source after
 * the hinted renames) has under another name with the same definition; `to` itself when there is none.
 */
export function inferRenames(from: Schema, to: Schema): Schema {
  let taken: Set<string> | undefined;
  let tables: Record<string, Table> | undefined;
  for (const [id, t] of Object.entries(to.tables)) {
    const f = from.tables[id];
    if (!f) continue;
    const free = (name: string) => !(taken ??= relationNames(from)).has(`${t.schema} ${name}`);
    const ix = pairs(f.indexes, t.indexes).filter(([, n]) => free(n));
    const uq = pairs(f.uniques, t.uniques).filter(([, n]) => free(n));
    const ex = pairs(f.exclusions, t.exclusions).filter(([, n]) => free(n));
    const pk =
      f.primaryKey &&
      t.primaryKey &&
      f.primaryKey.name !== t.primaryKey.name &&
      t.primaryKey.renamedFrom === undefined &&
      shapeOf(f.primaryKey) === shapeOf(t.primaryKey) &&
      free(t.primaryKey.name);
    if (!ix.length && !uq.length && !ex.length && !pk) continue;
    const hint = <T extends Named>(m: Readonly<Record<string, T>>, ps: [string, string][]): Record<string, T> => {
      const out = { ...m };
      for (const [o, n] of ps) out[n] = { ...out[n]!, renamedFrom: o };
      return out;
    };
    tables ??= { ...to.tables };
    tables[id] = {
      ...t,
      indexes: hint<Index>(t.indexes, ix),
      uniques: hint(t.uniques, uq),
      exclusions: hint(t.exclusions, ex),
      ...(pk ? { primaryKey: { ...t.primaryKey!, renamedFrom: f.primaryKey!.name } } : {}),
    };
  }
  return tables ? { ...to, tables } : to;
}
