import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite, connectUrl, type Driver } from '../../src/pg/index.js';
import { queryAll } from '../../src/pg/driver.js';
import { batcher } from '../../src/pg/introspect/util.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

/** checksBatch runs the Driver.batch contract against one driver. */
async function checksBatch(db: Driver): Promise<void> {
  const rows = await db.batch!([
    `SELECT 1 AS n, 'a;b' AS s -- a comment at the end`,
    `SELECT x AS n FROM generate_series(1, 3) x WHERE false`,
    `SELECT x AS n FROM generate_series(1, 3) x ORDER BY x`,
  ]);
  expect(rows).toEqual([[{ n: 1, s: 'a;b' }], [], [{ n: 1 }, { n: 2 }, { n: 3 }]]);
  await expect(db.batch!([`SELECT 1 AS n`, `SELECT 1/0 AS n`])).rejects.toThrow(/division by zero/);
  expect(await db.query(`SELECT 2 AS n`)).toEqual([{ n: 2 }]); // the connection is usable after a failed batch
}

describe('Driver.batch (PGlite)', () => {
  let db: Driver;
  beforeAll(async () => {
    db = await freshPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns the rows of each statement in order, and fails as a whole when one fails', async () => {
    await checksBatch(db);
  });

  it('queryAll answers the same with or without a batch method', async () => {
    const sqls = [`SELECT 1 AS n`, `SELECT 'x' AS s`];
    const { batch: _b, ...plain } = db as Driver & { batch?: unknown };
    expect(await queryAll(plain as Driver, sqls)).toEqual(await queryAll(db, sqls));
  });

  it('batcher sends the queries started together in one round trip; after a failed batch each gets its own answer', async () => {
    let batches = 0;
    let queries = 0;
    const counting: Driver = {
      ...db,
      query: (sql, params) => (queries++, db.query(sql, params)),
      batch: (sqls) => (batches++, db.batch!(sqls)),
    };
    const send = batcher(counting);
    const ok = await Promise.all([send(`SELECT 1 AS n`), send(`SELECT 2 AS n`), send(`SELECT 3 AS n`)]);
    expect(ok).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]]);
    expect([batches, queries]).toEqual([1, 0]);
    const mixed = await Promise.allSettled([send(`SELECT 1 AS n`), send(`SELECT 1/0 AS n`), send(`SELECT 3 AS n`)]);
    expect(mixed.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      [{ n: 1 }],
      expect.stringMatching(/division by zero/),
      [{ n: 3 }],
    ]);
    expect([batches, queries]).toEqual([2, 3]);
  });
});

describe('Driver.batch (PostgreSQL 15 server)', async () => {
  const up = await serverAvailable();
  it.skipIf(!up)('returns the rows of each statement in order, and fails as a whole when one fails', async () => {
    const created = await createDatabase('sv_batch');
    let db: Driver | undefined;
    try {
      db = await connectUrl(created.url);
      await checksBatch(db);
    } finally {
      await db?.close();
      await created.drop();
    }
  });
});
