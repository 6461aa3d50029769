/**
 * Statistics targets of index expression keys (`ALTER INDEX ... ALTER COLUMN n SET STATISTICS`): a change of them
 * alone is an ALTER in place, never a rebuild of the index (CREATE INDEX writes them after the index is made).
 */
import type { AlterChange, TablePartChange } from '../model/changes.js';
import type { Index, IndexElement } from '../model/types.js';
import { indexStatisticsSql } from '../sql/ddl.js';
import { sameValue } from '../diff/index.js';
import { emit, PHASE, type PlanContext } from './context.js';

/** keysOf is an index's keys without their statistics targets. */
function keysOf(els: readonly IndexElement[]): IndexElement[] {
  return els.map(({ statistics: _s, ...e }) => e);
}

/**
 * planIndexStatistics drafts the ALTER INDEX steps of an index change whose keys differ only in their statistics
 * targets, and returns the change left to plan (without `elements`), or undefined when nothing else changed.
 */
export function planIndexStatistics(
  ctx: PlanContext,
  c: Extract<TablePartChange, { kind: 'index' }>,
  t: string,
  obj: string,
): Extract<TablePartChange, { kind: 'index' }> | undefined {
  if (c.op !== 'alter' || !c.attrs.some((x) => x.attr === 'elements')) return c;
  const [a, b] = [c.from, c.to] as [Index, Index];
  if (!sameValue(keysOf(a.elements), keysOf(b.elements))) return c;
  emit(ctx, {
    phase: PHASE.comment,
    what: `set statistics targets of index ${b.name} on ${t}`,
    object: obj,
    sql: indexStatisticsSql(t, b.name, a.elements, b.elements),
    reverse: indexStatisticsSql(t, b.name, b.elements, a.elements),
  });
  const attrs = c.attrs.filter((x) => x.attr !== 'elements');
  return attrs.length ? ({ ...c, attrs } as AlterChange & { kind: 'index' }) : undefined;
}
