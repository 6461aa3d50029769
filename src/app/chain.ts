/**
 * `plan A B` and `diff A B` across several commits use the renames the commits between A and B recorded (their
 * snapshots keep the hints they were committed with), not only the hints B's own YAML still carries.
 */
import type { Schema } from '../model/types.js';
import type { Store } from '../store/index.js';
import type { LoadedRev } from './project.js';
import { chainHints } from '../diff/chain.js';

/** withRecordedRenames returns `to`'s schema with the renames from `from` along B's first-parent history as hints. */
export async function withRecordedRenames(store: Store, from: LoadedRev, to: LoadedRev): Promise<Schema> {
  if (!from.id) return to.schema;
  const tip = to.id ?? (await store.head());
  if (!tip) return to.schema;
  const path: string[] = [];
  for (let id: string | undefined = tip, n = 0; id && n < 10_000; n++) {
    path.push(id);
    if (id === from.id) break;
    id = (await store.readCommit(id)).parents[0];
  }
  if (path[path.length - 1] !== from.id) return to.schema; // B does not descend from A along first parents
  if (path.length < 2 && to.id) return to.schema;
  const ids = path.reverse();
  if (to.id) ids.pop(); // B itself is `to` as loaded (objects excluded by the command stay excluded)
  const schemas = await Promise.all(ids.map((id) => store.readSchema(id)));
  schemas.push(to.schema);
  return chainHints(schemas);
}
