/**
 * What of an index or trigger changes in place, never by a rebuild: the statistics targets of an index's expression
 * keys (`ALTER INDEX ... ALTER COLUMN n SET STATISTICS`) and marks on extensions (`ALTER INDEX / TRIGGER ... [NO]
 * DEPENDS ON EXTENSION`). CREATE INDEX and CREATE TRIGGER (sql/ddl.ts) write them after the object is made.
 */
import type { AlterChange, TablePartChange } from '../model/changes.js';
import type { Index, IndexElement } from '../model/types.js';
import { indexRef, rel } from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { dependsOnSql, indexStatisticsSql } from '../sql/marks.js';
import { sameValue } from '../diff/index.js';
import { emit, PHASE, type PlanContext } from './context.js';

/** IN_PLACE are the other attributes of an index that change without a rebuild (partsteps.ts addDropAlter). */
const IN_PLACE = new Set(['comment', 'with']);

/** keysOf is an index's keys without their statistics targets. */
function keysOf(els: readonly IndexElement[]): IndexElement[] {
  return els.map(({ statistics: _s, ...e }) => e);
}

/**
 * planIndexStatistics drafts the ALTER INDEX steps of an index change whose keys differ only in their statistics
 * targets, or whose marks on extensions changed, and returns the change left to plan (without those attributes),
 * or undefined when nothing else changed.
 */
export function planIndexStatistics(
  ctx: PlanContext,
  c: Extract<TablePartChange, { kind: 'index' }>,
  t: string,
  obj: string,
): Extract<TablePartChange, { kind: 'index' }> | undefined {
  if (c.op !== 'alter') return c;
  const [a, b] = [c.from, c.to] as [Index, Index];
  const stats = c.attrs.some((x) => x.attr === 'elements') && sameValue(keysOf(a.elements), keysOf(b.elements));
  const marks = c.attrs.some((x) => x.attr === 'dependsOnExtensions');
  if (!stats && !marks) return c;
  const attrs = c.attrs.filter((x) => !(stats && x.attr === 'elements') && x.attr !== 'dependsOnExtensions');
  // the rest rebuilds the index: CREATE INDEX writes its statistics and marks
  if (attrs.some((x) => !IN_PLACE.has(x.attr))) return c;
  const target = `INDEX ${indexRef(t, b.name)}`;
  const step = (x: Index, y: Index) => [
    ...(stats ? indexStatisticsSql(indexRef(t, b.name), x.elements, y.elements) : []),
    ...dependsOnSql(target, x.dependsOnExtensions, y.dependsOnExtensions),
  ];
  emit(ctx, {
    phase: PHASE.comment,
    what: `${stats ? 'set statistics targets' : 'extension marks'} of index ${b.name} on ${t}`,
    object: obj,
    sql: step(a, b),
    reverse: step(b, a),
  });
  return attrs.length ? ({ ...c, attrs } as AlterChange & { kind: 'index' }) : undefined;
}

/**
 * planTriggerMarks drafts ALTER TRIGGER ... [NO] DEPENDS ON EXTENSION for a trigger whose marks alone changed and
 * returns undefined; any other change is returned to plan (a trigger is re-created, CREATE TRIGGER writes its marks).
 */
export function planTriggerMarks(
  ctx: PlanContext,
  c: Extract<TablePartChange, { kind: 'trigger' }>,
  t: string,
  obj: string,
): Extract<TablePartChange, { kind: 'trigger' }> | undefined {
  if (c.op !== 'alter' || c.attrs.some((x) => x.attr !== 'dependsOnExtensions')) return c;
  const target = `TRIGGER ${quoteIdent(c.to.name)} ON ${rel(t)}`;
  emit(ctx, {
    phase: PHASE.comment,
    what: `extension marks of trigger ${c.to.name} on ${t}`,
    object: obj,
    sql: dependsOnSql(target, c.from.dependsOnExtensions, c.to.dependsOnExtensions),
    reverse: dependsOnSql(target, c.to.dependsOnExtensions, c.from.dependsOnExtensions),
  });
  return undefined;
}

/** planInPlace drafts what of an index or trigger change alters in place (see above); returns the change left to plan. */
export function planInPlace<C extends Extract<TablePartChange, { kind: 'index' | 'trigger' }>>(
  ctx: PlanContext,
  c: C,
  t: string,
  obj: string,
): C | undefined {
  return (c.kind === 'index' ? planIndexStatistics(ctx, c, t, obj) : planTriggerMarks(ctx, c, t, obj)) as C | undefined;
}
