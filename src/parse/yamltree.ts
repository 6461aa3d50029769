/**
 * The YAML library's AST -> the located tree of node.ts, for files the fast reader (fastyaml.ts) leaves to the
 * library: syntax errors become located issues, and what YAML can make explode is bounded — alias expansion
 * ("billion laughs") and nesting depth — so bad input is refused, located, instead of hanging or overflowing.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, Node as YNode } from 'yaml';
import { FALLBACK, fastParseYaml } from './fastyaml.js';
import type { Ctx, Entry, FileRef, Node, Scalar } from './node.js';
import type { ErrorCode } from '../errors.js';

let yamlLib: typeof Yaml | undefined;

/** yaml is the YAML library, loaded on the first file the fast reader leaves to it (most schemas never need it). */
function yaml(): typeof Yaml {
  return (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

const YAML_CODES: Readonly<Record<string, ErrorCode>> = {
  DUPLICATE_KEY: 'duplicate-key',
  RESOURCE_EXHAUSTION: 'yaml-too-deep',
};

const YAML_MESSAGES: Readonly<Partial<Record<ErrorCode, readonly [string, string]>>> = {
  'duplicate-key': ['a key is written twice in the same map', 'remove or merge one of them'],
  'yaml-too-deep': [
    'YAML nested too deeply to read',
    'schema files nest a few levels (tables -> table -> columns -> column -> key); flatten this value',
  ],
};

/** YamlMode picks the YAML reader: the fast subset reader with library fallback (default), or the library only. */
export type YamlMode = 'auto' | 'library';

/** parseYamlFile parses one file into a located tree, recording YAML syntax errors as issues. */
export function parseYamlFile(path: string, text: string, ctx: Ctx, mode: YamlMode = 'auto'): Node | undefined {
  if (mode === 'auto') {
    const fast = fastParseYaml(path, text);
    if (fast !== FALLBACK) return fast.root;
  }
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const tooDeep = flowTooDeep(text);
  if (tooDeep >= 0) {
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < tooDeep; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    ctx.error(
      'yaml-too-deep',
      { t: 'scalar', file: { path, lines }, offset: tooDeep, value: null, source: '' },
      `YAML nested more than ${MAX_DEPTH} levels deep`,
      YAML_MESSAGES['yaml-too-deep']![1],
    );
    return undefined;
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, keepSourceTokens: false });
  const file: FileRef = { path, lines };
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const p = lines.linePos(e.pos[0]);
      const msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
      const code = YAML_CODES[e.code] ?? 'yaml-syntax';
      ctx.incomplete.add('*');
      ctx.issues.push({
        code,
        message: YAML_MESSAGES[code]?.[0] ?? `invalid YAML: ${msg}`,
        hint: YAML_MESSAGES[code]?.[1] ?? 'fix the YAML syntax at this position',
        loc: { file: path, line: p.line, col: p.col },
      });
    }
    return undefined;
  }
  if (doc.contents === null) return undefined;
  const maxAliasNodes = Math.max(MAX_ALIAS_NODES, 2 * text.length);
  const b: Budget = { aliasNodes: 0, maxAliasNodes, stopped: false, targets: new Map() };
  const root = convert(doc, doc.contents as YNode, file, ctx, 0, b);
  return b.stopped ? undefined : root;
}

/**
 * flowTooDeep returns the offset where `[`/`{` brackets nest deeper than MAX_DEPTH (quoted scalars and comments
 * skipped), or -1: such input is refused before the YAML library spends seconds finding its stack too small.
 */
function flowTooDeep(text: string): number {
  let depth = 0;
  let dashes = 0; // `- - - x`: each dash at the start of a line opens a list inside the last
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 45 && (text[i + 1] === ' ' || text[i + 1] === '\n') && dashes >= 0) {
      if (++dashes > MAX_DEPTH) return i;
    } else if (c === 10) dashes = 0;
    else if (c !== 32) dashes = -1;
    if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
    else if (c === 34 || c === 39) {
      // a quoted scalar: skip to its closing quote ('' and \" escapes); an unclosed one is the library's to report
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (c === 34 && d === 92) i++;
        else if (d === c && !(c === 39 && text.charCodeAt(i + 1) === 39)) break;
        else if (c === 39 && d === 39) i++;
      }
    } else if (c === 35 && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\n')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    }
  }
  return -1;
}

/** MAX_DEPTH bounds how deeply YAML may nest (schema files need about 8 levels); deeper input is refused, located. */
export const MAX_DEPTH = 100;
/**
 * MAX_ALIAS_NODES bounds the values that aliases (`*name`) may expand to in one file, against "billion laughs":
 * this many, or twice the file's length when that is more (each legitimate alias is written out in the file).
 */
export const MAX_ALIAS_NODES = 10000;

interface Budget {
  /** aliasNodes counts the values produced by expanding aliases so far, up to maxAliasNodes. */
  aliasNodes: number;
  readonly maxAliasNodes: number;
  /** stopped is set once a limit was hit (reported once); conversion then produces nulls. */
  stopped: boolean;
  /** aliasAt is the offset of the outermost alias being expanded (where a limit is reported). */
  aliasAt?: number;
  /** targets caches what each alias resolves to (resolving searches the document). */
  targets: Map<YNode, YNode | undefined>;
}

const nullAt = (file: FileRef, offset: number): Scalar => ({ t: 'scalar', file, offset, value: null, source: '' });

function convert(doc: Document, n: YNode, file: FileRef, ctx: Ctx, depth: number, b: Budget, inAlias = false): Node {
  const offset = n.range?.[0] ?? 0;
  if (b.stopped) return nullAt(file, offset);
  if (inAlias && ++b.aliasNodes > b.maxAliasNodes) {
    b.stopped = true;
    ctx.error(
      'yaml-alias-limit',
      { t: 'scalar', file, offset: b.aliasAt ?? offset, value: null, source: '' },
      `aliases in this file expand to more than ${b.maxAliasNodes} values`,
      'write the repeated values out, or use fewer aliases of aliases (each alias copies everything its anchor holds)',
    );
    return nullAt(file, offset);
  }
  if (depth > MAX_DEPTH) {
    b.stopped = true;
    ctx.error(
      'yaml-too-deep',
      { t: 'scalar', file, offset, value: null, source: '' },
      `YAML nested more than ${MAX_DEPTH} levels deep`,
      'schema files nest a few levels (tables -> table -> columns -> column -> key); flatten this value',
    );
    return nullAt(file, offset);
  }
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  if (isAlias(n)) {
    if (!inAlias) b.aliasAt = offset;
    let target = b.targets.get(n);
    if (!b.targets.has(n)) b.targets.set(n, (target = n.resolve(doc) as YNode | undefined));
    return target ? convert(doc, target as YNode, file, ctx, depth + 1, b, true) : nullAt(file, offset);
  }
  if (isScalar(n)) {
    const v = n.value;
    const value =
      v === null || v === undefined
        ? null
        : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
          ? v
          : String(v);
    return { t: 'scalar', file, offset, value, source: n.source ?? (value === null ? '' : String(value)) };
  }
  if (isMap(n)) {
    const entries: Entry[] = [];
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as YNode | null;
      const keyNode = k ? convert(doc, k, file, ctx, depth + 1, b, inAlias) : nullAt(file, offset);
      const valueNode = pair.value
        ? convert(doc, pair.value as YNode, file, ctx, depth + 1, b, inAlias)
        : nullAt(file, k?.range?.[1] ?? offset);
      if (b.stopped) break;
      if (keyNode.t !== 'scalar' || keyNode.value === null) {
        ctx.error('wrong-type', keyNode, 'keys must be plain names, not lists, maps or nothing');
        continue;
      }
      const key = typeof keyNode.value === 'string' ? keyNode.value : keyNode.source;
      entries.push({ key, keyNode, value: valueNode });
    }
    return { t: 'map', file, offset, entries };
  }
  if (isSeq(n)) {
    const items: Node[] = [];
    for (const i of n.items) {
      if (b.stopped) break;
      items.push(convert(doc, i as YNode, file, ctx, depth + 1, b, inAlias));
    }
    return { t: 'seq', file, offset, items };
  }
  return nullAt(file, offset);
}
