/**
 * The planner: Changes (from src/diff) -> drafted steps with phase, dependency keys, reverse and hazards.
 * Works on `from` as renamed by the diff (so every step after the renames uses the new names), and on `to`.
 * Each step's reverse is written by the same code run the other way (drop <-> create, alter a->b <-> b->a),
 * so the down script (reverses in reverse order) mirrors the up script.
 */
import type { AlterChange, Change, DropChange, AddChange } from '../model/changes.js';
import type { Step } from '../model/plan.js';
import type { Column, EnumType, ForeignKey, Index, Policy, Schema, Table, Trigger, View } from '../model/types.js';
import { identifiersOf } from '../diff/sqltext.js';
import { attrDiff, stableJson } from '../diff/index.js';
import {
  addConstraint,
  createIndex,
  createPolicy,
  createTable,
  createTrigger,
  createView,
  dropConstraint,
  dropIndex,
  dropPolicy,
  dropTrigger,
  dropView,
  fkComment,
  indexRef,
  nameOf,
  rel,
  tableExtras,
  typeNamer,
  viewKind,
  commentOn,
  type TableConstraint,
  type TypeNamer,
} from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { addColumn, alterColumn, dropColumn, serialSequenceId } from './columns.js';
import type { Draft } from './order.js';
import { planObjects } from './objects.js';

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
  for (const n of identifiersOf(text)) out.push(`rel:${n}`, `fn:${n}`, `type:${n}`);
  return out;
}

/** typeKeys lists the keys of a type name (`mood`, `billing.mood[]`). */
export function typeKeys(type: string): string[] {
  const m = /^(?:"?[^".]*"?\.)?"?([^"[(]+)"?/.exec(type);
  return m ? [`type:${m[1]!.toLowerCase()}`, `rel:${m[1]!.toLowerCase()}`] : [];
}

const bare = (id: string) => nameOf(id).toLowerCase();

/** tableRequires lists what creating a table depends on: types, functions in defaults/checks, parents. */
function tableRequires(t: Table): string[] {
  const out: string[] = [];
  for (const c of t.columns) {
    out.push(...typeKeys(c.type));
    if (c.default && 'sql' in c.default) out.push(...textKeys(c.default.sql));
    if (c.generated) out.push(...textKeys(c.generated));
  }
  for (const c of Object.values(t.checks)) out.push(...textKeys(c.expression));
  for (const ix of Object.values(t.indexes)) for (const e of ix.elements) if (e.expression) out.push(...textKeys(e.expression));
  if (t.partitionOf) out.push(`rel:${bare(t.partitionOf.parent)}`);
  for (const p of t.inherits ?? []) out.push(`rel:${bare(p)}`);
  return out;
}

/** createTableStep drafts CREATE TABLE (with indexes, inline constraints, RLS flags, comments). */
function tableSql(ctx: PlanContext, id: string, t: Table): string[] {
  return [createTable(id, t, ctx.ty), ...tableExtras(id, t, ctx.ty)];
}

/** planChanges turns changes into ordered-to-be drafts. */
export function planChangeDrafts(ctx: PlanContext, changes: readonly Change[]): void {
  const { from, to } = ctx;
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
  for (const c of all) if (c.op === 'alter' && c.kind === 'enum' && c.attrs.some((a) => a.attr === 'values')) ctx.recreatedEnums.add(c.id);
  for (const c of all) if (c.op === 'alter' && c.kind === 'domain' && c.attrs.some((a) => a.attr === 'type' || a.attr === 'collation')) ctx.recreatedEnums.add(c.id);
  // a value added with ADD VALUE cannot be used in the same transaction: when this migration uses it
  // (a default, a check...), the enum is recreated instead, which PostgreSQL allows in one transaction
  const adds = all.filter((c) => c.op === 'add_value');
  if (adds.length) {
    const others = JSON.stringify(all.filter((c) => c.kind !== 'enum'));
    for (const c of adds) {
      const lit = JSON.stringify(`'${c.value.replace(/'/g, "''")}'`).slice(1, -1);
      if (others.includes(lit) || others.includes(`"literal":${JSON.stringify(c.value)}`)) ctx.recreatedEnums.add(c.id);
    }
  }
  for (const c of all) {
    if (c.op !== 'alter' || c.kind !== 'column' || !c.attrs.some((a) => a.attr === 'serial')) continue;
    const seq = serialSequenceId(c.table!, c.id);
    if ((c.from.serial && to.sequences[seq] && !from.sequences[seq]) || (c.to.serial && from.sequences[seq] && !to.sequences[seq])) ctx.adoptedSequences.add(seq);
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
    if (c.kind === 'column' && c.op === 'alter' && c.attrs.some((a) => a.attr === 'type' || a.attr === 'collation' || a.attr === 'generated')) touch(c.table!, c.id);
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
    else if (c.op === 'alter' && c.attrs.some((a) => a.attr !== 'comment' && a.attr !== 'columnComments')) rebuild.add(c.id);
  }
  for (const e of ctx.recreatedEnums) touchedNames.add(bare(e));
  // fixpoint: a view mentioning a touched table, a rebuilt/dropped view or a recreated function is rebuilt
  for (;;) {
    const names = new Set([...touchedNames, ...[...rebuild, ...dropped].map(bare), ...[...recreatedFuncs].map((n) => n.toLowerCase())]);
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
      emit(ctx, { phase: PHASE.comment, what: `comment on ${viewKind(c.to).toLowerCase()} ${c.id}`, object: c.id, sql, reverse: rev });
    }
    // indexes and triggers of views that are not rebuilt
    if ((c.kind === 'index' || c.kind === 'trigger') && c.table && (from.views[c.table] || to.views[c.table])) {
      if (recreated.has(c.table)) continue;
      planSubObject(ctx, c as AddChange | DropChange | AlterChange);
    }
  }
}

/** funcNeedsDrop tells whether a function change cannot be done with CREATE OR REPLACE. */
export function funcNeedsDrop(a: { returns: string; args: string; procedure?: boolean }, b: { returns: string; args: string; procedure?: boolean }): boolean {
  return a.returns !== b.returns || a.args !== b.args || !!a.procedure !== !!b.procedure;
}

/** planTables drafts table creates/drops, column changes, constraints, indexes, triggers and policies. */
function planTables(ctx: PlanContext, all: readonly Change[], touchedCols: ReadonlyMap<string, ReadonlySet<string>>): void {
  const { from, to } = ctx;
  // foreign keys of dropped tables are dropped first (they may point at other dropped tables)
  for (const id of ctx.droppedTables) {
    const t = from.tables[id]!;
    for (const fk of Object.values(t.foreignKeys)) fkDrop(ctx, id, fk);
    for (const tr of Object.values(t.triggers)) {
      emit(ctx, { phase: PHASE.dropTrigger, what: `drop trigger ${tr.name} on ${id}`, object: `${id}.${tr.name}`, sql: [dropTrigger(id, tr.name)], reverse: createTrigger(id, tr) });
    }
    for (const p of Object.values(t.policies)) {
      emit(ctx, { phase: PHASE.dropTrigger, what: `drop policy ${p.name} on ${id}`, object: `${id}.${p.name}`, sql: [dropPolicy(id, p.name)], reverse: createPolicy(id, p) });
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
      reverse: tableSql(ctx, id, t),
      destructive: true,
      provides: [`tdrop:${id}`],
      requires: children.map((o) => `tdrop:${o}`),
    });
  }
  for (const id of ctx.createdTables) {
    const t = to.tables[id]!;
    emit(ctx, {
      phase: PHASE.createTable,
      what: `create table ${id}`,
      object: id,
      sql: tableSql(ctx, id, t),
      reverse: [`DROP TABLE ${rel(id)}`],
      provides: [`rel:${bare(id)}`, `type:${bare(id)}`],
      requires: [...tableRequires(t), `tdrop:${id}`],
    });
    for (const fk of Object.values(t.foreignKeys)) fkAdd(ctx, id, fk, false);
    for (const tr of Object.values(t.triggers)) {
      emit(ctx, { phase: PHASE.trigger, what: `create trigger ${tr.name} on ${id}`, object: `${id}.${tr.name}`, sql: createTrigger(id, tr), reverse: [dropTrigger(id, tr.name)], requires: [`fn:${bare(tr.function)}`] });
    }
    for (const p of Object.values(t.policies)) {
      emit(ctx, { phase: PHASE.trigger, what: `create policy ${p.name} on ${id}`, object: `${id}.${p.name}`, sql: createPolicy(id, p), reverse: [dropPolicy(id, p.name)], requires: [...textKeys(p.using), ...textKeys(p.withCheck)] });
    }
  }
  // unchanged triggers, checks and expression indexes over a function that is dropped and re-created follow it
  const recreatedFns = new Set<string>();
  for (const c of all) {
    if (c.kind !== 'function') continue;
    if (c.op === 'alter' && funcNeedsDrop(c.from, c.to)) recreatedFns.add(c.to.name.toLowerCase());
  }
  // unchanged policies and triggers that read a column whose type changes block the change: rebuilt around it
  const rebuilt = new Set<string>();
  const once = (key: string) => !rebuilt.has(key) && !!rebuilt.add(key);
  const touchedNames = new Set<string>();
  for (const cols of touchedCols.values()) for (const c of cols) touchedNames.add(c.toLowerCase());
  if (touchedNames.size) {
    const changed = new Set(all.filter((c) => 'table' in c && c.table).map((c) => `${c.kind}\0${(c as { table: string }).table}\0${c.id}`));
    const reads = (text: string | undefined) => !!text && [...identifiersOf(text)].some((n) => touchedNames.has(n));
    for (const [tid, t] of Object.entries(to.tables)) {
      const ft = from.tables[tid];
      if (!ft || ctx.createdTables.has(tid)) continue;
      for (const p of Object.values(t.policies)) {
        if (changed.has(`policy\0${tid}\0${p.name}`) || !ft.policies[p.name] || !(reads(p.using) || reads(p.withCheck)) || !once(`policy\0${tid}\0${p.name}`)) continue;
        planSubObject(ctx, { op: 'drop', kind: 'policy', table: tid, id: p.name, def: ft.policies[p.name]! });
        planSubObject(ctx, { op: 'add', kind: 'policy', table: tid, id: p.name, def: p });
      }
      const own = touchedCols.get(tid);
      if (!own) continue;
      for (const tr of Object.values(t.triggers)) {
        if (changed.has(`trigger\0${tid}\0${tr.name}`) || !ft.triggers[tr.name]) continue;
        if (!(tr.updateOf ?? []).some((c) => own.has(c)) && !(tr.when && [...identifiersOf(tr.when)].some((n) => own.has(n)))) continue;
        if (!once(`trigger\0${tid}\0${tr.name}`)) continue;
        planSubObject(ctx, { op: 'drop', kind: 'trigger', table: tid, id: tr.name, def: ft.triggers[tr.name]! });
        planSubObject(ctx, { op: 'add', kind: 'trigger', table: tid, id: tr.name, def: tr });
      }
    }
  }
  if (recreatedFns.size) {
    const changed = new Set(all.filter((c) => 'table' in c && c.table).map((c) => `${c.kind}\0${(c as { table: string }).table}\0${c.id}`));
    const mentions = (text: string | undefined) => !!text && [...identifiersOf(text)].some((n) => recreatedFns.has(n));
    for (const [tid, t] of Object.entries(to.tables)) {
      const ft = from.tables[tid];
      if (!ft || ctx.createdTables.has(tid)) continue;
      for (const tr of Object.values(t.triggers)) {
        if (changed.has(`trigger\0${tid}\0${tr.name}`) || !ft.triggers[tr.name] || !recreatedFns.has(bare(tr.function)) || !once(`trigger\0${tid}\0${tr.name}`)) continue;
        planSubObject(ctx, { op: 'drop', kind: 'trigger', table: tid, id: tr.name, def: ft.triggers[tr.name]! });
        planSubObject(ctx, { op: 'add', kind: 'trigger', table: tid, id: tr.name, def: tr });
      }
      for (const ck of Object.values(t.checks)) {
        if (changed.has(`check\0${tid}\0${ck.name}`) || !ft.checks[ck.name] || !mentions(ck.expression)) continue;
        planSubObject(ctx, { op: 'drop', kind: 'check', table: tid, id: ck.name, def: ft.checks[ck.name]! });
        planSubObject(ctx, { op: 'add', kind: 'check', table: tid, id: ck.name, def: ck });
      }
      for (const ix of Object.values(t.indexes)) {
        if (changed.has(`index\0${tid}\0${ix.name}`) || !ft.indexes[ix.name] || !(mentions(ix.where) || ix.elements.some((e) => mentions(e.expression)))) continue;
        planSubObject(ctx, { op: 'drop', kind: 'index', table: tid, id: ix.name, def: ft.indexes[ix.name]! });
        planSubObject(ctx, { op: 'add', kind: 'index', table: tid, id: ix.name, def: ix });
      }
    }
  }
  // unchanged foreign keys over changed columns/keys are dropped and re-added around the change
  const changedKeys = new Set<string>(); // `${table}\0${sorted cols}` of dropped/altered PK/unique/unique indexes
  for (const c of all) {
    if (!('table' in c) || !c.table || !(c.kind === 'primary_key' || c.kind === 'unique' || c.kind === 'index')) continue;
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
  for (const c of all) if (c.kind === 'column' && 'table' in c && c.table) colSigs.set(`${c.table}\0${c.id}`, sig(c) ?? '');
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
      const pc = leftParents(c.table!).map((p) => from.tables[p]?.columns.find((x) => x.name === c.id)).find((x) => x);
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
    if (!c.table || !from.tables[c.table] && !to.tables[c.table]) continue;
    if (ctx.createdTables.has(c.table) || ctx.droppedTables.has(c.table)) continue;
    if (from.views[c.table] || to.views[c.table]) continue;
    planSubObject(ctx, c as AddChange | DropChange | AlterChange);
  }
}

function fkDrop(ctx: PlanContext, table: string, fk: ForeignKey): void {
  emit(ctx, {
    phase: PHASE.dropFk,
    what: `drop foreign key ${fk.name} on ${table}`,
    object: `${table}.${fk.name}`,
    sql: [dropConstraint(table, fk.name)],
    reverse: [addConstraint(table, fk), ...fkComment(table, fk)],
  });
}

function fkAdd(ctx: PlanContext, table: string, fk: ForeignKey, existing: boolean): void {
  emit(ctx, {
    phase: PHASE.addFk,
    what: `add foreign key ${fk.name} on ${table}`,
    object: `${table}.${fk.name}`,
    sql: [addConstraint(table, fk), ...fkComment(table, fk)],
    reverse: [dropConstraint(table, fk.name)],
    lock: existing && !fk.notValid,
    requires: [`rel:${bare(fk.refTable)}`],
  });
}

/** planTableAlter drafts table-level attribute changes (RLS, partition attach/detach, inheritance, logging, comment). */
function planTableAlter(ctx: PlanContext, c: AlterChange & { kind: 'table' }): void {
  const id = c.id;
  const T = `ALTER TABLE ${rel(id)}`;
  const a = c.from;
  const b = c.to;
  for (const attr of c.attrs) {
    switch (attr.attr) {
      case 'comment':
        emit(ctx, { phase: PHASE.comment, what: `comment on table ${id}`, object: id, sql: [commentOn('TABLE', rel(id), b.comment)], reverse: [commentOn('TABLE', rel(id), a.comment)] });
        break;
      case 'rowLevelSecurity': {
        const on = `${T} ENABLE ROW LEVEL SECURITY`;
        const off = `${T} DISABLE ROW LEVEL SECURITY`;
        emit(ctx, { phase: PHASE.alterTable, what: `${b.rowLevelSecurity ? 'enable' : 'disable'} row level security on ${id}`, object: id, sql: [b.rowLevelSecurity ? on : off], reverse: [b.rowLevelSecurity ? off : on] });
        break;
      }
      case 'forceRowLevelSecurity': {
        const on = `${T} FORCE ROW LEVEL SECURITY`;
        const off = `${T} NO FORCE ROW LEVEL SECURITY`;
        emit(ctx, { phase: PHASE.alterTable, what: `${b.forceRowLevelSecurity ? 'force' : 'no force'} row level security on ${id}`, object: id, sql: [b.forceRowLevelSecurity ? on : off], reverse: [b.forceRowLevelSecurity ? off : on] });
        break;
      }
      case 'unlogged': {
        const sql = `${T} SET ${b.unlogged ? 'UNLOGGED' : 'LOGGED'}`;
        const rev = `${T} SET ${a.unlogged ? 'UNLOGGED' : 'LOGGED'}`;
        emit(ctx, { phase: PHASE.alterTable, what: `set ${b.unlogged ? 'unlogged' : 'logged'} ${id}`, object: id, sql: [sql], reverse: [rev], rewrite: true, lock: true });
        break;
      }
      case 'partitionOf': {
        if (a.partitionOf) {
          const detach = `ALTER TABLE ${rel(a.partitionOf.parent)} DETACH PARTITION ${rel(id)}`;
          const attach = `ALTER TABLE ${rel(a.partitionOf.parent)} ATTACH PARTITION ${rel(id)} ${boundText(a.partitionOf.bound)}`;
          emit(ctx, { phase: PHASE.detach, what: `detach partition ${id}`, object: id, sql: [detach], reverse: [attach] });
        }
        if (b.partitionOf) {
          const attach = `ALTER TABLE ${rel(b.partitionOf.parent)} ATTACH PARTITION ${rel(id)} ${boundText(b.partitionOf.bound)}`;
          const detach = `ALTER TABLE ${rel(b.partitionOf.parent)} DETACH PARTITION ${rel(id)}`;
          emit(ctx, { phase: PHASE.attach, what: `attach partition ${id}`, object: id, sql: [attach], reverse: [detach], lock: true });
        }
        break;
      }
      case 'inherits': {
        const pa = a.inherits ?? [];
        const pb = b.inherits ?? [];
        for (const p of pa.filter((x) => !pb.includes(x))) {
          emit(ctx, { phase: PHASE.detach, what: `no inherit ${p} on ${id}`, object: id, sql: [`${T} NO INHERIT ${rel(p)}`], reverse: [`${T} INHERIT ${rel(p)}`] });
        }
        for (const p of pb.filter((x) => !pa.includes(x))) {
          emit(ctx, { phase: PHASE.attach, what: `inherit ${p} on ${id}`, object: id, sql: [`${T} INHERIT ${rel(p)}`], reverse: [`${T} NO INHERIT ${rel(p)}`] });
        }
        break;
      }
      default:
        break;
    }
  }
}

function boundText(b: string): string {
  const t = b.trim();
  return /^(for\s+values|default)\b/i.test(t) ? t : `FOR VALUES ${t}`;
}

/** planSubObject drafts a change of a column, constraint, index, trigger or policy of an existing table/view. */
export function planSubObject(ctx: PlanContext, c: AddChange | DropChange | AlterChange): void {
  const t = c.table!;
  const obj = `${t}.${c.id}`;
  switch (c.kind) {
    case 'column': {
      if (c.op === 'add') {
        const s = addColumn(t, c.def, ctx.ty);
        emit(ctx, { phase: PHASE.alterTable, what: `add column ${obj}`, object: obj, sql: s.sql, reverse: dropColumn(t, c.def).sql, rewrite: s.rewrite, lock: s.lock, requires: columnRequires(c.def) });
      } else if (c.op === 'drop') {
        const s = dropColumn(t, c.def);
        emit(ctx, { phase: PHASE.dropColumn, what: `drop column ${obj}`, object: obj, sql: s.sql, reverse: addColumn(t, c.def, ctx.ty).sql, destructive: true });
      } else if (c.op === 'alter') {
        let a = c.from as Column;
        const b = c.to as Column;
        if (ctx.recreatedEnums.has(a.type.replace(/(\[\])+$/, '')) && a.type === b.type) {
          // the enum's recreate step already reset this column's default to the target one
          const { default: _old, ...rest } = a;
          a = (b.default ? { ...rest, default: b.default } : rest) as Column;
        }
        const seqId = serialSequenceId(t, b.name);
        const seqs = ctx.adoptedSequences.has(seqId) ? { freeFrom: ctx.from.sequences[seqId], freeTo: ctx.to.sequences[seqId] } : {};
        const s = alterColumn(t, a, b, ctx.ty, ctx.enums, seqs);
        const r = alterColumn(t, b, a, ctx.ty, ctx.enums, { freeFrom: seqs.freeTo, freeTo: seqs.freeFrom });
        emit(ctx, { phase: PHASE.alterTable, what: `alter column ${obj} (${c.attrs.map((x) => x.attr).join(', ')})`, object: obj, sql: s.sql, reverse: r.sql, destructive: s.destructive, rewrite: s.rewrite, lock: s.lock, requires: columnRequires(b) });
      }
      return;
    }
    case 'primary_key':
    case 'unique':
    case 'check':
    case 'exclusion':
    case 'foreign_key': {
      const fk = c.kind === 'foreign_key';
      const add = (def: TableConstraint, existing: boolean) => {
        const sql = [addConstraint(t, def), ...(def.comment !== undefined ? [commentOn('CONSTRAINT', `${quoteIdent(def.name)} ON ${rel(t)}`, def.comment)] : [])];
        emit(ctx, {
          phase: fk ? PHASE.addFk : PHASE.addConstraint,
          what: `add ${c.kind.replace('_', ' ')} ${def.name} on ${t}`,
          object: `${t}.${def.name}`,
          sql,
          reverse: [dropConstraint(t, def.name)],
          lock: existing,
          requires: def.kind === 'foreign_key' ? [`rel:${bare(def.refTable)}`] : def.kind === 'check' ? textKeys(def.expression) : [],
        });
      };
      const drop = (def: TableConstraint) => {
        const rev = [addConstraint(t, def), ...(def.comment !== undefined ? [commentOn('CONSTRAINT', `${quoteIdent(def.name)} ON ${rel(t)}`, def.comment)] : [])];
        emit(ctx, { phase: fk ? PHASE.dropFk : PHASE.dropConstraint, what: `drop ${c.kind.replace('_', ' ')} ${def.name} on ${t}`, object: `${t}.${def.name}`, sql: [dropConstraint(t, def.name)], reverse: rev });
      };
      if (c.op === 'add') add(c.def as TableConstraint, true);
      else if (c.op === 'drop') drop(c.def as TableConstraint);
      else if (c.op === 'alter') {
        if (c.attrs.every((x) => x.attr === 'comment')) {
          const target = `${quoteIdent(c.id)} ON ${rel(t)}`;
          emit(ctx, { phase: PHASE.comment, what: `comment on constraint ${obj}`, object: obj, sql: [commentOn('CONSTRAINT', target, (c.to as TableConstraint).comment)], reverse: [commentOn('CONSTRAINT', target, (c.from as TableConstraint).comment)] });
        } else {
          drop(c.from as TableConstraint);
          add(c.to as TableConstraint, true);
        }
      }
      return;
    }
    case 'index': {
      const add = (ix: Index) => {
        if (ix.kind !== 'index') return;
        emit(ctx, { phase: PHASE.addIndex, what: `create index ${ix.name} on ${t}`, object: obj, sql: createIndex(t, ix), reverse: [dropIndex(t, ix.name)], lock: true, requires: ix.elements.flatMap((e) => textKeys(e.expression)) });
      };
      const drop = (ix: Index) => {
        if (ix.kind !== 'index') return;
        emit(ctx, { phase: PHASE.dropConstraint, what: `drop index ${ix.name} on ${t}`, object: obj, sql: [dropIndex(t, ix.name)], reverse: createIndex(t, ix) });
      };
      if (c.op === 'add') add(c.def);
      else if (c.op === 'drop') drop(c.def);
      else if (c.op === 'alter' && c.from.kind === 'index' && c.to.kind === 'index') {
        if (c.attrs.every((x) => x.attr === 'comment')) {
          emit(ctx, { phase: PHASE.comment, what: `comment on index ${obj}`, object: obj, sql: [commentOn('INDEX', indexRef(t, c.id), c.to.comment)], reverse: [commentOn('INDEX', indexRef(t, c.id), c.from.comment)] });
        } else {
          drop(c.from);
          add(c.to);
        }
      }
      return;
    }
    case 'trigger': {
      const add = (tr: Trigger) => {
        if (tr.kind !== 'trigger') return;
        emit(ctx, { phase: PHASE.trigger, what: `create trigger ${tr.name} on ${t}`, object: obj, sql: createTrigger(t, tr), reverse: [dropTrigger(t, tr.name)], requires: [`fn:${bare(tr.function)}`] });
      };
      const drop = (tr: Trigger) => {
        if (tr.kind !== 'trigger') return;
        emit(ctx, { phase: PHASE.dropTrigger, what: `drop trigger ${tr.name} on ${t}`, object: obj, sql: [dropTrigger(t, tr.name)], reverse: createTrigger(t, tr) });
      };
      if (c.op === 'add') add(c.def);
      else if (c.op === 'drop') drop(c.def);
      else if (c.op === 'alter' && c.from.kind === 'trigger' && c.to.kind === 'trigger') {
        drop(c.from);
        add(c.to);
      }
      return;
    }
    case 'policy': {
      const add = (p: Policy) => {
        if (p.kind !== 'policy') return;
        emit(ctx, { phase: PHASE.trigger, what: `create policy ${p.name} on ${t}`, object: obj, sql: createPolicy(t, p), reverse: [dropPolicy(t, p.name)], requires: [...textKeys(p.using), ...textKeys(p.withCheck)] });
      };
      const drop = (p: Policy) => {
        if (p.kind !== 'policy') return;
        emit(ctx, { phase: PHASE.dropTrigger, what: `drop policy ${p.name} on ${t}`, object: obj, sql: [dropPolicy(t, p.name)], reverse: createPolicy(t, p) });
      };
      if (c.op === 'add') add(c.def);
      else if (c.op === 'drop') drop(c.def);
      else if (c.op === 'alter' && c.from.kind === 'policy' && c.to.kind === 'policy') {
        if (c.attrs.every((x) => x.attr === 'comment')) {
          const target = `${quoteIdent(c.id)} ON ${rel(t)}`;
          emit(ctx, { phase: PHASE.comment, what: `comment on policy ${obj}`, object: obj, sql: [commentOn('POLICY', target, c.to.comment)], reverse: [commentOn('POLICY', target, c.from.comment)] });
        } else {
          drop(c.from);
          add(c.to);
        }
      }
      return;
    }
    default:
      return;
  }
}

function columnRequires(c: Column): string[] {
  return [...typeKeys(c.type), ...(c.default && 'sql' in c.default ? textKeys(c.default.sql) : []), ...textKeys(c.generated)];
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
  return { from, to, ty: typeNamer(types), enums, drafts: [], recreatedEnums: new Set(), droppedTables: new Set(), createdTables: new Set(), adoptedSequences: new Set() };
}

export type { EnumType, View };
