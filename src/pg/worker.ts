/**
 * The verification worker: a thread that owns PGlite for one command, so PostgreSQL's work runs on its own core
 * while the command's thread goes on (reading YAML, planning, preparing store objects). On start it compiles
 * PGlite's WebAssembly and restores a spare database (at once, or from the image prepare() names); then it answers
 * `verify` requests with verifyEdge's result, `target` requests with buildTarget's read-back, `readback` requests
 * with a part of a schema being normalised, read back, and `reread` requests with that part built again as it read
 * back; an `expect` request (unanswered) builds the target side of the proof that follows (target.ts prebuildTarget).
 * Started and ended by offload.ts; ended by terminate(), which also frees any instance still open.
 *
 * In the warm prover (proverd.ts, workerData.daemon), and held between a host's commands (offload.ts heldVerifiers),
 * the same thread serves one command after another: a `flush` does not end it (a `flush` with `end` does), and a `reset` (sent when a command's connection ends) drops what that command left (deliveries
 * it still owed, a spare it did not take) and restores the next command's empty spare, then plans the catalog reads
 * of that spare on the schema the last proof left HEAD at (target.ts warmSpare), before the next command's requests.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { SchemaverError } from '../errors.js';
import type { Schema } from '../model/types.js';
import { PGLITE_WASM, shareWasm, wasmTierUp } from '../proc.js';
import {
  loadPgliteModule,
  pgliteWasm,
  prepareSpare,
  prewarmPglite,
  quiescePglite,
  renewSpare,
  tierUpForProof,
} from './pglite.js';
import { adoptCodeIdentity } from './identity.js';
import { rebuildError, type VerifyCall, type VerifyRequest, type WorkerReply } from './offload.js';

/**
 * proofModules loads the proof's modules (verify.js and the ~70 modules it imports: ~0.1 s) only once PGlite's own
 * module has loaded: PGlite's start, which every proof waits for, goes first, and the proof's modules load while
 * PGlite's WebAssembly compiles on V8's threads and its image is read.
 */
let proofModules: Promise<[typeof import('./verify.js'), typeof import('./images.js')]> | undefined;
/** loaded: the proof's modules once they have loaded. */
let loaded: [typeof import('./verify.js'), typeof import('./images.js')] | undefined;
function loadProof(): Promise<[typeof import('./verify.js'), typeof import('./images.js')]> {
  proofModules ??= loadPgliteModule()
    .catch(() => undefined)
    .then(() => Promise.all([import('./verify.js'), import('./images.js')]))
    .then((m) => (loaded = m));
  return proofModules;
}

/** delivered: target read-backs waiting for (or waited on by) the proof with that request id. */
const delivered = new Map<
  number,
  { promise: Promise<Schema>; resolve: (s: Schema) => void; reject: (e: Error) => void }
>();

/** slot returns the delivery slot of request `id` (made by whichever comes first: the proof or the delivery). */
function slot(id: number) {
  let s = delivered.get(id);
  if (!s) {
    let resolve!: (s: Schema) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<Schema>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => undefined);
    s = { promise, resolve, reject };
    delivered.set(id, s);
  }
  return s;
}

/** lastRead: the last `readback` request's schema and its read-back, for a `reread` request. */
let lastRead: { readonly schema: Schema; readonly back: Schema } | undefined;

/**
 * likely: the schema the next command's proof most likely starts from (the last proof's target when it passed, else
 * its source: HEAD's schema either way), which the warm prover's reset builds on the spare to plan its reads (target.ts warmSpare).
 */
let likely: Schema | undefined;

/** served: whether a request that may leave writes behind (a proof, a build) has run on this thread. */
let served = false;

/** WorkerStart is the worker's workerData. */
interface WorkerStart {
  readonly deferSpare?: boolean;
  /** objects: the first spare's size (offload.ts VerifierOptions.objects). */
  readonly objects?: number;
  readonly pgliteWasm?: object;
  /** daemon: serve one command after another (the warm prover), with this build identity. */
  readonly daemon?: { readonly codeId: string };
}

const start = (workerData ?? {}) as WorkerStart;
const port = parentPort;
if (port) {
  if (start.daemon) adoptCodeIdentity(start.daemon.codeId);
  // PGlite's WebAssembly as the starting thread holds it compiled (offload.ts), else compiled here and handed back
  const given = start.pgliteWasm;
  shareWasm(PGLITE_WASM, given);
  // a big root commit's worker (proc.ts wasmTierUp) runs every database on a module compiled to tier up, from its
  // spare on: the normalisation's builds (rolled back, their database recycled) then warm the optimized code of the
  // proof that takes that database, and no second database is restored for the proof on a module of its own
  if (wasmTierUp()) tierUpForProof();
  prewarmPglite();
  if (!given) void pgliteWasm().then((wasm) => wasm && port.postMessage({ id: -1, wasm } satisfies WorkerReply));
  if (!start.deferSpare) prepareSpare('', undefined, start.objects);
  void loadProof().catch(() => undefined); // a failure to load is reported by the first request that needs them
  // One proof at a time: verifyEdge keeps per-proof state (timings, progress) and there is one spare database.
  let queue = Promise.resolve();
  port.on('message', (req: VerifyRequest) => {
    if (req.codeId && !start.daemon) adoptCodeIdentity(req.codeId);
    if (req.reset) {
      // the command is gone: a proof still waiting for its target read-back ends now, then the queue resets
      for (const s of delivered.values()) s.reject(new Error('the command that asked for this proof has ended'));
      queue = queue.then(() => reset(port, req.id)).catch(() => undefined);
      return;
    }
    if (req.prepare) {
      const { cacheDir, hash, objects } = req.prepare;
      // after the requests before it: a build running now hands its database back as the spare (pglite.ts recycleSpare)
      queue = queue
        .then(() => {
          if (cacheDir && hash)
            prepareSpare(hash, () => loadProof().then(([, images]) => images.loadImage(cacheDir, hash)), objects);
          else prepareSpare('', undefined, objects);
        })
        .catch(() => undefined);
      return;
    }
    if (req.expect) {
      // the target side of the proof that follows, built while the command plans it (target.ts prebuildTarget)
      const { from, to, hashes, cacheDir } = req.expect;
      queue = queue
        .then(() => loadProof())
        .then(([verify]) =>
          verify.prebuildTarget(JSON.parse(from) as Schema, JSON.parse(to) as Schema, hashes, cacheDir),
        )
        .catch(() => undefined);
      return;
    }
    if (req.deliver) {
      const s = slot(req.id);
      if (req.deliver.schema !== undefined) s.resolve(JSON.parse(req.deliver.schema) as Schema);
      else s.reject(rebuildError(req.deliver.error));
      return;
    }
    queue = queue.then(() => answer(port, req)).catch(() => undefined);
  });
}

/** reset makes the daemon's worker ready for the next command (see the module comment) and says so. */
async function reset(port: MessagePort, id: number): Promise<void> {
  delivered.clear();
  lastRead = undefined;
  loaded?.[0].dropTarget();
  served = false;
  await renewSpare();
  port.postMessage({ id, reset: true } satisfies WorkerReply);
  // then, before the next command's requests (queued after this), the spare's catalog reads are planned
  const next = likely;
  likely = undefined;
  if (next && loaded) await loaded[0].warmSpare(next).catch(() => undefined);
}

/** answer runs one request and posts its result or error (never throws). */
async function answer(port: MessagePort, req: VerifyRequest): Promise<void> {
  try {
    if (req.flush && start.daemon && !req.end) {
      // the warm prover's thread outlives the command: it only writes the command's images before saying so
      await loaded?.[0].flushImages();
      port.postMessage({ id: req.id, flushed: true } satisfies WorkerReply);
      return;
    }
    if (req.flush) {
      // close() asks this last: idle (see quiescePglite), the thread ends by itself; still restoring its spare, it
      // says so and is terminated, its compile over
      const idle = await quiescePglite();
      await loaded?.[0].flushImages(); // not loaded yet: no proof ran, no image is being written
      port.postMessage({ id: req.id, flushed: true, ...(idle ? {} : { busy: true }) } satisfies WorkerReply);
      // asked nothing (a command refused its input before it proved), the thread need not finish loading the
      // proof's modules first: it ends now, its compile over (the reply is delivered before the exit)
      if (idle && !served) process.exit(0);
      if (idle) port.close();
      return;
    }
    served = true;
    if (req.target) {
      const t = req.target;
      const { buildTarget } = (await loadProof())[0];
      const schema = await buildTarget(JSON.parse(t.schema) as Schema, t.hash, t.cacheDir);
      port.postMessage({ id: req.id, target: JSON.stringify(schema) } satisfies WorkerReply);
      return;
    }
    if (req.reread) {
      const l = lastRead;
      lastRead = undefined;
      const { rebuildLast } = await import('./normalize.js');
      const schema = await rebuildLast(l, { recycle: true });
      port.postMessage({ id: req.id, target: JSON.stringify(schema) } satisfies WorkerReply);
      return;
    }
    if (req.readback !== undefined) {
      lastRead = undefined;
      // a part of the schema commit normalises (normalize.ts NormalizeOptions.helper), on the spare: built in a
      // transaction rolled back, that database is the spare again, for the reread and the proof after it
      const { buildForProof } = await import('./normalize.js');
      const built = JSON.parse(req.readback) as Schema;
      const schema = await buildForProof(built, { recycle: true });
      lastRead = { schema: built, back: schema };
      port.postMessage({ id: req.id, target: JSON.stringify(schema) } satisfies WorkerReply);
      return;
    }
    const call = JSON.parse(req.call!) as VerifyCall;
    const { reportProgress, awaitTarget, ...opts } = call.opts;
    const onProgress = reportProgress
      ? (phase: string, done: number, total: number) =>
          port.postMessage({ id: req.id, progress: { phase, done, total } } satisfies WorkerReply)
      : undefined;
    const proof = (await loadProof())[0];
    const result = await proof.verifyEdge(call.from, call.to, call.up, call.down, {
      ...opts,
      ...(onProgress ? { onProgress } : {}),
      ...(awaitTarget ? { target: () => slot(req.id).promise } : {}),
    });
    delivered.delete(req.id);
    // in the warm prover, nothing left to write: a command whose last request this is ends without a flush (prover.ts)
    const settled = Boolean(start.daemon) && !proof.imagesPending();
    if (start.daemon) likely = result.ok ? call.to : call.from;
    port.postMessage({ id: req.id, result, ...(settled ? { settled } : {}) } satisfies WorkerReply);
    await proof.released(); // the proof's database closes after its answer, before the next request (verify.ts release)
    // and the next proof (this command's next, or the next command's once it has reset) starts on an empty spare: for a
    // small schema it is restored now, while the command writes its commit and ends, instead of in the reset
    if (settled && likely && proof.warmsSpare(likely)) prepareSpare();
  } catch (e) {
    delivered.delete(req.id);
    try {
      port.postMessage({ id: req.id, error: serializeError(e) } satisfies WorkerReply);
    } catch {
      port.postMessage({ id: req.id, error: { message: String((e as Error)?.message ?? e) } } satisfies WorkerReply); // detail that would not clone
    }
  }
}

/** serializeError keeps what the command needs to report an error thrown in the worker (SchemaverError fields). */
function serializeError(e: unknown): NonNullable<WorkerReply['error']> {
  if (e instanceof SchemaverError) {
    return {
      message: e.message,
      code: e.code,
      hint: e.hint,
      exit: e.exit,
      data: safeData(e.data),
      loc: e.loc,
      issues: safeData(e.issues) as SchemaverError['issues'],
      stack: e.stack,
    };
  }
  const err = e as Error;
  return { message: String(err?.message ?? e), stack: err?.stack };
}

/** safeData drops values structured clone cannot carry (functions, class instances with private state). */
function safeData(data: unknown): unknown {
  try {
    return structuredClone(data);
  } catch {
    return undefined;
  }
}
