/**
 * An online deploy resumes a DETACH PARTITION ... CONCURRENTLY that an interrupted run left pending: PostgreSQL
 * refuses to run it again ("already pending detach") and asks for FINALIZE, which the deploy sends instead
 * (deploy/online.ts resumed). On the PostgreSQL server, with a partition whose name needs quoting.
 */
import pg from 'pg';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineProject } from '../helpers/cli.js';
import { runInProcess } from '../helpers/inproc.js';
import { createDatabase, queryServer, serverAvailable } from '../helpers/server.js';

/** COLUMNS: the columns of the parent and of the partition (a partition has its parent's). */
const COLUMNS = `    columns:
      at: { type: timestamptz, nullable: false }
      note: text
`;
const V1 = `tables:
  events:
    partition_by: range (at)
${COLUMNS}  'ev "2024"':
    partition_of: { parent: events, bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" }
`;
/** V2: the partition detached, a table of its own with the same columns. */
const V2 = `tables:
  events:
    partition_by: range (at)
${COLUMNS}  'ev "2024"':
${COLUMNS}`;

const up = await serverAvailable();

describe.skipIf(!up)('upgrade --online after an interrupted DETACH ... CONCURRENTLY', () => {
  let dir: string;
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    dir = await onlineProject('sv-detach-', V1, V2, runInProcess);
    db = await createDatabase('sv_detach');
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the pending detach with FINALIZE and completes the edge', async () => {
    const r1 = await runInProcess(dir, ['upgrade', 'HEAD~1', '--url', db.url]);
    expect(r1.code, r1.stderr).toBe(0);
    await queryServer(
      db.url,
      `INSERT INTO events SELECT '2024-03-01'::timestamptz + g * interval '1 hour', 'n' FROM generate_series(1, 50) g`,
    );
    // an interrupted detach: a reader's snapshot holds the second phase, which is cancelled by its timeout
    const reader = new pg.Client({ connectionString: db.url });
    const detacher = new pg.Client({ connectionString: db.url });
    await reader.connect();
    await detacher.connect();
    const detach = `ALTER TABLE events DETACH PARTITION "ev ""2024""" CONCURRENTLY`;
    try {
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query('SELECT count(*) FROM events');
      await detacher.query(`SET statement_timeout = '1s'`);
      await expect(detacher.query(detach)).rejects.toThrow(/statement timeout/);
      await reader.query('COMMIT');
      const pending = await queryServer<{ p: boolean }>(db.url, `SELECT inhdetachpending AS p FROM pg_inherits`);
      expect(pending).toEqual([{ p: true }]);
      // what the step as written would meet now
      await expect(detacher.query(detach)).rejects.toThrow(/pending detach/);
    } finally {
      await reader.end();
      await detacher.end();
    }
    const r2 = await runInProcess(dir, ['upgrade', '--online', '--url', db.url]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(await queryServer(db.url, `SELECT count(*)::int AS n FROM pg_inherits`)).toEqual([{ n: 0 }]);
    expect(await queryServer(db.url, `SELECT count(*)::int AS n FROM "ev ""2024"""`)).toEqual([{ n: 50 }]);
    // the database is now exactly HEAD: check finds no drift
    const check = await runInProcess(dir, ['check', '--url', db.url]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});
