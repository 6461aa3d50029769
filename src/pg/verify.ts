/**
 * verifyEdge: proves a migration edge A -> B in PGlite (SPEC: Migrations and verification).
 * B is built from nothing and read back (inside a transaction that is rolled back, so one PGlite instance
 * serves the whole check); A is built from nothing and read back; sample rows go into A; `up` runs; the catalog
 * must equal B's; `down` runs; the catalog must equal A's; sample rows must survive; re-planning B -> B is empty.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SchemaverError } from '../errors.js';
import type { Schema } from '../model/types.js';
import { schemaHash } from '../canon/index.js';
import { planMigration } from '../plan/index.js';
import type { Driver } from './driver.js';
import { freshPglite, pgliteVersionString } from './pglite.js';
import { introspect } from './introspect/index.js';
import { buildInto, dbMessage, extensionNames } from './build.js';
import { compareSchemas } from './compare.js';
import { countRows, insertSamples } from './samples.js';

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
}

/** VerifyData is the structured detail of a verification (VerifyResult.data). */
export interface VerifyData {
  readonly cached?: boolean;
  readonly up: string[];
  readonly down: string[];
  readonly replan: string[];
  readonly data: string[];
  readonly warnings: string[];
  /** samples: sample rows per table before `up`. */
  readonly samples: Record<string, number>;
}

/** edgeKey identifies an edge for the verification cache: both schema hashes, both scripts and the PGlite version. */
export function edgeKey(from: Schema, to: Schema, up: string, down: string | null): string {
  const h = createHash('sha256');
  for (const part of [pgliteVersionString(), schemaHash(from), schemaHash(to), up, down ?? '\u0000irreversible']) {
    h.update(part);
    h.update('\u0000');
  }
  return h.digest('hex');
}

const CACHE_FILE = 'verified.json';

async function readCache(dir: string): Promise<Record<string, { ms: number; at: string }>> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, CACHE_FILE), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, { ms: number; at: string }>) : {};
  } catch {
    return {};
  }
}

/** isVerified tells whether the cache in `dir` records the edge `key` as verified. */
export async function isVerified(dir: string, key: string): Promise<boolean> {
  return key in (await readCache(dir));
}

/** recordVerified adds an edge to the cache in `dir` (written atomically; a failure to write only costs speed). */
export async function recordVerified(dir: string, key: string, ms: number): Promise<void> {
  try {
    const cache = await readCache(dir);
    cache[key] = { ms, at: new Date().toISOString() };
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, CACHE_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(cache, null, 1) + '\n');
    await rename(tmp, file);
  } catch {
    /* cache is an optimisation */
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
      if (t.renamedFrom && src && !from.tables[tid] && (t.renamedFrom === src.name || t.renamedFrom === id) && t.schema === src.schema) {
        out.set(id, tid);
        break;
      }
    }
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
}

/** runEdge applies up and down on `db` (already holding A) and compares with the expected read-backs. */
async function runEdge(
  db: Driver,
  ctx: { from: Schema; to: Schema; expectedFrom: Schema; expectedTo: Schema; up: string; down: string | null; samples: boolean; allowDataLoss: boolean },
): Promise<Run> {
  const run: Run = { up: [], down: [], data: [], warnings: [], samples: {} };
  const filled = ctx.samples ? await insertSamples(db, ctx.expectedFrom) : [];
  const before = await countRows(db, filled);
  for (const [id, n] of before) run.samples[id] = n;
  const keep = survivors(ctx.from, ctx.to, filled.filter((id) => (before.get(id) ?? 0) > 0));
  const lost = (phase: string, id: string, was: number, now: number) => {
    const msg = `${phase}: table ${id} lost sample rows (${was} before, ${now < 0 ? 'table gone' : now} after)`;
    (ctx.allowDataLoss ? run.warnings : run.data).push(msg);
  };
  try {
    if (ctx.up.trim()) await db.exec(ctx.up);
  } catch (e) {
    return { ...run, upError: dbMessage(e) };
  }
  run.up.push(...compareSchemas(ctx.expectedTo, (await introspect(db)).schema));
  const afterUp = await countRows(db, [...keep.values()]);
  for (const [src, dst] of keep) {
    const was = before.get(src) ?? 0;
    const now = afterUp.get(dst) ?? -1;
    if (now < was) lost('up', dst, was, now);
  }
  if (ctx.down === null) return run;
  try {
    if (ctx.down.trim()) await db.exec(ctx.down);
  } catch (e) {
    run.down.push(`down failed: ${dbMessage(e)}`);
    return run;
  }
  run.down.push(...compareSchemas(ctx.expectedFrom, (await introspect(db)).schema));
  const afterDown = await countRows(db, [...keep.keys()]);
  for (const src of keep.keys()) {
    const was = before.get(src) ?? 0;
    const now = afterDown.get(src) ?? -1;
    if (now < was) lost('down', src, was, now);
  }
  return run;
}

/** verifyEdge proves in PGlite that `up` turns `from` into `to` and `down` turns it back (SPEC: Migrations and verification). */
export async function verifyEdge(from: Schema, to: Schema, up: string, down: string | null, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const t0 = Date.now();
  const key = opts.cacheDir ? edgeKey(from, to, up, down) : '';
  if (opts.cacheDir && !opts.force && (await isVerified(opts.cacheDir, key))) {
    const data: VerifyData = { cached: true, up: [], down: [], replan: [], data: [], warnings: [], samples: {} };
    return { ok: true, problems: [], data, ms: Date.now() - t0 };
  }
  const exts = extensionNames(from, to);
  let db = await freshPglite({ extensions: exts });
  const problems: string[] = [];
  let data: VerifyData;
  try {
    // B from nothing, read back, rolled away: the same instance then builds A.
    let expectedTo: Schema;
    await db.exec('BEGIN');
    try {
      await buildInto(db, to, 'the target schema');
      expectedTo = (await introspect(db)).schema;
    } catch (e) {
      return failed(problems, e, t0);
    } finally {
      await db.exec('ROLLBACK').catch(() => {});
    }
    let expectedFrom: Schema;
    try {
      await buildInto(db, from, 'the source schema');
      expectedFrom = (await introspect(db)).schema;
    } catch (e) {
      return failed(problems, e, t0);
    }
    const ctx = { from, to, expectedFrom, expectedTo, up, down, samples: true, allowDataLoss: Boolean(opts.allowDataLoss) };
    let run = await runEdge(db, ctx);
    if (run.upError !== undefined && Object.keys(run.samples).length > 0) {
      // Did the sample rows make `up` fail? Try again on an empty A.
      const firstError = run.upError;
      await db.close();
      db = await freshPglite({ extensions: exts });
      await buildInto(db, from, 'the source schema');
      run = await runEdge(db, { ...ctx, samples: false });
      if (run.upError === undefined) run.warnings.push(`up fails on tables holding rows: ${firstError}`);
    }
    if (run.upError !== undefined) run.up.push(`up failed: ${run.upError}`);
    const replan: string[] = [];
    try {
      const steps = planMigration(expectedTo, expectedTo).steps;
      if (steps.length) replan.push(`re-planning the target against itself is not empty: ${steps.map((s) => s.what).join('; ')}`);
    } catch (e) {
      replan.push(`re-planning the target failed: ${(e as Error).message}`);
    }
    problems.push(...run.up.map((p) => (p.startsWith('up') ? p : `up: ${p}`)));
    problems.push(...run.down.map((p) => (p.startsWith('down') ? p : `down: ${p}`)));
    problems.push(...run.data, ...replan);
    data = { up: run.up, down: run.down, replan, data: run.data, warnings: run.warnings, samples: run.samples };
  } finally {
    await db.close();
  }
  const ms = Date.now() - t0;
  const ok = problems.length === 0;
  if (ok && opts.cacheDir) await recordVerified(opts.cacheDir, key, ms);
  return { ok, problems, data, ms };
}

function failed(problems: string[], e: unknown, t0: number): VerifyResult {
  if (e instanceof SchemaverError && e.code === 'build-failed') {
    problems.push(e.message);
    return { ok: false, problems, data: { build: e.message }, ms: Date.now() - t0 };
  }
  throw e;
}
