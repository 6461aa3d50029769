/**
 * An index added to a partitioned table in an online plan: made ON ONLY the table, then each partition's built
 * CONCURRENTLY (or its own matching index taken) and attached, as pg-schema-diff does; the classic CREATE INDEX on
 * the parent holds a SHARE lock on every partition while it builds them all. Proven in PGlite on rows and applied
 * statement by statement on the PostgreSQL test server.
 */
import { describe, expect, it } from 'vitest';
import { schema } from '../helpers/online-edges.js';
import { planMigration } from '../../src/plan/index.js';
import { onlinePlan, renderOnline } from '../../src/plan/online.js';
import { onlineGroups } from '../../src/sql/online.js';
import { verifyEdge } from '../../src/pg/verify.js';
import { emptySchema } from '../../src/model/types.js';
import { connectUrl } from '../../src/pg/server.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

const BASE = `
tables:
  events:
    columns:
      id: { type: bigint, nullable: false }
      kind: { type: text, nullable: false }
      at: timestamptz
    partition_by: { strategy: list, key: kind }
  events_a:
    partition_of: { parent: events, bound: "FOR VALUES IN ('a')" }
    indexes:
      events_a_at_own: { columns: [kind, at] }
  "Events B":
    partition_of: { parent: events, bound: "FOR VALUES IN ('b')" }
`;
const from = schema(BASE);
const to = schema(
  BASE.replace('    partition_by:', '    indexes:\n      events_at_idx: { columns: [kind, at] }\n    partition_by:'),
);

describe('an index added to a partitioned table, online', () => {
  const plan = onlinePlan(planMigration(from, to), from, to);
  const up = renderOnline(plan, 'up');

  it('is made ON ONLY the table, the partitions built CONCURRENTLY (or their own taken) and attached', () => {
    expect(plan.steps.flatMap((s) => s.sql)).toEqual([
      'CREATE INDEX events_at_idx ON ONLY public.events (kind, at)',
      'DROP INDEX CONCURRENTLY IF EXISTS public."Events B_kind_at_idx"',
      'CREATE INDEX CONCURRENTLY "Events B_kind_at_idx" ON public."Events B" (kind, at)',
      'ALTER INDEX public.events_at_idx ATTACH PARTITION public."Events B_kind_at_idx"',
      'ALTER INDEX public.events_at_idx ATTACH PARTITION public.events_a_at_own',
    ]);
    for (const g of onlineGroups(up))
      if (g.statements.some((s) => /CONCURRENTLY/.test(s.sql))) expect(g.transactional).toBe(false);
  });

  it('proves in PGlite on rows, up and down', async () => {
    const r = await verifyEdge(from, to, up, renderOnline(plan, 'down'), { whole: true });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  }, 60_000);

  it('reaches the target on the PostgreSQL server, the parent index valid', async (t) => {
    if (!(await serverAvailable())) return t.skip();
    const d = await createDatabase('sv_online_part');
    const db = await connectUrl(d.url);
    try {
      for (const s of planMigration(emptySchema(), from).steps) await db.exec(s.sql.join(';\n'));
      await db.exec(`INSERT INTO events VALUES (1, 'a', now()), (2, 'b', now())`);
      for (const g of onlineGroups(up)) for (const s of g.statements) await db.exec(s.sql);
      const [{ valid }] = await db.query<{ valid: boolean }>(
        `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'public.events_at_idx'::regclass`,
      );
      expect(valid).toBe(true);
      expect(planMigration((await introspect(db)).schema, to).steps).toEqual([]);
    } finally {
      await db.close();
      await d.drop();
    }
  }, 60_000);
});
