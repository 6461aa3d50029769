/**
 * A fast reader for the YAML that schema files are made of: block maps and lists, flow `{...}`/`[...]`, plain and
 * quoted scalars, `|` literal blocks and comments. It builds the same located tree as the `yaml` library (which is
 * 5-10x slower) and gives up (returns FALLBACK) on anything else — anchors, tags, folded or multi-line scalars,
 * tabs, odd indentation, duplicate keys, syntax errors — so the library then parses and reports exactly as before.
 */
import { LineStarts, type FileRef, type MapNode, type Node, type Scalar, type SeqNode, type Entry } from './node.js';
import { BLOCK_STOP, FLOW_STOP, GiveUp, giveUp, plainValue, readQuoted, scan } from './yamlscalar.js';

/** FAST_DEPTH: deeper nesting goes to the library, which reports it (schema files nest about 8 levels). */
const FAST_DEPTH = 64;

/** FALLBACK means: parse this file with the full YAML library. */
export const FALLBACK = Symbol('fallback');

/** fastParseYaml parses `text`, or returns FALLBACK when the file uses YAML beyond the supported subset. */
export function fastParseYaml(path: string, text: string): { root: Node | undefined; file: FileRef } | typeof FALLBACK {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return FALLBACK;
  const file: FileRef = { path, lines: new LineStarts(text) };
  try {
    return { root: new Reader(text, file).document(), file };
  } catch (e) {
    if (e instanceof GiveUp) return FALLBACK;
    throw e;
  }
}

class Reader {
  private i = 0;
  /** afterBlock is set when a `|` block scalar has consumed its lines (the position is already at a line start). */
  private afterBlock = false;

  constructor(
    private readonly s: string,
    private readonly file: FileRef,
  ) {}

  document(): Node | undefined {
    this.skipBlankLines();
    if (this.i >= this.s.length) return undefined;
    const s = this.s;
    if (s.startsWith('---', this.i) || s.startsWith('...', this.i) || s[this.i] === '%') giveUp();
    const node = this.block(this.column());
    this.skipBlankLines();
    if (this.i < this.s.length) giveUp();
    return node;
  }

  private column(): number {
    const start = this.s.lastIndexOf('\n', this.i - 1) + 1;
    return this.i - start;
  }

  /** skipBlankLines moves to the first content character of the next non-blank, non-comment line (or EOF). */
  private skipBlankLines(): void {
    const s = this.s;
    for (;;) {
      let j = this.i;
      while (s.charCodeAt(j) === 32) j++;
      if (j >= s.length) {
        this.i = j;
        return;
      }
      const c = s[j];
      if (c === '\n') {
        this.i = j + 1;
        continue;
      }
      if (c === '#') {
        const nl = s.indexOf('\n', j);
        this.i = nl < 0 ? s.length : nl + 1;
        continue;
      }
      this.i = j;
      return;
    }
  }

  /** endOfLine accepts spaces and a comment up to the end of the line, then stands at the next line. */
  private endOfLine(): void {
    if (this.afterBlock) {
      this.afterBlock = false;
      return;
    }
    const s = this.s;
    let j = this.i;
    while (s.charCodeAt(j) === 32) j++;
    if (j < s.length && s[j] === '#') {
      if (j === this.i) giveUp();
      const nl = s.indexOf('\n', j);
      j = nl < 0 ? s.length : nl;
    }
    if (j < s.length && s[j] !== '\n') giveUp();
    this.i = j < s.length ? j + 1 : j;
  }

  private scalar(offset: number, value: string | number | boolean | null, source: string): Scalar {
    return { t: 'scalar', file: this.file, offset, value, source };
  }

  private isSeqItem(j: number): boolean {
    const s = this.s;
    return s[j] === '-' && (j + 1 >= s.length || s[j + 1] === ' ' || s[j + 1] === '\n');
  }

  private depth = 0;

  /** block reads a node that starts at the current position, whose lines are indented by `indent`. */
  private block(indent: number): Node {
    if (++this.depth > FAST_DEPTH) giveUp();
    try {
      return this.blockNode(indent);
    } finally {
      this.depth--;
    }
  }

  private blockNode(indent: number): Node {
    if (this.isSeqItem(this.i)) return this.blockSeq(indent);
    const key = this.tryKey();
    if (key) return this.blockMap(indent, key);
    const v = this.inlineValue(indent);
    this.endOfLine();
    return v;
  }

  /** tryKey reads `key:` at the current position; returns undefined (position unchanged) when the line is not a map entry. */
  private tryKey(): Scalar | undefined {
    const s = this.s;
    const start = this.i;
    const c = s[start];
    let key: Scalar;
    let j: number;
    if (c === '"' || c === "'") {
      const q = this.quoted(start);
      j = q.end;
      key = q.node;
    } else {
      if ('[]{},#&*!|>%@`?'.includes(c!) || (c === '-' && (s[start + 1] === ' ' || s[start + 1] === '\n')))
        return undefined;
      j = scan(BLOCK_STOP, s, start);
      if (s[j] !== ':') return undefined;
      let e = j;
      while (e > start && s[e - 1] === ' ') e--;
      const src = s.slice(start, e);
      key = this.scalar(start, plainValue(src), src);
    }
    let k = j;
    while (s[k] === ' ') k++;
    if (s[k] !== ':' || !(k + 1 >= s.length || s[k + 1] === ' ' || s[k + 1] === '\n')) {
      if (c === '"' || c === "'") return undefined;
      return undefined;
    }
    this.i = k + 1;
    return key;
  }

  private block0Map(indent: number, firstKey: Scalar): MapNode {
    if (++this.depth > FAST_DEPTH) giveUp();
    try {
      return this.blockMap(indent, firstKey);
    } finally {
      this.depth--;
    }
  }

  private blockMap(indent: number, firstKey: Scalar): MapNode {
    const entries: Entry[] = [];
    const seen = new Set<string>();
    const offset = firstKey.offset;
    let key: Scalar | undefined = firstKey;
    for (;;) {
      const kstr = key.value === null ? '\u0000null' : String(key.value);
      if (seen.has(kstr)) giveUp();
      seen.add(kstr);
      const keyEnd = this.i - 1;
      const value = this.mapValue(indent, keyEnd);
      if (
        key.value !== null &&
        typeof key.value !== 'string' &&
        typeof key.value !== 'number' &&
        typeof key.value !== 'boolean'
      )
        giveUp();
      entries.push({ key: typeof key.value === 'string' ? key.value : key.source, keyNode: key, value });
      this.skipBlankLines();
      if (this.i >= this.s.length) break;
      const col = this.column();
      if (col < indent) break;
      if (col > indent) giveUp();
      if (this.isSeqItem(this.i)) giveUp();
      key = this.tryKey() ?? giveUp();
    }
    if (entries.some((e) => e.keyNode.value === null)) giveUp();
    return { t: 'map', file: this.file, offset, entries };
  }

  /** mapValue reads what follows `key:`: an inline value, or a nested block on the next lines. */
  private mapValue(indent: number, keyEnd: number): Node {
    const s = this.s;
    let j = this.i;
    while (s.charCodeAt(j) === 32) j++;
    if (j >= s.length || s[j] === '\n' || s[j] === '#') {
      this.endOfLine();
      this.skipBlankLines();
      if (this.i >= s.length) return this.scalar(keyEnd + 1, null, '');
      const col = this.column();
      if (col > indent) return this.block(col);
      if (col === indent && this.isSeqItem(this.i)) return this.blockSeq(indent);
      return this.scalar(keyEnd + 1, null, '');
    }
    if (j === this.i) giveUp();
    this.i = j;
    const v = this.inlineValue(indent);
    this.endOfLine();
    return v;
  }

  private blockSeq(indent: number): SeqNode {
    if (++this.depth > FAST_DEPTH) giveUp();
    try {
      return this.blockSeqNode(indent);
    } finally {
      this.depth--;
    }
  }

  private blockSeqNode(indent: number): SeqNode {
    const s = this.s;
    const items: Node[] = [];
    const offset = this.i;
    for (;;) {
      const dash = this.i;
      this.i++;
      let j = this.i;
      while (s.charCodeAt(j) === 32) j++;
      if (j >= s.length || s[j] === '\n' || s[j] === '#') {
        this.endOfLine();
        this.skipBlankLines();
        const col = this.i < s.length ? this.column() : -1;
        if (col > indent) items.push(this.block(col));
        else items.push(this.scalar(dash + 1, null, ''));
      } else {
        this.i = j;
        const col = this.column();
        if (this.isSeqItem(this.i)) items.push(this.blockSeq(col));
        else {
          const key = this.tryKey();
          if (key) items.push(this.block0Map(col, key));
          else {
            items.push(this.inlineValue(indent));
            this.endOfLine();
          }
        }
      }
      this.skipBlankLines();
      if (this.i >= s.length) break;
      const col = this.column();
      if (col < indent) break;
      if (col > indent) giveUp();
      if (!this.isSeqItem(this.i)) break;
    }
    return { t: 'seq', file: this.file, offset, items };
  }

  /** inlineValue reads a value that starts on the current line: flow collection, quoted, block literal or plain scalar. */
  private inlineValue(indent: number): Node {
    const s = this.s;
    const start = this.i;
    const c = s[start]!;
    if (c === '{' || c === '[') {
      this.flowIndent = indent;
      return this.flow();
    }
    if (c === '"' || c === "'") {
      const q = this.quoted(start);
      this.i = q.end;
      return q.node;
    }
    if (c === '|') return this.literal(indent);
    if ('>&*!%@`?,]}#'.includes(c) || this.isSeqItem(start)) giveUp();
    const j = scan(BLOCK_STOP, s, start);
    if (s[j] === ':') giveUp();
    let e = j;
    while (s[e - 1] === ' ') e--;
    const src = s.slice(start, e);
    this.i = e;
    return this.scalar(start, plainValue(src), src);
  }

  private quoted(start: number): { node: Scalar; end: number } {
    const { value, end } = readQuoted(this.s, start);
    return { node: this.scalar(start, value, value), end };
  }

  /** literal reads a `|` or `|-` block scalar (`|+`, indentation indicators and odd blank lines go to the library). */
  private literal(indent: number): Scalar {
    const s = this.s;
    const start = this.i;
    let j = start + 1;
    let strip = false;
    if (s[j] === '-') ((strip = true), j++);
    else if (s[j] !== undefined && '+0123456789'.includes(s[j]!)) giveUp();
    this.i = j;
    this.endOfLine();
    const lines: string[] = [];
    let contentIndent = -1;
    let maxBlank = 0;
    while (this.i < s.length) {
      const nl = s.indexOf('\n', this.i);
      const end = nl < 0 ? s.length : nl;
      let sp = 0;
      while (s.charCodeAt(this.i + sp) === 32) sp++;
      if (this.i + sp === end) {
        if (contentIndent >= 0 ? sp > contentIndent : false) giveUp();
        if (contentIndent < 0) maxBlank = Math.max(maxBlank, sp);
        lines.push('');
        this.i = nl < 0 ? s.length : nl + 1;
        continue;
      }
      if (contentIndent < 0) {
        if (sp <= indent) break;
        if (maxBlank > sp) giveUp();
        contentIndent = sp;
      } else if (sp < contentIndent) break;
      if (nl < 0) giveUp();
      lines.push(s.slice(this.i + contentIndent, end));
      this.i = nl + 1;
    }
    let last = lines.length - 1;
    while (last >= 0 && lines[last] === '') last--;
    let value = '';
    if (contentIndent >= 0 && last >= 0) {
      value = lines.slice(0, last + 1).join('\n');
      if (!strip) value += '\n';
    }
    this.afterBlock = true;
    return this.scalar(start, value, value);
  }

  // ---- flow collections ----

  private flowIndent = 0;

  private ws(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === '\n') {
        this.i++;
        let sp = 0;
        while (s.charCodeAt(this.i + sp) === 32) sp++;
        const n = s[this.i + sp];
        if (n !== undefined && n !== '\n' && n !== '#' && sp <= this.flowIndent) giveUp();
      } else if (c === ' ') this.i++;
      else if (c === '#' && (s[this.i - 1] === ' ' || s[this.i - 1] === '\n')) {
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? s.length : nl;
      } else return;
    }
  }

  private flow(): Node {
    if (++this.depth > FAST_DEPTH) giveUp();
    try {
      return this.flowNode();
    } finally {
      this.depth--;
    }
  }

  private flowNode(): Node {
    const s = this.s;
    const open = s[this.i];
    const offset = this.i;
    this.i++;
    if (open === '[') {
      const items: Node[] = [];
      for (;;) {
        this.ws();
        if (s[this.i] === ']') {
          this.i++;
          break;
        }
        items.push(this.flowValue());
        this.ws();
        if (s[this.i] === ',') this.i++;
        else if (s[this.i] === ']') {
          this.i++;
          break;
        } else giveUp();
      }
      return { t: 'seq', file: this.file, offset, items };
    }
    const entries: Entry[] = [];
    const seen = new Set<string>();
    for (;;) {
      this.ws();
      if (s[this.i] === '}') {
        this.i++;
        break;
      }
      const key = this.flowScalar(true);
      if (key.value === null) giveUp();
      this.ws();
      if (s[this.i] !== ':') giveUp();
      this.i++;
      this.ws();
      let value: Node;
      if (s[this.i] === ',' || s[this.i] === '}') value = this.scalar(this.i, null, '');
      else value = this.flowValue();
      const kstr = String(key.value);
      if (seen.has(kstr)) giveUp();
      seen.add(kstr);
      entries.push({ key: typeof key.value === 'string' ? key.value : key.source, keyNode: key, value });
      this.ws();
      if (s[this.i] === ',') this.i++;
      else if (s[this.i] === '}') {
        this.i++;
        break;
      } else giveUp();
    }
    return { t: 'map', file: this.file, offset, entries };
  }

  private flowValue(): Node {
    const c = this.s[this.i];
    if (c === '{' || c === '[') return this.flow();
    const v = this.flowScalar(false);
    // `[a: b]` (a single-pair map inside a list) is beyond the subset
    let j = this.i;
    while (this.s[j] === ' ') j++;
    if (this.s[j] === ':') giveUp();
    return v;
  }

  private flowScalar(isKey: boolean): Scalar {
    const s = this.s;
    const start = this.i;
    const c = s[start];
    if (c === undefined) giveUp();
    if (c === '"' || c === "'") {
      const q = this.quoted(start);
      this.i = q.end;
      return q.node;
    }
    if (
      '[]{},#&*!|>%@`?\'"'.includes(c!) ||
      ((c === '-' || c === ':') && (s[start + 1] === ' ' || s[start + 1] === '\n'))
    )
      giveUp();
    const j = scan(FLOW_STOP, s, start);
    let e = j;
    while (s[e - 1] === ' ') e--;
    if (e === start) giveUp();
    const src = s.slice(start, e);
    this.i = e;
    // a plain scalar continued on the next line is folded by YAML: leave that to the library
    if (s[j] === '\n') {
      let k = j;
      while (s[k] === ' ' || s[k] === '\n') k++;
      const n = s[k];
      if (n !== undefined && n !== ',' && n !== ']' && n !== '}' && n !== '#' && !(isKey && n === ':')) giveUp();
    }
    return this.scalar(start, plainValue(src), src);
  }
}
