/**
 * Verification off the command's thread: startVerifier() starts the worker (worker.ts) at once, so PGlite's
 * WebAssembly compiles and a spare database restores while the caller is still parsing and planning; verify()
 * then runs verifyEdge there. Where the worker cannot run (sources executed without a build, as in unit tests)
 * the same calls run in this thread. Always close() the verifier: it ends the worker and its databases.
 */
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SchemaverError, type ErrorCode } from '../errors.js';
import {
  PGLITE_WASM,
  allowWasmTierUp,
  builtWorker,
  cores,
  endWorker,
  keepsDatabases,
  onRelease,
  sharedWasm,
  shareWasm,
  slowJsTierUp,
  wasmTierUp,
} from '../proc.js';
import { codeIdentity } from './identity.js';
import { proverVerifier, startingProver, warmProver } from './prover.js';
import { proverKey } from './proverio.js';
import type { Schema } from '../model/types.js';
import type { VerifyOptions, VerifyResult } from './verify.js';

/** VerifyCall is one verifyEdge call's arguments (onProgress stays with the caller; `reportProgress` asks for progress replies). */
export interface VerifyCall {
  readonly from: Schema;
  readonly to: Schema;
  readonly up: string;
  readonly down: string | null;
  readonly opts: Omit<VerifyOptions, 'onProgress' | 'target'> & {
    readonly reportProgress?: boolean;
    /** awaitTarget: the target read-back arrives later in a `deliver` request for this call's id. */
    readonly awaitTarget?: boolean;
  };
}

/**
 * VerifyRequest is a VerifyCall sent to the worker, as JSON text: models are plain JSON (snapshot.json is the
 * same text), and JSON crosses threads ~3x faster than a structured clone of 1000 tables' objects.
 */
export interface VerifyRequest {
  readonly id: number;
  /** codeId: this build's identity (identity.ts), which the worker then need not compute again. */
  readonly codeId?: string;
  /** call: a VerifyCall as JSON text (absent in the other requests below). */
  readonly call?: string;
  /**
   * prepare: restore the spare database from the image of the schema with this hash (or empty: no hash), with the
   * lock table `objects` objects need (pglite.ts PgliteOptions.objects).
   */
  readonly prepare?: { readonly cacheDir?: string; readonly hash?: string; readonly objects?: number };
  /** target: build this schema (JSON) from nothing, read it back, keep its read-back and image; answers the read-back. */
  readonly target?: { readonly schema: string; readonly hash: string; readonly cacheDir: string };
  /** readback: build this schema (JSON) from nothing and read it back (normalize.ts NormalizeOptions.helper); answers in `target`. */
  readonly readback?: string;
  /** reread: build the last `readback` request's schema again as it read back (NormalizeOptions.reread); answers in `target`. */
  readonly reread?: boolean;
  /**
   * expect: build the target side of the proof of this edge (models as JSON) ahead of it, on the spare database
   * (target.ts prebuildTarget); no answer: the proof of that edge takes it.
   */
  readonly expect?: {
    readonly from: string;
    readonly to: string;
    readonly hashes: { readonly from: string; readonly to: string };
    readonly cacheDir: string;
  };
  /** deliver: the target read-back (JSON) or error a waiting proof `id` asked for (VerifyOptions.target). */
  readonly deliver?: { readonly schema?: string; readonly error?: WorkerReply['error'] };
  /** flush: answer once the images being written in the background are written and background work is idle (close asks it last). */
  readonly flush?: boolean;
  /**
   * reset: the command the worker served has ended (the warm prover's, proverd.ts, or a held worker's, heldVerifiers);
   * the worker gets ready for the next one and answers `reset`.
   */
  readonly reset?: boolean;
  /**
   * end (with `flush`): a worker started to serve one command after another (workerData.daemon) ends as a command's
   * own worker does at its close (heldVerifiers: the host releases it).
   */
  readonly end?: boolean;
}

/** WorkerReply is the worker's answer to a VerifyRequest: progress on the way, then a result or the error verifyEdge threw. */
export interface WorkerReply {
  readonly id: number;
  readonly progress?: { readonly phase: string; readonly done: number; readonly total: number };
  readonly result?: VerifyResult;
  /** target: the read-back a `target` request built (JSON). */
  readonly target?: string;
  /**
   * settled (with a proof's `result`): the worker writes no image in the background as it answers (target.ts
   * flushImages has nothing to wait for), so a command that asks nothing more need not ask it to `flush`.
   */
  readonly settled?: boolean;
  /** flushed: the answer to a `flush` request; busy: the worker still restores its spare (terminate it, do not wait). */
  readonly flushed?: boolean;
  readonly busy?: boolean;
  /** reset: the answer to a `reset` request. */
  readonly reset?: boolean;
  /** wasm: PGlite's WebAssembly module the worker compiled (id -1), for the workers started after it (proc.ts sharedWasm). */
  readonly wasm?: object;
  readonly error?: {
    message: string;
    /** code: a SchemaverError's code, or any error's `code` property (an errno name), taken as it came */
    code?: ErrorCode;
    hint?: string;
    exit?: number;
    data?: unknown;
    loc?: SchemaverError['loc'];
    issues?: SchemaverError['issues'];
    stack?: string;
  };
}

/** Verifier proves edges (verifyEdge) for one command; close() it when done. */
export interface Verifier {
  /** inWorker tells whether proofs run on the worker thread (or the warm prover's). */
  readonly inWorker: boolean;
  /** remote: proofs go to the warm prover (prover.ts), which has nothing to start: a helper worker would only cost. */
  readonly remote?: boolean;
  /**
   * sent resolves once a proof has been handed to the worker (at once in this thread): a caller with work of its
   * own to do meanwhile waits for it first, so the worker starts proving before that work takes this thread.
   */
  readonly sent: Promise<void>;
  verify(
    from: Schema,
    to: Schema,
    up: string,
    down: string | null,
    opts?: Omit<VerifyOptions, 'target'> & { readonly targetSchema?: Promise<Schema> },
  ): Promise<VerifyResult>;
  /**
   * prepare restores the spare database from the image of the schema with hash `hash` in `cacheDir` (the empty
   * cluster without one), for a verifier started with `deferSpare`; the next proof from that schema takes it.
   * `objects`: how many objects (pglite.ts lockWeight) the proof's schemas have together, as far as known: a spare
   * with the small lock table is restored again with the big one when they need it (called again when more is known).
   */
  prepare(cacheDir?: string, hash?: string, objects?: number): void;
  /**
   * expect has the verifier's thread build the target side of the proof of edge `from` -> `to` (their schema hashes
   * `hashes`) on its spare database while the caller still plans that edge, for a proof of a small edge without a
   * helper (target.ts prebuildTarget): that proof then builds only the source side. Nothing is answered.
   */
  expect(from: Schema, to: Schema, hashes: { readonly from: string; readonly to: string }, cacheDir: string): void;
  /** target builds `schema` from nothing and reads it back (kept in the read-back and image caches of `cacheDir`). */
  target(schema: Schema, hash: string, cacheDir: string): Promise<Schema>;
  /** readback builds `schema` from nothing and reads it back as normalisation does (normalize.ts buildForProof), keeping nothing. */
  readback(schema: Schema): Promise<Schema>;
  /**
   * reread builds the schema the last readback built once more, with each expression as it read back
   * (normalize.ts respelledBuild), and reads it back, after that readback (asked at once, it is the next request);
   * fails when that readback failed or was reread already.
   */
  reread(): Promise<Schema>;
  /**
   * close ends the verifier: a worker settles its background work, writes its images and ends by itself
   * ('ended'), or is terminated when it cannot ('terminated'); the in-thread verifier flushes its images.
   */
  close(): Promise<'ended' | 'terminated' | void>;
}

/** VerifierOptions: `deferSpare` waits for prepare() before restoring the spare database. */
export interface VerifierOptions {
  readonly deferSpare?: boolean;
  /** objects: the spare's size, as prepare() takes it (an estimate of the schemas the command will prove). */
  readonly objects?: number;
}

/**
 * spareCore tells whether a second verification worker would run on a core of its own: three cores or more (the
 * command's thread and the first worker keep two busy) and a load average that leaves one free. Otherwise a second
 * worker only takes CPU from the first: on two idle cores a 5-table commit used 2.9 s of CPU with a helper and
 * 1.7 s without, for the same proof. SCHEMAVER_SPLIT=1 / =0 decides instead (tests, benchmarks).
 */
export function spareCore(): boolean {
  const forced = process.env.SCHEMAVER_SPLIT;
  if (forced === '1' || forced === '0') return forced === '1';
  // one answer per process: bin/run.js starts the first worker by it, the command decides on the helper by it
  spare ??= (() => {
    const n = cores();
    return n >= 3 && os.loadavg()[0] <= n - 2;
  })();
  return spare;
}

let spare: boolean | undefined;

let early: Verifier | undefined;

/**
 * startEarlyVerifier starts the verifier of a command that will prove (bin/run.js, for `commit`) before the CLI
 * framework and the command's modules load, so the worker loads and PGlite starts on the other core meanwhile; the
 * command's startVerifier({ deferSpare: true }) takes it. Without a spare core there is no helper worker, so the
 * spare can only be the empty cluster (app/commit.ts): it is restored at once instead of after the store is read,
 * sized by the YAML under `<root>/schema` (schemaObjects). Unused, it does not keep the process alive (unref'd).
 */
export function startEarlyVerifier(root?: string): void {
  if (early) return;
  const objects = root === undefined ? 0 : schemaObjects(root);
  if (root !== undefined && tiersUp(root, objects)) {
    allowWasmTierUp();
    slowJsTierUp(); // until its proof is sent (app/commit.ts)
  }
  early = startVerifier({ deferSpare: spareCore(), objects });
}

/**
 * TIER_UP_MIN_OBJECTS: a first commit of a schema whose YAML holds about this many objects (schemaObjects) or more
 * proves a creation script long enough that V8's optimizing tier-up of PGlite's WebAssembly pays for itself (proc.ts
 * allowWasmTierUp: the bench's 1000 generated tables, ~22,000 by this estimate, prove in 30% less CPU on the proof's
 * thread and less CPU in all). Smaller ones do not: 250 tables (~4,700) saved 0.7 s of the proof thread's 4.2 s and
 * cost 2.2 s more CPU in all; nor do later commits, whose proof restores an image and proves a small edge (a 1-column
 * commit on 1000 tables: 1-2 s more CPU with it).
 */
export const TIER_UP_MIN_OBJECTS = 15_000;

/** tiersUp tells whether the commit under `root`, its schema/ holding about `objects` objects, is a root commit of TIER_UP_MIN_OBJECTS or more. */
export function tiersUp(root: string, objects: number): boolean {
  return objects >= TIER_UP_MIN_OBJECTS && unbornBranch(root);
}

/**
 * unbornBranch tells whether the store under `root` has no commit on HEAD's branch yet (`.schemaver/HEAD` names a
 * branch that neither a loose ref nor packed-refs holds), read from the files alone before the store's modules load:
 * the coming commit is then a root commit, whose proof runs the whole creation script. A wrong guess costs time only.
 */
export function unbornBranch(root: string): boolean {
  const gitdir = path.join(root, '.schemaver');
  const read = (file: string) => {
    try {
      return readFileSync(path.join(gitdir, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const head = /^ref: (refs\/heads\/\S+)\s*$/.exec(read('HEAD') ?? '')?.[1]; // none: detached or no store
  if (head === undefined || existsSync(path.join(gitdir, ...head.split('/')))) return false;
  return !(read('packed-refs') ?? '').split('\n').some((l) => l.trimEnd().endsWith(` ${head}`));
}

/**
 * YAML_BYTES_PER_OBJECT: schema/ YAML holds about this many bytes per model object (lockWeight; a generated schema
 * ~44 at 5, 50 and 1000 tables). A guess either way costs no correctness: too many, and the spare starts with the big
 * lock table (~40 ms of CPU, before it is needed); too few, and it is restored again once the schema is read.
 */
export const YAML_BYTES_PER_OBJECT = 40;

/**
 * schemaObjects estimates how many model objects the YAML files under `<root>/schema` declare, from their sizes
 * alone (a few stat calls: bin/run.js asks it before the CLI loads, so that the worker's first spare is the size the
 * commit's schema needs, not restored twice); 0 when there are none.
 */
export function schemaObjects(root: string): number {
  let bytes = 0;
  const walk = (dir: string): void => {
    let ents: Dirent[];
    try {
      ents = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/i.test(e.name)) bytes += statSync(p, { throwIfNoEntry: false })?.size ?? 0;
    }
  };
  walk(path.join(root, 'schema'));
  return Math.floor(bytes / YAML_BYTES_PER_OBJECT);
}

/** startVerifier starts a verifier: the worker thread when the built worker exists, else this thread (or takes the one startEarlyVerifier started). */
export function startVerifier(opts: VerifierOptions = {}): Verifier {
  if (opts.deferSpare && early) {
    const taken = early;
    early = undefined;
    return taken;
  }
  const file = builtWorker(import.meta.url, './worker.js');
  if (!file) return inThread();
  const own = () => {
    // in a host that keeps databases between commands, the worker an earlier command left held (heldVerifiers)
    const key = keepsDatabases() ? heldKey() : undefined;
    const taken = key === undefined ? undefined : takeHeld(key);
    if (taken) {
      // reset after its last command (its spare the empty cluster, small): sized as a new worker's first spare would be
      if (!opts.deferSpare && opts.objects) taken.worker.postMessage({ id: -1, prepare: { objects: opts.objects } });
      return inWorker(taken);
    }
    // a worker started after another compiled PGlite's WebAssembly (or this thread did) gets it compiled
    const pgliteWasm = sharedWasm(PGLITE_WASM);
    const workerData = {
      deferSpare: Boolean(opts.deferSpare),
      objects: opts.objects ?? 0,
      pgliteWasm,
      wasmTierUp: wasmTierUp(),
      // held, it serves one command after another as the warm prover's worker does (its flush does not end it)
      ...(key === undefined ? {} : { daemon: { codeId: codeIdentity() } }),
    };
    if (key !== undefined) heldVerifiers.counts.started++;
    return inWorker(workerLink(new Worker(file, { workerData }), key));
  };
  // the warm prover of this build when one listens (its worker started long ago), this command's own worker when
  // it fails; with none, this command's worker, and one is started in the background for the next commands
  const prover = warmProver();
  if (!prover) return own();
  return prover.listening ? proverVerifier(prover.paths, own) : startingProver(own(), prover.paths);
}

function inThread(): Verifier {
  // the last readback (once it is read back), for reread(), which a worker answers after it as well
  let last: Promise<{ readonly schema: Schema; readonly back: Schema } | undefined> | undefined;
  void import('./pglite.js').then(
    (m) => m.prewarmPglite(),
    () => undefined,
  );
  return {
    inWorker: false,
    sent: Promise.resolve(),
    async verify(from, to, up, down, opts = {}) {
      const { verifyEdge } = await loadVerifier();
      const { targetSchema, ...rest } = opts;
      return verifyEdge(from, to, up, down, targetSchema ? { ...rest, target: () => targetSchema } : rest);
    },
    prepare() {},
    expect(from, to, hashes, cacheDir) {
      void loadVerifier().then(
        (m) => m.prebuildTarget(from, to, hashes, cacheDir),
        () => undefined,
      );
    },
    async target(schema, hash, cacheDir) {
      const { buildTarget } = await loadVerifier();
      return buildTarget(schema, hash, cacheDir);
    },
    readback(schema) {
      const back = import('./normalize.js').then(({ buildForProof }) => buildForProof(schema));
      last = back.then((b) => ({ schema, back: b })).catch(() => undefined);
      return back;
    },
    async reread() {
      const { rebuildLast } = await import('./normalize.js');
      const l = last;
      last = undefined;
      return rebuildLast(await l);
    },
    async close() {
      const { flushImages, released } = await loadVerifier();
      await Promise.all([flushImages(), released()]);
    },
  };
}

/** Waiter is a request waiting for the worker's reply. */
interface Waiter {
  resolve: (r: VerifyResult & { target?: string; flushed?: boolean; busy?: boolean; settled?: boolean }) => void;
  reject: (e: Error) => void;
  onProgress?: VerifyOptions['onProgress'];
}

/**
 * WorkerLink is a verification worker and the requests waiting for its replies: one command's (inWorker), or, held
 * (heldVerifiers), one command's after another's, its request ids counted on so that no reply of an earlier command
 * is taken for a later one's.
 */
interface WorkerLink {
  readonly worker: Worker;
  /** key: the build and environment a held worker serves (heldKey); undefined: it ends with its command. */
  readonly key: string | undefined;
  next: number;
  /** failure: why the worker can take no more requests (it failed, stopped or was ended). */
  failure: Error | undefined;
  readonly waiting: Map<number, Waiter>;
}

/** workerLink listens to `worker` for the verifiers that use it (held under `key`, or not). */
function workerLink(worker: Worker, key: string | undefined): WorkerLink {
  const link: WorkerLink = { worker, key, next: 0, failure: undefined, waiting: new Map() };
  const { waiting } = link;
  const failAll = (e: Error) => {
    link.failure ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
    dropHeld(link);
  };
  // Idle, the worker does not keep the process alive (a command that forgets close() still ends); busy, it does.
  worker.unref();
  worker.on('message', (reply: WorkerReply) => {
    if (reply.wasm) shareWasm(PGLITE_WASM, reply.wasm);
    const w = waiting.get(reply.id);
    if (!w) return;
    if (reply.progress) {
      w.onProgress?.(reply.progress.phase, reply.progress.done, reply.progress.total);
      return;
    }
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    if (reply.result) w.resolve(reply.settled ? { ...reply.result, settled: true } : reply.result);
    else if (reply.target !== undefined) w.resolve({ ok: true, problems: [], ms: 0, target: reply.target });
    else if (reply.flushed) w.resolve({ ok: true, problems: [], ms: 0, flushed: true, busy: Boolean(reply.busy) });
    else if (reply.reset) w.resolve({ ok: true, problems: [], ms: 0 });
    else w.reject(rebuildError(reply.error));
  });
  worker.on('error', (e) => failAll(e));
  worker.on('messageerror', (e) =>
    failAll(new Error(`a reply from the verification worker could not be read: ${e.message}`)),
  );
  worker.on('exit', (code) => failAll(new Error(`the verification worker stopped (exit ${code})`)));
  return link;
}

/** ask sends request `req` to the link's worker and resolves with its reply (progress goes to `onProgress`). */
function ask(link: WorkerLink, req: Omit<VerifyRequest, 'id'>, onProgress?: VerifyOptions['onProgress']) {
  if (link.failure) return Promise.reject(link.failure);
  const id = link.next++;
  return new Promise<VerifyResult & { target?: string; flushed?: boolean; busy?: boolean; settled?: boolean }>(
    (resolve, reject) => {
      link.waiting.set(id, { resolve, reject, onProgress });
      link.worker.ref();
      // a request that reads or writes the caches carries the build's identity (a flush does not need it)
      link.worker.postMessage({ id, ...(req.flush ? {} : { codeId: codeIdentity() }), ...req } satisfies VerifyRequest);
    },
  );
}

/** endLink ends a link's worker as a command's close does: asked to settle and end by itself, else terminated. */
async function endLink(link: WorkerLink): Promise<'ended' | 'terminated'> {
  const ended = new Promise<void>((resolve) => link.worker.once('exit', () => resolve()));
  const idle = !link.failure && (await ask(link, { flush: true, end: true }).then((r) => !r.busy, () => false)); // prettier-ignore
  link.failure ??= new Error('the verifier is closed');
  return endWorker(link.worker, idle ? ended : undefined);
}

function inWorker(link: WorkerLink): Verifier {
  const { worker } = link;
  /** closed: this command is done with the worker (held, it may serve another command now). */
  let closed: Promise<'ended' | 'terminated' | void> | undefined;
  const closedError = new Error('the verifier is closed');
  /**
   * sends counts the requests this command sent; settled: the count when a proof was answered with nothing left to
   * write (WorkerReply.settled, a held worker's): while nothing was sent since, close() need not ask for a flush.
   */
  let sends = 0;
  let settled = -1;
  const request = (req: Omit<VerifyRequest, 'id'>, onProgress?: VerifyOptions['onProgress']) => {
    if (closed) return Promise.reject(closedError);
    sends++;
    return ask(link, req, onProgress);
  };
  const { promise: sent, resolve: markSent } = signal();
  /** post sends a request nothing answers (prepare, expect), with the build's identity: both use the caches. */
  const post = (req: Omit<VerifyRequest, 'id'>) =>
    void (
      closed ||
      link.failure ||
      (sends++, worker.postMessage({ id: -1, codeId: codeIdentity(), ...req } satisfies VerifyRequest))
    );
  /** built asks for a schema built and read back (`target`, `readback`, `reread`), answered as JSON. */
  const built = async (req: Omit<VerifyRequest, 'id'>) => JSON.parse((await request(req)).target!) as Schema;
  return {
    inWorker: true,
    sent,
    async verify(from, to, up, down, opts = {}) {
      const { onProgress, targetSchema: target, ...plain } = opts;
      const call: VerifyCall = {
        from,
        to,
        up,
        down,
        opts: { ...plain, ...(onProgress ? { reportProgress: true } : {}), ...(target ? { awaitTarget: true } : {}) },
      };
      const id = link.next; // the id ask() gives this call: the delivery below names it
      const answer = request({ call: JSON.stringify(call) }, onProgress);
      const mine = sends;
      markSent();
      target?.then(
        (schema) => (
          sends++,
          worker.postMessage({ id, deliver: { schema: JSON.stringify(schema) } } satisfies VerifyRequest)
        ),
        (e: unknown) => (
          sends++,
          worker.postMessage({ id, deliver: { error: plainError(e) } } satisfies VerifyRequest)
        ),
      );
      const { settled: nothingLeft, ...result } = await answer;
      if (nothingLeft) settled = mine;
      return result;
    },
    prepare: (cacheDir, hash, objects) => post({ prepare: { cacheDir, hash, objects } }),
    expect: (...edge) => post({ expect: expectOf(...edge) }),
    target: (schema, hash, cacheDir) => built({ target: { schema: JSON.stringify(schema), hash, cacheDir } }),
    readback: (schema) => built(readbackOf(schema)),
    reread: () => built({ reread: true }),
    close() {
      closed ??= (async () => {
        if (link.key !== undefined && (await settle(link, settled === sends))) return;
        return endLink(link);
      })();
      return closed;
    },
  };
}

/**
 * Held verifiers: in a host that keeps databases from one command to the next (proc.ts keepsDatabases: the tests'
 * in-process CLI runner), a command's verification worker is held when the command closes its verifier, instead of
 * ended, and the next command of the process that starts one takes it (startVerifier): a new worker costs ~0.45 s of
 * CPU loading its modules and ~0.3 s starting PGlite. Such a worker serves one command after another as the warm
 * prover's does (worker.ts `daemon`): at the command's end it writes the command's images (`flush`) and is `reset`
 * (what the command left dropped: deliveries, a read-back to reread, a prebuilt target, its spare), as proverd.ts
 * resets its worker between commands; only a worker that answered both within `graceMs` is held, and only for a command
 * of the same build and environment (heldKey). The host's release (proc.ts Held) ends the workers held; one that
 * fails or stops meanwhile is dropped. A user's process (bin/run.js) keeps no databases: its worker ends with it.
 * The state is the thread's (on globalThis), shared by every copy of this module a host loads.
 */
export interface HeldVerifiers {
  /** idle: the workers held, the most recently held last. */
  readonly idle: WorkerLink[];
  /** counts, for tests: workers started to be held, taken again by a later command, ended (released or evicted). */
  readonly counts: { started: number; reused: number; ended: number };
  /** graceMs: how long a command's end waits for its worker's flush and reset before it ends the worker instead. */
  graceMs: number;
  /** registered: the host's release ends the workers held (proc.ts onRelease). */
  registered: boolean;
}

/** HELD_MAX: the most workers held at once (a command proves with two at most: prove.ts, commit's helper). */
const HELD_MAX = 2;

/** heldVerifiers is the thread's HeldVerifiers. */
export const heldVerifiers: HeldVerifiers = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('schemaver.heldVerifiers')
] ??= {
  idle: [],
  counts: { started: 0, reused: 0, ended: 0 },
  graceMs: 10_000,
  registered: false,
} satisfies HeldVerifiers) as HeldVerifiers;

/** heldKey is what a held worker must have been started for to serve this command: build, environment, tier-up. */
function heldKey(): string {
  return `${proverKey(codeIdentity())}${wasmTierUp() ? ' tier-up' : ''}`;
}

/** takeHeld takes the most recently held worker of `key`, if one is held and has not failed. */
function takeHeld(key: string): WorkerLink | undefined {
  const { idle } = heldVerifiers;
  for (let i = idle.length - 1; i >= 0; i--) {
    const l = idle[i]!;
    if (l.key !== key || l.failure) continue;
    idle.splice(i, 1);
    heldVerifiers.counts.reused++;
    return l;
  }
  return undefined;
}

/** dropHeld forgets a held worker (it failed or stopped). */
function dropHeld(link: WorkerLink): void {
  const i = heldVerifiers.idle.indexOf(link);
  if (i >= 0) heldVerifiers.idle.splice(i, 1);
}

/**
 * settle holds `link`'s worker for the next command once it has written this command's images (unless its last proof
 * said none were left: `clean`) and reset, within graceMs; false when it failed, did not answer in time, or the host
 * no longer keeps databases (the caller ends it).
 */
async function settle(link: WorkerLink, clean: boolean): Promise<boolean> {
  if (link.failure || !keepsDatabases()) return false;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), heldVerifiers.graceMs)));
  const done = Promise.all([clean ? undefined : ask(link, { flush: true }), ask(link, { reset: true })]).then(
    () => true,
    () => false,
  );
  const ok = await Promise.race([done, late]);
  clearTimeout(timer);
  // late: still busy with them, it is terminated at once (endLink), not asked to end after them
  if (!ok) link.failure ??= new Error('the verification worker did not settle in time');
  if (!ok || link.failure || !keepsDatabases()) return false;
  const { idle } = heldVerifiers;
  idle.push(link);
  link.worker.unref();
  while (idle.length > HELD_MAX) void endHeld(idle.shift()!);
  if (!heldVerifiers.registered) {
    heldVerifiers.registered = true;
    onRelease(async () => {
      heldVerifiers.registered = false;
      await Promise.all(heldVerifiers.idle.splice(0).map(endHeld));
    });
  }
  return true;
}

/** endHeld ends a held worker (released or evicted). */
async function endHeld(link: WorkerLink): Promise<void> {
  heldVerifiers.counts.ended++;
  await endLink(link).catch(() => undefined);
}

/** expectOf is Verifier.expect's arguments as an `expect` request carries them (models as JSON, the directory absolute). */
export function expectOf(...[from, to, hashes, cacheDir]: Parameters<Verifier['expect']>): VerifyRequest['expect'] {
  return { from: JSON.stringify(from), to: JSON.stringify(to), hashes, cacheDir: path.resolve(cacheDir) };
}

/** readbackOf is Verifier.readback's arguments as a `readback` request carries them (the model as JSON). */
export function readbackOf(schema: Schema): Pick<VerifyRequest, 'readback'> {
  return { readback: JSON.stringify(schema) };
}

/** signal is a promise and the function that resolves it. */
export function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** loadVerifier loads the proof itself on this thread (no worker: tests that run sources without a build); the one
 * lazy import of it, so a command that starts a worker does not load PGlite's proof code here as well. */
function loadVerifier(): Promise<typeof import('./verify.js')> {
  return import('./verify.js');
}

/** plainError is an error as a WorkerReply carries it (SchemaverError fields kept). */
export function plainError(e: unknown): NonNullable<WorkerReply['error']> {
  const x = e as Partial<SchemaverError> & { message?: string; stack?: string };
  return {
    message: String(x?.message ?? e),
    ...(x?.code ? { code: x.code } : {}),
    ...(x?.hint ? { hint: x.hint } : {}),
    ...(x?.exit !== undefined ? { exit: x.exit } : {}),
    ...(x?.stack ? { stack: x.stack } : {}),
  };
}

/** rebuildError turns a serialized worker error back into a SchemaverError (same code, hint, exit) or an Error. */
export function rebuildError(e: WorkerReply['error']): Error {
  if (e?.code)
    return new SchemaverError({
      code: e.code,
      message: e.message,
      hint: e.hint,
      exit: (e.exit as SchemaverError['exit'] | undefined) ?? 2, // 2 when the code is not one of ours
      data: e.data,
      loc: e.loc,
      issues: e.issues,
    });
  const err = new Error(e?.message ?? 'verification failed in the worker');
  if (e?.stack) err.stack = e.stack;
  return err;
}
