/**
 * What reading schema/ as a schema takes: the YAML parser, the validator, PostgreSQL's normaliser and the conflict
 * block scanner. app/project.ts loads this module on first use (readSchemaModules), since those modules cost about
 * 200 ms to load and `status` on an unchanged schema/ (its hash cached), or any command that only reads commits,
 * needs none of them.
 */
export { parseSchemaFiles, readSchemaDir } from '../parse/index.js';
export { checkedSchema } from '../validate/index.js';
export { normalizeExpressions } from '../pg/normalize.js';
export { findMarkers } from '../merge/markers.js';
