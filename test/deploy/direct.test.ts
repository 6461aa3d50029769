/**
 * Paths that lose nothing the endpoints keep (issue 12 item 4): a database on a feature branch (body varchar(300),
 * a 250-character value) upgraded to main (body text) would go down to the branch point (varchar(200)) and up
 * again, losing the value; the direct migration between the two snapshots keeps it. upgrade takes the direct
 * migration, proven in PGlite, and `upgrade --sql` says which path it took and why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess as runCli } from '../helpers/inproc.js';
import { createDatabase, queryServer, serverAvailable } from '../helpers/server.js';

const yaml = (type: string, extra = '') =>
  `tables:\n  notes:\n    columns:\n      id: { type: bigint, primary_key: true }\n      body: ${type}\n${extra}`;

const up = await serverAvailable();

describe.skipIf(!up)('upgrade across branches keeps what both endpoints keep', () => {
  let dir: string;
  let db: { url: string; drop: () => Promise<void> };
  const q = (text: string) => queryServer(db.url, text);
  const ok = async (args: string[]) => {
    const r = await runCli(dir, args);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    return r;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sv-direct-'));
    db = await createDatabase('sv_direct');
    await ok(['init']);
    writeFileSync(join(dir, 'schema', 'main.yaml'), yaml('varchar(200)'));
    await ok(['commit', '-m', 'c1 varchar(200)']);
    await ok(['checkout', '-b', 'feature']);
    writeFileSync(join(dir, 'schema', 'main.yaml'), yaml('varchar(300)'));
    await ok(['commit', '-m', 'c2 varchar(300)']);
    await ok(['checkout', 'main']);
    writeFileSync(join(dir, 'schema', 'main.yaml'), yaml('text'));
    await ok(['commit', '-m', 'c3 text']);
    await ok(['upgrade', 'feature', '--url', db.url]);
    await q(`INSERT INTO notes VALUES (1, repeat('x', 250))`);
  }, 300_000);
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('upgrade --sql takes the direct migration and says why', async () => {
    const r = await ok(['upgrade', 'main', '--sql', '--url', db.url]);
    expect(r.stdout).toMatch(/path: direct migration [0-9a-f]{7} -> [0-9a-f]{7}/);
    expect(r.stdout).toMatch(/the commit path .*\(down\).* would lose data: alter column notes\.body/);
    expect(r.stdout).toContain('ALTER TABLE public.notes ALTER COLUMN body TYPE text');
    expect(r.stdout).not.toContain('varchar(200)');
    expect(r.stdout).not.toContain('WARNING: this script loses data');
  });

  it('upgrade runs it without --allow-destructive and the 250-character value survives', async () => {
    await ok(['upgrade', 'main', '--url', db.url]);
    expect(await q('SELECT length(body) AS n FROM notes')).toEqual([{ n: 250 }]);
    expect((await runCli(dir, ['check', '--url', db.url])).code).toBe(0);
    const [h] = await q(`SELECT from_commit, to_commit, direction FROM schemaver_history ORDER BY id DESC LIMIT 1`);
    const log = (await ok(['log', '--oneline', '--all'])).stdout;
    expect(log).toContain(String(h!.to_commit).slice(0, 7));
    expect(h!.direction).toBe('up');
  });
});
