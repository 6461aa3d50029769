/**
 * diff: (from, to) -> the closed set of Changes: THE differ. The planner plans its changes; every renderer (status,
 * diff, show, review, check drift, verification mismatches, merge conflict summaries) reads the same changes through
 * ./rows.ts and ./words.ts. Renames come only from `renamedFrom` hints on `to` (see ./renames.ts); everything else is
 * matched by id. Pure: no I/O.
 */
import { withStandardPublic } from '../model/privileges.js';
import type { AlterChange, AttrChange, Change, ChangeKind, ObjectDefs } from '../model/changes.js';
import type { EnumType, Schema, Table, View } from '../model/types.js';
import { canonicalize } from '../canon/index.js';
import {
  KEYED_PART_KINDS,
  TABLE_PART_FIELDS,
  TABLE_PARTS,
  VIEW_PART_KINDS,
  type KeyedPartKind,
} from '../model/sections.js';
import { applyRenames, findRenames, type RenameSet } from './renames.js';
import { relocateExtensionTypes } from './relocate.js';
import { HINTS } from './key.js';
import { inferRenames } from './inferred.js';

export { lexSql, identifiersOf, renameIdentifiers } from './sqltext.js';
export { findRenames, applyRenames } from './renames.js';
export { fragmentKey } from './key.js';
export type { RenameSet, EnumValueRename } from './renames.js';

/** DiffOptions tune diffing. */
export interface DiffOptions {
  /** renames: honour `renamedFrom` hints of `to` (default true). */
  readonly renames?: boolean;
  /**
   * canonical: compare both sides in canonical form (after the renames ran), so attributes equal to PostgreSQL's
   * defaults and spellings the hash ignores never show as changes: what people read (status, diff, show).
   * The planner diffs the models as given (default false).
   */
  readonly canonical?: boolean;
}

/** DiffResult is the changes plus `from` as it is after the renames ran (what later changes apply to). */
export interface DiffResult {
  readonly changes: readonly Change[];
  readonly renamed: Schema;
  readonly renames: RenameSet;
  /** target: the target as diffed: `to` with the renames inferred.ts found given as hints (`to` itself when none). */
  readonly target: Schema;
}

/** diffSchemas returns the changes that turn `from` into `to`: renames first, then drops, alters and adds. */
export function diffSchemas(from: Schema, to: Schema, opts: DiffOptions = {}): Change[] {
  return [...diffDetailed(from, to, opts).changes];
}

/** diffDetailed is diffSchemas plus the renamed source schema the planner needs. */
export function diffDetailed(from: Schema, to: Schema, opts: DiffOptions = {}): DiffResult {
  if (opts.renames !== false) {
    // an index or key that only changes its name is a rename (inferred.ts): its hint added, the diff made again
    const hinted = inferRenames(applyRenames(from, findRenames(from, to)), to);
    if (hinted !== to) return diffOf(from, hinted, opts);
  }
  return diffOf(from, to, opts);
}

/** diffOf is diffDetailed with `to`'s rename hints as they are. */
function diffOf(from: Schema, to: Schema, opts: DiffOptions): DiffResult {
  const renames: RenameSet = opts.renames === false ? { changes: [], values: [] } : findRenames(from, to);
  const target = opts.canonical ? canonicalize(to) : to;
  // an extension moved to another schema takes its types along: the source as it is once it has moved
  const renamed = relocateExtensionTypes(
    opts.canonical ? canonicalize(applyRenames(from, renames)) : applyRenames(from, renames),
    target,
  );
  const changes: Change[] = [...renames.changes];
  for (const v of renames.values)
    changes.push({ op: 'rename_value', kind: 'enum', id: v.enumId, from: v.from, to: v.to });
  diffMap(changes, 'extension', renamed.extensions, target.extensions);
  // `public` is never created or dropped: a side without it has the standard one (model/privileges.ts)
  diffMap(
    changes,
    'namespace',
    withStandardPublic(renamed.schemas, target.schemas),
    withStandardPublic(target.schemas, renamed.schemas),
  );
  diffEnums(changes, renamed.enums, target.enums);
  diffMap(changes, 'composite', renamed.composites, target.composites);
  diffMap(changes, 'domain', renamed.domains, target.domains);
  diffMap(changes, 'sequence', renamed.sequences, target.sequences);
  diffMap(changes, 'function', renamed.functions, target.functions);
  diffTables(changes, renamed.tables, target.tables);
  diffViews(changes, renamed.views, target.views);
  diffMap(changes, 'sql_object', renamed.objects ?? {}, target.objects ?? {});
  diffMap(changes, 'unmanaged', renamed.unmanaged ?? {}, target.unmanaged ?? {});
  diffMap(changes, 'default_privilege', renamed.defaultPrivileges ?? {}, target.defaultPrivileges ?? {});
  return { changes, renamed, renames, target: to };
}

/** sameValue compares model fragments structurally (key order, absent and undefined keys, and hints aside). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k in ra) {
    if (HINTS.has(k) || ra[k] === undefined) continue;
    if (!sameValue(ra[k], rb[k])) return false;
  }
  for (const k in rb) if (!HINTS.has(k) && rb[k] !== undefined && ra[k] === undefined) return false;
  return true;
}

/** attrDiff lists the attributes of two objects that differ, skipping hints and the `skip` keys. */
export function attrDiff(a: object, b: object, skip: ReadonlySet<string> = new Set()): AttrChange[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  const out: AttrChange[] = [];
  for (const k of [...keys].sort()) {
    if (HINTS.has(k) || skip.has(k)) continue;
    const x = normalizeFalse(ra[k]);
    const y = normalizeFalse(rb[k]);
    if (!sameValue(x, y)) out.push({ attr: k, from: ra[k], to: rb[k] });
  }
  return out;
}

/** normalizeFalse treats false/empty as absent so optional booleans and empty maps compare equal. */
function normalizeFalse(v: unknown): unknown {
  if (v === false || v === null) return undefined;
  if (Array.isArray(v) && v.length === 0) return undefined;
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return undefined;
  return v;
}

function diffMap<K extends ChangeKind>(
  out: Change[],
  kind: K,
  from: Readonly<Record<string, ObjectDefs[K]>>,
  to: Readonly<Record<string, ObjectDefs[K]>>,
  table?: string,
  skip?: ReadonlySet<string>,
): void {
  const loc = table === undefined ? {} : { table };
  for (const [id, def] of Object.entries(from))
    if (!(id in to)) out.push({ op: 'drop', kind, id, ...loc, def } as Change);
  for (const [id, def] of Object.entries(to)) {
    const old = from[id];
    if (!old) {
      out.push({ op: 'add', kind, id, ...loc, def } as Change);
      continue;
    }
    const attrs = attrDiff(old, def, skip);
    if (attrs.length) out.push({ op: 'alter', kind, id, ...loc, from: old, to: def, attrs } as AlterChange);
  }
}

function diffEnums(
  out: Change[],
  from: Readonly<Record<string, EnumType>>,
  to: Readonly<Record<string, EnumType>>,
): void {
  for (const [id, def] of Object.entries(from)) if (!(id in to)) out.push({ op: 'drop', kind: 'enum', id, def });
  for (const [id, def] of Object.entries(to)) {
    const old = from[id];
    if (!old) {
      out.push({ op: 'add', kind: 'enum', id, def });
      continue;
    }
    const attrs = attrDiff(old, def, new Set(['values']));
    const kept = old.values.filter((v) => def.values.includes(v));
    const inOrder =
      kept.length === old.values.length &&
      kept.every((v, i) => def.values.filter((x) => old.values.includes(x))[i] === v);
    if (!inOrder) {
      attrs.push({ attr: 'values', from: old.values, to: def.values });
    } else {
      for (let i = 0; i < def.values.length; i++) {
        const v = def.values[i]!;
        if (old.values.includes(v)) continue;
        // values are added left to right, so the previous value always exists by then
        const prev = def.values[i - 1];
        const next = def.values.slice(i + 1).find((x) => old.values.includes(x));
        if (prev !== undefined) out.push({ op: 'add_value', kind: 'enum', id, value: v, after: prev });
        else if (next !== undefined) out.push({ op: 'add_value', kind: 'enum', id, value: v, before: next });
        else out.push({ op: 'add_value', kind: 'enum', id, value: v });
      }
    }
    if (attrs.length) out.push({ op: 'alter', kind: 'enum', id, from: old, to: def, attrs });
  }
}

/** TABLE_PART_SET: the Table fields holding parts, diffed part by part rather than as table attributes. */
const TABLE_PART_SET: ReadonlySet<string> = new Set(TABLE_PART_FIELDS);

function diffTables(out: Change[], from: Readonly<Record<string, Table>>, to: Readonly<Record<string, Table>>): void {
  for (const [id, def] of Object.entries(from)) if (!(id in to)) out.push({ op: 'drop', kind: 'table', id, def });
  for (const [id, def] of Object.entries(to)) {
    const old = from[id];
    if (!old) {
      out.push({ op: 'add', kind: 'table', id, def });
      continue;
    }
    if (sameValue(old, def)) continue; // fast path: nothing differs
    const attrs = attrDiff(old, def, TABLE_PART_SET);
    if (attrs.length) out.push({ op: 'alter', kind: 'table', id, from: old, to: def, attrs });
    const cols = (t: Table) => Object.fromEntries(t.columns.map((c) => [c.name, c]));
    diffMap(out, 'column', cols(old), cols(def), id);
    const pk = (t: Table) => (t.primaryKey ? { [t.primaryKey.name]: t.primaryKey } : {});
    diffMap(out, 'primary_key', pk(old), pk(def), id);
    for (const k of KEYED_PART_KINDS) diffMap(out, k, partsOf(old, k), partsOf(def, k), id);
  }
}

/** partsOf is the map of keyed parts of kind `k` of a table or view (absent = none). */
function partsOf<K extends KeyedPartKind>(t: Table | View, k: K): Readonly<Record<string, ObjectDefs[K]>> {
  return ((t as unknown as Record<string, unknown>)[TABLE_PARTS[k].field] ?? {}) as Record<string, ObjectDefs[K]>;
}

const VIEW_PARTS: ReadonlySet<string> = new Set(VIEW_PART_KINDS.map((k) => TABLE_PARTS[k].field));

function diffViews(out: Change[], from: Readonly<Record<string, View>>, to: Readonly<Record<string, View>>): void {
  diffMap(out, 'view', from, to, undefined, VIEW_PARTS);
  for (const [id, def] of Object.entries(to)) {
    const old = from[id];
    if (!old) continue;
    for (const k of VIEW_PART_KINDS) diffMap(out, k, partsOf(old, k), partsOf(def, k), id);
  }
}
