/**
 * Which constraint and index names the writer may leave out: exactly those that the parser would choose again.
 * Found by running PostgreSQL's default naming over the schema with candidate names removed, repeating until stable.
 */
import { assignDefaultNames, viewNamingTable, type NamingTable } from '../canon/names.js';
import type { Schema } from '../model/types.js';

/** nameKey identifies one named object for the omission set: `<owner id>\u0000<kind>\u0000<name>`. */
export function nameKey(owner: string, kind: string, name: string): string {
  return `${owner}\u0000${kind}\u0000${name}`;
}

/** omittableNames returns the keys (see nameKey) of every constraint/index whose name equals PostgreSQL's default. */
export function omittableNames(schema: Schema): Set<string> {
  const omit = new Set<string>();
  const all: string[] = [];
  for (const [id, t] of Object.entries(schema.tables)) {
    if (t.primaryKey) all.push(nameKey(id, 'pk', t.primaryKey.name));
    for (const n of Object.keys(t.uniques)) all.push(nameKey(id, 'unique', n));
    for (const n of Object.keys(t.checks)) all.push(nameKey(id, 'check', n));
    for (const n of Object.keys(t.foreignKeys)) all.push(nameKey(id, 'fk', n));
    for (const n of Object.keys(t.exclusions)) all.push(nameKey(id, 'exclusion', n));
    for (const n of Object.keys(t.indexes)) all.push(nameKey(id, 'index', n));
  }
  for (const [id, v] of Object.entries(schema.views))
    for (const n of Object.keys(v.indexes ?? {})) all.push(nameKey(id, 'index', n));
  for (const [id, d] of Object.entries(schema.domains))
    for (const n of Object.keys(d.checks)) all.push(nameKey(id, 'dcheck', n));
  for (const k of all) omit.add(k);
  for (let round = 0; round < 50; round++) {
    const wrong = trial(schema, omit);
    if (wrong.length === 0) return omit;
    for (const k of wrong) omit.delete(k);
  }
  return new Set();
}

/** trial names the schema with the `omit` names removed and returns the keys that came back different. */
function trial(schema: Schema, omit: Set<string>): string[] {
  const back: Array<{ key: string; obj: { name?: string }; want: string }> = [];
  const slot = <T extends { name: string }>(owner: string, kind: string, o: T): T & { name?: string } => {
    const key = nameKey(owner, kind, o.name);
    const copy = { ...o } as T & { name?: string };
    if (omit.has(key)) {
      delete (copy as { name?: string }).name;
      back.push({ key, obj: copy, want: o.name });
    }
    return copy;
  };
  const tables: NamingTable[] = [];
  for (const [id, t] of Object.entries(schema.tables)) {
    tables.push({
      schema: t.schema,
      name: t.name,
      columns: t.columns,
      primaryKey: t.primaryKey ? slot(id, 'pk', t.primaryKey) : undefined,
      uniques: Object.values(t.uniques).map((u) => slot(id, 'unique', u)),
      checks: Object.values(t.checks).map((c) => slot(id, 'check', c)),
      foreignKeys: Object.values(t.foreignKeys).map((f) => slot(id, 'fk', f)),
      exclusions: Object.values(t.exclusions).map((x) => slot(id, 'exclusion', x)),
      indexes: Object.values(t.indexes).map((i) => slot(id, 'index', i)),
    });
  }
  for (const [id, v] of Object.entries(schema.views)) {
    if (!v.indexes || Object.keys(v.indexes).length === 0) continue;
    tables.push(
      viewNamingTable(
        v,
        Object.values(v.indexes).map((i) => slot(id, 'index', i)),
      ),
    );
  }
  const domains = Object.entries(schema.domains).map(([id, d]) => ({
    schema: d.schema,
    name: d.name,
    checks: Object.values(d.checks).map((c) => slot(id, 'dcheck', c)),
  }));
  const relations = [...Object.values(schema.sequences), ...Object.values(schema.views)].map((o) => ({
    schema: o.schema,
    name: o.name,
  }));
  assignDefaultNames(tables, domains, relations);
  return back.filter((b) => b.obj.name !== b.want).map((b) => b.key);
}
