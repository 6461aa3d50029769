/** The schema hash of a model, memoised per model object (models are immutable), so one command hashes a model once. */
import { schemaHash } from '../canon/index.js';
import type { Schema } from '../model/types.js';

const hashes = new WeakMap<Schema, string>();

/** schemaHashOf is schemaHash memoised per schema object (models are immutable), so one command hashes a model once. */
export async function schemaHashOf(schema: Schema): Promise<string> {
  let h = hashes.get(schema);
  if (h === undefined) {
    h = schemaHash(schema);
    hashes.set(schema, h);
  }
  return h;
}
