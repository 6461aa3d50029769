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

/**
 * quoteLiteral writes a string literal; numbers and booleans as SQL constants. A string without a backslash is
 * `'...'` with quotes doubled; one with a backslash is written `E'...'` with backslashes doubled too, so it reads
 * the same whatever `standard_conforming_strings` says: a `\'` can never end the literal early.
 */
export function quoteLiteral(value: string | number | boolean | bigint): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') {
    const s = String(value);
    if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(s)) return `'${s}'`; // NaN, Infinity
    return s;
  }
  if (value.includes('\u0000')) throw new Error('literal contains a NUL byte');
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** LINE_BREAK matches every character sequence an editor or terminal may show as a new line. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
const LINE_BREAKS = /[\n\r\v\f\u0085\u2028\u2029]+/g;

/**
 * sqlComment writes text as SQL line comments: every line of the text (whatever breaks it: LF, CR, VT, FF, NEL,
 * U+2028/2029) becomes its own `-- ` line, so nothing in a name or message can reach SQL outside the comment.
 * With `oneLine`, each run of breaks becomes one space and the result is a single `-- ` line (step labels). NUL is shown as `\0`.
 */
export function sqlComment(text: string, oneLine = false): string {
  const clean = text.replace(/\u0000/g, '\\0');
  if (oneLine) return `-- ${clean.replace(LINE_BREAKS, ' ')}`;
  return clean
    .split(LINE_BREAK)
    .map((l) => `-- ${l}`)
    .join('\n');
}
