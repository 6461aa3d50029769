/**
 * Semantic validation before planning: the SQL texts of a parsed schema (types, expressions, view queries, literal
 * defaults, SQL function bodies), each checked with PostgreSQL's own grammar and against the schema's objects, every
 * problem located at its YAML node and all reported in one run. The parser records each text with ctx.noteSql; a
 * new kind of object plugs in by noting its SQL texts with a form below — nothing here needs to change.
 */
import { invalidSchema, sortIssues, type Issue } from '../errors.js';
import type { ParseResult } from '../parse/index.js';
import type { Schema } from '../model/types.js';
import type { SqlForm, SqlRef } from '../parse/node.js';
import { checkLiteralDefault } from './defaults.js';
import { checkExpression, clip } from './exprs.js';
import { collector, type Report } from './report.js';
import {
  compilePlpgsql,
  loadSqlParser,
  parseSql,
  ParserNeeded,
  recordSqlMemo,
  seedSqlMemo,
  type SqlMemo,
} from './sqlparse.js';
import { checkType, typeContext, type TypeContext } from './types.js';
import { checkViewQuery } from './views.js';

/** ValidateOptions tune validateSchema: `timings` receives milliseconds for loading the SQL parser and for the checks. */
export interface ValidateOptions {
  readonly timings?: Record<string, number>;
  /**
   * incomplete: what parse issues may have left out of the schema (ParseResult.incomplete); checks that could then
   * report a false "unknown" (a type, table or column the parser dropped) stay silent about those.
   */
  readonly incomplete?: ReadonlySet<string>;
  /**
   * memo: answers of the SQL parser remembered from an earlier run (`seed`, by exact text), and where to hand the
   * answers this run used (`keep`, with how many were new), so a caller can keep them between processes.
   */
  readonly memo?: { readonly seed?: SqlMemo; readonly keep?: (memo: SqlMemo, fresh: number) => void };
}

/** Env is what every check gets: the schema, its declared types, where to report, and what may be missing. */
export interface Env {
  readonly schema: Schema;
  readonly types: TypeContext;
  readonly report: Report;
  readonly incomplete: ReadonlySet<string>;
}

/** CHECKS maps each form of SQL text to its check. */
const CHECKS: Readonly<Record<SqlForm, (ref: SqlRef, env: Env) => void>> = {
  type: (ref, env) => checkType(ref, env.types, env.report),
  expr: (ref, env) => checkExpression(env, ref),
  query: (ref, env) => checkViewQuery(env, ref),
  default: (ref, env) => checkLiteralDefault(env, ref),
  body: (ref, env) => checkBody(ref, env.report),
  clause: (ref, env) => checkClause(ref, env.report),
};

/**
 * validateSchema checks the SQL texts the parser recorded (ParseResult.sql) against the parsed schema and returns
 * every issue, sorted by place. libpg_query is loaded only when some text needs parsing and has no answer in this
 * process's cache or the seeded memo: the checks run, and those that needed it run again once it is loaded.
 */
export async function validateSchema(
  schema: Schema,
  refs: readonly SqlRef[],
  opts: ValidateOptions = {},
): Promise<Issue[]> {
  const tm = opts.timings;
  const incomplete = opts.incomplete ?? new Set<string>();
  const types = typeContext(schema, incomplete);
  if (opts.memo?.seed) seedSqlMemo(opts.memo.seed);
  const stop = opts.memo?.keep ? recordSqlMemo() : undefined;
  try {
    let t = performance.now();
    const env: Env = { schema, types, report: () => undefined, incomplete };
    const found: Issue[][] = new Array<Issue[]>(refs.length);
    const deferred = runChecks(refs, refs.keys(), env, found);
    if (deferred.length) {
      const t0 = performance.now();
      await loadSqlParser();
      if (tm) tm.sqlParserLoad = (tm.sqlParserLoad ?? 0) + performance.now() - t0;
      if (tm) tm.validate = (tm.validate ?? 0) + t0 - t;
      t = performance.now();
      runChecks(refs, deferred, env, found);
    }
    if (tm) tm.validate = (tm.validate ?? 0) + performance.now() - t;
    return sortIssues(found.flat()); // in the order of the texts, however many waited for the parser
  } finally {
    if (stop) {
      const { memo, fresh } = stop();
      opts.memo!.keep!(memo, fresh);
    }
  }
}

/**
 * runChecks runs the checks of the texts `which`, putting each one's issues in `found` at its index, and returns the
 * indexes of those deferred: a check that needs libpg_query while it is not loaded (ParserNeeded) is dropped with what
 * it reported, to run again once it is loaded.
 */
function runChecks(refs: readonly SqlRef[], which: Iterable<number>, base: Env, found: Issue[][]): number[] {
  const deferred: number[] = [];
  for (const i of which) {
    const { report, issues } = collector();
    try {
      CHECKS[refs[i]!.form](refs[i]!, { ...base, report });
      found[i] = issues;
    } catch (e) {
      if (!(e instanceof ParserNeeded)) throw e;
      deferred.push(i);
    }
  }
  return deferred;
}

/** checkClause reports text that, pasted into its statement, is not exactly that one statement. */
function checkClause(ref: SqlRef, report: Report): void {
  const t = ref.template ?? '{}';
  const at = t.indexOf('{}');
  const p = parseSql(t.slice(0, at) + ref.text + t.slice(at + 2));
  if (p.ok && p.stmts.length === 1 && Object.keys(p.stmts[0]!)[0] === ref.stmt) return;
  report(
    p.ok ? 'not-one-clause' : 'invalid-clause',
    ref.at,
    p.ok
      ? `\`${ref.field}\` must be one SQL ${ref.field}, but \`${clip(ref.text)}\` reaches past it`
      : `\`${ref.field}\` is not valid SQL here: ${p.message}`,
    'schemaver pastes it into the DDL as it is, so it must be exactly one such clause',
  );
}

/**
 * checkBody reports a `language: sql` function body that PostgreSQL's grammar cannot read, and a `language: plpgsql`
 * body that PostgreSQL's plpgsql compiler refuses (what CREATE FUNCTION itself checks).
 */
function checkBody(ref: SqlRef, report: Report): void {
  if (ref.scope.language === 'plpgsql') return checkPlpgsql(ref, report);
  if (ref.scope.language !== 'sql') return;
  if (/^\s*(begin\s+atomic\b|return\b)/i.test(ref.text)) {
    // written without quotes after the header (SQL-standard body): it must end the one CREATE FUNCTION statement
    const one = { ...ref, template: 'CREATE FUNCTION f() RETURNS int LANGUAGE sql {}', stmt: 'CreateFunctionStmt' };
    return checkClause(one, report);
  }
  const p = parseSql(ref.text);
  if (!p.ok)
    report(
      'invalid-body',
      ref.at,
      `the \`body\` of this SQL function is not valid SQL: ${p.message}`,
      'write SQL statements separated by `;` (for plpgsql, set `language: plpgsql`)',
    );
}

/**
 * checkedSchema returns the schema of a parse that passes the parser and the validator, or throws one exit-2
 * SchemaverError with every issue of both (the validator also runs on what did parse, so all show in one run).
 */
export async function checkedSchema(parsed: ParseResult, opts: Pick<ValidateOptions, 'memo'> = {}): Promise<Schema> {
  const model = parsed.schema ?? parsed.partial;
  const found = model ? await validateSchema(model, parsed.sql, { ...opts, incomplete: parsed.incomplete }) : [];
  if (parsed.schema && !found.length) return parsed.schema;
  const all = mergeIssues(parsed.issues, found);
  throw invalidSchema(all.length ? all : [{ code: 'invalid-schema', message: 'schema/ is invalid' }]);
}

/** mergeIssues puts the parser's and the validator's issues in one list, by place (the same place and code once). */
export function mergeIssues(a: readonly Issue[], b: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  const out: Issue[] = [];
  for (const i of sortIssues([...a, ...b])) {
    const key = `${i.code} ${i.loc ? `${i.loc.file}:${i.loc.line}:${i.loc.col}` : i.message}`;
    if (!seen.has(key)) (seen.add(key), out.push(i));
  }
  return out;
}

/**
 * checkPlpgsql compiles a plpgsql body inside its own CREATE statement (ref.template, body dollar-quoted with a tag
 * the body does not hold). A header that does not parse is left to its own clause checks (args, returns).
 */
function checkPlpgsql(ref: SqlRef, report: Report): void {
  const header = ref.template;
  if (header === undefined) return;
  let tag = '$sv$';
  for (let i = 0; ref.text.includes(tag); i++) tag = `$sv${i}$`;
  const at = header.indexOf('{}');
  const wrap = (body: string): string => header.slice(0, at) + tag + body + tag + header.slice(at + 2);
  const shape = parseSql(wrap('BEGIN END'));
  if (!shape.ok || shape.stmts.length !== 1) return;
  const message = compilePlpgsql(wrap(ref.text));
  if (message === undefined) return;
  const near = /at or near "([^"]*)"/.exec(message)?.[1];
  const offset = near ? ref.text.indexOf(near) : -1;
  const line = offset < 0 ? undefined : ref.text.slice(0, offset).split('\n').length;
  report(
    'invalid-body',
    ref.at,
    `the \`body\` of this plpgsql function does not compile: ${message}${line && ref.text.includes('\n') ? ` (line ${line} of the body)` : ''}`,
    /is not a known variable/.test(message)
      ? 'declare it in a DECLARE block before BEGIN, or use an argument name; PostgreSQL refuses the function as written'
      : 'PostgreSQL refuses this CREATE FUNCTION as written; check the statement near the quoted word',
  );
}
