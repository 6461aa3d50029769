/**
 * View steps: views dropped, created, and rebuilt (dropped and re-created) when they read a table, view, type or
 * function that changes under them (a composite type rebuilt by composites.ts too); comments of views that stay; indexes and triggers of views that are not rebuilt.
 */
import { afterCreate, viewColumnGrants } from './grants.js';
import type { Change, TablePartChange } from '../model/changes.js';
import { identifiersOf } from '../diff/sqltext.js';
import { sameValue } from '../diff/index.js';
import { dependsOnSql } from '../sql/marks.js';
import { createView, dropView, rel, viewKind, commentOn, viewColumnDefault } from '../sql/ddl.js';
import type { View } from '../model/types.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { bare, droppedRoutineNames, emit, PHASE, readsAny, textKeys, type PlanContext } from './context.js';
import { rebuildViewRoutines, viewRoutines } from './viewfuncs.js';
import { planSubObject } from './subobjects.js';
import { viewsOverRebuilds, type CompositeRebuild } from './composites.js';
import { objectReadBy, recreatedObjects } from './sqlobjects.js';

/** IN_PLACE are the view attributes a plan changes without rebuilding the view. */
const IN_PLACE = new Set([
  'options',
  'comment',
  'columnComments',
  'columnDefaults',
  'columnGrants',
  'withNoData',
  'dependsOnExtensions',
]);

/** defaultKeys lists what a view's column defaults name (a function, a sequence, a type). */
function defaultKeys(v: View): string[] {
  return Object.values(v.columnDefaults ?? {}).flatMap((d) => ('sql' in d ? textKeys(d.sql) : []));
}

/** createViewAfter creates view `id` as `v`, starting its privileges from `v.grants`, not from default privileges. */
function createViewAfter(ctx: PlanContext, id: string, v: View): string[] {
  return [
    ...afterCreate(ctx, createView(id, v), `TABLE ${rel(id)}`, v.schema, 'tables', v.grants),
    ...viewColumnGrants(`TABLE ${rel(id)}`, v),
  ];
}

/**
 * planViews drafts view drops and creates, rebuilding views over changed tables and views, and over the composite
 * types `rebuilds` (compositeRebuilds of `all`) drops and creates again.
 */
export function planViews(
  ctx: PlanContext,
  all: readonly Change[],
  touchedTables: ReadonlySet<string>,
  rebuilds: ReadonlyMap<string, CompositeRebuild>,
): void {
  const { from, to } = ctx;
  const { rebuild, dropped, added, objects } = viewsToRebuild(ctx, all, touchedTables, rebuilds);
  const dropIds = new Set([...dropped, ...rebuild]);
  rebuildViewRoutines(ctx, dropIds);
  for (const id of dropIds) {
    const v = from.views[id]!;
    // a view that mentions another dropped view goes first
    const mentions = (o: string) => [...identifiersOf(from.views[o]!.query)].some((n) => n.toLowerCase() === bare(id));
    const dependents = [...dropIds].filter((o) => o !== id && mentions(o));
    emit(ctx, {
      phase: PHASE.dropView,
      what: `drop ${viewKind(v).toLowerCase()} ${id}`,
      object: id,
      sql: [dropView(id, v)],
      reverse: createViewAfter(ctx, id, v),
      provides: [`vdrop:${id}`],
      requires: [...dependents.map((o) => `vdrop:${o}`), `heldview:${bare(id)}`],
      destructive: !!v.materialized && !to.views[id],
    });
  }
  for (const id of [...added, ...rebuild]) {
    const v = to.views[id]!;
    emit(ctx, {
      phase: PHASE.createView,
      what: `create ${viewKind(v).toLowerCase()} ${id}`,
      object: id,
      sql: createViewAfter(ctx, id, v),
      reverse: [dropView(id, v)],
      provides: [`rel:${bare(id)}`],
      requires: [
        ...textKeys(v.query),
        ...defaultKeys(v),
        `vdrop:${id}`,
        ...objects.filter((o) => objectReadBy(o.def, v.query)).map((o) => `objcreate:${o.id}`),
      ],
      lock: false,
    });
  }
  const recreated = new Set([...dropIds, ...added]);
  for (const c of all) {
    if (c.kind === 'view' && c.op === 'alter' && !rebuild.has(c.id)) {
      planViewOptions(ctx, c);
      planViewDefaults(ctx, c);
      planViewComments(ctx, c);
      planViewRefresh(ctx, c);
      planViewMarks(ctx, c);
    }
    // indexes and triggers of views that are not rebuilt
    if ((c.kind === 'index' || c.kind === 'trigger') && c.table && (from.views[c.table] || to.views[c.table])) {
      if (recreated.has(c.table)) continue;
      planSubObject(ctx, c as TablePartChange);
    }
  }
}

/** viewsToRebuild sorts the views into dropped, added and rebuilt (to a fixpoint: a view over a rebuilt view is rebuilt). */
function viewsToRebuild(
  ctx: PlanContext,
  all: readonly Change[],
  touchedTables: ReadonlySet<string>,
  rebuilds: ReadonlyMap<string, CompositeRebuild>,
): {
  rebuild: Set<string>;
  dropped: Set<string>;
  added: Set<string>;
  objects: ReturnType<typeof recreatedObjects>;
} {
  const { from, to } = ctx;
  const rebuild = new Set<string>(); // ids present in both, dropped and re-created
  const dropped = new Set<string>();
  const added = new Set<string>();
  const touchedNames = new Set([...touchedTables].map(bare));
  const recreatedFuncs = droppedRoutineNames(all);
  for (const c of all) {
    if (c.kind !== 'view') continue;
    if (c.op === 'drop') dropped.add(c.id);
    else if (c.op === 'add') added.add(c.id);
    else if (c.op === 'alter' && c.attrs.some((a) => !IN_PLACE.has(a.attr))) rebuild.add(c.id);
  }
  for (const e of ctx.recreatedEnums) touchedNames.add(bare(e));
  // a view over a definition object dropped and created again (an operator, a foreign table) is rebuilt around it:
  // PostgreSQL refuses to drop what a view uses
  const objects = recreatedObjects(ctx, all);
  for (const [id, v] of Object.entries(from.views))
    if (to.views[id] && !dropped.has(id) && objects.some((o) => objectReadBy(o.def, v.query))) rebuild.add(id);
  // a view over a composite type that is dropped and created again (or over a routine rebuilt with it) is rebuilt around it
  const composites = [...rebuilds.values()];
  for (const id of new Set([...viewsOverRebuilds(from, composites), ...viewsOverRebuilds(to, composites)]))
    if (from.views[id] && to.views[id] && !dropped.has(id)) rebuild.add(id);
  // a materialized view whose index calls a re-created function is rebuilt with it (the index goes with the view)
  const callsFn = readsAny(recreatedFuncs);
  for (const [id, v] of Object.entries(from.views)) {
    if (dropped.has(id) || !to.views[id]) continue;
    const ixs = Object.values(to.views[id]!.indexes ?? {});
    if (ixs.some((ix) => callsFn(ix.where) || ix.elements.some((e) => callsFn(e.expression)))) rebuild.add(id);
    else if (Object.values(v.triggers ?? {}).some((tr) => callsFn(tr.when))) rebuild.add(id);
  }
  // fixpoint: a view mentioning a touched table, a rebuilt/dropped view or a recreated function (one a rebuilt view
  // holds in place too, viewfuncs.ts) is rebuilt
  for (;;) {
    const held = viewRoutines(ctx, [...rebuild].filter((id) => to.views[id]).map(bare));
    const names = new Set([
      ...touchedNames,
      ...[...rebuild, ...dropped].map(bare),
      ...recreatedFuncs,
      ...[...held.keys()].map((fid) => from.functions[fid]!.name.toLowerCase()),
    ]);
    let grew = false;
    for (const [id, v] of Object.entries(from.views)) {
      if (rebuild.has(id) || dropped.has(id) || !to.views[id]) continue;
      const ids = new Set([...identifiersOf(v.query)].map((n) => n.toLowerCase()));
      if ([...names].some((n) => ids.has(n))) {
        rebuild.add(id);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return { rebuild, dropped, added, objects };
}

/** planViewDefaults drafts the column default changes of a view that is not rebuilt. */
function planViewDefaults(ctx: PlanContext, c: Extract<Change, { op: 'alter'; kind: 'view' }>): void {
  const a = c.from.columnDefaults ?? {};
  const b = c.to.columnDefaults ?? {};
  const cols = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((col) => !sameValue(a[col], b[col]));
  if (!cols.length) return;
  emit(ctx, {
    phase: PHASE.createView,
    what: `column defaults of view ${c.id}`,
    object: c.id,
    sql: cols.map((col) => viewColumnDefault(c.id, col, b[col])),
    reverse: cols.map((col) => viewColumnDefault(c.id, col, a[col])),
    requires: defaultKeys(c.to),
    lock: false,
  });
}

/**
 * planViewRefresh drafts the REFRESH of a materialized view that is not rebuilt and gains its rows or is emptied
 * (`with_no_data`): REFRESH runs the query, REFRESH ... WITH NO DATA leaves the view unreadable until refreshed.
 */
function planViewRefresh(ctx: PlanContext, c: Extract<Change, { op: 'alter'; kind: 'view' }>): void {
  if (!c.to.materialized || !!c.from.withNoData === !!c.to.withNoData) return;
  const refresh = (noData: boolean | undefined) =>
    `REFRESH MATERIALIZED VIEW ${rel(c.id)}${noData ? ' WITH NO DATA' : ''}`;
  emit(ctx, {
    phase: PHASE.createView,
    what: `refresh materialized view ${c.id}`,
    object: c.id,
    sql: [refresh(c.to.withNoData)],
    reverse: [refresh(c.from.withNoData)],
    requires: textKeys(c.to.query),
    lock: !c.to.withNoData, // REFRESH holds ACCESS EXCLUSIVE while its query runs
  });
}

/** planViewMarks drafts the changed marks on extensions of a materialized view that is not rebuilt. */
function planViewMarks(ctx: PlanContext, c: Extract<Change, { op: 'alter'; kind: 'view' }>): void {
  if (!c.attrs.some((x) => x.attr === 'dependsOnExtensions')) return;
  const target = `${viewKind(c.to)} ${rel(c.id)}`;
  emit(ctx, {
    phase: PHASE.comment,
    what: `extension marks of ${viewKind(c.to).toLowerCase()} ${c.id}`,
    object: c.id,
    sql: dependsOnSql(target, c.from.dependsOnExtensions, c.to.dependsOnExtensions),
    reverse: dependsOnSql(target, c.to.dependsOnExtensions, c.from.dependsOnExtensions),
  });
}

/**
 * planViewOptions changes a view's options (security_barrier, check_option, security_invoker) or a materialized
 * view's storage parameters in place with ALTER [MATERIALIZED] VIEW ... SET / RESET: a rebuild would take the
 * view's dependents with it, and a materialized view's rows (pg-schema-diff's 'add security barrier' and
 * 'add log_autovacuum_min_duration' cases rebuilt them).
 */
function planViewOptions(ctx: PlanContext, c: Extract<Change, { op: 'alter'; kind: 'view' }>): void {
  const alter = (a: View['options'], b: View['options']): string[] => {
    const set = Object.entries(b ?? {}).filter(([k, v]) => a?.[k] !== v);
    const reset = Object.keys(a ?? {}).filter((k) => b?.[k] === undefined);
    const head = `ALTER ${viewKind(c.to)} ${rel(c.id)}`;
    return [
      ...(reset.length ? [`${head} RESET (${reset.map(quoteIdent).join(', ')})`] : []),
      ...(set.length
        ? [`${head} SET (${set.map(([k, v]) => `${quoteIdent(k)} = ${quoteLiteral(v)}`).join(', ')})`]
        : []),
    ];
  };
  emit(ctx, {
    phase: PHASE.alterTable,
    what: `alter ${viewKind(c.to).toLowerCase()} ${c.id} (options)`,
    object: c.id,
    sql: alter(c.from.options, c.to.options),
    reverse: alter(c.to.options, c.from.options),
  });
}

/** planViewComments drafts the comment changes of a view that is not rebuilt. */
function planViewComments(ctx: PlanContext, c: Extract<Change, { op: 'alter'; kind: 'view' }>): void {
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
