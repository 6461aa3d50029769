/**
 * The planner: Changes (from src/diff) -> drafted steps with phase, dependency keys, reverse and hazards.
 * Works on `from` as renamed by the diff (so every step after the renames uses the new names), and on `to`.
 * Each step's reverse is written by the same code run the other way (drop <-> create, alter a->b <-> b->a),
 * so the down script (reverses in reverse order) mirrors the up script.
 */
import type { AddChange, AlterChange, Change, DropChange } from '../model/changes.js';
import type { ForeignKey, Schema, Table } from '../model/types.js';
import { identifiersOf } from '../diff/sqltext.js';
import { attrDiff, sameValue, stableJson } from '../diff/index.js';
import {
  createPolicy,
  createTable,
  createTrigger,
  createView,
  defaultSql,
  dropPolicy,
  dropTrigger,
  dropView,
  constraintComment,
  rel,
  tableExtras,
  viewKind,
  commentOn,
} from '../sql/ddl.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { addColumn, dropColumn, serialSequenceId } from './columns.js';
import { bare, emit, funcNeedsDrop, PHASE, textKeys, typeKeys, type PlanContext } from './context.js';
import { planObjects } from './objects.js';
import { rebuildViewRoutines } from './viewfuncs.js';
import { planSqlObjects } from './sqlobjects.js';
import { planGrants } from './grants.js';
import { fkAdd, fkDrop, planSubObject, planTableAlter } from './subobjects.js';

export { PHASE, emit, newContext, type PlanContext } from './context.js';

/** tableRequires lists what creating a table depends on: types, functions in defaults/checks, parents. */
function tableRequires(t: Table): string[] {
  const out: string[] = [];
  for (const c of t.columns) {
    out.push(...typeKeys(c.type));
    if (c.default && 'sql' in c.default) out.push(...textKeys(c.default.sql));
    if (c.generated) out.push(...textKeys(c.generated));
  }
  for (const c of Object.values(t.checks)) out.push(...textKeys(c.expression));
  for (const ix of Object.values(t.indexes))
    for (const e of ix.elements) if (e.expression) out.push(...textKeys(e.expression));
  if (t.partitionOf) out.push(`rel:${bare(t.partitionOf.parent)}`);
  for (const p of t.inherits ?? []) out.push(`rel:${bare(p)}`);
  return out;
}

/** tableSql drafts CREATE TABLE (with indexes, inline constraints and foreign keys, RLS flags, comments). */
function tableSql(ctx: PlanContext, id: string, t: Table, fks: readonly ForeignKey[]): string[] {
  return [
    createTable(id, t, ctx.ty, fks),
    ...tableExtras(id, t, ctx.ty),
    ...fks.flatMap((fk) => constraintComment(id, fk)),
  ];
}

/** plainTable tells whether a table is created by a plain CREATE TABLE (not a partition, partitioned or inheriting). */
function plainTable(t: Table): boolean {
  return !t.partitionOf && !t.partitionBy && !t.inherits?.length;
}

/**
 * inlineForeignKeys chooses the foreign keys of created tables that can be written inside CREATE TABLE: the target
 * is created in the same plan with the referenced columns as its primary key or a unique constraint (both are
 * inline in its CREATE TABLE), or it is the table itself. Every other foreign key, and any that would close a cycle
 * of creations, stays a separate ADD CONSTRAINT after all tables exist. Building a large schema runs about a
 * thousand fewer statements, and the SQL reads like hand-written DDL.
 */
function inlineForeignKeys(created: ReadonlySet<string>, to: Schema): Map<string, ForeignKey[]> {
  const keyed = (t: Table, cols: readonly string[]): boolean => {
    const want = [...cols].sort().join('\0');
    const sets = [t.primaryKey?.columns, ...Object.values(t.uniques).map((u) => u.columns)];
    return sets.some((c) => c !== undefined && [...c].sort().join('\0') === want);
  };
  const edges = new Map<string, Set<string>>(); // table -> tables it must be created after
  const reaches = (from: string, target: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const x = stack.pop()!;
      if (x === target) return true;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...(edges.get(x) ?? []));
    }
    return false;
  };
  const out = new Map<string, ForeignKey[]>();
  for (const id of [...created].sort()) {
    const t = to.tables[id];
    if (!t || !plainTable(t)) continue;
    for (const fk of Object.values(t.foreignKeys)) {
      const ref = to.tables[fk.refTable];
      if (fk.notValid || !ref || !created.has(fk.refTable) || !plainTable(ref) || !keyed(ref, fk.refColumns)) continue;
      if (fk.refTable !== id) {
        if (reaches(fk.refTable, id)) continue; // would close a cycle: keep it a separate step
        edges.set(id, (edges.get(id) ?? new Set()).add(fk.refTable));
      }
      out.set(id, [...(out.get(id) ?? []), fk]);
    }
  }
  return out;
}

/** planChanges turns changes into ordered-to-be drafts. */
export function planChangeDrafts(ctx: PlanContext, input: readonly Change[]): void {
  const { from, to } = ctx;
  const changes = planGrants(ctx, input);
  // tables whose partitioning changes are recreated
  const recreate = new Set<string>();
  for (const c of changes) {
    if (c.op === 'alter' && c.kind === 'table' && c.attrs.some((a) => a.attr === 'partitionBy')) recreate.add(c.id);
  }
  const all: Change[] = [];
  for (const c of changes) {
    if ('table' in c && c.table && recreate.has(c.table) && c.op !== 'rename') continue;
    if (c.op === 'alter' && c.kind === 'table' && recreate.has(c.id)) {
      all.push({ op: 'drop', kind: 'table', id: c.id, def: c.from }, { op: 'add', kind: 'table', id: c.id, def: c.to });
      continue;
    }
    all.push(c);
  }
  for (const c of all) {
    if (c.kind === 'table' && c.op === 'drop') ctx.droppedTables.add(c.id);
    if (c.kind === 'table' && c.op === 'add') ctx.createdTables.add(c.id);
  }
  for (const c of all)
    if (c.op === 'alter' && c.kind === 'enum' && c.attrs.some((a) => a.attr === 'values')) ctx.recreatedEnums.add(c.id);
  for (const c of all)
    if (c.op === 'alter' && c.kind === 'domain' && c.attrs.some((a) => a.attr === 'type' || a.attr === 'collation'))
      ctx.recreatedEnums.add(c.id);
  // a value added with ADD VALUE cannot be used in the same transaction: when this migration uses it
  // (a default, a check...), the enum is recreated instead, which PostgreSQL allows in one transaction
  const adds = all.filter((c) => c.op === 'add_value');
  if (adds.length) {
    const others = JSON.stringify(all.filter((c) => c.kind !== 'enum'));
    for (const c of adds) {
      // a search, not SQL: the value as an expression may spell it (standard string, or quoteLiteral's E'' form)
      const spellings = [`'${c.value.replace(/'/g, "''")}'`, quoteLiteral(c.value)].map((l) =>
        JSON.stringify(l).slice(1, -1),
      );
      if (spellings.some((l) => others.includes(l)) || others.includes(`"literal":${JSON.stringify(c.value)}`))
        ctx.recreatedEnums.add(c.id);
    }
  }
  for (const c of all) {
    if (c.op !== 'alter' || c.kind !== 'column' || !c.attrs.some((a) => a.attr === 'serial')) continue;
    const seq = serialSequenceId(c.table!, c.id);
    if (
      (c.from.serial && to.sequences[seq] && !from.sequences[seq]) ||
      (c.to.serial && from.sequences[seq] && !to.sequences[seq])
    )
      ctx.adoptedSequences.add(seq);
  }

  // columns whose type changes or that go away: views and foreign keys over them are rebuilt around the change
  const touchedTables = new Set<string>();
  const touchedCols = new Map<string, Set<string>>();
  const touch = (t: string, col: string) => {
    touchedTables.add(t);
    if (!touchedCols.has(t)) touchedCols.set(t, new Set());
    touchedCols.get(t)!.add(col);
  };
  for (const c of all) {
    if (c.kind === 'column' && c.op === 'drop') touch(c.table!, c.id);
    if (
      c.kind === 'column' &&
      c.op === 'alter' &&
      c.attrs.some((a) => a.attr === 'type' || a.attr === 'collation' || a.attr === 'generated')
    )
      touch(c.table!, c.id);
  }
  for (const e of ctx.recreatedEnums) {
    for (const [tid, t] of Object.entries(from.tables)) {
      for (const col of t.columns) if (col.type.replace(/(\[\])+$/, '') === e) touch(tid, col.name);
    }
  }
  for (const t of ctx.droppedTables) touchedTables.add(t);
  // undoing an added enum value recreates the type: views over its columns are rebuilt so down can do that
  const grownEnums = new Set(all.filter((c) => c.op === 'add_value').map((c) => c.id));
  if (grownEnums.size) {
    for (const [tid, t] of Object.entries(from.tables)) {
      if (t.columns.some((col) => grownEnums.has(col.type.replace(/(\[\])+$/, '')))) touchedTables.add(tid);
    }
  }

  planObjects(ctx, all);
  planViews(ctx, all, touchedTables);
  planTables(ctx, all, touchedCols);
  planSqlObjects(ctx, all);
}

/** planViews drafts view drops and creates, rebuilding views over changed tables and views. */
function planViews(ctx: PlanContext, all: readonly Change[], touchedTables: ReadonlySet<string>): void {
  const { from, to } = ctx;
  const rebuild = new Set<string>(); // ids present in both, dropped and re-created
  const dropped = new Set<string>();
  const added = new Set<string>();
  const touchedNames = new Set([...touchedTables].map(bare));
  const recreatedFuncs = new Set<string>();
  for (const c of all) {
    if (c.kind !== 'view' && c.kind !== 'function') continue;
    if (c.kind === 'function') {
      if (c.op === 'drop') recreatedFuncs.add(c.def.name);
      else if (c.op === 'alter' && funcNeedsDrop(c.from, c.to)) recreatedFuncs.add(c.from.name);
      continue;
    }
    if (c.op === 'drop') dropped.add(c.id);
    else if (c.op === 'add') added.add(c.id);
    else if (c.op === 'alter' && c.attrs.some((a) => a.attr !== 'comment' && a.attr !== 'columnComments'))
      rebuild.add(c.id);
  }
  for (const e of ctx.recreatedEnums) touchedNames.add(bare(e));
  // fixpoint: a view mentioning a touched table, a rebuilt/dropped view or a recreated function is rebuilt
  for (;;) {
    const names = new Set([
      ...touchedNames,
      ...[...rebuild, ...dropped].map(bare),
      ...[...recreatedFuncs].map((n) => n.toLowerCase()),
    ]);
    let grew = false;
    for (const [id, v] of Object.entries(from.views)) {
      if (rebuild.has(id) || dropped.has(id) || !to.views[id]) continue;
      const ids = identifiersOf(v.query);
      if ([...names].some((n) => ids.has(n))) {
        rebuild.add(id);
        grew = true;
      }
    }
    if (!grew) break;
  }
  const dropIds = new Set([...dropped, ...rebuild]);
  rebuildViewRoutines(ctx, dropIds);
  for (const id of dropIds) {
    const v = from.views[id]!;
    // a view that mentions another dropped view goes first
    const dependents = [...dropIds].filter((o) => o !== id && identifiersOf(from.views[o]!.query).has(bare(id)));
    emit(ctx, {
      phase: PHASE.dropView,
      what: `drop ${viewKind(v).toLowerCase()} ${id}`,
      object: id,
      sql: [dropView(id, v)],
      reverse: createView(id, v),
      provides: [`vdrop:${id}`],
      requires: dependents.map((o) => `vdrop:${o}`),
      destructive: !!v.materialized && !to.views[id],
    });
  }
  for (const id of [...added, ...rebuild]) {
    const v = to.views[id]!;
    emit(ctx, {
      phase: PHASE.createView,
      what: `create ${viewKind(v).toLowerCase()} ${id}`,
      object: id,
      sql: createView(id, v),
      reverse: [dropView(id, v)],
      provides: [`rel:${bare(id)}`],
      requires: [...textKeys(v.query), `vdrop:${id}`],
      lock: false,
    });
  }
  const recreated = new Set([...dropIds, ...added]);
  for (const c of all) {
    if (c.kind === 'view' && c.op === 'alter' && !rebuild.has(c.id)) {
      const sql: string[] = [];
      const rev: string[] = [];
      if (c.from.comment !== c.to.comment) {
        sql.push(commentOn(viewKind(c.to), rel(c.id), c.to.comment));
        rev.push(commentOn(viewKind(c.to), rel(c.id), c.from.comment));
      }
      const cols = new Set([...Object.keys(c.from.columnComments ?? {}), ...Object.keys(c.to.columnComments ?? {})]);
      for (const col of cols) {
        const a = c.from.columnComments?.[col];
        const b = c.to.columnComments?.[col];
        if (a === b) continue;
        sql.push(commentOn('COLUMN', `${rel(c.id)}.${quoteIdent(col)}`, b));
        rev.push(commentOn('COLUMN', `${rel(c.id)}.${quoteIdent(col)}`, a));
      }
      emit(ctx, {
        phase: PHASE.comment,
        what: `comment on ${viewKind(c.to).toLowerCase()} ${c.id}`,
        object: c.id,
        sql,
        reverse: rev,
      });
    }
    // indexes and triggers of views that are not rebuilt
    if ((c.kind === 'index' || c.kind === 'trigger') && c.table && (from.views[c.table] || to.views[c.table])) {
      if (recreated.has(c.table)) continue;
      planSubObject(ctx, c as AddChange | DropChange | AlterChange);
    }
  }
}

/** planTables drafts table creates/drops, column changes, constraints, indexes, triggers and policies. */
function planTables(
  ctx: PlanContext,
  all: readonly Change[],
  touchedCols: ReadonlyMap<string, ReadonlySet<string>>,
): void {
  const { from, to } = ctx;
  // foreign keys of dropped tables are dropped first (they may point at other dropped tables)
  for (const id of ctx.droppedTables) {
    const t = from.tables[id]!;
    for (const fk of Object.values(t.foreignKeys)) fkDrop(ctx, id, fk);
    for (const tr of Object.values(t.triggers)) {
      emit(ctx, {
        phase: PHASE.dropTrigger,
        what: `drop trigger ${tr.name} on ${id}`,
        object: `${id}.${tr.name}`,
        sql: [dropTrigger(id, tr.name)],
        reverse: createTrigger(id, tr),
      });
    }
    for (const p of Object.values(t.policies)) {
      emit(ctx, {
        phase: PHASE.dropTrigger,
        what: `drop policy ${p.name} on ${id}`,
        object: `${id}.${p.name}`,
        sql: [dropPolicy(id, p.name)],
        reverse: createPolicy(id, p),
      });
    }
    const children = [...ctx.droppedTables].filter((o) => {
      const ot = from.tables[o]!;
      return ot.partitionOf?.parent === id || (ot.inherits ?? []).includes(id);
    });
    emit(ctx, {
      phase: PHASE.dropTable,
      what: `drop table ${id}`,
      object: id,
      sql: [`DROP TABLE ${rel(id)}`],
      reverse: tableSql(ctx, id, t, []), // its foreign keys come back with the reverses of their own drop steps
      destructive: true,
      provides: [`tdrop:${id}`],
      requires: children.map((o) => `tdrop:${o}`),
    });
  }
  const inline = inlineForeignKeys(ctx.createdTables, to);
  for (const id of ctx.createdTables) {
    const t = to.tables[id]!;
    const fks = inline.get(id) ?? [];
    emit(ctx, {
      phase: PHASE.createTable,
      what: `create table ${id}`,
      object: id,
      sql: tableSql(ctx, id, t, fks),
      reverse: [`DROP TABLE ${rel(id)}`],
      provides: [`rel:${bare(id)}`, `type:${bare(id)}`],
      requires: [
        ...tableRequires(t),
        `tdrop:${id}`,
        ...fks.filter((fk) => fk.refTable !== id).map((fk) => `rel:${bare(fk.refTable)}`),
      ],
    });
    for (const fk of Object.values(t.foreignKeys)) if (!fks.includes(fk)) fkAdd(ctx, id, fk, false);
    for (const tr of Object.values(t.triggers)) {
      emit(ctx, {
        phase: PHASE.trigger,
        what: `create trigger ${tr.name} on ${id}`,
        object: `${id}.${tr.name}`,
        sql: createTrigger(id, tr),
        reverse: [dropTrigger(id, tr.name)],
        requires: [`fn:${bare(tr.function)}`],
      });
    }
    for (const p of Object.values(t.policies)) {
      emit(ctx, {
        phase: PHASE.trigger,
        what: `create policy ${p.name} on ${id}`,
        object: `${id}.${p.name}`,
        sql: createPolicy(id, p),
        reverse: [dropPolicy(id, p.name)],
        requires: [...textKeys(p.using), ...textKeys(p.withCheck)],
      });
    }
  }
  // unchanged triggers, checks and expression indexes over a function that is dropped and re-created follow it
  const recreatedFns = new Set<string>();
  for (const c of all) {
    if (c.kind !== 'function') continue;
    if (c.op === 'alter' && funcNeedsDrop(c.from, c.to)) recreatedFns.add(c.to.name.toLowerCase());
  }
  // unchanged generated columns computed from a column whose type changes are dropped before and re-added after
  for (const [tid, cols] of touchedCols) {
    const ft = from.tables[tid];
    const tt = to.tables[tid];
    if (!ft || !tt || ctx.createdTables.has(tid) || ctx.droppedTables.has(tid)) continue;
    for (const g of tt.columns) {
      const fg = ft.columns.find((x) => x.name === g.name);
      if (!g.generated || !fg?.generated || cols.has(g.name) || !sameValue(fg, g)) continue;
      if (![...identifiersOf(g.generated)].some((n) => cols.has(n))) continue;
      const drop = dropColumn(tid, fg);
      const add = addColumn(tid, g, ctx.ty);
      emit(ctx, {
        phase: PHASE.dropColumn,
        what: `drop generated column ${tid}.${g.name} (recomputed)`,
        object: `${tid}.${g.name}`,
        sql: drop.sql,
        reverse: addColumn(tid, fg, ctx.ty).sql,
      });
      emit(ctx, {
        phase: PHASE.alterTable + 0.5,
        what: `add generated column ${tid}.${g.name}`,
        object: `${tid}.${g.name}`,
        sql: add.sql,
        reverse: drop.sql,
        rewrite: true,
        lock: true,
      });
    }
  }
  // unchanged policies and triggers that read a column whose type changes block the change: rebuilt around it
  const rebuilt = new Set<string>();
  const once = (key: string) => !rebuilt.has(key) && !!rebuilt.add(key);
  const changed = new Set(
    all.filter((c) => 'table' in c && c.table).map((c) => `${c.kind}\0${(c as { table: string }).table}\0${c.id}`),
  );
  /** rebuild drops and re-adds an unchanged sub-object of table `tid` around the change: once, and only if it existed. */
  const rebuild = <T extends { readonly name: string }>(
    kind: 'check' | 'index' | 'trigger' | 'policy',
    tid: string,
    before: T | undefined,
    after: T,
  ): void => {
    const key = `${kind}\0${tid}\0${after.name}`;
    if (changed.has(key) || !before || !once(key)) return;
    planSubObject(ctx, { op: 'drop', kind, table: tid, id: after.name, def: before } as unknown as DropChange);
    planSubObject(ctx, { op: 'add', kind, table: tid, id: after.name, def: after } as unknown as AddChange);
  };
  /** readsAny: does an expression name any of `names` (lower-case identifiers)? */
  const readsAny = (names: ReadonlySet<string>) => (text: string | undefined) =>
    !!text && [...identifiersOf(text)].some((n) => names.has(n));
  const touchedNames = new Set<string>();
  for (const cols of touchedCols.values()) for (const c of cols) touchedNames.add(c.toLowerCase());
  if (touchedNames.size) {
    const reads = readsAny(touchedNames);
    for (const [tid, t] of Object.entries(to.tables)) {
      const ft = from.tables[tid];
      if (!ft || ctx.createdTables.has(tid)) continue;
      for (const p of Object.values(t.policies))
        if (reads(p.using) || reads(p.withCheck)) rebuild('policy', tid, ft.policies[p.name], p);
      const own = touchedCols.get(tid);
      if (!own) continue;
      for (const tr of Object.values(t.triggers)) {
        if (
          (tr.updateOf ?? []).some((c) => own.has(c)) ||
          (tr.when && [...identifiersOf(tr.when)].some((n) => own.has(n)))
        )
          rebuild('trigger', tid, ft.triggers[tr.name], tr);
      }
    }
  }
  // checks and partial/expression indexes over a column of a recreated enum or domain hold constants of the old
  // type (`'x'::mood__old`): PostgreSQL cannot rebuild them, so they are dropped before and re-added after
  if (ctx.recreatedEnums.size) {
    for (const [tid, t] of Object.entries(to.tables)) {
      const ft = from.tables[tid];
      if (!ft || ctx.createdTables.has(tid) || ctx.droppedTables.has(tid)) continue;
      const cols = new Set(
        ft.columns
          .filter((c) => ctx.recreatedEnums.has(c.type.replace(/(\[\])+$/, '')))
          .map((c) => c.name.toLowerCase()),
      );
      if (!cols.size) continue;
      const reads = readsAny(cols);
      for (const ck of Object.values(t.checks)) if (reads(ck.expression)) rebuild('check', tid, ft.checks[ck.name], ck);
      for (const ix of Object.values(t.indexes))
        if (reads(ix.where) || ix.elements.some((e) => reads(e.expression)))
          rebuild('index', tid, ft.indexes[ix.name], ix);
    }
  }
  if (recreatedFns.size) {
    const mentions = readsAny(recreatedFns);
    for (const [tid, t] of Object.entries(to.tables)) {
      const ft = from.tables[tid];
      if (!ft || ctx.createdTables.has(tid)) continue;
      for (const tr of Object.values(t.triggers))
        if (recreatedFns.has(bare(tr.function))) rebuild('trigger', tid, ft.triggers[tr.name], tr);
      for (const ck of Object.values(t.checks))
        if (mentions(ck.expression)) rebuild('check', tid, ft.checks[ck.name], ck);
      for (const ix of Object.values(t.indexes))
        if (mentions(ix.where) || ix.elements.some((e) => mentions(e.expression)))
          rebuild('index', tid, ft.indexes[ix.name], ix);
      for (const p of Object.values(t.policies))
        if (mentions(p.using) || mentions(p.withCheck)) rebuild('policy', tid, ft.policies[p.name], p);
      for (const col of t.columns) {
        const fc = ft.columns.find((x) => x.name === col.name);
        if (
          !fc ||
          changed.has(`column\0${tid}\0${col.name}`) ||
          !col.default ||
          !('sql' in col.default) ||
          !mentions(col.default.sql) ||
          !fc.default
        )
          continue;
        const C = `ALTER TABLE ${rel(tid)} ALTER COLUMN ${quoteIdent(col.name)}`;
        emit(ctx, {
          phase: PHASE.dropConstraint,
          what: `drop default of ${tid}.${col.name} (its function is re-created)`,
          object: `${tid}.${col.name}`,
          sql: [`${C} DROP DEFAULT`],
          reverse: [`${C} SET DEFAULT ${defaultSql(fc.default)}`],
        });
        emit(ctx, {
          phase: PHASE.alterTable + 0.5,
          what: `set default of ${tid}.${col.name}`,
          object: `${tid}.${col.name}`,
          sql: [`${C} SET DEFAULT ${defaultSql(col.default)}`],
          reverse: [`${C} DROP DEFAULT`],
        });
      }
    }
  }
  // unchanged foreign keys over changed columns/keys are dropped and re-added around the change
  const changedKeys = new Set<string>(); // `${table}\0${sorted cols}` of dropped/altered PK/unique/unique indexes
  for (const c of all) {
    if (!('table' in c) || !c.table || !(c.kind === 'primary_key' || c.kind === 'unique' || c.kind === 'index'))
      continue;
    if (c.op !== 'drop' && c.op !== 'alter') continue;
    const def = c.op === 'drop' ? c.def : c.from;
    const colsOf = def.kind === 'index' ? def.elements.map((e) => e.column ?? '') : def.columns;
    changedKeys.add(`${c.table}\0${[...colsOf].sort().join(',')}`);
  }
  const fkChanged = new Set<string>();
  for (const c of all) if (c.kind === 'foreign_key' && c.table) fkChanged.add(`${c.table}\0${c.id}`);
  for (const [tid, t] of Object.entries(to.tables)) {
    if (ctx.createdTables.has(tid) || !from.tables[tid]) continue;
    for (const fk of Object.values(t.foreignKeys)) {
      if (fkChanged.has(`${tid}\0${fk.name}`)) continue;
      const affected =
        fk.columns.some((c) => touchedCols.get(tid)?.has(c)) ||
        fk.refColumns.some((c) => touchedCols.get(fk.refTable)?.has(c)) ||
        changedKeys.has(`${fk.refTable}\0${[...fk.refColumns].sort().join(',')}`) ||
        ctx.createdTables.has(fk.refTable);
      if (!affected) continue;
      fkDrop(ctx, tid, from.tables[tid]!.foreignKeys[fk.name] ?? fk);
      fkAdd(ctx, tid, fk, true);
    }
  }
  // a column change a parent makes reaches its partitions and inheritance children by itself
  const sig = (c: Change): string | undefined => {
    if (c.kind !== 'column') return undefined;
    if (c.op === 'add') return `add ${c.def.type}`;
    if (c.op === 'drop') return 'drop';
    if (c.op === 'alter') return stableJson(c.attrs.filter((x) => x.attr !== 'comment'));
    return undefined;
  };
  const colSigs = new Map<string, string>();
  for (const c of all)
    if (c.kind === 'column' && 'table' in c && c.table) colSigs.set(`${c.table}\0${c.id}`, sig(c) ?? '');
  const parentsOf = (tid: string): string[] => {
    const out: string[] = [];
    for (const t of [from.tables[tid], to.tables[tid]]) {
      if (t?.partitionOf) out.push(t.partitionOf.parent);
      out.push(...(t?.inherits ?? []));
    }
    return out;
  };
  const inherited = (c: Change): boolean => {
    if (c.kind !== 'column' || !('table' in c) || !c.table) return false;
    const s = sig(c);
    return parentsOf(c.table).some((p) => colSigs.get(`${p}\0${c.id}`) === s);
  };
  // a table leaving a parent keeps the parent's columns as its own; one joining a parent keeps its own
  const leftParents = (tid: string): string[] => {
    const a = from.tables[tid];
    const b = to.tables[tid];
    if (!a || !b) return [];
    const pa = [...(a.partitionOf ? [a.partitionOf.parent] : []), ...(a.inherits ?? [])];
    const pb = [...(b.partitionOf ? [b.partitionOf.parent] : []), ...(b.inherits ?? [])];
    return pa.filter((p) => !pb.includes(p));
  };
  const joinedParents = (tid: string): string[] => {
    const a = from.tables[tid];
    const b = to.tables[tid];
    if (!a || !b) return [];
    const pa = [...(a.partitionOf ? [a.partitionOf.parent] : []), ...(a.inherits ?? [])];
    const pb = [...(b.partitionOf ? [b.partitionOf.parent] : []), ...(b.inherits ?? [])];
    return pb.filter((p) => !pa.includes(p));
  };
  for (const c0 of all) {
    let c = c0;
    if (c.op === 'rename' || c.op === 'add_value' || c.op === 'rename_value') continue;
    if (inherited(c)) continue;
    if (c.kind === 'column' && c.op === 'add') {
      const pc = leftParents(c.table!)
        .map((p) => from.tables[p]?.columns.find((x) => x.name === c.id))
        .find((x) => x);
      if (pc) {
        if (stableJson({ ...pc, comment: undefined }) === stableJson({ ...c.def, comment: undefined })) continue;
        c = { op: 'alter', kind: 'column', table: c.table, id: c.id, from: pc, to: c.def, attrs: attrDiff(pc, c.def) };
      }
    }
    if (c.kind === 'column' && c.op === 'drop') {
      const id = c.id;
      if (joinedParents(c.table!).some((p) => to.tables[p]?.columns.some((x) => x.name === id))) continue;
    }
    if (c.kind === 'table') {
      if (c.op === 'alter') planTableAlter(ctx, c);
      continue;
    }
    if (!c.table || (!from.tables[c.table] && !to.tables[c.table])) continue;
    if (ctx.createdTables.has(c.table) || ctx.droppedTables.has(c.table)) continue;
    if (from.views[c.table] || to.views[c.table]) continue;
    planSubObject(ctx, c as AddChange | DropChange | AlterChange);
  }
}
