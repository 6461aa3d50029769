/**
 * The command's side of the warm prover (proverd.ts): startVerifier (offload.ts) asks proverVerifier for a
 * verifier that sends the worker's messages over the prover's socket, when a prover of this build and environment
 * listens (proverio.ts); when none does, the command proves with its own worker as before and startProver starts
 * one in the background for the commands after it.
 *
 * Safety: the prover is only ever a faster way to run the same proof code. Any failure of it — no answer to the
 * hello, another build's key, busy, the connection refused or closed, a frame that does not read, a reply of the
 * wrong shape, an error reply, silence for STALL_MS while a request waits — ends the connection, and every request
 * not yet answered, and every later one, runs on the command's own worker (started then), from the start.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Schema } from '../model/types.js';
import { builtWorker, myStamp, parseStamp, pidAlive, stampAlive } from '../proc.js';
import { codeIdentity } from './identity.js';
import {
  expectOf,
  plainError,
  readbackOf,
  signal,
  type Verifier,
  type VerifyCall,
  type VerifyRequest,
  type WorkerReply,
} from './offload.js';
import {
  frame,
  FrameReader,
  ownSocket,
  proverEnabled,
  proverPaths,
  runtimeDir,
  safeDir,
  type ProverHello,
  type ProverPaths,
  type ProverStatus,
} from './proverio.js';
import type { VerifyResult } from './verify.js';

/** HELLO_MS: how long a command waits for the prover's hello before proving on its own worker. */
const HELLO_MS = 2000;

/** stallMs: how long a request may wait without a frame from the prover (it beats every second) before the command gives up on it. */
function stallMs(): number {
  const s = Number(process.env.SCHEMAVER_PROVER_STALL);
  return (Number.isFinite(s) && s > 0 ? s : 20) * 1000;
}

/** LOCK_GRACE_MS: a lock younger than this whose command has ended is a prover still starting (it writes its own stamp when it listens). */
const LOCK_GRACE_MS = 10_000;

/**
 * warmProver is the prover of this build and environment when commands use one (on, built, a safe runtime dir):
 * its paths, and whether it listens; undefined when commands do not.
 */
export function warmProver(): { readonly paths: ProverPaths; readonly listening: boolean } | undefined {
  if (!proverEnabled()) return undefined;
  const daemon = builtWorker(import.meta.url, './proverd.js');
  const paths = daemon ? proverPaths(codeIdentity()) : undefined;
  if (!paths || !safeDir(paths.dir, true)) return undefined; // an unsafe dir is neither used nor written
  return { paths, listening: ownSocket(paths.socket) };
}

/**
 * startingProver is verifier `v` (the command's own worker) that starts the prover at `paths` once it is closed:
 * the prover's start then takes no CPU from this command's proof (and none from its module loading, which a
 * process spawned meanwhile was seen to break in Node 20: the CLI framework's CommonJS modules imported empty).
 */
export function startingProver(v: Verifier, paths: ProverPaths): Verifier {
  return {
    ...v,
    async close() {
      const r = await v.close();
      startProver(paths);
      return r;
    },
  };
}

/**
 * startProver starts a prover detached in the background (stdio ignored, unref'd) unless one runs or is starting:
 * the lock file, created exclusively, says who (a stamp, proc.ts), so of two commands that find none, one starts it.
 */
export function startProver(paths: ProverPaths): boolean {
  const daemon = builtWorker(import.meta.url, './proverd.js');
  if (!daemon || !takeLock(paths.lock)) return false;
  try {
    const child = spawn(process.execPath, [daemon], {
      detached: true,
      stdio: 'ignore',
      cwd: paths.dir,
      env: { ...process.env, SCHEMAVER_PROVER_PARENT: String(process.pid) },
    });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/** takeLock creates the lock with this process's stamp; false while a live process (or one just started) holds it. */
function takeLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, myStamp(), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    try {
      const stamp = parseStamp(readFileSync(lock, 'utf8'));
      if (stamp && stampAlive(stamp)) return false;
      if (Date.now() - statSync(lock).mtimeMs < LOCK_GRACE_MS) return false;
      unlinkSync(lock); // left by a prover or command that died
    } catch {
      /* changed meanwhile: try again */
    }
  }
  return false;
}

/** ProverDown is a failure of the prover itself (not of the proof): the command proves on its own worker instead. */
class ProverDown extends Error {}

/** Session is one command's connection to the prover, after a good hello. */
interface Session {
  /** alive: no failure yet (a dead session takes no requests). */
  alive(): boolean;
  send(req: VerifyRequest): void;
  /** ask sends a request and resolves with its final reply (progress goes to onProgress); rejects ProverDown. */
  ask(req: VerifyRequest, onProgress?: (phase: string, done: number, total: number) => void): Promise<WorkerReply>;
  /** fail ends the session: every waiting request rejects ProverDown. */
  fail(why: string): void;
  end(): void;
}

/** Waiting is a request waiting for its reply. */
interface Waiting {
  resolve: (r: WorkerReply) => void;
  reject: (e: Error) => void;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * settle hands reply `m` to the request waiting for it (progress to its onProgress, a final reply settles it; a
 * heartbeat or a reply nobody waits for is dropped); returns why the session must end, if it must: a malformed
 * reply, or an error reply (whatever failed there runs again on the command's own worker, whose answer counts).
 */
function settle(m: unknown, waiting: Map<number, Waiting>): string | undefined {
  const r = m as WorkerReply | undefined;
  if (!r || typeof r !== 'object' || typeof r.id !== 'number') return 'a malformed reply';
  const w = waiting.get(r.id);
  if (!w) return undefined;
  if (r.progress) {
    const p = r.progress;
    if (typeof p.phase !== 'string' || typeof p.done !== 'number' || typeof p.total !== 'number')
      return 'a malformed progress reply';
    w.onProgress?.(p.phase, p.done, p.total);
    return undefined;
  }
  waiting.delete(r.id);
  if (!r.error) {
    w.resolve(r);
    return undefined;
  }
  w.reject(new ProverDown(String(r.error.message)));
  return `the prover failed: ${String(r.error.message)}`;
}

/** helloOk tells whether the prover's answer to the hello accepts this command, for this build and environment (`key`). */
function helloOk(m: unknown, key: string): boolean {
  const h = (m as { hello?: { ok?: boolean; key?: string } } | undefined)?.hello;
  return h?.ok === true && h.key === key;
}

/**
 * connect opens a session with the prover at `paths`; undefined when it does not answer a good hello in time.
 * `gone()` tells, once it has failed, whether no process listened there (a prover that died: start another).
 */
function connect(paths: ProverPaths): { session: Promise<Session | undefined>; gone: () => boolean } {
  let gone = false;
  const session = new Promise<Session | undefined>((resolve) => {
    const sock = net.connect(paths.socket);
    const reader = new FrameReader();
    const waiting = new Map<number, Waiting>();
    let ready = false;
    let dead = false;
    let heard = Date.now();
    const limit = stallMs();
    const session: Session = {
      alive: () => !dead,
      send(req) {
        if (!dead) sock.write(frame(req));
      },
      ask(req, onProgress) {
        if (dead) return Promise.reject(new ProverDown('the prover connection has ended'));
        return new Promise((res, rej) => {
          if (waiting.size === 0) heard = Date.now(); // silence counts from the first request on
          waiting.set(req.id, { resolve: res, reject: rej, onProgress });
          sock.ref(); // a command waiting for the prover stays alive
          sock.write(frame(req));
        });
      },
      fail(why) {
        if (dead) return;
        stop();
        sock.destroy();
        for (const w of waiting.values()) w.reject(new ProverDown(why));
        waiting.clear();
        if (!ready) resolve(undefined);
      },
      end() {
        stop();
        sock.end();
        sock.unref();
      },
    };
    const stop = () => {
      dead = true;
      clearTimeout(helloTimer);
      clearInterval(watch);
    };
    const helloTimer = setTimeout(() => session.fail('the prover did not answer'), HELLO_MS);
    const watch = setInterval(() => {
      if (waiting.size && Date.now() - heard > limit) session.fail(`the prover was silent for ${limit} ms`);
    }, 250);
    watch.unref();
    sock.on('connect', () => sock.write(frame({ hello: { key: paths.key } } satisfies ProverHello)));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (!ready && (e.code === 'ECONNREFUSED' || e.code === 'ENOENT')) gone = true; // its prover has died
      session.fail(e.message);
    });
    sock.on('close', () => session.fail('the prover closed the connection'));
    sock.on('data', (chunk: Buffer) => {
      heard = Date.now();
      let messages: unknown[];
      try {
        messages = reader.push(chunk);
      } catch {
        return session.fail('a frame from the prover could not be read');
      }
      for (const m of messages) {
        if (dead) return;
        if (!ready) {
          if (!helloOk(m, paths.key)) return session.fail('the prover refused the command (busy or another build)');
          ready = true;
          clearTimeout(helloTimer);
          sock.unref(); // idle, the connection does not keep the command alive
          resolve(session);
          continue;
        }
        const why = settle(m, waiting);
        if (why) return session.fail(why);
        if (waiting.size === 0) sock.unref();
      }
    });
  });
  return { session, gone: () => gone };
}

/** validResult is a reply's proof result when it has VerifyResult's shape. */
function validResult(r: WorkerReply): VerifyResult {
  const v = r.result as Partial<VerifyResult> | undefined;
  if (!v || typeof v.ok !== 'boolean' || !Array.isArray(v.problems) || typeof v.ms !== 'number')
    throw new ProverDown('a proof reply without a result');
  if (v.problems.some((p) => typeof p !== 'string')) throw new ProverDown('a proof reply with malformed problems');
  return r.result!;
}

/** validSchema is a reply's schema (JSON text of an object). */
function validSchema(r: WorkerReply): Schema {
  let s: unknown;
  try {
    s = typeof r.target === 'string' ? JSON.parse(r.target) : undefined;
  } catch {
    s = undefined;
  }
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw new ProverDown('a build reply without a schema');
  return s as Schema;
}

/** absolute makes a proof's directories absolute (the prover runs in a directory of its own). */
function absolute<T extends { cacheDir?: string; readbackDir?: string }>(o: T): T {
  return {
    ...o,
    ...(o.cacheDir ? { cacheDir: path.resolve(o.cacheDir) } : {}),
    ...(o.readbackDir ? { readbackDir: path.resolve(o.readbackDir) } : {}),
  };
}

/** callOf is a proof's VerifyCall as the prover gets it (its directories absolute). */
function callOf(
  from: Schema,
  to: Schema,
  up: string,
  down: string | null,
  plain: VerifyCall['opts'],
  progress: boolean,
  target: boolean,
): VerifyCall {
  const opts = { ...absolute(plain), ...(progress ? { reportProgress: true } : {}) };
  return { from, to, up, down, opts: { ...opts, ...(target ? { awaitTarget: true } : {}) } };
}

/**
 * lazyConnection connects to the prover at `paths` on first use, inside the command: nothing of the prover's runs while
 * bin/run.js loads the CLI's modules (a process spawned meanwhile was seen to leave them imported empty on Node 20).
 * `send` sends a request nothing answers.
 */
function lazyConnection(paths: ProverPaths) {
  let conn: ReturnType<typeof connect> | undefined;
  let live: Session | undefined;
  const session = () => {
    if (!conn) {
      conn = connect(paths);
      void conn.session.then((s) => (live = s));
    }
    return conn.session;
  };
  // at once when the session is open (not after the caller's next turn): the prover starts while the command goes on
  const send = (req: VerifyRequest) => (live ? live.send(req) : void session().then((s) => s?.send(req)));
  return { session, send, opened: () => conn };
}

/**
 * proveRemote sends a proof (Verifier.verify's `args`) to the prover as request `id`, says when it has (`onSent`) and
 * when it delivers the target read-back the proof awaits (`onDeliver`), and returns its result and whether its answer
 * said that nothing is left to write (WorkerReply.settled).
 */
async function proveRemote(
  s: Session,
  { id, codeId }: { readonly id: number; readonly codeId: string },
  [from, to, up, down, opts = {}]: Parameters<Verifier['verify']>,
  onSent: () => void,
  onDeliver: () => void,
): Promise<{ result: VerifyResult; settled: boolean }> {
  const { onProgress, targetSchema: target, ...plain } = opts;
  const call = callOf(from, to, up, down, plain, Boolean(onProgress), Boolean(target));
  const answer = s.ask({ id, codeId, call: JSON.stringify(call) }, onProgress);
  onSent();
  target?.then(
    (schema) => (onDeliver(), s.send({ id, deliver: { schema: JSON.stringify(schema) } })),
    (e: unknown) => (onDeliver(), s.send({ id, deliver: { error: plainError(e) } })),
  );
  const reply = await answer;
  return { result: validResult(reply), settled: reply.settled === true };
}

/** BuiltRequest is a request for a schema built and read back (proverVerifier's `built`). */
type BuiltRequest = Pick<VerifyRequest, 'target' | 'readback' | 'reread'>;

/**
 * proverVerifier is a Verifier whose requests go to the prover at `paths`, and to `local()` (the command's own
 * worker, started only then) when the prover fails (see the module comment).
 */
export function proverVerifier(paths: ProverPaths, local: () => Verifier): Verifier {
  const link = lazyConnection(paths);
  let fallback: Verifier | undefined;
  let prepared: Parameters<Verifier['prepare']> | undefined;
  let next = 0;
  /**
   * sends counts what this command sent the prover; settled: the count when it sent a proof the worker answered with
   * nothing left to write (WorkerReply.settled): while nothing was sent since, close() need not ask it to flush.
   */
  let sends = 0;
  let settled = -1;
  const { promise: sent, resolve: markSent } = signal();
  const own = (): Verifier => {
    if (!fallback) {
      fallback = local();
      if (prepared) fallback.prepare(...prepared);
      void fallback.sent.then(markSent);
    }
    return fallback;
  };
  /** either runs `remote` on the prover, or `here` on the command's worker when there is no prover or it fails. */
  const either = async <T>(remote: (s: Session) => Promise<T>, here: (v: Verifier) => Promise<T>): Promise<T> => {
    const s = fallback ? undefined : await link.session();
    if (s?.alive() && !fallback) {
      try {
        return await remote(s);
      } catch (e) {
        if (!(e instanceof ProverDown)) throw e;
        s.fail(e.message);
      }
    }
    return here(own());
  };
  const codeId = codeIdentity();
  /** built asks for a schema built and read back (`target`, `readback`, `reread`), here when the prover fails. */
  const built = (req: BuiltRequest, here: (v: Verifier) => Promise<Schema>) =>
    either(async (s) => (sends++, validSchema(await s.ask({ id: next++, codeId, ...req }))), here);
  return {
    inWorker: true,
    remote: true,
    sent,
    verify(...args) {
      return either(
        async (s) => {
          const mine = ++sends;
          const r = await proveRemote(s, { id: next++, codeId }, args, markSent, () => sends++);
          if (r.settled) settled = mine;
          return r.result;
        },
        (v) => v.verify(...args),
      );
    },
    prepare(...args) {
      prepared = args;
      if (fallback) return fallback.prepare(...args);
      const [cacheDir, hash, objects] = args;
      const prepare = { ...(cacheDir ? { cacheDir: path.resolve(cacheDir) } : {}), hash, objects };
      sends++;
      link.send({ id: -1, codeId, prepare });
    },
    expect(...edge) {
      if (fallback) return fallback.expect(...edge);
      sends++;
      link.send({ id: -1, codeId, expect: expectOf(...edge) }); // built there while this thread plans the edge
    },
    target(schema, hash, cacheDir) {
      const target = { schema: JSON.stringify(schema), hash, cacheDir: path.resolve(cacheDir) };
      return built({ target }, (v) => v.target(schema, hash, cacheDir));
    },
    readback: (schema) => built(readbackOf(schema), (v) => v.readback(schema)),
    reread: () => built({ reread: true }, (v) => v.reread()),
    async close() {
      const conn = link.opened();
      const s = conn && (await conn.session); // never asked anything: nothing to flush
      if (s?.alive()) {
        // the prover writes the images this command's proofs kept before the command ends, as its own worker would
        // (nothing to wait for when the last thing asked was a proof answered with none left to write: `settled`)
        if (settled !== sends) await s.ask({ id: next++, flush: true }).catch(() => undefined);
        s.end();
      }
      const r = fallback ? await fallback.close() : 'ended';
      if (conn?.gone()) startProver(paths); // after the proof, as startingProver does
      return r;
    },
  };
}

/** proverSockets lists the sockets of this user's provers (every build) in the runtime dir. */
function proverSockets(): string[] {
  const dir = runtimeDir();
  if (!safeDir(dir)) return [];
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.sock'))
      .map((f) => path.join(dir, f))
      .filter(ownSocket);
  } catch {
    return [];
  }
}

/** askProver sends one question to the prover at `socket` and returns its one answer (undefined when none comes). */
function askProver(socket: string, hello: ProverHello): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect(socket);
    const reader = new FrameReader();
    const done = (v: Record<string, unknown> | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), HELLO_MS);
    sock.on('connect', () => sock.write(frame(hello)));
    sock.on('error', () => done(undefined));
    sock.on('close', () => done(undefined));
    sock.on('data', (chunk: Buffer) => {
      try {
        const [m] = reader.push(chunk);
        if (m) done(m as Record<string, unknown>);
      } catch {
        done(undefined);
      }
    });
  });
}

/** ProverReport is every prover of this user, and which one serves this build and environment. */
export interface ProverReport {
  /** enabled: whether commands here use a prover (SCHEMAVER_PROVER, CI). */
  readonly enabled: boolean;
  readonly dir: string;
  /** key: the prover this build and environment would use (ProverPaths.key). */
  readonly key?: string;
  readonly provers: readonly (ProverStatus & { readonly current: boolean })[];
}

/** proverReport asks every prover of this user for its status. */
export async function proverReport(): Promise<ProverReport> {
  const key = proverPaths(codeIdentity())?.key;
  const answers = await Promise.all(proverSockets().map((s) => askProver(s, { status: true })));
  const provers = answers
    .map((a) => a?.['status'] as ProverStatus | undefined)
    .filter((s): s is ProverStatus => Boolean(s && typeof s.pid === 'number'))
    .map((s) => ({ ...s, current: s.key === key }));
  return { enabled: proverEnabled(), dir: runtimeDir(), ...(key ? { key } : {}), provers };
}

/**
 * stopProvers asks every prover of this user (those `which` picks, given their status) to exit and waits (up to
 * 5 s each) until it has; returns their pids.
 */
export async function stopProvers(which: (s: ProverStatus) => boolean = () => true): Promise<number[]> {
  const sockets = proverSockets();
  const status = await Promise.all(sockets.map((s) => askProver(s, { status: true })));
  const stopped: number[] = [];
  await Promise.all(
    sockets.map(async (s, i) => {
      const st = status[i]?.['status'] as ProverStatus | undefined;
      const pid = st?.pid;
      if (!st || !pid || !which(st) || !(await askProver(s, { stop: true }))?.['stopping']) return;
      for (const until = Date.now() + 5000; Date.now() < until && pidAlive(pid);)
        await new Promise((r) => setTimeout(r, 20));
      stopped.push(pid);
    }),
  );
  return stopped.sort((a, b) => a - b);
}
