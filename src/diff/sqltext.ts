/**
 * A small, conservative SQL lexer over expression and query text from the model (view queries, checks,
 * defaults, function bodies). Used to find which names a text mentions (dependency ordering) and to follow
 * renames inside stored expressions. It never needs to understand SQL: it only separates identifiers from
 * string literals, comments and dollar-quoted bodies.
 */
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js';

/** Token is one identifier occurrence in a text: its normalised name and its span. */
export interface IdentToken {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

/** Lexed is a text split into identifier tokens and string-literal tokens. */
export interface Lexed {
  readonly idents: readonly IdentToken[];
  readonly strings: readonly { readonly value: string; readonly start: number; readonly end: number }[];
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** lexSql splits `text` into identifiers (unquoted ones lower-cased) and string literals, skipping comments. */
export function lexSql(text: string): Lexed {
  const idents: IdentToken[] = [];
  const strings: { value: string; start: number; end: number }[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') (depth++, (i += 2));
        else if (text[i] === '*' && text[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
      continue;
    }
    if (c === "'" || ((c === 'E' || c === 'e') && text[i + 1] === "'" && !IDENT_PART.test(text[i - 1] ?? ' '))) {
      const lit = readString(text, i, c !== "'");
      strings.push(lit);
      i = lit.end;
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (m && !IDENT_PART.test(text[i - 1] ?? ' ')) {
        const tag = m[0];
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? n : close + tag.length;
        continue;
      }
      i++;
      continue;
    }
    if (c === '"') {
      const id = readQuotedIdent(text, i);
      idents.push(id);
      i = id.end;
      continue;
    }
    if (IDENT_START.test(c) && !/[0-9]/.test(text[i - 1] ?? ' ')) {
      const start = i;
      while (i < n && IDENT_PART.test(text[i]!)) i++;
      idents.push({ name: text.slice(start, i).toLowerCase(), start, end: i, quoted: false });
      continue;
    }
    i++;
  }
  return { idents, strings };
}

/** readString reads the string literal at `i` (`'...'`, or `E'...'` with backslash escapes when `escapes`). */
function readString(text: string, i: number, escapes: boolean): { value: string; start: number; end: number } {
  const n = text.length;
  const start = i;
  i += escapes ? 2 : 1;
  let value = '';
  while (i < n) {
    if (escapes && text[i] === '\\') {
      value += text[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      i++;
      break;
    }
    value += text[i];
    i++;
  }
  return { value, start, end: i };
}

/** readQuotedIdent reads the double-quoted identifier at `i` (`""` is one quote). */
function readQuotedIdent(text: string, i: number): IdentToken {
  const n = text.length;
  const start = i;
  let j = i + 1;
  let name = '';
  while (j < n) {
    if (text[j] === '"') {
      if (text[j + 1] === '"') {
        name += '"';
        j += 2;
        continue;
      }
      break;
    }
    name += text[j];
    j++;
  }
  return { name, start, end: Math.min(j + 1, n), quoted: true };
}

const identCache = new Map<string, ReadonlySet<string>>();

/** identifiersOf returns the set of identifier names a text mentions (cached; texts repeat a lot). */
export function identifiersOf(text: string): ReadonlySet<string> {
  let s = identCache.get(text);
  if (!s) {
    s = new Set(lexSql(text).idents.map((t) => t.name));
    if (identCache.size > 50_000) identCache.clear();
    identCache.set(text, s);
  }
  return s;
}

/** RELATION_WORDS are the keywords after which a query names a relation (`FROM t`, `JOIN s.t`, `INSERT INTO t`). */
const RELATION_WORDS = new Set(['from', 'join', 'update', 'into', 'table', 'only', 'truncate', 'using']);

/**
 * relationNames lists the names a text uses where a query names a relation: right after FROM, JOIN, UPDATE,
 * INTO, TABLE, ONLY, TRUNCATE or USING, schema-qualified or not (`FROM public.items` -> items). A routine's
 * parameter of that name is no relation in an expression (`SELECT v * 2`), but in these places it is the table.
 */
export function relationNames(text: string): ReadonlySet<string> {
  const { idents } = lexSql(text);
  const out = new Set<string>();
  const gap = (a: IdentToken, b: IdentToken) => text.slice(a.end, b.start);
  for (let i = 1; i < idents.length; i++) {
    let k = i - 1;
    // a schema qualification: `from s.t` reads `s` `.` `t`
    if (/^\s*\.\s*$/.test(gap(idents[k]!, idents[i]!)) && k > 0) k--;
    const word = idents[k]!;
    if (word.quoted || !RELATION_WORDS.has(word.name)) continue;
    if (k === i - 1 ? /^\s+$/.test(gap(word, idents[i]!)) : /^\s+$/.test(gap(word, idents[k + 1]!)))
      out.add(idents[i]!.name);
  }
  return out;
}

/** renameIdentifiers rewrites identifier tokens of `text` whose name is a key of `map` to the mapped name. */
export function renameIdentifiers(text: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) return text;
  const { idents } = lexSql(text);
  let out = '';
  let at = 0;
  for (const t of idents) {
    const to = map.get(t.name);
    if (to === undefined) continue;
    out += text.slice(at, t.start) + quoteIdent(to);
    at = t.end;
  }
  return at === 0 ? text : out + text.slice(at);
}

/**
 * renameStringLiterals rewrites string literals equal to a key of `map` (enum value renames in defaults and view
 * queries); the new value is written by quoteLiteral, so it reads the same whatever `standard_conforming_strings` is.
 */
export function renameStringLiterals(text: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) return text;
  const { strings } = lexSql(text);
  let out = '';
  let at = 0;
  for (const s of strings) {
    const to = map.get(s.value);
    if (to === undefined) continue;
    out += text.slice(at, s.start) + quoteLiteral(to);
    at = s.end;
  }
  return at === 0 ? text : out + text.slice(at);
}

/** Move is where a relation went: its old schema, and its new schema and name. */
export interface Move {
  readonly oldSchema: string;
  readonly schema: string;
  readonly name: string;
}

/**
 * moveRelations rewrites references to relations that changed schema (keyed by old bare name): `old` and
 * `oldschema.old` become the new name, qualified unless it is in `public`.
 */
export function moveRelations(text: string, moves: ReadonlyMap<string, Move>): string {
  if (moves.size === 0) return text;
  const { idents } = lexSql(text);
  let out = '';
  let at = 0;
  for (let i = 0; i < idents.length; i++) {
    const t = idents[i]!;
    const m = moves.get(t.name);
    if (!m) continue;
    const prev = idents[i - 1];
    const qualifiedBy = prev && /^\s*\.\s*$/.test(text.slice(prev.end, t.start)) ? prev : undefined;
    if (qualifiedBy && qualifiedBy.name !== m.oldSchema) continue;
    const start = qualifiedBy ? qualifiedBy.start : t.start;
    if (start < at) continue;
    const form = m.schema === 'public' ? quoteIdent(m.name) : qualified(m.schema, m.name);
    out += text.slice(at, start) + form;
    at = t.end;
  }
  return at === 0 ? text : out + text.slice(at);
}
