/**
 * Literal defaults (`default: 42`, `default: abc`) are compiled as literals of the column's type, so PostgreSQL
 * reads them with the type's input function. Where that is decidable here (integers, numerics, booleans, enums
 * declared in schema/) a value the type cannot read is reported; everything else is left to PostgreSQL.
 */
import type { Schema } from '../model/types.js';
import { suggest, type SqlRef } from '../parse/node.js';
import type { Env } from './index.js';

const INT_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};
const FLOATS = new Set(['real', 'double precision', 'numeric']);
const BOOL_TEXT = /^\s*(t|tr|tru|true|f|fa|fal|fals|false|y|ye|yes|n|no|on|of|off|1|0)\s*$/i;
const NUMERIC_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;
const SPECIAL_FLOAT = /^\s*([-+]?(inf|infinity)|nan)\s*$/i;

/** baseType resolves a column type through declared domains to the type whose input reads the literal. */
function baseType(schema: Schema, type: string): string {
  let t = type;
  for (let i = 0; i < 16 && schema.domains[t]; i++) t = schema.domains[t]!.type;
  return t.replace(/\(.*\)$/, '');
}

/** columnType returns the declared type of the column or domain a `default` belongs to. */
function ownerType(schema: Schema, ref: SqlRef): string | undefined {
  const { table, column, domain } = ref.scope;
  if (table !== undefined && column !== undefined)
    return schema.tables[table]?.columns.find((c) => c.name === column)?.type;
  if (domain !== undefined) return schema.domains[domain]?.type;
  return undefined;
}

/** checkLiteralDefault reports a literal default that its column's type cannot read. */
export function checkLiteralDefault(env: Env, ref: SqlRef): void {
  const { schema, report } = env;
  const type = ownerType(schema, ref);
  const v = ref.literal;
  if (type === undefined || v === undefined) return;
  const base = baseType(schema, type);
  if (base.endsWith('[]')) return;
  const owner = ref.scope.column !== undefined ? `column \`${ref.scope.column}\`` : `domain \`${ref.scope.domain}\``;
  const bad = (why: string, hint: string): void =>
    report('invalid-default', ref.at, `\`default: ${ref.text}\` ${why} (${owner} is \`${type}\`)`, hint);
  const range = INT_RANGE[base];
  if (range) {
    if (typeof v === 'boolean') return bad('is a boolean, not an integer', 'write a whole number');
    const s = String(typeof v === 'number' ? ref.text : v).trim();
    if (typeof v === 'number' && !Number.isInteger(v)) return; // 1.5 is rounded by PostgreSQL's assignment cast
    if (!/^[-+]?\d+$/.test(s)) return bad('is not an integer', expressionHint(v));
    const n = BigInt(s);
    if (n < range[0] || n > range[1])
      return bad(`is out of range for ${base}`, `${base} holds ${range[0]} to ${range[1]}`);
    return;
  }
  if (FLOATS.has(base)) {
    if (typeof v === 'boolean') return bad('is a boolean, not a number', 'write a number');
    if (typeof v === 'string' && !NUMERIC_TEXT.test(v) && !SPECIAL_FLOAT.test(v))
      return bad('is not a number', expressionHint(v));
    return;
  }
  if (base === 'boolean') {
    if (typeof v === 'number') return bad('is a number, not a boolean', 'write true or false');
    if (typeof v === 'string' && !BOOL_TEXT.test(v)) return bad('is not a boolean', 'write true or false');
    return;
  }
  const dropped = env.incomplete.has('*') || env.incomplete.has('section:enums');
  const en = dropped ? undefined : schema.enums[base];
  if (en && typeof v === 'string' && !en.values.includes(v)) {
    const guess = suggest(v, en.values);
    return bad(
      `is not a value of enum \`${base}\``,
      guess ? `did you mean \`${guess}\`?` : `its values are ${en.values.join(', ')}`,
    );
  }
}

function expressionHint(v: string | number | boolean): string {
  return typeof v === 'string' && /^[a-z_][a-z0-9_]*$/i.test(v.trim())
    ? `an SQL expression is written \`default: { sql: ${v.trim()}() }\`; a literal must be a value of the column's type`
    : "write a value of the column's type";
}
