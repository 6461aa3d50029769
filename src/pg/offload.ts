/**
 * Verification off the command's thread: startVerifier() starts the worker (worker.ts) at once, so PGlite's
 * WebAssembly compiles and a spare database restores while the caller is still parsing and planning; verify()
 * then runs verifyEdge there. Where the worker cannot run (sources executed without a build, as in unit tests)
 * the same calls run in this thread. Always close() the verifier: it ends the worker and its databases.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SchemaverError } from '../errors.js';
import type { Schema } from '../model/types.js';
import type { VerifyOptions, VerifyResult } from './verify.js';

/** VerifyCall is one verifyEdge call's arguments (onProgress stays with the caller; `reportProgress` asks for progress replies). */
export interface VerifyCall {
  readonly from: Schema;
  readonly to: Schema;
  readonly up: string;
  readonly down: string | null;
  readonly opts: Omit<VerifyOptions, 'onProgress'> & { readonly reportProgress?: boolean };
}

/**
 * VerifyRequest is a VerifyCall sent to the worker, as JSON text: models are plain JSON (snapshot.json is the
 * same text), and JSON crosses threads ~3x faster than a structured clone of 1000 tables' objects.
 */
export interface VerifyRequest {
  readonly id: number;
  readonly call: string;
}

/** WorkerReply is the worker's answer to a VerifyRequest: progress on the way, then a result or the error verifyEdge threw. */
export interface WorkerReply {
  readonly id: number;
  readonly progress?: { readonly phase: string; readonly done: number; readonly total: number };
  readonly result?: VerifyResult;
  readonly error?: {
    message: string;
    code?: string;
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
  /** inWorker tells whether proofs run on the worker thread. */
  readonly inWorker: boolean;
  verify(from: Schema, to: Schema, up: string, down: string | null, opts?: VerifyOptions): Promise<VerifyResult>;
  close(): Promise<void>;
}

/** startVerifier starts a verifier: the worker thread when the built worker exists, else this thread. */
export function startVerifier(): Verifier {
  const file = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (!import.meta.url.endsWith('.js') || !existsSync(file) || process.env.SCHEMAVER_NO_WORKER === '1')
    return inThread();
  return inWorker(new Worker(file));
}

function inThread(): Verifier {
  void import('./pglite.js').then(
    (m) => m.prewarmPglite(),
    () => undefined,
  );
  return {
    inWorker: false,
    async verify(from, to, up, down, opts = {}) {
      const { verifyEdge } = await import('./verify.js');
      return verifyEdge(from, to, up, down, opts);
    },
    async close() {},
  };
}

function inWorker(worker: Worker): Verifier {
  let next = 0;
  let failure: Error | undefined;
  const waiting = new Map<
    number,
    { resolve: (r: VerifyResult) => void; reject: (e: Error) => void; onProgress?: VerifyOptions['onProgress'] }
  >();
  const failAll = (e: Error) => {
    failure ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  // Idle, the worker does not keep the process alive (a command that forgets close() still ends); busy, it does.
  worker.unref();
  worker.on('message', (reply: WorkerReply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    if (reply.progress) {
      w.onProgress?.(reply.progress.phase, reply.progress.done, reply.progress.total);
      return;
    }
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    if (reply.result) w.resolve(reply.result);
    else w.reject(rebuildError(reply.error));
  });
  worker.on('error', (e) => failAll(e));
  worker.on('messageerror', (e) =>
    failAll(new Error(`a reply from the verification worker could not be read: ${e.message}`)),
  );
  worker.on('exit', (code) => failAll(new Error(`the verification worker stopped (exit ${code})`)));
  return {
    inWorker: true,
    verify(from, to, up, down, opts = {}) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      const { onProgress, ...plain } = opts;
      return new Promise<VerifyResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject, onProgress });
        worker.ref();
        const call: VerifyCall = {
          from,
          to,
          up,
          down,
          opts: { ...plain, ...(onProgress ? { reportProgress: true } : {}) },
        };
        worker.postMessage({ id, call: JSON.stringify(call) } satisfies VerifyRequest);
      });
    },
    async close() {
      failure ??= new Error('the verifier is closed');
      await worker.terminate();
    },
  };
}

/** rebuildError turns a serialized worker error back into a SchemaverError (same code, hint, exit) or an Error. */
function rebuildError(e: WorkerReply['error']): Error {
  if (e?.code)
    return new SchemaverError({
      code: e.code,
      message: e.message,
      hint: e.hint,
      exit: e.exit as SchemaverError['exit'] | undefined,
      data: e.data,
      loc: e.loc,
      issues: e.issues,
    });
  const err = new Error(e?.message ?? 'verification failed in the worker');
  if (e?.stack) err.stack = e.stack;
  return err;
}
