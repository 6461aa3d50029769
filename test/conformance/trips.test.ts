/**
 * sharedTrips (src/conformance/trips.ts): the conformance runner's model and fingerprint reads of one database share
 * round trips. Each caller must get exactly its own rows, in the order its statements were sent; a failure must reach
 * only the caller whose statement failed; and on PGlite both reads must return what they return alone, in fewer
 * round trips.
 */
import { describe, expect, it } from 'vitest';
import type { Driver } from '../../src/pg/driver.js';
import { sharedTrips } from '../../src/conformance/trips.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { catalogFingerprint } from '../../src/pg/fingerprint.js';

/** fake answers each statement with one row naming it, fails statements containing FAIL, and records each call. */
function fake(): Driver & { calls: string[][] } {
  const calls: string[][] = [];
  const answer = (sql: string) => {
    if (sql.includes('FAIL')) throw new Error(`failed: ${sql}`);
    return [{ sql }];
  };
  return {
    kind: 'pglite',
    label: 'fake',
    calls,
    async query<T>(sql: string) {
      calls.push([sql]);
      return answer(sql) as T[];
    },
    async exec(sql: string) {
      calls.push([`exec ${sql}`]);
    },
    async batch(sqls: readonly string[]) {
      calls.push([...sqls]);
      return sqls.map(answer);
    },
    async close() {},
  };
}

describe('sharedTrips', () => {
  it("sends two callers' statements of the same turn as one batch, each getting its own rows in order", async () => {
    const db = fake();
    const shared = sharedTrips(db);
    const [a, b, c] = await Promise.all([
      shared.batch!(['A1', 'A2']),
      shared.query('B1'),
      shared.batch!(['C1', 'C2', 'C3']),
    ]);
    expect(db.calls).toEqual([['A1', 'A2', 'B1', 'C1', 'C2', 'C3']]);
    expect(a).toEqual([[{ sql: 'A1' }], [{ sql: 'A2' }]]);
    expect(b).toEqual([{ sql: 'B1' }]);
    expect(c).toEqual([[{ sql: 'C1' }], [{ sql: 'C2' }], [{ sql: 'C3' }]]);
  });

  it('gathers statements a caller sends one turn later (a batcher of its own flushing on setImmediate)', async () => {
    const db = fake();
    const shared = sharedTrips(db);
    const late = new Promise<Record<string, unknown>[]>((resolve) => setImmediate(() => resolve(shared.query('LATE'))));
    const [early, got] = await Promise.all([shared.query('EARLY'), late]);
    expect(db.calls).toEqual([['EARLY', 'LATE']]);
    expect(early).toEqual([{ sql: 'EARLY' }]);
    expect(got).toEqual([{ sql: 'LATE' }]);
  });

  it('gives a failure to the caller whose statement failed only; the others get their rows', async () => {
    const db = fake();
    const shared = sharedTrips(db);
    const [ok, bad] = await Promise.allSettled([shared.batch!(['A1', 'A2']), shared.batch!(['B1', 'FAIL B2'])]);
    expect(ok).toEqual({ status: 'fulfilled', value: [[{ sql: 'A1' }], [{ sql: 'A2' }]] });
    expect(bad.status).toBe('rejected');
    expect(String((bad as PromiseRejectedResult).reason)).toContain('failed: FAIL B2');
  });

  it('runs a statement with parameters, and exec, after the statements queued before them', async () => {
    const db = fake();
    const shared = sharedTrips(db);
    await Promise.all([shared.query('Q1'), shared.query('P $1', [1]), shared.exec('E')]);
    expect(db.calls).toEqual([['Q1'], ['P $1'], ['exec E']]);
  });

  it('on PGlite, the model and the fingerprint read together are what each reads alone, in fewer round trips', async () => {
    const pg = await freshPglite();
    try {
      await pg.exec(`SET search_path = ''; CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text);
        CREATE TABLE public.u (id int REFERENCES app.t, n numeric(5,2) DEFAULT 1.5); CREATE VIEW public.w AS SELECT id FROM public.u;
        SET search_path = '';`);
      let trips = 0;
      const counted: Driver = {
        ...pg,
        query: (sql, params) => (trips++, pg.query(sql, params)),
        batch: (sqls) => (trips++, pg.batch!(sqls)),
      };
      // as the runner reads: the fingerprint asked first (its first statement sets search_path = public)
      const shared = sharedTrips(counted);
      const [fp, model] = await Promise.all([catalogFingerprint(shared), introspect(shared)]);
      const together = trips;
      trips = 0;
      const aloneFp = await catalogFingerprint(counted);
      const aloneModel = await introspect(counted);
      expect(fp).toEqual(aloneFp);
      expect(model.schema).toEqual(aloneModel.schema);
      expect(fp.some((l) => l.startsWith('relation app.t '))).toBe(true);
      expect(together).toBeLessThan(trips);
      expect((await pg.query<{ p: string }>(`SELECT current_setting('search_path') AS p`))[0]!.p).toBe('public');
    } finally {
      await pg.close();
    }
  });
});
