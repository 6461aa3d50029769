/** Drafts: model objects as the parser builds them, before default names are chosen and references are checked. */
import type {
  CheckConstraint,
  Column,
  ExclusionConstraint,
  ForeignKey,
  Index,
  Policy,
  PrimaryKey,
  Table,
  Trigger,
} from '../model/types.js';
import type { Node } from './node.js';

/** Mutable strips readonly from one level of a type. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Draft is a mutable model object whose name may still be missing, with the node it was written at. */
export type Draft<T extends { name: string }> = Omit<Mutable<T>, 'name'> & { name?: string; at: Node };

/** DraftColumn is a column as parsed (its type's location is kept in DraftTable.typeAt). */
export type DraftColumn = Mutable<Column>;

/** DraftFk is a foreign key whose target columns may still be "the primary key of the target". */
export type DraftFk = Omit<Draft<ForeignKey>, 'refColumns' | 'refTable'> & {
  refTable?: string;
  refColumns?: string[];
  /** refParts is a column-level `references: a.b` still to be resolved (table `a` column `b`, or table `a.b`). */
  refParts?: string[];
  refAt: Node;
};

/** DraftIndex is an index with its location. */
export type DraftIndex = Draft<Index>;

/** DraftTable is a table as parsed. */
export interface DraftTable {
  id: string;
  schema: string;
  name: string;
  at: Node;
  columns: DraftColumn[];
  /** typeAt maps a column name to where its type was written. */
  typeAt: Map<string, Node>;
  primaryKey?: Draft<PrimaryKey>;
  extraPrimaryKeys: Node[];
  uniques: Draft<import('../model/types.js').UniqueConstraint>[];
  checks: Draft<CheckConstraint>[];
  foreignKeys: DraftFk[];
  exclusions: Draft<ExclusionConstraint>[];
  indexes: DraftIndex[];
  triggers: Draft<Trigger>[];
  policies: Draft<Policy>[];
  rest: Partial<
    Mutable<
      Pick<
        Table,
        | 'rowLevelSecurity'
        | 'forceRowLevelSecurity'
        | 'partitionBy'
        | 'partitionOf'
        | 'inherits'
        | 'inheritedNotValid'
        | 'keyNames'
        | 'unlogged'
        | 'with'
        | 'replicaIdentity'
        | 'replicaIdentityIndex'
        | 'clusterOn'
        | 'comment'
        | 'grants'
        | 'owner'
        | 'tablespace'
        | 'renamedFrom'
      >
    >
  >;
  partitionParentAt?: Node;
  inheritsAt?: Node;
  /** keyNamesAt: where `key_names` was written. */
  keyNamesAt?: Node;
  /** clusterOnAt: where `cluster_on` was written. */
  clusterOnAt?: Node;
  /** replicaIdentityAt: where `replica_identity: { index }` was written. */
  replicaIdentityAt?: Node;
}

/** undef returns a copy without the keys whose value is undefined (the model never holds undefined-valued keys). */
export function undef<T extends object>(o: T): T {
  const out = {} as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}
