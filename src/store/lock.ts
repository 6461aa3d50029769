/**
 * The store lock: `.schemaver/schemaver.lock`, created with O_EXCL and holding `pid@host` plus the process start
 * time (src/proc.ts). One writer at a time; a second gets exit 3. A lock whose process is gone (same host, pid dead,
 * or the pid reused by a process that started later) is stale and taken over; so is an empty or unreadable lock
 * file older than a moment (a write that failed, e.g. on a full disk). A failed write removes its own lock file.
 */
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { envFailure, envFromErrno } from '../errors.js';
import { myStamp, parseStamp, stampAlive } from '../proc.js';

/** LOCK_FILE is the name of the lock file inside the gitdir. */
export const LOCK_FILE = 'schemaver.lock';

/** LockHolder is what a lock file says about its owner. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly started?: string;
}

/** acquireLock creates the lock file or throws SchemaverError `store-locked` (exit 3); returns a release function. */
export async function acquireLock(gitdir: string): Promise<() => Promise<void>> {
  const path = join(gitdir, LOCK_FILE);
  const me = myStamp();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(path, 'wx');
      try {
        await fh.writeFile(me);
        await fh.close();
      } catch (e) {
        // a lock we could not write (full disk...) must not block the next command
        await fh.close().catch(() => {});
        await fsp.rm(path, { force: true }).catch(() => {});
        throw e;
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
        throw (
          envFromErrno(e) ??
          envFailure('store-unwritable', `cannot create ${path}: ${(e as Error).message}`, 'check .schemaver/', e)
        );
      }
    }
    const holder = await readHolder(path);
    if (holder === 'directory') {
      throw envFailure(
        'store-lock-invalid',
        `${join('.schemaver', LOCK_FILE)} is a directory, not a lock file`,
        `no schemaver command makes it a directory: if no schemaver is running, remove it (rmdir ${join('.schemaver', LOCK_FILE)})`,
        undefined,
        { lock: path },
      );
    }
    if (holder === 'empty') {
      // created but not yet written by its owner: give it a moment.
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (holder && !stampAlive(holder)) {
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

/** readHolder reads a lock file: its holder, 'empty' while being written, 'directory' when it is not a file. */
async function readHolder(path: string): Promise<LockHolder | 'empty' | 'directory' | undefined> {
  let text: string;
  let mtime: number;
  try {
    const st = await fsp.lstat(path);
    if (st.isDirectory()) return 'directory';
    mtime = st.mtimeMs;
    text = await fsp.readFile(path, 'utf8');
  } catch {
    return { pid: -1, host: hostname() }; // vanished: treat as dead, retry
  }
  const stamp = parseStamp(text);
  if (stamp) return stamp;
  if (text === '' && Date.now() - mtime < 2000) return 'empty';
  return { pid: -1, host: hostname() }; // garbage or long-empty: stale
}
