/**
 * The verification worker: a thread that owns PGlite for one command, so PostgreSQL's work runs on its own core
 * while the command's thread goes on (reading YAML, planning, preparing store objects). On start it compiles
 * PGlite's WebAssembly and restores a spare database; then it answers `verify` requests with verifyEdge's
 * result. Started and ended by offload.ts; ended by terminate(), which also frees any instance still open.
 */
import { parentPort } from 'node:worker_threads';
import { SchemaverError } from '../errors.js';
import { prepareSpare, prewarmPglite } from './pglite.js';
import { verifyEdge } from './verify.js';
import type { VerifyCall, VerifyRequest, WorkerReply } from './offload.js';

const port = parentPort;
if (port) {
  prewarmPglite();
  prepareSpare();
  port.on('message', (req: VerifyRequest) => {
    const call = JSON.parse(req.call) as VerifyCall;
    const { reportProgress, ...opts } = call.opts;
    const onProgress = reportProgress ? (phase: string, done: number, total: number) => port.postMessage({ id: req.id, progress: { phase, done, total } } satisfies WorkerReply) : undefined;
    verifyEdge(call.from, call.to, call.up, call.down, { ...opts, ...(onProgress ? { onProgress } : {}) }).then(
      (result) => port.postMessage({ id: req.id, result } satisfies WorkerReply),
      (e: unknown) => port.postMessage({ id: req.id, error: serializeError(e) } satisfies WorkerReply),
    );
  });
}

/** serializeError keeps what the command needs to report an error thrown in the worker (SchemaverError fields). */
function serializeError(e: unknown): NonNullable<WorkerReply['error']> {
  if (e instanceof SchemaverError) {
    return { message: e.message, code: e.code, hint: e.hint, exit: e.exit, data: safeData(e.data), stack: e.stack };
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
