/**
 * View queries: exactly one SELECT (VALUES, WITH and set operations included) — never a second statement — and,
 * where decidable, every table it reads exists and every column it names exists in the table it qualifies.
 * Undecidable cases (subqueries in FROM, functions, extensions, inherited columns) report nothing.
 */
import { qid } from '../model/ids.js';
import type { Schema } from '../model/types.js';
import type { SqlRef } from '../parse/node.js';
import { suggest } from '../parse/node.js';
import { clip, columnRefs } from './exprs.js';
import { tableColumns } from './columns.js';
import { nodeType, parseSql, walk, type PgNode } from './sqlparse.js';
import type { Env } from './index.js';

/** checkViewQuery reports a view query that is not one query, or reads a table or column that does not exist. */
export function checkViewQuery(env: Env, ref: SqlRef): void {
  const { schema, report } = env;
  const p = parseSql(ref.text);
  if (!p.ok) {
    report('invalid-query', ref.at, `\`query\` is not valid SQL: ${p.message}`, 'write one SELECT statement');
    return;
  }
  const s = p.stmts.length === 1 ? nodeType(p.stmts[0]) : undefined;
  if (!s || s[0] !== 'SelectStmt' || s[1].intoClause !== undefined || p.stmts.length !== 1) {
    report(
      'not-one-query',
      ref.at,
      `a view's \`query\` must be exactly one SELECT, but \`${clip(ref.text)}\` holds ${
        p.stmts.length > 1 ? `${p.stmts.length} statements` : 'a statement that is not a SELECT'
      }`,
      'write one SELECT (or VALUES / WITH ... SELECT); schemaver pastes it into CREATE VIEW, so a second statement would run too',
    );
    return;
  }
  if (modifyingCte(s[1])) {
    report(
      'not-one-query',
      ref.at,
      "a view's `query` holds a data-modifying WITH (INSERT, UPDATE or DELETE)",
      'a view can only read: write a SELECT',
    );
    return;
  }
  // an extension may bring relations we do not know; a parse error may have dropped one
  const inc = env.incomplete;
  if (Object.keys(schema.extensions).length || ['*', 'section:tables', 'section:views'].some((s) => inc.has(s))) return;
  const ctes = new Set<string>();
  walk(s[1], (type, f) => {
    if (type === 'CommonTableExpr' && typeof f.ctename === 'string') ctes.add(f.ctename);
  });
  const missing = unknownRelation(schema, s[1], ctes);
  if (missing && !inc.has(`table:${missing}`)) {
    const guess = suggest(missing, [...Object.keys(schema.tables), ...Object.keys(schema.views)]);
    report(
      'unknown-table',
      ref.at,
      `the view's query reads \`${missing}\`, which is neither a table nor a view in schema/`,
      guess ? `did you mean \`${guess}\`?` : 'declare it, or fix the name',
    );
    return;
  }
  if (missing) return;
  checkSelectColumns(env, ref, s[1], ctes);
}

function modifyingCte(select: Record<string, unknown>): boolean {
  let found = false;
  walk(select, (type, f) => {
    if (type !== 'CommonTableExpr') return true;
    const q = nodeType(f.ctequery);
    if (q && q[0] !== 'SelectStmt') found = true;
    return true;
  });
  return found;
}

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

/** relId returns the id of a RangeVar's relation when it should be in schema/, or undefined (catalog, CTE). */
function relId(f: Record<string, unknown>, ctes: ReadonlySet<string>): string | undefined {
  const rel = f.relname;
  if (typeof rel !== 'string' || f.catalogname !== undefined) return undefined;
  const sch = typeof f.schemaname === 'string' ? f.schemaname : undefined;
  if (sch === undefined && (ctes.has(rel) || rel.startsWith('pg_'))) return undefined;
  if (sch !== undefined && SYSTEM_SCHEMAS.has(sch)) return undefined;
  return qid(sch ?? 'public', rel);
}

function unknownRelation(schema: Schema, select: PgNode, ctes: ReadonlySet<string>): string | undefined {
  let missing: string | undefined;
  walk(select, (type, f) => {
    if (missing !== undefined || type !== 'RangeVar') return missing === undefined;
    const id = relId(f, ctes);
    if (id !== undefined && !schema.tables[id] && !schema.views[id] && !schema.sequences[id]) missing = id;
    return false;
  });
  return missing;
}

interface Source {
  readonly alias: string;
  readonly columns?: readonly string[];
  readonly id?: string;
}

/** fromSources lists the FROM items of one SELECT; a source whose columns are not decidable has no `columns`. */
function fromSources(schema: Schema, from: unknown, ctes: ReadonlySet<string>, out: Source[], quals: PgNode[]): void {
  for (const item of Array.isArray(from) ? from : [from]) {
    const t = nodeType(item);
    if (!t) continue;
    const [type, f] = t;
    const alias = (f.alias as { aliasname?: string } | undefined)?.aliasname;
    if (type === 'RangeVar') {
      const id = relId(f, ctes);
      const name = alias ?? (f.relname as string);
      const aliased = (f.alias as { colnames?: unknown } | undefined)?.colnames !== undefined;
      const cols = id && !aliased && schema.tables[id] ? tableColumns(schema, id) : undefined;
      out.push({ alias: name, ...(cols ? { columns: cols, id } : {}) });
    } else if (type === 'JoinExpr') {
      fromSources(schema, f.larg, ctes, out, quals);
      fromSources(schema, f.rarg, ctes, out, quals);
      if (f.quals) quals.push(f.quals);
      if (alias !== undefined) out.push({ alias });
    } else out.push({ alias: alias ?? '' });
  }
}

function checkSelectColumns(env: Env, ref: SqlRef, sel: Record<string, unknown>, ctes: ReadonlySet<string>): void {
  const { schema, report } = env;
  if (sel.op !== undefined && sel.op !== 'SETOP_NONE') {
    for (const side of [sel.larg, sel.rarg])
      if (side && typeof side === 'object') checkSelectColumns(env, ref, side as Record<string, unknown>, ctes);
    return;
  }
  const sources: Source[] = [];
  const quals: PgNode[] = [];
  fromSources(schema, sel.fromClause ?? [], ctes, sources, quals);
  for (let i = 0; i < sources.length; i++)
    if (sources[i]!.id && env.incomplete.has(`table:${sources[i]!.id}`)) sources[i] = { alias: sources[i]!.alias };
  const allKnown = sources.length > 0 && sources.every((x) => x.columns);
  for (const tree of [sel.targetList, sel.whereClause, ...quals]) {
    if (tree === undefined) continue;
    for (const names of columnRefs(tree)) {
      const problem = unknownColumn(names, sources, allKnown);
      if (problem) {
        report(
          'unknown-column',
          ref.at,
          `the view's query names column \`${problem.name}\`, which ${problem.where}`,
          problem.hint,
        );
        return;
      }
    }
  }
}

function unknownColumn(
  names: readonly string[],
  sources: readonly Source[],
  allKnown: boolean,
): { name: string; where: string; hint: string } | undefined {
  if (names.length === 1) {
    const col = names[0]!;
    if (!allKnown || sources.some((s) => s.alias === col || s.columns!.includes(col))) return undefined;
    const all = sources.flatMap((s) => s.columns!);
    const guess = suggest(col, all);
    return {
      name: col,
      where: `no table in its FROM has (${sources.map((s) => s.id).join(', ')})`,
      hint: guess ? `did you mean \`${guess}\`?` : 'fix the name, or add the column to the table',
    };
  }
  if (names.length !== 2) return undefined;
  const [q, col] = names as [string, string];
  const src = sources.filter((s) => s.alias === q);
  if (src.length !== 1 || !src[0]!.columns || src[0]!.columns.includes(col)) return undefined;
  const guess = suggest(col, src[0]!.columns);
  return {
    name: `${q}.${col}`,
    where: `table \`${src[0]!.id}\` does not have`,
    hint: guess ? `did you mean \`${q}.${guess}\`?` : 'fix the name, or add the column to the table',
  };
}
