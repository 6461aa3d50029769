/**
 * Issue 15, item 7: the store lock and the local-database lock. An empty or torn lock file left by a failed write
 * does not block the next command for long; a lock whose pid now belongs to another process (started later) is
 * stale; a lock that is a directory is a clear exit-3 error; a lock write that fails (disk full) leaves no lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp, mkdtempSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SchemaverError } from '../../src/errors.js';
import { acquireLock, LOCK_FILE } from '../../src/store/lock.js';
import { lockLocal } from '../../src/deploy/target.js';
import { myStamp, parseStamp, processStart, stampAlive } from '../../src/proc.js';

let dir: string;
let other: ChildProcess;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sv-lock-'));
  mkdirSync(join(dir, '.schemaver'));
  other = spawn('sleep', ['60'], { stdio: 'ignore' }); // a live process that is not schemaver
});

afterAll(() => {
  other.kill();
  rmSync(dir, { recursive: true, force: true });
});

const lockPath = () => join(dir, '.schemaver', LOCK_FILE);

async function failure(p: Promise<unknown>): Promise<SchemaverError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SchemaverError);
  return e as SchemaverError;
}

describe('lock stamps', () => {
  it('record pid, host and start time; a live pid that started at another time is not the holder', () => {
    const me = parseStamp(myStamp())!;
    expect(me.pid).toBe(process.pid);
    expect(me.host).toBe(hostname());
    expect(stampAlive(me)).toBe(true);
    const start = processStart(other.pid!);
    expect(start).toMatch(/^\d+$/);
    expect(stampAlive({ pid: other.pid!, host: hostname(), started: start })).toBe(true);
    expect(stampAlive({ pid: other.pid!, host: hostname(), started: String(Number(start) - 1) })).toBe(false);
    expect(parseStamp('4242\n')).toEqual({ pid: 4242, host: hostname() }); // older local.lock files
    expect(parseStamp('')).toBeUndefined();
  });
});

describe('store lock', () => {
  it('takes over a lock whose pid was reused by another process', async () => {
    writeFileSync(lockPath(), `${other.pid}@${hostname()}\nstarted 1\n`);
    const release = await acquireLock(join(dir, '.schemaver'));
    expect(parseStamp(readFileSync(lockPath(), 'utf8'))?.pid).toBe(process.pid);
    await release();
  });

  it('refuses while the holder is alive and is the process that took it', async () => {
    writeFileSync(lockPath(), `${other.pid}@${hostname()}\nstarted ${processStart(other.pid!)}\n`);
    const e = await failure(acquireLock(join(dir, '.schemaver')));
    expect(e.code).toBe('store-locked');
    expect(e.exit).toBe(3);
    rmSync(lockPath());
  });

  it('an empty lock file (a write that failed) stops blocking after a moment', async () => {
    writeFileSync(lockPath(), '');
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(lockPath(), old, old);
    const release = await acquireLock(join(dir, '.schemaver'));
    await release();
    expect(() => readFileSync(lockPath())).toThrow();
  });

  it('a lock that is a directory is a clear exit-3 error', async () => {
    mkdirSync(lockPath());
    try {
      const e = await failure(acquireLock(join(dir, '.schemaver')));
      expect(e.code).toBe('store-lock-invalid');
      expect(e.exit).toBe(3);
      expect(e.message).toContain('is a directory');
      expect(e.hint).toContain('rmdir');
    } finally {
      rmSync(lockPath(), { recursive: true });
    }
  });

  it('a lock write that fails with a full disk says so and leaves no lock file behind', async () => {
    const real = fsp.open.bind(fsp);
    const spy = vi.spyOn(fsp, 'open').mockImplementation((async (...args: Parameters<typeof fsp.open>) => {
      const fh = await real(...args);
      fh.writeFile = async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
          syscall: 'write',
          path: String(args[0]),
        });
      };
      return fh;
    }) as typeof fsp.open);
    try {
      const e = await failure(acquireLock(join(dir, '.schemaver')));
      expect(e.code).toBe('disk-full');
      expect(e.exit).toBe(3);
      expect(e.hint).toMatch(/free space/);
      expect(`${e.message} ${e.hint}`).not.toMatch(/bug in schemaver|permission/);
    } finally {
      spy.mockRestore();
    }
    const release = await acquireLock(join(dir, '.schemaver')); // nothing left blocking
    await release();
  });
});

describe('local database lock', () => {
  const local = () => join(dir, '.schemaver', 'local.lock');

  it('takes over a reused pid, and refuses a directory', async () => {
    writeFileSync(local(), `${other.pid}@${hostname()}\nstarted 1\n`);
    const release = await lockLocal(dir, 1000);
    await release();
    mkdirSync(local());
    try {
      const e = await failure(lockLocal(dir, 1000));
      expect(e.code).toBe('local-lock-invalid');
      expect(e.exit).toBe(3);
    } finally {
      rmSync(local(), { recursive: true });
    }
  });

  it('waits for a live holder that is the process that took it', async () => {
    writeFileSync(local(), `${other.pid}@${hostname()}\nstarted ${processStart(other.pid!)}\n`);
    const e = await failure(lockLocal(dir, 300));
    expect(e.code).toBe('local-database-busy');
    rmSync(local());
  });
});
