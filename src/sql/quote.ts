/**
 * The one place where names and literals become SQL text.
 * Every identifier in generated SQL goes through quoteIdent/qualified; every literal through quoteLiteral.
 */
import { KEYWORDS } from './keywords.js';

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

/** quoteIdent writes an identifier, double-quoting it unless it is a plain, non-keyword lower-case name. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL byte');
  if (PLAIN.test(name) && !KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** qualified writes `schema.name`, each part through quoteIdent. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** quoteLiteral writes a string literal ('...' with quotes doubled); numbers and booleans as SQL constants. */
export function quoteLiteral(value: string | number | boolean | bigint): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') {
    const s = String(value);
    if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s)) return `'${s}'`; // NaN, Infinity
    return s;
  }
  if (value.includes('\u0000')) throw new Error('literal contains a NUL byte');
  return `'${value.replace(/'/g, "''")}'`;
}
