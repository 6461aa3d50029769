/**
 * The warm prover: a background process (one per user, build and environment; proverio.ts) that keeps the
 * verification worker (worker.ts, in its `daemon` mode) warm between commands — PGlite's WebAssembly compiled, the
 * proof's modules loaded and compiled, an empty spare database restored — so a command that proves asks it over a
 * unix socket (prover.ts) instead of starting a worker of its own. The socket is just another transport for the
 * worker's messages (VerifyRequest / WorkerReply): this thread relays frames to the worker and back, sends a
 * heartbeat while a command is connected, and serves one command at a time (another is told `busy` and proves
 * with its own worker). When a command's connection ends, the worker drops what it left and restores the next
 * spare: a command that connects meanwhile (a commit right after another) is served, its requests held until the
 * worker has reset, instead of being told `busy` and proving with a worker of its own.
 *
 * Started detached by a command that found none (prover.ts spawnProver), with SCHEMAVER_PROVER_PARENT naming it:
 * the worker starts only once that command has ended (or a command connects), so the warm-up never takes CPU from
 * the command that started it. Ends by itself after SCHEMAVER_PROVER_IDLE seconds without a command (default 600),
 * when its memory passes SCHEMAVER_PROVER_MAX_MB (default 1536) after a command, when `schemaver prover stop` asks,
 * or when its worker fails; it removes its socket and lock file then. Run only as a program (node dist/pg/proverd.js).
 */
import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PGLITE_WASM, builtWorker, myStamp, shareWasm, sharedWasm } from '../proc.js';
import { codeIdentity } from './identity.js';
import { stopProvers } from './prover.js';
import type { VerifyRequest, WorkerReply } from './offload.js';
import {
  frame,
  FrameReader,
  proverPaths,
  safeDir,
  type ProverHello,
  type ProverPaths,
  type ProverStatus,
} from './proverio.js';

/** RESET_ID is the request id of the relay's own `reset` requests. */
const RESET_ID = -2;
/** BEAT_MS: how often a connected command hears from the prover (prover.ts gives up after STALL_MS of silence). */
const BEAT_MS = 1000;

/** seconds reads a duration setting in seconds (the default when unset or not a positive number). */
function setting(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

const idleMs = setting('SCHEMAVER_PROVER_IDLE', 600) * 1000;
const maxMb = setting('SCHEMAVER_PROVER_MAX_MB', 1536);
const startedAt = new Date();

let worker: Worker | undefined;
let session: net.Socket | undefined;
let resetting: Promise<void> | undefined;
let endReset: (() => void) | undefined;
/** held: the requests of a command that connected while the worker reset, sent once it has. */
let held: VerifyRequest[] = [];
let stopping = false;
let server: net.Server | undefined;
let sessions = 0;
let idleTimer: NodeJS.Timeout | undefined;
let beat: NodeJS.Timeout | undefined;

const paths = proverPaths(codeIdentity());
/** dist: this build's directory (dist/). */
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workerFile = builtWorker(import.meta.url, './worker.js');
if (!paths || !workerFile || !safeDir(paths.dir)) process.exit(1);
server = await listen(paths);
if (!server) process.exit(0); // another prover of this build listens there
process.on('uncaughtException', () => shutdown(1));
process.on('unhandledRejection', () => shutdown(1));
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
chmodSync(paths.socket, 0o600);
writeFileSync(paths.lock, myStamp(), { mode: 0o600 }); // the lock is this process's now (the starting command wrote its own)
armIdle();
// a prover of this installation's previous build only waits for its idle timeout: it is stopped now
void stopProvers((s) => s.dist === dist && s.build !== codeIdentity() && s.pid !== process.pid).catch(() => undefined);
void afterParent().then(() => ensureWorker());

/** listen opens the socket; undefined when a live prover already holds it (a dead one's file is removed first). */
async function listen(p: ProverPaths): Promise<net.Server | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const s = net.createServer(onConnection);
    const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      s.once('error', resolve);
      s.listen(p.socket, () => resolve(undefined));
    });
    if (!err) return s;
    if (err.code !== 'EADDRINUSE') return undefined;
    const alive = await new Promise<boolean>((resolve) => {
      const probe = net.connect(p.socket, () => (probe.destroy(), resolve(true)));
      probe.on('error', () => resolve(false));
    });
    if (alive) return undefined;
    try {
      unlinkSync(p.socket);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** afterParent resolves once the command that started this prover has ended (at most two minutes). */
async function afterParent(): Promise<void> {
  const pid = Number(process.env.SCHEMAVER_PROVER_PARENT);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const until = Date.now() + 120_000;
  while (Date.now() < until && !worker) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** ensureWorker starts the verification worker in its daemon mode (once). */
function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(workerFile!, {
    workerData: { daemon: { codeId: codeIdentity() }, pgliteWasm: sharedWasm(PGLITE_WASM) },
  });
  w.on('message', (reply: WorkerReply) => {
    if (reply.wasm) return shareWasm(PGLITE_WASM, reply.wasm); // not for the socket: a module crosses threads only
    if (reply.id === RESET_ID && reply.reset) {
      // SCHEMAVER_PROVER_FAULT=slowreset: a reset that takes 5 s (the tests of a command that connects meanwhile)
      if (fault === 'slowreset') return void setTimeout(() => endReset?.(), 5000);
      return endReset?.();
    }
    // until the reset, a reply is to the command that ended (the reset is queued after its requests), never to the
    // one that connected meanwhile: request ids start at 0 in every command
    if (resetting) return;
    if (session && !session.destroyed && !stalled) session.write(frame(reply));
  });
  w.on('error', () => shutdown(1));
  w.on('exit', () => shutdown(1));
  worker = w;
  return w;
}

/** onConnection serves one connection: a command's session (`hello`), or `status` / `stop`. */
function onConnection(sock: net.Socket): void {
  const reader = new FrameReader();
  let inSession = false;
  sock.on('error', () => sock.destroy());
  sock.on('close', () => {
    if (session === sock) endSession();
  });
  sock.on('data', (chunk: Buffer) => {
    let messages: unknown[];
    try {
      messages = reader.push(chunk);
    } catch {
      sock.destroy();
      return;
    }
    for (const m of messages) {
      if (inSession) {
        const req = m as VerifyRequest;
        if (!req || typeof req !== 'object' || typeof req.id !== 'number' || req.reset) sock.destroy();
        else if (resetting) held.push(req);
        else ensureWorker().postMessage(req);
        if (req?.call && fault) injectFault(sock, req.id);
        continue;
      }
      const hello = m as ProverHello;
      if (hello?.status) sock.end(frame({ status: status() }));
      else if (hello?.stop) sock.end(frame({ stopping: true }), () => shutdown(0));
      else if (hello?.hello) {
        if (hello.hello.key !== paths!.key) sock.end(frame({ hello: { ok: false, key: paths!.key } }));
        else if (session || stopping) sock.end(frame({ hello: { ok: false, busy: true } }));
        else {
          inSession = true;
          startSession(sock);
          sock.write(frame({ hello: { ok: true, key: paths!.key, pid: process.pid } }));
        }
      } else sock.destroy();
    }
  });
}

/**
 * fault: SCHEMAVER_PROVER_FAULT makes this prover fail once a proof is under way, for the tests of the commands'
 * fallback: `kill` (SIGKILL, mid-proof), `stall` (silent from then on), `garbage` (a frame that does not read),
 * `malformed` (a well-formed reply to the proof that is no result).
 */
const fault = process.env.SCHEMAVER_PROVER_FAULT;
let stalled = false;

/** injectFault fails as `fault` says, 50 ms after proof `id` was handed to the worker. */
function injectFault(sock: net.Socket, id: number): void {
  setTimeout(() => {
    if (fault === 'kill') process.kill(process.pid, 'SIGKILL');
    else if (fault === 'stall') stalled = true;
    else if (fault === 'garbage') sock.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0]));
    else if (fault === 'malformed') sock.write(frame({ id, result: { ok: 'yes', problems: [] } }));
  }, 50);
}

/** startSession makes `sock` the command being served. */
function startSession(sock: net.Socket): void {
  session = sock;
  clearTimeout(idleTimer);
  ensureWorker();
  beat = setInterval(() => {
    if (!sock.destroyed && !stalled) sock.write(frame({ id: -3 }));
  }, BEAT_MS);
}

/**
 * endSession: the command's connection ended; the worker resets before it serves the next command (whose requests
 * are held until then when it has connected meanwhile).
 */
function endSession(): void {
  clearInterval(beat);
  session = undefined;
  sessions++;
  held = [];
  const reset = (resetting = new Promise<void>((resolve) => (endReset = resolve)));
  worker?.postMessage({ id: RESET_ID, reset: true } satisfies VerifyRequest);
  void reset.then(() => {
    if (resetting === reset) resetting = undefined;
    const waiting = held;
    held = [];
    if (session) {
      for (const req of waiting) worker?.postMessage(req);
      return; // served now: its own end decides about memory and idleness
    }
    if (process.memoryUsage().rss > maxMb * 1024 * 1024) shutdown(0);
    else armIdle();
  });
}

/** armIdle (re)starts the idle countdown. */
function armIdle(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => shutdown(0), idleMs);
}

/** status is what `schemaver prover status` shows. */
function status(): ProverStatus {
  return {
    pid: process.pid,
    key: paths!.key,
    socket: paths!.socket,
    dist,
    build: codeIdentity(),
    started: startedAt.toISOString(),
    commands: sessions,
    busy: Boolean(session || resetting),
    warm: Boolean(worker),
    idleSeconds: idleMs / 1000,
    rssMb: Math.round(process.memoryUsage().rss / (1024 * 1024)),
  };
}

/** shutdown removes the socket and lock (when still this process's) and exits. */
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  server?.close();
  session?.destroy();
  try {
    unlinkSync(paths!.socket);
  } catch {
    /* gone already */
  }
  try {
    if (readFileSync(paths!.lock, 'utf8') === myStamp()) unlinkSync(paths!.lock);
  } catch {
    /* gone already */
  }
  process.exit(code);
}
