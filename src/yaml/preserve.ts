/**
 * Your words stay yours: when a tool rewrites a YAML file the user wrote (a merge, `import --force`), the new text
 * is grafted onto the user's document instead of replacing it. Every node whose value is unchanged keeps the
 * user's own node — comments, key order, spelling and flow/block style — and only what really changed takes the
 * writer's node. The result is accepted only when it reads as exactly the same schema as the writer's text;
 * otherwise the writer's text is returned unchanged, so preserving words can never change a schema.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YNode, type Pair } from 'yaml';
import { canonicalJson } from '../canon/canonical.js';
import type { Schema } from '../model/types.js';
import { parseSchemaFiles } from '../parse/index.js';

const STRINGIFY = { lineWidth: 0, minContentWidth: 0, blockQuote: 'literal', flowCollectionPadding: true } as const;

/** keepWords returns `written` (the writer's text for the file at `path`) grafted onto `previous` (the user's text of that file), or `written` itself when the graft would read differently. */
export function keepWords(previous: string, written: string, path: string): string {
  const graft = graftText(previous, written);
  if (graft === undefined || graft === written) return written;
  return sameSchema(path, graft, written) ? graft : written;
}

/** graftText is the YAML-level graft of `written` onto `previous`, undefined when either is not a map document. */
export function graftText(previous: string, written: string): string | undefined {
  const old = parseDocument(previous, { keepSourceTokens: false });
  const neu = parseDocument(written);
  if (old.errors.length || neu.errors.length) return undefined;
  if (!isMap(old.contents) || !isMap(neu.contents)) return undefined;
  old.contents = graft(old.contents, neu.contents) as typeof old.contents;
  return (old as Document).toString(STRINGIFY);
}

function same(a: YNode, b: YNode): boolean {
  return JSON.stringify(a.toJSON()) === JSON.stringify(b.toJSON());
}

function keyOf(p: Pair): string | undefined {
  return isScalar(p.key) ? String(p.key.value) : undefined;
}

/** graft returns the node to write: the user's node when the values agree, a merge of both maps or lists when they can be matched, else the writer's node. */
function graft(old: YNode, neu: YNode): YNode {
  if (same(old, neu)) return old;
  if (isMap(old) && isMap(neu)) return graftMap(old, neu);
  if (isSeq(old) && isSeq(neu)) return graftSeq(old, neu) ?? neu;
  // a scalar spelled by the writer takes the user's comment on that line
  if (isScalar(neu) && isScalar(old) && old.comment && !neu.comment) neu.comment = old.comment;
  return neu;
}

/** graftMap keeps the user's pairs (and their comments) in the user's order, drops those the writer no longer has, and inserts new keys after the key that precedes them in the writer's order. */
function graftMap(old: YNode & { items: unknown[] }, neu: YNode & { items: unknown[] }): YNode {
  const neuPairs = neu.items.filter(isPair) as Pair[];
  const oldPairs = old.items.filter(isPair) as Pair[];
  if (neuPairs.length !== neu.items.length || oldPairs.length !== old.items.length) return neu;
  const byKey = new Map<string, Pair>();
  for (const p of neuPairs) {
    const k = keyOf(p);
    if (k === undefined) return neu;
    byKey.set(k, p);
  }
  const out: Pair[] = [];
  for (const p of oldPairs) {
    const k = keyOf(p);
    const n = k === undefined ? undefined : byKey.get(k);
    if (!n) continue;
    if (p.value && n.value) p.value = graft(p.value as YNode, n.value as YNode);
    else p.value = n.value;
    out.push(p);
  }
  const placed = new Set(out.map(keyOf));
  neuPairs.forEach((p, i) => {
    const k = keyOf(p)!;
    if (placed.has(k)) return;
    let at = 0;
    for (let j = i - 1; j >= 0; j--) {
      const prev = out.findIndex((q) => keyOf(q) === keyOf(neuPairs[j]!));
      if (prev >= 0) {
        at = prev + 1;
        break;
      }
    }
    out.splice(at, 0, p);
    placed.add(k);
  });
  old.items = out;
  return old;
}

/** identity names a list item for matching: a scalar's value, or a map's `name`. */
function identity(n: unknown): string | undefined {
  if (isScalar(n)) return `=${String(n.value)}`;
  if (isMap(n)) {
    const name = n.get('name');
    return name === undefined || name === null ? undefined : `name=${String(name)}`;
  }
  return undefined;
}

/** graftSeq lays the list out in the writer's order, each item grafted onto the user's item of the same identity; undefined when items cannot be matched. */
function graftSeq(old: YNode & { items: unknown[] }, neu: YNode & { items: unknown[] }): YNode | undefined {
  const olds = new Map<string, YNode>();
  for (const it of old.items) {
    const id = identity(it);
    if (id === undefined || olds.has(id)) return undefined;
    olds.set(id, it as YNode);
  }
  const items: unknown[] = [];
  for (const it of neu.items) {
    const id = identity(it);
    if (id === undefined) return undefined;
    const o = olds.get(id);
    items.push(o ? graft(o, it as YNode) : it);
  }
  old.items = items;
  return old;
}

function model(path: string, text: string): string | undefined {
  const r = parseSchemaFiles([{ path, text }]);
  const s: Schema | undefined = r.schema ?? r.partial;
  return s ? canonicalJson(s) : undefined;
}

/** sameSchema: both texts of the file at `path` read as the same schema (the partial model, when the file refers to objects of other files). */
function sameSchema(path: string, a: string, b: string): boolean {
  const ma = model(path, a);
  return ma !== undefined && ma === model(path, b);
}
