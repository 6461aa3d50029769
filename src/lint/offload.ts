/**
 * Linting off the command's thread. Most of what `lintScript` costs in a fresh process is libpg_query itself: its
 * 1.7 MB of WebAssembly loaded, then compiled function by function as the parser first reaches each part of the
 * grammar (measured on the 465-statement plan of the 1000-table bench pair: about 110 ms of CPU, of which parsing the
 * statements once warm is 6 ms). `startLint` starts a worker that loads the parser and warms it on statements shaped
 * like the planner's while the command reads and plans; `lint` then costs the command's thread only the message
 * round trip. Without a second core, or without the built worker (tests running sources), `lint` runs here.
 */
import { Worker } from 'node:worker_threads';
import { builtWorker, cores, endWorker } from '../proc.js';
import type { Finding } from './index.js';

/** LintJob lints one script: on the worker startLint started, or on this thread. */
export interface LintJob {
  /** inWorker: a worker lints (false on this thread, and once an answer had to come from this thread). */
  readonly inWorker: boolean;
  /** lint returns lintScript's findings for `script` (this thread's lintScript when the worker fails). */
  lint(script: string): Promise<Finding[]>;
  /**
   * close ends the worker (lint and an error both end it; a command that stops early calls it). A worker that has not
   * answered yet is asked to end once its parser has loaded, and terminated only after proc.ts endWorker's grace:
   * terminating a worker while V8 still compiles its WebAssembly in the background can abort Node 20.
   */
  close(): Promise<void>;
}

/** LintReply is the worker's answer: the findings, or the message of what it threw. */
export interface LintReply {
  readonly findings?: Finding[];
  readonly error?: string;
}

let early: LintJob | undefined;

/**
 * startEarlyLint starts `plan`'s lint worker before the CLI framework and the command's modules load (bin/run.js),
 * so the parser is loaded and warm well before the script is rendered; the command's startLint takes it.
 */
export function startEarlyLint(): void {
  early ??= startLint();
}

/** closeEarlyLint ends the early worker when no command took it (bin/run.js, before it exits on a usage error). */
export async function closeEarlyLint(): Promise<void> {
  const job = early;
  early = undefined;
  await job?.close();
}

/** startLint starts the worker that lints the script the command will give it (see the module comment), or takes the early one. */
export function startLint(): LintJob {
  if (early) {
    const taken = early;
    early = undefined;
    return taken;
  }
  const file = builtWorker(import.meta.url, './worker.js');
  if (cores() < 2 || !file) return here();
  let worker: Worker | undefined;
  try {
    worker = new Worker(file);
  } catch {
    return here();
  }
  worker.unref(); // never what keeps the process alive
  const w = worker;
  const failed = new Promise<undefined>((resolve) => {
    w.once('error', () => resolve(undefined));
    w.once('exit', () => resolve(undefined));
  });
  let answered = false;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // not answered yet: still loading or warming the parser; asked to end, it exits once the load has settled
      if (!answered) w.postMessage(null);
      await endWorker(w, answered ? undefined : failed.then(() => undefined)).catch(() => undefined);
    })());
  let inWorker = true;
  return {
    get inWorker() {
      return inWorker;
    },
    async lint(script) {
      const reply = new Promise<LintReply>((resolve) => w.once('message', resolve));
      let r: LintReply | undefined;
      try {
        w.ref(); // awaited now: the answer keeps the process alive
        w.postMessage(script);
        r = await Promise.race([reply, failed]);
      } catch {
        r = undefined;
      }
      answered = r !== undefined; // it ran the linter: its parser's compile is over
      await close();
      if (r?.findings) return r.findings;
      // the worker failed (or answered an error): this thread's own run gives the findings or the error
      inWorker = false;
      return lintHere(script);
    },
    close,
  };
}

/** here is a job that lints on this thread. */
function here(): LintJob {
  return { inWorker: false, lint: lintHere, close: async () => undefined };
}

/**
 * lintHere lints on this thread, loading the linter (and libpg_query's loader) only then: a command whose worker lints
 * never loads them here, and bin/run.js starts plan's early worker without waiting for them.
 */
async function lintHere(script: string): Promise<Finding[]> {
  const { lintScript } = await import('./index.js');
  return lintScript(script);
}
