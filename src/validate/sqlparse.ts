/**
 * PostgreSQL's own parser (libpg_query compiled to WebAssembly, the `libpg-query` package) behind a lazy loader,
 * so commands whose schema holds no SQL text never load it. Parse trees are plain JSON; walk them with `walk`.
 */

import { baselineWasmOnly } from '../proc.js';

/** PgNode is a node of a libpg_query parse tree: `{ NodeType: { ...fields } }`, arrays and scalars. */
export type PgNode = unknown;

/** Parsed is the outcome of parsing one SQL text: its statements, or PostgreSQL's syntax error with its position. */
export type Parsed =
  | { readonly ok: true; readonly stmts: readonly Record<string, unknown>[] }
  | { readonly ok: false; readonly message: string; readonly position?: number };

interface LibPgQuery {
  loadModule(): Promise<void>;
  parseSync(sql: string): { stmts?: { stmt: Record<string, unknown> }[] };
  parsePlPgSQLSync(sql: string): unknown;
}

let lib: LibPgQuery | undefined;
let loading: Promise<LibPgQuery> | undefined;

/** loadSqlParser loads libpg_query once per process (about 40 ms) and returns it. */
export async function loadSqlParser(): Promise<void> {
  if (lib) return;
  loading ??= (async () => {
    baselineWasmOnly(); // as for PGlite: no optimizing tier-up for the seconds a command parses
    const m = (await import('libpg-query')) as unknown as LibPgQuery;
    await m.loadModule();
    return m;
  })();
  lib = await loading;
}

/** MAX_SQL_LENGTH bounds one SQL text given to the parser (a view query or body longer than 1 MB is refused). */
export const MAX_SQL_LENGTH = 1_000_000;

const cache = new Map<string, Parsed>();
/** compiled: compilePlpgsql's answers by statement (null: it compiles). */
const compiled = new Map<string, string | null>();
const CACHE_SIZE = 20000;

/**
 * ParserNeeded is thrown by parseSql and compilePlpgsql for a text they have no answer for while libpg_query is not
 * loaded: validateSchema then loads it and runs its checks again (so a schema whose texts all have a remembered
 * answer never loads it).
 */
export class ParserNeeded extends Error {}

/** SqlMemo is what parsing SQL texts answered, by exact text: for the caller to keep between processes (seedSqlMemo). */
export interface SqlMemo {
  readonly parsed: Readonly<Record<string, Parsed>>;
  readonly plpgsql: Readonly<Record<string, string | null>>;
}

/** recording: the answers used since recordSqlMemo began, and how many of them were not known before. */
let recording: { parsed: Map<string, Parsed>; plpgsql: Map<string, string | null>; fresh: number } | undefined;

/**
 * parseSql parses SQL text with PostgreSQL's grammar; loadSqlParser must have run, or the text be known (a seeded
 * memo), else it throws ParserNeeded. Results are cached by text (a big schema repeats `now()` and `price >= 0`
 * hundreds of times); trees are shared, so callers never modify them.
 */
export function parseSql(sql: string): Parsed {
  let r = cache.get(sql);
  if (r === undefined) {
    if (!lib) throw new ParserNeeded('parseSql before loadSqlParser');
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(sql, (r = parseUncached(sql)));
    if (recording) recording.fresh++;
  }
  recording?.parsed.set(sql, r);
  return r;
}

/** seedSqlMemo adds remembered answers (from an earlier process) to this process's caches, skipping malformed entries. */
export function seedSqlMemo(memo: SqlMemo): void {
  for (const [sql, r] of Object.entries(memo.parsed ?? {})) {
    const ok = r?.ok === true ? Array.isArray(r.stmts) : r?.ok === false && typeof r.message === 'string';
    if (ok && !cache.has(sql) && cache.size < CACHE_SIZE) cache.set(sql, r);
  }
  for (const [sql, m] of Object.entries(memo.plpgsql ?? {}))
    if ((m === null || typeof m === 'string') && !compiled.has(sql)) compiled.set(sql, m);
}

/** recordSqlMemo starts recording the answers parseSql and compilePlpgsql give; the function it returns stops and returns them. */
export function recordSqlMemo(): () => { memo: SqlMemo; fresh: number } {
  const mine = { parsed: new Map<string, Parsed>(), plpgsql: new Map<string, string | null>(), fresh: 0 };
  recording = mine;
  return () => {
    if (recording === mine) recording = undefined;
    const memo = { parsed: Object.fromEntries(mine.parsed), plpgsql: Object.fromEntries(mine.plpgsql) };
    return { memo, fresh: mine.fresh };
  };
}

function parseUncached(sql: string): Parsed {
  if (!lib) throw new ParserNeeded('parseSql before loadSqlParser');
  if (sql.length > MAX_SQL_LENGTH) return { ok: false, message: `longer than ${MAX_SQL_LENGTH} characters` };
  try {
    const r = lib.parseSync(sql);
    return { ok: true, stmts: (r.stmts ?? []).map((s) => s.stmt) };
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
    const message = String(err.message ?? e).split('\n')[0]!;
    const position = err.sqlDetails?.cursorPosition;
    return { ok: false, message, ...(typeof position === 'number' ? { position } : {}) };
  }
}

/**
 * compilePlpgsql runs PostgreSQL's plpgsql compiler front end (as CREATE FUNCTION does with check_function_bodies)
 * over a CREATE FUNCTION/PROCEDURE statement: syntax and undeclared variables; the SQL inside is checked at run
 * time, as PostgreSQL does. Returns the error message, or undefined when it compiles; loadSqlParser must have run.
 */
export function compilePlpgsql(createStatement: string): string | undefined {
  let m = compiled.get(createStatement);
  if (m === undefined) {
    if (!lib) throw new ParserNeeded('compilePlpgsql before loadSqlParser');
    if (compiled.size >= CACHE_SIZE) compiled.clear();
    compiled.set(createStatement, (m = compileUncached(createStatement, lib) ?? null));
    if (recording) recording.fresh++;
  }
  recording?.plpgsql.set(createStatement, m);
  return m ?? undefined;
}

function compileUncached(createStatement: string, pg: LibPgQuery): string | undefined {
  if (createStatement.length > MAX_SQL_LENGTH) return `longer than ${MAX_SQL_LENGTH} characters`;
  try {
    pg.parsePlPgSQLSync(createStatement);
    return undefined;
  } catch (e) {
    return String((e as { message?: string }).message ?? e).split('\n')[0]!;
  }
}

/** nodeType returns the type name of a parse-tree node (`SelectStmt`, `ColumnRef`...) and its fields. */
export function nodeType(n: PgNode): [string, Record<string, unknown>] | undefined {
  if (n === null || typeof n !== 'object' || Array.isArray(n)) return undefined;
  const keys = Object.keys(n);
  if (keys.length !== 1) return undefined;
  const v = (n as Record<string, unknown>)[keys[0]!];
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? [keys[0]!, v as Record<string, unknown>]
    : undefined;
}

/**
 * walk visits every typed node under `root` (iteratively: parse trees of deeply nested SQL are deep). `visit`
 * returns false to skip a node's children (e.g. a subquery, which has a scope of its own).
 */
export function walk(root: PgNode, visit: (type: string, fields: Record<string, unknown>) => boolean | void): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const n = stack.pop();
    if (n === null || typeof n !== 'object') continue;
    if (Array.isArray(n)) {
      for (let i = n.length - 1; i >= 0; i--) stack.push(n[i]);
      continue;
    }
    const typed = nodeType(n);
    if (typed && visit(typed[0], typed[1]) === false) continue;
    const fields = typed ? typed[1] : (n as Record<string, unknown>);
    for (const k of Object.keys(fields)) {
      const v = fields[k];
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
}

/** strings reads a list of `{String: {sval}}` nodes (names, qualified names); undefined when any is not a string. */
export function strings(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: string[] = [];
  for (const item of list) {
    const t = nodeType(item);
    if (!t || t[0] !== 'String' || typeof t[1].sval !== 'string') return undefined;
    out.push(t[1].sval);
  }
  return out;
}
