/**
 * schemaver as a library: the same operations the CLI uses — load, hash, diff, plan, verify, import,
 * merge, deploy and store access — for tools and tests. `import { loadSchemaDir, planMigration } from 'schemaver'`.
 */
export type * from './model/types.js';
export type * from './model/plan.js';
export type { Change, ChangeKind, AttrChange } from './model/changes.js';
export { describeChange } from './model/changes.js';
export { emptySchema } from './model/types.js';
export { qid, funcId, parseQid } from './model/ids.js';
export { SchemaverError } from './errors.js';
export type { Issue, SourceLoc } from './errors.js';
export { quoteIdent, quoteLiteral, qualified } from './sql/quote.js';
export { parseSchemaFiles, readSchemaDir, loadSchemaDir } from './parse/index.js';
export type { SourceFile, ParseResult } from './parse/index.js';
export { canonicalize, canonicalJson, schemaHash, normalizeType } from './canon/index.js';
export { writeSchemaYaml } from './yaml/index.js';
export { diffSchemas, diffDetailed } from './diff/index.js';
export { planMigration, planChanges, renderUp, renderDown, summarizeSteps } from './plan/index.js';
export { merge3 } from './merge/index.js';
export type { Conflict, MergeResult } from './merge/index.js';
export {
  freshPglite,
  openPglite,
  connectUrl,
  introspect,
  buildSchema,
  compareSchemas,
  verifyEdge,
} from './pg/index.js';
export type { Driver, IntrospectResult, VerifyResult } from './pg/index.js';
export { catalogFingerprint, fingerprintDiff } from './pg/fingerprint.js';
export { move, current, history, stamp, check, openTarget } from './deploy/index.js';
export { openStore, initStore, writeSchemaFiles } from './store/index.js';
export type { Store, Snapshot, CommitInfo, NewCommit } from './store/index.js';
