/**
 * The names of partitions' copies of their parents' primary keys and unique constraints (Table.keyNames).
 * PostgreSQL names a copy it makes (CREATE TABLE ... PARTITION OF, ATTACH PARTITION of a table without a matching
 * key, ADD PRIMARY KEY / UNIQUE on the parent) `<partition>_pkey` / `<partition>_<columns>_key`; ATTACH PARTITION
 * adopts a table's own matching key under its own name, DETACH leaves a copy on the table as its own under its name.
 * A copy is renamed with ALTER INDEX ... RENAME (RENAME CONSTRAINT refuses an inherited constraint; renaming the
 * index renames its constraint). The planner keeps the names as the model says: ATTACH and DETACH steps rename what
 * they make (keyRenamesAfterAttach), a late step renames the copies the plan keeps or makes otherwise, and an early
 * step gives the copies the plan takes away the name the down script's re-creation gives them, so that its reverse,
 * among the last of the down script, names them back.
 */
import type { PrimaryKey, Schema, UniqueConstraint } from '../model/types.js';
import { keyCopyName } from '../canon/names.js';
import { fragmentKey } from '../diff/index.js';
import { indexRef, nameOf } from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';

type Key = PrimaryKey | UniqueConstraint;

/** KeyOn is a key a table has (its own, or its copy of its parent's): the root key it stems from and its name there. */
interface KeyOn {
  /** root: `<table id> <key name>` of the table's own key this one is (a copy of). */
  readonly root: string;
  readonly key: Key;
  readonly name: string;
}

/** CopyOn is a partition's copy of a key of its parent: its name in the model and the name PostgreSQL would give it. */
interface CopyOn extends KeyOn {
  /** parentName: the name of the parent's key it copies (keyNames' key). */
  readonly parentName: string;
  readonly fallback: string;
}

/** tableKeys lists the keys of table `id` of `s` its partitions copy: its own and, on a partition, its copies. */
function tableKeys(s: Schema, id: string, seen = new Set<string>()): KeyOn[] {
  const t = s.tables[id];
  if (!t || seen.has(id)) return [];
  seen.add(id);
  const own = [...(t.primaryKey ? [t.primaryKey] : []), ...Object.values(t.uniques)].map((key) => ({
    root: `${id} ${key.name}`,
    key,
    name: key.name,
  }));
  return t.partitionOf ? [...own, ...copiesOn(s, id, seen)] : own;
}

/** copiesOn lists partition `id`'s copies (in `s`) of its parent's keys. */
export function copiesOn(s: Schema, id: string, seen = new Set<string>([id])): CopyOn[] {
  const t = s.tables[id];
  const parent = t?.partitionOf?.parent;
  if (!t || parent === undefined) return [];
  return tableKeys(s, parent, seen).map((k) => {
    const fallback = keyCopyName(nameOf(id), k.key);
    return { root: k.root, key: k.key, parentName: k.name, fallback, name: t.keyNames?.[k.name] ?? fallback };
  });
}

/** copyNameOf is the name partition `id` has in `s` for its copy of key `k` of its parent (undefined: not one of them). */
export function copyNameOf(s: Schema, id: string, k: Key): string | undefined {
  const same = (x: Key) => x.kind === k.kind && fragmentKey(keyShape(x)) === fragmentKey(keyShape(k));
  return copiesOn(s, id).find((c) => same(c.key))?.name;
}

/** keyShape is what makes a key's copy match it (its name and comments aside). */
function keyShape(k: Key): unknown {
  return {
    columns: k.columns,
    include: k.include ?? [],
    nnd: k.kind === 'unique' && !!k.nullsNotDistinct,
    wo: !!k.withoutOverlaps,
  };
}

/** sameKey tells whether a key is the same on both sides as far as its copies go (a comment or storage change is made in place). */
function sameKey(a: Key | undefined, b: Key | undefined): boolean {
  const strip = (k: Key) => {
    const { comment: _c, indexComment: _i, with: _w, renamedFrom: _r, ...rest } = k;
    return fragmentKey(rest);
  };
  return !!a && !!b && strip(a) === strip(b);
}

/** renameIndex is ALTER INDEX ... RENAME TO in table `table`'s schema. */
const renameIndex = (table: string, from: string, to: string): string =>
  `ALTER INDEX ${indexRef(table, from)} RENAME TO ${quoteIdent(to)}`;

/**
 * chainKept tells whether partition `id`'s copy of root key `root` stays in place through the plan: every table from
 * `id` up to the root's table is kept with the same parent, and the root key is the same on both sides.
 */
function chainKept(ctx: PlanContext, id: string, root: string): boolean {
  const rootTable = root.slice(0, root.indexOf(' '));
  const keyName = root.slice(root.indexOf(' ') + 1);
  const seen = new Set<string>();
  for (let x = id; x !== rootTable;) {
    if (seen.has(x) || ctx.createdTables.has(x) || ctx.droppedTables.has(x)) return false;
    seen.add(x);
    const [a, b] = [ctx.from.tables[x]?.partitionOf?.parent, ctx.to.tables[x]?.partitionOf?.parent];
    if (a === undefined || a !== b) return false;
    x = a;
  }
  if (ctx.createdTables.has(rootTable) || ctx.droppedTables.has(rootTable)) return false;
  const [fa, tb] = [ctx.from.tables[rootTable], ctx.to.tables[rootTable]];
  const pick = (t: typeof fa) => (t?.primaryKey?.name === keyName ? t.primaryKey : t?.uniques[keyName]);
  return sameKey(pick(fa), pick(tb));
}

/** attachedHere tells whether table `id` joins (or changes) its partitioned parent in this plan, by ATTACH PARTITION. */
const attachedHere = (ctx: PlanContext, id: string): boolean =>
  !!ctx.to.tables[id]?.partitionOf &&
  !!ctx.from.tables[id] &&
  !ctx.createdTables.has(id) &&
  ctx.from.tables[id]!.partitionOf?.parent !== ctx.to.tables[id]!.partitionOf!.parent;

/**
 * keyRenamesAfterAttach renames, right after ATTACH PARTITION of table `id` (as `s` has it, standing alone as `alone`
 * has it), the copies ATTACH made under PostgreSQL's name that `s` names otherwise; a key of the table's own that
 * ATTACH adopts (same shape, and the name `s` gives the copy, so the plan kept it) keeps its name.
 */
export function keyRenamesAfterAttach(s: Schema, alone: Schema, id: string): string[] {
  const t = alone.tables[id];
  const own = t ? [...(t.primaryKey ? [t.primaryKey] : []), ...Object.values(t.uniques)] : [];
  return copiesOn(s, id)
    .filter(
      (c) =>
        c.name !== c.fallback &&
        !own.some(
          (k) =>
            k.name === c.name && k.kind === c.key.kind && fragmentKey(keyShape(k)) === fragmentKey(keyShape(c.key)),
        ),
    )
    .map((c) => renameIndex(id, c.fallback, c.name));
}

/**
 * planKeyNames drafts the renames of the partitions' copies of their parents' keys: late, those the plan keeps whose
 * name changes and those it makes (a partition created, a key added to a kept parent) under a name of their own;
 * early, those it takes away that have a name of their own, to the name the down script's re-creation gives them
 * (its reverse, among the last steps of down, names them back). Copies ATTACH and DETACH make are their steps'.
 */
export function planKeyNames(ctx: PlanContext): void {
  for (const [id, t] of Object.entries(ctx.to.tables)) {
    if (!t.partitionOf || attachedHere(ctx, id)) continue;
    const before = new Map(copiesOn(ctx.from, id).map((c) => [c.root, c.name]));
    const sql: string[] = [];
    const back: string[] = [];
    for (const c of copiesOn(ctx.to, id)) {
      const was = chainKept(ctx, id, c.root) ? (before.get(c.root) ?? c.fallback) : c.fallback;
      if (was === c.name) continue;
      sql.push(renameIndex(id, was, c.name));
      back.unshift(renameIndex(id, c.name, was));
    }
    emit(ctx, {
      phase: PHASE.addIndex + 0.5,
      what: `rename the copies on partition ${id} of the keys of ${t.partitionOf.parent}`,
      object: id,
      sql,
      reverse: back,
      requires: [`rel:${bare(id)}`, `ixon:${t.partitionOf.parent}`, `attach:${id}`, `attach:${t.partitionOf.parent}`],
    });
  }
  for (const [id, t] of Object.entries(ctx.from.tables)) {
    if (!t.partitionOf) continue;
    // a partition leaving its parent: DETACH leaves its copies, its step names them
    const detached = !ctx.droppedTables.has(id) && ctx.to.tables[id]?.partitionOf?.parent !== t.partitionOf.parent;
    if (detached) continue;
    const sql: string[] = [];
    const back: string[] = [];
    for (const c of copiesOn(ctx.from, id)) {
      if (c.name === c.fallback || chainKept(ctx, id, c.root)) continue;
      sql.push(renameIndex(id, c.name, c.fallback));
      back.unshift(renameIndex(id, c.fallback, c.name));
    }
    emit(ctx, {
      phase: PHASE.rename + 0.5,
      what: `give the copies on partition ${id} of the keys of ${t.partitionOf.parent} PostgreSQL's names`,
      object: id,
      sql,
      reverse: back,
    });
  }
}
