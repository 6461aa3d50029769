/**
 * Marks on an index: CLUSTER ON (`cluster_on`, pg_index.indisclustered) and REPLICA IDENTITY USING INDEX
 * (`replica_identity: { index }`, pg_index.indisreplident). A mark lives on the index: dropping the index drops it,
 * and an index PostgreSQL creates is never marked. So the plan marks an index where it creates it: a changed mark is
 * one step after every index of the table exists (planTableStorage), and an index dropped and created again (a
 * changed definition) under an unchanged mark is marked by its own create step, and, when down creates the source's
 * index again, by the drop step's reverse.
 */
import type { Schema, Table } from '../model/types.js';
import { rel } from '../sql/ddl.js';
import { clusterOnSql, replicaIdentitySql } from '../sql/grants.js';

/** hasIndexNamed tells whether a table has an index of that name: its own, or its primary key's, a unique's or an exclusion's. */
export function hasIndexNamed(t: Table | undefined, name: string): boolean {
  return !!t && (name in t.indexes || t.primaryKey?.name === name || name in t.uniques || name in t.exclusions);
}

/** replicaIndex is the index a table's REPLICA IDENTITY uses, if it uses one. */
function replicaIndex(t: Table | undefined): string | undefined {
  return t?.replicaIdentity === 'index' ? t.replicaIdentityIndex : undefined;
}

/** marksOf writes the marks table `t` declares on its index `name` (none when it declares none there). */
function marksOf(t: string, table: Table | undefined, name: string): string[] {
  return [
    ...(table?.clusterOn === name ? [clusterOnSql(rel(t), name)] : []),
    ...(replicaIndex(table) === name ? [replicaIdentitySql(rel(t), table!)] : []),
  ];
}

/** indexMarks is every mark statement an index `name` of table `t` can get (the online plan keeps the ones a step holds). */
export function indexMarks(t: string, name: string): string[] {
  return [
    clusterOnSql(rel(t), name),
    replicaIdentitySql(rel(t), { replicaIdentity: 'index', replicaIdentityIndex: name }),
  ];
}

/** markOnCreate is what follows creating index `name` of table `t` in up: the marks both sides declare on it. */
export function markOnCreate(from: Schema, to: Schema, t: string, name: string): string[] {
  const a = from.tables[t];
  const b = to.tables[t];
  return [
    ...(b?.clusterOn === name && a?.clusterOn === name ? [clusterOnSql(rel(t), name)] : []),
    ...(replicaIndex(b) === name && replicaIndex(a) === name ? [replicaIdentitySql(rel(t), b!)] : []),
  ];
}

/**
 * markOnRecreate is what follows creating the source's index `name` of table `t` again in down (the reverse of
 * dropping it): the marks the source declares on it. planTableStorage's reverse runs before this index exists again
 * in down, so it cannot mark it.
 */
export function markOnRecreate(from: Schema, t: string, name: string): string[] {
  return marksOf(t, from.tables[t], name);
}

/**
 * storageReverse tells whether the reverse of a changed mark can name the source's index `name` where it runs in down
 * (before the indexes the plan dropped are created again): only when the target has an index of that name too
 * (otherwise markOnRecreate marks the source's index as it is created again; when the target's index of that name is
 * a changed definition, both mark, and the later mark is the one that stays).
 */
function storageReverse(b: Table, name: string | undefined): boolean {
  return name === undefined || hasIndexNamed(b, name);
}

/** clusterSteps is the SQL of a changed `cluster_on` of table `t` from `a` to `b` (run after every index of the table exists), and its reverse. */
export function clusterSteps(t: string, a: Table, b: Table): { sql: string[]; reverse: string[] } {
  const T = rel(t);
  return {
    sql: [clusterOnSql(T, b.clusterOn)],
    reverse: storageReverse(b, a.clusterOn) ? [clusterOnSql(T, a.clusterOn)] : [],
  };
}

/** replicaSteps is the SQL of a changed REPLICA IDENTITY of table `t` from `a` to `b` (run after every index of the table exists), and its reverse. */
export function replicaSteps(t: string, a: Table, b: Table): { sql: string[]; reverse: string[] } {
  const T = rel(t);
  return {
    sql: [replicaIdentitySql(T, b)],
    reverse: storageReverse(b, replicaIndex(a)) ? [replicaIdentitySql(T, a)] : [],
  };
}
