/**
 * What is set on an object after its CREATE: statistics targets of index expression keys, and marks of objects on the
 * extensions they depend on (`ALTER FUNCTION / PROCEDURE / INDEX / MATERIALIZED VIEW /
 * TRIGGER ... [NO] DEPENDS ON EXTENSION`, pg_depend deptype 'x'): an object so marked is dropped with the extension.
 */
import type { Index, IndexElement } from '../model/types.js';
import { quoteIdent } from './quote.js';

/**
 * dependsOnSql writes the marks that take object `target` (its keyword and name as SQL: `INDEX "s"."i"`,
 * `TRIGGER "t" ON "s"."tab"`) from the extensions `from` to `to`: DEPENDS ON for each added, NO DEPENDS ON for each
 * removed.
 */
export function dependsOnSql(target: string, from: readonly string[] = [], to: readonly string[] = []): string[] {
  return [
    ...from.filter((e) => !to.includes(e)).map((e) => `ALTER ${target} NO DEPENDS ON EXTENSION ${quoteIdent(e)}`),
    ...to.filter((e) => !from.includes(e)).map((e) => `ALTER ${target} DEPENDS ON EXTENSION ${quoteIdent(e)}`),
  ];
}

/**
 * indexStatisticsSql sets the statistics target of every key of index `index` (its qualified name as SQL) whose
 * target in `to` differs from `from`'s (`ALTER INDEX ... ALTER COLUMN <position> SET STATISTICS`; -1, the default,
 * for one `to` leaves out).
 */
export function indexStatisticsSql(
  index: string,
  from: readonly IndexElement[],
  to: readonly IndexElement[],
): string[] {
  const out: string[] = [];
  for (let p = 0; p < Math.max(from.length, to.length); p++) {
    const a = from[p]?.statistics ?? -1;
    const b = to[p]?.statistics ?? -1;
    if (a !== b && to[p]?.expression !== undefined)
      out.push(`ALTER INDEX ${index} ALTER COLUMN ${p + 1} SET STATISTICS ${b}`);
  }
  return out;
}

/** afterIndexSql is what CREATE INDEX of `ix` (its qualified name as SQL: `index`) is followed by: targets, marks. */
export function afterIndexSql(index: string, ix: Index): string[] {
  return [...indexStatisticsSql(index, [], ix.elements), ...dependsOnSql(`INDEX ${index}`, [], ix.dependsOnExtensions)];
}
