/**
 * The online forms of UNIQUE, PRIMARY KEY and a rewriting type change (issue 12) deployed with `upgrade --online`
 * on the PostgreSQL server over rows: the key's index is built CONCURRENTLY and attached with USING INDEX; when the
 * rows break it, the step fails, PostgreSQL leaves an INVALID index behind, and the rerun (rows fixed) drops that
 * leftover, builds it again and finishes. int -> bigint runs as it is (no online form), in a step of its own.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineProject } from '../helpers/cli.js';
import { runInProcess as runCli } from '../helpers/inproc.js';
import { createDatabase, queryServer, serverAvailable } from '../helpers/server.js';

const V1 = `tables:
  accounts:
    columns:
      id: bigint
      email: text
      n: int
`;
const V2 = `tables:
  accounts:
    columns:
      id: { type: bigint, primary_key: true }
      email: { type: text, unique: true }
      n: bigint
`;

const up = await serverAvailable();

describe.skipIf(!up)('upgrade --online: keys through USING INDEX, a rewrite kept, on the server', () => {
  let dir: string;
  const dbs: { url: string; drop: () => Promise<void> }[] = [];
  const sql = queryServer;
  beforeAll(async () => {
    dir = await onlineProject('sv-online-keys-', V1, V2, runCli);
  }, 300_000);
  afterAll(async () => {
    for (const d of dbs) await d.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a duplicate fails the concurrent build; the rerun drops the invalid leftover and finishes', async () => {
    const d = await createDatabase('sv_online_keys');
    dbs.push(d);
    const url = d.url;
    expect((await runCli(dir, ['upgrade', 'HEAD~1', '--url', url])).code).toBe(0);
    await sql(url, `INSERT INTO accounts SELECT g, 'a' || g, g FROM generate_series(1, 2000) g`);
    await sql(url, `UPDATE accounts SET email = 'a1' WHERE id = 1500`);
    const plan = await runCli(dir, ['plan', 'HEAD~1', 'HEAD', '--online']);
    expect(plan.stdout).toMatch(/CREATE UNIQUE INDEX CONCURRENTLY accounts_pkey ON public\.accounts \(id\)/);
    expect(plan.stdout).toMatch(/ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_key/);
    expect(plan.stdout).toMatch(/rewrites the table: no online form/);
    const lint = await runCli(dir, ['lint', 'HEAD~1..HEAD', '--online', '--json']);
    expect(lint.code).toBe(1); // the kept rewrite fails the default level, loudly
    expect(lint.json().findings.map((f: { rule: string }) => f.rule)).toEqual(['changing-column-type']);

    const r = await runCli(dir, ['upgrade', '--online', '--url', url]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('create unique index accounts_email_key');
    const [left] = await sql<{ valid: boolean }>(
      url,
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'accounts_email_key'::regclass`,
    );
    expect(left!.valid).toBe(false); // what a failed CREATE INDEX CONCURRENTLY leaves
    await sql(url, `UPDATE accounts SET email = 'a1500' WHERE id = 1500`);
    const again = await runCli(dir, ['upgrade', '--online', '--url', url]);
    expect(again.code, again.stderr).toBe(0);
    const chk = await runCli(dir, ['check', '--url', url]);
    expect(chk.code, chk.stdout + chk.stderr).toBe(0);
    const cons = await sql<{ name: string; type: string; index: string; valid: boolean }>(
      url,
      `SELECT c.conname AS name, c.contype::text AS type, i.indexrelid::regclass::text AS index, i.indisvalid AS valid
       FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid
       WHERE c.conrelid = 'accounts'::regclass ORDER BY 1`,
    );
    expect(cons).toEqual([
      { name: 'accounts_email_key', type: 'u', index: 'accounts_email_key', valid: true },
      { name: 'accounts_pkey', type: 'p', index: 'accounts_pkey', valid: true },
    ]);
    const [n] = await sql<{ t: string; rows: number }>(
      url,
      `SELECT pg_typeof(n)::text AS t, count(*) OVER ()::int AS rows FROM accounts LIMIT 1`,
    );
    expect(n).toEqual({ t: 'bigint', rows: 2000 });
  }, 180_000);
});
