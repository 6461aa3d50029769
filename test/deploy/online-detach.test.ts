/**
 * An online deploy resumes a DETACH PARTITION ... CONCURRENTLY that an interrupted run left pending: PostgreSQL
 * refuses to run it again ("already pending detach") and asks for FINALIZE, which the deploy sends instead
 * (deploy/online.ts resumed). On the PostgreSQL server, with a partition whose name needs quoting.
 */
import pg from 'pg';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * interruptedDetach deploys V1 to `url`, fills the partition, and interrupts a DETACH ... CONCURRENTLY there: a
 * reader's snapshot holds its second phase, which its timeout cancels. PostgreSQL then refuses the statement again.
 */
async function interruptedDetach(dir: string, url: string): Promise<void> {
  const r1 = await runInProcess(dir, ['upgrade', 'HEAD~1', '--url', url]);
  expect(r1.code, r1.stderr).toBe(0);
  await queryServer(
    url,
    `INSERT INTO events SELECT '2024-03-01'::timestamptz + g * interval '1 hour', 'n' FROM generate_series(1, 50) g`,
  );
  const reader = new pg.Client({ connectionString: url });
  const detacher = new pg.Client({ connectionString: url });
  await reader.connect();
  await detacher.connect();
  const detach = `ALTER TABLE events DETACH PARTITION "ev ""2024""" CONCURRENTLY`;
  try {
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await reader.query('SELECT count(*) FROM events');
    await detacher.query(`SET statement_timeout = '1s'`);
    await expect(detacher.query(detach)).rejects.toThrow(/statement timeout/);
    await reader.query('COMMIT');
    const pending = await queryServer<{ p: boolean }>(url, `SELECT inhdetachpending AS p FROM pg_inherits`);
    expect(pending).toEqual([{ p: true }]);
    // what the step as written would meet now
    await expect(detacher.query(detach)).rejects.toThrow(/pending detach/);
  } finally {
    await reader.end();
    await detacher.end();
  }
}

/** detachedAtHead checks that the detach finished, kept the rows, and that the database is exactly HEAD. */
async function detachedAtHead(dir: string, url: string): Promise<void> {
  expect(await queryServer(url, `SELECT count(*)::int AS n FROM pg_inherits`)).toEqual([{ n: 0 }]);
  expect(await queryServer(url, `SELECT count(*)::int AS n FROM "ev ""2024"""`)).toEqual([{ n: 50 }]);
  const check = await runInProcess(dir, ['check', '--url', url]);
  expect(check.code, check.stdout + check.stderr).toBe(0);
}

describe.skipIf(!up)('an online deploy after an interrupted DETACH ... CONCURRENTLY', () => {
  let dir: string;
  const dbs: { url: string; drop: () => Promise<void> }[] = [];
  const fresh = async () => {
    const d = await createDatabase('sv_detach');
    dbs.push(d);
    return d.url;
  };
  beforeAll(async () => {
    dir = await onlineProject('sv-detach-', V1, V2, runInProcess);
  });
  afterAll(async () => {
    for (const d of dbs) await d.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('upgrade --online finishes the pending detach with FINALIZE and completes the edge', async () => {
    const url = await fresh();
    await interruptedDetach(dir, url);
    const r = await runInProcess(dir, ['upgrade', '--online', '--url', url]);
    expect(r.code, r.stderr).toBe(0);
    await detachedAtHead(dir, url);
  });

  it('upgrade --sql --online writes a psql script that does the same', async () => {
    const url = await fresh();
    await interruptedDetach(dir, url);
    const s = await runInProcess(dir, ['upgrade', '--sql', '--online', '--url', url]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/\\if :schemaver_detach_pending\n.*FINALIZE;\n\\else\n.*CONCURRENTLY;\n\\endif/);
    const file = join(dir, 'online.sql');
    writeFileSync(file, s.stdout);
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, url], { stdio: 'pipe' });
    await detachedAtHead(dir, url);
  });
});
