/**
 * The verification worker: a thread that owns PGlite for one command, so PostgreSQL's work runs on its own core
 * while the command's thread goes on (reading YAML, planning, preparing store objects). On start it compiles
 * PGlite's WebAssembly and restores a spare database; then it answers `verify` requests with verifyEdge's
 * result. Started and ended by offload.ts; ended by terminate(), which also frees any instance still open.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { SchemaverError } from '../errors.js';
import { prepareSpare, prewarmPglite } from './pglite.js';
import { verifyEdge } from './verify.js';
import type { VerifyCall, VerifyRequest, WorkerReply } from './offload.js';

const port = parentPort;
if (port) {
  prewarmPglite();
  prepareSpare();
  // One proof at a time: verifyEdge keeps per-proof state (timings, progress) and there is one spare database.
  let queue = Promise.resolve();
  port.on('message', (req: VerifyRequest) => {
    queue = queue.then(() => answer(port, req)).catch(() => undefined);
  });
}

/** answer runs one request and posts its result or error (never throws). */
async function answer(port: MessagePort, req: VerifyRequest): Promise<void> {
  try {
    const call = JSON.parse(req.call) as VerifyCall;
    const { reportProgress, ...opts } = call.opts;
    const onProgress = reportProgress
      ? (phase: string, done: number, total: number) =>
          port.postMessage({ id: req.id, progress: { phase, done, total } } satisfies WorkerReply)
      : undefined;
    const result = await verifyEdge(call.from, call.to, call.up, call.down, {
      ...opts,
      ...(onProgress ? { onProgress } : {}),
    });
    port.postMessage({ id: req.id, result } satisfies WorkerReply);
  } catch (e) {
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
