/**
 * Changes: the closed set of semantic differences between two schemas, produced by src/diff and turned
 * into ordered steps by src/plan. A change is `op` x `kind`: add / drop / alter / rename of one kind of
 * object, plus enum-value verbs. An `alter` names exactly which attributes changed, with their from/to values.
 * Sub-objects of a table (column, constraints, index, trigger, policy) carry the id of their table.
 */
import type {
  CheckConstraint,
  Column,
  CompositeType,
  DefaultPrivilege,
  Domain,
  EnumType,
  ExclusionConstraint,
  Extension,
  ForeignKey,
  Func,
  Index,
  Namespace,
  Policy,
  PrimaryKey,
  Sequence,
  Table,
  Trigger,
  UniqueConstraint,
  View,
} from './types.js';
import type { SqlObject, Unmanaged } from './objects.js';

/** ObjectDefs maps each changeable kind to its model type. */
export interface ObjectDefs {
  readonly extension: Extension;
  readonly namespace: Namespace;
  readonly enum: EnumType;
  readonly composite: CompositeType;
  readonly domain: Domain;
  readonly sequence: Sequence;
  readonly table: Table;
  readonly column: Column;
  readonly primary_key: PrimaryKey;
  readonly unique: UniqueConstraint;
  readonly check: CheckConstraint;
  readonly foreign_key: ForeignKey;
  readonly exclusion: ExclusionConstraint;
  readonly index: Index;
  readonly trigger: Trigger;
  readonly policy: Policy;
  readonly view: View;
  readonly function: Func;
  readonly sql_object: SqlObject;
  readonly unmanaged: Unmanaged;
  readonly default_privilege: DefaultPrivilege;
}

/** ChangeKind is a kind of object a change can be about. */
export type ChangeKind = keyof ObjectDefs;

/** AttrChange is one attribute that differs: its name and the values on each side (undefined = absent). */
export interface AttrChange {
  readonly attr: string;
  readonly from: unknown;
  readonly to: unknown;
}

/**
 * Where a change applies: `id` is the object's id in its own map (table id for tables, column name for
 * columns, constraint/index/trigger/policy name for those, funcId for functions); `table` is the id of the
 * owning table (or view, for indexes/triggers of materialized views) for sub-objects.
 */
interface Located {
  readonly id: string;
  readonly table?: string;
}

/** AddChange creates an object. */
export type AddChange = {
  [K in ChangeKind]: Located & { readonly op: 'add'; readonly kind: K; readonly def: ObjectDefs[K] };
}[ChangeKind];

/** DropChange removes an object (def is its definition in `from`). */
export type DropChange = {
  [K in ChangeKind]: Located & { readonly op: 'drop'; readonly kind: K; readonly def: ObjectDefs[K] };
}[ChangeKind];

/** AlterChange modifies an object in place; `attrs` lists exactly the attributes that differ. */
export type AlterChange = {
  [K in ChangeKind]: Located & {
    readonly op: 'alter';
    readonly kind: K;
    readonly from: ObjectDefs[K];
    readonly to: ObjectDefs[K];
    readonly attrs: readonly AttrChange[];
  };
}[ChangeKind];

/** RenameChange renames an object (from a `renamed_from` hint); `fromId`/`id` are the old and new ids. */
export type RenameChange = {
  [
    K in
      'table' | 'column' | 'index' | 'primary_key' | 'unique' | 'check' | 'foreign_key' | 'exclusion' | 'enum' | 'view'
  ]: Located & {
    readonly op: 'rename';
    readonly kind: K;
    readonly fromId: string;
  };
}['table' | 'column' | 'index' | 'primary_key' | 'unique' | 'check' | 'foreign_key' | 'exclusion' | 'enum' | 'view'];

/**
 * EnumValueChange adds or renames one value of an enum (`id` is the enum id). Dropping or reordering values
 * is an `alter` of the enum's `values` (PostgreSQL can only do it by recreating the type).
 */
export type EnumValueChange =
  | {
      readonly op: 'add_value';
      readonly kind: 'enum';
      readonly id: string;
      readonly value: string;
      readonly before?: string;
      readonly after?: string;
    }
  | {
      readonly op: 'rename_value';
      readonly kind: 'enum';
      readonly id: string;
      readonly from: string;
      readonly to: string;
    };

/** Change is one semantic difference between two schemas. */
export type Change = AddChange | DropChange | AlterChange | RenameChange | EnumValueChange;

/** TablePartKind is a kind of object that belongs to a table (indexes and triggers also to views). */
export type TablePartKind =
  'column' | 'primary_key' | 'unique' | 'check' | 'foreign_key' | 'exclusion' | 'index' | 'trigger' | 'policy';

/** TablePartChange is an add, drop or alter of a table part (it carries the id of its table). */
export type TablePartChange = Extract<AddChange | DropChange | AlterChange, { readonly kind: TablePartKind }>;

/** RenamableKind is a kind that can carry a rename. */
export type RenamableKind = RenameChange['kind'];

/** describeChange writes a change for people: `add column users.email`, `alter table users (comment)`. */
export function describeChange(c: Change): string {
  const where = 'table' in c && c.table ? `${c.table}.${c.id}` : c.id;
  const kind = c.kind.replace(/_/g, ' ');
  switch (c.op) {
    case 'add':
    case 'drop':
      return `${c.op} ${kind} ${where}`;
    case 'alter':
      return `alter ${kind} ${where} (${c.attrs.map((a) => a.attr).join(', ')})`;
    case 'rename':
      return `rename ${kind} ${'table' in c && c.table ? `${c.table}.${c.fromId}` : c.fromId} to ${where}`;
    case 'add_value':
      return `add value ${JSON.stringify(c.value)} to enum ${c.id}`;
    case 'rename_value':
      return `rename value ${JSON.stringify(c.from)} of enum ${c.id} to ${JSON.stringify(c.to)}`;
  }
}
