/**
 * proveEdges: several edges proven at once on a pool of verification workers (one per core, at most two), for
 * `verify --all` and the two edges of a merge. The verification cache is read and written here, on the
 * calling thread, so workers finishing together cannot lose each other's entries in `verified.json`.
 */
import type { Schema } from '../model/types.js';
import { cores } from '../proc.js';
import { startVerifier, type Verifier } from './offload.js';
import { edgeKey, recordVerified, verifiedEntries, type CacheEntry } from './cache.js';
import { objectCount } from './images.js';
import { hasCachedReadback } from './readback.js';

/**
 * SPLIT_BELOW: an edge from a schema of fewer objects than this is proven whole (no closure: verify.ts proves
 * an edge on its closure from PARTIAL_MIN_OBJECTS, the same number), so its target side (B from nothing) can run
 * on the helper worker while the first restores A.
 */
export const SPLIT_BELOW = 40;
import type { VerifyData, VerifyOptions, VerifyResult } from './verify.js';

/** EdgeJob is one edge to prove: verifyEdge's arguments (the cache options are proveEdges'). */
export interface EdgeJob {
  readonly from: Schema;
  readonly to: Schema;
  readonly up: string;
  readonly down: string | null;
  readonly opts?: Omit<VerifyOptions, 'cacheDir' | 'force' | 'target'>;
  /**
   * hashes makes the schema hashes of the cache key when `opts.hashes` is not given: asked before the proof is sent
   * only when the cache holds an edge the key could find, else after (the proof does not need them).
   */
  readonly hashes?: () => Promise<{ readonly from: string; readonly to: string }>;
}

/** ProveOptions: the cache directory, `force` to ignore it, and a callback per finished edge (completion order). */
export interface ProveOptions {
  readonly cacheDir?: string;
  readonly force?: boolean;
  /** workers: most workers to start (default: two, or one on a single core). */
  readonly workers?: number;
  readonly onEdge?: (index: number, result: VerifyResult) => void;
  /** started: a verifier the caller started early (its worker already restoring a database); used first, closed by the caller. */
  readonly started?: Verifier;
  /**
   * helper: a second verifier the caller started early; a single small edge whose target was never read back has it
   * build the target from nothing (keeping its image) while `started` restores the source. Closed by the caller.
   */
  readonly helper?: Verifier;
}

/** proveEdges proves `jobs` (cached edges answer at once), at most `workers` at a time; results in job order. */
export async function proveEdges(jobs: readonly EdgeJob[], opts: ProveOptions = {}): Promise<VerifyResult[]> {
  const results: VerifyResult[] = new Array(jobs.length);
  const known = opts.cacheDir && !opts.force ? await verifiedEntries(opts.cacheDir) : new Map<string, CacheEntry>();
  // an empty cache answers no key: the proofs are sent before their keys are made (and their hashes, jobs' `hashes`)
  const keyOf = async (j: EdgeJob) => edgeKey(j.from, j.to, j.up, j.down, j.opts?.hashes ?? (await j.hashes?.()));
  const keys: Promise<string>[] = new Array(jobs.length);
  const key = (i: number) => (keys[i] ??= keyOf(jobs[i]!));
  const todo: number[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const entry = known.size ? known.get(await key(i)) : undefined;
    if (entry) {
      // what fails on rows is remembered with the edge: a cached answer says it again
      const failsOnData = entry.failsOnData ?? [];
      const warnings = failsOnData.map((f) => `${f.phase} fails on tables holding rows: ${f.error}`);
      const data: VerifyData = {
        cached: true,
        up: [],
        down: [],
        replan: [],
        data: [],
        warnings,
        samples: {},
        ...(failsOnData.length ? { failsOnData } : {}),
      };
      results[i] = { ok: true, problems: [], data, ms: 0 };
      opts.onEdge?.(i, results[i]!);
    } else todo.push(i);
  }
  if (todo.length === 0) return results;
  const workers = Math.max(1, Math.min(opts.workers ?? 2, cores(), todo.length));
  const verifiers: Verifier[] = [opts.started ?? startVerifier()];
  // in this thread (no build) a second verifier would only interleave with the first
  while (verifiers[0]!.inWorker && verifiers.length < workers) verifiers.push(startVerifier());
  const ours = opts.started ? verifiers.slice(1) : verifiers;
  let recording = Promise.resolve();
  try {
    let next = 0;
    await Promise.all(
      verifiers.map(async (v) => {
        while (next < todo.length) {
          const i = todo[next++]!;
          const j = jobs[i]!;
          const base = opts.cacheDir ? { ...j.opts, readbackDir: opts.cacheDir } : (j.opts ?? {});
          const split = todo.length === 1 ? await splitTarget(j, opts) : undefined;
          const vo = split ? { ...base, targetSchema: split.target } : base;
          const r = await v.verify(j.from, j.to, j.up, j.down, vo);
          results[i] = r;
          if (r.ok && opts.cacheDir) {
            const dir = opts.cacheDir;
            const failsOnData = (r.data as VerifyData | undefined)?.failsOnData;
            recording = recording.then(async () => recordVerified(dir, await key(i), r.ms, failsOnData)); // one writer at a time
          }
          opts.onEdge?.(i, r);
        }
      }),
    );
    await recording;
  } finally {
    await Promise.all(ours.map((v) => v.close()));
  }
  return results;
}

/** splitTarget starts the target side of job `j` on the helper verifier when that is worth it (see ProveOptions.helper). */
async function splitTarget(j: EdgeJob, opts: ProveOptions): Promise<{ target: Promise<Schema> } | undefined> {
  const hash = j.opts?.hashes?.to;
  if (!opts.helper || !opts.cacheDir || !hash || objectCount(j.from) === 0) return undefined;
  if (objectCount(j.from) >= SPLIT_BELOW) return undefined;
  if (await hasCachedReadback(opts.cacheDir, hash, 'proof')) return undefined;
  const p = opts.helper.target(j.to, hash, opts.cacheDir);
  p.catch(() => undefined); // the proof awaits it
  return { target: p };
}
