/**
 * The scalar layer of the fast YAML reader (fastyaml.ts): plain scalars resolved as the YAML 1.2 core schema does,
 * where a plain scalar ends, and single- and double-quoted scalars decoded (anything unusual gives up).
 */

/** GiveUp is thrown when the text leaves the supported subset; fastParseYaml turns it into FALLBACK. */
export class GiveUp extends Error {}

/** giveUp abandons the fast path. */
export const giveUp = (): never => {
  throw new GiveUp();
};

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_RE = /^[-+]?[0-9]+$/;
const OCT_RE = /^0o[0-7]+$/;
const HEX_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const SPECIAL_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** plainValue resolves a plain scalar as the YAML 1.2 core schema does. */
export function plainValue(src: string): string | number | boolean | null {
  const c = src.charCodeAt(0);
  // fast exit: most scalars start with a letter that cannot begin a number/bool/null
  if (
    src.length > 0 &&
    ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) &&
    c !== 116 &&
    c !== 102 &&
    c !== 110 &&
    c !== 84 &&
    c !== 70 &&
    c !== 78
  )
    return src;
  if (NULL_RE.test(src)) return null;
  if (BOOL_RE.test(src)) return src[0] === 't' || src[0] === 'T';
  if (OCT_RE.test(src)) return parseInt(src.substring(2), 8);
  if (INT_RE.test(src)) return parseInt(src, 10);
  if (HEX_RE.test(src)) return parseInt(src.substring(2), 16);
  if (SPECIAL_RE.test(src)) return src.slice(-3).toLowerCase() === 'nan' ? NaN : src[0] === '-' ? -Infinity : Infinity;
  if (EXP_RE.test(src) || FLOAT_RE.test(src)) return parseFloat(src);
  return src;
}

/** BLOCK_STOP finds where a plain scalar on a block line may end: newline, ` #` comment, or `:` + space/newline/EOF. */
export const BLOCK_STOP = /\n| #|:(?=[ \n]|$)/g;
/** FLOW_STOP finds where a plain scalar inside `{}`/`[]` ends. */
export const FLOW_STOP = /[\n,[\]{}]| #|:(?=[ \n,[\]{}]|$)/g;

/** scan finds the next match of `re` in `s` from `from` (the end of `s` when none). */
export function scan(re: RegExp, s: string, from: number): number {
  re.lastIndex = from;
  const m = re.exec(s);
  return m ? m.index : s.length;
}

/** ESCAPES maps the one-character escapes of a double-quoted scalar. */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/** readQuoted decodes the single- or double-quoted scalar at `start` of `s`; `end` is just past its closing quote. */
export function readQuoted(s: string, start: number): { value: string; end: number } {
  const q = s[start];
  let out = '';
  let j = start + 1;
  if (q === "'") {
    for (;;) {
      const k = s.indexOf("'", j);
      if (k < 0) giveUp();
      const nl = s.indexOf('\n', j);
      if (nl >= 0 && nl < k) giveUp();
      out += s.slice(j, k);
      if (s[k + 1] === "'") {
        out += "'";
        j = k + 2;
        continue;
      }
      j = k + 1;
      break;
    }
  } else {
    for (;;) {
      if (j >= s.length || s[j] === '\n') giveUp();
      const ch = s[j]!;
      if (ch === '"') {
        j++;
        break;
      }
      if (ch === '\\') {
        const e = s[j + 1];
        if (e === undefined) giveUp();
        if (e === 'x' || e === 'u' || e === 'U') {
          const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = s.slice(j + 2, j + 2 + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) giveUp();
          out += String.fromCodePoint(parseInt(hex, 16));
          j += 2 + n;
          continue;
        }
        const rep = ESCAPES[e!];
        if (rep === undefined) giveUp();
        out += rep;
        j += 2;
        continue;
      }
      out += ch;
      j++;
    }
  }
  return { value: out, end: j };
}
