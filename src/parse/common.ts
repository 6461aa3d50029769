/** Readers shared by the section parsers: ids, defaults, sequence options, index elements. */
import { parseQid, qid, splitId } from '../model/ids.js';
import { normalizeCollation } from '../canon/types.js';
import type { Default, IndexElement, SequenceOptions } from '../model/types.js';
import { KEYS } from './keys.js';
import type { Ctx, Keyed, MapNode, Node } from './node.js';
import { undef, type Mutable } from './drafts.js';
import { OPCLASS_PARAMS, readStorageParams } from './grants.js';

/** ParsedId is an object name read from YAML with its canonical id. */
export interface ParsedId {
  readonly schema: string;
  readonly name: string;
  readonly id: string;
}

/** readId reads `name` or `schema.name` (parts may be double-quoted) and checks each part. */
export function readId(ctx: Ctx, n: Node, what: string): ParsedId | undefined {
  const text = ctx.text(n, what);
  if (text === undefined) return undefined;
  if (text.trim() === '') {
    ctx.error('invalid-name', n, `${what} is empty`, 'give it a name');
    return undefined;
  }
  const q = parseQid(text);
  if (!q) {
    ctx.error(
      'invalid-name',
      n,
      `${what} \`${text}\` is not a valid name`,
      'write `name` or `schema.name`; double-quote a part that contains a dot',
    );
    return undefined;
  }
  if (!ctx.checkName(n, q.schema, `schema name of ${what}`) || !ctx.checkName(n, q.name, what)) return undefined;
  return { schema: q.schema, name: q.name, id: qid(q.schema, q.name) };
}

/** refId normalises a reference to another object (`public.users` -> `users`); undefined when malformed. */
export function refId(ctx: Ctx, n: Node, what: string): string | undefined {
  return readId(ctx, n, what)?.id;
}

/** splitRef splits a dotted reference into parts (quotes respected). */
export function splitRef(ctx: Ctx, n: Node, text: string, what: string): string[] | undefined {
  const parts = splitId(text);
  if (!parts) ctx.error('invalid-name', n, `${what} \`${text}\` is not a valid name`);
  return parts;
}

/** readDefault reads `default: literal` or `default: { sql: expr }`; `default: null` means no default. */
export function readDefault(ctx: Ctx, n: Node): Default | undefined {
  const d = readDefaultValue(ctx, n);
  if (d && 'sql' in d)
    ctx.noteSql('expr', 'default', d.sql, n.t === 'map' ? n.entries.find((e) => e.key === 'sql')!.value : n);
  else if (d && n.t === 'scalar') ctx.noteSql('default', 'default', n.source.trim(), n, d.literal);
  return d;
}

function readDefaultValue(ctx: Ctx, n: Node): Default | undefined {
  if (n.t === 'scalar') {
    if (n.value === null) return undefined;
    if (typeof n.value === 'number') {
      // .inf/.nan as PostgreSQL spells them; a number JS cannot hold (1e-400, 1e400) exactly as written
      if (Number.isNaN(n.value)) return { literal: 'NaN' };
      if (/^[-+]?\.inf$/i.test(n.source.trim())) return { literal: n.value > 0 ? 'Infinity' : '-Infinity' };
      if (!Number.isFinite(n.value) || (n.value === 0 && /[1-9].*[eE]/.test(n.source)))
        return { literal: n.source.trim() };
      return Number.isSafeInteger(n.value) || !/^[-+]?\d+$/.test(n.source)
        ? { literal: n.value }
        : { literal: n.source };
    }
    return { literal: n.value };
  }
  const m = ctx.map(n, '`default`');
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.default, '`default` (write a value, or { sql: expression })');
  const e = k.get('sql');
  if (!e) {
    ctx.error(
      'missing-key',
      m,
      '`default` as a map needs `sql:` (an SQL expression)',
      'write `default: value` for a literal, `default: { sql: now() }` for an expression',
    );
    return undefined;
  }
  const s = ctx.text(e.value, '`default.sql`');
  return s === undefined ? undefined : { sql: s.trim() };
}

/** readSeqOptions reads sequence options (start, increment, min, max, cache, cycle, type) from map entries. */
export function readSeqOptions(ctx: Ctx, k: Keyed, withType: boolean): SequenceOptions {
  const o: Mutable<SequenceOptions> = {};
  if (withType && k.has('type')) {
    const t = ctx.oneOf(
      k.get('type')!.value,
      ['smallint', 'integer', 'bigint', 'int', 'int2', 'int4', 'int8'] as const,
      'sequence `type`',
    );
    if (t)
      o.type =
        ({ int: 'integer', int2: 'smallint', int4: 'integer', int8: 'bigint' } as Record<string, string>)[t] ?? t;
  }
  for (const key of ['start', 'increment', 'min', 'max', 'cache'] as const) {
    const e = k.get(key);
    if (e) o[key] = ctx.num(e.value, `\`${key}\``, key === 'cache' ? 1n : undefined);
  }
  if (k.has('cycle')) o.cycle = ctx.bool(k.get('cycle')!.value, '`cycle`');
  if (o.increment !== undefined && /^-?0+$/.test(o.increment))
    ctx.error('invalid-value', k.get('increment')!.value, '`increment` must not be zero');
  return undef(o);
}

/** readText reads an optional text entry (`comment:`, `collation:`...); `key:` with nothing is absent. */
export function readText(ctx: Ctx, k: Keyed, key: string, what = `\`${key}\``): string | undefined {
  const e = k.get(key);
  if (!e || (e.value.t === 'scalar' && e.value.value === null)) return undefined;
  return ctx.text(e.value, what);
}

/** readBool reads an optional boolean entry. */
export function readBool(ctx: Ctx, k: Keyed, key: string): boolean | undefined {
  const e = k.get(key);
  return e ? ctx.bool(e.value, `\`${key}\``) : undefined;
}

/** readName reads an optional name entry (`renamed_from`, `name`), checking identifier rules. */
export function readName(ctx: Ctx, k: Keyed, key: string, what = `\`${key}\``): string | undefined {
  const e = k.get(key);
  return e ? ctx.name(e.value, what) : undefined;
}

/** readExpr reads an SQL expression, trims surrounding whitespace and notes it for the validator (one expression). */
export function readExpr(ctx: Ctx, k: Keyed, key: string): string | undefined {
  const s = readText(ctx, k, key)?.trim();
  if (s) ctx.noteSql('expr', key, s, k.get(key)!.value);
  return s;
}

/** mapOrNothing reads a map, treating `key:` with nothing as an empty map. */
export function mapOrNothing(ctx: Ctx, n: Node, what: string): MapNode | undefined {
  if (n.t === 'scalar' && n.value === null) return { t: 'map', file: n.file, offset: n.offset, entries: [] };
  return ctx.map(n, what);
}

/** isNull tells whether a node is an empty value. */
export function isNull(n: Node): boolean {
  return n.t === 'scalar' && n.value === null;
}

const ORDER_SUFFIX = /\s+(asc|desc)$/i;
const NULLS_SUFFIX = /\s+nulls\s+(first|last)$/i;
const PLAIN_COLUMN = /^(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*|"(?:[^"]|"")+")$/;

/** parseElementText reads `created_at desc nulls first` / `lower(email)` into an index element. */
export function parseElementText(
  text: string,
  mode: 'column' | 'expression' | 'either',
  columns: readonly string[],
): IndexElement {
  const raw = text.trim();
  if (mode !== 'expression' && columns.includes(raw)) return { column: raw };
  let rest = raw;
  let nulls: 'first' | 'last' | undefined;
  let order: 'desc' | undefined;
  const n = NULLS_SUFFIX.exec(rest);
  if (n) {
    nulls = n[1]!.toLowerCase() as 'first' | 'last';
    rest = rest.slice(0, n.index).trim();
  }
  const o = ORDER_SUFFIX.exec(rest);
  if (o) {
    if (o[1]!.toLowerCase() === 'desc') order = 'desc';
    rest = rest.slice(0, o.index).trim();
  }
  const base: Mutable<IndexElement> = {};
  const isColumn = mode === 'column' || (mode === 'either' && (columns.includes(rest) || PLAIN_COLUMN.test(rest)));
  const named = isColumn ? undefined : columnOf(rest, columns);
  if (isColumn)
    base.column = /^".*"$/.test(rest) && !columns.includes(rest) ? rest.slice(1, -1).replace(/""/g, '"') : rest;
  else if (named !== undefined) base.column = named;
  else base.expression = rest;
  if (order) base.order = order;
  if (nulls) base.nulls = nulls;
  return base;
}

/** columnOf returns the column an expression merely names (`name`, `(name)`, `"Name"`), so it is stored as that column, as PostgreSQL does. */
export function columnOf(expression: string, columns: readonly string[]): string | undefined {
  let e = expression.trim();
  while (e.startsWith('(') && e.endsWith(')')) e = e.slice(1, -1).trim();
  if (/^"(?:[^"]|"")+"$/.test(e)) {
    const name = e.slice(1, -1).replace(/""/g, '"');
    return columns.includes(name) ? name : undefined;
  }
  return /^[a-z_][a-z0-9_$]*$/.test(e) && columns.includes(e) ? e : undefined;
}

/**
 * readOpclassParams reads a key's `opclass_params: { siglen: 100 }` (operator class parameters), which PostgreSQL
 * writes only after an operator class: without `opclass` beside it they are a located error.
 */
export function readOpclassParams(
  ctx: Ctx,
  k: Keyed,
  opclass: string | undefined,
  what: string,
): Record<string, string> | undefined {
  const e = k.get('opclass_params');
  if (!e) return undefined;
  if (opclass === undefined) {
    ctx.error(
      'missing-key',
      e.keyNode,
      `\`opclass_params\` of ${what} needs \`opclass\`: operator class parameters follow the class they belong to`,
      'name the operator class, e.g. `opclass: tsvector_ops` (the default one must be named too)',
    );
    return undefined;
  }
  return readStorageParams(ctx, e.value, what, OPCLASS_PARAMS);
}

/** readElement reads one index key, as text or as `{ column | expression, collation, opclass, order, nulls }`. */
export function readElement(
  ctx: Ctx,
  n: Node,
  mode: 'column' | 'expression' | 'either',
  columns: readonly string[],
): IndexElement | undefined {
  if (n.t === 'scalar') {
    const s = ctx.text(n, 'an index key');
    const el = s === undefined ? undefined : parseElementText(s, mode, columns);
    if (el?.expression) ctx.noteSql('expr', 'index key', el.expression, n);
    return el;
  }
  const m = ctx.map(n, 'an index key');
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.indexElement, 'an index key');
  const el: Mutable<IndexElement> = {};
  const column = readText(ctx, k, 'column');
  const expression = readExpr(ctx, k, 'expression');
  if ((column === undefined) === (expression === undefined)) {
    ctx.error('invalid-value', m, 'an index key needs exactly one of `column` and `expression`');
    return undefined;
  }
  const named = expression === undefined ? undefined : columnOf(expression, columns);
  if (column !== undefined) el.column = column;
  else if (named !== undefined) el.column = named;
  else if (expression !== undefined) el.expression = expression;
  const collation = readText(ctx, k, 'collation');
  if (collation !== undefined) el.collation = normalizeCollation(collation);
  const opclass = readText(ctx, k, 'opclass');
  if (opclass !== undefined) el.opclass = opclass;
  const params = readOpclassParams(ctx, k, opclass, 'an index key');
  if (params) el.opclassParams = params;
  if (k.has('order')) {
    const o = ctx.oneOf(k.get('order')!.value, ['asc', 'desc'] as const, '`order`');
    if (o === 'desc') el.order = 'desc';
  }
  if (k.has('nulls')) {
    const v = ctx.oneOf(k.get('nulls')!.value, ['first', 'last'] as const, '`nulls`');
    if (v) el.nulls = v;
  }
  readElementStatistics(ctx, k, el);
  return el;
}

/** readElementStatistics reads an index key's `statistics` (ALTER INDEX ... ALTER COLUMN n SET STATISTICS): expression keys only. */
function readElementStatistics(ctx: Ctx, k: Keyed, el: Mutable<IndexElement>): void {
  const stats = k.get('statistics');
  if (!stats) return;
  if (el.expression === undefined) {
    ctx.error(
      'invalid-value',
      stats.keyNode,
      `\`statistics\` is only for an expression key: PostgreSQL takes no statistics target on the index column of table column \`${el.column ?? ''}\``,
      "set the table column's own `statistics` instead, or make the key an `expression`",
    );
    return;
  }
  const n = ctx.num(stats.value, '`statistics`', 0n);
  if (n === undefined) return;
  if (Number(n) > 10000) ctx.error('invalid-value', stats.value, '`statistics` must be at most 10000');
  else el.statistics = Number(n);
}

/** refuseNullableNotNull refuses `nullable: true` beside `not_null` (a column's or a domain's), at the `nullable` value. */
export function refuseNullableNotNull(ctx: Ctx, nullable: Node, what: string): void {
  ctx.error(
    'conflicting-attributes',
    nullable,
    `${what} has a \`not_null\` constraint and cannot be nullable`,
    'remove `nullable: true`, or remove `not_null`',
  );
}

/**
 * refusePgNotNullName refuses a declared not-null constraint name of the form PostgreSQL gives its own (`..._not_null`,
 * model/types.ts pgNotNullName), which it keeps through renames; `own` is the name PostgreSQL would give this one.
 */
export function refusePgNotNullName(ctx: Ctx, at: Node, what: string, name: string, own: string): void {
  ctx.error(
    'invalid-name',
    at,
    `${what}: the not-null constraint name \`${name}\` has the form PostgreSQL gives its own names (\`..._not_null\`), which it keeps through renames, so schemaver cannot tell it from one PostgreSQL chose`,
    `choose a name not ending in \`_not_null\`, or leave it out (PostgreSQL names it \`${own}\`)`,
  );
}

/**
 * readExtensionMarks reads `depends_on_extensions`: the extensions an object is marked as depending on (ALTER ...
 * DEPENDS ON EXTENSION; dropping one drops the object); undefined when absent or empty.
 */
export function readExtensionMarks(ctx: Ctx, k: Keyed, what: string): string[] | undefined {
  const e = k.get('depends_on_extensions');
  if (!e) return undefined;
  const list = ctx.texts(e.value, `\`depends_on_extensions\` of ${what}`);
  if (!list) return undefined;
  const names = list.map((x) => x.trim());
  if (names.some((x) => x === '')) {
    ctx.error('invalid-value', e.value, `\`depends_on_extensions\` of ${what} names an empty extension`);
    return undefined;
  }
  return names.length ? [...new Set(names)].sort() : undefined;
}
