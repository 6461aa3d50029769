/**
 * Marks on objects the model has no place for, read only when introspection reports what it cannot express (import,
 * check, the conformance runner): each is reported as not supported, so it passes through while unchanged and a mark
 * added, changed or removed is refused instead of being left out of the migration.
 *
 * Statistics targets of index columns (`ALTER INDEX ... ALTER COLUMN n SET STATISTICS`, expression columns only) of
 * the indexes the model has no keys for: constraints' indexes, partitioned indexes and their partitions' copies.
 * (DEPENDS ON EXTENSION marks on objects the model does not hold: extmarks.ts.)
 */
import { qid } from '../../model/ids.js';
import { type Ctx, absent, rows, unsupported, USER_NS, notExtMember } from './util.js';

/**
 * scanIndexStatistics reports the index columns with a statistics target of their own that the model does not hold:
 * those of indexes behind constraints, of partitioned indexes (PostgreSQL sets them on the partitions' indexes of the
 * moment only) and of partitions' attached indexes; a plain index's are its keys' `statistics`.
 */
export async function scanIndexStatistics(ctx: Ctx): Promise<void> {
  if (absent(ctx, 'stat')) return; // no column made after initdb has a target of its own (presentKinds)
  // PostgreSQL 17+ reads a target never set as NULL, older versions as -1
  const list = await rows<{ schema: string; index: string; targets: string }>(
    ctx,
    `SELECT n.nspname::text AS schema, ic.relname::text AS index,
      string_agg('column ' || a.attnum || ' ' || a.attstattarget, ', ' ORDER BY a.attnum) AS targets
    FROM pg_attribute a JOIN pg_class ic ON ic.oid = a.attrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
    WHERE ic.oid >= 16384 AND ic.relkind IN ('i', 'I') AND coalesce(a.attstattarget, -1) <> -1
      AND ${USER_NS} AND ${notExtMember('pg_class', 'ic.oid')}
      AND (ic.relkind = 'I' OR EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = ic.oid)
        OR EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = ic.oid))
    GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  for (const r of list)
    unsupported(
      ctx,
      `statistics targets of index ${qid(r.schema, r.index)} (ALTER INDEX ... ALTER COLUMN ... SET STATISTICS)`,
      "schemaver keeps them as they are while the index is unchanged (it manages them, as a key's `statistics`, only on a plain index of a table that is not partitioned); set them outside schemaver, or exclude the index",
      r.targets,
    );
}
