/**
 * Unchanged objects dropped before a change and re-created after it: generated columns over a column whose type
 * changes, policies and triggers reading it, checks and indexes over a recreated enum or domain, everything over a
 * re-created function, and foreign keys over changed columns or keys.
 */
import type { Change, TablePartChange } from '../model/changes.js';
import { identifiersOf } from '../diff/sqltext.js';
import { fragmentKey, sameValue } from '../diff/index.js';
import { defaultSql, rel } from '../sql/ddl.js';
import { addDomainCheck } from '../sql/domains.js';
import { quoteIdent } from '../sql/quote.js';
import { recreatesColumn } from './columns.js';
import { recreateGeneratedColumn } from './generated.js';
import { bare, columnsOf, emit, PHASE, readsAny, type PlanContext } from './context.js';
import { fkAdd, fkDrop, planSubObject } from './subobjects.js';
import { partitionDefaults } from './partindex.js';
import { checkKey } from './enums.js';
import { objectReadBy, recreatedRoutines } from './sqlobjects.js';
import type { SqlObject } from '../model/objects.js';
import type { Column } from '../model/types.js';

/** Rebuild drops and re-adds an unchanged sub-object of table `tid` around the change: once, and only if it existed. */
type RebuildKind = 'check' | 'index' | 'trigger' | 'policy' | 'unique' | 'primary_key' | 'exclusion';
type Rebuild = <T extends { readonly name: string }>(
  kind: RebuildKind,
  tid: string,
  before: T | undefined,
  after: T,
) => void;

/** planRebuilds drafts the drop and re-create of every unchanged object a change in `all` would break. */
export function planRebuilds(
  ctx: PlanContext,
  all: readonly Change[],
  touchedCols: ReadonlyMap<string, ReadonlySet<string>>,
): void {
  // unchanged triggers, checks, expression indexes and generated columns over a function or operator that is
  // dropped and re-created follow it
  const { fns: recreatedFns, ops } = recreatedRoutines(ctx, all);
  const recomputed = rebuildGenerated(ctx, touchedCols);
  for (const [t, cols] of generatedOverCallees(ctx, recreatedFns, ops))
    for (const col of cols) (recomputed.get(t) ?? recomputed.set(t, new Set()).get(t)!).add(col);
  // columns dropped and re-added: a changed generation expression or kind, and generated columns recomputed
  const recreated = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, t: string, col: string) => {
    if (!m.has(t)) m.set(t, new Set());
    m.get(t)!.add(col);
  };
  for (const [t, cols] of recomputed) for (const col of cols) add(recreated, t, col);
  for (const c of all)
    if (c.kind === 'column' && c.op === 'alter' && recreatesColumn(c.from, c.to)) add(recreated, c.table!, c.id);
  const touched = new Map<string, Set<string>>();
  for (const m of [touchedCols, recomputed]) for (const [t, cols] of m) for (const col of cols) add(touched, t, col);
  const { rebuild, changed } = rebuilder(ctx, all);
  rebuildOverColumns(ctx, touched, rebuild);
  rebuildOverRecreated(ctx, recreated, rebuild);
  rebuildOverTypes(ctx, rebuild);
  rebuildOverFunctions(ctx, recreatedFns, ops, rebuild, changed);
  rebuildForeignKeys(ctx, all, touched);
}

/**
 * rebuildGenerated drops unchanged generated columns computed from a column whose type changes, and re-adds them
 * after; it answers the columns it re-creates, by table.
 */
function rebuildGenerated(
  ctx: PlanContext,
  touchedCols: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, Set<string>> {
  return recreateGenerated(ctx, touchedCols.keys(), PHASE.dropColumn, (tid, g) => {
    const cols = touchedCols.get(tid)!;
    const over = !cols.has(g.name) && [...identifiersOf(g.generated!)].some((n) => cols.has(n));
    return over ? 'recomputed' : undefined;
  });
}

/**
 * generatedOverCallees drops unchanged generated columns whose expression calls a function or uses an operator the
 * plan drops and creates again (PostgreSQL refuses to drop what a generation expression uses), before that drop, and
 * re-adds them, recomputed, after; it answers the columns it re-creates, by table.
 */
function generatedOverCallees(
  ctx: PlanContext,
  fns: ReadonlySet<string>,
  ops: readonly SqlObject[],
): Map<string, Set<string>> {
  if (!fns.size && !ops.length) return new Map();
  const calls = readsAny(fns);
  // dropped after the indexes and constraints over it are dropped for the rebuild, before what it calls is dropped
  return recreateGenerated(ctx, Object.keys(ctx.to.tables), PHASE.dropConstraint + 0.5, (_, g) =>
    calls(g.generated) || ops.some((o) => objectReadBy(o, g.generated!)) ? 'what it calls is re-created' : undefined,
  );
}

/**
 * recreateGenerated drops the unchanged generated columns of the kept tables `tids` that `why` gives a reason for
 * (in phase `dropPhase`) and re-adds them, recomputed, after the tables' alterations; it answers the columns it
 * re-creates, by table.
 */
function recreateGenerated(
  ctx: PlanContext,
  tids: Iterable<string>,
  dropPhase: number,
  why: (tid: string, g: Column) => string | undefined,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const tid of tids) {
    const ft = ctx.from.tables[tid];
    const tt = ctx.to.tables[tid];
    if (!ft || !tt || ctx.createdTables.has(tid) || ctx.droppedTables.has(tid)) continue;
    for (const g of tt.columns) {
      const fg = ft.columns.find((x) => x.name === g.name);
      if (!g.generated || !fg?.generated || !sameValue(fg, g)) continue;
      const reason = why(tid, g);
      if (!reason) continue;
      recreateGeneratedColumn(ctx, tid, fg, g, dropPhase, reason);
      if (!out.has(tid)) out.set(tid, new Set());
      out.get(tid)!.add(g.name);
    }
  }
  return out;
}

/** rebuilder makes the one Rebuild of a plan (each object at most once; never one the plan changes itself). */
function rebuilder(ctx: PlanContext, all: readonly Change[]): { rebuild: Rebuild; changed: ReadonlySet<string> } {
  // unchanged policies and triggers that read a column whose type changes block the change: rebuilt around it
  const rebuilt = new Set<string>();
  const once = (key: string) => !rebuilt.has(key) && !!rebuilt.add(key);
  const changed = new Set(
    all.filter((c) => 'table' in c && c.table).map((c) => `${c.kind}\0${(c as { table: string }).table}\0${c.id}`),
  );
  /** rebuild drops and re-adds an unchanged sub-object of table `tid` around the change: once, and only if it existed. */
  const rebuild = <T extends { readonly name: string }>(
    kind: RebuildKind,
    tid: string,
    before: T | undefined,
    after: T,
  ): void => {
    const key = `${kind}\0${tid}\0${after.name}`;
    if (changed.has(key) || !before || !once(key)) return;
    planSubObject(ctx, { op: 'drop', kind, table: tid, id: after.name, def: before } as unknown as TablePartChange);
    planSubObject(ctx, { op: 'add', kind, table: tid, id: after.name, def: after } as unknown as TablePartChange);
  };
  return { rebuild, changed };
}

/** rebuildOverColumns rebuilds unchanged policies and triggers that read a column whose type changes. */
function rebuildOverColumns(
  ctx: PlanContext,
  touchedCols: ReadonlyMap<string, ReadonlySet<string>>,
  rebuild: Rebuild,
): void {
  const { from, to } = ctx;
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
}

/**
 * rebuildOverRecreated rebuilds unchanged indexes, checks, keys and exclusions over a column that is dropped and
 * re-added: DROP COLUMN takes them with it (or refuses, for an expression over it), and nothing else brings them back.
 */
function rebuildOverRecreated(
  ctx: PlanContext,
  recreated: ReadonlyMap<string, ReadonlySet<string>>,
  rebuild: Rebuild,
): void {
  const { from, to } = ctx;
  for (const [tid, cols] of recreated) {
    const ft = from.tables[tid];
    const t = to.tables[tid];
    if (!ft || !t || ctx.createdTables.has(tid) || ctx.droppedTables.has(tid)) continue;
    const reads = readsAny(new Set([...cols].map((c) => c.toLowerCase())));
    const names = (xs: readonly string[] | undefined) => !!xs?.some((x) => cols.has(x));
    const over = (e: { readonly column?: string; readonly expression?: string }) =>
      (e.column !== undefined && cols.has(e.column)) || reads(e.expression);
    for (const ix of Object.values(t.indexes))
      if (ix.elements.some(over) || reads(ix.where) || names(ix.include))
        rebuild('index', tid, ft.indexes[ix.name], ix);
    for (const ck of Object.values(t.checks)) if (reads(ck.expression)) rebuild('check', tid, ft.checks[ck.name], ck);
    for (const u of Object.values(t.uniques))
      if (names(u.columns) || names(u.include)) rebuild('unique', tid, ft.uniques[u.name], u);
    for (const x of Object.values(t.exclusions))
      if (x.elements.some(over) || reads(x.where) || names(x.include))
        rebuild('exclusion', tid, ft.exclusions[x.name], x);
    const pk = t.primaryKey;
    if (pk && (names(pk.columns) || names(pk.include)))
      rebuild('primary_key', tid, ft.primaryKey?.name === pk.name ? ft.primaryKey : undefined, pk);
  }
}

/** rebuildOverTypes rebuilds checks and partial/expression indexes over a column of a recreated enum or domain. */
function rebuildOverTypes(ctx: PlanContext, rebuild: Rebuild): void {
  const { from, to } = ctx;
  // checks and partial/expression indexes over a column of a recreated enum or domain hold constants of the old
  // type (`'x'::mood__old`): PostgreSQL cannot rebuild them, so they are dropped before and re-added after
  if (ctx.recreatedEnums.size) {
    const skip = (t: string) => ctx.createdTables.has(t) || ctx.droppedTables.has(t);
    const byTable = new Map<string, Set<string>>();
    for (const c of columnsOf(from, (t) => ctx.recreatedEnums.has(t), { arrays: true, skip })) {
      if (!byTable.has(c.table)) byTable.set(c.table, new Set());
      byTable.get(c.table)!.add(c.column.name.toLowerCase());
    }
    for (const [tid, t] of Object.entries(to.tables)) {
      const ft = from.tables[tid];
      const cols = byTable.get(tid);
      if (!ft || !cols) continue;
      const reads = readsAny(cols);
      for (const ck of Object.values(t.checks)) if (reads(ck.expression)) rebuild('check', tid, ft.checks[ck.name], ck);
      for (const ix of Object.values(t.indexes))
        if (reads(ix.where) || ix.elements.some((e) => reads(e.expression)))
          rebuild('index', tid, ft.indexes[ix.name], ix);
    }
  }
}

/** rebuildOverFunctions rebuilds unchanged triggers, checks, indexes, policies and defaults over a re-created function. */
function rebuildOverFunctions(
  ctx: PlanContext,
  recreatedFns: ReadonlySet<string>,
  ops: readonly SqlObject[],
  rebuild: Rebuild,
  changed: ReadonlySet<string>,
): void {
  const { from, to } = ctx;
  if (recreatedFns.size || ops.length) {
    const calls = readsAny(recreatedFns);
    const mentions = (text: string | undefined) => calls(text) || (!!text && ops.some((o) => objectReadBy(o, text)));
    rebuildDomainsOverFunctions(ctx, mentions);
    for (const [tid, t] of Object.entries(to.tables)) {
      const ft = from.tables[tid];
      if (!ft || ctx.createdTables.has(tid)) continue;
      for (const tr of Object.values(t.triggers))
        if (recreatedFns.has(bare(tr.function)) || mentions(tr.when)) rebuild('trigger', tid, ft.triggers[tr.name], tr);
      for (const ck of Object.values(t.checks))
        if (mentions(ck.expression)) rebuild('check', tid, ft.checks[ck.name], ck);
      for (const ix of Object.values(t.indexes))
        if (mentions(ix.where) || ix.elements.some((e) => mentions(e.expression)))
          rebuild('index', tid, ft.indexes[ix.name], ix);
      for (const x of Object.values(t.exclusions))
        if (mentions(x.where) || x.elements.some((e) => mentions(e.expression)))
          rebuild('exclusion', tid, ft.exclusions[x.name], x);
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
          reverse: [`${C} SET DEFAULT ${defaultSql(fc.default)}`, ...partitionDefaults(ctx, 'from', tid, col.name)],
        });
        emit(ctx, {
          phase: PHASE.alterTable + 0.5,
          what: `set default of ${tid}.${col.name}`,
          object: `${tid}.${col.name}`,
          sql: [`${C} SET DEFAULT ${defaultSql(col.default)}`, ...partitionDefaults(ctx, 'to', tid, col.name)],
          reverse: [`${C} DROP DEFAULT`],
        });
      }
    }
  }
}

/** rebuildDomainsOverFunctions drops and re-adds an unchanged domain default or check calling a re-created function. */
function rebuildDomainsOverFunctions(ctx: PlanContext, mentions: (text: string | undefined) => boolean): void {
  for (const [id, d] of Object.entries(ctx.to.domains)) {
    const fd = ctx.from.domains[id];
    if (!fd) continue;
    const D = `ALTER DOMAIN ${rel(id)}`;
    const dflt = d.default;
    if (dflt && 'sql' in dflt && mentions(dflt.sql) && fragmentKey(fd.default) === fragmentKey(dflt)) {
      emit(ctx, {
        phase: PHASE.dropConstraint,
        what: `drop default of domain ${id} (its function is re-created)`,
        object: id,
        sql: [`${D} DROP DEFAULT`],
        reverse: [`${D} SET DEFAULT ${defaultSql(dflt)}`],
      });
      emit(ctx, {
        phase: PHASE.alterTable + 0.5,
        what: `set default of domain ${id}`,
        object: id,
        sql: [`${D} SET DEFAULT ${defaultSql(dflt)}`],
        reverse: [`${D} DROP DEFAULT`],
      });
    }
    for (const ch of Object.values(d.checks)) {
      const fc = fd.checks[ch.name];
      if (!fc || !mentions(ch.expression) || checkKey(fc) !== checkKey(ch)) continue;
      const drop = `${D} DROP CONSTRAINT ${quoteIdent(ch.name)}`;
      emit(ctx, {
        phase: PHASE.dropConstraint,
        what: `drop check ${ch.name} of domain ${id} (its function is re-created)`,
        object: `${id}.${ch.name}`,
        sql: [drop],
        reverse: addDomainCheck(id, fc),
      });
      emit(ctx, {
        phase: PHASE.addConstraint,
        what: `add check ${ch.name} of domain ${id}`,
        object: `${id}.${ch.name}`,
        sql: addDomainCheck(id, ch),
        reverse: [drop],
      });
    }
  }
}

/** rebuildForeignKeys drops and re-adds unchanged foreign keys over changed columns or keys. */
function rebuildForeignKeys(
  ctx: PlanContext,
  all: readonly Change[],
  touchedCols: ReadonlyMap<string, ReadonlySet<string>>,
): void {
  const { from, to } = ctx;
  // unchanged foreign keys over changed columns/keys are dropped and re-added around the change
  const changedKeys = new Set<string>(); // `${table}\0${sorted cols}` of dropped/altered PK/unique/unique indexes
  for (const c of all) {
    if (!('table' in c) || !c.table || !(c.kind === 'primary_key' || c.kind === 'unique' || c.kind === 'index'))
      continue;
    if (c.op !== 'drop' && c.op !== 'alter') continue;
    // a comment or storage parameters change in place: the key's index stays, and so do the keys over it
    if (c.op === 'alter' && c.attrs.every((a) => a.attr === 'comment' || a.attr === 'with')) continue;
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
}
