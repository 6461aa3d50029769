/**
 * When a proof fails because the target schema itself does not compile in PostgreSQL, that is the user's schema,
 * not the planner: locateBuildFailure builds the schema from nothing one statement at a time in a fresh PGlite,
 * finds the statement PostgreSQL refuses, and maps it back to the YAML node it came from (the SQL text written
 * there, found in the statement at PostgreSQL's error position, or else the object's first SQL text).
 */
import type { Issue } from '../errors.js';
import { emptySchema, type Schema } from '../model/types.js';
import { locOf, type SqlRef } from '../parse/node.js';
import { planMigration } from '../plan/index.js';
import { buildInto, dbMessage, ensureRoles, extensionNames } from './build.js';
import { execBatched } from './batch.js';
import { insertSamples } from './samples.js';
import { splitStatements } from '../sql/split.js';
import { isOnlineScript } from '../sql/online.js';
import type { DataFailure } from './verify.js';
import type { Driver } from './driver.js';
import { freshPglite } from './pglite.js';

/** BuildFailure is the first statement of a schema's creation script that PostgreSQL refuses. */
export interface BuildFailure {
  readonly object: string;
  readonly statement: string;
  readonly message: string;
  /** position: PostgreSQL's 1-based error position in `statement`, when it gives one. */
  readonly position?: number;
}

/** MAX_FAILURES bounds how many refused statements one diagnosis reports. */
const MAX_FAILURES = 20;

/**
 * buildFailures runs the creation script of `schema` statement by statement and lists the statements PostgreSQL
 * refuses (none when it all runs). After a failure it goes on, leaving out the rest of the failed object's step
 * and failures that only name an object which failed before (they follow from the first).
 */
export async function buildFailures(schema: Schema): Promise<BuildFailure[]> {
  const plan = planMigration(emptySchema(), schema);
  const db = await freshPglite({ extensions: extensionNames(schema) });
  const out: BuildFailure[] = [];
  const failedNames: string[] = [];
  try {
    await ensureRoles(db, schema);
    for (const step of plan.steps) {
      for (const statement of step.sql) {
        try {
          await db.exec(statement);
        } catch (e) {
          const message = dbMessage(e);
          const pos = Number((e as { position?: string | number }).position);
          const consequence = failedNames.some((n) => message.includes(`"${n}"`));
          failedNames.push(step.object.split('.').pop()!.replace(/^"|"$/g, ''));
          if (!consequence)
            out.push({ object: step.object, statement, message, ...(pos > 0 ? { position: pos } : {}) });
          break;
        }
      }
      if (out.length >= MAX_FAILURES) break;
    }
    return out;
  } finally {
    await db.close();
  }
}

/** refFor picks the SQL text of the YAML that the failing statement holds at the error position (or at all). */
export function refFor(f: BuildFailure, refs: readonly SqlRef[]): SqlRef | undefined {
  let best: SqlRef | undefined;
  for (const r of refs) {
    if (r.form === 'default' || r.text.length < 1) continue;
    for (let at = f.statement.indexOf(r.text); at >= 0; at = f.statement.indexOf(r.text, at + 1)) {
      const spans = f.position !== undefined && f.position - 1 >= at && f.position - 1 < at + r.text.length;
      if (spans && (!best || r.text.length < best.text.length)) best = r;
    }
  }
  if (best) return best;
  const owner = (r: SqlRef): string | undefined => r.scope.table ?? r.scope.view ?? r.scope.domain;
  return (
    refs.find((r) => owner(r) === f.object && f.statement.includes(r.text)) ??
    refs.find((r) => owner(r) !== undefined && (f.object === owner(r) || f.object.startsWith(`${owner(r)}.`)))
  );
}

/** locateBuildFailures returns a located issue per statement of the schema that PostgreSQL refuses (none: it compiles). */
export async function locateBuildFailures(schema: Schema, refs: readonly SqlRef[]): Promise<Issue[]> {
  const issues = (await buildFailures(schema)).map((f) => issueOf(f, refs));
  const key = (i: Issue): string =>
    i.loc ? `${i.loc.file}\u0000${String(i.loc.line).padStart(9)}${String(i.loc.col).padStart(9)}` : '\uffff';
  return issues.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function issueOf(f: BuildFailure, refs: readonly SqlRef[]): Issue {
  const ref = refFor(f, refs);
  return {
    code: 'schema-does-not-compile',
    message: `PostgreSQL refuses the schema${ref ? ` (the \`${ref.field}\` written here)` : ` at \`${f.object}\``}: ${f.message}`,
    hint: `fix it in schema/; the statement PostgreSQL refused: ${f.statement.length > 300 ? f.statement.slice(0, 297) + '...' : f.statement}`,
    ...(ref ? { loc: locOf(ref.at) } : {}),
  };
}

/** DATA_STATEMENT matches statements that read or write rows rather than change the schema. */
export const DATA_STATEMENT = /^\s*(INSERT|UPDATE|DELETE|MERGE|COPY|WITH|SELECT|TRUNCATE)\b/i;

/**
 * locateDataFailure finds the statement that fails on rows: `db` (fresh) gets A and its sample rows, then (for
 * down, after up) the script runs one statement at a time in one transaction until PostgreSQL refuses one.
 */
export async function locateDataFailure(
  db: Driver,
  ctx: { from: Schema; expectedFrom: Schema; up: string; down: string | null },
  phase: 'up' | 'down',
  fallback: string,
): Promise<DataFailure> {
  const script = phase === 'up' ? ctx.up : (ctx.down ?? '');
  try {
    await buildInto(db, ctx.from, 'the source schema');
    await insertSamples(db, ctx.expectedFrom);
    if (phase === 'down') await execBatched(db, ctx.up);
    // an online script runs statement by statement outside one transaction, as deployed (a scratch database)
    const online = isOnlineScript(script);
    if (!online) await db.exec('BEGIN');
    try {
      let step: string | undefined;
      for (const st of splitStatements(script)) {
        step = st.comment?.replace(/^--\s*/, '').trim() || step;
        try {
          await db.exec(st.sql);
        } catch (e) {
          const err = e as { code?: unknown; table?: unknown; schema?: unknown };
          const table =
            typeof err.table === 'string' && err.table
              ? typeof err.schema === 'string' && err.schema
                ? `${err.schema}.${err.table}`
                : err.table
              : undefined;
          return {
            phase,
            statement: st.sql.replace(/^(\s*--[^\n]*\n)+/, '').trim(),
            error: dbMessage(e),
            ...(step ? { step } : {}),
            ...(typeof err.code === 'string' ? { code: err.code } : {}),
            ...(table ? { table } : {}),
          };
        }
      }
    } finally {
      if (!online) await db.exec('ROLLBACK').catch(() => undefined);
    }
  } catch {
    /* the answer below still names the error */
  }
  return { phase, statement: '', error: fallback };
}
