/**
 * The planner: Changes (from src/diff) -> drafted steps with phase, dependency keys, reverse and hazards.
 * Works on `from` as renamed by the diff (so every step after the renames uses the new names), and on `to`.
 * Each step's reverse is written by the same code run the other way (drop <-> create, alter a->b <-> b->a),
 * so the down script (reverses in reverse order) mirrors the up script.
 */
import type { Change } from '../model/changes.js';
import { quoteLiteral } from '../sql/quote.js';
import { serialSequenceId } from './columns.js';
import { columnsOf, type PlanContext } from './context.js';
import { planObjects } from './objects.js';
import { planTables } from './tables.js';
import { planCheckCopies } from './checkcopies.js';
import { planKeyNames } from './keynames.js';
import { planViews } from './views.js';
import { objectReadBy, planSqlObjects, recreatedObjects, recreatedRoutines } from './sqlobjects.js';
import { applyDefaultAclCreated, planGrants } from './grants.js';
import { planOwners } from './owners.js';
import { carryRows, inheritsRebuilt } from './inherits.js';
import { rebuiltBodies, type Recreated } from './atomic.js';
import { compositeRebuilds } from './composites.js';

export { PHASE, emit, newContext, type PlanContext } from './context.js';

/** planChangeDrafts turns changes into ordered-to-be drafts. */
export function planChangeDrafts(ctx: PlanContext, input: readonly Change[]): void {
  const all = expandChanges(ctx, input);
  markRecreated(ctx, all);
  const { touchedTables, touchedCols } = touchedBy(ctx, all);
  // the composite types rebuilt (dropped and created again) take their routines along, and the views over them
  const rebuilds = compositeRebuilds(ctx, all);
  planObjects(ctx, all, rebuilds);
  planViews(ctx, all, touchedTables, rebuilds);
  planTables(ctx, all, touchedCols);
  planCheckCopies(ctx);
  planKeyNames(ctx);
  carryRows(ctx, input);
  planSqlObjects(ctx, all);
  applyDefaultAclCreated(ctx);
}

/**
 * recreatedPartitions adds to `recreate` the partitions (at any depth) of recreated partitioned tables that exist on
 * both sides, and returns a drop and an add for each one that has no change of its own: dropping the parent drops
 * them, so they must be created again under the new parent even when nothing about them changed.
 */
function recreatedPartitions(ctx: PlanContext, recreate: Set<string>, changes: readonly Change[]): Change[] {
  const changed = new Set(changes.filter((c) => c.kind === 'table' && c.op === 'alter').map((c) => c.id));
  const out: Change[] = [];
  for (let grew = true; grew;) {
    grew = false;
    for (const [id, t] of Object.entries(ctx.from.tables)) {
      const b = ctx.to.tables[id];
      if (recreate.has(id) || !b || !t.partitionOf || !recreate.has(t.partitionOf.parent)) continue;
      recreate.add(id);
      grew = true;
      if (!changed.has(id))
        out.push({ op: 'drop', kind: 'table', id, def: t }, { op: 'add', kind: 'table', id, def: b });
    }
  }
  return out;
}

/**
 * expandChanges adds the grant steps, turns a change of a table's partitioning into its drop and re-create, and
 * re-creates routines whose SQL-standard body reads a column whose type changes (atomic.ts).
 */
function expandChanges(ctx: PlanContext, input: readonly Change[]): Change[] {
  const changes = planGrants(ctx, planOwners(ctx, input));
  // tables whose partitioning changes are recreated
  const recreate = new Set<string>();
  for (const c of changes) {
    if (c.op === 'alter' && c.kind === 'table' && c.attrs.some((a) => a.attr === 'partitionBy')) recreate.add(c.id);
  }
  for (const id of inheritsRebuilt(ctx, changes)) recreate.add(id);
  const all: Change[] = [...recreatedPartitions(ctx, recreate, changes)];
  for (const c of changes) {
    if ('table' in c && c.table && recreate.has(c.table) && c.op !== 'rename') continue;
    if (c.op === 'alter' && c.kind === 'table' && recreate.has(c.id)) {
      all.push({ op: 'drop', kind: 'table', id: c.id, def: c.from }, { op: 'add', kind: 'table', id: c.id, def: c.to });
      continue;
    }
    all.push(c);
  }
  // a table re-created for its columns alone (ownershipChanges) has no alter of its own to turn into drop and add
  const altered = new Set(changes.filter((c) => c.op === 'alter' && c.kind === 'table').map((c) => c.id));
  for (const id of recreate) {
    if (altered.has(id)) continue;
    const from = ctx.from.tables[id];
    const to = ctx.to.tables[id];
    if (from && to) all.push({ op: 'drop', kind: 'table', id, def: from }, { op: 'add', kind: 'table', id, def: to });
  }
  return rebuiltBodies(ctx.from, ctx.to, all, recreatedCallees(ctx, all));
}

/**
 * recreatedCallees: what `all` drops and creates again that an SQL-standard body may call (recreatedRoutines), and
 * the aggregates it re-creates (a body calling one depends on it as on a function).
 */
function recreatedCallees(ctx: PlanContext, all: readonly Change[]): Recreated {
  const { fns, ops } = recreatedRoutines(ctx, all);
  const aggregates = recreatedObjects(ctx, all)
    .map((o) => o.def)
    .filter((o) => o.type === 'aggregate');
  const read = [...ops, ...aggregates];
  return { fns, ops: (text) => read.some((o) => objectReadBy(o, text)) };
}

/** markRecreated records in `ctx` the tables created and dropped, the enums and domains rebuilt, and the sequences adopted. */
function markRecreated(ctx: PlanContext, all: readonly Change[]): void {
  const { from, to } = ctx;
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
}

/** touchedBy lists the tables and columns whose type changes or that go away: what is over them is rebuilt around it. */
function touchedBy(
  ctx: PlanContext,
  all: readonly Change[],
): { touchedTables: Set<string>; touchedCols: Map<string, Set<string>> } {
  const { from } = ctx;
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
  for (const e of ctx.recreatedEnums)
    for (const c of columnsOf(from, (t) => t === e, { arrays: true })) touch(c.table, c.column.name);
  for (const t of ctx.droppedTables) touchedTables.add(t);
  // undoing an added enum value recreates the type: views over its columns are rebuilt so down can do that
  const grownEnums = new Set(all.filter((c) => c.op === 'add_value').map((c) => c.id));
  if (grownEnums.size)
    for (const c of columnsOf(from, (t) => grownEnums.has(t), { arrays: true })) touchedTables.add(c.table);
  return { touchedTables, touchedCols };
}
