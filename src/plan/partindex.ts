/**
 * Partitioned indexes and the partitions' own indexes. `CREATE INDEX` on a partitioned table attaches, on every
 * partition, an existing index or primary key / unique constraint of the same definition (and makes a copy only
 * where there is none); the catalog reader lists a partition's attached index when it has a name of its own (a
 * copy's default name is left out). So the model reads "a partition index matching a parent index is attached to
 * it", and the planner keeps that true: a parent index is created after its partitions' own indexes and keys; a
 * parent index dropped takes its attached plain indexes with it (they are re-created when they stay) and cannot be
 * dropped while a partition's key is attached to it (the partition is detached around the drop).
 */
import type { Column, Index, PrimaryKey, Schema, Table, UniqueConstraint } from '../model/types.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { createIndex, defaultSql, dropIndex, nameOf, rel, type TableConstraint } from '../sql/ddl.js';
import { indexColumnNames, keyCopyName, makeObjectName, nameAddition } from '../canon/names.js';
import { fragmentKey } from '../diff/index.js';
import { bare as bareId, emit, PHASE, type PlanContext } from './context.js';
import { alterColumn, serialSequence } from './columns.js';
import { copyNameOf } from './keynames.js';

/** Attached is a partition's own index or key that a parent index attaches. */
export interface Attached {
  readonly table: string;
  readonly index?: Index;
  readonly key?: PrimaryKey | UniqueConstraint;
}

const def = (ix: Index): string =>
  fragmentKey({
    unique: !!ix.unique,
    using: ix.using ?? 'btree',
    elements: ix.elements,
    include: ix.include ?? [],
    where: ix.where ?? '',
    nnd: !!ix.nullsNotDistinct,
  });

/** keyMatches tells whether a partition's primary key or unique constraint has the definition of parent index `ix`. */
function keyMatches(ix: Index, k: PrimaryKey | UniqueConstraint): boolean {
  if (!ix.unique || (ix.using ?? 'btree') !== 'btree' || ix.where || k.withoutOverlaps) return false;
  if (!!ix.nullsNotDistinct !== (k.kind === 'unique' && !!k.nullsNotDistinct)) return false;
  if (fragmentKey(ix.include ?? []) !== fragmentKey(k.include ?? [])) return false;
  return fragmentKey(ix.elements) === fragmentKey(k.columns.map((column) => ({ column })));
}

/** partitionsOf lists the ids of the partitions of table `parent` in schema `s`. */
export function partitionsOf(s: Schema, parent: string): string[] {
  return Object.keys(s.tables).filter((id) => s.tables[id]!.partitionOf?.parent === parent);
}

/** attachedTo lists, per partition of `parent` in `s`, its own index or key that parent index `ix` attaches. */
export function attachedTo(s: Schema, parent: string, ix: Index): Attached[] {
  const out: Attached[] = [];
  const want = def(ix);
  for (const id of partitionsOf(s, parent)) {
    const t = s.tables[id]!;
    const index = Object.values(t.indexes).find((x) => !x.local && def(x) === want);
    if (index) {
      out.push({ table: id, index });
      continue;
    }
    const key = [...(t.primaryKey ? [t.primaryKey] : []), ...Object.values(t.uniques)].find((k) => keyMatches(ix, k));
    if (key) out.push({ table: id, key });
  }
  return out;
}

/** keeps tells whether partition object `a` is in schema `s` unchanged (so a plan keeps it). */
function keeps(s: Schema, a: Attached): boolean {
  const t = s.tables[a.table];
  if (!t) return false;
  if (a.index) return fragmentKey(t.indexes[a.index.name]) === fragmentKey(a.index);
  const k = t.primaryKey?.name === a.key!.name ? t.primaryKey : t.uniques[a.key!.name];
  return fragmentKey(k) === fragmentKey(a.key);
}

/**
 * dropParentIndex writes the DROP INDEX of partitioned index `ix` on `table` (its attached indexes and keys read from
 * `side`) so that what `keep` still has survives: attached plain indexes, which DROP INDEX takes, are re-created after;
 * a partition with an attached key (which PostgreSQL will not let go) is detached around the drop and attached again.
 */
export function dropParentIndex(side: Schema, keep: Schema, table: string, ix: Index): string[] {
  const attached = attachedTo(side, table, ix);
  const keyed = attached.filter((a) => a.key);
  return [
    ...keyed.map((a) => `ALTER TABLE ${rel(table)} DETACH PARTITION ${rel(a.table)}`),
    dropIndex(table, ix.name),
    ...attached.filter((a) => a.index && keeps(keep, a)).flatMap((a) => createIndex(a.table, a.index!)),
    ...keyed.map(
      (a) =>
        `ALTER TABLE ${rel(table)} ATTACH PARTITION ${rel(a.table)} ${boundText(side.tables[a.table]!.partitionOf!.bound)}`,
    ),
  ];
}

/** boundText is a partition bound as ATTACH PARTITION takes it (`FOR VALUES ...` or `DEFAULT`). */
export function boundText(b: string): string {
  const t = b.trim();
  return /^(for\s+values|default)\b/i.test(t) ? t : `FOR VALUES ${t}`;
}

/**
 * parentIndexRequires lists the dependency keys a partitioned index's CREATE needs: every partition (`rel:`) and every
 * index or key added to one (`ixon:`), so PostgreSQL attaches them instead of making copies.
 */
export function parentIndexRequires(s: Schema, table: string, bareName: (id: string) => string): string[] {
  return partitionsOf(s, table).flatMap((p) => [`rel:${bareName(p)}`, `ixon:${p}`]);
}

/**
 * droppedWithParent tells whether partition index `ix` of `table` goes with a parent index this plan drops (it was
 * attached to it, and DROP INDEX of the parent takes it): its own DROP would fail, the parent's step undoes both.
 */
export function droppedWithParent(ctx: PlanContext, table: string, ix: Index): boolean {
  return withParent(ctx.from, ctx.to, table, ix);
}

/**
 * createReverse is the reverse of the CREATE INDEX of `ix` on `table`: a partitioned table's goes as dropParentIndex
 * says; a partition's index attached to a parent index this plan creates goes with the parent's DROP INDEX (nothing
 * left to drop); any other is dropped.
 */
export function createReverse(ctx: PlanContext, table: string, ix: Index): string[] {
  if (ctx.to.tables[table]?.partitionBy) return dropParentIndex(ctx.to, ctx.from, table, ix);
  return withParent(ctx.to, ctx.from, table, ix) ? [] : [dropIndex(table, ix.name)];
}

/** dropIndexSql drops index `ix` of `table` (a partitioned table's as dropParentIndex says). */
export function dropIndexSql(ctx: PlanContext, table: string, ix: Index): string[] {
  if (ctx.from.tables[table]?.partitionBy) return dropParentIndex(ctx.from, ctx.to, table, ix);
  return [dropIndex(table, ix.name)];
}

/** withParent: is `ix` of `table` attached in `s` to a parent index that `other` does not have (or has otherwise)? */
function withParent(s: Schema, other: Schema, table: string, ix: Index): boolean {
  const parent = s.tables[table]?.partitionOf?.parent;
  const p = parent === undefined ? undefined : s.tables[parent];
  if (!p || !other.tables[parent!]) return false;
  return Object.values(p.indexes).some(
    (pix) =>
      fragmentKey(other.tables[parent!]!.indexes[pix.name]) !== fragmentKey(pix) &&
      attachedTo(s, parent!, pix).some((a) => a.table === table && a.index?.name === ix.name),
  );
}

/** recreatedChildren re-creates, before parent index `ix` of `table` comes back, the attached indexes its drop took for good. */
export function recreatedChildren(ctx: PlanContext, table: string, ix: Index): string[] {
  return attachedTo(ctx.from, table, ix)
    .filter((a) => a.index && ctx.to.tables[a.table] && !keeps(ctx.to, a))
    .flatMap((a) => createIndex(a.table, a.index!));
}

/**
 * lateIndexes splits the indexes of table `id` in `s`: those a partition has its own match for (`late`: created after
 * the partitions, dropped before them) and the rest, kept on the table (`own`).
 */
export function lateIndexes(s: Schema, id: string, t: Table): { own: Table; late: Index[] } {
  if (!t.partitionBy) return { own: t, late: [] };
  const late = Object.values(t.indexes).filter((ix) => attachedTo(s, id, ix).length > 0);
  if (late.length === 0) return { own: t, late };
  const indexes = Object.fromEntries(Object.entries(t.indexes).filter(([, ix]) => !late.includes(ix)));
  return { own: { ...t, indexes }, late };
}

/**
 * localIndexes splits the indexes of partition `t`: those marked `local` (of a parent index's definition, not attached
 * to it: made after the parent index, or it would adopt them, and dropped before it, so down makes it first) and the
 * rest, kept on the table (`own`).
 */
export function localIndexes(t: Table): { own: Table; local: Index[] } {
  const local = t.partitionOf ? Object.values(t.indexes).filter((ix) => ix.local) : [];
  if (local.length === 0) return { own: t, local };
  const indexes = Object.fromEntries(Object.entries(t.indexes).filter(([, ix]) => !ix.local));
  return { own: { ...t, indexes }, local };
}

/** childrenOf lists the partitions and inheriting tables of `table` in `s`. */
export function childrenOf(s: Schema, table: string): string[] {
  return Object.keys(s.tables).filter(
    (id) => s.tables[id]!.partitionOf?.parent === table || (s.tables[id]!.inherits ?? []).includes(table),
  );
}

/**
 * parentColumn is partition column `c` with its parent's NOT NULL and DEFAULT on one side (nullable, no default,
 * when the parent inherits it too); undefined when `t` is no partition there.
 */
export function parentColumn(ctx: PlanContext, side: 'from' | 'to', t: string, c: Column): Column | undefined {
  if (c.inherited) return inheritedBase(ctx[side], t, c);
  const parentId = ctx[side].tables[t]?.partitionOf?.parent;
  if (!parentId) return undefined;
  const parent = ctx[side].tables[parentId];
  const p = parent?.columns.find((x) => x.name === c.name);
  const { default: _own, ...rest } = c;
  const base: Column = { ...rest, nullable: p ? p.nullable : true };
  if (p?.serial)
    return { ...base, default: { sql: `nextval(${quoteLiteral(serialSequence(parentId, c.name))}::regclass)` } };
  return p?.default ? { ...base, default: p.default } : base;
}

/**
 * otherSideDefault is the default an inherited column of partition (child) `t` has on the other side of the plan,
 * where the table lists no column of its own: the parent's there, which its own SET/DROP DEFAULT step (recursing
 * into the partitions) leaves it with. GitLab's ci_builds has no default under p_ci_builds' `ALTER TABLE ONLY ...
 * SET DEFAULT`: going back, the partition inherits the parent's old default, not the new one. null: none;
 * undefined: the parent has no such column there (the parent's ADD COLUMN gives the partition the new one).
 */
function otherSideDefault(
  ctx: PlanContext,
  side: 'from' | 'to',
  t: string,
  col: Column,
): Column['default'] | null | undefined {
  const tb = ctx[side].tables[t];
  const parentId = tb?.partitionOf?.parent ?? (col.inherited ? tb?.inherits?.[0] : undefined);
  if (!parentId || !ctx[side].tables[parentId]?.columns.some((x) => x.name === col.name)) return undefined;
  return parentColumn(ctx, side, t, col)?.default ?? null;
}

/**
 * inheritedForm is partition (child) `t`'s column `col` as the parent gives it, on the side where the table lists no
 * column of its own (`op` add: before; drop: after): the parent's form with the default inherited there
 * (otherSideDefault); undefined when `t` has no parent column for it.
 */
export function inheritedForm(ctx: PlanContext, op: 'add' | 'drop', t: string, col: Column): Column | undefined {
  const base = parentColumn(ctx, op === 'add' ? 'to' : 'from', t, col);
  if (!base) return undefined;
  const other = otherSideDefault(ctx, op === 'add' ? 'from' : 'to', t, col);
  const { default: _d, ...rest } = base;
  return other === undefined ? base : other === null ? rest : { ...rest, default: other };
}

/**
 * inheritedBase is an INHERITS child's column `c` as the child has it without anything of its own: the default of the
 * nearest ancestor that lists the column (its own column, or an inherited one with its own default), no comment.
 */
function inheritedBase(s: Schema, t: string, c: Column): Column {
  const { default: _own, comment: _c, ...rest } = c;
  const seen = new Set<string>();
  const find = (tid: string): [string, Column] | undefined => {
    for (const p of s.tables[tid]?.inherits ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      const pc = s.tables[p]?.columns.find((x) => x.name === c.name);
      if (pc && (!pc.inherited || pc.default)) return [p, pc];
      const up = find(p);
      if (up) return up;
    }
    return undefined;
  };
  const [owner, p] = find(t) ?? [];
  if (owner && p?.serial)
    return { ...rest, default: { sql: `nextval(${quoteLiteral(serialSequence(owner, c.name))}::regclass)` } };
  return p?.default ? { ...rest, default: p.default } : rest;
}

/** children: each schema's tables by parent (partitions and INHERITS children), made once per tables object. */
const children = new WeakMap<object, Map<string, string[]>>();

/**
 * childIndex lists the partitions and inheriting tables of every parent in `tables`, in `tables`' order: one pass,
 * so asking it for each changed column of a 1000-table schema is not one scan of every table per column.
 */
function childIndex(tables: Schema['tables']): Map<string, string[]> {
  let m = children.get(tables);
  if (!m) {
    m = new Map();
    for (const [id, tb] of Object.entries(tables))
      for (const parent of new Set([...(tb.partitionOf ? [tb.partitionOf.parent] : []), ...(tb.inherits ?? [])]))
        m.set(parent, [...(m.get(parent) ?? []), id]);
    children.set(tables, m);
  }
  return m;
}

/**
 * partitionDefaults: ALTER TABLE ... SET/DROP DEFAULT on a partitioned table (or an INHERITS parent) recurses into
 * every partition (child), own defaults included. The statements giving back the own default of each partition (at any depth) of `t` on `side`
 * that lists column `name`; partitions not there yet on that side (dropped before the step in up, so re-created after
 * it in down) are left out.
 */
export function partitionDefaults(ctx: PlanContext, side: 'from' | 'to', t: string, name: string): string[] {
  const tables = ctx[side].tables;
  const kids = childIndex(tables);
  const out: string[] = [];
  const visit = (parent: string) => {
    for (const id of kids.get(parent) ?? []) {
      const tb = tables[id]!;
      const c = tb.columns.find((x) => x.name === name);
      if (c && !c.serial && !c.identity && !c.generated && !(side === 'from' && ctx.droppedTables.has(id))) {
        const C = `ALTER TABLE ${rel(id)} ALTER COLUMN ${quoteIdent(name)}`;
        out.push(c.default ? `${C} SET DEFAULT ${defaultSql(c.default)}` : `${C} DROP DEFAULT`);
      }
      visit(id);
    }
  };
  visit(t);
  return out;
}

/**
 * joinPartitionColumn drafts what a table joining a partitioned parent does to column `a` that the partition then
 * inherits: ATTACH PARTITION keeps the table's own DEFAULT (and its serial sequence) and NOT NULL, which a partition
 * made by PARTITION OF takes from the parent, so they become the parent's first (and come back after DETACH in down).
 */
export function joinPartitionColumn(ctx: PlanContext, t: string, a: Column): void {
  const base = parentColumn(ctx, 'to', t, { ...a, serial: undefined, identity: undefined });
  if (!base || a.identity || a.generated) return;
  const parent = ctx.to.tables[t]!.partitionOf!.parent;
  emit(ctx, {
    phase: PHASE.alterTable,
    what: `inherit column ${t}.${a.name} from ${parent}`,
    object: `${t}.${a.name}`,
    sql: alterColumn(t, a, base, ctx.ty, ctx.enums).sql,
    reverse: alterColumn(t, base, a, ctx.ty, ctx.enums).sql,
    lock: true,
    requires: [`rel:${bareId(parent)}`],
  });
}

/**
 * partitionCopies lists what DETACH PARTITION leaves on table `id` of partitioned `parent` (read in `s`) that the
 * table did not have before it was attached (its own objects read in `own`): the copies of the parent's indexes it
 * had no match for, and the copies of the parent's primary key and unique constraints under their default names.
 */
export function partitionCopies(
  s: Schema,
  parent: string,
  id: string,
  own: Table | undefined,
  detach = false,
): string[] {
  const p = s.tables[parent];
  if (!p) return [];
  const name = nameOf(id);
  const out: string[] = [];
  const asPartition = s.tables[id];
  for (const ix of Object.values(p.indexes)) {
    const copy = copyName(id, ix);
    // the partition's own index of that definition is the one attached (no copy was made), and stays
    if (asPartition && Object.values(asPartition.indexes).some((x) => !x.local && def(x) === def(ix))) continue;
    // with `detach`, `own` is what the table keeps after it: the copy stays only as an index of that name
    if (detach && own && def(own.indexes[copy] ?? ({} as Index)) === def(ix)) continue;
    if (!detach && own && Object.values(own.indexes).some((x) => def(x) === def(ix))) continue;
    if (
      own &&
      [...(own.primaryKey ? [own.primaryKey] : []), ...Object.values(own.uniques)].some((k) => keyMatches(ix, k))
    )
      continue;
    out.push(dropIndex(id, copy));
  }
  const keys = [...(p.primaryKey ? [p.primaryKey] : []), ...Object.values(p.uniques)];
  for (const k of keys) {
    const copy = copyNameOf(s, id, k) ?? keyCopyName(name, k);
    const mine = own && (own.primaryKey?.name === copy || own.uniques[copy]);
    if (!mine) out.push(`ALTER TABLE ${rel(id)} DROP CONSTRAINT ${quoteIdent(copy)}`);
  }
  return out;
}

/** copyName is the name PostgreSQL gives the copy of parent index `ix` on partition `id` (when that name is free). */
export function copyName(id: string, ix: Index): string {
  const add = nameAddition(indexColumnNames([...ix.elements, ...(ix.include ?? []).map((column) => ({ column }))]));
  return makeObjectName(nameOf(id), add, 'idx');
}

/** keptCopy tells whether index `ix` of table `t` is the copy of a parent index that DETACH PARTITION leaves there. */
export function keptCopy(ctx: PlanContext, t: string, ix: Index): boolean {
  const parent = ctx.from.tables[t]?.partitionOf?.parent;
  if (!parent || ctx.to.tables[t]?.partitionOf?.parent === parent) return false;
  const p = ctx.from.tables[parent];
  return !!p && Object.values(p.indexes).some((x) => def(x) === def(ix) && copyName(t, x) === ix.name);
}

/**
 * adoptedCopy tells whether index `ix` of table `t`, which becomes a partition, has the definition and the name of the
 * copy of a parent index: ATTACH PARTITION adopts it, so it is kept rather than dropped (made again by ATTACH under the
 * same name, it would be dropped again by the down's DETACH, which leaves it: 'relation already exists'). The mirror
 * of keptCopy.
 */
export function adoptedCopy(ctx: PlanContext, t: string, ix: Index): boolean {
  const parent = ctx.to.tables[t]?.partitionOf?.parent;
  if (!parent || !ctx.from.tables[t] || ctx.from.tables[t]!.partitionOf?.parent === parent) return false;
  const p = ctx.to.tables[parent];
  return !!p && Object.values(p.indexes).some((x) => def(x) === def(ix) && copyName(t, x) === ix.name);
}

/**
 * adoptOwn writes what follows the CREATE TABLE ... PARTITION OF of partition `id` (as `s` has it) under a parent
 * index that exists before and after the plan, when the partition has its own index or key for it: PARTITION OF
 * made a copy of the parent index first, so the partition is detached, the copy dropped and the partition attached
 * again, which adopts its own.
 */
export function adoptOwn(ctx: PlanContext, s: Schema, id: string, t: Table): string[] {
  const parent = t.partitionOf?.parent;
  if (!parent || ctx.createdTables.has(parent) || ctx.droppedTables.has(parent)) return [];
  const [a, b] = [ctx.from.tables[parent], ctx.to.tables[parent]];
  if (!a || !b) return [];
  const copies = Object.values(s.tables[parent]?.indexes ?? {}).filter(
    (ix) =>
      fragmentKey(a.indexes[ix.name]) === fragmentKey(b.indexes[ix.name]) &&
      attachedTo(s, parent, ix).some((x) => x.table === id),
  );
  if (copies.length === 0) return [];
  return [
    `ALTER TABLE ${rel(parent)} DETACH PARTITION ${rel(id)}`,
    ...copies.map((ix) => dropIndex(id, copyName(id, ix))),
    `ALTER TABLE ${rel(parent)} ATTACH PARTITION ${rel(id)} ${boundText(t.partitionOf!.bound)}`,
  ];
}

/**
 * keyNotNullDrops gives back the nullability a partition's own primary key `def` took from its columns, when the key
 * goes and `target` (the schema the step leads to) has the partition's column as its parent's, nullable: a key makes
 * its columns NOT NULL and dropping it leaves them so, and the model of a partition lists no NOT NULL its own key
 * implies (an INHERITS-free regular table lists every column, so its nullability is a column change of its own).
 */
export function keyNotNullDrops(target: Schema, t: string, def: TableConstraint): string[] {
  const tb = target.tables[t];
  if (def.kind !== 'primary_key' || !tb?.partitionOf) return [];
  const nullable = (tid: string | undefined, col: string, seen = new Set<string>()): boolean => {
    const x = tid === undefined || seen.has(tid) ? undefined : target.tables[tid];
    if (!x) return true;
    seen.add(tid!);
    if (x.primaryKey?.columns.includes(col)) return false;
    const own = x.columns.find((c) => c.name === col);
    return own ? own.nullable : nullable(x.partitionOf?.parent, col, seen);
  };
  return def.columns
    .filter((c) => !tb.columns.some((x) => x.name === c) && nullable(t, c))
    .map((c) => `ALTER TABLE ${rel(t)} ALTER COLUMN ${quoteIdent(c)} DROP NOT NULL`);
}
