/**
 * The test spawner (./spawner.ts): spawnSync and execFileSync of a worker of the cli project run in the small spawner
 * process, and answer exactly what child_process's own functions answer (exit codes, signals, output, errors, the
 * caller's environment and working directory).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { direct, runCollected, spawnerStarts } from './spawner.js';

const NODE = process.execPath;
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sv-spawner-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** digest stands for an output in comparisons (toEqual walks a Buffer byte by byte). */
function digest(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(digest);
  if (!Buffer.isBuffer(x) && typeof x !== 'string') return x;
  return `${Buffer.isBuffer(x) ? 'buffer' : 'string'} ${x.length} ${createHash('sha256').update(x).digest('hex')}`;
}

/** same is what the two spawnSync results agree on (pid aside: two processes). */
function same(r: ReturnType<typeof spawnSync>) {
  const { pid: _pid, error, output, stdout, stderr, ...rest } = r;
  return {
    ...rest,
    output: digest(output),
    stdout: digest(stdout),
    stderr: digest(stderr),
    error: error && { message: error.message, ...error, spawnargs: undefined },
  };
}

/** thrown is what execFileSync threw (or returned), without the pid. */
function thrown(f: () => unknown) {
  try {
    return { returned: f() };
  } catch (e) {
    const { pid: _pid, error: _error, ...props } = e as Record<string, unknown>;
    return { name: (e as Error).name, message: (e as Error).message, props: { ...props, spawnargs: undefined } };
  }
}

const CASES: [string, string[], Parameters<typeof spawnSync>[2]][] = [
  [
    'exit code, stdout and stderr',
    ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'],
    {},
  ],
  ['large output', ['-e', 'process.stdout.write("x".repeat(5 << 20))'], { maxBuffer: 64 << 20 }],
  ['text output', ['-e', 'console.log("é")'], { encoding: 'utf8' }],
  ['stdin from input', ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'fed\n' }],
  ['a signal', ['-e', 'process.kill(process.pid, "SIGTERM"); setTimeout(() => {}, 5000)'], {}],
  [
    'the given environment',
    ['-e', 'console.log(process.env.SV_SPAWNER_A, process.env.SV_SPAWNER_B)'],
    { env: { SV_SPAWNER_A: 'a', PATH: process.env.PATH } },
  ],
  ['the given directory', ['-e', 'console.log(process.cwd())'], { cwd: dir }],
  ['a timeout', ['-e', 'setTimeout(() => {}, 20000)'], { timeout: 300 }],
  ['maxBuffer exceeded', ['-e', 'process.stdout.write("x".repeat(100000))'], { maxBuffer: 1000 }],
];

describe('the test spawner', () => {
  it('is installed, and the processes it starts are not children of this worker', () => {
    expect(spawnerStarts()).toBeTypeOf('number');
    const before = spawnerStarts()!;
    const ppid = Number(execFileSync(NODE, ['-e', 'console.log(process.ppid)'], { encoding: 'utf8' }));
    expect(ppid).not.toBe(process.pid);
    expect(Number(direct().execFileSync(NODE, ['-e', 'console.log(process.ppid)'], { encoding: 'utf8' }))).toBe(
      process.pid,
    );
    expect(spawnerStarts()).toBe(before + 1);
  });

  it.each(CASES)('spawnSync answers as child_process does: %s', (_name, args, options) => {
    const mine = spawnSync(NODE, args, options);
    const theirs = direct().spawnSync(NODE, args, options);
    expect(same(mine)).toEqual(same(theirs));
    expect(Buffer.isBuffer(mine.stdout) || typeof mine.stdout === 'string').toBe(true);
  });

  it("spawnSync without cwd or env uses this process's, as they are now", () => {
    process.env.SV_SPAWNER_B = 'b';
    try {
      const args = ['-e', 'console.log(process.cwd(), process.env.SV_SPAWNER_B)'];
      expect(String(spawnSync(NODE, args).stdout)).toBe(`${process.cwd()} b\n`);
      expect(same(spawnSync(NODE, args))).toEqual(same(direct().spawnSync(NODE, args)));
    } finally {
      delete process.env.SV_SPAWNER_B;
    }
  });

  it('spawnSync of a missing program fails to start as child_process does (ENOENT)', () => {
    const mine = spawnSync('sv-no-such-program', ['x']);
    expect((mine.error as NodeJS.ErrnoException | undefined)?.code).toBe('ENOENT');
    expect(same(mine)).toEqual(same(direct().spawnSync('sv-no-such-program', ['x'])));
  });

  it('execFileSync returns, throws and passes stderr on as child_process does', () => {
    const calls: (() => unknown)[][] = [
      [
        () => execFileSync(NODE, ['-e', 'console.log("ok")'], { encoding: 'utf8' }),
        () => direct().execFileSync(NODE, ['-e', 'console.log("ok")'], { encoding: 'utf8' }),
      ],
      [
        () => execFileSync(NODE, ['-e', 'console.error("bad"); process.exit(4)'], { stdio: 'pipe' }),
        () => direct().execFileSync(NODE, ['-e', 'console.error("bad"); process.exit(4)'], { stdio: 'pipe' }),
      ],
      [() => execFileSync('sv-no-such-program'), () => direct().execFileSync('sv-no-such-program')],
      [
        () => execFileSync('git', ['--version'], { cwd: dir, encoding: 'utf8' }),
        () => direct().execFileSync('git', ['--version'], { cwd: dir, encoding: 'utf8' }),
      ],
    ];
    for (const [mine, theirs] of calls) expect(thrown(mine)).toEqual(thrown(theirs));
    const e = thrown(calls[1]![0]!);
    expect(e.message).toContain('Command failed');
    expect(e.props?.status).toBe(4);
  });

  it('runCollected collects a whole run, and rejects a program that cannot start', async () => {
    const r = await runCollected(
      NODE,
      ['-e', 'process.stdout.write("y".repeat(3 << 20)); console.error("e"); process.exitCode = 2'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect([r.code, r.signal, r.stdout.length, r.stderr.toString()]).toEqual([2, null, 3 << 20, 'e\n']);
    const k = await runCollected(NODE, ['-e', 'process.kill(process.pid, "SIGKILL")'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect([k.code, k.signal]).toEqual([null, 'SIGKILL']);
    await expect(runCollected('sv-no-such-program', [], {})).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
