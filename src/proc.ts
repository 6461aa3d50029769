/**
 * Process-level helpers below the layers: worker threads (cores, builtWorker, endWorker), V8 flags (baselineWasmOnly),
 * held databases (holdDatabases) and lock-file stamps.
 *
 * Who holds a lock file: `pid@host` on the first line (the format older versions write and read) and, where the
 * system tells it, `started <ticks>` on the second (the process start time from /proc/PID/stat). A holder whose
 * pid is alive but started at another time is a different process that reused the pid: the lock is stale.
 */
import { existsSync, readFileSync } from 'node:fs';
import os, { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { workerData, type Worker } from 'node:worker_threads';

/**
 * baselineWasmOnly keeps V8 from re-compiling hot WebAssembly functions (PGlite's, libpg_query's) with its optimizing
 * compiler (TurboFan) in the background: for the seconds of PostgreSQL a command runs, that tier-up costs more CPU
 * than it saves, and on two cores it competes with the proof itself (measured in CPU time across threads: a verified
 * 5-table commit 5.1 s with it, 3.1 s without; building, reading back and dropping 1000 tables 10.4 vs 8.3 s); for
 * libpg_query, `plan`'s lint of a 465-statement script costs about 30 ms less CPU. V8 flags are process-wide and this
 * one is read when a function is first compiled (lazily, on its first call), so it is set before either module
 * compiles (pg/pglite.ts when it loads, validate/sqlparse.ts before it loads libpg_query). SCHEMAVER_WASM_TIERUP=1
 * keeps V8's default. A module compiled under it keeps the baseline tier for good (optimizingWasm does not change it).
 */
export function baselineWasmOnly(): void {
  if (process.env.SCHEMAVER_WASM_TIERUP === '1') return;
  v8.setFlagsFromString('--liftoff-only');
}

/**
 * optimizingWasm lets the WebAssembly modules this process compiles from now on tier up as V8 does by default (it
 * undoes baselineWasmOnly for them; modules compiled before keep the baseline tier): pg/pglite.ts tierUpForProof.
 */
export function optimizingWasm(): void {
  v8.setFlagsFromString('--no-liftoff-only');
  v8.setFlagsFromString('--wasm-dynamic-tiering'); // --liftoff-only turned it off
}

/**
 * V8_INTERRUPT_BUDGET is V8's default `--interrupt-budget` (66 KB of bytecode executed between a function's tier-up
 * checks; Node 20's V8 11.3, as `node --v8-options` prints it), which defaultJsTierUp restores.
 */
const V8_INTERRUPT_BUDGET = 66 * 1024;

/** slowJs: slowJsTierUp raised the budget and defaultJsTierUp has not restored it yet (process-wide, as the flag). */
let slowJs = false;

/**
 * slowJsTierUp makes V8 wait eight times longer before it optimizes a hot JavaScript function (TurboFan compiles on
 * V8's background threads), until defaultJsTierUp: for the first commit of a big schema, from the command's start
 * until its proof is sent. That stretch parses, validates, normalises and plans once each, and V8 optimized hundreds of
 * functions there on its background threads while the command's thread and the verifier's kept both cores busy: the
 * root commit of the bench's 1000 tables (alternated with the build before, on a loaded machine, 3 runs each) spent
 * 3.4-3.5 s of CPU in all threads before its proof started instead of 4.1-4.2 s (V8's background threads 1.0 s
 * instead of 1.8 s, the command's thread the same 1.0 s), 13.7-14.3 s in all instead of 15.3-15.5 s. The proof's own
 * JavaScript (PGlite's glue, for seconds) runs with V8's default again. A process-wide flag, like baselineWasmOnly.
 */
export function slowJsTierUp(): void {
  slowJs = true;
  v8.setFlagsFromString(`--interrupt-budget=${8 * V8_INTERRUPT_BUDGET}`);
}

/** defaultJsTierUp restores V8's default JavaScript tier-up after slowJsTierUp (nothing when it was not called). */
export function defaultJsTierUp(): void {
  if (!slowJs) return;
  slowJs = false;
  v8.setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
}

/**
 * TIER_UP marks (on globalThis) that allowWasmTierUp was called in this thread: one answer per thread however many
 * copies of this module load (the tests' in-process CLI runner loads dist/ beside the copy vitest loads for a test).
 */
const TIER_UP = Symbol.for('schemaver.wasmTierUp');

/**
 * allowWasmTierUp asks for V8's tier-up of hot WebAssembly in the proof of a command that knows, before PGlite
 * compiles, that its proof will run many seconds of PostgreSQL on one thread while its own thread waits (pg/offload.ts
 * startEarlyVerifier: a big schema's first commit). There the optimized code pays for its compiles: the root commit
 * of the bench's 1000 tables (a 1202-step creation script and its down), old and new alternated on a loaded machine,
 * used 11.3-11.7 s of the proof thread's CPU on the baseline tier and 7.6-8.5 s with tier-up, the whole process
 * 17.4-18.2 s and 15.7-17.0 s. Only the verification worker's PGlite tiers up, from the worker's start (a module of
 * its own, pg/pglite.ts tierUpForProof): the normalisation's two builds there, rolled back, hand their database to
 * the proof (none is restored for it) and warm the optimized code it runs; libpg_query's validation and any PGlite
 * of the command's thread keep the baseline tier (when everything tiered up, their compiles cost 3.9-4.6 s of CPU on
 * V8's threads before the proof began, on a loaded machine: 6.2 s against 2.3 s). Against a worker that restored the
 * proof's database on its own tiering module after those builds (and one whose second round ran on the command's
 * thread during the proof), alternated on a machine loaded ~17 deep: 20.7-22.0 s of CPU in all against 22.8-23.3 s.
 * The process's worker threads started after it hear it (wasmTierUp).
 */
export function allowWasmTierUp(): void {
  (globalThis as Record<symbol, unknown>)[TIER_UP] = true;
}

/** wasmTierUp tells whether allowWasmTierUp was called in this thread or in the thread that started this worker (workerData.wasmTierUp). */
export function wasmTierUp(): boolean {
  return (
    (globalThis as Record<symbol, unknown>)[TIER_UP] === true ||
    (workerData as { wasmTierUp?: unknown } | null)?.wasmTierUp === true
  );
}

/**
 * compiledWasm holds WebAssembly modules compiled in this thread or handed to it by another thread of the process,
 * by name. A WebAssembly.Module crosses threads of one process (postMessage, workerData) without compiling again, and
 * the code V8 compiles for it lazily, function by function, is shared with it: a thread that compiled PGlite's gives
 * it to the workers it starts next (pg/offload.ts), which then start without waiting for a compile of their own.
 */
const compiledWasm = new Map<string, object>();

/** PGLITE_WASM names PGlite's WebAssembly among the modules threads share (pg/pglite.ts, pg/offload.ts). */
export const PGLITE_WASM = 'pglite';

/** sharedWasm is the compiled WebAssembly module `name` this thread holds (shareWasm), if any. */
export function sharedWasm(name: string): object | undefined {
  return compiledWasm.get(name);
}

/** shareWasm keeps a compiled WebAssembly module `name` for sharedWasm (the first one kept stays). */
export function shareWasm(name: string, module: object | undefined): void {
  if (module && !compiledWasm.has(name)) compiledWasm.set(name, module);
}

/** cores is how many threads this process can run at once (os.availableParallelism where Node has it). */
export function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * builtWorker is the path of the worker module `name` beside the module at `moduleUrl` (its import.meta.url), or
 * undefined when no worker thread can run it: sources run without a build (a worker thread needs compiled
 * JavaScript), the file is missing, or SCHEMAVER_NO_WORKER=1 asks for this thread.
 */
export function builtWorker(moduleUrl: string, name: string): string | undefined {
  const file = fileURLToPath(new URL(name, moduleUrl));
  if (!moduleUrl.endsWith('.js') || !existsSync(file) || process.env.SCHEMAVER_NO_WORKER === '1') return undefined;
  return file;
}

/** CLOSE_GRACE_MS is how long endWorker waits for a worker asked to end before terminating it. */
const CLOSE_GRACE_MS = 10_000;

/**
 * endWorker waits for a worker that was asked to end (`ended`: its exit) for up to CLOSE_GRACE_MS, then terminates
 * it. The worker settles its background work and ends by itself; terminate() is only the fallback (terminating a
 * worker while V8 compiles for it can abort the whole process on Node 20). Without `ended` it terminates at once.
 */
export async function endWorker(worker: Worker, ended: Promise<void> | undefined): Promise<'ended' | 'terminated'> {
  let how: 'ended' | 'terminated' = 'terminated';
  if (ended) {
    worker.ref(); // the process waits for it to end
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'terminated'>((r) => (timer = setTimeout(() => r('terminated'), CLOSE_GRACE_MS)));
    how = await Promise.race([ended.then(() => 'ended' as const), grace]);
    clearTimeout(timer);
  }
  await worker.terminate();
  return how;
}

/**
 * Held databases: a thread may keep a scratch database open after a use, for its next use (pg/pglite.ts recycleSpare:
 * a normalisation build rolled back, ~0.3 s of CPU less than restoring another), but an open PGlite keeps Node alive,
 * so only a thread that promises to release them holds any: a command (cli/base.ts: from init to finally), a
 * verification worker (it closes its spare itself). A host that runs many commands in one process and releases the
 * databases itself (the tests' in-process CLI runner) sets `globalThis[Symbol.for('schemaver.keepDatabases')] = true`
 * (not an environment variable: a child process would inherit it and never end): a command's end then keeps them
 * for the next command, and the host calls `globalThis[Symbol.for('schemaver.heldDatabases')].release()`. The state is
 * the thread's (on globalThis), shared by every copy of this module a host loads (built and from sources).
 */
interface Held {
  holding: boolean;
  readonly releasers: (() => Promise<void>)[];
  /** release closes every database held (and ends the holding). */
  readonly release: () => Promise<void>;
}

/** HELD names the thread's Held on globalThis. */
const HELD = Symbol.for('schemaver.heldDatabases');

const held: Held = ((globalThis as Record<symbol, unknown>)[HELD] ??= {
  holding: false,
  releasers: [],
  async release(this: void) {
    const self = (globalThis as Record<symbol, unknown>)[HELD] as Held;
    self.holding = false;
    for (const close of self.releasers.splice(0)) await close().catch(() => undefined);
  },
} satisfies Held) as Held;

/** holdDatabases: this thread releases what it holds (releaseDatabases) before it ends. */
export function holdDatabases(): void {
  held.holding = true;
}

/** holdsDatabases tells whether this thread may keep a scratch database open for its next use (holdDatabases). */
export function holdsDatabases(): boolean {
  return held.holding;
}

/** onRelease registers how to close a database held open (once: a release forgets it). */
export function onRelease(close: () => Promise<void>): void {
  held.releasers.push(close);
}

/** KEEP names the flag on globalThis of a host that keeps held databases from one command to the next (see Held). */
const KEEP = Symbol.for('schemaver.keepDatabases');

/**
 * keepsDatabases tells whether what this thread holds now stays open after the command ends, for the next command of
 * this process (a thread that holds databases, in a host that keeps them: KEEP, see Held).
 */
export function keepsDatabases(): boolean {
  return held.holding && (globalThis as Record<symbol, unknown>)[KEEP] === true;
}

/**
 * releaseDatabases closes what this thread holds and ends the holding (a command's end), unless `keep` and the host
 * keeps them (KEEP, see Held): then they stay for the next command of this process.
 */
export async function releaseDatabases(opts: { readonly keep?: boolean } = {}): Promise<void> {
  if (opts.keep && (globalThis as Record<symbol, unknown>)[KEEP] === true) return;
  await held.release();
}

/** LockStamp is what a lock file says about its holder. */
export interface LockStamp {
  readonly pid: number;
  readonly host: string;
  /** started: the holder's start time in clock ticks since boot (Linux), when recorded. */
  readonly started?: string;
}

/** processStart reads a process's start time (field 22 of /proc/PID/stat); undefined where there is no /proc. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const ticks = after[19];
    return ticks && /^\d+$/.test(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** myStamp is the lock-file text of this process. */
export function myStamp(): string {
  const started = processStart(process.pid);
  return `${process.pid}@${hostname()}\n${started ? `started ${started}\n` : ''}`;
}

/** parseStamp reads a lock file's text (a bare `pid` means this host); undefined when empty, torn or foreign. */
export function parseStamp(text: string): LockStamp | undefined {
  const [first, second] = text.split('\n');
  const m = /^(\d+)(?:@(.+))?$/.exec((first ?? '').trim());
  if (!m) return undefined;
  const s = /^started (\d+)$/.exec((second ?? '').trim());
  return { pid: Number(m[1]), host: m[2] ?? hostname(), ...(s ? { started: s[1]! } : {}) };
}

/** pidAlive tells whether a process with id `pid` exists on this host (one of another user's counts). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** stampAlive tells whether a stamp's process may still be running: always true for another host. */
export function stampAlive(h: LockStamp): boolean {
  if (h.host !== hostname()) return true;
  if (!Number.isInteger(h.pid) || h.pid <= 0) return false;
  if (!pidAlive(h.pid)) return false;
  // alive: the same process only if it started when the stamp says (a reused pid started later)
  if (h.started === undefined) return true;
  const now = processStart(h.pid);
  return now === undefined || now === h.started;
}
