/**
 * PostgreSQL's deparser is not a fixpoint for an IN list over a column of another type than its literals
 * (`s IN ('a', 'b')` on a varchar column): the catalog holds an array of varchar constants coerced to text[] as a
 * whole, written back as `(ARRAY['a'::character varying, 'b'::character varying])::text[]`, but that text parses
 * into an array of text casts, one per element, which is written differently. keepArrayCoercion rewrites such
 * an array so it parses back to the catalog's own form: `ARRAY[...]::character varying[]::text[]` (the inner cast
 * does nothing to the elements, the outer one coerces the array).
 */

/** A literal (or NULL) cast to a plain type name, maybe with a length: `'x'::character varying(3)`, `NULL::bigint`. */
const CAST_LITERAL = /^(?:'(?:[^']|'')*'|NULL)::([a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*)(\(\d+(?:,\d+)?\))?$/i;
/** What follows the array: an optional closing parenthesis, then a cast to an array type. */
const ARRAY_CAST = /^(\)?)::([a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*)\[\]/i;

/** keepArrayCoercion: `text` with each whole-array coercion of same-typed literals written to parse back as itself. */
export function keepArrayCoercion(text: string): string {
  if (!/array\s*\[/i.test(text)) return text;
  let out = '';
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      i = skipQuoted(text, i, ch);
      continue;
    }
    if ((ch !== 'A' && ch !== 'a') || !/^array\[/i.test(text.slice(i, i + 6))) continue;
    if (i > 0 && /[\w$.]/.test(text[i - 1]!)) continue;
    const open = i + 5;
    const close = matchingBracket(text, open);
    if (close < 0) continue;
    const m = ARRAY_CAST.exec(text.slice(close + 1));
    const elems = splitTop(text.slice(open + 1, close));
    const casts = elems.map((e) => CAST_LITERAL.exec(e.trim()));
    const base = casts[0]?.[1]?.toLowerCase();
    // every element of one type, length included (`character varying(5)[]`); mixed lengths have no such spelling
    const mods = new Set(casts.map((c) => c?.[2] ?? ''));
    const elem = base && mods.size === 1 ? base + [...mods][0]! : undefined;
    if (m && elem && casts.every((c) => c?.[1]?.toLowerCase() === base) && base !== m[2]!.toLowerCase()) {
      out += text.slice(at, close + 1) + `::${elem}[]`;
      at = close + 1;
    }
  }
  return at === 0 ? text : out + text.slice(at);
}

/** skipQuoted returns the index of the quote closing the literal or identifier opened at `i`. */
function skipQuoted(text: string, i: number, q: string): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] !== q) continue;
    if (text[j + 1] === q) j++;
    else return j;
  }
  return text.length;
}

/** matchingBracket returns the index of the `]` closing the `[` at `open`, or -1. */
function matchingBracket(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const ch = text[j]!;
    if (ch === "'" || ch === '"') j = skipQuoted(text, j, ch);
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') {
      depth--;
      if (depth === 0) return ch === ']' ? j : -1;
    }
  }
  return -1;
}

/** splitTop splits a list at its top-level commas. */
function splitTop(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let j = 0; j < list.length; j++) {
    const ch = list[j]!;
    if (ch === "'" || ch === '"') j = skipQuoted(list, j, ch);
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(list.slice(from, j));
      from = j + 1;
    }
  }
  out.push(list.slice(from));
  return out;
}
