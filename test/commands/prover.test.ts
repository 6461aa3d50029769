/**
 * The warm prover (src/pg/proverd.ts, prover.ts): commands that prove ask it over a private socket, and give the
 * same commits and proofs as with their own worker; any failure of it (killed mid-proof, silent, garbage, another
 * build's key) and an unsafe runtime dir leave the command to prove on its own worker; it exits when idle; two
 * commands that find none start one. The real CLI and the built prover, each with a private runtime dir (vitest turns
 * the prover off for every other test), stopped at the end: a process per command where the process is what is tested
 * (the first test's first commit, which starts the prover that warms once its command has ended; two commands racing
 * to start one); in this process where a command talks to a prover already running (the test's, or the one that first
 * commit started) or a fake one, and what is tested is the command's answer to it (the reference runs with the prover
 * off, `init` and `prover stop` run here too).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeLater } from '../helpers/spawner.js';
import { runCli, tempProject, type CliResult, type Project } from '../helpers/cli.js';
import { runInProcess } from '../helpers/inproc.js';

const { frame, FrameReader } = (await import(
  new URL('../../dist/pg/proverio.js', import.meta.url).href
)) as typeof import('../../src/pg/proverio.js');
const { proverReport, proverVerifier } = (await import(
  new URL('../../dist/pg/prover.js', import.meta.url).href
)) as typeof import('../../src/pg/prover.js');
const { emptySchema } = (await import(
  new URL('../../dist/model/types.js', import.meta.url).href
)) as typeof import('../../src/model/types.js');
const PROVERD = fileURLToPath(new URL('../../dist/pg/proverd.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist', import.meta.url));

const dirs: string[] = [];
const projects: Project[] = [];

/** runtime makes a private runtime dir (0700, as mkdtemp makes it) and the environment that points commands at it. */
function runtime(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'sv-rt-'));
  dirs.push(dir);
  return { dir, env: { SCHEMAVER_PROVER: '1', SCHEMAVER_RUNTIME_DIR: dir, SCHEMAVER_AUTHOR_DATE: '1700000000' } };
}

function project(): Project {
  const p = tempProject('sv-prover-');
  projects.push(p);
  return p;
}

const tables = (extra: string[] = []) =>
  [1, 2, 3, 4, 5]
    .map(
      (i) =>
        `  t${i}:\n    columns:\n      id: { type: integer, primary_key: true }\n      name: { type: text }\n` +
        (i === 1 ? extra.map((c) => `      ${c}: { type: text }\n`).join('') : ''),
    )
    .join('');

/** Run runs the CLI: runCli (a process of its own), or runInProcess (offline, asking). */
type Run = (cwd: string, args: readonly string[], env: Record<string, string>) => Promise<CliResult>;

/**
 * offline runs a command that neither asks nor starts a prover (SCHEMAVER_PROVER=0: the reference commits and proofs
 * on the command's own worker, or `init`) in this process: what this file tests is the prover, which these runs leave
 * alone, and each would otherwise pay a Node start-up and PGlite's compile (a reference commit ~1 s of CPU).
 */
const offline: Run = (cwd, args, env) => {
  expect(env.SCHEMAVER_PROVER === '0' || args[0] === 'init').toBe(true);
  return runInProcess(cwd, args, env);
};

/**
 * asking runs a command that asks a running prover (one the test started, or a command before) or a fake one in this
 * process: its socket, its replies and its faults are the same to a command in any process, and a command run here
 * pays no Node start-up and no compile of PGlite for the proof it falls back to (~0.6 s of CPU each). A prover such
 * a command starts (after a killed one) names this process its parent, so it does not warm up while the file runs;
 * `prover stop` ends it.
 */
const asking: Run = (cwd, args, env) => {
  expect(env.SCHEMAVER_PROVER).toBe('1');
  return runInProcess(cwd, args, env);
};

/** commit writes schema/ with the first table's extra columns and commits it (--json), expecting exit 0. */
async function commit(p: Project, env: Record<string, string>, msg: string, extra: string[] = [], run: Run = runCli) {
  p.write('schema/tables.yaml', `tables:\n${tables(extra)}`);
  const r = await run(p.dir, ['commit', '-m', msg, '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  const out = r.json<{ id: string; migrations: { verified: boolean }[] }>();
  expect(out.migrations.every((m) => m.verified)).toBe(true);
  return out.id;
}

interface Status {
  key: string;
  provers: { pid: number; current: boolean; commands: number; warm: boolean; busy: boolean }[];
}

/** status is `prover status --json` in `env`'s runtime dir, asked from this process (the same build and key). */
async function status(env: Record<string, string>): Promise<Status> {
  const was = process.env.SCHEMAVER_RUNTIME_DIR;
  process.env.SCHEMAVER_RUNTIME_DIR = env.SCHEMAVER_RUNTIME_DIR;
  try {
    return (await proverReport()) as Status;
  } finally {
    process.env.SCHEMAVER_RUNTIME_DIR = was;
  }
}

/** until polls `fn` every 50 ms for up to `ms`, returning its first truthy answer. */
async function until<T>(fn: () => Promise<T> | T, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** current is this build's prover in `env`'s runtime dir, once it listens. */
async function current(env: Record<string, string>) {
  return until(async () => (await status(env)).provers.find((p) => p.current));
}

/** startProver starts the built prover directly (as a command would, detached) with extra environment. */
function startProver(env: Record<string, string>) {
  const child = spawn(process.execPath, [PROVERD], { env: { ...process.env, ...env }, stdio: 'ignore' });
  return child;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * fakeProver listens at `socket`, answers the hello with `key` and records every frame it reads; `settled`: its proof
 * answers say that nothing is left to write (WorkerReply.settled).
 */
function fakeProver(socket: string, key: string, { settled = false } = {}) {
  const frames: Record<string, unknown>[] = [];
  let connections = 0;
  const server = net.createServer((sock) => {
    connections++;
    const reader = new FrameReader();
    sock.on('error', () => undefined);
    sock.on('data', (chunk: Buffer) => {
      for (const m of reader.push(chunk) as Record<string, unknown>[]) {
        frames.push(m);
        if (m['hello']) sock.write(frame({ hello: { ok: true, key } }));
        // a proof answered without running it: a command that took it would commit anything
        else if (typeof m['id'] === 'number' && m['id'] >= 0)
          sock.write(
            frame({
              id: m['id'],
              result: { ok: true, problems: [], ms: 1 },
              ...(settled && m['call'] ? { settled } : {}),
            }),
          );
      }
    });
  });
  return {
    frames,
    connections: () => connections,
    listen: () => new Promise<void>((r) => server.listen(socket, () => r())),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

afterAll(async () => {
  for (const dir of dirs) {
    // in this process: `prover stop` only asks each prover over its socket (and starts none)
    await runInProcess(tmpdir(), ['prover', 'stop'], { SCHEMAVER_PROVER: '1', SCHEMAVER_RUNTIME_DIR: dir });
    removeLater(dir);
  }
  for (const p of projects) p.cleanup();
});

/** reference: commits made with no prover, for the others to equal. */
const reference = { base: '' };

describe('the warm prover', () => {
  const rt = runtime();
  const off = { ...rt.env, SCHEMAVER_PROVER: '0' };

  it('proves commits as the command own worker does: same commits, same store objects, same proofs', async () => {
    const [a, b] = [project(), project()];
    for (const p of [a, b]) expect((await offline(p.dir, ['init'], off)).code).toBe(0);
    const ids = { a: [] as string[], b: [] as string[] };
    ids.a.push((reference.base = await commit(a, off, 'base', [], offline)));
    expect(readdirSync(rt.dir)).toEqual([]); // off: none started
    ids.b.push(await commit(b, rt.env, 'base')); // none running: its own worker, and one starts
    const started = await current(rt.env);
    expect(started).toBeTruthy();
    for (const [msg, cols] of [
      ['one', ['c1']],
      ['two', ['c1', 'c2']],
    ] as const) {
      ids.a.push(await commit(a, off, msg, [...cols], offline));
      ids.b.push(await commit(b, rt.env, msg, [...cols], asking)); // the prover the first one started
    }
    // the two later commits went through it (the prover counts a command once it hears its connection end, which may
    // be after a command run in this process has returned)
    const after = await until(async () => (await status(rt.env)).provers.find((p) => p.current && p.commands >= 2));
    expect(after?.pid).toBe(started!.pid);
    expect(after?.commands).toBeGreaterThanOrEqual(2);
    expect(ids.b).toEqual(ids.a);
    const objects = (p: Project) =>
      readdirSync(join(p.dir, '.schemaver', 'objects'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(p.dir.length))
        .sort();
    expect(objects(b)).toEqual(objects(a));
    // the proof itself: the same answer, field for field, but its times
    const proof = async (p: Project, env: Record<string, string>, run: Run) => {
      const r = await run(p.dir, ['verify', 'HEAD', '--force', '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      const edges = r.json<{ edges: Record<string, unknown>[] }>().edges;
      return edges.map(({ ms: _ms, timings: _t, ...rest }) => rest);
    };
    expect(await proof(b, rt.env, asking)).toEqual(await proof(a, off, offline));
    // a migration that does not reproduce its schema is refused through the prover as without it
    a.write('bad.sql', 'ALTER TABLE t1 ADD COLUMN c3 integer;');
    b.write('bad.sql', 'ALTER TABLE t1 ADD COLUMN c3 integer;');
    const refused: number[] = [];
    for (const [p, env, run] of [
      [a, off, offline],
      [b, rt.env, asking],
    ] as const) {
      p.write('schema/tables.yaml', `tables:\n${tables(['c1', 'c2', 'c3'])}`);
      const r = await run(p.dir, ['commit', '-m', 'bad', '--up', 'bad.sql'], env);
      expect(r.stderr).toMatch(/verif|proof|up:/i);
      refused.push(r.code);
    }
    expect(refused).toEqual([1, 1]);
    const later = await until(async () =>
      (await status(rt.env)).provers.find((p) => p.current && p.commands >= after!.commands + 2),
    );
    expect(later?.pid).toBe(started!.pid);
  });

  it.each(['kill', 'stall', 'garbage', 'malformed'])(
    'a prover that fails mid-proof (%s) leaves the command to prove on its own worker',
    async (fault) => {
      const own = runtime();
      const child = startProver({ ...own.env, SCHEMAVER_PROVER_FAULT: fault });
      const pid = (await current(own.env))!.pid;
      expect(pid).toBe(child.pid);
      const p = project();
      expect((await offline(p.dir, ['init'], own.env)).code).toBe(0);
      // the same commit as with no prover (the first test's first commit: same files, author and date)
      expect(await commit(p, { ...own.env, SCHEMAVER_PROVER_STALL: '1' }, 'base', [], asking)).toBe(reference.base);
      if (fault === 'kill') expect(alive(pid)).toBe(false);
    },
  );

  it('serves a commit that connects while it resets after the one before (not busy: no worker of its own)', async () => {
    const own = runtime();
    // each reset takes 5 s: the next command, started at once, connects during it
    const child = startProver({ ...own.env, SCHEMAVER_PROVER_FAULT: 'slowreset' });
    expect((await current(own.env))!.pid).toBe(child.pid);
    const p = project();
    expect((await offline(p.dir, ['init'], own.env)).code).toBe(0);
    expect(await commit(p, own.env, 'base', [], asking)).toBe(reference.base);
    const before = (await status(own.env)).provers.find((x) => x.current)!;
    expect(before.busy).toBe(true); // resetting after the first commit
    await commit(p, own.env, 'one', ['c1'], asking);
    // both commits were its sessions: the second was not told `busy` (it would have proved on its own worker)
    const served = await until(async () => (await status(own.env)).provers.find((x) => x.current && x.commands >= 2));
    expect(served).toBeTruthy();
    child.kill();
  });

  it("does not use a prover that answers with another build's key", async () => {
    const own = runtime();
    const key = (await status(own.env)).key;
    const fake = fakeProver(join(own.dir, `${key}.sock`), '0'.repeat(24));
    await fake.listen();
    try {
      const p = project();
      expect((await offline(p.dir, ['init'], own.env)).code).toBe(0);
      await commit(p, own.env, 'base', [], asking);
      expect(fake.frames.some((f) => f['hello'])).toBe(true);
      expect(fake.frames.some((f) => f['call'] !== undefined)).toBe(false);
    } finally {
      await fake.close();
    }
  });

  it('ends without asking for a flush only when its last request was a proof answered with nothing left to write', async () => {
    for (const [settled, more] of [
      [false, false],
      [true, false],
      [true, true], // asked something after the proof: that may have left an image to write
    ] as const) {
      const own = runtime();
      const key = (await status(own.env)).key;
      const fake = fakeProver(join(own.dir, `${key}.sock`), key, { settled });
      await fake.listen();
      try {
        const v = proverVerifier({ dir: own.dir, key, socket: join(own.dir, `${key}.sock`), lock: '' }, () => {
          throw new Error('the prover answered: no worker of its own');
        });
        const s = emptySchema();
        expect((await v.verify(s, s, '', '')).ok).toBe(true);
        if (more) v.prepare(undefined, undefined, 1);
        await v.close();
        await until(
          () => fake.frames.some((f) => f['call'] !== undefined) && (!more || fake.frames.some((f) => f['prepare'])),
        );
        expect(fake.frames.some((f) => f['flush'])).toBe(!settled || more);
      } finally {
        await fake.close();
      }
    }
  });

  it('neither uses nor starts a prover in a runtime dir others may enter', async () => {
    const own = runtime();
    chmodSync(own.dir, 0o755);
    const key = (await status(own.env)).key;
    const fake = fakeProver(join(own.dir, `${key}.sock`), key);
    await fake.listen();
    try {
      const p = project();
      expect((await offline(p.dir, ['init'], own.env)).code).toBe(0);
      await commit(p, own.env, 'base', [], asking);
      expect(fake.connections()).toBe(0);
      expect(readdirSync(own.dir)).toEqual([`${key}.sock`]); // no lock: nothing was started
      expect((await status(own.env)).provers).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("stops the prover of its installation's previous build when it starts", async () => {
    const own = runtime();
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' }); // the old prover's process
    const asked: string[] = [];
    const old = net.createServer((sock) => {
      const reader = new FrameReader();
      sock.on('error', () => undefined);
      sock.on('data', (chunk: Buffer) => {
        for (const m of reader.push(chunk) as Record<string, unknown>[]) {
          asked.push(Object.keys(m)[0]!);
          if (m['status']) {
            const status = { pid: sleeper.pid, key: 'f'.repeat(24), dist: DIST, build: 'an older build' };
            sock.end(frame({ status }));
          } else if (m['stop']) {
            sleeper.kill();
            sock.end(frame({ stopping: true }));
          }
        }
      });
    });
    await new Promise<void>((r) => old.listen(join(own.dir, `${'f'.repeat(24)}.sock`), () => r()));
    try {
      // this process its parent, as a command that starts one: it stops the old one at once, and warms up only once
      // its parent has ended (never, here: the warm-up is not what is tested)
      const child = startProver({ ...own.env, SCHEMAVER_PROVER_PARENT: String(process.pid) });
      expect(await current(own.env)).toBeTruthy();
      expect(await until(() => asked.includes('stop'))).toBe(true);
      expect(await until(() => !alive(sleeper.pid!))).toBe(true);
      child.kill();
    } finally {
      sleeper.kill();
      await new Promise<void>((r) => old.close(() => r()));
    }
  });

  it('exits when idle, removing its socket and lock', async () => {
    const own = runtime();
    // this process its parent: it idles from its start, whether or not it warmed up (not what is tested)
    const child = startProver({ ...own.env, SCHEMAVER_PROVER_IDLE: '1', SCHEMAVER_PROVER_PARENT: String(process.pid) });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    expect(await current(own.env)).toBeTruthy();
    expect(await exited).toBe(0);
    expect(readdirSync(own.dir)).toEqual([]);
  });

  it('is started once by two commands that find none at the same time', async () => {
    const own = runtime();
    const [p, q] = [project(), project()];
    for (const x of [p, q])
      expect((await offline(x.dir, ['init'], { ...own.env, SCHEMAVER_PROVER: '0' })).code).toBe(0);
    // every prover process of this runtime dir, however short-lived, seen by polling /proc. A prover is a process a
    // command (Node) starts as Node (prover.ts spawnProver): a process that was already there and runs no Node (a
    // kernel thread, the database server...) is not read again while it stays, which leaves a poll a fraction of the
    // CPU (a pid is only taken by a new process after it left /proc, and the set forgets it then)
    const seen = new Set<number>();
    const others = new Set(
      readdirSync('/proc').filter((d) => {
        try {
          return /^\d+$/.test(d) && !/(^|\/)node\0/.test(readFileSync(`/proc/${d}/cmdline`, 'utf8'));
        } catch {
          return false;
        }
      }),
    );
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const pids = readdirSync('/proc').filter((x) => /^\d+$/.test(x));
        const live = new Set(pids);
        for (const d of others) if (!live.has(d)) others.delete(d);
        for (const d of pids) {
          if (others.has(d)) continue;
          try {
            if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('proverd.js')) continue;
            if (readFileSync(`/proc/${d}/environ`, 'utf8').includes(`SCHEMAVER_RUNTIME_DIR=${own.dir}\0`))
              seen.add(Number(d));
          } catch {
            /* gone */
          }
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await Promise.all([commit(p, own.env, 'base'), commit(q, own.env, 'base')]);
    const running = await current(own.env);
    await new Promise((r) => setTimeout(r, 1000));
    polling = false;
    await poll;
    expect(running).toBeTruthy();
    expect([...seen]).toEqual([running!.pid]);
    expect(existsSync(join(own.dir, `${(await status(own.env)).key}.lock`))).toBe(true);
  });
});
