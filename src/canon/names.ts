/**
 * Default names exactly as PostgreSQL chooses them (makeObjectName, ChooseRelationName, ChooseConstraintName,
 * ChooseIndexColumnNames in src/backend/commands/indexcmds.c and catalog/pg_constraint.c): names fit in 63 bytes,
 * the longer of the two name parts is trimmed first, and collisions get `1`, `2`... appended to the label.
 */

import { namingKey } from './canonical.js';

/** NAMEDATALEN_MAX is the longest identifier PostgreSQL keeps, in bytes. */
export const NAMEDATALEN_MAX = 63;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** byteLength is the UTF-8 length of a name, which is what the 63-byte limit counts. */
export function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2; // surrogate pair: 4 bytes for 2 UTF-16 units
      i++;
    } else n += 2;
  }
  return n;
}

/** clipBytes cuts a UTF-8 string to at most `limit` bytes without splitting a character (pg_mbcliplen). */
export function clipBytes(s: string, limit: number): string {
  if (s.length <= limit && byteLength(s) <= limit) return s;
  const bytes = enc.encode(s);
  if (bytes.length <= limit) return s;
  let n = limit;
  while (n > 0 && (bytes[n]! & 0xc0) === 0x80) n--;
  return dec.decode(bytes.subarray(0, n));
}

/** makeObjectName joins `name1_name2_label`, trimming the longer name part first so the result fits 63 bytes. */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  const b1 = byteLength(name1);
  const b2 = name2 === undefined ? 0 : byteLength(name2);
  let overhead = 0;
  if (name2 !== undefined) overhead++;
  if (label) overhead += byteLength(label) + 1;
  const avail = NAMEDATALEN_MAX - overhead;
  let n1 = b1;
  let n2 = b2;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  let out = clipBytes(name1, n1);
  if (name2 !== undefined) out += '_' + clipBytes(name2, n2);
  if (label) out += '_' + label;
  return out;
}

/** nameAddition joins column names with `_` until 64 bytes are reached (ChooseIndexNameAddition). */
export function nameAddition(names: readonly string[]): string {
  let buf = new Uint8Array(0);
  for (const name of names) {
    const part = enc.encode(name).subarray(0, NAMEDATALEN_MAX);
    const next = new Uint8Array(buf.length + (buf.length > 0 ? 1 : 0) + part.length);
    next.set(buf);
    if (buf.length > 0) next[buf.length] = 0x5f;
    next.set(part, next.length - part.length);
    buf = next;
    if (buf.length >= NAMEDATALEN_MAX + 1) break;
  }
  return dec.decode(buf);
}

const IDENT = String.raw`(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*|"(?:[^"]|"")+")`;
const DOTTED = new RegExp(`^(${IDENT})(?:\\s*\\.\\s*(${IDENT}))*`);

function identValue(raw: string): string {
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
}

function lastIdent(dotted: string): string {
  const parts = dotted.match(new RegExp(IDENT, 'g')) ?? [dotted];
  return identValue(parts[parts.length - 1]!);
}

function stripParens(s: string): string {
  let t = s.trim();
  while (t.startsWith('(') && matchParen(t, 0) === t.length - 1) t = t.slice(1, -1).trim();
  return t;
}

/** matchParen returns the index of the parenthesis closing the one at `open`, skipping quoted text; -1 when unbalanced. */
function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"') {
      const j = s.indexOf(c, i + 1);
      if (j < 0) return -1;
      i = j;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const SPECIAL: Readonly<Record<string, string>> = {
  coalesce: 'coalesce',
  greatest: 'greatest',
  least: 'least',
  nullif: 'nullif',
  row: 'row',
  exists: 'exists',
  array: 'array',
};

/** figureColname guesses the column name PostgreSQL gives an index expression (FigureColname): function name, column, or `expr`. */
export function figureColname(expression: string): string {
  let s = stripParens(expression);
  const cast = /^(.*?)\s*::\s*([A-Za-z_"][^:]*)$/s.exec(s);
  if (cast && cast[1] && !/[+\-*/<>=|&]/.test(cast[1]) && matchParenBalanced(cast[1])) {
    const inner = figureColname(cast[1]);
    if (inner !== 'expr') return inner;
    const typ = cast[2]!.trim().replace(/\(.*$/s, '').replace(/\[\]$/, '').trim();
    const m = DOTTED.exec(typ);
    return m && m[0].length === typ.length ? lastIdent(typ) : 'expr';
  }
  s = stripParens(s);
  if (/^case\b/i.test(s) && /\bend$/i.test(s)) return 'case';
  if (/^array\s*\[/i.test(s)) return 'array';
  const castFn = /^cast\s*\(/i.exec(s);
  if (castFn && matchParen(s, castFn[0].length - 1) === s.length - 1) {
    const inner = s.slice(castFn[0].length, -1);
    const as = /^(.*)\s+as\s+(.+)$/is.exec(inner);
    if (as) return figureColname(`${as[1]}::${as[2]}`);
  }
  const m = DOTTED.exec(s);
  if (!m) return 'expr';
  const rest = s.slice(m[0].length).trim();
  if (rest === '') return lastIdent(m[0]);
  if (rest.startsWith('(')) {
    const open = s.length - rest.length;
    if (matchParen(s, open) === s.length - 1) {
      const fn = lastIdent(m[0]);
      return SPECIAL[fn] ?? fn;
    }
  }
  return 'expr';
}

function matchParenBalanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** indexColumnNames names each key of an index as PostgreSQL does (ChooseIndexColumnNames), de-duplicating with numbers. */
export function indexColumnNames(elements: readonly { column?: string; expression?: string }[]): string[] {
  const out: string[] = [];
  for (const el of elements) {
    const orig = el.column ?? (el.expression !== undefined ? figureColname(el.expression) : 'expr');
    let cur = orig;
    for (let i = 1; out.includes(cur); i++) {
      const nb = String(i);
      cur = clipBytes(orig, NAMEDATALEN_MAX - nb.length) + nb;
    }
    out.push(cur);
  }
  return out;
}

const STRING_OR_IDENT = /'(?:[^']|'')*'|"(?:[^"]|"")+"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*|::|\S/g;

/** referencedColumns lists the distinct table columns an expression mentions (not inside literals, not as function or type names). */
export function referencedColumns(expression: string, columns: readonly string[]): string[] {
  const set = new Set(columns);
  const found: string[] = [];
  const tokens = expression.match(STRING_OR_IDENT) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.startsWith("'") || t === '::' || !/^["A-Za-z_\u0080-\uffff]/.test(t)) continue;
    if (tokens[i - 1] === '::' || tokens[i - 1] === '.') continue;
    if (tokens[i + 1] === '(' || tokens[i + 1] === '.') continue;
    const name = identValue(t);
    if (set.has(name) && !found.includes(name)) found.push(name);
  }
  return found;
}

/** NameScope tracks the relation and constraint names taken in one PostgreSQL schema while defaults are chosen. */
export class NameScope {
  readonly relations = new Set<string>();
  readonly constraints = new Set<string>();

  /** chooseRelation is ChooseRelationName: `name1_name2_label`, then `label1`, `label2`... until free. */
  chooseRelation(name1: string, name2: string | undefined, label: string, isConstraint: boolean): string {
    for (let pass = 0; ; pass++) {
      const name = makeObjectName(name1, name2, pass === 0 ? label : `${label}${pass}`);
      if (this.relations.has(name) || (isConstraint && this.constraints.has(name))) continue;
      this.relations.add(name);
      if (isConstraint) this.constraints.add(name);
      return name;
    }
  }

  /** chooseConstraint is ChooseConstraintName: like chooseRelation but only constraint names can collide. */
  chooseConstraint(name1: string, name2: string | undefined, label: string): string {
    for (let pass = 0; ; pass++) {
      const name = makeObjectName(name1, name2, pass === 0 ? label : `${label}${pass}`);
      if (this.constraints.has(name)) continue;
      this.constraints.add(name);
      return name;
    }
  }
}

/** NamingElement is an index or exclusion key as naming sees it. */
export interface NamingElement {
  readonly column?: string;
  readonly expression?: string;
}

/** NamingTable is a table whose constraint and index names may still be missing; assignDefaultNames fills them in. */
export interface NamingTable {
  readonly schema: string;
  readonly name: string;
  /** columns: a column owns a sequence (named like PostgreSQL's `<table>_<col>_seq`) when `sequence`, `serial` or `identity` is set. */
  readonly columns: readonly {
    readonly name: string;
    readonly sequence?: boolean;
    readonly serial?: boolean;
    readonly identity?: unknown;
  }[];
  primaryKey?: { name?: string; readonly columns: readonly string[] };
  readonly uniques: { name?: string; readonly columns: readonly string[]; readonly include?: readonly string[] }[];
  readonly checks: { name?: string; readonly expression: string }[];
  readonly foreignKeys: { name?: string; readonly columns: readonly string[] }[];
  readonly exclusions: {
    name?: string;
    readonly elements: readonly NamingElement[];
    readonly include?: readonly string[];
  }[];
  readonly indexes: {
    name?: string;
    readonly elements: readonly NamingElement[];
    readonly include?: readonly string[];
  }[];
}

/** viewNamingTable is the NamingTable of a (materialized) view: its columns and indexes, no constraints. */
export function viewNamingTable(
  v: { readonly schema: string; readonly name: string; readonly columns?: readonly string[] },
  indexes: NamingTable['indexes'],
): NamingTable {
  return {
    schema: v.schema,
    name: v.name,
    columns: (v.columns ?? []).map((name) => ({ name })),
    uniques: [],
    checks: [],
    foreignKeys: [],
    exclusions: [],
    indexes,
  };
}

/** NamingDomain is a domain whose check names may still be missing. */
export interface NamingDomain {
  readonly schema: string;
  readonly name: string;
  readonly checks: { name?: string }[];
}

/**
 * assignDefaultNames gives every unnamed constraint and index the name PostgreSQL would choose. Explicit names are
 * reserved first; then tables are processed in id order (checks, primary key, uniques, exclusions, foreign keys, indexes),
 * then domains. `relations` lists other relation names (tables, views, sequences) per schema.
 */
export function assignDefaultNames(
  tables: readonly NamingTable[],
  domains: readonly NamingDomain[],
  relations: readonly { schema: string; name: string }[],
): void {
  const scopes = new Map<string, NameScope>();
  const scope = (schema: string): NameScope => {
    let s = scopes.get(schema);
    if (!s) scopes.set(schema, (s = new NameScope()));
    return s;
  };
  for (const r of relations) scope(r.schema).relations.add(r.name);
  for (const t of tables) {
    const s = scope(t.schema);
    s.relations.add(t.name);
    const rel = (n: string | undefined): void => {
      if (n !== undefined) s.relations.add(n);
    };
    const con = (n: string | undefined): void => {
      if (n !== undefined) s.constraints.add(n);
    };
    rel(t.primaryKey?.name);
    con(t.primaryKey?.name);
    for (const u of t.uniques) (rel(u.name), con(u.name));
    for (const x of t.exclusions) (rel(x.name), con(x.name));
    for (const c of t.checks) con(c.name);
    for (const f of t.foreignKeys) con(f.name);
    for (const i of t.indexes) rel(i.name);
  }
  for (const d of domains) for (const c of d.checks) if (c.name !== undefined) scope(d.schema).constraints.add(c.name);
  const sorted = [...tables].sort((a, b) => cmp(a.schema, b.schema) || cmp(a.name, b.name));
  for (const t of sorted) {
    const s = scope(t.schema);
    for (const c of t.columns) if (c.sequence || c.serial || c.identity) s.chooseRelation(t.name, c.name, 'seq', false);
  }
  for (const t of sorted) {
    const s = scope(t.schema);
    const colNames = t.columns.map((c) => c.name);
    for (const { x, add } of unnamed(t.checks, 'other', (c) => {
      const cols = referencedColumns(c.expression, colNames);
      return cols.length === 1 ? cols[0] : undefined;
    }))
      x.name = s.chooseConstraint(t.name, add, 'check');
    if (t.primaryKey && t.primaryKey.name === undefined)
      t.primaryKey.name = s.chooseRelation(t.name, undefined, 'pkey', true);
    for (const { x, add } of unnamed(t.uniques, 'other', (u) =>
      nameAddition(indexColumnNames([...u.columns, ...(u.include ?? [])].map((column) => ({ column })))),
    )) {
      x.name = s.chooseRelation(t.name, add, 'key', true);
    }
    for (const { x, add } of unnamed(t.exclusions, 'other', (e) =>
      nameAddition(indexColumnNames([...e.elements, ...(e.include ?? []).map((column) => ({ column }))])),
    )) {
      x.name = s.chooseRelation(t.name, add, 'excl', true);
    }
    for (const { x, add } of unnamed(t.foreignKeys, 'fk', (f) => nameAddition(f.columns)))
      x.name = s.chooseConstraint(t.name, add, 'fkey');
    for (const { x, add } of unnamed(t.indexes, 'index', (i) =>
      nameAddition(indexColumnNames([...i.elements, ...(i.include ?? []).map((column) => ({ column }))])),
    )) {
      x.name = s.chooseRelation(t.name, add, 'idx', false);
    }
  }
  const sortedDomains = [...domains].sort((a, b) => cmp(a.schema, b.schema) || cmp(a.name, b.name));
  for (const d of sortedDomains) {
    const s = scope(d.schema);
    for (const { x } of unnamed(d.checks, 'other', () => undefined))
      x.name = s.chooseConstraint(d.name, undefined, 'check');
  }
}

/**
 * unnamed lists the objects still without a name with their name part (`add`), ordered so that default names never
 * depend on declaration order: by name part, and objects that share one by their canonical definition.
 */
function unnamed<T extends { name?: string }>(
  items: readonly T[],
  kind: 'index' | 'fk' | 'other',
  addition: (x: T) => string | undefined,
): Array<{ x: T; add: string | undefined }> {
  const list: Array<{ x: T; add: string | undefined; k?: string }> = [];
  for (const x of items) if (x.name === undefined) list.push({ x, add: addition(x) });
  if (list.length < 2) return list;
  const counts = new Map<string, number>();
  for (const e of list) counts.set(e.add ?? '', (counts.get(e.add ?? '') ?? 0) + 1);
  for (const e of list) if (counts.get(e.add ?? '')! > 1) e.k = namingKey(kind, e.x);
  list.sort((a, b) => cmp(a.add ?? '', b.add ?? '') || cmp(a.k ?? '', b.k ?? ''));
  return list;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * keyCopyName is the name PostgreSQL gives partition `table`'s copy of its parent's primary key or unique constraint
 * `k` (`<table>_pkey`, `<table>_<columns>_key`, when that name is free).
 */
export function keyCopyName(
  table: string,
  k: {
    readonly kind: 'primary_key' | 'unique';
    readonly columns: readonly string[];
    readonly include?: readonly string[];
  },
): string {
  if (k.kind === 'primary_key') return makeObjectName(table, undefined, 'pkey');
  return makeObjectName(
    table,
    nameAddition(indexColumnNames([...k.columns, ...(k.include ?? [])].map((column) => ({ column })))),
    'key',
  );
}
