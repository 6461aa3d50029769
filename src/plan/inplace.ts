/**
 * In-place changes of definition objects (src/model/objects.ts), instead of DROP and CREATE, which PostgreSQL
 * refuses for an object something uses: a foreign-data wrapper's options, a server's version and options, a foreign
 * table's own options (ALTER ... OPTIONS (ADD/SET/DROP), ALTER SERVER ... VERSION: a wrapper a server uses, a server
 * a foreign table or user mapping uses, a foreign table a view reads; a user mapping made again would also lose the
 * password the model never holds, src/pg/introspect/foreign.ts); a text search configuration's token mappings and a
 * dictionary's options (ALTER TEXT SEARCH ...: an index expression or a configuration uses them); an aggregate's
 * initial conditions, state sizes and parallel safety (CREATE OR REPLACE AGGREGATE: a view or function uses it).
 */
import type { SqlObject } from '../model/objects.js';

/** InPlace is the up and down SQL of an in-place change. */
export interface InPlace {
  readonly up: string[];
  readonly down: string[];
}

const NAME = String.raw`(?:"(?:[^"]|"")*"|[\w$]+)`;
const OPTION = new RegExp(String.raw`\s*(${NAME})\s+('(?:[^']|'')*')\s*(?:,|$)`, 'y');

/**
 * readPairs reads the whole of `text` as a list of key-value pairs, each matched by the sticky `re` (key in group 1,
 * value in group 2; `key` respells the key), in order; undefined when some part of the text is not such a pair.
 */
function readPairs(re: RegExp, text: string, key = (k: string) => k): Map<string, string> | undefined {
  const out = new Map<string, string>();
  re.lastIndex = 0;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    const m = re.exec(text);
    if (!m || re.lastIndex === at) return undefined;
    out.set(key(m[1]!), m[2]!);
  }
  return out;
}

/** parseOptions reads `k 'v', ...` (optionList's text) into pairs in order; undefined when it is not that form. */
function parseOptions(text: string): Map<string, string> | undefined {
  return readPairs(OPTION, text);
}

/** Edit is one step turning one ordered map into another: a key dropped, added, or given another value. */
type Edit =
  { readonly op: 'drop'; readonly k: string } | { readonly op: 'add' | 'set'; readonly k: string; readonly v: string };

/** mapEdits lists the steps that turn `a` into `b`: `a`'s keys `b` lacks dropped, then `b`'s new or changed keys in order. */
function mapEdits(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): Edit[] {
  const out: Edit[] = [];
  for (const k of a.keys()) if (!b.has(k)) out.push({ op: 'drop', k });
  for (const [k, v] of b) {
    if (!a.has(k)) out.push({ op: 'add', k, v });
    else if (a.get(k) !== v) out.push({ op: 'set', k, v });
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
  const parts = mapEdits(a, b).map((e) => (e.op === 'drop' ? `DROP ${e.k}` : `${e.op.toUpperCase()} ${e.k} ${e.v}`));
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
 * alterInPlace: the statements that turn definition object `a` (its statements `as`, comment and GRANTs left out)
 * into `b` (`bs`) without dropping it; undefined when that cannot be done (then it is dropped and created again).
 */
export function alterInPlace(
  a: SqlObject,
  b: SqlObject,
  as: readonly string[],
  bs: readonly string[],
): InPlace | undefined {
  if (a.type !== b.type) return undefined;
  if (a.type === 'text search configuration') return alterTsConfig(a, as, bs);
  if (a.type === 'text search dictionary') return alterTsDict(a, as, bs);
  if (a.type === 'aggregate') return replaceAggregate(as, bs);
  return alterForeignInPlace(a, b, as, bs);
}

/** alterForeignInPlace: ALTER ... OPTIONS / VERSION for a foreign-data object whose options (or version) alone differ. */
function alterForeignInPlace(
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

/** mappings reads a configuration's `ALTER ... ADD MAPPING FOR <token> WITH <dicts>` statements by token. */
function mappings(head: string, stmts: readonly string[]): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const prefix = `${head} ADD MAPPING FOR `;
  for (const s of stmts) {
    if (!s.startsWith(prefix)) return undefined;
    const m = new RegExp(String.raw`^(${NAME}) WITH ([\s\S]+)$`).exec(s.slice(prefix.length));
    if (!m) return undefined;
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/** alterTsConfig: ADD/ALTER/DROP MAPPING for a text search configuration whose parser is unchanged. */
function alterTsConfig(a: SqlObject, as: readonly string[], bs: readonly string[]): InPlace | undefined {
  if (!as.length || as[0] !== bs[0]) return undefined;
  const head = `ALTER TEXT SEARCH CONFIGURATION ${a.name}`;
  const x = mappings(head, as.slice(1));
  const y = mappings(head, bs.slice(1));
  if (!x || !y) return undefined;
  const verb = { add: 'ADD', set: 'ALTER' } as const;
  const change = (p: ReadonlyMap<string, string>, q: ReadonlyMap<string, string>): string[] =>
    mapEdits(p, q).map((e) =>
      e.op === 'drop' ? `${head} DROP MAPPING FOR ${e.k}` : `${head} ${verb[e.op]} MAPPING FOR ${e.k} WITH ${e.v}`,
    );
  return { up: change(x, y), down: change(y, x) };
}

const DICT_OPTION = new RegExp(String.raw`\s*(${NAME})\s*=\s*('(?:[^']|'')*'|[\w.+-]+)\s*(?:,|$)`, 'y');

/** dictOptions reads `CREATE TEXT SEARCH DICTIONARY n (TEMPLATE = t, k = v, ...)` as its template and options. */
function dictOptions(stmt: string): { template: string; options: Map<string, string> } | undefined {
  const m =
    /^CREATE TEXT SEARCH DICTIONARY [\s\S]*? \(TEMPLATE = ((?:"(?:[^"]|"")*"|[^,()"])+?)(?:, ([\s\S]*))?\)$/.exec(stmt);
  if (!m) return undefined;
  const options = readPairs(DICT_OPTION, m[2] ?? '', (k) => k.toLowerCase());
  return options && { template: m[1]!, options };
}

/** alterTsDict: ALTER TEXT SEARCH DICTIONARY (k = v, k) for a dictionary whose template is unchanged. */
function alterTsDict(a: SqlObject, as: readonly string[], bs: readonly string[]): InPlace | undefined {
  if (as.length !== 1 || bs.length !== 1) return undefined;
  const x = dictOptions(as[0]!);
  const y = dictOptions(bs[0]!);
  if (!x || !y || x.template !== y.template) return undefined;
  const change = (p: ReadonlyMap<string, string>, q: ReadonlyMap<string, string>): string[] => {
    const parts = mapEdits(p, q).map((e) => (e.op === 'drop' ? e.k : `${e.k} = ${e.v}`));
    return parts.length ? [`ALTER TEXT SEARCH DICTIONARY ${a.name} (${parts.join(', ')})`] : [];
  };
  return { up: change(x.options, y.options), down: change(y.options, x.options) };
}

/** REPLACEABLE: the aggregate clauses CREATE OR REPLACE AGGREGATE may change without touching any routine it names. */
const REPLACEABLE = /^(INITCOND|MINITCOND|SSPACE|MSSPACE|PARALLEL) = /;

/** replaceAggregate: CREATE OR REPLACE AGGREGATE when only initial conditions, state sizes or parallel safety differ. */
function replaceAggregate(as: readonly string[], bs: readonly string[]): InPlace | undefined {
  if (as.length !== 1 || bs.length !== 1) return undefined;
  const parts = (s: string) => {
    const m = /^CREATE AGGREGATE ([\s\S]*?) \(\n {2}([\s\S]*)\n\)$/.exec(s);
    return m ? { head: m[1]!, opts: m[2]!.split(',\n  ') } : undefined;
  };
  const x = parts(as[0]!);
  const y = parts(bs[0]!);
  if (!x || !y || x.head !== y.head) return undefined;
  const fixed = (o: readonly string[]) => o.filter((l) => !REPLACEABLE.test(l)).join('\n');
  if (fixed(x.opts) !== fixed(y.opts)) return undefined;
  const replace = (s: string) => [s.replace(/^CREATE AGGREGATE /, 'CREATE OR REPLACE AGGREGATE ')];
  return { up: replace(bs[0]!), down: replace(as[0]!) };
}
