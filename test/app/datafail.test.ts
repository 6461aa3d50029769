/**
 * Data-aware proof (issue 12 item 1): a step that works on empty tables but fails on rows is refused like a
 * destructive one — commit, merge, verify and upgrade --sql name the step, the table and PostgreSQL's error with
 * a hint; --allow-empty-only accepts it. With a `default:` the same column commits and upgrades a server
 * database holding 10,000 rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/inproc.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

const V1 = 'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      name: text\n';
const slug = (extra: string) => `${V1}      slug: { type: text, nullable: false${extra} }\n`;

interface Failure {
  phase: string;
  step: string;
  table?: string;
  error: string;
  code?: string;
  hint: string;
}

describe('a NOT NULL column without default on a table with rows', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sv-datafail-'));
    expect((await runInProcess(dir, ['init'])).code).toBe(0);
    writeFileSync(join(dir, 'schema', 'schema.yaml'), V1);
    const c = await runInProcess(dir, ['commit', '-m', 'users']);
    expect(c.code, c.stderr).toBe(0);
    writeFileSync(join(dir, 'schema', 'schema.yaml'), slug(''));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses the commit naming the step, the table and the error, with a hint to declare a default', async () => {
    const r = await runInProcess(dir, ['commit', '-m', 'slug']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('error[fails-on-data]');
    expect(r.stderr).toContain('add column users.slug');
    expect(r.stderr).toContain('public.users');
    expect(r.stderr).toContain('contains null values');
    expect(r.stderr).toContain('`default:`');
    expect(r.stderr).toContain('--allow-empty-only');
    const log = await runInProcess(dir, ['log', '--oneline']);
    expect(log.stdout.trim().split('\n')).toHaveLength(1); // nothing written
  });

  it('--json carries the failures; a second attempt (cached proof) refuses the same way', async () => {
    const r = await runInProcess(dir, ['commit', '-m', 'slug', '--json']);
    expect(r.code).toBe(1);
    const e = r.json<{ error: { code: string; data: { failures: Failure[] } } }>().error;
    expect(e.code).toBe('fails-on-data');
    expect(e.data.failures).toHaveLength(1);
    expect(e.data.failures[0]).toMatchObject({
      phase: 'up',
      step: 'add column users.slug',
      table: 'public.users',
      code: '23502',
    });
  });

  it('commits with --allow-empty-only and says so; verify and upgrade --sql say the same', async () => {
    const r = await runInProcess(dir, ['commit', '-m', 'slug', '--allow-empty-only', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<{ migrations: { failsOnData?: Failure[] }[] }>();
    expect(j.migrations[0]!.failsOnData?.[0]).toMatchObject({ step: 'add column users.slug', code: '23502' });
    const v = await runInProcess(dir, ['verify', '--force']);
    expect(v.code, v.stdout + v.stderr).toBe(1);
    expect(v.stderr).toContain('error[fails-on-data]');
    expect(v.stdout).toContain('add column users.slug');
    expect((await runInProcess(dir, ['verify', '--allow-empty-only'])).code).toBe(0);
    const sql = await runInProcess(dir, ['upgrade', '--sql', '--from', 'HEAD~1']);
    expect(sql.code, sql.stderr).toBe(0);
    expect(sql.stdout).toMatch(/WARNING: these steps work on empty tables but fail on tables holding rows/);
    expect(sql.stdout).toContain('add column users.slug on table public.users');
    const js = await runInProcess(dir, ['upgrade', '--sql', '--from', 'HEAD~1', '--json']);
    expect(js.json<{ failsOnData: Failure[] }>().failsOnData[0]).toMatchObject({ code: '23502' });
  });
});

describe('the same column with a default', () => {
  it('commits and upgrades a server database holding 10,000 rows', async (ctx) => {
    if (!(await serverAvailable())) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'sv-datafail-ok-'));
    const db = await createDatabase('sv_datafail');
    try {
      expect((await runInProcess(dir, ['init'])).code).toBe(0);
      writeFileSync(join(dir, 'schema', 'schema.yaml'), V1);
      expect((await runInProcess(dir, ['commit', '-m', 'users'])).code).toBe(0);
      const up1 = await runInProcess(dir, ['upgrade', '--url', db.url]);
      expect(up1.code, up1.stderr).toBe(0);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        await c.query(`INSERT INTO users (id, name) SELECT g, 'n' || g FROM generate_series(1, 10000) g`);
        writeFileSync(join(dir, 'schema', 'schema.yaml'), slug(", default: 'none'"));
        const r = await runInProcess(dir, ['commit', '-m', 'slug with a default']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('verified in PGlite');
        const up2 = await runInProcess(dir, ['upgrade', '--url', db.url]);
        expect(up2.code, up2.stderr).toBe(0);
        const { rows } = await c.query<{ n: string; filled: string }>(
          `SELECT count(*) AS n, count(*) FILTER (WHERE slug = 'none') AS filled FROM users`,
        );
        expect(rows[0]).toEqual({ n: '10000', filled: '10000' });
      } finally {
        await c.end();
      }
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
