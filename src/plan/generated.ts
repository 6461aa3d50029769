/**
 * Generated columns recreated around a type change: a generated column that is dropped and re-added (its expression
 * or kind changes) over a column whose type changes goes before that change and comes back after it.
 */
import type { Column } from '../model/types.js';
import { identifiersOf } from '../diff/sqltext.js';
import { addColumn, dropColumn, recreatesColumn } from './columns.js';
import { bare, emit, PHASE, textKeys, typeKeys, type PlanContext, type StepInit } from './context.js';

/** columnRequires lists what a column depends on: its type and the names in its default and generation expression. */
export function columnRequires(c: Column): string[] {
  return [
    ...typeKeys(c.type),
    ...(c.default && 'sql' in c.default ? textKeys(c.default.sql) : []),
    ...textKeys(c.generated),
  ];
}

/**
 * generatedOverRetyped: is generated column `a`, dropped and re-added as `b` (recreatesColumn), computed from a
 * column of table `t` whose type changes in the plan? PostgreSQL refuses that type change while the old generated
 * column is there ("cannot alter type of a column used by a generated column").
 */
export function generatedOverRetyped(ctx: PlanContext, t: string, a: Column, b: Column): boolean {
  if (!a.generated || !recreatesColumn(a, b)) return false;
  const before = ctx.from.tables[t]?.columns ?? [];
  const after = ctx.to.tables[t]?.columns ?? [];
  const retyped = before.filter((x) => {
    const y = after.find((z) => z.name === x.name);
    return x.name !== a.name && y && (y.type !== x.type || y.collation !== x.collation);
  });
  const words = identifiersOf(a.generated);
  return retyped.some((x) => words.has(x.name.toLowerCase()));
}

/** splitRecreatedColumn drops generated column `a` before the plan's type changes and adds `b` after them. */
export function splitRecreatedColumn(ctx: PlanContext, t: string, a: Column, b: Column): void {
  recreateGeneratedColumn(ctx, t, a, b, PHASE.dropColumn, 're-added over a column whose type changes', {
    requires: columnRequires(b),
    provides: [`cols:${bare(t)}`],
  });
}

/**
 * recreateGeneratedColumn drops generated column `a` of table `t` in phase `dropPhase` (`why` says why) and adds `b`,
 * recomputed, after the tables' alterations; `add` adds to the add step (what it requires and provides).
 */
export function recreateGeneratedColumn(
  ctx: PlanContext,
  t: string,
  a: Column,
  b: Column,
  dropPhase: number,
  why: string,
  add: Pick<StepInit, 'requires' | 'provides'> = {},
): void {
  const obj = `${t}.${b.name}`;
  emit(ctx, {
    phase: dropPhase,
    what: `drop generated column ${obj} (${why})`,
    object: obj,
    sql: dropColumn(t, a).sql,
    reverse: addColumn(t, a, ctx.ty, ctx.from).sql,
  });
  emit(ctx, {
    phase: PHASE.alterTable + 0.5,
    what: `add generated column ${obj}`,
    object: obj,
    sql: addColumn(t, b, ctx.ty, ctx.to).sql,
    reverse: dropColumn(t, b).sql,
    rewrite: true,
    lock: true,
    ...add,
  });
}
