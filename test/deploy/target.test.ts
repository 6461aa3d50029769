import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockLocal, openTarget, targetUrl } from '../../src/deploy/target.js';
import { SchemaverError } from '../../src/errors.js';

describe('target selection', () => {
  it('--url wins over DATABASE_URL; an empty value counts as absent', () => {
    expect(targetUrl('postgres://a/x', { DATABASE_URL: 'postgres://b/y' })).toBe('postgres://a/x');
    expect(targetUrl(undefined, { DATABASE_URL: 'postgres://b/y' })).toBe('postgres://b/y');
    expect(targetUrl('', { DATABASE_URL: '' })).toBeUndefined();
    expect(targetUrl(undefined, {})).toBeUndefined();
  });
});

describe('the local database', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sv-target-'));
    mkdirSync(join(root, '.schemaver'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is not created by read-only commands, is created on first use with a .gitignore, and persists', async () => {
    const none = await openTarget({ root, create: false });
    expect(none.db).toBeUndefined();
    expect(existsSync(join(root, '.schemaver', 'local'))).toBe(false);
    const t = await openTarget({ root, create: true });
    await t.db!.exec('CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
    await t.close();
    expect(readFileSync(join(root, '.schemaver', 'local', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(existsSync(join(root, '.schemaver', 'local.lock'))).toBe(false);
    const again = await openTarget({ root, create: false });
    expect(await again.db!.query('SELECT x FROM kept')).toEqual([{ x: 42 }]);
    expect(again.label).toBe('pglite:.schemaver/local');
    await again.close();
  });

  it('fails with a hint outside a project', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'sv-target-'));
    try {
      await expect(openTarget({ root: bare, create: true })).rejects.toMatchObject({ exit: 2, code: 'no-store' });
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('one process at a time: a live holder makes others wait (then fail cleanly), a dead one is cleared', async () => {
    const lock = join(root, '.schemaver', 'local.lock');
    writeFileSync(lock, '999999999\n'); // no such process: stale
    const release = await lockLocal(root, 1000);
    expect(readFileSync(lock, 'utf8').split(/[@\n]/)[0]).toBe(String(process.pid)); // pid@host, then its start time
    await release();
    expect(existsSync(lock)).toBe(false);

    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      writeFileSync(lock, `${child.pid}\n`);
      const waits: string[] = [];
      const t0 = Date.now();
      const err = await lockLocal(root, 400, (l) => waits.push(l)).catch((e: SchemaverError) => e);
      expect(err).toMatchObject({ exit: 3, code: 'local-database-busy' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
      expect(waits[0]).toContain(String(child.pid));
      // when the holder lets go, the waiter gets it
      setTimeout(() => rmSync(lock, { force: true }), 200);
      const r2 = await lockLocal(root, 5000);
      await r2();
    } finally {
      child.kill();
    }
  });
});
