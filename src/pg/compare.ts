/**
 * compareSchemas: the semantic difference between two models, as sentences that name objects
 * (`column users.email: type expected text, got character varying(20)`, `index users_created_idx on users missing`).
 * Column order and rename hints are ignored. Used on models read back from a database, where PostgreSQL has
 * already normalised spellings, so plain value equality is the right test.
 */
import type { Column, Schema, Table, View } from '../model/types.js';

const HINTS = new Set(['renamedFrom', 'valueRenames', 'convertUsing']);

const SECTIONS: ReadonlyArray<readonly [keyof Omit<Schema, 'kind'>, string]> = [
  ['extensions', 'extension'],
  ['schemas', 'schema'],
  ['enums', 'enum'],
  ['composites', 'composite type'],
  ['domains', 'domain'],
  ['sequences', 'sequence'],
  ['tables', 'table'],
  ['views', 'view'],
  ['functions', 'function'],
  ['objects', 'object'],
  ['defaultPrivileges', 'default privileges'],
];

const TABLE_MAPS: ReadonlyArray<readonly [keyof Table, string]> = [
  ['uniques', 'unique constraint'],
  ['checks', 'check constraint'],
  ['foreignKeys', 'foreign key'],
  ['exclusions', 'exclusion constraint'],
  ['indexes', 'index'],
  ['triggers', 'trigger'],
  ['policies', 'policy'],
];

const VIEW_MAPS: ReadonlyArray<readonly [keyof View, string]> = [
  ['indexes', 'index'],
  ['triggers', 'trigger'],
];

/** show writes a value for a mismatch message. */
function show(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') return v.includes('\n') ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** same compares two plain values structurally, ignoring key order and keys whose value is undefined. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => same(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!same(ao[k], bo[k])) return false;
  return true;
}

/** attrs compares the attributes of two objects, skipping `skip` keys, and reports each difference. */
function attrs(label: string, e: object, a: object, skip: ReadonlySet<string>, out: string[]): void {
  const eo = e as Record<string, unknown>;
  const ao = a as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(eo), ...Object.keys(ao)])]
    .filter((k) => !skip.has(k) && !HINTS.has(k))
    .sort();
  for (const k of keys) {
    if (!same(eo[k], ao[k])) out.push(`${label}: ${k} expected ${show(eo[k])}, got ${show(ao[k])}`);
  }
}

/** keyed compares two maps of objects by key: missing, unexpected, then attribute differences. */
function keyed<T extends object>(
  what: string,
  suffix: string,
  e: Readonly<Record<string, T>> | undefined,
  a: Readonly<Record<string, T>> | undefined,
  out: string[],
  each: (label: string, e: T, a: T, key: string) => void = (label, x, y) => attrs(label, x, y, new Set(['kind']), out),
): void {
  const em = e ?? {};
  const am = a ?? {};
  for (const k of Object.keys(em).sort()) {
    if (!(k in am)) out.push(`${what} ${k}${suffix} missing`);
  }
  for (const k of Object.keys(am).sort()) {
    if (!(k in em)) out.push(`${what} ${k}${suffix} unexpected`);
  }
  for (const k of Object.keys(em).sort()) {
    if (k in am) each(`${what} ${k}${suffix}`, em[k]!, am[k]!, k);
  }
}

function compareColumns(tableId: string, e: readonly Column[], a: readonly Column[], out: string[]): void {
  const em = Object.fromEntries(e.map((c) => [c.name, c]));
  const am = Object.fromEntries(a.map((c) => [c.name, c]));
  for (const name of Object.keys(em).sort()) if (!(name in am)) out.push(`column ${tableId}.${name} missing`);
  for (const name of Object.keys(am).sort()) if (!(name in em)) out.push(`column ${tableId}.${name} unexpected`);
  for (const name of Object.keys(em).sort()) {
    if (name in am) attrs(`column ${tableId}.${name}`, em[name]!, am[name]!, new Set(['kind', 'name']), out);
  }
}

function compareTable(id: string, e: Table, a: Table, out: string[]): void {
  compareColumns(id, e.columns, a.columns, out);
  const skip = new Set<string>(['kind', 'columns', 'primaryKey', ...TABLE_MAPS.map(([k]) => k)]);
  attrs(`table ${id}`, e, a, skip, out);
  if (e.primaryKey && !a.primaryKey) out.push(`primary key ${e.primaryKey.name} on ${id} missing`);
  else if (!e.primaryKey && a.primaryKey) out.push(`primary key ${a.primaryKey.name} on ${id} unexpected`);
  else if (e.primaryKey && a.primaryKey)
    attrs(`primary key on ${id}`, e.primaryKey, a.primaryKey, new Set(['kind']), out);
  for (const [key, what] of TABLE_MAPS) {
    keyed(what, ` on ${id}`, e[key] as Record<string, object>, a[key] as Record<string, object>, out);
  }
}

function compareView(id: string, e: View, a: View, out: string[]): void {
  const skip = new Set<string>(['kind', ...VIEW_MAPS.map(([k]) => k)]);
  attrs(`view ${id}`, e, a, skip, out);
  for (const [key, what] of VIEW_MAPS) {
    keyed(
      what,
      ` on ${id}`,
      e[key] as Record<string, object> | undefined,
      a[key] as Record<string, object> | undefined,
      out,
    );
  }
}

/** compareSchemas lists every difference between `expected` and `actual` (empty when they are the same schema). */
export function compareSchemas(expected: Schema, actual: Schema): string[] {
  const out: string[] = [];
  for (const [section, what] of SECTIONS) {
    const e = expected[section] as Readonly<Record<string, object>>;
    const a = actual[section] as Readonly<Record<string, object>>;
    if (section === 'tables')
      keyed(what, '', e as Record<string, Table>, a as Record<string, Table>, out, (_l, x, y, id) =>
        compareTable(id, x, y, out),
      );
    else if (section === 'views')
      keyed(what, '', e as Record<string, View>, a as Record<string, View>, out, (_l, x, y, id) =>
        compareView(id, x, y, out),
      );
    else keyed(what, '', e, a, out);
  }
  return out;
}
