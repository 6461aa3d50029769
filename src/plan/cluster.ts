/**
 * CLUSTER ON marks (`cluster_on`, pg_index.indisclustered). A mark lives on the index: dropping the index drops it,
 * and an index PostgreSQL creates is never marked. So the plan marks an index where it creates it: a changed
 * `cluster_on` is one step after every index of the table exists (planTableStorage), and an index dropped and
 * created again (a changed definition) under an unchanged `cluster_on` is marked by its own create step, and, when
 * down creates the source's index again, by the drop step's reverse.
 */
import type { Schema, Table } from '../model/types.js';
import { rel } from '../sql/ddl.js';
import { clusterOnSql } from '../sql/grants.js';

/** hasIndexNamed tells whether a table has an index of that name: its own, or its primary key's, a unique's or an exclusion's. */
export function hasIndexNamed(t: Table | undefined, name: string): boolean {
  return !!t && (name in t.indexes || t.primaryKey?.name === name || name in t.uniques || name in t.exclusions);
}

/** markOnCreate is the CLUSTER ON that follows creating index `name` of table `t` in up: `cluster_on` names it on both sides. */
export function markOnCreate(from: Schema, to: Schema, t: string, name: string): string[] {
  const b = to.tables[t]?.clusterOn;
  return b === name && from.tables[t]?.clusterOn === name ? [clusterOnSql(rel(t), name)] : [];
}

/**
 * markOnRecreate is the CLUSTER ON that follows creating the source's index `name` of table `t` again in down (the
 * reverse of dropping it) when the source clusters on it: planTableStorage's reverse runs before this index exists
 * again in down, so it cannot mark it.
 */
export function markOnRecreate(from: Schema, t: string, name: string): string[] {
  return from.tables[t]?.clusterOn === name ? [clusterOnSql(rel(t), name)] : [];
}

/**
 * clusterSteps is the SQL of a changed `cluster_on` of table `t` from `a` to `b` (run after every index of the table
 * exists), and its reverse: the source's mark when an index of that name is there in down at that point (the target
 * has one), else nothing (markOnRecreate marks the source's index as it is created again; when the target's index of
 * that name is a changed definition, both mark, and the later mark is the one that stays).
 */
export function clusterSteps(t: string, a: Table, b: Table): { sql: string[]; reverse: string[] } {
  const T = rel(t);
  return {
    sql: [clusterOnSql(T, b.clusterOn)],
    reverse: a.clusterOn === undefined || hasIndexNamed(b, a.clusterOn) ? [clusterOnSql(T, a.clusterOn)] : [],
  };
}
