/**
 * How a deploy fails, in words: PostgreSQL's fields off a driver error, and the error of a one-transaction deploy
 * that names the edge, step and statement that failed (exit 3).
 */
import { SchemaverError, envFailure, envFromErrno } from '../errors.js';
import { edgeLabel, nodeOut, short } from './path.js';
import type { DeployScript, ScriptUnit } from './script.js';

/** describeDbError reads PostgreSQL's fields off a driver error (pg and PGlite use the same names). */
export function describeDbError(err: unknown): {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: number;
  where?: string;
} {
  const e = (err ?? {}) as {
    message?: string;
    code?: string;
    detail?: string;
    hint?: string;
    position?: string | number;
    where?: string;
  };
  return {
    message: String(e.message ?? err),
    ...(typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? { code: e.code } : {}),
    ...(e.detail ? { detail: e.detail } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.position !== undefined && e.position !== '' ? { position: Number(e.position) } : {}),
    ...(e.where ? { where: e.where } : {}),
  };
}

/** ScriptRun is how far a one-transaction deploy got: its script, and the unit running when it failed. */
export interface ScriptRun {
  script?: DeployScript;
  unit?: ScriptUnit;
}

/** deployFailure is the error a failed one-transaction deploy throws: ours as it is, the environment's (disk full,
 * read-only, permission) as such, a statement's failure located in the script, else the database's. */
export function deployFailure(err: unknown, run: ScriptRun, command: string, label: string): Error {
  if (err instanceof SchemaverError) return err;
  const env = envFromErrno(err); // disk full, read-only, permission: say so, not "the database failed"
  if (env) return env;
  if (run.script) return statementFailure(err, run.unit, run.script, command, label);
  const d = describeDbError(err);
  return envFailure(
    'database-failed',
    `${command} of ${label} failed: ${d.message}`,
    'nothing was changed: the transaction was rolled back',
    undefined,
    { postgres: d },
  );
}

/** statementFailure builds the exit-3 error for a failed statement, naming edge, step and statement. */
function statementFailure(
  err: unknown,
  u: ScriptUnit | undefined,
  script: DeployScript | undefined,
  command: string,
  label: string,
): SchemaverError {
  if (err instanceof SchemaverError) return err;
  const pgErr = describeDbError(err);
  const e = u?.edge !== undefined ? script?.edges[u.edge] : undefined;
  const where = e
    ? `edge ${u!.edge! + 1}/${script!.edges.length} ${edgeLabel(e)}, statement ${u!.statement} of ${u!.statements} (line ${u!.line} of its ${e.direction} script)${u!.step ? `, step "${u!.step}"` : ''}`
    : u
      ? 'a schemaver bookkeeping statement'
      : 'COMMIT';
  const sql = u?.sql ?? 'COMMIT';
  const shown = sql.length > 600 ? sql.slice(0, 600) + ' ...' : sql;
  const pgLine = `PostgreSQL: ${pgErr.message}${pgErr.code ? ` (${pgErr.code})` : ''}${pgErr.detail ? `\n  detail: ${pgErr.detail}` : ''}${pgErr.hint ? `\n  hint: ${pgErr.hint}` : ''}`;
  let hint =
    'nothing was changed: the transaction was rolled back, so the schema and schemaver_version are as they were';
  if (!u && !pgErr.code) {
    // the connection failed while committing: PostgreSQL may or may not have committed
    hint =
      'the connection failed during COMMIT, so the outcome is unknown: run `schemaver current` to see whether the database moved';
  }
  if (pgErr.code === '55P04' && e && u!.edge! > 0) {
    // ALTER TYPE ... ADD VALUE on an earlier edge: the value is usable only once that transaction commits
    hint += `; an enum value added by an earlier edge cannot be used in the same transaction: deploy in two runs, \`schemaver ${command} ${short(e.from)}\` then \`schemaver ${command}\` again`;
  }
  return envFailure(
    'migration-failed',
    `${command} of ${label} failed in ${where}:\n    ${shown.split('\n').join('\n    ')}\n  ${pgLine}`,
    hint,
    undefined,
    {
      edge: e
        ? { from: nodeOut(e.from, undefined).commit, to: nodeOut(e.to, undefined).commit, direction: e.direction }
        : null,
      statement: u?.statement ?? null,
      line: u?.line ?? null,
      step: u?.step ?? null,
      sql,
      postgres: pgErr,
    },
  );
}
