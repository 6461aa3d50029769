/**
 * How an online script runs (plan/online.ts writes them): it starts with ONLINE_MARKER, and each step (the statements
 * under one `-- step i/n: ...` comment) commits on its own. A step with a CONCURRENTLY statement or a DO block that
 * commits (a backfill, per batch) runs outside any transaction, each statement alone. The proof (pg/batch.ts), the
 * deploy engine (deploy/online.ts) and `upgrade --sql --online` all group a script with onlineGroups.
 */
import { splitStatements, type ScriptStatement } from './split.js';
import { quoteLiteral, sqlComment } from './quote.js';

/** ONLINE_MARKER is the first line of every online script. */
export const ONLINE_MARKER = '-- schemaver:online';

/** isOnlineScript tells whether a script is an online script (its first line is ONLINE_MARKER). */
export function isOnlineScript(script: string): boolean {
  return script.startsWith(`${ONLINE_MARKER}\n`) || script === ONLINE_MARKER;
}

/** NON_TRANSACTIONAL matches statements PostgreSQL refuses (CONCURRENTLY) inside a transaction block. */
const NON_TRANSACTIONAL =
  /^(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|REINDEX\b[^;]*\bCONCURRENTLY)/i;

/**
 * COMMITTING_DO matches a DO block that commits inside (a backfill, one COMMIT per batch): it cannot run in a
 * transaction block and may run long. Any other DO block (a guarded ALTER, a catalog fix-up) is one statement like
 * the others: in its step's transaction, under statement_timeout.
 */
const COMMITTING_DO = /^DO\b[\s\S]*\b(COMMIT|ROLLBACK)\b/i;

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const REL = String.raw`${NAME}(?:\s*\.\s*${NAME})?`;

/**
 * DETACH_CONCURRENTLY matches ALTER TABLE p DETACH PARTITION c CONCURRENTLY (outside a transaction, may wait long),
 * the parent and the partition captured as written.
 */
const DETACH_CONCURRENTLY = new RegExp(
  String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?(${REL})\s+DETACH\s+PARTITION\s+(${REL})\s+CONCURRENTLY\s*$`,
  'i',
);

/** statementText is a statement without the comment lines before it. */
function statementText(sql: string): string {
  return sql.replace(/^(\s*--[^\n]*\n)+/, '').trim();
}

/**
 * ConcurrentDetach is an `ALTER TABLE parent DETACH PARTITION child CONCURRENTLY` statement read: the statement that
 * finishes the same detach when an interrupted run left it pending (PostgreSQL then refuses CONCURRENTLY and asks
 * for FINALIZE), and the query telling whether it is pending (one boolean column, `pending`).
 */
export interface ConcurrentDetach {
  readonly finalize: string;
  readonly pendingSql: string;
}

/** concurrentDetach reads a DETACH PARTITION ... CONCURRENTLY statement; undefined for any other statement. */
export function concurrentDetach(sql: string): ConcurrentDetach | undefined {
  const text = statementText(sql);
  const m = DETACH_CONCURRENTLY.exec(text);
  if (!m) return undefined;
  // the names as written (quoted SQL names) are what to_regclass reads
  const pendingSql = `SELECT EXISTS (SELECT FROM pg_inherits WHERE inhrelid = to_regclass(${quoteLiteral(m[2]!)}) AND inhparent = to_regclass(${quoteLiteral(m[1]!)}) AND inhdetachpending) AS pending`;
  return { finalize: text.replace(/CONCURRENTLY\s*$/i, 'FINALIZE'), pendingSql };
}

/** isNonTransactional tells whether a statement must run outside a transaction block in an online script. */
export function isNonTransactional(sql: string): boolean {
  const text = statementText(sql);
  return NON_TRANSACTIONAL.test(text) || COMMITTING_DO.test(text) || DETACH_CONCURRENTLY.test(text);
}

/**
 * LONG_RUNNING matches the statements that scan or build without blocking writes: statement_timeout does not apply
 * to them. A REINDEX without CONCURRENTLY blocks writes, and an ALTER TABLE is long only when VALIDATE CONSTRAINT is
 * all it does (a subcommand beside it may take ACCESS EXCLUSIVE): those keep statement_timeout.
 */
const LONG_RUNNING = new RegExp(
  String.raw`^(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|REINDEX\b[^;]*\bCONCURRENTLY|ALTER\s+TABLE\s+(ONLY\s+)?${REL}\s+VALIDATE\s+CONSTRAINT\s+${NAME}\s*$)`,
  'i',
);

/** isLongRunning tells whether a statement may run long without blocking writers (no statement_timeout for it). */
export function isLongRunning(sql: string): boolean {
  const text = statementText(sql);
  return LONG_RUNNING.test(text) || COMMITTING_DO.test(text) || DETACH_CONCURRENTLY.test(text);
}

/** OnlineGroup is one step of an online script: its label, its statements, and whether they share a transaction. */
export interface OnlineGroup {
  readonly label: string;
  readonly statements: readonly ScriptStatement[];
  readonly transactional: boolean;
}

/**
 * onlineGroups splits a script into the steps that commit on their own: for an online script, one group per step
 * comment; for any other script, the whole script is one group (it runs as one transaction, as written).
 */
export function onlineGroups(script: string): OnlineGroup[] {
  const statements = splitStatements(script);
  if (!statements.length) return [];
  if (!isOnlineScript(script))
    return [
      {
        label: statements[0]!.comment ?? 'the whole script',
        statements,
        transactional: !statements.some((s) => isNonTransactional(s.sql)),
      },
    ];
  const out: { label: string; statements: ScriptStatement[] }[] = [];
  for (const s of statements) {
    const label = s.comment ?? '';
    const last = out[out.length - 1];
    if (last && last.label === label) last.statements.push(s);
    else out.push({ label, statements: [s] });
  }
  return out.map((g) => ({ ...g, transactional: !g.statements.some((s) => isNonTransactional(s.sql)) }));
}

/**
 * deployedScript writes a script as the online deploy runs it (what `upgrade --sql --online` writes for one edge, its
 * bookkeeping aside): each step that runs in a transaction between its own BEGIN and COMMIT, the others statement by
 * statement in autocommit. A script that is not an online script is one transaction. Linters that judge locks by
 * transaction (squawk: a table created in the same transaction is no one else's yet) read it as it runs.
 */
export function deployedScript(script: string): string {
  const stmt = (sql: string): string => (/--[^\n]*$/.test(sql) ? `${sql}\n;` : `${sql};`);
  const out: string[] = [];
  for (const g of onlineGroups(script)) {
    out.push(sqlComment(`${g.label.replace(/^--\s*/, '')}${g.transactional ? '' : ' (outside a transaction)'}`, true));
    const body = g.statements.map((s) => stmt(s.sql));
    out.push(...(g.transactional ? ['BEGIN;', ...body, 'COMMIT;'] : body), '');
  }
  return out.join('\n');
}
