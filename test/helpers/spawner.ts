/**
 * Cheap child processes for test workers. Node's child_process forks the whole calling process before it execs the
 * program (on Linux): a test worker of the cli and pglite projects is reused by many files (`isolate: false`) and
 * grows to hundreds of MB (PGlite instances, compiled WebAssembly), and every start from it then costs ~10-25 ms of
 * CPU for the copy and its teardown (200 starts from an 800 MB process: 4.6 s of system CPU; from a small one: 0.1 s).
 *
 * installSpawner (per-file.ts, once per worker) starts a small spawner process (./spawner-server.mjs) from a worker
 * thread (./spawner-thread.mjs) while the worker is still small, and routes child_process.spawnSync and
 * execFileSync of the whole worker (test files, helpers, and the CLI's own git calls run in process) through it:
 * the spawner runs the real spawnSync with the same file, arguments and options, the caller's working directory and
 * environment filled in where the options leave them to the process, and the caller waits for the answer
 * (Atomics.wait). Results are the same values (status, signal, stdout, stderr, output, error); execFileSync is
 * Node's own code on top of that spawnSync (stderr passed on, the same error). runCollected is spawn with the whole
 * output collected (runCli's pattern). Options the spawner cannot reproduce (stdio given as descriptors or streams)
 * run in this process as before; async spawn/execFile/fork are not routed (their callers hold the live process).
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type * as ChildProcess from 'node:child_process';

const cp = createRequire(import.meta.url)('node:child_process') as typeof ChildProcess;
const KEY = Symbol.for('schemaver.test.spawner');

interface Answer {
  readonly value?: any;
  readonly error?: { name: string; message: string; props: Record<string, unknown> };
  readonly ref?: number;
}

interface Spawner {
  readonly worker: Worker;
  readonly asyncPort: MessagePort;
  readonly syncPort: MessagePort;
  readonly flag: Int32Array;
  readonly waiting: Map<number, (a: Answer) => void>;
  next: number;
  /** started: child processes started through the spawner (for tests and measurements). */
  started: number;
  readonly original: { spawnSync: typeof ChildProcess.spawnSync; execFileSync: typeof ChildProcess.execFileSync };
}

function current(): Spawner | undefined {
  return (globalThis as Record<symbol, Spawner | undefined>)[KEY];
}

/** spawnerStarts is how many child processes the spawner started in this process (undefined: not installed). */
export function spawnerStarts(): number | undefined {
  return current()?.started;
}

/** direct is child_process's own spawnSync and execFileSync, which run in this process. */
export function direct(): Spawner['original'] {
  return current()?.original ?? { spawnSync: cp.spawnSync, execFileSync: cp.execFileSync };
}

/** installSpawner starts the spawner (once per process) and routes spawnSync and execFileSync through it. */
export function installSpawner(): void {
  if (current()) return;
  const asyncChannel = new MessageChannel();
  const syncChannel = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const server = fileURLToPath(new URL('./spawner-server.mjs', import.meta.url));
  const worker = new Worker(new URL('./spawner-thread.mjs', import.meta.url), {
    workerData: { asyncPort: asyncChannel.port2, syncPort: syncChannel.port2, flag, server },
    transferList: [asyncChannel.port2, syncChannel.port2],
    execArgv: [],
    stdout: false,
    stderr: false,
  });
  worker.unref();
  const s: Spawner = {
    worker,
    asyncPort: asyncChannel.port1,
    syncPort: syncChannel.port1,
    flag,
    waiting: new Map(),
    next: 1,
    started: 0,
    original: { spawnSync: cp.spawnSync, execFileSync: cp.execFileSync },
  };
  s.asyncPort.on('message', (a: Answer) => {
    const done = s.waiting.get(a.ref!);
    s.waiting.delete(a.ref!);
    if (s.waiting.size === 0) s.asyncPort.unref();
    done?.(a);
  });
  s.asyncPort.unref();
  (globalThis as Record<symbol, Spawner>)[KEY] = s;
  cp.spawnSync = spawnSync as typeof cp.spawnSync;
  cp.execFileSync = execFileSync as typeof cp.execFileSync;
  syncBuiltinESMExports();
}

/**
 * remoteOptions is `options` as the spawner must get them (cwd and env of this process filled in), or undefined when
 * they cannot be sent (stdio given as descriptors or streams, functions): the call then runs here.
 */
function remoteOptions(options: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const o: Record<string, unknown> = { ...(options ?? {}) };
  const stdio = o.stdio;
  const plainStdio = (x: unknown) => x === undefined || x === null || x === 'pipe' || x === 'ignore' || x === 'inherit';
  if (
    stdio !== undefined &&
    !(typeof stdio === 'string' ? plainStdio(stdio) : Array.isArray(stdio) && stdio.every(plainStdio))
  )
    return undefined;
  if (Object.values(o).some((v) => typeof v === 'function' || typeof v === 'symbol')) return undefined;
  if (o.cwd instanceof URL) o.cwd = fileURLToPath(o.cwd);
  if (o.cwd === undefined || o.cwd === null) o.cwd = process.cwd();
  if (o.env === undefined || o.env === null) o.env = { ...process.env };
  return o;
}

function toBuffer(x: unknown): unknown {
  return x instanceof Uint8Array && !Buffer.isBuffer(x) ? Buffer.from(x.buffer, x.byteOffset, x.byteLength) : x;
}

/** rebuilt is an error the spawner sent, as this process would have thrown it (its class, message, properties). */
function rebuilt(e: NonNullable<Answer['error']>): Error {
  const Ctor = e.name === 'TypeError' ? TypeError : e.name === 'RangeError' ? RangeError : Error;
  const err = new Ctor(e.message);
  for (const [k, v] of Object.entries(e.props)) (err as unknown as Record<string, unknown>)[k] = toBuffer(v);
  return err;
}

/** ask sends one request and waits for its answer, blocking this thread; `starts`: it starts a process (counted). */
function ask(s: Spawner, req: Record<string, unknown>, starts = true): Answer {
  Atomics.store(s.flag, 0, 0);
  s.syncPort.postMessage(req);
  if (starts) s.started++;
  while (Atomics.load(s.flag, 0) === 0) Atomics.wait(s.flag, 0, 0, 1000);
  const got = receiveMessageOnPort(s.syncPort);
  if (!got) throw new Error('test spawner: answered without a message');
  return got.message as Answer;
}

/** spawnSync is child_process.spawnSync, run by the spawner. */
function spawnSync(file: string, args?: unknown, options?: unknown): ChildProcess.SpawnSyncReturns<any> {
  const s = current()!;
  let argv: unknown = args;
  let opts: unknown = options;
  if (!Array.isArray(args)) {
    opts = args;
    argv = [];
  }
  const o = opts === undefined || opts === null || typeof opts === 'object' ? remoteOptions(opts as any) : undefined;
  if (!o) return (s.original.spawnSync as any)(file, args, options);
  let a: Answer;
  try {
    a = ask(s, { kind: 'spawnSync', file, args: argv, options: o });
  } catch (e) {
    if ((e as Error).name === 'DataCloneError') return (s.original.spawnSync as any)(file, args, options);
    throw e;
  }
  if (a.error) throw rebuilt(a.error);
  const r = { ...a.value };
  r.output = Array.isArray(r.output) ? r.output.map(toBuffer) : r.output;
  r.stdout = toBuffer(r.stdout);
  r.stderr = toBuffer(r.stderr);
  if (r.error) r.error = rebuilt(r.error);
  return r;
}

/** execFileSync is Node's execFileSync (lib/child_process.js) over the spawner's spawnSync. */
function execFileSync(file: string, args?: unknown, options?: unknown): string | Buffer {
  let argv = args;
  let opts = options as Record<string, any> | undefined | null;
  if (Array.isArray(argv)) argv = [...argv];
  else if (argv !== null && argv !== undefined && typeof argv === 'object') {
    opts = argv as Record<string, any>;
    argv = undefined;
  }
  const list = (argv ?? []) as string[];
  const o = opts ?? {};
  const inheritStderr = !o.stdio;
  const ret = spawnSync(file, list, o);
  if (inheritStderr && ret.stderr) process.stderr.write(ret.stderr);
  const err = syncError(ret, [o.argv0 || file, ...list]);
  if (err) throw err;
  return ret.stdout;
}

/** syncError is Node's checkExecSyncError. */
function syncError(ret: ChildProcess.SpawnSyncReturns<any>, args: string[]): Error | undefined {
  if (ret.error) return Object.assign(ret.error, ret);
  if (ret.status !== 0) {
    let msg = `Command failed: ${args.join(' ')}`;
    if (ret.stderr && ret.stderr.length > 0) msg += `\n${ret.stderr.toString()}`;
    return Object.assign(new Error(msg), ret);
  }
  return undefined;
}

/** Collected is a finished child process run by runCollected. */
export interface Collected {
  readonly pid: number;
  /** code: the exit code; null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/**
 * runCollected is spawn(file, args, options) with stdout and stderr collected until the process closes, run by the
 * spawner when it is installed (else here); it rejects when the process cannot start.
 */
export function runCollected(
  file: string,
  args: readonly string[],
  options: ChildProcess.SpawnOptions & { input?: string | Buffer } = {},
): Promise<Collected> {
  const s = current();
  const o = s ? remoteOptions(options as Record<string, unknown>) : undefined;
  if (!s || !o) return collectHere(file, args, options);
  return new Promise((res, rej) => {
    const ref = s.next++;
    s.waiting.set(ref, (a) => {
      if (a.error) rej(rebuilt(a.error));
      else res({ ...a.value, stdout: toBuffer(a.value.stdout), stderr: toBuffer(a.value.stderr) });
    });
    s.asyncPort.ref();
    s.started++;
    s.asyncPort.postMessage({ ref, kind: 'collect', file, args: [...args], options: o });
  });
}

/**
 * removeLater removes the directory `path` (recursive, force) without waiting for the disk: the spawner takes it (it
 * answers once it has the request, and finishes every removal it took even when the worker ends first) and removes
 * it while the test goes on; this process removes it at once when there is no spawner. On this disk, whose mount
 * discards freed blocks, removing a test's project is mostly waiting (merge/cli: ~3 s of rmdir and unlink).
 */
export function removeLater(path: string): void {
  const s = current();
  const a = s ? ask(s, { kind: 'remove', path }, false) : { error: undefined };
  if (!s || a.error) rmSync(path, { recursive: true, force: true });
}

function collectHere(
  file: string,
  args: readonly string[],
  options: ChildProcess.SpawnOptions & { input?: string | Buffer },
): Promise<Collected> {
  return new Promise((res, rej) => {
    const { input, ...opts } = options;
    const child = cp.spawn(file, [...args], opts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
    child.on('error', rej);
    child.on('close', (code, signal) =>
      res({ pid: child.pid!, code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
  });
}
