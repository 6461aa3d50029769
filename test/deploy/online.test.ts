/**
 * Online deploys (issue 12 item 3) on the PostgreSQL server: `upgrade --online` runs the online form of each edge
 * step by step, records each step in schemaver_version, continues after the last recorded step when rerun, retries
 * lock timeouts, and refuses a one-transaction deploy over an unfinished edge. `upgrade --sql --online` is a psql
 * script doing the same.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineProject, runCli } from '../helpers/cli.js';
import { runInProcess } from '../helpers/inproc.js';
import { createDatabase, queryServer, serverAvailable } from '../helpers/server.js';

const V1 = `tables:
  teams:
    columns:
      id: { type: bigint, primary_key: true }
  users:
    columns:
      id: { type: bigint, primary_key: true }
      email: text
      team_id: bigint
`;
const V2 = `tables:
  teams:
    columns:
      id: { type: bigint, primary_key: true }
  users:
    columns:
      id: { type: bigint, primary_key: true }
      email: { type: text, nullable: false }
      team_id: { type: bigint, references: teams.id }
      token: { type: uuid, nullable: false, default: { sql: gen_random_uuid() } }
    indexes:
      users_email_idx: { columns: [email] }
`;

const up = await serverAvailable();

describe.skipIf(!up)('upgrade --online on the server', () => {
  let dir: string;
  const dbs: { url: string; drop: () => Promise<void> }[] = [];
  const fresh = async () => {
    const d = await createDatabase('sv_online');
    dbs.push(d);
    return d.url;
  };
  const sql = queryServer;
  /** atV1 deploys V1 and fills it: 2 teams, 1,000 users (one pointing at a missing team when `bad`). */
  const atV1 = async (bad = false) => {
    const url = await fresh();
    const r = await runInProcess(dir, ['upgrade', 'HEAD~1', '--url', url]);
    expect(r.code, r.stderr).toBe(0);
    await sql(
      url,
      `INSERT INTO teams VALUES (1), (2); INSERT INTO users SELECT g, 'u' || g, 1 + g % 2 FROM generate_series(1, 1000) g`,
    );
    if (bad) await sql(url, `UPDATE users SET team_id = 99 WHERE id = 500`);
    return url;
  };
  beforeAll(async () => {
    dir = await onlineProject('sv-online-', V1, V2, runInProcess);
  }, 300_000);
  afterAll(async () => {
    for (const d of dbs) await d.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs each step on its own and ends at the target, rows kept and filled', async () => {
    const url = await atV1();
    const r = await runInProcess(dir, ['upgrade', '--online', '--url', url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/step \d+\/\d+: create index users_email_idx on users \(concurrently\)/);
    const chk = await runInProcess(dir, ['check', '--url', url]);
    expect(chk.code, chk.stdout + chk.stderr).toBe(0);
    const [n] = await sql<{ n: string }>(url, 'SELECT count(*) AS n FROM users WHERE token IS NOT NULL');
    expect(Number(n!.n)).toBe(1000);
    const [v] = await sql(url, 'SELECT online_to, online_done FROM schemaver_version');
    expect(v).toEqual({ online_to: null, online_done: null });
    const [ix] = await sql<{ valid: boolean }>(
      url,
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass`,
    );
    expect(ix!.valid).toBe(true);
  }, 120_000);

  it('a failed step leaves the steps before it recorded; a rerun continues at that step', async () => {
    const url = await atV1(true);
    const r = await runInProcess(dir, ['upgrade', '--online', '--url', url]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('validate foreign key users_team_id_fkey');
    expect(r.stderr).toMatch(/continues at step (\d+)/);
    const step = Number(/continues at step (\d+)/.exec(r.stderr)![1]);
    const [v] = await sql<{ online_done: number; commit_id: string }>(
      url,
      'SELECT commit_id, online_done FROM schemaver_version',
    );
    expect(v!.online_done).toBe(step - 1);
    // the version table says which steps ran, and `current` says so
    const cur = await runInProcess(dir, ['current', '--url', url]);
    expect(cur.stdout).toContain(`stopped after step ${step - 1} of`);
    // a one-transaction deploy refuses to start over the unfinished edge
    const classic = await runInProcess(dir, ['upgrade', '--url', url]);
    expect(classic.code).toBe(1);
    expect(classic.stderr).toContain('error[online-in-progress]');
    await sql(url, 'UPDATE users SET team_id = 1 WHERE id = 500');
    const again = await runInProcess(dir, ['upgrade', '--online', '--url', url]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`at step ${step} of`);
    expect((await runInProcess(dir, ['check', '--url', url])).code).toBe(0);
    const h = await sql(url, `SELECT count(*)::int AS n FROM schemaver_history WHERE direction = 'up'`);
    expect(h[0]).toEqual({ n: 2 });
  }, 120_000);

  it('retries a step whose lock is held longer than lock_timeout', async () => {
    const url = await atV1();
    writeFileSync(join(dir, 'schemaver.yaml'), 'online: { lock_timeout: 100ms, retries: 8 }\n');
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN; LOCK TABLE users IN SHARE MODE');
      // online from schemaver.yaml; a child process, so the polling below runs beside it, not on its event loop
      const run = runCli(dir, ['upgrade', '--url', url]);
      // release the lock 700 ms after the deploy is first seen waiting for it (several 100 ms waits and retries)
      for (let seen = 0, t = Date.now(); Date.now() - t < 60_000;) {
        const [w] = await sql<{ n: number }>(
          url,
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'users'::regclass`,
        );
        if (w!.n > 0 && !seen) seen = Date.now();
        if (seen && Date.now() - seen > 700) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      await holder.query('COMMIT');
      const r = await run;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/lock not granted within lock_timeout 100ms; retry 1\/8/);
    } finally {
      await holder.end();
      rmSync(join(dir, 'schemaver.yaml'));
    }
    expect((await runInProcess(dir, ['check', '--url', url])).code).toBe(0);
  }, 120_000);

  it('upgrade --sql --online is a psql script that does the same', async () => {
    const url = await atV1();
    const s = await runInProcess(dir, ['upgrade', '--sql', '--online', '--url', url]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain('CREATE INDEX CONCURRENTLY users_email_idx');
    // the CONCURRENTLY statement is outside a transaction: the last BEGIN/COMMIT before it is a COMMIT
    const before = s.stdout.slice(0, s.stdout.indexOf('CREATE INDEX CONCURRENTLY'));
    expect(before.lastIndexOf('\nCOMMIT;')).toBeGreaterThan(before.lastIndexOf('\nBEGIN;'));
    const file = join(dir, 'online.sql');
    writeFileSync(file, s.stdout);
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, url], { stdio: 'pipe' });
    expect((await runInProcess(dir, ['check', '--url', url])).code).toBe(0);
  }, 120_000);
});
