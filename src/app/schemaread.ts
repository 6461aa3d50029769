/**
 * What reading schema/ as a schema takes: the YAML parser, the validator, PostgreSQL's normaliser and the conflict
 * block scanner (itself loaded only while a merge waits). app/project.ts loads this module on first use (readSchemaModules), since those modules cost about
 * 200 ms to load and `status` on an unchanged schema/ (its hash cached), or any command that only reads commits,
 * needs none of them.
 */
export { parseSchemaFiles, readSchemaDir } from '../parse/index.js';
export { checkedSchema } from '../validate/index.js';
export { normalIdentity, normalizeEarly, normalizeExpressions, rememberNormalForm } from '../pg/normalize.js';
import type { SourceFile } from '../parse/index.js';
import type { SourceLoc } from '../errors.js';

/** findMarkers lists the conflict blocks left in schema files (merge/markers.ts, loaded here only while a merge waits: it loads the YAML library). */
export async function findMarkers(files: readonly SourceFile[]): Promise<SourceLoc[]> {
  return (await import('../merge/markers.js')).findMarkers(files);
}
