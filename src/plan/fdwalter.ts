/**
 * In-place changes of foreign-data objects (src/model/objects.ts): a foreign-data wrapper's options, a server's
 * version and options, a foreign table's own options are changed with ALTER ... OPTIONS (ADD/SET/DROP) and ALTER
 * SERVER ... VERSION instead of DROP and CREATE. PostgreSQL refuses to drop a wrapper a server uses, a server a
 * foreign table or user mapping uses, a foreign table a view reads; and a user mapping made again would lose the
 * password the model never holds (src/pg/introspect/foreign.ts).
 */
import type { SqlObject } from '../model/objects.js';

/** InPlace is the up and down SQL of an in-place change. */
export interface InPlace {
  readonly up: string[];
  readonly down: string[];
}

const NAME = String.raw`(?:"(?:[^"]|"")*"|[\w$]+)`;
const OPTION = new RegExp(String.raw`\s*(${NAME})\s+('(?:[^']|'')*')\s*(?:,|$)`, 'y');

/** parseOptions reads `k 'v', ...` (optionList's text) into pairs in order; undefined when it is not that form. */
function parseOptions(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  OPTION.lastIndex = 0;
  while (OPTION.lastIndex < text.length) {
    const at = OPTION.lastIndex;
    const m = OPTION.exec(text);
    if (!m || OPTION.lastIndex === at) return undefined;
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/** splitTrailingOptions splits a statement into its text and the option list of its trailing ` OPTIONS (...)`. */
function splitTrailingOptions(stmt: string): { head: string; options: Map<string, string> } | undefined {
  const m = /^([\s\S]*?) OPTIONS \(((?:[^()']|'(?:[^']|'')*')*)\)$/.exec(stmt);
  if (!m) return { head: stmt, options: new Map() };
  const options = parseOptions(m[2]!);
  return options ? { head: m[1]!, options } : undefined;
}

/** optionChange writes the `OPTIONS (...)` clause that turns options `a` into `b`; empty when they are equal. */
function optionChange(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const k of a.keys()) if (!b.has(k)) parts.push(`DROP ${k}`);
  for (const [k, v] of b) {
    if (!a.has(k)) parts.push(`ADD ${k} ${v}`);
    else if (a.get(k) !== v) parts.push(`SET ${k} ${v}`);
  }
  return parts.length ? ` OPTIONS (${parts.join(', ')})` : '';
}

const VERSION = / VERSION ('(?:[^']|'')*')/;

/** alterHead is the ALTER statement head of a foreign-data object, or undefined for the other kinds. */
function alterHead(o: SqlObject): string | undefined {
  if (o.type === 'foreign data wrapper') return `ALTER FOREIGN DATA WRAPPER ${o.name}`;
  if (o.type === 'server') return `ALTER SERVER ${o.name}`;
  if (o.type === 'foreign table') return `ALTER FOREIGN TABLE ${o.name}`;
  return undefined;
}

/**
 * alterForeignInPlace: the ALTER statements that turn foreign-data object `a` (its statements `as`, comment and
 * GRANTs left out) into `b` (`bs`) when only their options (and a server's version) differ; undefined otherwise.
 */
export function alterForeignInPlace(
  a: SqlObject,
  b: SqlObject,
  as: readonly string[],
  bs: readonly string[],
): InPlace | undefined {
  const head = alterHead(a);
  if (!head || a.type !== b.type || !as.length || as.length !== bs.length) return undefined;
  if (as.slice(1).join(';\n') !== bs.slice(1).join(';\n')) return undefined;
  const x = splitTrailingOptions(as[0]!);
  const y = splitTrailingOptions(bs[0]!);
  if (!x || !y) return undefined;
  const vx = a.type === 'server' ? VERSION.exec(x.head)?.[1] : undefined;
  const vy = b.type === 'server' ? VERSION.exec(y.head)?.[1] : undefined;
  if (x.head.replace(VERSION, '') !== y.head.replace(VERSION, '')) return undefined;
  const change = (p: typeof x, q: typeof y, vp: string | undefined, vq: string | undefined): string[] => {
    const out: string[] = [];
    if (vp !== vq) out.push(`${head} VERSION ${vq ?? 'NULL'}`);
    const opts = optionChange(p.options, q.options);
    if (opts) out.push(`${head}${opts}`);
    return out;
  };
  return { up: change(x, y, vx, vy), down: change(y, x, vy, vx) };
}
