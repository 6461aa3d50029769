/**
 * The normalisation cache by object (normalize.ts): PostgreSQL's spelling of each object's expressions, kept under a
 * key of what that spelling can depend on, so an edit to one table of a big schema builds that table (and what it
 * needs) in PGlite, not the schema, and an edit no expression depends on (a column no expression names) builds
 * nothing. An object's key hashes, for this PGlite and this schemaver build:
 * - the sections every partial build holds whole (extensions, schemas, unmanaged objects);
 * - the object's own definition but INERT keys (comments, grants, owners) — for a table without its foreign keys
 *   and without the columns none of its expressions names (PostgreSQL's deparser prints a column by its name; a
 *   column's own default or generation expression depends on its type, so such a column is kept); an expression
 *   that names the table itself (a whole-row reference) keeps every column;
 * - what it refers to, transitively (names matched as identifier tokens, as the edge closure does, closure.ts:
 *   a spurious match only makes a key more specific): tables as a partial build creates them (stripped: columns and
 *   keys), other objects whole.
 * A build of the missing objects holds them whole (tables without foreign keys) with everything they refer to.
 * Storage: each normalisation writes one file `normalized/<schema key>.json` (temp file renamed in) holding the
 * schema's answer and every object's; a later schema reads the newest files until it has its objects' answers.
 * The folder keeps the MAX_FILES most recently used files (a hit refreshes a file's time).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { splitId } from '../model/ids.js';
import type { Schema, Table } from '../model/types.js';
import { KEYED_PART_FIELDS, SECTION_FACTS, SECTIONS, type SectionField } from '../model/sections.js';
import { stripTable, tokens } from './closure.js';

/** NORMALIZED_DIR is the normalisation cache's folder inside the store's cache directory. */
export const NORMALIZED_DIR = 'normalized';

/** MAX_FILES bounds the folder: the most recently used normalisations are kept. */
export const MAX_FILES = 24;

/** MAX_READS bounds how many files a schema whose own file is missing reads for its objects' answers. */
const MAX_READS = 6;

/** SlotValues maps expression slots (normalize.ts) to PostgreSQL's text where it differs from the declared one. */
export type SlotValues = Record<string, unknown>;

/** CachedNormalization is one file of the cache: a schema's changed slots (or why it did not build) and its objects'. */
export interface CachedNormalization {
  readonly changed?: SlotValues;
  readonly failed?: string;
  /** objects: object key -> that object's changed slots. */
  readonly objects?: Record<string, SlotValues>;
  /** unstable: PostgreSQL kept respelling some text for every round (normalize.ts ROUNDS); its objects are not kept. */
  readonly unstable?: boolean;
}

/** INERT are model keys no expression's spelling depends on: editing them (a comment, a grant) reuses the normalisation. */
const INERT = new Set([
  'comment',
  'columnComments',
  'columnGrants',
  'grants',
  'owner',
  'defaultPrivileges',
  'renamedFrom',
  'valueRenames',
]);

/** dropInert is JSON.stringify's replacer leaving out INERT keys of model objects (those with a `kind`), not map entries so named. */
function dropInert(this: unknown, k: string, v: unknown): unknown {
  return INERT.has(k) && typeof (this as { kind?: unknown }).kind === 'string' ? undefined : v;
}

/** INERT_KEYS are the INERT keys as they appear in JSON text (a text without any needs no replacer). */
const INERT_KEYS = [...INERT].map((k) => `"${k}":`);

/** inertFreeJson is a model value as JSON without INERT keys (key order as built: a reordered copy is only a cache miss). */
export function inertFreeJson(v: unknown): string | undefined {
  const plain = JSON.stringify(v) as string | undefined;
  if (plain === undefined || !INERT_KEYS.some((k) => plain.includes(k))) return plain;
  return JSON.stringify(v, dropInert) as string | undefined;
}

/** IDENT matches identifier-like words of lower-cased text (closure.ts tokens(), without the unicode tables). */
const IDENT = /[a-z_\u0080-\uffff][a-z0-9_$\u0080-\uffff]*/g;

/** Names is the name index of a schema's objects: words to `section:id`, and the names no word can spell whole. */
interface Names {
  readonly byName: Map<string, string[]>;
  readonly odd: string[];
}

/** refsIn adds to `out` the objects (but `self`) whose name occurs in `text` as a word, or at all for odd names. */
function refsIn(text: string, names: Names, self: string, out: Set<string>): void {
  const low = text.toLowerCase();
  for (const m of low.matchAll(IDENT)) {
    const ks = names.byName.get(m[0]);
    if (ks) for (const k of ks) if (k !== self) out.add(k);
  }
  for (const nm of names.odd)
    if (low.includes(nm)) for (const k of names.byName.get(nm) ?? []) if (k !== self) out.add(k);
}

const WHOLE: readonly SectionField[] = SECTIONS.filter((s) => SECTION_FACTS[s].closure === 'whole');
const NODES: readonly SectionField[] = SECTIONS.filter((s) => SECTION_FACTS[s].closure === 'node');

/** Node is one object of the schema as the cache sees it. */
interface Node {
  readonly key: string; // section:id
  readonly section: SectionField;
  readonly id: string;
  readonly obj: unknown;
  readonly names: readonly string[];
}

function namesOf(section: SectionField, id: string, obj: unknown): string[] {
  const parts = splitId(id.replace(/\(.*\)$/s, '')) ?? [id];
  const out = [parts[parts.length - 1]!.toLowerCase()];
  if (section === 'tables' || section === 'views') {
    const t = obj as Record<string, Record<string, unknown> | { name: string } | undefined>;
    for (const f of KEYED_PART_FIELDS) for (const k of Object.keys(t[f] ?? {})) out.push(k.toLowerCase());
    const pk = (obj as Partial<Table>).primaryKey;
    if (pk) out.push(pk.name.toLowerCase());
  }
  return out;
}

/** withoutForeignKeys is a table as a partial build creates it in full: foreign keys (no expressions) would need their targets. */
function withoutForeignKeys(t: Table): Table {
  return { ...t, foreignKeys: {} };
}

/** keyedTable is the part of a table its expressions' spelling can depend on (see the file comment). */
function keyedTable(t: Table, texts: readonly unknown[]): unknown {
  const words = new Set<string>();
  for (const x of texts) for (const w of tokens(typeof x === 'string' ? x : JSON.stringify(x))) words.add(w);
  const whole = words.has(t.name.toLowerCase());
  const columns = whole
    ? t.columns
    : t.columns.filter((c) => c.default !== undefined || c.generated !== undefined || words.has(c.name.toLowerCase()));
  return { ...withoutForeignKeys(t), columns };
}

/** indexNodes lists the objects of `s` by `section:id` and by every name SQL text can refer to them by. */
function indexNodes(s: Schema): { nodes: Map<string, Node>; names: Names } {
  const nodes = new Map<string, Node>();
  const byName = new Map<string, string[]>();
  for (const section of NODES) {
    for (const [id, obj] of Object.entries((s[section] ?? {}) as Record<string, unknown>)) {
      const key = `${section}:${id}`;
      const n: Node = { key, section, id, obj, names: namesOf(section, id, obj) };
      nodes.set(key, n);
      for (const nm of n.names) {
        const l = byName.get(nm);
        if (l) l.push(key);
        else byName.set(nm, [key]);
      }
    }
  }
  const odd = [...byName.keys()].filter((nm) => !new RegExp(`^${IDENT.source}$`).test(nm));
  return { nodes, names: { byName, odd } };
}

/**
 * partialBuild is the schema that creates `missing` whole (tables without foreign keys) with what they need, and what
 * the objects `needing` and the texts `texts` name need.
 */
function partialBuild(
  s: Schema,
  nodes: ReadonlyMap<string, Node>,
  needs: (n: Node, form: 'build') => Map<string, 'stripped' | 'whole'>,
  named: (text: string) => Map<string, 'stripped' | 'whole'>,
  missing: ReadonlySet<string>,
  needing: ReadonlySet<string> = new Set(),
  texts: readonly string[] = [],
): Schema {
  const whole = new Set<string>();
  const stripped = new Set<string>();
  for (const k of [...missing, ...needing]) {
    const n = nodes.get(k);
    if (!n) continue;
    if (missing.has(k)) whole.add(k);
    for (const [d, how] of needs(n, 'build')) (how === 'whole' ? whole : stripped).add(d);
  }
  for (const text of texts) for (const [d, how] of named(text)) (how === 'whole' ? whole : stripped).add(d);
  const out: Record<string, unknown> = { kind: 'schema' };
  for (const section of WHOLE) if (s[section] !== undefined) out[section] = s[section];
  for (const section of NODES) {
    const m: Record<string, unknown> = {};
    for (const [id, obj] of Object.entries((s[section] ?? {}) as Record<string, unknown>)) {
      const key = `${section}:${id}`;
      if (whole.has(key)) m[id] = section === 'tables' ? withoutForeignKeys(obj as Table) : obj;
      else if (stripped.has(key)) m[id] = stripTable(obj as Table);
    }
    out[section] = m;
  }
  return out as unknown as Schema;
}

/** ObjectPlan: each object with expressions keyed, and how to build a set of them. */
export interface ObjectPlan {
  /** keys: `section:id` -> cache key, for every object with expression slots (computed when first asked). */
  readonly keys: ReadonlyMap<string, string>;
  /** objects: the objects `keys` keys. */
  readonly objects: ReadonlySet<string>;
  /**
   * build returns the partial schema that creates `missing` (`section:id`) whole, with what they refer to, what the
   * objects `needing` refer to (not those objects themselves) and what the texts `texts` name (normshare.ts: the parts
   * of tables it builds elsewhere, each distinct one once).
   */
  build(missing: ReadonlySet<string>, needing?: ReadonlySet<string>, texts?: readonly string[]): Schema;
}

/**
 * objectPlan keys each object of `s` that has expression slots (`slots`: `section:id` -> its slot values), for the
 * PGlite and schemaver build named by `identity`.
 */
export function objectPlan(
  s: Schema,
  slots: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
  identity: string,
): ObjectPlan {
  const { nodes, names } = indexNodes(s);
  const memo = new Map<string, { text: string; refs: Set<string> }>();
  /** form: how a node takes part: `key` (its own key), `build` (built whole), `stripped` (a table another needs). */
  const view = (n: Node, form: 'key' | 'build' | 'stripped'): { text: string; refs: Set<string> } => {
    const m = `${form}\0${n.key}`;
    const hit = memo.get(m);
    if (hit) return hit;
    let value: unknown;
    if (n.section !== 'tables') value = n.obj;
    else if (form === 'stripped') value = stripTable(n.obj as Table);
    else if (form === 'build') value = withoutForeignKeys(n.obj as Table);
    else value = keyedTable(n.obj as Table, [...(slots.get(n.key)?.values() ?? [])]);
    const text = inertFreeJson(value) ?? 'null';
    const refs = new Set<string>();
    refsIn(text, names, n.key, refs);
    const out = { text, refs };
    memo.set(m, out);
    return out;
  };
  /** needs: what creating `start` (in `form`) needs, transitively: tables stripped, other objects whole. */
  const needs = (start: Node, form: 'key' | 'build'): Map<string, 'stripped' | 'whole'> =>
    closure(view(start, form).refs, start.key);
  /** named: what a text naming objects (as a part of a table built elsewhere) needs, as `needs` answers. */
  const named = (text: string): Map<string, 'stripped' | 'whole'> => {
    const refs = new Set<string>();
    refsIn(text, names, '', refs);
    return closure(refs);
  };
  /** closure: the objects `refs` and what they need, transitively (tables stripped, other objects whole), but `self`. */
  const closure = (refs: ReadonlySet<string>, self?: string): Map<string, 'stripped' | 'whole'> => {
    const out = new Map<string, 'stripped' | 'whole'>();
    const queue: [Node | undefined, 'key' | 'build' | 'stripped'][] = [[undefined, 'build']];
    while (queue.length) {
      const [n, f] = queue.pop()!;
      const t = (n?.obj ?? {}) as Partial<Table>;
      const parents =
        f === 'stripped'
          ? new Set([...(t.inherits ?? []), ...(t.partitionOf ? [t.partitionOf.parent] : [])])
          : undefined;
      for (const d of n ? view(n, f).refs : refs) {
        if (d === self || out.has(d)) continue;
        const dn = nodes.get(d)!;
        if (dn.section === 'tables') {
          // a stripped table needs its parents among tables, nothing else of them (no chains of references)
          if (parents && !parents.has(dn.id)) continue;
          out.set(d, 'stripped');
          queue.push([dn, 'stripped']);
        } else {
          out.set(d, 'whole');
          queue.push([dn, 'build']);
        }
      }
    }
    return out;
  };
  let keys: Map<string, string> | undefined; // computed when first asked (a narrowed build needs none)
  const keyAll = (): Map<string, string> => {
    const context = inertFreeJson(Object.fromEntries(WHOLE.map((w) => [w, s[w] ?? null])));
    const out = new Map<string, string>();
    for (const k of slots.keys()) {
      const n = nodes.get(k);
      if (!n) continue;
      const h = createHash('sha256').update(`${identity}\0${context}\0${k}\0${view(n, 'key').text}`);
      for (const [d, how] of [...needs(n, 'key')].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        h.update(`\0${d}\0${view(nodes.get(d)!, how === 'stripped' ? 'stripped' : 'build').text}`);
      out.set(k, h.digest('hex'));
    }
    return out;
  };
  return {
    get keys() {
      return (keys ??= keyAll());
    },
    objects: new Set([...slots.keys()].filter((k) => nodes.has(k))),
    build: (missing, needing, texts) => partialBuild(s, nodes, needs, named, missing, needing, texts),
  };
}

/** cacheFile is the file of the schema key `key`. */
function cacheFile(cacheDir: string, key: string): string {
  return path.join(cacheDir, NORMALIZED_DIR, `${key}.json`);
}

function valid(doc: unknown): doc is CachedNormalization {
  const d = doc as CachedNormalization | null;
  return Boolean(d) && typeof d === 'object' && (typeof d!.changed === 'object' || typeof d!.failed === 'string');
}

/** readNormalization returns the cached answer for schema key `key` (refreshing its time), or undefined. */
export async function readNormalization(cacheDir: string, key: string): Promise<CachedNormalization | undefined> {
  const file = cacheFile(cacheDir, key);
  try {
    const doc = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (!valid(doc)) return undefined;
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return doc;
  } catch {
    return undefined;
  }
}

/** anyNormalization tells whether the cache folder holds a normalisation (else no object's answer can be read). */
export async function anyNormalization(cacheDir: string): Promise<boolean> {
  const names = await readdir(path.join(cacheDir, NORMALIZED_DIR)).catch(() => [] as string[]);
  return names.some((n) => n.endsWith('.json'));
}

/** readObjectAnswers collects the cached answers of the object keys `wanted` from the newest files of the cache. */
export async function readObjectAnswers(
  cacheDir: string,
  wanted: ReadonlySet<string>,
): Promise<Map<string, SlotValues>> {
  const found = new Map<string, SlotValues>();
  const dir = path.join(cacheDir, NORMALIZED_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return found;
  }
  const files = (
    await Promise.all(
      names.map(async (n) => ({
        file: path.join(dir, n),
        mtime: (await stat(path.join(dir, n)).catch(() => undefined))?.mtimeMs,
      })),
    )
  )
    .filter((f): f is { file: string; mtime: number } => f.mtime !== undefined)
    .sort((a, b) => b.mtime - a.mtime)
    .slice(0, MAX_READS);
  for (const { file } of files) {
    if (found.size === wanted.size) break;
    try {
      const doc = JSON.parse(await readFile(file, 'utf8')) as CachedNormalization;
      if (!valid(doc) || !doc.objects || typeof doc.objects !== 'object') continue;
      for (const [k, v] of Object.entries(doc.objects))
        if (wanted.has(k) && !found.has(k) && v && typeof v === 'object') found.set(k, v);
    } catch {
      /* a file being replaced or damaged is no answer */
    }
  }
  return found;
}

/** STALE_TMP_MS is how old a temp file of an interrupted write must be before pruning removes it. */
const STALE_TMP_MS = 10 * 60 * 1000;

/** writeNormalization keeps a schema's answer (temp file renamed in), then bounds the folder to MAX_FILES files. */
export async function writeNormalization(cacheDir: string, key: string, n: CachedNormalization): Promise<void> {
  try {
    const dir = path.join(cacheDir, NORMALIZED_DIR);
    await mkdir(dir, { recursive: true });
    const file = cacheFile(cacheDir, key);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(n));
    await rename(tmp, file);
    await pruneNormalized(cacheDir, file);
  } catch {
    /* the cache is an optimisation */
  }
}

/** pruneNormalized removes all but the MAX_FILES most recently used files (never `keep`) and dead writes' temp files. */
export async function pruneNormalized(cacheDir: string, keep?: string): Promise<void> {
  const dir = path.join(cacheDir, NORMALIZED_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: { file: string; mtime: number }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const s = await stat(file).catch(() => undefined);
    if (!s?.isFile()) continue;
    if (name.endsWith('.tmp')) {
      if (Date.now() - s.mtimeMs > STALE_TMP_MS) await rm(file, { force: true }).catch(() => undefined);
    } else if (name.endsWith('.json')) files.push({ file, mtime: s.mtimeMs });
  }
  const old = files.sort((a, b) => b.mtime - a.mtime).slice(MAX_FILES);
  for (const f of old) if (f.file !== keep) await rm(f.file, { force: true }).catch(() => undefined);
}
