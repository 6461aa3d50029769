/**
 * PGlite drivers: a fresh in-memory database restored from a cached initdb image, and persistent databases.
 * The image (a `dumpDataDir()` tarball of an empty cluster) is made once per machine and PGlite version:
 * kept gzip-compressed on disk under os.tmpdir() and uncompressed in memory, so a fresh database costs a
 * restore (~0.3 s) instead of an initdb (~2-3 s).
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { PGlite, Extension } from '@electric-sql/pglite';
import { SchemaverError, envFailure } from '../errors.js';
import { baselineWasmOnly, holdsDatabases, onRelease } from '../proc.js';
import { compilingWasm, pgliteWasm, tieringWasm, type WasmModule } from './pglitewasm.js';

export { pgliteWasm } from './pglitewasm.js';
import { pinSettings } from './settings.js';
import { type Driver, batchResults, batchScript } from './driver.js';
import { compactWal, dataDirOptions, fsBundle, withoutTemplates, writeDataDir } from './datadir.js';

export { compactWal, editTar, withoutTemplates } from './datadir.js';
import { pgliteVersionString, SMALL_LOCK_OBJECTS } from './weight.js';

export { lockWeight, pgliteVersionString, SMALL_LOCK_OBJECTS } from './weight.js';

/** PgliteOptions tune a PGlite instance. */
export interface PgliteOptions {
  /** noRetry: do not rebuild the image cache when PGlite fails to start from it (internal). */
  readonly noRetry?: boolean;
  /** extensions: names of contrib extensions (`citext`, `pgcrypto`, `uuid-ossp`...) to make available to CREATE EXTENSION. */
  readonly extensions?: readonly string[];
  /**
   * objects: how many model objects (lockWeight) the schemas this in-memory database will hold have together; up to
   * SMALL_LOCK_OBJECTS it starts with the small lock table (SMALL_LOCK_CONF). Without it, the big one.
   */
  readonly objects?: number;
  /** conf: server settings added to PGLITE_CONF (openPglite; later ones win). */
  readonly conf?: readonly string[];
}

/** PGLITE_EXTENSIONS maps extension names to the PGlite contrib module that bundles them. */
export const PGLITE_EXTENSIONS: Readonly<Record<string, string>> = {
  amcheck: 'amcheck',
  bloom: 'bloom',
  btree_gin: 'btree_gin',
  btree_gist: 'btree_gist',
  citext: 'citext',
  cube: 'cube',
  dict_int: 'dict_int',
  dict_xsyn: 'dict_xsyn',
  earthdistance: 'earthdistance',
  file_fdw: 'file_fdw',
  fuzzystrmatch: 'fuzzystrmatch',
  hstore: 'hstore',
  intarray: 'intarray',
  isn: 'isn',
  lo: 'lo',
  ltree: 'ltree',
  pageinspect: 'pageinspect',
  pg_buffercache: 'pg_buffercache',
  pg_freespacemap: 'pg_freespacemap',
  pg_surgery: 'pg_surgery',
  pg_trgm: 'pg_trgm',
  pg_visibility: 'pg_visibility',
  pg_walinspect: 'pg_walinspect',
  pgcrypto: 'pgcrypto',
  seg: 'seg',
  tablefunc: 'tablefunc',
  tcn: 'tcn',
  tsm_system_rows: 'tsm_system_rows',
  tsm_system_time: 'tsm_system_time',
  unaccent: 'unaccent',
  'uuid-ossp': 'uuid_ossp',
};

/**
 * PGLITE_CONF are server settings for every PGlite instance: a lock table big enough for one transaction that
 * creates or drops thousands of tables (each with indexes, sequences and TOAST relations). The table holds
 * max_locks_per_transaction x (max_connections + autovacuum worker slots + background workers + WAL senders + 2)
 * locks, and PGlite zeroes it (its whole shared memory) at every start: a single-user PGlite runs no WAL sender, no
 * background worker and no autovacuum worker, so those are at their minimum. Since PostgreSQL 18 the autovacuum
 * slots are autovacuum_worker_slots (default 16), not autovacuum_max_workers: at 1, the table holds 90,112 locks
 * instead of 212,992, shared memory is 46 MB instead of 80 MB, and a start costs ~25 ms less CPU (page faults and
 * memset of memory nothing reads).
 */
export const PGLITE_CONF: readonly string[] = [
  'max_connections = 8',
  'max_locks_per_transaction = 8192',
  'max_wal_senders = 0',
  'autovacuum_worker_slots = 1',
  'autovacuum_max_workers = 1',
];

/**
 * EPHEMERAL_CONF are the settings of an in-memory database (a proof's, a read-back's): PGLITE_CONF with a buffer
 * pool of 16 MB instead of 128 MB. PGlite's shared memory is zeroed WebAssembly memory, so every start pays for the
 * whole pool (about 0.1 s of CPU for the default one); the data files are in memory already, so a smaller pool
 * costs nothing measurable (building, reading back and dropping 1000 tables took the same CPU time).
 */
export const EPHEMERAL_CONF: readonly string[] = [...PGLITE_CONF, 'shared_buffers = 16MB'];

/**
 * SMALL_LOCK_CONF is the lock table of an in-memory database for small schemas (see PgliteOptions.objects): 11,264
 * locks, more than a PostgreSQL server holds with its defaults (64 per transaction x 122 backends = 7,808), so a
 * script that runs out of them would run out on such a server too. PGlite zeroes the lock table at every start: the
 * big one (90,112 locks) costs ~40 ms of CPU more per start.
 */
export const SMALL_LOCK_CONF = 'max_locks_per_transaction = 1024';

/** smallLocks tells whether a database for `objects` objects (PgliteOptions.objects) gets the small lock table. */
function smallLocks(objects: number | undefined): boolean {
  return objects !== undefined && objects <= SMALL_LOCK_OBJECTS;
}

/**
 * SMALL_BUFFERS_CONF is the buffer pool of an in-memory database for small schemas (with SMALL_LOCK_CONF): 4 MB.
 * Every start zeroes the pool, 16 MB of memory touched (page faults and memset: ~25 ms of CPU of a cold start); a
 * proof of 29 tables took the same CPU time with either pool.
 */
export const SMALL_BUFFERS_CONF = 'shared_buffers = 4MB';

/** ephemeralConf is EPHEMERAL_CONF, with the small lock table and buffer pool when `small`. */
function ephemeralConf(small: boolean): string[] {
  return small ? [...EPHEMERAL_CONF, SMALL_LOCK_CONF, SMALL_BUFFERS_CONF] : [...EPHEMERAL_CONF];
}

/** BUILTIN_EXTENSIONS are extensions every PGlite instance has without loading a bundle. */
const BUILTIN_EXTENSIONS = new Set(['plpgsql']);

/** imageCachePath is where the gzip initdb image of this PGlite version is cached on disk. */
export function imageCachePath(): string {
  const dir = process.env.SCHEMAVER_PGLITE_CACHE ?? os.tmpdir();
  return path.join(dir, `schemaver-pglite-${pgliteVersionString()}.tgz`);
}

let imageMem: Uint8Array | undefined;
let imagePending: Promise<Uint8Array> | undefined;

/** imageStats records how the last fresh database was obtained (for benchmarks and reports). */
export const imageStats = { source: '' as '' | 'memory' | 'disk' | 'initdb', initdbMs: 0, restoreMs: 0, restores: 0 };

// PGlite's WebAssembly compiles on V8's baseline tier only (proc.ts baselineWasmOnly), set before PGlite compiles
baselineWasmOnly();

let pgliteModule: Promise<typeof import('@electric-sql/pglite')> | undefined;

/** loadPgliteModule loads PGlite's JavaScript (once per thread; prewarmPglite starts it). */
export function loadPgliteModule(): Promise<typeof import('@electric-sql/pglite')> {
  pgliteModule ??= import('@electric-sql/pglite');
  return pgliteModule;
}

/**
 * tierUpForProof makes every PGlite instance this thread starts from now on (the spare a proof takes included) run
 * on a module of its own compiled to tier up (pglitewasm.ts tieringWasm; proc.ts allowWasmTierUp says why). A spare
 * of the empty cluster restored on the baseline module (or recycled by a build) is replaced by one restored on the
 * new module. Once per thread. The verification worker of a big root commit calls it as it starts (worker.ts), before
 * any database: its spare, the normalisation's builds that recycle it and the proof then run on that one module.
 */
export function tierUpForProof(): void {
  if (!tieringWasm()) return;
  const s = spare;
  if (!s || s.key !== '') return;
  spare = undefined;
  void s.db.then((d) => d?.close()).catch(() => undefined);
  prepareSpare('', undefined, s.small ? 0 : SMALL_LOCK_OBJECTS + 1);
}

/**
 * prewarmPglite starts the slow parts of a first fresh PGlite (compiling its WebAssembly, reading the image
 * freshPglite restores) in the background. Only the ephemeral image: gunzipping the full initdb image, which
 * only a new persistent database needs, would cost ~0.25 s of CPU for nothing.
 */
export function prewarmPglite(): void {
  void pgliteWasm();
  fsBundle();
  void ephemeralImage().catch(() => undefined);
  void loadPgliteModule().catch(() => undefined);
}

/** wasmOption is the PGlite.create options that reuse the compiled module and the file-system bundle, when there are. */
async function wasmOption(): Promise<{ pgliteWasmModule?: WasmModule; fsBundle?: Blob }> {
  const m = await pgliteWasm();
  const bundle = fsBundle();
  return { ...(m ? { pgliteWasmModule: m } : {}), ...(bundle ? { fsBundle: bundle } : {}) };
}

async function makeImage(): Promise<Uint8Array> {
  const file = imageCachePath();
  try {
    const gz = await readFile(file);
    const tar = new Uint8Array(gunzipSync(gz));
    imageStats.source = 'disk';
    return tar;
  } catch {
    /* not cached yet (or unreadable): make it */
  }
  const t0 = Date.now();
  const { PGlite } = await loadPgliteModule();
  const db = await PGlite.create();
  let tar: Uint8Array;
  try {
    const blob = await db.dumpDataDir('none');
    tar = new Uint8Array(await blob.arrayBuffer());
  } finally {
    await db.close();
  }
  imageStats.initdbMs = Date.now() - t0;
  imageStats.source = 'initdb';
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, gzipSync(tar, { level: 6 }));
    await rename(tmp, file); // atomic: concurrent processes each write their own tmp
  } catch {
    /* a read-only tmpdir only costs speed */
  }
  return tar;
}

/**
 * compactDump dumps the data directory of `pg` with its WAL compacted (compactWal): it switches to a new WAL
 * segment and checkpoints, so a restored copy replays nothing but that checkpoint's segment.
 */
async function compactDump(pg: PGlite): Promise<Uint8Array> {
  await pg.exec('SELECT pg_switch_wal(); CHECKPOINT');
  const [row] = (await pg.query<{ seg: string }>('SELECT redo_wal_file AS seg FROM pg_control_checkpoint()')).rows;
  const tar = new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer());
  return row?.seg ? compactWal(tar, row.seg) : tar;
}

let ephemeralMem: Uint8Array | undefined;

/** ephemeralImagePath is where the ephemeral image (ephemeralImage) is cached on disk, next to the full image. */
export function ephemeralImagePath(): string {
  return imageCachePath().replace(/\.tgz$/, '-ephemeral-compact.tar');
}

/**
 * ephemeralImage is the initdb image without template databases and with its WAL compacted (for freshPglite): made
 * once by starting PGlite on the full image and dumping it again (compactDump), then cached on disk uncompressed:
 * reading 8 MB costs less than gunzipping the full image.
 */
export function ephemeralImage(): Promise<Uint8Array> {
  if (ephemeralMem) return Promise.resolve(ephemeralMem);
  ephemeralPending ??= readEphemeralImage().finally(() => (ephemeralPending = undefined));
  return ephemeralPending;
}

let ephemeralPending: Promise<Uint8Array> | undefined;

/** readEphemeralImage reads the ephemeral image from disk (synchronously, as pgliteWasm reads), or makes it. */
async function readEphemeralImage(): Promise<Uint8Array> {
  const file = ephemeralImagePath();
  try {
    const buf = readFileSync(file);
    const raw = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength); // a plain view: no copy of 8 MB
    const magic = new TextDecoder().decode(raw.subarray(257, 262));
    if (raw.length > 1024 * 1024 && raw.length % 512 === 0 && magic === 'ustar') {
      if (!imageStats.source) imageStats.source = 'disk';
      return (ephemeralMem = raw);
    }
  } catch {
    /* not cached yet */
  }
  ephemeralMem = await compactImage(withoutTemplates(await initdbImage()));
  try {
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, ephemeralMem);
    await rename(tmp, file);
  } catch {
    /* a read-only tmpdir only costs speed */
  }
  return ephemeralMem;
}

/** compactImage is `tar` dumped again by compactDump (`tar` itself when PGlite cannot start from it). */
async function compactImage(tar: Uint8Array): Promise<Uint8Array> {
  const { PGlite } = await loadPgliteModule();
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({
      loadDataDir: new Blob([tar as Uint8Array<ArrayBuffer>]),
      postgresqlconf: [...EPHEMERAL_CONF],
      ...(await wasmOption()),
    });
    return await compactDump(db);
  } catch {
    return tar; // restoreFresh reports a cluster that does not start
  } finally {
    await db?.close().catch(() => undefined);
  }
}

/** dropImageCache forgets the cached images (memory and disk). */
async function dropImageCache(): Promise<void> {
  imageMem = undefined;
  ephemeralMem = undefined;
  await rm(imageCachePath(), { force: true }).catch(() => {});
  await rm(ephemeralImagePath(), { force: true }).catch(() => {});
}

/** initdbImage returns the uncompressed tarball of an empty cluster (made once per process, cached on disk). */
export async function initdbImage(): Promise<Uint8Array> {
  if (imageMem) return imageMem;
  imagePending ??= makeImage().then((img) => (imageMem = img));
  try {
    return await imagePending;
  } finally {
    imagePending = undefined;
  }
}

/** loadExtensionBundles imports the contrib modules for the named extensions; unknown names are an exit-3 failure. */
export async function loadExtensionBundles(names: readonly string[] = []): Promise<Record<string, Extension>> {
  const out: Record<string, Extension> = {};
  for (const name of names) {
    if (BUILTIN_EXTENSIONS.has(name)) continue;
    const mod = PGLITE_EXTENSIONS[name];
    if (!mod) {
      throw envFailure(
        'extension-unavailable',
        `extension ${name} is not available in PGlite`,
        `PGlite bundles: ${Object.keys(PGLITE_EXTENSIONS).join(', ')}; use --url to verify against a server that has it`,
      );
    }
    const m = (await import(`@electric-sql/pglite/contrib/${mod}`)) as Record<string, Extension>;
    const ext = m[mod];
    if (!ext) throw envFailure('extension-unavailable', `PGlite contrib module ${mod} exports no extension`);
    out[mod] = ext;
  }
  return out;
}

/** pgliteDriver wraps an open PGlite instance as a Driver. */
export function pgliteDriver(db: PGlite, label: string): Driver & { readonly pglite: PGlite } {
  return {
    kind: 'pglite',
    label,
    pglite: db,
    async query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      const r = await db.query<T>(sql, params ? [...params] : undefined);
      return r.rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    async batch(sqls: readonly string[]): Promise<Record<string, unknown>[][]> {
      return batchResults(sqls, await db.exec(batchScript(sqls)));
    },
    async close(): Promise<void> {
      if (!db.closed) await db.close();
    },
  };
}

/**
 * Spare is a database restored ahead of need: `key` names its image ('' for the empty cluster); `small`: it has the
 * small lock table (SMALL_LOCK_CONF).
 */
interface Spare {
  readonly key: string;
  readonly small: boolean;
  readonly db: Promise<Driver | undefined>;
  /** recycled: a database a build used and rolled back (recycleSpare), not restored for this spare. */
  readonly recycled?: boolean;
}

let spare: Spare | undefined;

/**
 * prepareSpare restores one database (no extension bundles) in the background, for the next freshPglite call
 * (key '') or pgliteFromImage call with the same key to take: the empty cluster, or the image `image` resolves to
 * (the empty cluster when it resolves to nothing), with the lock table `objects` objects need (PgliteOptions.objects;
 * the small one by default: most edges are small). Called again for the same key with more objects than a small
 * spare holds, it restores a spare with the big lock table instead (the small one is closed). Only for processes or
 * threads that end by terminating (the verification worker): an instance nobody takes is never closed, and an
 * unclosed instance keeps a process alive.
 */
export function prepareSpare(key = '', image?: () => Promise<Uint8Array | undefined>, objects = 0): void {
  const small = smallLocks(objects);
  let before: Promise<unknown> = Promise.resolve();
  if (spare) {
    if (small || !spare.small || spare.key !== key) return;
    before = spare.db.then((d) => d?.close()).catch(() => undefined); // one restore at a time on this thread
  }
  const opts = { objects: small ? objects : undefined };
  const db = (async () => {
    await before;
    const tar = image ? await image().catch(() => undefined) : undefined;
    if (image && !tar) return undefined; // no such image: the proof builds the schema on a fresh database
    return tar ? await restoreFrom(tar, opts, 'pglite:image') : await restoreFresh(opts);
  })().catch(() => undefined);
  spare = { key, small, db };
}

/** smallDbs: the in-memory databases started with the small lock table (recycleSpare keeps the spare's size right). */
const smallDbs = new WeakSet<Driver>();

/**
 * RECYCLE_MAX_USES bounds how many builds one recycled database serves: a rolled-back build leaves dead rows in the
 * catalog (no autovacuum runs in PGlite), which every later read-back of the catalog scans.
 */
const RECYCLE_MAX_USES = 32;

/** uses counts the builds each recycled database served (recycleSpare). */
const uses = new WeakMap<Driver, number>();

let releaseRegistered = false;

/**
 * recycleSpare makes `db` the spare the next freshPglite call takes (key ''): a database freshPglite returned without
 * extensions, whose every change its user rolled back, so its catalog is the empty cluster's again (normalize.ts
 * buildForProof: a build inside a transaction that is rolled back). It saves the next proof or build a restore. When
 * a spare is there already (or being restored), or `db` served RECYCLE_MAX_USES builds, `db` is closed instead. For
 * a thread that closes its spare before it ends: the verification worker (see prepareSpare), or a thread holding
 * databases (proc.ts holdDatabases: a command), which closes it when it releases them.
 */
export async function recycleSpare(db: Driver): Promise<void> {
  const n = (uses.get(db) ?? 0) + 1;
  if (spare || n >= RECYCLE_MAX_USES || !(await emptyAgain(db))) {
    await db.close();
    return;
  }
  uses.set(db, n);
  spare = { key: '', small: smallDbs.has(db), db: Promise.resolve(db), recycled: true };
  if (holdsDatabases() && !releaseRegistered) {
    releaseRegistered = true;
    onRelease(closeSpare);
  }
}

/**
 * EMPTY_AGAIN_SQL tells whether a database's catalog holds no object a user made (OIDs from FirstNormalObjectId on):
 * no relation, schema, type, function or role, and no default privileges. A build rolled back leaves none.
 */
const EMPTY_AGAIN_SQL = `SELECT NOT (
  EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid >= 16384)
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE oid >= 16384)
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_type WHERE oid >= 16384)
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc WHERE oid >= 16384)
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_authid WHERE oid >= 16384)
  OR EXISTS (SELECT 1 FROM pg_catalog.pg_default_acl)
) AS empty`;

/** emptyAgain tells whether `db` can be a spare: its catalog the empty cluster's again (EMPTY_AGAIN_SQL), no transaction open. */
async function emptyAgain(db: Driver): Promise<boolean> {
  const pg = (db as Partial<ReturnType<typeof pgliteDriver>>).pglite;
  if (!pg || pg.closed || pg.isInTransaction()) return false;
  const [row] = await db.query<{ empty: boolean }>(EMPTY_AGAIN_SQL).catch(() => []);
  return row?.empty === true;
}

/** closeSpare closes the spare, if any (proc.ts releaseDatabases: a command's end). */
async function closeSpare(): Promise<void> {
  releaseRegistered = false;
  const s = spare;
  spare = undefined;
  await s?.db.then((d) => d?.close()).catch(() => undefined);
}

/**
 * spareClosers is, on globalThis, the closeSpare of every copy of this module the thread loaded (built and from
 * sources): a host that runs one program after another in a process (the tests' files, test/helpers/per-file.ts)
 * calls them all between two, so the next starts without a spare, as a new process would. A spare left behind is
 * taken by the next program's first database instead of a restore, and its restore may still be running then.
 */
const spareClosers = ((globalThis as Record<symbol, unknown>)[Symbol.for('schemaver.spareClosers')] ??= new Set<
  () => Promise<void>
>()) as Set<() => Promise<void>>;
spareClosers.add(closeSpare);

/**
 * renewSpare readies the next command's spare on a thread that serves one command after another (the warm prover,
 * proverd.ts): a spare nobody took that is not the empty cluster with the small lock table, or that a build of the
 * last command used (recycleSpare), is closed, and the empty one is restored unless it is there, untouched (a spare
 * is only ever taken whole: no proof ran on it).
 */
export async function renewSpare(): Promise<void> {
  const s = spare;
  if (s && (s.key !== '' || !s.small || s.recycled)) {
    spare = undefined;
    await s.db.then((d) => d?.close()).catch(() => undefined);
  }
  prepareSpare();
}

/**
 * quiescePglite waits for PGlite's WebAssembly compile that prewarmPglite started and closes a spare nobody took when
 * it is ready; true when nothing is left running, false when the spare is still being restored. A verification
 * worker does this before it ends: Node 20 aborts the whole process (a native assertion in NodePlatform::ForIsolate)
 * when a worker is torn down while V8's background threads still compile for it. A restore runs on the worker's own
 * thread, so a worker still restoring may be terminated once the compile is over (waiting would cost its restore).
 */
export async function quiescePglite(): Promise<boolean> {
  await compilingWasm();
  const s = spare;
  if (!s) return true;
  const pending = Symbol('pending');
  const db = await Promise.race([s.db.catch(() => undefined), Promise.resolve(pending)]);
  if (db === pending) return false;
  spare = undefined;
  await db?.close().catch(() => undefined);
  return true;
}

/**
 * takeSpare returns the spare database when it was restored from image `key` with a lock table big enough for
 * `opts` (and forgets it), else undefined.
 */
async function takeSpare(key: string, opts: PgliteOptions): Promise<Driver | undefined> {
  if (!spare || spare.key !== key || opts.extensions?.length) return undefined;
  if (spare.small && !smallLocks(opts.objects)) return undefined; // too few locks for it: quiescePglite closes it
  const ready = await spare.db;
  spare = undefined;
  return ready;
}

/** freshPglite returns an empty in-memory PGlite database, restored from the cached initdb image. */
export async function freshPglite(opts: PgliteOptions = {}): Promise<Driver> {
  return (await takeSpare('', opts)) ?? restoreFresh(opts);
}

/**
 * pgliteFromImage returns an in-memory PGlite database restored from `image` (a dumpDataDir tarball): the spare
 * prepared under `key` when there is one, else a new restore. A tarball PGlite cannot start from throws
 * `pglite-image-failed` (the caller drops the image and builds the schema instead).
 */
export async function pgliteFromImage(
  key: string,
  image: () => Promise<Uint8Array | undefined>,
  opts: PgliteOptions = {},
): Promise<Driver | undefined> {
  const taken = await takeSpare(key, opts);
  if (taken) return taken;
  const tar = await image();
  return tar ? restoreFrom(tar, opts, 'pglite:image') : undefined;
}

/** restoreFrom starts PGlite on a copy of the data directory in `tar`. */
async function restoreFrom(tar: Uint8Array, opts: PgliteOptions, label: string): Promise<Driver> {
  const { PGlite } = await loadPgliteModule();
  const extensions = await loadExtensionBundles(opts.extensions);
  let db: PGlite;
  try {
    db = await PGlite.create({
      ...dataDirOptions(tar, extensions),
      postgresqlconf: ephemeralConf(smallLocks(opts.objects)),
      ...(await wasmOption()),
    });
  } catch (e) {
    throw envFailure('pglite-image-failed', `could not start PGlite from a cached image: ${(e as Error).message}`);
  }
  const driver = pgliteDriver(db, label);
  if (smallLocks(opts.objects)) smallDbs.add(driver);
  await pinSettings(driver);
  return driver;
}

async function restoreFresh(opts: PgliteOptions): Promise<Driver> {
  const image = await ephemeralImage();
  const { PGlite } = await loadPgliteModule();
  const extensions = await loadExtensionBundles(opts.extensions);
  const t0 = Date.now();
  let db: PGlite;
  try {
    db = await PGlite.create({
      ...dataDirOptions(image, extensions),
      postgresqlconf: ephemeralConf(smallLocks(opts.objects)),
      ...(await wasmOption()),
    });
  } catch (e) {
    if (!opts.noRetry && imageStats.restores === 0) {
      // a damaged image cache: forget it and make a new image once
      await dropImageCache();
      return restoreFresh({ ...opts, noRetry: true });
    }
    throw envFailure(
      'pglite-failed',
      `could not start PGlite: ${(e as Error).message}`,
      `remove ${imageCachePath()} and try again`,
      e,
    );
  }
  imageStats.restoreMs = Date.now() - t0;
  imageStats.restores++;
  if (imageStats.restores > 1) imageStats.source = 'memory';
  const driver = pgliteDriver(db, 'pglite:memory');
  if (smallLocks(opts.objects)) smallDbs.add(driver);
  await pinSettings(driver);
  return driver;
}

/** dumpImage returns the data directory of an in-memory PGlite database as a tarball (for the image cache), its WAL compacted. */
export async function dumpImage(db: Driver): Promise<Uint8Array | undefined> {
  const pg = (db as Partial<ReturnType<typeof pgliteDriver>>).pglite;
  if (!pg) return undefined;
  return compactDump(pg); // every page in the files: the restored copy replays only the checkpoint
}

/** openPglite opens (creating on first use) a persistent PGlite database in `dir`. */
export async function openPglite(dir: string, opts: PgliteOptions = {}): Promise<Driver> {
  const { PGlite } = await loadPgliteModule();
  const extensions = await loadExtensionBundles(opts.extensions);
  let empty = true;
  try {
    empty = (await readdir(dir)).length === 0;
  } catch {
    empty = true;
  }
  try {
    await mkdir(dir, { recursive: true });
    const image = empty ? await initdbImage() : undefined;
    // the cluster written to disk directly (writeDataDir), else by PGlite's own loader
    const loadDataDir =
      image && !(await writeDataDir(dir, image)) ? new Blob([image as Uint8Array<ArrayBuffer>]) : undefined;
    const db = await PGlite.create({
      dataDir: dir,
      extensions,
      postgresqlconf: [...PGLITE_CONF, ...(opts.conf ?? [])],
      ...(loadDataDir ? { loadDataDir } : {}),
      ...(await wasmOption()),
    });
    const driver = pgliteDriver(db, `pglite:${path.relative(process.cwd(), dir) || dir}`);
    await pinSettings(driver).catch(async (e) => {
      await driver.close();
      throw e;
    });
    return driver;
  } catch (e) {
    if (e instanceof SchemaverError) throw e;
    throw envFailure(
      'pglite-failed',
      `could not open the PGlite database in ${dir}: ${(e as Error).message}`,
      'is another schemaver process using it?',
      e,
    );
  }
}

/** extensionsInSql finds the extensions a DDL script creates (`CREATE EXTENSION [IF NOT EXISTS] name`). */
export function extensionsInSql(sql: string): string[] {
  const out = new Set<string>();
  const re = /create\s+extension\s+(?:if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[A-Za-z_][\w$-]*)/gi;
  for (const m of sql.matchAll(re)) {
    const raw = m[1]!;
    out.add(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase());
  }
  return [...out].filter((n) => !BUILTIN_EXTENSIONS.has(n) && PGLITE_EXTENSIONS[n] !== undefined);
}
