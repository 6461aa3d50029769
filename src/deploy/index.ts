/**
 * Deploys: apply the store's migrations to a database, Alembic-style (upgrade, downgrade, current, history,
 * stamp, check), against a Driver — the embedded PGlite database or a PostgreSQL server.
 */
export {
  move,
  schemaverVersion,
  plannerClassifier,
  type DeployContext,
  type MoveRequest,
  type MoveResult,
  type EdgeReport,
} from './engine.js';
export { describeDbError } from './failure.js';
export { current, history, stamp, type CurrentResult, type HistoryResult, type StampResult } from './status.js';
export { check, driftError, pgliteBuilder, type CheckResult, type SchemaBuilder } from './check.js';
export { openTarget, targetUrl, localDir, lockLocal, type Target, type TargetOptions } from './target.js';
export { withDeploy, type DeploySession, type DeployOpen } from './session.js';
export { reverseHints } from '../plan/reverse.js';
export {
  BASE,
  findPath,
  loadGraph,
  planPath,
  type DeployStore,
  type DownClassifier,
  type PathEdge,
  type Graph,
} from './path.js';
export { buildScript, renderScript, sha256, type DeployScript, type ScriptUnit } from './script.js';
export { splitStatements, isTransactionControl, type ScriptStatement } from '../sql/split.js';
export {
  VERSION_TABLE,
  HISTORY_TABLE,
  LOCK_KEY,
  readRecorded,
  readHistory,
  type Recorded,
  type HistoryRow,
} from './versions.js';
