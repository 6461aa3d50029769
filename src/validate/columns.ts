/** Columns of tables as the validator sees them, including those a partition or child table gets from its parents. */
import type { Schema } from '../model/types.js';

/**
 * tableColumns returns the column names of table `id`, with inherited ones (partition_of, inherits); undefined
 * when that cannot be decided (an unknown parent), so callers report nothing rather than a false positive.
 */
export function tableColumns(schema: Schema, id: string, seen: Set<string> = new Set()): string[] | undefined {
  const t = schema.tables[id];
  if (!t || seen.has(id)) return undefined;
  seen.add(id);
  const out = t.columns.map((c) => c.name);
  const parents = [...(t.partitionOf ? [t.partitionOf.parent] : []), ...(t.inherits ?? [])];
  for (const p of parents) {
    const more = tableColumns(schema, p, seen);
    if (!more) return undefined;
    for (const c of more) if (!out.includes(c)) out.push(c);
  }
  return out;
}
