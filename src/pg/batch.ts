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
import { isOnlineScript, onlineGroups } from '../sql/online.js';

/** BATCH_STATEMENTS is how many statements share one transaction in execBatched (25 measured best of 10-200). */
export const BATCH_STATEMENTS = 25;

/** DDL is what a batch may hold: schema statements, whose end state does not depend on when they commit. */
const DDL = /^(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE)\b/i;

/**
 * TRANSACTION_SENSITIVE matches the DDL whose effect depends on running in the same transaction as the rest of
 * the script: a new enum value cannot be used before its transaction commits, temporary objects may vanish at
 * commit, CONCURRENTLY / DATABASE / TABLESPACE / SYSTEM refuse transaction blocks.
 */
const TRANSACTION_SENSITIVE =
  /\bADD\s+VALUE\b|\b(TEMP|TEMPORARY)\b|\bCONCURRENTLY\b|^(CREATE|DROP|ALTER)\s+(DATABASE|TABLESPACE|SYSTEM)\b/i;

/** withoutComments drops -- and /* *\/ comments (conservatively: inside quotes too) so keywords split by a comment still match. */
function withoutComments(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ');
}

/**
 * batchable tells whether a script's statements may be committed in batches without changing what it does:
 * only DDL (no data statements, whose triggers and deferred constraints would fire at each batch's commit),
 * none of it transaction-sensitive, no transaction control.
 */
export function batchable(statements: readonly { sql: string }[]): boolean {
  return statements.every((s) => {
    if (isTransactionControl(s.sql)) return false;
    const text = withoutComments(s.sql).trim();
    return DDL.test(text) && !TRANSACTION_SENSITIVE.test(text);
  });
}

/** BatchOptions tune execBatched. */
export interface BatchOptions {
  /** size: statements per transaction (default BATCH_STATEMENTS). */
  readonly size?: number;
  /** onBatch hears how many statements ran so far: before each batch, and once at the end. */
  readonly onBatch?: (done: number, total: number) => void;
  /** inTransaction: the caller holds an open transaction; the script then runs as one exec inside it. */
  readonly inTransaction?: boolean;
}

/**
 * execBatched runs `script` on a scratch database in explicit transactions, as a deployment would (so a statement
 * that refuses transaction blocks fails here too): the whole script in one, or, when it has more than `size`
 * statements and batchable() accepts it, every `size` statements in one. A failure rolls the failing transaction
 * back and leaves the batches before it applied: scratch databases only. A script with its own transaction
 * control runs as written.
 */
export async function execBatched(db: Driver, script: string, opts: BatchOptions = {}): Promise<void> {
  if (isOnlineScript(script) && !opts.inTransaction) return execOnline(db, script, opts);
  const size = opts.size ?? BATCH_STATEMENTS;
  const statements = splitStatements(script);
  const total = statements.length;
  if (opts.inTransaction || statements.some((s) => isTransactionControl(s.sql))) {
    await db.exec(script);
  } else if (total <= size || !batchable(statements)) {
    await inTransaction(db, script);
  } else {
    for (let i = 0; i < total; i += size) {
      opts.onBatch?.(i, total);
      await inTransaction(
        db,
        statements
          .slice(i, i + size)
          .map((s) => `${s.sql}\n;`) // on its own line: the statement may end in a -- comment
          .join('\n'),
      );
    }
  }
  opts.onBatch?.(total, total);
}

/** execOnline runs an online script as it is deployed: each step in a transaction of its own, CONCURRENTLY and DO steps statement by statement outside one. */
async function execOnline(db: Driver, script: string, opts: BatchOptions): Promise<void> {
  const groups = onlineGroups(script);
  const total = groups.reduce((n, g) => n + g.statements.length, 0);
  let done = 0;
  for (const g of groups) {
    opts.onBatch?.(done, total);
    if (g.transactional) await inTransaction(db, g.statements.map((s) => `${s.sql}\n;`).join('\n'));
    else for (const s of g.statements) await db.exec(s.sql);
    done += g.statements.length;
  }
  opts.onBatch?.(total, total);
}

/** inTransaction runs `sql` between BEGIN and COMMIT, rolling back when it fails (the session stays usable). */
async function inTransaction(db: Driver, sql: string): Promise<void> {
  try {
    await db.exec(`BEGIN;\n${sql}\n;\nCOMMIT;`);
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
