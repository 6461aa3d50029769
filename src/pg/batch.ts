/**
 * Running long scripts on scratch databases (verification and build checks) in batches of statements, one
 * transaction per batch.
 *
 * Why: PostgreSQL hands every lock a statement took over to its transaction when the statement ends, and once a
 * statement holds more than 15 locks it does so by walking every lock the transaction holds. A script that
 * creates or drops a thousand tables in one transaction therefore does quadratic work; in PGlite's WebAssembly
 * that is seconds (the 1000-table creation script: 6.0 s in one transaction, 4.7 s in batches; its down script
 * 4.0 s against 2.0 s). The end state is the same, so a proof may commit between statements, except where a
 * statement's meaning depends on the transaction around it (below): such a script runs whole, as it will when
 * deployed.
 */
import type { Driver } from './driver.js';
import { isTransactionControl, splitStatements } from '../sql/split.js';

/** BATCH_STATEMENTS is how many statements share one transaction in execBatched. */
export const BATCH_STATEMENTS = 100;

/**
 * TRANSACTION_SENSITIVE matches statements whose effect depends on running in the same transaction as the rest
 * of the script: a new enum value cannot be used before its transaction commits, SET LOCAL / SET CONSTRAINTS /
 * LOCK last until commit, temporary tables may vanish at commit, CONCURRENTLY and VACUUM refuse transaction blocks.
 */
const TRANSACTION_SENSITIVE =
  /^(ALTER\s+TYPE\b[\s\S]*\bADD\s+VALUE\b|SET\s+(LOCAL|CONSTRAINTS)\b|LOCK\b|CREATE\s+(GLOBAL\s+|LOCAL\s+)?(TEMP|TEMPORARY)\b|DISCARD\b|VACUUM\b|CLUSTER\b|REINDEX\b[\s\S]*\bCONCURRENTLY\b|(CREATE|DROP)\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b|REFRESH\s+MATERIALIZED\s+VIEW\s+CONCURRENTLY\b|NOTIFY\b|LISTEN\b)/i;

/** batchable tells whether a script's statements may be committed in batches without changing what it does. */
export function batchable(statements: readonly { sql: string }[]): boolean {
  return statements.every((s) => !isTransactionControl(s.sql) && !TRANSACTION_SENSITIVE.test(s.sql));
}

/**
 * execBatched runs `script` on `db` like `db.exec(script)`, but a script of more than `size` statements that
 * batchable() accepts is committed every `size` statements; `onBatch` hears how many statements ran so far (before
 * each batch, and once at the end). Only for scratch databases: a failure leaves the
 * batches before it applied. Call it outside an explicit transaction (inside one it is a plain exec).
 */
export async function execBatched(db: Driver, script: string, size = BATCH_STATEMENTS, onBatch?: (done: number, total: number) => void): Promise<void> {
  const statements = splitStatements(script);
  if (statements.length <= size || !batchable(statements)) {
    await db.exec(script);
    onBatch?.(statements.length, statements.length);
    return;
  }
  for (let i = 0; i < statements.length; i += size) {
    onBatch?.(i, statements.length);
    await db.exec(
      statements
        .slice(i, i + size)
        .map((s) => `${s.sql}\n;`) // on its own line: the statement may end in a -- comment
        .join('\n'),
    );
  }
  onBatch?.(statements.length, statements.length);
}
