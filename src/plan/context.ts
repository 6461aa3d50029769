/**
 * What every step builder shares: the phase order, the planning context, `emit`, and dependency keys.
 */
import type { Change } from '../model/changes.js';
import type { Column, Schema } from '../model/types.js';
import type { Step } from '../model/plan.js';
import { identifiersOf } from '../diff/sqltext.js';
import { nameOf, schemaOf, typeNamer, type TypeNamer } from '../sql/ddl.js';
import type { Draft } from './order.js';

/** Phase numbers: the base order of steps (dependencies can only move a step later). */
export const PHASE = {
  rename: 0,
  dropTrigger: 10,
  dropView: 11,
  dropFk: 12,
  dropConstraint: 13,
  detach: 14,
  dropTable: 15,
  extension: 20,
  namespace: 21,
  enum: 22,
  composite: 23,
  domain: 24,
  func: 25,
  sequence: 26,
  createTable: 27,
  dropColumn: 27.5,
  alterTable: 28,
  addConstraint: 29,
  attach: 29.5,
  addIndex: 30,
  addFk: 31,
  ownedBy: 32,
  createView: 33,
  trigger: 34,
  comment: 35,
  dropFunc: 40,
  dropSequence: 41,
  dropDomain: 42,
  dropComposite: 43,
  dropEnum: 44,
  dropExtension: 44.8,
  dropNamespace: 45,
} as const;

/** PlanContext is what every step builder needs: both schemas, the type namer and the drafts so far. */
export interface PlanContext {
  readonly from: Schema; // renamed source
  readonly to: Schema;
  readonly ty: TypeNamer;
  readonly enums: ReadonlySet<string>;
  readonly drafts: Draft[];
  /** recreatedEnums: enum and domain ids recreated (values dropped/reordered/used at once, base type changed): their columns' defaults are reset there. */
  readonly recreatedEnums: Set<string>;
  /** droppedTables / createdTables: table ids dropped or created (including recreated ones). */
  readonly droppedTables: Set<string>;
  readonly createdTables: Set<string>;
  /** adoptedSequences: free sequences that become (or stop being) a serial column's own sequence: never created or dropped. */
  readonly adoptedSequences: Set<string>;
}

/** StepInit is what a builder gives to `emit`. */
export interface StepInit {
  readonly phase: number;
  readonly what: string;
  readonly object: string;
  readonly sql: readonly string[];
  readonly reverse: readonly string[] | null;
  readonly destructive?: boolean;
  readonly rewrite?: boolean;
  readonly lock?: boolean;
  readonly transactional?: boolean;
  readonly provides?: readonly string[];
  readonly requires?: readonly string[];
}

/** emit adds a drafted step. */
export function emit(ctx: PlanContext, s: StepInit): void {
  if (s.sql.length === 0) return;
  const step: Step = {
    what: s.what,
    object: s.object,
    sql: s.sql,
    reverse: s.reverse,
    destructive: !!s.destructive,
    rewrite: !!s.rewrite,
    lock: !!s.lock,
    ...(s.transactional === false ? { transactional: false } : {}),
  };
  ctx.drafts.push({ phase: s.phase, step, provides: s.provides, requires: s.requires });
}

/** textKeys lists the dependency keys a piece of SQL text may refer to. */
export function textKeys(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  // keys are lower-case, as objects provide them (a quoted "My View" is `rel:my view` on both sides)
  for (const n of identifiersOf(text)) {
    const k = n.toLowerCase();
    out.push(`rel:${k}`, `fn:${k}`, `type:${k}`);
  }
  return out;
}

/** readsAny: does an expression name any of `names` (lower-case; a quoted identifier is compared lower-cased too)? */
export const readsAny = (names: ReadonlySet<string>) => (text: string | undefined) =>
  !!text && [...identifiersOf(text)].some((n) => names.has(n.toLowerCase()));

/** typeKeys lists the keys of a type name (`mood`, `billing.mood[]`). */
export function typeKeys(type: string): string[] {
  const m = /^(?:"?[^".]*"?\.)?"?([^"[(]+)"?/.exec(type);
  return m ? [`type:${m[1]!.toLowerCase()}`, `rel:${m[1]!.toLowerCase()}`] : [];
}

/** funcNeedsDrop tells whether a function change cannot be done with CREATE OR REPLACE. */
export function funcNeedsDrop(
  a: { returns: string; args: string; procedure?: boolean },
  b: { returns: string; args: string; procedure?: boolean },
): boolean {
  return a.returns !== b.returns || a.args !== b.args || !!a.procedure !== !!b.procedure;
}

/** droppedRoutineNames lists the lower-cased names of the routines `changes` drop, or drop to create again (funcNeedsDrop). */
export function droppedRoutineNames(changes: readonly Change[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes)
    if (c.kind === 'function' && (c.op === 'drop' || (c.op === 'alter' && funcNeedsDrop(c.from, c.to))))
      out.add((c.op === 'drop' ? c.def : c.from).name.toLowerCase());
  return out;
}

/** userTypesOf lists the ids of user-defined types (enums, composites, domains) of both schemas. */
export function userTypesOf(...schemas: Schema[]): { types: Set<string>; enums: Set<string> } {
  const types = new Set<string>();
  const enums = new Set<string>();
  for (const s of schemas) {
    for (const id of Object.keys(s.enums)) (types.add(id), enums.add(id));
    for (const id of Object.keys(s.composites)) types.add(id);
    for (const id of Object.keys(s.domains)) types.add(id);
  }
  return { types, enums };
}

/** newContext builds a PlanContext. */
export function newContext(from: Schema, to: Schema): PlanContext {
  const { types, enums } = userTypesOf(from, to);
  return {
    from,
    to,
    ty: typeNamer(types),
    enums,
    drafts: [],
    recreatedEnums: new Set(),
    droppedTables: new Set(),
    createdTables: new Set(),
    adoptedSequences: new Set(),
  };
}

/**
 * typeDropKey is the key a type's drop provides and a type's create requires: a type of another kind by the same name
 * in the same schema is dropped before it is made (a type moved to another schema keeps its order).
 */
export const typeDropKey = (id: string): string => `typedrop:${schemaOf(id).toLowerCase()}.${nameOf(id).toLowerCase()}`;

/** bare is the lower-cased name part of an id (dependency keys use it). */
export const bare = (id: string): string => nameOf(id).toLowerCase();

/** elementType is a type name without its array brackets (`mood[][]` -> `mood`). */
export const elementType = (type: string): string => type.replace(/(\[\])+$/, '');

/** ColumnOf: a column columnsOf found: its table's id, the column, and the type it is of (an array's element type). */
export interface ColumnOf {
  readonly table: string;
  readonly column: Column;
  readonly type: string;
}

/**
 * columnsOf lists the columns of `schema`'s tables, in table then column order, whose type `isType` admits; with
 * `arrays`, arrays of such a type too (`isType` is asked about the element type). Tables `skip` admits are passed over.
 */
export function columnsOf(
  schema: Schema,
  isType: (type: string) => boolean,
  opts: { readonly arrays?: boolean; readonly skip?: (table: string) => boolean } = {},
): ColumnOf[] {
  const out: ColumnOf[] = [];
  for (const [table, t] of Object.entries(schema.tables)) {
    if (opts.skip?.(table)) continue;
    for (const column of t.columns) {
      const type = opts.arrays ? elementType(column.type) : column.type;
      if (isType(type)) out.push({ table, column, type });
    }
  }
  return out;
}
