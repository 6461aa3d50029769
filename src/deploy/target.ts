/**
 * Which database a deploy command talks to: `--url`, else DATABASE_URL, else the embedded PGlite database
 * in `<root>/.schemaver/local/` (created on first use, ignored by git, one schemaver process at a time).
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SchemaverError, envFailure, envFromErrno } from '../errors.js';
import { keepsDatabases, myStamp, onRelease, parseStamp, stampAlive } from '../proc.js';
import { type Driver, queryAll } from '../pg/driver.js';
import { connectUrl } from '../pg/server.js';
import { PGLITE_EXTENSIONS, openPglite, type pgliteDriver } from '../pg/pglite.js';
import { pinSettings } from '../pg/settings.js';
import type { Schema } from '../model/types.js';
import {
  fingerprintDir,
  readLocalCatalog,
  readLocalState,
  rekeyLocalCatalog,
  writeLocalCatalog,
  writeLocalState,
  type VersionState,
} from './localstate.js';
import { readHistory, readRecorded } from './versions.js';

/** TargetOptions say where to look for the target. */
export interface TargetOptions {
  readonly root: string;
  /** url: the --url flag. */
  readonly url?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** create: make the local PGlite database when it does not exist yet (false: report no database). */
  readonly create?: boolean;
  /** extensions the local PGlite database must be able to load (those of the snapshots involved). */
  readonly extensions?: readonly string[];
  /** waitMs: how long to wait for another process holding the local database (default 60 s). */
  readonly waitMs?: number;
  /** onWait is told once when another process holds the local database. */
  readonly onWait?: (line: string) => void;
}

/** Target is an opened target; `db` is undefined when the local database does not exist and `create` was false. */
export interface Target {
  readonly kind: 'postgres' | 'pglite';
  readonly label: string;
  readonly db?: Driver;
  /** localDir: the PGlite data directory for the embedded database. */
  readonly localDir?: string;
  close(): Promise<void>;
}

/** localDir is where the embedded database of a project lives. */
export function localDir(root: string): string {
  return path.join(root, '.schemaver', 'local');
}

/** targetUrl picks the server URL: --url, else DATABASE_URL, else undefined (embedded PGlite). */
export function targetUrl(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (url !== undefined && url !== '') return url;
  const e = env.DATABASE_URL;
  return e !== undefined && e !== '' ? e : undefined;
}

/** lockLocal takes `.schemaver/local.lock` (O_EXCL, pid and start time inside), waiting for a live holder and clearing a dead one. */
export async function lockLocal(
  root: string,
  waitMs = 60_000,
  onWait?: (line: string) => void,
): Promise<() => Promise<void>> {
  const file = path.join(root, '.schemaver', 'local.lock');
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      const fh = await open(file, 'wx');
      try {
        await fh.writeFile(myStamp());
        await fh.close();
      } catch (e) {
        await fh.close().catch(() => {});
        await rm(file, { force: true }).catch(() => {});
        throw e;
      }
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        await rm(file, { force: true });
      };
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw (
          envFromErrno(e) ??
          envFailure(
            'local-lock-failed',
            `cannot lock the local database: ${(e as Error).message}`,
            'check .schemaver/',
          )
        );
    }
    if ((await stat(file).catch(() => undefined))?.isDirectory()) {
      throw envFailure(
        'local-lock-invalid',
        '.schemaver/local.lock is a directory, not a lock file',
        'no schemaver command makes it a directory: if no schemaver is running, remove it (rmdir .schemaver/local.lock)',
      );
    }
    const holder = parseStamp(await readFile(file, 'utf8').catch(() => ''));
    if (!holder || !stampAlive(holder)) {
      // A crashed run left the file behind (or it is being written right now: give it a moment).
      await new Promise((r) => setTimeout(r, 50));
      const again = parseStamp(await readFile(file, 'utf8').catch(() => ''));
      if (!again || !stampAlive(again)) await rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw envFailure(
        'local-database-busy',
        `the local database .schemaver/local is in use by another schemaver process (pid ${holder.pid})`,
        'wait for it to finish, or stop it',
        undefined,
        { pid: holder.pid },
      );
    }
    if (!told) {
      told = true;
      onWait?.(`waiting for schemaver process ${holder.pid}, which is using the local database...`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** openTarget opens the database a deploy command works on. */
export async function openTarget(opts: TargetOptions): Promise<Target> {
  const url = targetUrl(opts.url, opts.env);
  if (url !== undefined) {
    const db = await connectUrl(url);
    return { kind: 'postgres', label: db.label, db, close: () => db.close() };
  }
  const gitdir = path.join(opts.root, '.schemaver');
  if (!existsSync(gitdir)) {
    throw new SchemaverError({
      code: 'no-store',
      message: `no .schemaver store in ${opts.root}`,
      hint: 'run `schemaver init` first, or pass --url to work on a server',
      exit: 2,
    });
  }
  const dir = localDir(opts.root);
  const label = 'pglite:.schemaver/local';
  const exists = existsSync(path.join(dir, 'PG_VERSION'));
  if (!exists && !opts.create) return { kind: 'pglite', label, localDir: dir, close: async () => {} };
  const release = await lockLocal(opts.root, opts.waitMs, opts.onWait);
  try {
    if (!exists) await prepareNewDir(dir);
    // taken under the lock: what the directory holds until this command releases it
    const fingerprint = exists ? fingerprintDir(dir) : undefined;
    const cached = fingerprint === undefined ? undefined : readLocalState(dir, fingerprint);
    const db = localDriver(opts.root, dir, label, opts.extensions ?? [], cached, fingerprint, release);
    if (!exists) await db.query('SELECT 1'); // create the cluster now: `create` promises a database on disk
    return { kind: 'pglite', label, db, localDir: dir, close: () => db.close() };
  } catch (e) {
    await release();
    throw e;
  }
}

/** prepareNewDir readies the directory PGlite creates a cluster in (it wants it empty or absent). */
async function prepareNewDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const stray = (await readdir(dir)).filter((f) => f !== '.gitignore');
  if (stray.length === 0 && existsSync(path.join(dir, '.gitignore'))) await rm(path.join(dir, '.gitignore'));
}

/**
 * localDriver is the embedded database, started on its first statement (or a database parked by an earlier command of
 * this process taken back, see Parked). Until then `cachedVersions` answers from the copy kept beside the data
 * directory (when it still matches), so read-only commands need no PGlite at all. Closing a started database records
 * what its version tables hold for the next command.
 */
function localDriver(
  root: string,
  dir: string,
  label: string,
  extensions: readonly string[],
  cached: VersionState | undefined,
  fingerprint: string | undefined,
  release: () => Promise<void>,
): Driver {
  let opened: Promise<Local> | undefined;
  let ran = 0; // statements asked of the database, so a catalog read is kept only when nothing ran after it
  let read: { variant: string; schema: Schema; at: number } | undefined;
  const start = async (): Promise<Driver> => {
    ran++;
    return (await (opened ??= startLocal(dir, fingerprint, extensions))).db;
  };
  return {
    kind: 'pglite',
    label,
    query: async (sql, params) => (await start()).query(sql, params),
    exec: async (sql) => (await start()).exec(sql),
    batch: async (sqls) => queryAll(await start(), sqls),
    cachedVersions: () => (opened === undefined ? cached : undefined),
    cachedCatalog: (variant) =>
      opened === undefined && fingerprint !== undefined ? readLocalCatalog(dir, fingerprint, variant) : undefined,
    keepCatalog: (variant, schema) => void (read = { variant, schema, at: ran }),
    close: async () => {
      try {
        const local = opened === undefined ? undefined : await opened.catch(() => undefined);
        if (local === undefined) return; // never started, or failed to start (that error was already reported)
        const catalog = read?.at === ran && outsideTransaction(local.db) ? read : undefined;
        let state: VersionState | undefined;
        try {
          state = { recorded: await readRecorded(local.db), history: await readHistory(local.db) };
        } catch {
          state = undefined; // e.g. a failed transaction still open: the next command asks PostgreSQL
        }
        let kept: string | undefined;
        if (state && keepsDatabases()) kept = await park(root, dir, local, state);
        if (kept === undefined) {
          await local.db.close();
          kept = await writeLocalState(dir, state).catch(() => writeLocalState(dir, undefined).catch(() => undefined));
        }
        if (catalog && kept !== undefined)
          await writeLocalCatalog(dir, kept, catalog.variant, catalog.schema).catch(() => undefined);
      } finally {
        await release();
      }
    },
  };
}

/**
 * outsideTransaction tells whether a session is outside a transaction block, so what it read is committed and not
 * undone by the close (PGlite's own account of the protocol's ready-for-query status; false when it cannot tell).
 */
function outsideTransaction(db: Driver): boolean {
  const pg = (db as Partial<ReturnType<typeof pgliteDriver>>).pglite;
  return pg?.isInTransaction() === false;
}

/** startLocal takes back the database parked for `dir` (see Parked), else starts PGlite on it. */
async function startLocal(dir: string, fingerprint: string | undefined, extensions: readonly string[]): Promise<Local> {
  const local = (await unpark(dir, fingerprint, extensions)) ?? (await openLocal(dir, extensions));
  try {
    // every command that starts it (or takes it back) keeps the directory out of git
    await writeFile(path.join(dir, '.gitignore'), '# the embedded database of schemaver: never committed\n*\n');
  } catch (e) {
    await local.db.close().catch(() => undefined);
    throw e;
  }
  return local;
}

/** Local is a started embedded database and the extension bundles it was started with. */
interface Local {
  readonly db: Driver;
  readonly extensions: ReadonlySet<string>;
}

/**
 * Parked is an embedded database a command of this process left open for the next one, in a host that keeps
 * databases from one command to the next (proc.ts keepsDatabases: the tests' in-process runner; a user's process runs
 * one command, which closes it): its session discarded, checkpointed (a single-user PGlite writes nothing more until
 * it is asked something), the fingerprint of its data directory taken after that, and the lock released. A command
 * takes it back (unpark) only when the directory, under the lock, still has that fingerprint: nothing wrote to it
 * since. Otherwise it is dropped unclosed: its shutdown checkpoint would write over what changed the directory.
 * At most one per thread (on globalThis: the built and the source copies of this module share it); the host's
 * release (proc.ts onRelease) closes it, under the lock and only while the directory is unchanged.
 */
interface Parked extends Local {
  readonly root: string;
  readonly dir: string;
  readonly fingerprint: string;
  readonly state: VersionState;
}

/** ParkingLot is the thread's parked database, whether the host's release was asked to retire it, and counts for tests. */
interface ParkingLot {
  parked?: Parked;
  registered: boolean;
  readonly counts: { parked: number; reused: number; dropped: number };
}

/** parkingLot is the thread's ParkingLot. */
export const parkingLot: ParkingLot = ((globalThis as Record<symbol, unknown>)[Symbol.for('schemaver.parkedLocal')] ??=
  {
    registered: false,
    counts: { parked: 0, reused: 0, dropped: 0 },
  } satisfies ParkingLot) as ParkingLot;

/**
 * park leaves a started database open for the next command (see Parked) and returns the fingerprint its directory
 * was kept under; undefined when it cannot (then close it).
 */
async function park(root: string, dir: string, local: Local, state: VersionState): Promise<string | undefined> {
  try {
    await local.db.exec('DISCARD ALL'); // fails inside a transaction block: a session still in one is closed instead
    await local.db.exec('CHECKPOINT');
    const fingerprint = await writeLocalState(dir, state);
    if (fingerprint === undefined) return undefined;
    const before = parkingLot.parked;
    parkingLot.parked = { ...local, root, dir, fingerprint, state };
    parkingLot.counts.parked++;
    if (before) await retire(before);
    if (!parkingLot.registered) {
      parkingLot.registered = true;
      onRelease(async () => {
        parkingLot.registered = false;
        const p = parkingLot.parked;
        parkingLot.parked = undefined;
        if (p) await retire(p);
      });
    }
    return fingerprint;
  } catch {
    return undefined;
  }
}

/**
 * unpark takes back the database parked for `dir` when the directory still has the fingerprint it was parked with
 * (`fingerprint`, taken under this command's lock) and it has the extension bundles wanted; a parked database that
 * does not serve is closed (unchanged directory) or dropped (changed). Undefined: start one.
 */
async function unpark(
  dir: string,
  fingerprint: string | undefined,
  extensions: readonly string[],
): Promise<Local | undefined> {
  const p = parkingLot.parked;
  if (p?.dir !== dir) return undefined;
  parkingLot.parked = undefined;
  if (p.fingerprint !== fingerprint) {
    parkingLot.counts.dropped++; // written by someone else since: never touched again
    return undefined;
  }
  const missing = extensions.some((x) => PGLITE_EXTENSIONS[x] !== undefined && !p.extensions.has(x));
  try {
    if (!missing) {
      await pinSettings(p.db); // DISCARD ALL reset them
      parkingLot.counts.reused++;
      return p;
    }
  } catch {
    /* closed below: a fresh start answers */
  }
  await p.db.close().catch(() => undefined);
  return undefined;
}

/** retire closes a parked database under its lock while its directory is unchanged, else drops it (see Parked). */
async function retire(p: Parked): Promise<void> {
  let release: (() => Promise<void>) | undefined;
  try {
    release = await lockLocal(p.root, 0);
    if (fingerprintDir(p.dir) !== p.fingerprint) throw new Error('changed');
  } catch {
    parkingLot.counts.dropped++; // busy, gone or changed: left unclosed
    await release?.();
    return;
  }
  try {
    await p.db.close();
    const fingerprint = await writeLocalState(p.dir, p.state);
    if (fingerprint !== undefined) await rekeyLocalCatalog(p.dir, p.fingerprint, fingerprint);
  } catch {
    await writeLocalState(p.dir, undefined).catch(() => undefined);
  } finally {
    await release();
  }
}

/**
 * LOCAL_CONF: the embedded database's buffer pool is 16 MB, not PostgreSQL's 128 MB. PGlite zeroes its whole pool at
 * every start (~0.15 s of CPU for 128 MB), and every command starts it anew, so a pool is only ever as warm as what one
 * command reads; pages it does not hold are read from the data directory through the operating system's cache.
 */
const LOCAL_CONF = ['shared_buffers = 16MB'];

/** openLocal starts PGlite on the data directory with the extension bundles it needs. */
async function openLocal(dir: string, extensions: readonly string[]): Promise<Local> {
  const wanted = new Set(extensions.filter((x) => PGLITE_EXTENSIONS[x] !== undefined));
  let db = await openPglite(dir, { extensions: [...wanted], conf: LOCAL_CONF });
  // Extensions created earlier need their bundle loaded too: reopen with them when missing.
  const have = (await db.query<{ extname: string }>('SELECT extname FROM pg_extension')).map((r) => r.extname);
  const missing = have.filter((x) => !wanted.has(x) && PGLITE_EXTENSIONS[x] !== undefined);
  if (missing.length) {
    await db.close();
    for (const m of missing) wanted.add(m);
    db = await openPglite(dir, { extensions: [...wanted], conf: LOCAL_CONF });
  }
  return { db, extensions: wanted };
}
