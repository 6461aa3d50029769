/**
 * rows: the differ's changes (./index.ts diffDetailed) as attribute-level rows that people and `--json` read, and
 * the model paths they sit at. Every renderer reads these rows: status/diff/show/review (./semdiff.ts), check drift,
 * verification mismatch sentences (src/pg/compare.ts); merge conflicts use the same paths (pathKind) and words.
 * Pure: no I/O.
 */
import type { Change, ChangeKind } from '../model/changes.js';
import type { Schema } from '../model/types.js';
import { stableJson } from '../canon/index.js';
import { attrDiff, type DiffResult } from './index.js';
import { SECTIONS, SECTION_FACTS, TABLE_PARTS, TABLE_PART_KINDS } from '../model/sections.js';

/** SemOp is what happened to an object or attribute. */
export type SemOp = 'add' | 'drop' | 'change' | 'rename';

/** SemChange is one difference: `path` walks the model (`['tables','users','columns','email','type']`). */
export interface SemChange {
  readonly op: SemOp;
  readonly path: readonly string[];
  /** object: the object the change is about, for people (`column users.email`). */
  readonly object: string;
  /** attr: the attribute of `object` that changed (change ops only), dotted (`identity.mode`). */
  readonly attr?: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

/** KindPlace says where objects of a kind sit in the model: a schema section, or a part of a table (or view). */
type KindPlace =
  { readonly section: string; readonly label: string } | { readonly part: string; readonly label: string };

/**
 * PLACES places every ChangeKind, read from the registry (model/sections.ts): a section's objects under its field and
 * noun, a table part under its Table field and its short noun (`unique`, `check`: a row's column already says it is
 * a constraint).
 */
const PLACES = new Map<ChangeKind, KindPlace>([
  ...SECTIONS.map((s) => [SECTION_FACTS[s].kind, { section: s, label: SECTION_FACTS[s].noun }] as const),
  ...TABLE_PART_KINDS.map(
    (k) => [k, { part: TABLE_PARTS[k].field, label: TABLE_PARTS[k].noun.replace(/ constraint$/, '') }] as const,
  ),
]);

/** placeOf is a kind's place (every ChangeKind has one: the registry's Records are over the closed kind sets). */
function placeOf(kind: ChangeKind): KindPlace {
  const p = PLACES.get(kind);
  if (!p) throw new Error(`no place for change kind ${kind}`);
  return p;
}

const SECTION_KIND = new Map([...PLACES].flatMap(([k, p]) => ('section' in p ? [[p.section, k] as const] : [])));
const PART_KIND = new Map([...PLACES].flatMap(([k, p]) => ('part' in p ? [[p.part, k] as const] : [])));
/** SECTION_ORDER is the order rows are listed in: sections in schema order, parts in table order. */
const SECTION_ORDER = [...SECTION_KIND.keys()];
const PART_ORDER = [...PART_KIND.keys()];

/** PathKind is what a model path points at: the object's kind, its owner (table/view/domain) and the attribute path. */
export interface PathKind {
  /** kind: a ChangeKind, or `domain_check` for a check of a domain. */
  readonly kind: ChangeKind | 'domain_check';
  /** section: the schema section of the object or of its owner. */
  readonly section: string;
  /** owner: the id of the owning table, view or domain, for parts. */
  readonly owner?: string;
  /** id: the object's id (the part's name; for a primary key its owner's id). */
  readonly id: string;
  /** attr: the attribute path below the object, empty when the path is the object. */
  readonly attr: readonly string[];
}

/** pathKind tells what a model path (`['tables','users','columns','email','type']`) points at. */
export function pathKind(path: readonly string[]): PathKind | undefined {
  const [section, id, part, name] = path;
  const top = section === undefined ? undefined : SECTION_KIND.get(section);
  if (!top || id === undefined) return undefined;
  if (part !== undefined && section === 'domains' && part === 'checks' && name !== undefined)
    return { kind: 'domain_check', section, owner: id, id: name, attr: path.slice(4) };
  const sub = part === undefined || (section !== 'tables' && section !== 'views') ? undefined : PART_KIND.get(part);
  if (sub === 'primary_key') return { kind: sub, section, owner: id, id, attr: path.slice(3) };
  if (sub && name !== undefined) return { kind: sub, section, owner: id, id: name, attr: path.slice(4) };
  return { kind: top, section, id, attr: path.slice(2) };
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEntity = (v: unknown): v is Obj => isObj(v) && (typeof v.kind === 'string' || typeof v.name === 'string');
const same = (a: unknown, b: unknown): boolean => stableJson(a) === stableJson(b);

/** Row is a SemChange with the key it is listed by. */
interface Row {
  readonly change: SemChange;
  readonly key: readonly (string | number)[];
}

/** Where is a change's place: its path, its label, and its sort key. */
interface Where {
  readonly path: readonly string[];
  readonly object: string;
  readonly key: readonly (string | number)[];
}

/** whereOf places the object a change is about (`to` tells whether a part's owner is a view). */
function whereOf(kind: ChangeKind, id: string, table: string | undefined, to: Schema): Where {
  const place = placeOf(kind);
  if ('section' in place) {
    const object = place.label ? `${place.label} ${id}` : id;
    return { path: [place.section, id], object, key: [SECTION_ORDER.indexOf(place.section), id, 0] };
  }
  const owner = table ?? '';
  const section = to.views[owner] && !to.tables[owner] ? 'views' : 'tables';
  const path = kind === 'primary_key' ? [section, owner, place.part] : [section, owner, place.part, id];
  const key = [SECTION_ORDER.indexOf(section), owner, 1 + PART_ORDER.indexOf(place.part), id];
  return { path, object: `${place.label} ${owner}.${id}`, key };
}

/**
 * changeRows projects the differ's changes onto rows: adds and drops whole, renames by their old name, alters
 * attribute by attribute (plain nested objects by key, named sub-objects such as a domain's checks one by one),
 * enum value additions as one change of the value list. Renames first, then in schema order.
 */
export function changeRows(d: DiffResult, to: Schema): SemChange[] {
  const renames: SemChange[] = [];
  const rows: Row[] = [];
  const enumsDone = new Set<string>();
  for (const c of d.changes) {
    if (c.op === 'rename_value') {
      const path = ['enums', c.id, 'values', c.to];
      renames.push({ op: 'rename', path, object: `enum ${c.id} value '${c.from}'`, from: c.from, to: c.to });
      continue;
    }
    if (c.op === 'add_value') {
      if (enumsDone.has(c.id)) continue;
      enumsDone.add(c.id);
      const w = whereOf('enum', c.id, undefined, to);
      const from = d.renamed.enums[c.id]?.values;
      const values = to.enums[c.id]?.values;
      const change: SemChange = {
        op: 'change',
        path: [...w.path, 'values'],
        object: w.object,
        attr: 'values',
        from,
        to: values,
      };
      rows.push({ change, key: [...w.key, 'values'] });
      continue;
    }
    const w = whereOf(c.kind, c.id, 'table' in c ? c.table : undefined, to);
    rowsOf(c, w, renames, rows);
  }
  rows.sort((a, b) => compareKeys(a.key, b.key));
  return [...renames, ...rows.map((r) => r.change)];
}

/** rowsOf adds the rows of one add, drop, alter or rename. */
function rowsOf(
  c: Exclude<Change, { op: 'add_value' | 'rename_value' }>,
  w: Where,
  renames: SemChange[],
  rows: Row[],
): void {
  switch (c.op) {
    case 'rename': {
      const object =
        'table' in c && c.table
          ? `${placeOf(c.kind).label} ${c.table}.${c.fromId}`
          : `${placeOf(c.kind).label} ${c.fromId}`;
      renames.push({ op: 'rename', path: w.path, object, from: c.fromId, to: c.id });
      return;
    }
    case 'add':
      rows.push({ change: { op: 'add', path: w.path, object: w.object, to: c.def }, key: w.key });
      return;
    case 'drop':
      rows.push({ change: { op: 'drop', path: w.path, object: w.object, from: c.def }, key: w.key });
      return;
    case 'alter': {
      const owner = 'table' in c && c.table ? c.table : c.id;
      for (const a of c.attrs) attrRows(rows, w, owner, [a.attr], a.from, a.to);
      return;
    }
  }
}

/** attrRows adds the rows of one changed attribute: plain nested objects by key, named sub-objects one by one. */
function attrRows(rows: Row[], w: Where, owner: string, attr: readonly string[], a: unknown, b: unknown): void {
  if (same(a, b)) return;
  const path = [...w.path, ...attr];
  const key = [...w.key, attr.join('.')];
  if ((isObj(a) || isObj(b)) && isEntityMap(a) && isEntityMap(b)) {
    const am = (a ?? {}) as Obj;
    const bm = (b ?? {}) as Obj;
    const label = singular(attr[attr.length - 1]!);
    for (const k of [...new Set([...Object.keys(am), ...Object.keys(bm)])].sort()) {
      const object = `${label} ${owner}.${k}`;
      const sub: Where = { path: [...path, k], object, key: [...key, k] };
      if (!(k in am)) rows.push({ change: { op: 'add', path: sub.path, object, to: bm[k] }, key: sub.key });
      else if (!(k in bm)) rows.push({ change: { op: 'drop', path: sub.path, object, from: am[k] }, key: sub.key });
      else {
        const x = am[k] as Obj;
        const y = bm[k] as Obj;
        for (const ak of [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((q) => q !== 'kind').sort())
          attrRows(rows, sub, owner, [ak], x[ak], y[ak]);
      }
    }
    return;
  }
  const plain = (v: unknown) => isObj(v) && !isEntity(v) && !('sql' in v) && !('literal' in v);
  if (plain(a) && plain(b)) {
    const ao = a as Obj;
    const bo = b as Obj;
    for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort())
      attrRows(rows, w, owner, [...attr, k], ao[k], bo[k]);
    return;
  }
  rows.push({ change: { op: 'change', path, object: w.object, attr: attr.join('.'), from: a, to: b }, key });
}

/** isEntityMap tells whether a value is a (possibly absent) map whose values are named objects. */
function isEntityMap(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isObj(v) || isEntity(v)) return false;
  return Object.values(v).every(isEntity);
}

/** singular turns a map attribute name into a kind label (`checks` -> `check`). */
function singular(k: string): string {
  return k
    .replace(/ies$/, 'y')
    .replace(/(x|s)es$/, '$1')
    .replace(/s$/, '');
}

/** compareKeys orders sort keys element by element (numbers before strings where they meet). */
function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/**
 * alterRows lists the attribute rows between two definitions of one object at `path` (a merge side against its
 * base): the same projection changeRows applies to the differ's alters.
 */
export function alterRows(
  path: readonly string[],
  object: string,
  owner: string,
  from: object,
  to: object,
): SemChange[] {
  const rows: Row[] = [];
  const w: Where = { path, object, key: [] };
  for (const a of attrDiff(from, to, new Set(['name']))) attrRows(rows, w, owner, [a.attr], a.from, a.to);
  return rows.map((r) => r.change);
}
