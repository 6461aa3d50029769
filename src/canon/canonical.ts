/**
 * The canonical form of a schema: what identity means. Maps sorted by key, columns sorted by name, rename hints
 * dropped, attributes equal to PostgreSQL's defaults omitted, false booleans and empty maps/lists removed.
 */
import { createHash } from 'node:crypto';
import type {
  Column,
  Domain,
  EnumType,
  ExclusionConstraint,
  ForeignKey,
  Func,
  Index,
  IndexElement,
  Namespace,
  Policy,
  Schema,
  Sequence,
  SequenceOptions,
  Table,
  Trigger,
  TriggerEvent,
  View,
} from '../model/types.js';
import { isStandardPublic } from '../model/privileges.js';
import { makeObjectName } from './names.js';
import { SECTION_FACTS, SECTIONS, type SectionField } from '../model/sections.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function sortedMap<T, U>(m: Readonly<Record<string, T>> | undefined, f: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  if (!m) return out;
  for (const k of Object.keys(m).sort()) out[k] = f(m[k]!);
  return out;
}

/** keepHints is set while tidySchema runs: rename hints and declared column order survive. */
let keepHints = false;

function strip<T extends object>(o: T, ...keys: string[]): T {
  const out = {} as Record<string, unknown>;
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined || (v === false && k !== 'nullable' && k !== 'permissive')) continue;
    if (!keepHints && keys.length && keys.includes(k)) continue;
    out[k] = v;
  }
  return out as T;
}

const RANGES: Readonly<Record<string, [bigint, bigint]>> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

/** canonicalSequenceOptions drops options that equal PostgreSQL's defaults for a sequence of `type` (default bigint). */
export function canonicalSequenceOptions(
  o: SequenceOptions | undefined,
  defaultType = 'bigint',
): SequenceOptions | undefined {
  if (!o) return undefined;
  const type = o.type ?? defaultType;
  const range = RANGES[type];
  const out: Mutable<SequenceOptions> = { ...o };
  if (out.type === defaultType) delete out.type;
  if (!range) return strip(out);
  try {
    const inc = BigInt(o.increment ?? '1');
    const min = inc > 0n ? 1n : range[0];
    const max = inc > 0n ? range[1] : -1n;
    if (out.increment !== undefined && inc === 1n) delete out.increment;
    const realMin = o.min !== undefined ? BigInt(o.min) : min;
    const realMax = o.max !== undefined ? BigInt(o.max) : max;
    if (out.min !== undefined && realMin === min) delete out.min;
    if (out.max !== undefined && realMax === max) delete out.max;
    if (out.start !== undefined && BigInt(out.start) === (inc > 0n ? realMin : realMax)) delete out.start;
    if (out.cache !== undefined && BigInt(out.cache) === 1n) delete out.cache;
  } catch {
    /* not numeric: keep as written */
  }
  if (out.cycle === false) delete out.cycle;
  return strip(out);
}

const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = {
  true: true,
  t: true,
  yes: true,
  y: true,
  on: true,
  1: true,
  false: false,
  f: false,
  no: false,
  n: false,
  off: false,
  0: false,
};

/** typedLiteral reads a quoted default as the value PostgreSQL stores: an integer of an integer column
 * (`default: '5'`), a boolean of a boolean column (`default: 'yes'`); undefined when there is nothing to read. */
function typedLiteral(c: Column): number | boolean | undefined {
  const d = c.default;
  if (!d || !('literal' in d) || typeof d.literal !== 'string') return undefined;
  if (c.type === 'boolean') return BOOLEAN_TEXT[d.literal.trim().toLowerCase()];
  if (RANGES[c.type] === undefined || !/^\s*[-+]?\d+\s*$/.test(d.literal)) return undefined;
  const n = Number(d.literal);
  return Number.isSafeInteger(n) ? n : undefined;
}

function canonColumn(c: Column, table: string): Column {
  const literal = typedLiteral(c);
  if (
    !c.identity &&
    literal === undefined &&
    (keepHints || (c.renamedFrom === undefined && c.convertUsing === undefined))
  )
    return c;
  const out: Mutable<Column> = strip(c, 'renamedFrom', 'convertUsing');
  if (literal !== undefined) out.default = { literal };
  if (c.identity) {
    const options = canonicalSequenceOptions(c.identity.options, c.type);
    out.identity = {
      mode: c.identity.mode,
      ...(options && Object.keys(options).length ? { options } : {}),
      // PostgreSQL's own name for it is the same as none
      ...(c.identity.sequence !== undefined && c.identity.sequence !== makeObjectName(table, c.name, 'seq')
        ? { sequence: c.identity.sequence }
        : {}),
    };
  }
  return out;
}

function canonElement(e: IndexElement): IndexElement {
  const out: Mutable<IndexElement> = strip(e);
  const defaultNulls = e.order === 'desc' ? 'first' : 'last';
  if (out.nulls === defaultNulls) delete out.nulls;
  if (e.opclassParams) out.opclassParams = sortedMap(e.opclassParams, (v) => v);
  return out;
}

function canonIndex(i: Index): Index {
  const out: Mutable<Index> = strip(i, 'renamedFrom');
  if (out.using === 'btree') delete out.using;
  out.elements = i.elements.map(canonElement);
  if (i.with) out.with = sortedMap(i.with, (v) => v);
  if (i.dependsOnExtensions) out.dependsOnExtensions = sortedSet(i.dependsOnExtensions);
  return out;
}

/** sortedSet is an extension list without repeats, sorted: the marks are a set (`dependsOnExtensions`). */
function sortedSet(list: readonly string[]): string[] | undefined {
  return list.length ? [...new Set(list)].sort() : undefined;
}

function canonFk(f: ForeignKey): ForeignKey {
  const out: Mutable<ForeignKey> = strip(f, 'renamedFrom');
  if (out.onDelete === 'no_action') delete out.onDelete;
  if (out.onUpdate === 'no_action') delete out.onUpdate;
  if (out.match === 'simple') delete out.match;
  return out;
}

const EVENT_ORDER: readonly TriggerEvent[] = ['insert', 'delete', 'update', 'truncate'];

function canonTrigger(t: Trigger): Trigger {
  const out: Mutable<Trigger> = strip(t);
  out.events = [...new Set(t.events)].sort((a, b) => EVENT_ORDER.indexOf(a) - EVENT_ORDER.indexOf(b));
  if (out.enabled === 'origin') delete out.enabled;
  if (t.dependsOnExtensions) out.dependsOnExtensions = sortedSet(t.dependsOnExtensions);
  return out;
}

function canonPolicy(p: Policy): Policy {
  return { ...strip(p), roles: [...new Set(p.roles)].sort() };
}

function canonTable(t: Table): Table {
  const out: Mutable<Table> = strip(t, 'renamedFrom');
  out.columns = t.columns.map((c) => canonColumn(c, t.name));
  if (!keepHints) out.columns = [...out.columns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (t.primaryKey) out.primaryKey = strip(t.primaryKey, 'renamedFrom');
  out.uniques = sortedMap(t.uniques, (u) => strip(u, 'renamedFrom'));
  out.checks = sortedMap(t.checks, (c) => strip(c, 'renamedFrom'));
  out.foreignKeys = sortedMap(t.foreignKeys, canonFk);
  out.exclusions = sortedMap(t.exclusions, (x: ExclusionConstraint) => strip(x, 'renamedFrom'));
  out.indexes = sortedMap(t.indexes, canonIndex);
  out.triggers = sortedMap(t.triggers, canonTrigger);
  out.policies = sortedMap(t.policies, canonPolicy);
  return out;
}

function canonView(v: View): View {
  const out: Mutable<View> = strip(v, 'renamedFrom');
  if (v.options) out.options = sortedMap(v.options, (x) => x);
  if (v.indexes) out.indexes = sortedMap(v.indexes, canonIndex);
  if (v.triggers) out.triggers = sortedMap(v.triggers, canonTrigger);
  if (v.columnComments) out.columnComments = sortedMap(v.columnComments, (x) => x);
  if (v.columnDefaults) out.columnDefaults = sortedMap(v.columnDefaults, (x) => x);
  if (v.columnGrants) out.columnGrants = sortedMap(v.columnGrants, (x) => x);
  if (v.dependsOnExtensions) out.dependsOnExtensions = sortedSet(v.dependsOnExtensions);
  return out;
}

function canonFunc(f: Func): Func {
  const out: Mutable<Func> = strip(f);
  const setReturning = /^(setof\s|table\s*\()/i.test(f.returns);
  const cLang = f.language === 'c' || f.language === 'internal';
  if (out.cost !== undefined && Number(out.cost) === (cLang ? 1 : 100)) delete out.cost;
  if (out.rows !== undefined && Number(out.rows) === (setReturning ? 1000 : 0)) delete out.rows;
  if (f.set) out.set = sortedMap(f.set, (x) => x);
  if (f.dependsOnExtensions) out.dependsOnExtensions = sortedSet(f.dependsOnExtensions);
  return out;
}

/** SectionObject is the type of one object of section S. */
type SectionObject<S extends SectionField> = NonNullable<Schema[S]>[string];

/** CANON_OBJECT gives each section's object canonicalizer (a Record: a new section does not compile without one). */
const CANON_OBJECT: { readonly [S in SectionField]: (x: SectionObject<S>) => SectionObject<S> } = {
  extensions: (e) => strip(e),
  schemas: (n) => strip(n),
  enums: (e: EnumType) => strip(e, 'renamedFrom', 'valueRenames'),
  composites: (c) => strip(c),
  domains: (d: Domain) => ({ ...strip(d), checks: sortedMap(d.checks, (c) => strip(c)) }),
  sequences: (s: Sequence) => {
    const out: Mutable<Sequence> = strip(s);
    out.options = canonicalSequenceOptions(s.options) ?? {};
    return out;
  },
  tables: canonTable,
  views: canonView,
  functions: canonFunc,
  objects: (x) => strip(x),
  unmanaged: (x) => strip(x),
  defaultPrivileges: (d) => strip(d),
};

/**
 * canonicalize returns the canonical Schema: keys sorted, hints (renamedFrom) dropped, columns sorted by name; an
 * optional section without objects is left out.
 */
export function canonicalize(schema: Schema): Schema {
  const out: Record<string, unknown> = { kind: 'schema' };
  for (const s of SECTIONS) {
    const m = schema[s] as Readonly<Record<string, SectionObject<typeof s>>> | undefined;
    if (SECTION_FACTS[s].optional && !(m && Object.keys(m).length)) continue;
    out[s] = sortedMap(m, CANON_OBJECT[s] as (x: SectionObject<typeof s>) => SectionObject<typeof s>);
  }
  // the standard `public` schema declared explicitly is the same schema as one that leaves it out
  const ns = out.schemas as Record<string, Namespace> | undefined;
  if (ns?.public && isStandardPublic(ns.public)) {
    const { public: _p, ...rest } = ns;
    out.schemas = rest;
  }
  return out as unknown as Schema;
}

/** namingKey is the canonical text of a constraint/index/check definition without its name, location or hints; it orders unnamed objects before default names are chosen, so names do not depend on declaration order. */
export function namingKey(kind: 'index' | 'fk' | 'other', obj: object): string {
  const o = { ...obj } as Record<string, unknown>;
  for (const k of ['name', 'at', 'refAt', 'refParts', 'typeAt', 'renamedFrom', 'comment']) delete o[k];
  const canon =
    kind === 'index'
      ? canonIndex(o as unknown as Index)
      : kind === 'fk'
        ? canonFk(o as unknown as ForeignKey)
        : strip(o);
  return stableJson(canon);
}

/** tidySchema omits attributes equal to PostgreSQL's defaults (like canonicalize) but keeps declared column order and rename hints. */
export function tidySchema(schema: Schema): Schema {
  keepHints = true;
  try {
    return canonicalize(schema);
  } finally {
    keepHints = false;
  }
}

/** stableJson is the canonical text of a value (what the hash and the store's model blobs read): JSON with sorted keys,
 * dropping undefined, `false` (except literal values), empty maps and empty lists. (diff's fragmentKey keeps them.) */
export function stableJson(value: unknown): string {
  const v = prune(value, false);
  return v === undefined ? 'null' : JSON.stringify(v);
}

/** KIND_KEYS caches, per model `kind`, the sorted union of the keys seen on objects of that kind. */
const KIND_KEYS = new Map<string, string[]>();

/** sortedKeys returns the keys to visit in order: a cached sorted list for model objects, else the sorted own keys. */
function sortedKeys(o: Record<string, unknown>): readonly string[] {
  const kind = o['kind'];
  if (typeof kind === 'string') {
    let ks = KIND_KEYS.get(kind);
    let fresh = false;
    for (const k in o) {
      if (ks === undefined || !ks.includes(k)) {
        ks = [...(ks ?? []), k];
        fresh = true;
      }
    }
    if (fresh) KIND_KEYS.set(kind, (ks = [...new Set(ks)].sort()));
    return ks ?? [];
  }
  const ks = Object.keys(o);
  if (ks.length > 1) ks.sort();
  return ks;
}

/** prune copies a value with object keys inserted in sorted order, leaving out what stableJson drops; JSON.stringify then writes it. */
function prune(v: unknown, keepFalse: boolean): unknown {
  if (v === null || typeof v !== 'object') {
    if (v === false && !keepFalse) return undefined;
    if (typeof v === 'bigint') return String(v);
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    return v;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = prune(v[i], true);
      out[i] = x === undefined ? null : x;
    }
    return out;
  }
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k of sortedKeys(o)) {
    const raw = o[k];
    if (raw === undefined) continue;
    const x = prune(raw, k === 'literal');
    if (x === undefined) continue;
    (out ??= {})[k] = x;
  }
  return out;
}

/** canonicalJson writes the canonical form as deterministic JSON text. */
export function canonicalJson(schema: Schema): string {
  return stableJson(canonicalize(schema));
}

/** schemaHash is `sv1:<sha256 hex of canonicalJson>`: equal for equal schemas however they were written. */
export function schemaHash(schema: Schema): string {
  return 'sv1:' + createHash('sha256').update(canonicalJson(schema)).digest('hex');
}

/** safeFileName percent-encodes every byte outside [A-Za-z0-9._-] so an id is a portable file name. */
export function safeFileName(id: string): string {
  let out = '';
  for (const ch of id) {
    if (/^[A-Za-z0-9._-]$/.test(ch)) out += ch;
    else for (const b of new TextEncoder().encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  if (out === '.' || out === '..') out = out.replace(/\./g, '%2E');
  return out;
}

/** canonicalObjects gives one canonical JSON blob per top-level object, at `<section>/<safe id>.json`, sorted by path. */
export function canonicalObjects(schema: Schema): Array<{ path: string; json: string }> {
  const canon = canonicalize(schema);
  const out: Array<{ path: string; json: string }> = [];
  for (const section of SECTIONS) {
    const map = (canon[section] ?? {}) as Readonly<Record<string, unknown>>;
    for (const id of Object.keys(map))
      out.push({ path: `${section}/${safeFileName(id)}.json`, json: stableJson(map[id]) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
