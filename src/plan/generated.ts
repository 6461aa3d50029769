/**
 * Generated columns recreated around a type change: a generated column that is dropped and re-added (its expression
 * or kind changes) over a column whose type changes goes before that change and comes back after it.
 */
import type { Column } from '../model/types.js';
import { identifiersOf } from '../diff/sqltext.js';
import { addColumn, dropColumn, recreatesColumn } from './columns.js';
import { bare, emit, PHASE, textKeys, typeKeys, type PlanContext } from './context.js';

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
export function splitRecreatedColumn(ctx: PlanContext, t: string, obj: string, a: Column, b: Column): void {
  const drop = dropColumn(t, a);
  const add = addColumn(t, b, ctx.ty, ctx.to);
  emit(ctx, {
    phase: PHASE.dropColumn,
    what: `drop generated column ${obj} (re-added over a column whose type changes)`,
    object: obj,
    sql: drop.sql,
    reverse: addColumn(t, a, ctx.ty, ctx.from).sql,
  });
  emit(ctx, {
    phase: PHASE.alterTable + 0.5,
    what: `add generated column ${obj}`,
    object: obj,
    sql: add.sql,
    reverse: dropColumn(t, b).sql,
    rewrite: true,
    lock: true,
    requires: columnRequires(b),
    provides: [`cols:${bare(t)}`],
  });
}
