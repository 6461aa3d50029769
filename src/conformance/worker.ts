/**
 * Conformance worker thread: owns one resettable PGlite database and runs the cases the main thread sends,
 * posting back one CaseResult per case.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { freshPglite } from '../pg/pglite.js';
import { introspect } from '../pg/introspect/index.js';
import { resettableDb } from './pool.js';
import { runCase, type Case } from './run.js';

/** WorkerInput is the workerData of a conformance worker. */
export interface WorkerInput {
  readonly extensions: readonly string[];
  /** online: prove the online-safe plans (`--online`). */
  readonly online?: boolean;
}

const port = parentPort;
if (port) {
  const { extensions, online } = workerData as WorkerInput;
  const dbs = resettableDb(() => freshPglite({ extensions }));
  port.on('message', async (msg: { case?: Case; stop?: boolean }) => {
    if (msg.stop) {
      await dbs.close();
      port.close();
      return;
    }
    const result = await runCase(dbs, msg.case!, introspect, undefined, { online: online === true });
    port.postMessage(result);
  });
  port.postMessage({ ready: true });
}
