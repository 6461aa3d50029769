/**
 * Expression fields (checks, defaults, generated columns, index keys and predicates, trigger conditions, policies):
 * each must be exactly one SQL expression, and the columns it names must exist. schemaver pastes an expression into
 * DDL (`CHECK (...)`), so it is parsed the way it will be pasted — `SELECT (<expr>)` — and the tree must be one
 * statement with one target and nothing else, or the text escapes its parentheses.
 */
import type { SqlRef } from '../parse/node.js';
import { suggest } from '../parse/node.js';
import { nodeType, parseSql, strings, walk, type PgNode } from './sqlparse.js';
import { tableColumns } from './columns.js';
import type { Report } from './report.js';
import type { Env } from './index.js';

/** checkExpression reports an expression that does not parse, is not one expression, or names a missing column. */
export function checkExpression(env: Env, ref: SqlRef): void {
  const { schema, report } = env;
  const tree = parseExpression(ref, report);
  if (tree === undefined) return;
  if (ref.field === 'default' || ref.field === 'default.sql') return checkDefaultRefs(ref, tree, report);
  const { table, domain, view } = ref.scope;
  if (domain !== undefined && table === undefined) return checkDomainRefs(ref, tree, domain, report);
  if (table !== undefined && view === undefined && !env.incomplete.has(`table:${table}`))
    checkTableRefs(schema, ref, tree, table, report);
}

/** parseExpression parses `SELECT (<text>)` and returns the one expression's tree, or reports why it is not one. */
export function parseExpression(ref: SqlRef, report: Report): PgNode | undefined {
  const p = parseSql(`SELECT (${ref.text})`);
  const what = `\`${ref.field}\``;
  const several = !p.ok && ref.text.includes(';') ? parseSql(`SELECT ${ref.text}`) : undefined;
  if (!p.ok && !(several?.ok && several.stmts.length > 1)) {
    report(
      'invalid-expression',
      ref.at,
      `${what} is not a valid SQL expression: ${p.message}`,
      'write one SQL expression, e.g. `price > 0`, `lower(email)`, `now()`',
    );
    return undefined;
  }
  const target = p.ok ? oneTarget(p.stmts) : undefined;
  if (target === undefined) {
    report(
      'not-one-expression',
      ref.at,
      `${what} must be exactly one SQL expression, but \`${clip(ref.text)}\` holds more (a statement, a second value or a clause)`,
      'write a single expression; schemaver pastes it into the DDL as it is, so anything after it would run too',
    );
    return undefined;
  }
  return target;
}

/** oneTarget returns the expression of `SELECT (<expr>)` when the statements are exactly that, else undefined. */
function oneTarget(stmts: readonly Record<string, unknown>[]): PgNode | undefined {
  if (stmts.length !== 1) return undefined;
  const s = nodeType(stmts[0]);
  if (!s || s[0] !== 'SelectStmt') return undefined;
  for (const k of Object.keys(s[1])) if (!['targetList', 'limitOption', 'op'].includes(k)) return undefined;
  if (s[1].op !== 'SETOP_NONE' || s[1].limitOption !== 'LIMIT_OPTION_DEFAULT') return undefined;
  const list = s[1].targetList;
  if (!Array.isArray(list) || list.length !== 1) return undefined;
  const rt = nodeType(list[0]);
  if (!rt || rt[0] !== 'ResTarget') return undefined;
  for (const k of Object.keys(rt[1])) if (!['val', 'location'].includes(k)) return undefined;
  return rt[1].val;
}

/** columnRefs lists the column references of an expression outside subqueries, as name lists (`['new','a']`). */
export function columnRefs(tree: PgNode): string[][] {
  const out: string[][] = [];
  walk(tree, (type, f) => {
    if (type === 'SubLink') return false; // a subquery has its own FROM: not this object's columns
    if (type === 'ColumnRef') {
      const names = strings(f.fields);
      if (names) out.push(names); // `t.*` (A_Star) is not a plain name list: skipped
      return false;
    }
    return true;
  });
  return out;
}

function checkDefaultRefs(ref: SqlRef, tree: PgNode, report: Report): void {
  const refs = columnRefs(tree);
  if (refs.length === 0) return;
  const name = refs[0]!.join('.');
  report(
    'column-in-default',
    ref.at,
    `\`default\` names \`${name}\`, but a default cannot refer to a column (PostgreSQL reads a bare name as one)`,
    /^[a-z_][a-z0-9_]*$/i.test(name)
      ? `for the text, write \`default: '${name}'\`; for a function, call it: \`{ sql: ${name}() }\``
      : 'write a literal, or an expression that names no column',
  );
}

function checkDomainRefs(ref: SqlRef, tree: PgNode, domain: string, report: Report): void {
  for (const names of columnRefs(tree)) {
    if (names.length === 1 && names[0] === 'value') continue;
    report(
      'unknown-column',
      ref.at,
      `\`${ref.field}\` of domain \`${domain}\` names \`${names.join('.')}\`; a domain check can only use VALUE`,
      'write the check on VALUE, e.g. `VALUE > 0`',
    );
    return;
  }
}

function checkTableRefs(schema: Env['schema'], ref: SqlRef, tree: PgNode, table: string, report: Report): void {
  const cols = tableColumns(schema, table);
  if (!cols) return; // columns not decidable (inherited, unknown parent): say nothing
  const t = schema.tables[table];
  const seen = new Set<string>();
  for (const names of columnRefs(tree)) {
    let col: string | undefined;
    if (names.length === 1) col = names[0];
    else if (names.length === 2 && ref.field === 'when' && (names[0] === 'new' || names[0] === 'old')) col = names[1];
    else if (names.length === 2 && t && names[0] === t.name) col = names[1];
    if (col === undefined || cols.includes(col) || (t && col === t.name) || seen.has(col)) continue;
    seen.add(col);
    const guess = suggest(col, cols) ?? cols.find((c) => c.toLowerCase() === col);
    report(
      'unknown-column',
      ref.at,
      `\`${ref.field}\` refers to column \`${col}\`, which table \`${table}\` does not have`,
      guess
        ? guess.toLowerCase() === col && guess !== col
          ? `did you mean \`"${guess}"\`? (SQL folds unquoted names to lower case)`
          : `did you mean \`${guess}\`?`
        : `its columns are ${cols.slice(0, 12).join(', ')}${cols.length > 12 ? ', ...' : ''}`,
    );
  }
}

/** clip shortens a text for a message. */
export function clip(s: string, max = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 3) + '...' : one;
}
