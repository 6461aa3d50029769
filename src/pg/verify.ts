/**
 * verifyEdge: proves a migration edge A -> B in PGlite (SPEC: Migrations and verification).
 * B is built from nothing and read back (inside a transaction that is rolled back, so one PGlite instance
 * serves the whole check); A is built from nothing and read back; sample rows go into A; `up` runs; the catalog
 * must equal B's; `down` runs; the catalog must equal A's; sample rows must survive; re-planning B -> B is empty.
 */
import { SchemaverError } from '../errors.js';
import { emptySchema, type Schema } from '../model/types.js';
import { planMigration } from '../plan/index.js';
import type { Driver } from './driver.js';
import { freshPglite, lockWeight, SMALL_LOCK_OBJECTS } from './pglite.js';
import { proofReader } from './prepared.js';
import {
  IMAGE_MAX_OBJECTS,
  IMAGE_WORTH_OBJECTS,
  imageOf,
  keepImage,
  objectCount,
  takeTarget,
  targetAhead,
} from './target.js';
import { DATA_STATEMENT, locateDataFailure } from './locate.js';

export {
  buildTarget,
  dropTarget,
  flushImages,
  imagesPending,
  prebuildTarget,
  warmSpare,
  warmsSpare,
} from './target.js';
import { edgeKey, isVerified, recordVerified } from './cache.js';
import { introspect } from './introspect/index.js';
import { buildFailure, buildInto, creationScript, dbMessage, ensureRoles, extensionNames } from './build.js';
import { edgeClosure, partialSchema } from './closure.js';
import { compareSchemas } from './compare.js';
import { execBatched } from './batch.js';
import { countRows, insertSamples } from './samples.js';
import { readCachedReadback, writeCachedReadback } from './readback.js';
import { schemaHash } from '../canon/index.js';

/** VerifyResult tells whether an edge reproduces its target, with a semantic diff when it does not. */
export interface VerifyResult {
  readonly ok: boolean;
  /** problems: human-readable mismatches naming objects (`up: column users.email missing`). */
  readonly problems: readonly string[];
  /** data: expected vs actual detail for --json. */
  readonly data?: unknown;
  readonly ms: number;
}

/** VerifyOptions tune verifyEdge. */
export interface VerifyOptions {
  /** cacheDir: where `verified.json` remembers edges already proven (e.g. the store's gitdir); no cache when omitted. */
  readonly cacheDir?: string;
  /** allowDataLoss: the edge is known to be destructive; lost sample rows become warnings instead of problems. */
  readonly allowDataLoss?: boolean;
  /** force: verify even when the cache says the edge was verified before. */
  readonly force?: boolean;
  /** whole: always prove the whole schemas (never the edge's closure first). */
  readonly whole?: boolean;
  /**
   * generated: `up` is this version's renderUp(planMigration(from, to)), not hand-edited. From an empty schema
   * that is the creation script by construction, so the root proof does not render it again to check (~0.2 s on
   * 1000 tables).
   */
  readonly generated?: boolean;
  /** onProgress hears long phases advance: `phase` (`building`, `up`, `down`), statements done of total. */
  readonly onProgress?: (phase: string, done: number, total: number) => void;
  /**
   * readbackDir: the store's cache directory, whose read-back cache (readback.ts) stands in for building and reading
   * back a schema an earlier proof already read; none when omitted.
   */
  readonly readbackDir?: string;
  /** hashes: schemaHash of `from` and `to` when the caller has them (the cache key needs them; hashing 1000 tables costs ~0.1 s). */
  readonly hashes?: { readonly from: string; readonly to: string };
  /**
   * target: the read-back of `to` built from nothing elsewhere (buildTarget on a second worker), awaited when the
   * proof needs it, so this proof only builds (or restores) `from`. Implies a whole proof.
   */
  readonly target?: () => Promise<Schema>;
  /** noImage: neither start from a cached image nor keep one (partial proofs: no later proof starts from a partial schema). */
  readonly noImage?: boolean;
}

/**
 * DataFailure is a statement that runs on empty tables but fails on tables holding rows (the sample rows): the
 * migration would fail on a populated database. `table` comes from PostgreSQL's error when it names one.
 */
export interface DataFailure {
  readonly phase: 'up' | 'down';
  /** statement: the failing statement of the script, as written. */
  readonly statement: string;
  /** error: PostgreSQL's message (with detail and hint). */
  readonly error: string;
  /** step: the `-- what` comment the planner writes before each step's statements (the last one before the statement). */
  readonly step?: string;
  /** code: the SQLSTATE (`23502` not null, `23505` unique, `23514` check, `23503` foreign key, `22...` data). */
  readonly code?: string;
  readonly table?: string;
}

/** VerifyData is the structured detail of a verification (VerifyResult.data). */
export interface VerifyData {
  readonly cached?: boolean;
  /** failsOnData: statements that fail only on tables holding rows (the proof passed on empty tables). */
  readonly failsOnData?: readonly DataFailure[];
  readonly up: string[];
  readonly down: string[];
  readonly replan: string[];
  readonly data: string[];
  readonly warnings: string[];
  /** samples: sample rows per table before `up`. */
  readonly samples: Record<string, number>;
  /** timings: wall milliseconds per phase (restore, build, introspect, samples, up, down, closure). */
  readonly timings?: Record<string, number>;
  /** partial: the edge was proven on its closure of `objects` of the `of` objects of both schemas. */
  readonly partial?: { readonly objects: number; readonly of: number };
}

/** phaseMs accumulates wall time (CPU time with SCHEMAVER_TIMINGS=cpu) per phase of the current verification (VerifyData.timings). */
let phaseMs: Record<string, number> = {};

/** ImageRef names one cached image: the cache directory and the schema hash (made when an image is kept). */
interface ImageRef {
  readonly dir: string;
  readonly hash: () => string;
}

/** reporter is the current verification's onProgress (set by verifyEdge). */
let reporter: VerifyOptions['onProgress'];

/** progress is the batch callback that reports statements of `phase` to the current verification's onProgress. */
function progress(phase: string): ((done: number, total: number) => void) | undefined {
  const r = reporter;
  return r ? (done, total) => r(phase, done, total) : undefined;
}

/**
 * preparing: the current verification's catalog reads run as prepared statements (pg/prepared.ts), planned once for
 * the three reads of a proof's database, when its schemas are small (SMALL_LOCK_OBJECTS objects together): there a
 * read costs mostly its planning. A big schema's reads keep their plans made for their own lists of oids.
 */
let preparing = false;

/** readBack reads the catalog of a proof database as verification compares it (phase `introspect`). */
async function readBack(db: Driver): Promise<Schema> {
  const reader = preparing ? proofReader(db) : db;
  return (await timed('introspect', () => introspect(reader, { unsupported: false }))).schema;
}

/** timed runs fn and adds its wall time to phase `label`. */
async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const cpu = process.env.SCHEMAVER_TIMINGS === 'cpu';
  const now = () => (cpu ? (({ user, system }) => (user + system) / 1000)(process.cpuUsage()) : performance.now());
  const t = now();
  try {
    return await fn();
  } finally {
    phaseMs[label] = Math.round((phaseMs[label] ?? 0) + now() - t);
  }
}

/** survivors maps each sampled source table to the id it has in the target (same id, or renamed via a hint); dropped tables are left out. */
function survivors(from: Schema, to: Schema, tables: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of tables) {
    if (to.tables[id]) {
      out.set(id, id);
      continue;
    }
    const src = from.tables[id];
    for (const [tid, t] of Object.entries(to.tables)) {
      if (
        t.renamedFrom &&
        src &&
        !from.tables[tid] &&
        (t.renamedFrom === src.name || t.renamedFrom === id) &&
        t.schema === src.schema
      ) {
        out.set(id, tid);
        break;
      }
    }
  }
  return out;
}

/** ancestors lists the tables `id` is a partition of in `s`, nearest first. */
function ancestors(s: Schema, id: string): string[] {
  const out: string[] = [];
  for (let p = s.tables[id]?.partitionOf?.parent; p && !out.includes(p); p = s.tables[p]?.partitionOf?.parent)
    out.push(p);
  return out;
}

/**
 * leavingPartitions maps each partitioned table of `from` to its partitions (at any depth) that `to` keeps as tables
 * but no longer under it (detached): their rows leave the parent by design, and the partition's own count (it is
 * a table of both sides) checks that they are kept.
 */
function leavingPartitions(from: Schema, to: Schema): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of Object.keys(from.tables)) {
    if (!from.tables[id]!.partitionOf || !to.tables[id]) continue;
    const still = new Set(ancestors(to, id));
    for (const p of ancestors(from, id)) if (!still.has(p)) out.set(p, [...(out.get(p) ?? []), id]);
  }
  return out;
}

interface Run {
  readonly up: string[];
  readonly down: string[];
  readonly data: string[];
  readonly warnings: string[];
  readonly samples: Record<string, number>;
  readonly upError?: string;
  downError?: string;
}

/** runEdge applies up and down on `db` (already holding A) and compares with the expected read-backs. */
async function runEdge(
  db: Driver,
  ctx: {
    from: Schema;
    to: Schema;
    expectedFrom: Schema;
    /** expectedTo: a promise while a second worker still builds it (VerifyOptions.target). */
    expectedTo: Schema | Promise<Schema>;
    up: string;
    down: string | null;
    samples: boolean;
    allowDataLoss: boolean;
  },
): Promise<Run> {
  const run: Run = { up: [], down: [], data: [], warnings: [], samples: {} };
  const filled = ctx.samples ? await timed('samples', () => insertSamples(db, ctx.expectedFrom)) : [];
  const leaving = leavingPartitions(ctx.from, ctx.to);
  const counted = [...new Set([...filled, ...[...leaving.values()].flat()])];
  const before = await timed('samples', () => countRows(db, counted));
  for (const [id, n] of before) run.samples[id] = n;
  /** moved: the rows of `src`'s partitions that up detaches (they stay in the detached tables) */
  const moved = (src: string) => (leaving.get(src) ?? []).reduce((n, c) => n + Math.max(0, before.get(c) ?? 0), 0);
  const keep = survivors(
    ctx.from,
    ctx.to,
    counted.filter((id) => (before.get(id) ?? 0) > 0), // the detached partitions too: they keep what leaves the parent
  );
  const lost = (phase: string, id: string, was: number, now: number) => {
    const msg = `${phase}: table ${id} lost sample rows (${was} before, ${now < 0 ? 'table gone' : now} after)`;
    (ctx.allowDataLoss ? run.warnings : run.data).push(msg);
  };
  try {
    if (ctx.up.trim()) await timed('up', () => execBatched(db, ctx.up, { onBatch: progress('up') }));
  } catch (e) {
    return { ...run, upError: dbMessage(e) };
  }
  const actual = await readBack(db);
  run.up.push(...compareSchemas(await timed('target', () => ctx.expectedTo), actual));
  const afterUp = await timed('samples', () => countRows(db, [...keep.values()]));
  for (const [src, dst] of keep) {
    const was = before.get(src) ?? 0;
    const now = afterUp.get(dst) ?? -1;
    if (now < was - moved(src)) lost('up', dst, was, now);
  }
  if (ctx.down === null) return run;
  try {
    if (ctx.down.trim()) await timed('down', () => execBatched(db, ctx.down!, { onBatch: progress('down') }));
  } catch (e) {
    run.downError = dbMessage(e);
    run.down.push(`down failed: ${run.downError}`);
    return run;
  }
  run.down.push(...compareSchemas(ctx.expectedFrom, await readBack(db)));
  const afterDown = await timed('samples', () => countRows(db, [...keep.keys()]));
  for (const src of keep.keys()) {
    const was = before.get(src) ?? 0;
    const now = afterDown.get(src) ?? -1;
    if (now < was) lost('down', src, was, now);
  }
  return run;
}

/** PARTIAL_MIN_OBJECTS is the schema size from which an edge is first proven on its closure only. */
export const PARTIAL_MIN_OBJECTS = 40;

/**
 * verifyEdge proves in PGlite that `up` turns `from` into `to` and `down` turns it back (SPEC: Migrations and
 * verification). Big schemas with small changes are first proven on the edge's closure (the objects the change
 * can affect, see closure.ts); when that proof fails, the whole schemas are proven and that answer stands.
 */
export async function verifyEdge(
  from: Schema,
  to: Schema,
  up: string,
  down: string | null,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  await released(); // proofs do not overlap (one spare database; per-proof state below)
  const t0 = Date.now();
  phaseMs = {};
  reporter = opts.onProgress;
  preparing = lockWeight(from) + lockWeight(to) <= SMALL_LOCK_OBJECTS;
  const key = opts.cacheDir ? await timed('key', () => edgeKey(from, to, up, down, opts.hashes)) : '';
  if (opts.cacheDir && !opts.force && (await isVerified(opts.cacheDir, key))) {
    const data: VerifyData = { cached: true, up: [], down: [], replan: [], data: [], warnings: [], samples: {} };
    return { ok: true, problems: [], data, ms: Date.now() - t0 };
  }
  let result: VerifyResult | undefined;
  // a target side built ahead (prebuildTarget) is the whole target's: the proof is whole, as with `target`
  if (!opts.whole && !opts.target && !targetAhead(opts.hashes) && !isEmpty(from)) {
    const c = await timed('closure', () => edgeClosure(from, to, up, down));
    const size = c.full.size + c.stripped.size;
    if (c.total >= PARTIAL_MIN_OBJECTS && size * 2 <= c.total) {
      // `generated` speaks of the whole edge: an empty partial source does not make up a creation script of the partial target
      // the hashes are the whole schemas'; partial schemas are not kept as images (no later proof starts there)
      const partial = { ...opts, generated: false, hashes: undefined, noImage: true };
      const r = await proveEdge(partialSchema(from, c), partialSchema(to, c), up, down, partial);
      if (r.ok) result = { ...r, data: { ...(r.data as VerifyData), partial: { objects: size, of: c.total } } };
    }
  }
  result ??= await proveEdge(from, to, up, down, opts);
  const ms = Date.now() - t0;
  if (result.ok && opts.cacheDir)
    await recordVerified(opts.cacheDir, key, ms, (result.data as VerifyData | undefined)?.failsOnData);
  return { ...result, data: { ...(result.data as object), timings: phaseMs }, ms };
}

function isEmpty(s: Schema): boolean {
  // optional sections (e.g. default privileges) may be absent: absent is empty
  return Object.entries(s).every(([k, v]) => k === 'kind' || v == null || Object.keys(v as object).length === 0);
}

/**
 * proveRoot proves a root edge whose up is the creation script: running up on the empty database IS building B
 * from nothing, so reading the catalog back after up could only be compared with itself and is skipped (on 1000
 * tables it is a second of the proof). What is proven: up runs, down runs after it, and down leaves the catalog
 * exactly as empty as it found it.
 */
async function proveRoot(
  to: Schema,
  up: string,
  down: string | null,
  t0: number,
  keep?: ImageRef,
): Promise<VerifyResult> {
  const db = await timed('restore', () => freshPglite({ extensions: extensionNames(to), objects: lockWeight(to) }));
  try {
    await ensureRoles(db, to);
    // A fresh database reads back as the empty model (tested: test/pg/verify.test.ts), so down must leave exactly
    // that; reading the catalog of the fresh instance first would cost a cold read-back (~0.2 s) to learn it.
    const expectedFrom = emptySchema();
    try {
      if (up.trim()) await timed('up', () => execBatched(db, up, { onBatch: progress('up') }));
    } catch (e) {
      return failed([], buildFailure('the target schema', e), t0);
    }
    if (keep && objectCount(to) <= IMAGE_MAX_OBJECTS) {
      // B as built from nothing, kept for the next edge from B with the read-back its image is checked against
      const read = await readBack(db);
      const hash = await timed('key', keep.hash);
      await writeCachedReadback(keep.dir, hash, 'proof', read);
      await timed('image', () => keepImage(db, keep.dir, hash, to));
    }
    const replan = await timed('replan', () => replanProblems(to));
    const downProblems: string[] = [];
    if (down !== null) {
      try {
        if (down.trim()) await timed('down', () => execBatched(db, down, { onBatch: progress('down') }));
        downProblems.push(...compareSchemas(expectedFrom, await readBack(db)));
      } catch (e) {
        downProblems.push(`down failed: ${dbMessage(e)}`);
      }
    }
    const problems = [...downProblems.map((p) => (p.startsWith('down') ? p : `down: ${p}`)), ...replan];
    const data: VerifyData = { up: [], down: downProblems, replan, data: [], warnings: [], samples: {} };
    return { ok: problems.length === 0, problems, data, ms: Date.now() - t0 };
  } finally {
    release(db);
  }
}

/** closing: the proof databases being closed after their proof answered (release). */
const closing = new Set<Promise<void>>();

/**
 * release closes a proof's database after the proof has answered (a 1000-table proof's close is ~50 ms of CPU the
 * answer need not wait for); the next proof on this thread, and the worker's next request, wait for it (released).
 */
function release(db: Driver | undefined): void {
  if (!db) return;
  const p = db.close().catch(() => undefined);
  closing.add(p);
  void p.finally(() => closing.delete(p));
}

/** released settles once every proof database release() is closing is closed. */
export async function released(): Promise<void> {
  await Promise.all([...closing]);
}

/** replanProblems checks that planning the target against itself is empty. */
function replanProblems(target: Schema): string[] {
  try {
    const steps = planMigration(target, target).steps;
    return steps.length
      ? [`re-planning the target against itself is not empty: ${steps.map((s) => s.what).join('; ')}`]
      : [];
  } catch (e) {
    return [`re-planning the target failed: ${(e as Error).message}`];
  }
}

/** proveEdge runs the whole proof of one edge in one PGlite instance (no cache, no closure). */
async function proveEdge(
  from: Schema,
  to: Schema,
  up: string,
  down: string | null,
  opts: VerifyOptions,
): Promise<VerifyResult> {
  const t0 = Date.now();
  if (isEmpty(from) && (opts.generated || (await timed('script', () => up.trim() === creationScript(to).trim()))))
    return proveRoot(
      to,
      up,
      down,
      t0,
      // the hash (when the proof was sent without it, ~0.1 s for 1000 tables) only if an image is kept
      opts.readbackDir && !opts.noImage
        ? { dir: opts.readbackDir, hash: () => opts.hashes?.to ?? schemaHash(to) }
        : undefined,
    );
  const exts = extensionNames(from, to);
  const rb = opts.readbackDir;
  const hashes = rb
    ? (opts.hashes ?? (await timed('key', () => ({ from: schemaHash(from), to: schemaHash(to) }))))
    : undefined;
  const cache = rb && hashes ? { dir: rb, hashes } : undefined;
  let expectedTo: Schema | Promise<Schema> | undefined = cache
    ? await readCachedReadback(cache.dir, cache.hashes.to, 'proof')
    : undefined;
  // built ahead on this thread's spare (prebuildTarget): that database, empty again, is where A is built
  const built = expectedTo ? undefined : await timed('target', () => takeTarget(hashes ?? opts.hashes));
  if (built && cache) await writeCachedReadback(cache.dir, cache.hashes.to, 'proof', built);
  expectedTo ??= built;
  if (!expectedTo && opts.target) {
    expectedTo = opts.target();
    expectedTo.catch(() => undefined); // awaited in runEdge
  }
  const held: { db?: Driver } = {};
  try {
    let ctx: EdgeContext;
    let run: Run;
    try {
      if (built) await freshFor(held, from, to, exts);
      expectedTo ??= await buildTargetFirst(held, from, to, exts, cache);
      const expectedFrom = await buildSource(held, from, to, exts, cache, Boolean(opts.noImage));
      ctx = { from, to, expectedFrom, expectedTo, up, down, samples: true, allowDataLoss: Boolean(opts.allowDataLoss) };
      run = await runEdge(held.db!, ctx);
    } catch (e) {
      // a schema that does not build (the target possibly on a second worker) fails the proof; anything else throws
      return failed([], e, t0);
    }
    const rows = await sortOutRows(held, ctx, run, exts);
    return edgeResult(rows.run, await expectedTo, rows.failsOnData, t0);
  } finally {
    release(held.db);
  }
}

/** EdgeContext is what runEdge proves: the two schemas, their expected read-backs and the two scripts. */
type EdgeContext = Parameters<typeof runEdge>[1];

/** ProofCache is the read-back and image cache a proof uses, with the hashes of both schemas. */
interface ProofCache {
  readonly dir: string;
  readonly hashes: { readonly from: string; readonly to: string };
}

/** freshFor starts a fresh database (`held.db`, closed by the proof) with the extensions and roles both schemas need. */
async function freshFor(held: { db?: Driver }, from: Schema, to: Schema, exts: readonly string[]): Promise<Driver> {
  const objects = lockWeight(from) + lockWeight(to); // the lock table both schemas need
  const db = (held.db = await timed('restore', () => freshPglite({ extensions: exts, objects })));
  await ensureRoles(db, from, to);
  return db;
}

/** buildTargetFirst builds B from nothing on a fresh database (`held.db`), reads it back and rolls it away, so
 * the same instance then builds A; the read-back is cached. Throws `build-failed` when B does not build. */
async function buildTargetFirst(
  held: { db?: Driver },
  from: Schema,
  to: Schema,
  exts: readonly string[],
  cache: ProofCache | undefined,
): Promise<Schema> {
  const db = await freshFor(held, from, to, exts);
  await db.exec('BEGIN');
  let expectedTo: Schema;
  try {
    await timed('build', () =>
      buildInto(db, to, 'the target schema', { onBatch: progress('building'), inTransaction: true }),
    );
    expectedTo = await readBack(db);
  } finally {
    await db.exec('ROLLBACK').catch(() => {});
  }
  if (cache) await writeCachedReadback(cache.dir, cache.hashes.to, 'proof', expectedTo);
  return expectedTo;
}

/**
 * buildSource puts A on `held.db` and returns its read-back: A as an earlier proof built it (its image, checked
 * against A's read-back) when there is one and restoring it saves more than building A on the database the proof
 * already has; else A built here (and kept as an image, its read-back cached).
 */
async function buildSource(
  held: { db?: Driver },
  from: Schema,
  to: Schema,
  exts: readonly string[],
  cache: ProofCache | undefined,
  noImage: boolean,
): Promise<Schema> {
  const kept = cache ? await readCachedReadback(cache.dir, cache.hashes.from, 'proof') : undefined;
  const image =
    cache && kept && !noImage && (!held.db || objectCount(from) >= IMAGE_WORTH_OBJECTS)
      ? await timed('restore', () => imageOf(cache.dir, cache.hashes.from, kept, exts))
      : undefined;
  let db: Driver;
  if (image) {
    await held.db?.close();
    db = held.db = image;
    await ensureRoles(db, from, to);
  } else {
    // a small A built on the database that just built B: a later proof that builds B first builds A there
    // again too (cheaper than restoring), so dumping its image would only cost this proof time
    const worth = !held.db || objectCount(from) >= IMAGE_WORTH_OBJECTS;
    db = held.db ?? (await freshFor(held, from, to, exts));
    await timed('build', () => buildInto(db, from, 'the source schema', { onBatch: progress('building') }));
    if (cache && !noImage && worth) await timed('image', () => keepImage(db, cache.dir, cache.hashes.from, from));
  }
  const expectedFrom = kept ?? (await readBack(db));
  if (cache && !kept) await writeCachedReadback(cache.dir, cache.hashes.from, 'proof', expectedFrom);
  return expectedFrom;
}

/**
 * sortOutRows asks, when a script failed on tables holding sample rows, whether the rows made it fail: it runs the
 * edge again on an empty A. A script that only fails on rows is a warning (it will fail on a populated database),
 * not a wrong migration, and its statement is located (`failsOnData`). Returns the run that counts.
 */
async function sortOutRows(
  held: { db?: Driver },
  ctx: EdgeContext,
  first: Run,
  exts: readonly string[],
): Promise<{ run: Run; failsOnData: DataFailure[] }> {
  const failsOnData: DataFailure[] = [];
  if ((first.upError === undefined && first.downError === undefined) || Object.keys(first.samples).length === 0)
    return { run: first, failsOnData };
  await held.db?.close();
  const db = await freshFor(held, ctx.from, ctx.to, exts);
  await timed('build', () => buildInto(db, ctx.from, 'the source schema', { onBatch: progress('building') }));
  const run = await runEdge(db, { ...ctx, samples: false });
  const phase =
    first.upError !== undefined && run.upError === undefined
      ? 'up'
      : first.downError !== undefined && run.upError === undefined && run.downError === undefined
        ? 'down'
        : undefined;
  if (phase) {
    run.warnings.push(`${phase} fails on tables holding rows: ${phase === 'up' ? first.upError : first.downError}`);
    await db.close();
    const fresh = await freshFor(held, ctx.from, ctx.to, exts);
    const f = await locateDataFailure(fresh, ctx, phase, phase === 'up' ? first.upError! : first.downError!);
    // a data statement of a hand-written script (a seed INSERT with a fixed key) may only collide with the
    // synthetic sample rows: a warning, not evidence that the migration fails on real rows
    if (!DATA_STATEMENT.test(f.statement)) failsOnData.push(f);
  }
  return { run, failsOnData };
}

/** edgeResult turns the run that counts into the proof's result: its problems (up, down, rows, the re-plan of the
 * target's read-back) and the structured detail. */
function edgeResult(run: Run, expectedTo: Schema, failsOnData: DataFailure[], t0: number): VerifyResult {
  if (run.upError !== undefined) run.up.push(`up failed: ${run.upError}`);
  const replan = replanProblems(expectedTo);
  const problems: string[] = [];
  problems.push(...run.up.map((p) => (p.startsWith('up') ? p : `up: ${p}`)));
  problems.push(...run.down.map((p) => (p.startsWith('down') ? p : `down: ${p}`)));
  problems.push(...run.data, ...replan);
  const data: VerifyData = {
    up: run.up,
    down: run.down,
    replan,
    data: run.data,
    warnings: run.warnings,
    samples: run.samples,
    ...(failsOnData.length ? { failsOnData } : {}),
  };
  return { ok: problems.length === 0, problems, data, ms: Date.now() - t0 };
}

function failed(problems: string[], e: unknown, t0: number): VerifyResult {
  if (e instanceof SchemaverError && e.code === 'build-failed') {
    problems.push(e.message);
    return { ok: false, problems, data: { build: e.message }, ms: Date.now() - t0 };
  }
  throw e;
}
