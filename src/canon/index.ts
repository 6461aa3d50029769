/** Canonical form and schema hash (owned by the foundation work; see src/ARCHITECTURE.md). */
import type { Schema } from '../model/types.js';

/** canonicalize returns the canonical Schema: keys sorted, hints (renamedFrom) dropped, columns sorted by name. */
export function canonicalize(_schema: Schema): Schema {
  throw new Error('canonicalize: not implemented yet');
}

/** canonicalJson writes the canonical form as deterministic JSON text. */
export function canonicalJson(_schema: Schema): string {
  throw new Error('canonicalJson: not implemented yet');
}

/** schemaHash is `sv1:<sha256 hex of canonicalJson>`: equal for equal schemas however they were written. */
export function schemaHash(_schema: Schema): string {
  throw new Error('schemaHash: not implemented yet');
}

/** normalizeType rewrites a PostgreSQL type spelling to format_type's (`int` -> `integer`, `varchar(5)` -> `character varying(5)`). */
export function normalizeType(_text: string): string {
  throw new Error('normalizeType: not implemented yet');
}
