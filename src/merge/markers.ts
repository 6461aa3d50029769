/**
 * Conflict markers in schema/ files. A conflicting spot — an attribute when the file writes that attribute as
 * a key of the object, otherwise the whole object (column, index, table...) — is replaced by a block that
 * keeps the file VALID YAML:
 *
 *     email:
 *       <<<conflict:
 *         about: "modify/modify: column users.email: type changed differently on both sides"
 *         base: { type: text }
 *         ours: { type: citext }
 *         theirs: { type: varchar(100) }
 *
 * The three versions are copied from each side's own files (the user's spelling); `null` means "absent on
 * that side". To resolve, replace the whole `<<<conflict` block (the value of `email:`) by the definition
 * you want (or delete the entry), then run `schemaver merge --continue`, which refuses while any `<<<conflict` is left
 * (findMarkers: a text scan, independent of the parser).
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { SourceFile } from '../parse/index.js';
import type { SourceLoc } from '../errors.js';
import { normalizeId } from '../model/ids.js';
import type { Conflict } from './types.js';

/** MARKER is the key that marks a conflicting spot in a schema file. */
export const MARKER = '<<<conflict';

/** YAML_FIELD maps model field names to the YAML format's keys where they differ beyond camelCase -> snake_case. */
const YAML_FIELD: Record<string, string> = {
  uniques: 'unique',
  primaryKey: 'primary_key',
  refTable: 'references',
  valueRenames: 'values',
};

const snake = (s: string) => YAML_FIELD[s] ?? s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

const keyText = (k: unknown): string | undefined =>
  isScalar(k) ? String(k.value) : typeof k === 'string' ? k : undefined;

/** child finds the child of a YAML node for one model path segment (depth tells what the segment is). */
function child(
  node: unknown,
  seg: string,
  depth: number,
  section: string,
): { key: string | number; node: unknown } | undefined {
  const matches = (text: string): boolean => {
    if (depth === 1) {
      if (text === seg) return true;
      const id = normalizeId(text);
      if (id === seg) return true;
      return section === 'functions' && id !== undefined && seg.startsWith(id + '(');
    }
    return text === (depth % 2 === 0 ? snake(seg) : seg);
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      const t = keyText(pair.key);
      if (t !== undefined && matches(t)) return { key: t, node: pair.value };
    }
    return undefined;
  }
  if (isSeq(node) && depth % 2 === 1) {
    for (let i = 0; i < node.items.length; i++) {
      const it = node.items[i];
      const name = isScalar(it)
        ? String(it.value)
        : isMap(it)
          ? (keyText(it.get('name', true)) ?? (it.get('value') as string | undefined))
          : undefined;
      if (name !== undefined && matches(name)) return { key: i, node: it };
    }
  }
  return undefined;
}

/** resolve follows a model path in a document: the YAML path and node of the deepest segment found. */
function resolve(
  doc: Document,
  path: readonly string[],
): { yamlPath: (string | number)[]; node: unknown; depth: number } {
  let node: unknown = doc.contents;
  const yamlPath: (string | number)[] = [];
  let depth = 0;
  for (const seg of path) {
    const c = child(node, seg, depth, path[0]!);
    if (!c) break;
    yamlPath.push(c.key);
    node = c.node;
    depth++;
  }
  return { yamlPath, node, depth };
}

interface Target {
  readonly file: number;
  readonly yamlPath: (string | number)[];
  readonly modelPath: readonly string[]; // full path incl. attribute when attribute-level
  readonly conflicts: Conflict[];
}

function sideNode(docs: Document[], modelPath: readonly string[], fallback: unknown, target: Document): unknown {
  for (const d of docs) {
    const r = resolve(d, modelPath);
    if (r.depth === modelPath.length)
      return isScalar(r.node) || isMap(r.node) || isSeq(r.node) ? (r.node as Node).clone() : r.node;
  }
  return fallback === undefined ? null : target.createNode(fallback);
}

/**
 * markConflicts writes a marker block at every conflicting spot of `merged` (the files of the merged result)
 * and returns the files; each block shows base/ours/theirs as found in that side's files.
 */
export function markConflicts(
  merged: readonly SourceFile[],
  conflicts: readonly Conflict[],
  sides: { base: readonly SourceFile[]; ours: readonly SourceFile[]; theirs: readonly SourceFile[] },
  opts: { alternatives?: (c: Conflict) => readonly (readonly string[])[] } = {},
): SourceFile[] {
  const docs = merged.map((f) => parseDocument(f.text));
  const sideDocs = {
    base: sides.base.map((f) => parseDocument(f.text)),
    ours: sides.ours.map((f) => parseDocument(f.text)),
    theirs: sides.theirs.map((f) => parseDocument(f.text)),
  };
  const targets = new Map<string, Target>();
  for (const c of conflicts) placeConflict(targets, docs, sideDocs, c, opts);
  // outermost first would be overwritten by inner ones; write inner (longer) paths first, skip ones under a written outer block
  const ordered = [...targets.values()].sort((a, b) => b.yamlPath.length - a.yamlPath.length);
  const written: Target[] = [];
  for (const t of ordered) {
    const inner = written.filter((w) => w.file === t.file && t.yamlPath.every((p, i) => w.yamlPath[i] === p));
    writeMarker(docs[t.file]!, t, inner, sideDocs);
    written.push(t);
  }
  return merged.map((f, i) =>
    written.some((w) => w.file === i) ? { path: f.path, text: docs[i]!.toString({ lineWidth: 0 }) } : f,
  );
}

/** SideDocs are the parsed files of the three sides. */
type SideDocs = { base: Document[]; ours: Document[]; theirs: Document[] };

/** placeConflict finds where a conflict's block goes (the object, an alternative spot, or the deepest ancestor) and files it under that target. */
function placeConflict(
  targets: Map<string, Target>,
  docs: readonly Document[],
  sideDocs: SideDocs,
  c: Conflict,
  opts: { alternatives?: (c: Conflict) => readonly (readonly string[])[] },
): void {
  let best: { file: number; r: ReturnType<typeof resolve>; path: readonly string[] } | undefined;
  // an exact spot first: the object itself, else an alternative (a one-column constraint written on its column)
  for (const path of [c.path, ...(opts.alternatives?.(c) ?? [])]) {
    docs.forEach((d, i) => {
      const r = resolve(d, path);
      if (!best && r.depth === path.length) best = { file: i, r, path };
    });
    if (best) break;
  }
  if (!best) {
    docs.forEach((d, i) => {
      const r = resolve(d, c.path);
      if (r.depth >= 2 && (!best || r.depth > best.r.depth)) best = { file: i, r, path: c.path };
    });
  }
  if (!best) return; // the object is in no file (cannot happen: merged holds a value at every conflict)
  let { yamlPath } = best.r;
  let modelPath = best.path.slice(0, best.r.depth);
  const objNode = best.r.node;
  if (c.attribute && best.path === c.path && best.r.depth === c.path.length && isMap(objNode)) {
    const attr = snake(c.attribute);
    const has = (d: Document) => {
      const r = resolve(d, c.path);
      return r.depth === c.path.length && isMap(r.node) && r.node.has(attr);
    };
    if (objNode.has(attr) || [...sideDocs.base, ...sideDocs.ours, ...sideDocs.theirs].some(has)) {
      yamlPath = [...yamlPath, attr];
      modelPath = [...c.path, c.attribute];
    }
  }
  const key = `${best.file}\u0000${JSON.stringify(yamlPath)}`;
  const t = targets.get(key) ?? { file: best.file, yamlPath, modelPath, conflicts: [] };
  t.conflicts.push(c);
  targets.set(key, t);
}

/** writeMarker replaces the target's node with a marker block showing base, ours and theirs (and the conflicts inside it). */
function writeMarker(doc: Document, t: Target, inner: readonly Target[], sideDocs: SideDocs): void {
  const attrLevel =
    t.conflicts[0]!.attribute !== undefined &&
    t.modelPath.length === t.conflicts[0]!.path.length + 1 &&
    t.modelPath[t.modelPath.length - 1] === t.conflicts[0]!.attribute;
  const pick = (side: 'base' | 'ours' | 'theirs') => {
    const c = t.conflicts[0]!;
    const exact = attrLevel || (t.modelPath.length === c.path.length && t.modelPath.every((x, i) => x === c.path[i]));
    const fallback = exact ? (c as unknown as Record<string, unknown>)[side] : undefined;
    const fb = fallback !== undefined && (typeof fallback !== 'object' || fallback === null) ? fallback : undefined;
    // a rename/rename: each side's object sits under that side's name
    const path =
      c.kind === 'rename/rename' && exact && typeof fallback === 'string'
        ? [...t.modelPath.slice(0, -1), fallback]
        : t.modelPath;
    return sideNode(sideDocs[side], path, fb, doc);
  };
  const about = [...t.conflicts, ...inner.flatMap((w) => w.conflicts)].map((c) => `${c.kind}: ${c.message}`).join('; ');
  const block = doc.createNode({ [MARKER]: { about, base: null, ours: null, theirs: null } });
  const body = (block as unknown as { get(k: string): { set(k: string, v: unknown): void } }).get(MARKER);
  body.set('base', pick('base'));
  body.set('ours', pick('ours'));
  body.set('theirs', pick('theirs'));
  doc.setIn(t.yamlPath, block);
  // block style along the path so the marker reads as a block, whatever the surrounding flow style
  let n: unknown = doc.contents;
  for (const k of [...t.yamlPath, MARKER]) {
    if (isMap(n) || isSeq(n)) {
      n.flow = false;
      n = n.get(k, true);
    }
  }
  if (isMap(n)) n.flow = false;
}

/** findMarkers lists where `<<<conflict` markers are left in files (text scan, 1-based line and column). */
export function findMarkers(files: readonly SourceFile[]): SourceLoc[] {
  const out: SourceLoc[] = [];
  for (const f of files) {
    const lines = f.text.split('\n');
    lines.forEach((line, i) => {
      const col = line.indexOf(MARKER);
      if (col >= 0) out.push({ file: f.path, line: i + 1, col: col + 1 });
    });
  }
  return out;
}
