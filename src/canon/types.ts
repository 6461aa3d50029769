/**
 * Type spellings: every way of writing a PostgreSQL type is rewritten to the one `format_type` prints,
 * so `int`, `int4` and `integer` are one type, and user types become canonical ids (`public.status` -> `status`).
 */
import { qid, splitId } from '../model/ids.js';

const SIMPLE: Readonly<Record<string, string>> = {
  int: 'integer',
  int4: 'integer',
  integer: 'integer',
  int8: 'bigint',
  bigint: 'bigint',
  int2: 'smallint',
  smallint: 'smallint',
  bool: 'boolean',
  boolean: 'boolean',
  float8: 'double precision',
  'double precision': 'double precision',
  float: 'double precision',
  float4: 'real',
  real: 'real',
  decimal: 'numeric',
  numeric: 'numeric',
  varchar: 'character varying',
  'character varying': 'character varying',
  'char varying': 'character varying',
  char: 'character',
  character: 'character',
  bpchar: 'bpchar',
  varbit: 'bit varying',
  'bit varying': 'bit varying',
  bit: 'bit',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  time: 'time',
  timetz: 'timetz',
  interval: 'interval',
};

/** SERIAL_TYPES maps the serial pseudo-types to the integer type they create. */
export const SERIAL_TYPES: Readonly<Record<string, string>> = {
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};

const SHAPE = /^([^()]*?)\s*(?:\(([^()]*)\))?\s*((?:with|without)\s+time\s+zone)?$/i;

/** splitTypeName splits a (possibly quoted, dotted) type name into parts, folding unquoted parts to lower case. */
function splitTypeName(text: string): { parts: string[]; quoted: boolean[] } | undefined {
  const parts: string[] = [];
  const quoted: boolean[] = [];
  let i = 0;
  const s = text;
  while (i < s.length) {
    if (s[i] === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= s.length) return undefined;
        if (s[j] === '"') {
          if (s[j + 1] === '"') {
            out += '"';
            j += 2;
            continue;
          }
          break;
        }
        out += s[j];
        j++;
      }
      parts.push(out);
      quoted.push(true);
      i = j + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '"') j++;
      const raw = s.slice(i, j).trim().replace(/\s+/g, ' ');
      if (raw === '') return undefined;
      parts.push(raw.toLowerCase());
      quoted.push(false);
      i = j;
    }
    while (s[i] === ' ') i++;
    if (i >= s.length) break;
    if (s[i] !== '.') return undefined;
    i++;
    while (s[i] === ' ') i++;
  }
  return parts.length ? { parts, quoted } : undefined;
}

/** typeSchema returns the schema a user-written type names explicitly (`billing.money` -> `billing`), if any. */
export function typeSchema(text: string): string | undefined {
  if (!text.includes('.')) return undefined;
  const base = text
    .trim()
    .replace(/\s+array(\s*\[\s*\d*\s*\])?$/i, '')
    .replace(/(\s*\[\s*\d*\s*\])+$/, '');
  const m = SHAPE.exec(base);
  const split = splitTypeName(m ? m[1]! : base);
  if (!split || split.parts.length !== 2) return undefined;
  return split.parts[0] === 'pg_catalog' ? undefined : split.parts[0];
}

const typeCache = new Map<string, string>();

/** normalizeType rewrites a PostgreSQL type spelling to format_type's (`int` -> `integer`, `varchar(5)` -> `character varying(5)`). */
export function normalizeType(text: string): string {
  let out = typeCache.get(text);
  if (out === undefined) {
    out = normalizeTypeUncached(text);
    if (typeCache.size > 10000) typeCache.clear();
    typeCache.set(text, out);
  }
  return out;
}

function normalizeTypeUncached(text: string): string {
  let s = text.trim().replace(/\s+/g, ' ');
  if (s === '') return s;
  let array = false;
  const kw = /\s+array(?:\s*\[\s*\d*\s*\])?$/i.exec(s);
  const arr = kw ?? /(?:\s*\[\s*\d*\s*\])+$/.exec(s);
  if (arr) {
    array = true;
    s = s.slice(0, arr.index).trim();
  }
  const suffix = array ? '[]' : '';
  const m = SHAPE.exec(s);
  if (!m) return s + suffix;
  const rawBase = m[1]!.trim();
  const mods = m[2] === undefined ? undefined : m[2].split(',').map((p) => p.trim());
  const zone = m[3] ? m[3].toLowerCase().replace(/\s+/g, ' ') : undefined;
  const split = splitTypeName(rawBase);
  if (!split) return s + suffix;
  let { parts } = split;
  if (parts.length === 2 && parts[0] === 'pg_catalog' && !split.quoted[1]) parts = [parts[1]!];
  const mod = mods === undefined ? '' : `(${mods.join(',')})`;
  if (parts.length === 1 && !split.quoted[0]) {
    const builtin = SIMPLE[parts[0]!];
    if (builtin !== undefined) return builtinType(builtin, mods, mod, zone) + suffix;
  }
  if (parts.length === 1 && split.quoted[0] && parts[0] === 'char') return '"char"' + suffix;
  if (parts.length > 2) return s + suffix;
  const id = parts.length === 1 ? qid('public', parts[0]!) : qid(parts[0]!, parts[1]!);
  return id + mod + (zone ? ` ${zone}` : '') + suffix;
}

function builtinType(base: string, mods: string[] | undefined, mod: string, zone: string | undefined): string {
  switch (base) {
    case 'timestamp':
    case 'time':
      return `${base}${mod} ${zone ?? 'without time zone'}`;
    case 'timestamptz':
      return `timestamp${mod} with time zone`;
    case 'timetz':
      return `time${mod} with time zone`;
    case 'character':
      return `character${mod || '(1)'}`;
    case 'bit':
      return `bit${mod || '(1)'}`;
    case 'double precision': {
      if (mods && mods.length === 1 && /^\d+$/.test(mods[0]!)) {
        const p = Number(mods[0]);
        return p >= 1 && p <= 24 ? 'real' : 'double precision';
      }
      return 'double precision';
    }
    default:
      return base + mod + (zone ? ` ${zone}` : '');
  }
}

const NO_NAME_TYPE =
  /^(double\s+precision|character\s+varying|char\s+varying|bit\s+varying|national\s+char|(timestamp|time)\s*(\(\s*\d+\s*\))?\s+with(out)?\s+time\s+zone)\b/i;

/** splitTopLevel splits on a separator outside quotes and parentheses. */
export function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'" || c === '"') {
      const j = s.indexOf(c, i + 1);
      const end = j < 0 ? s.length : j;
      cur += s.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** FunctionArgs are a function's arguments as pg_get_function_arguments prints them, and its identity arguments as pg_get_function_identity_arguments prints them. */
export interface FunctionArgs {
  readonly args: string;
  readonly identityArgs: string;
}

/** normalizeFunctionArgs rewrites `a int, out b text, c text = 'x'` to `a integer, OUT b text, c text DEFAULT 'x'` and its identity arguments (the same without defaults; procedures show IN explicitly, as PostgreSQL prints them). */
export function normalizeFunctionArgs(text: string, procedure = false): FunctionArgs {
  const trimmed = text.trim();
  if (trimmed === '') return { args: '', identityArgs: '' };
  const args: string[] = [];
  const ident: string[] = [];
  for (const raw of splitTopLevel(trimmed, ',')) {
    let s = raw.trim();
    let mode = '';
    const mm = /^(in|out|inout|variadic)\s+/i.exec(s);
    if (mm) {
      mode = mm[1]!.toUpperCase();
      s = s.slice(mm[0].length);
    }
    let dflt: string | undefined;
    const d = /\s+default\s+|\s*=\s*/i.exec(s);
    if (d && !s.slice(0, d.index).includes("'")) {
      dflt = s.slice(d.index + d[0].length).trim();
      s = s.slice(0, d.index).trim();
    }
    let name: string | undefined;
    if (!NO_NAME_TYPE.test(s)) {
      const nm = /^("(?:[^"]|"")+"|[^\s(]+)\s+(\S.*)$/s.exec(s);
      if (nm) {
        name = nm[1]!;
        s = nm[2]!;
      }
    }
    const type = stripTypmod(normalizeType(s));
    const shownMode = mode === 'IN' || mode === '' ? (procedure ? 'IN' : '') : mode;
    const parts = [shownMode, name ?? '', type].filter((p) => p !== '');
    args.push(parts.join(' ') + (dflt !== undefined ? ` DEFAULT ${dflt}` : ''));
    ident.push(parts.join(' '));
  }
  return { args: args.join(', '), identityArgs: ident.join(', ') };
}

/** stripTypmod drops type modifiers, which PostgreSQL does not keep for function arguments and results (`varchar(3)` -> `character varying`). */
export function stripTypmod(type: string): string {
  return type.replace(/\s*\(\s*\d+(\s*,\s*\d+)?\s*\)/g, '');
}

/** argTypes reduces an argument list to its types (`a integer, INOUT b text` -> `integer, text`), to compare signatures. */
export function argTypes(text: string): string {
  const out: string[] = [];
  for (const raw of splitTopLevel(text.trim(), ',')) {
    let s = raw.trim();
    if (s === '') continue;
    const mm = /^(in|out|inout|variadic)\s+/i.exec(s);
    if (mm?.[1]!.toLowerCase() === 'out') continue;
    if (mm) s = s.slice(mm[0].length);
    const d = /\s+default\s+|\s*=\s*/i.exec(s);
    if (d && !s.slice(0, d.index).includes("'")) s = s.slice(0, d.index).trim();
    if (!NO_NAME_TYPE.test(s)) {
      const nm = /^("(?:[^"]|"")+"|[^\s(]+)\s+(\S.*)$/s.exec(s);
      if (nm) s = nm[2]!;
    }
    out.push(normalizeType(s));
  }
  return out.join(', ');
}

/** normalizeReturns rewrites a function's result type: `setof int` -> `SETOF integer`, `table(a int)` -> `TABLE(a integer)`. */
export function normalizeReturns(text: string): string {
  const s = text.trim();
  const setof = /^setof\s+(.*)$/is.exec(s);
  if (setof) return `SETOF ${stripTypmod(normalizeType(setof[1]!))}`;
  const table = /^table\s*\((.*)\)$/is.exec(s);
  if (table) return `TABLE(${normalizeFunctionArgs(table[1]!).args})`;
  return stripTypmod(normalizeType(s));
}

/** normalizeCollation writes a collation as introspection reports it: `C`, `en_US.utf8` (pg_catalog, name as is), or a qid for other schemas. */
export function normalizeCollation(text: string): string {
  const t = text.trim();
  if (/^pg_catalog\s*\./i.test(t)) return normalizeCollation(t.replace(/^pg_catalog\s*\.\s*/i, ''));
  if (!t.includes('"')) return t;
  const parts = splitId(t);
  if (!parts) return t;
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) return parts[0] === 'pg_catalog' ? parts[1]! : qid(parts[0]!, parts[1]!);
  return t;
}
