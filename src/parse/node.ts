/**
 * A small located tree built from the `yaml` AST: maps, sequences and scalars that remember where they were written,
 * plus Ctx, which collects every issue (zod-style) instead of stopping at the first one.
 */
import type { ErrorCode, Issue, SourceLoc } from '../errors.js';
import { byteLength } from '../canon/names.js';

export { parseYamlFile, MAX_DEPTH, MAX_ALIAS_NODES, type YamlMode } from './yamltree.js';

/** LinePositions turns an offset of a file into its 1-based line and column (the YAML library's LineCounter is one). */
export interface LinePositions {
  linePos(offset: number): { line: number; col: number };
}

/**
 * LineStarts is the line index of one text, as the YAML library's LineCounter keeps it (same answers), for the fast
 * reader, which so does not load the library.
 */
export class LineStarts implements LinePositions {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** linePos is the 1-based line and column of `offset` (binary search over the line starts). */
  linePos(offset: number): { line: number; col: number } {
    const s = this.starts;
    let low = 0;
    let high = s.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (s[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (s[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - s[low - 1]! + 1 };
  }
}

/** FileRef is a source file with its line index. */
export interface FileRef {
  readonly path: string;
  readonly lines: LinePositions;
}

interface Base {
  readonly file: FileRef;
  readonly offset: number;
}

/** Scalar is a YAML scalar: value as typed by YAML 1.2 core, `source` as written. */
export interface Scalar extends Base {
  readonly t: 'scalar';
  readonly value: string | number | boolean | null;
  readonly source: string;
}

/** Entry is one `key: value` pair of a map. */
export interface Entry {
  readonly key: string;
  readonly keyNode: Scalar;
  readonly value: Node;
}

/** MapNode is a YAML mapping with its entries in written order. */
export interface MapNode extends Base {
  readonly t: 'map';
  readonly entries: readonly Entry[];
}

/** SeqNode is a YAML sequence. */
export interface SeqNode extends Base {
  readonly t: 'seq';
  readonly items: readonly Node[];
}

/** Node is any located YAML value. */
export type Node = Scalar | MapNode | SeqNode;

/** locOf turns a node's offset into a 1-based file:line:col. */
export function locOf(n: { file: FileRef; offset: number }): SourceLoc {
  const p = n.file.lines.linePos(n.offset);
  return { file: n.file.path, line: p.line, col: p.col };
}

/** SqlForm is how src/validate reads a piece of SQL text: one expression, one query, a type, a literal default, a body. */
export type SqlForm = 'expr' | 'query' | 'type' | 'default' | 'body' | 'clause';

/** SqlScope names the object whose columns an SQL text may refer to (set by the section parsers while they read it). */
export interface SqlScope {
  /** section is the top-level key being read (`tables`, `enums`...), or `build` while references are resolved. */
  readonly section?: string;
  readonly table?: string;
  readonly column?: string;
  readonly domain?: string;
  readonly view?: string;
  readonly language?: string;
}

/** SqlRef is one SQL text read from YAML, with the node it was written at, checked by src/validate after parsing. */
export interface SqlRef {
  readonly form: SqlForm;
  /** field names the key it was written under (`check`, `where`, `query`...), for messages. */
  readonly field: string;
  readonly text: string;
  readonly at: Node;
  readonly scope: SqlScope;
  /** literal: for form `default`, the YAML value as written (string, number or boolean). */
  readonly literal?: string | number | boolean;
  /**
   * template: for form `clause`, the statement the text is pasted into, at `{}` (see Ctx.noteClause); for form
   * `body`, the function's CREATE statement with the body at `{}` (see Ctx.noteBody).
   */
  readonly template?: string;
  /** stmt: for form `clause`, the one statement type the template must parse as (`CreateStmt`...). */
  readonly stmt?: string;
}

/** Ctx collects issues while parsing. */
export class Ctx {
  readonly issues: Issue[] = [];
  /** sql lists every SQL text read (expressions, queries, types, defaults, bodies) for src/validate. */
  readonly sql: SqlRef[] = [];
  /** scope is the object being read now; section parsers set it and restore it (see within). */
  scope: SqlScope = {};
  /** incomplete names what errors may have left out of the model: `table:<id>`, `section:<key>`, or `*` (unknown). */
  readonly incomplete = new Set<string>();

  /** noteSql records an SQL text written at `at`, in the current scope, for the validator. */
  noteSql(form: SqlForm, field: string, text: string, at: Node, literal?: string | number | boolean): void {
    this.sql.push({ form, field, text, at, scope: this.scope, ...(literal === undefined ? {} : { literal }) });
  }

  /**
   * noteClause records SQL text that DDL pastes into a statement (a partition key, an argument list...): the
   * validator parses `template` with the text at `{}` and requires exactly one statement of type `stmt`.
   */
  noteClause(field: string, text: string, at: Node, template: string, stmt: string): void {
    this.sql.push({ form: 'clause', field, text, at, scope: this.scope, template, stmt });
  }

  /**
   * noteBody records a function body (form `body`) with `header`, the CREATE statement it is pasted into at `{}`
   * (dollar-quoted by the validator), so procedural bodies can be compiled against their arguments.
   */
  noteBody(text: string, at: Node, header: string): void {
    this.sql.push({ form: 'body', field: 'body', text, at, scope: this.scope, template: header });
  }

  /** within runs `f` with `scope` added to the current scope, then restores it. */
  within<T>(scope: SqlScope, f: () => T): T {
    const prev = this.scope;
    this.scope = { ...prev, ...scope };
    try {
      return f();
    } finally {
      this.scope = prev;
    }
  }

  /** error records one issue located at `at`. */
  error(code: ErrorCode, at: Node | undefined, message: string, hint?: string, related?: Node): void {
    const s = this.scope;
    this.incomplete.add(s.table !== undefined ? `table:${s.table}` : s.section ? `section:${s.section}` : '*');
    this.issues.push({
      code,
      message,
      ...(hint ? { hint } : {}),
      ...(at ? { loc: locOf(at) } : {}),
      ...(related ? { related: locOf(related) } : {}),
    });
  }

  /** map returns the node as a map, or records `wrong-type`. */
  map(n: Node, what: string): MapNode | undefined {
    if (n.t === 'map') return n;
    this.error('wrong-type', n, `${what} must be a map (key: value), not ${describe(n)}`);
    return undefined;
  }

  /** seq returns the node as a list, or records `wrong-type`. */
  seq(n: Node, what: string): SeqNode | undefined {
    if (n.t === 'seq') return n;
    this.error('wrong-type', n, `${what} must be a list, not ${describe(n)}`);
    return undefined;
  }

  /** text returns a scalar's text (numbers as written), or records `wrong-type`. */
  text(n: Node, what: string): string | undefined {
    if (n.t === 'scalar' && n.value !== null) return typeof n.value === 'string' ? n.value : n.source;
    this.error('wrong-type', n, `${what} must be a string, not ${describe(n)}`);
    return undefined;
  }

  /** name returns a non-empty identifier, checking the 63-byte limit. */
  name(n: Node, what: string): string | undefined {
    const s = this.text(n, what);
    if (s === undefined) return undefined;
    return this.checkName(n, s, what) ? s : undefined;
  }

  /** checkName records `invalid-name` / `name-too-long` for a bad identifier. */
  checkName(n: Node, s: string, what: string): boolean {
    if (s.trim() === '') {
      this.error('invalid-name', n, `${what} is empty`, 'give it a name');
      return false;
    }
    if (s.includes('\u0000')) {
      this.error('invalid-name', n, `${what} \`${s}\` contains a NUL character`);
      return false;
    }
    const bytes = s.length <= 15 ? 0 : byteLength(s);
    if (bytes > 63) {
      this.error(
        'name-too-long',
        n,
        `${what} is ${bytes} bytes long (PostgreSQL names are at most 63 bytes): \`${s}\``,
        'shorten the name (PostgreSQL would silently truncate it)',
      );
      return false;
    }
    return true;
  }

  /** bool returns a boolean, or records `wrong-type`. */
  bool(n: Node, what: string): boolean | undefined {
    if (n.t === 'scalar' && typeof n.value === 'boolean') return n.value;
    const yaml11 = n.t === 'scalar' && typeof n.value === 'string' && /^(y|yes|n|no|on|off)$/i.test(n.value);
    this.error(
      'wrong-type',
      n,
      `${what} must be true or false, not ${describe(n)}`,
      yaml11 ? `YAML 1.2 reads \`${n.source}\` as a string; write true or false` : undefined,
    );
    return undefined;
  }

  /**
   * num returns a whole number written in decimal, within the bigint range (and at least `min` when given), as a
   * decimal string; records `invalid-number` for anything else (`0o777`, `0x10`, `.inf`, `1.5`, `1e-400`, `9e99`).
   */
  num(n: Node, what: string, min?: bigint): string | undefined {
    const raw =
      n.t === 'scalar' && (typeof n.value === 'number' || typeof n.value === 'string')
        ? (typeof n.value === 'number' ? n.source : n.value).trim()
        : undefined;
    if (
      raw === undefined ||
      (n.t === 'scalar' && typeof n.value === 'string' && !/^[-+]?(\d|\.\d|\.inf|\.nan)/i.test(raw))
    ) {
      this.error('wrong-type', n, `${what} must be a number, not ${describe(n)}`);
      return undefined;
    }
    const hint = numberHint(raw);
    if (!/^[-+]?\d+$/.test(raw)) {
      this.error('invalid-number', n, `${what} must be a whole number written in decimal, not \`${raw}\``, hint);
      return undefined;
    }
    const v = BigInt(raw);
    const lo = min ?? -(2n ** 63n);
    if (v < lo || v > 2n ** 63n - 1n) {
      this.error(
        'invalid-number',
        n,
        `${what} is out of range: \`${raw}\` is not between ${lo} and ${2n ** 63n - 1n}`,
        min === undefined ? 'PostgreSQL keeps these numbers as bigint' : undefined,
      );
      return undefined;
    }
    return v.toString();
  }

  /** oneOf returns a scalar that is one of `allowed` (case-insensitive, spaces as `_`), or records `invalid-value`. */
  oneOf<T extends string>(n: Node, allowed: readonly T[], what: string): T | undefined {
    const s = this.text(n, what);
    if (s === undefined) return undefined;
    const v = s
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    if ((allowed as readonly string[]).includes(v)) return v as T;
    const guess = suggest(v, allowed);
    this.error(
      'invalid-value',
      n,
      `${what} \`${s}\` is not one of ${allowed.join(', ')}`,
      guess ? `did you mean \`${guess}\`?` : undefined,
    );
    return undefined;
  }

  /** texts reads a list of strings; a single scalar is a one-element list. */
  texts(n: Node, what: string): string[] | undefined {
    if (n.t === 'scalar') {
      const s = this.text(n, what);
      return s === undefined ? undefined : [s];
    }
    const seq = this.seq(n, what);
    if (!seq) return undefined;
    const out: string[] = [];
    for (const item of seq.items) {
      const s = this.text(item, `each item of ${what}`);
      if (s === undefined) return undefined;
      out.push(s);
    }
    return out;
  }

  /** keys records `unknown-key` (with a did-you-mean) for keys of `m` not in `allowed`; returns the known entries by key. */
  keys(m: MapNode, allowed: readonly string[], what: string): Keyed {
    let list: Entry[] | undefined;
    for (let i = 0; i < m.entries.length; i++) {
      const e = m.entries[i]!;
      if (allowed.includes(e.key)) {
        list?.push(e);
        continue;
      }
      list ??= m.entries.slice(0, i);
      const guess = suggest(e.key, allowed);
      this.error(
        'unknown-key',
        e.keyNode,
        `unknown key \`${e.key}\` in ${what}`,
        guess ? `did you mean \`${guess}\`?` : `allowed keys: ${allowed.join(', ')}`,
      );
    }
    return new Keyed(list ?? m.entries);
  }
}

/** Keyed looks up the entries of a map by key (maps in schema files are small: a linear scan beats a Map). */
export class Keyed {
  constructor(readonly list: readonly Entry[]) {}

  /** get returns the entry for `key`. */
  get(key: string): Entry | undefined {
    for (const e of this.list) if (e.key === key) return e;
    return undefined;
  }

  /** has tells whether `key` is present. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** [Symbol.iterator] yields [key, entry] pairs in written order. */
  *[Symbol.iterator](): IterableIterator<[string, Entry]> {
    for (const e of this.list) yield [e.key, e];
  }
}

/** describe names the kind of a node for messages. */
export function describe(n: Node): string {
  if (n.t === 'map') return 'a map';
  if (n.t === 'seq') return 'a list';
  if (n.value === null) return 'nothing (null)';
  if (typeof n.value === 'boolean') return `the boolean ${n.value}`;
  if (typeof n.value === 'number') return `the number ${n.source}`;
  return `the string \`${n.value}\``;
}

/** numberHint says how to write a number the way schemaver reads it (`0o17` -> `15`), when that helps. */
function numberHint(raw: string): string | undefined {
  if (/^[-+]?0o[0-7]+$/i.test(raw) || /^[-+]?0x[0-9a-f]+$/i.test(raw)) {
    const neg = raw.startsWith('-');
    const body = raw.replace(/^[-+]/, '');
    const v = BigInt(body);
    return `write it in decimal: \`${neg ? '-' : ''}${v}\``;
  }
  if (/^[-+]?\.(inf|nan)$/i.test(raw)) return 'write a whole number; infinity and NaN are not allowed here';
  if (/[.eE]/.test(raw) && !Number.isNaN(Number(raw))) return 'write a whole number (no fraction or exponent)';
  return undefined;
}

/** editDistance is the Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n]!;
}

/** suggest returns the allowed word closest to `word` when it is plausibly a typo. */
export function suggest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const a of allowed) {
    const d = editDistance(w, a);
    if (d < bestD) ((best = a), (bestD = d));
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(best.length / 3));
  if (bestD <= limit) return best;
  const prefix = allowed.find((a) => a.startsWith(w) || w.startsWith(a));
  return w.length >= 3 ? prefix : undefined;
}
