/**
 * The store lock: `.schemaver/schemaver.lock`, created with O_EXCL and holding `pid@host`. One writer at
 * a time; a second gets exit 3. A lock whose process is gone (same host, pid dead) is stale and taken over.
 */
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { envFailure } from '../errors.js';

/** LOCK_FILE is the name of the lock file inside the gitdir. */
export const LOCK_FILE = 'schemaver.lock';

/** LockHolder is what a lock file says about its owner. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
}

/** acquireLock creates the lock file or throws SchemaverError `store-locked` (exit 3); returns a release function. */
export async function acquireLock(gitdir: string): Promise<() => Promise<void>> {
  const path = join(gitdir, LOCK_FILE);
  const me = `${process.pid}@${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(path, 'wx');
      try {
        await fh.writeFile(me);
      } finally {
        await fh.close();
      }
      return async () => {
        try {
          if ((await fsp.readFile(path, 'utf8')) === me) await fsp.rm(path, { force: true });
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw envFailure(
          'store-unwritable',
          `cannot create ${path}: ${(e as Error).message}`,
          'check the permissions of .schemaver/',
          e,
        );
      }
    }
    const holder = await readHolder(path);
    if (holder === 'empty') {
      // created but not yet written by its owner: give it a moment.
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (holder && !isAlive(holder)) {
      await fsp.rm(path, { force: true });
      continue;
    }
    const who = holder
      ? `process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}`
      : 'another process';
    throw envFailure(
      'store-locked',
      `the store is locked by ${who} (another schemaver command is writing)`,
      `wait for it to finish; if no schemaver is running, remove ${join('.schemaver', LOCK_FILE)}`,
      undefined,
      { lock: path, ...(holder ? { pid: holder.pid, host: holder.host } : {}) },
    );
  }
  throw envFailure(
    'store-locked',
    'the store lock could not be taken',
    `remove ${join('.schemaver', LOCK_FILE)} if no schemaver is running`,
  );
}

/** readHolder reads a lock file: its holder, 'empty' while being written, undefined when unreadable or unparseable. */
async function readHolder(path: string): Promise<LockHolder | 'empty' | undefined> {
  let text: string;
  let mtime: number;
  try {
    text = await fsp.readFile(path, 'utf8');
    mtime = (await fsp.stat(path)).mtimeMs;
  } catch {
    return { pid: -1, host: hostname() }; // vanished: treat as dead, retry
  }
  const m = /^(\d+)@(.*)$/.exec(text.trim());
  if (m) return { pid: Number(m[1]), host: m[2]! };
  if (text === '' && Date.now() - mtime < 2000) return 'empty';
  return { pid: -1, host: hostname() }; // garbage or long-empty: stale
}

/** isAlive tells whether a lock holder may still be running (always true for another host). */
function isAlive(h: LockHolder): boolean {
  if (h.host !== hostname()) return true;
  if (h.pid <= 0) return false;
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
