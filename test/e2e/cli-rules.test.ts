/**
 * The global CLI rules, through the built CLI: every command's --help teaches (exit 0, description, an
 * example); --json prints one parseable JSON document on stdout for every command, on success and on failure;
 * no ANSI escapes without a TTY or with NO_COLOR (and colour on a TTY, so the check can fail); -C DIR before
 * and after the command name; unknown commands. Build first (`npx tsc -p .`).
 * The project's commands run the built CLI in this process (helpers/inproc.ts: help, the --json documents, every
 * command's JSON failure and its exit code); what is about the binary runs `node bin/run.js` as child processes: the
 * JSON failure of the commands bin/run.js starts a worker for (commit, plan) and of one other, colour with and without
 * a terminal, -C DIR, unknown commands.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runCli, hasStackTrace, type CliResult, type Project } from '../helpers/cli.js';
import { inProcessProject, runInProcess } from '../helpers/inproc.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const ANSI = /\u001b\[/;

/** ok asserts exit 0 and no stack trace. */
function ok(r: CliResult): CliResult {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}

/** inBatches runs fn over items, n at a time (the machine has 2 cores). */
async function inBatches<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
    }),
  );
  return out;
}

let p: Project;
let commands: string[];

beforeAll(async () => {
  p = inProcessProject('sv-e2e-rules-');
  ok(await p.run('init'));
  p.write(
    'schema/schema.yaml',
    'enums:\n  mood: [ok, meh]\ntables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      mood: mood\n',
  );
  ok(await p.run('commit', '-m', 'users', '--no-verify'));
  p.write(
    'schema/schema.yaml',
    'enums:\n  mood: [ok, meh]\ntables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      mood: mood\n      name: text\n',
  );
  ok(await p.run('commit', '-m', 'name', '--no-verify'));
  const help = ok(await p.run('--help')).stdout;
  commands = help
    .slice(help.indexOf('\nCOMMANDS\n'))
    .split('\n')
    .filter((l) => /^ {2}[a-z][\w-]* /.test(l))
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter((c) => c !== 'help'); // `help` is oclif's own help screen (tested in test/history/verbs.test.ts)
});
afterAll(() => p?.cleanup());

describe('help', () => {
  it('lists every command, and each --help exits 0 with a description and examples', async () => {
    expect(commands).toEqual(
      expect.arrayContaining([
        'init',
        'status',
        'diff',
        'plan',
        'commit',
        'log',
        'show',
        'branch',
        'checkout',
        'tag',
        'merge',
        'verify',
        'import',
        'upgrade',
        'downgrade',
        'current',
        'history',
        'stamp',
        'check',
        'erd',
      ]),
    );
    // one at a time: in-process runs share the working directory
    const results = await inBatches(commands, 1, async (c) => [c, await p.run(c, '--help')] as const);
    for (const [c, r] of results) {
      expect(r.code, `${c} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout, c).toMatch(/^DESCRIPTION\n {2}\S/m);
      expect(r.stdout, c).toMatch(/^EXAMPLES\n {2}\$ schemaver /m);
      expect(r.stdout, c).toMatch(/^USAGE\n {2}\$ schemaver /m);
      expect(ANSI.test(r.stdout), c).toBe(false);
    }
  });

  it('-h is --help on every command, as git users type it', async () => {
    const results = await inBatches(
      commands,
      1,
      async (c) => [c, await p.run(c, '-h'), await p.run(c, '--help')] as const,
    );
    for (const [c, short, long] of results) {
      expect(short.code, `${c} -h: ${short.stderr}`).toBe(0);
      expect(short.stdout, c).toBe(long.stdout);
    }
  });
});

describe('--json', () => {
  it('every command prints one JSON document on stdout when it succeeds', async () => {
    p.write('dump.sql', 'CREATE TABLE t (id int PRIMARY KEY);\n');
    const imp = mkdtempSync(join(tmpdir(), 'sv-e2e-imp-'));
    try {
      // order matters: the database commands share the local PGlite database
      const check = (args: string[], r: CliResult) => {
        expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
        expect(() => r.json(), args.join(' ')).not.toThrow();
        expect(r.json().error, args.join(' ')).toBeUndefined();
      };
      // read-only commands first; then the ones that change state, in order
      const readOnly: string[][] = [
        ['status'],
        ['log'],
        ['show'],
        ['diff', 'HEAD~1', 'HEAD'],
        ['plan', 'HEAD~1', 'HEAD'],
        ['branch'],
        ['tag'],
        ['erd'],
        ['verify', 'HEAD'],
      ];
      for (const [args, r] of await inBatches(
        readOnly,
        1,
        async (args) => [args, await p.run(...args, '--json')] as const,
      ))
        check(args, r);
      const inOrder: string[][] = [
        ['branch', 'topic'],
        ['tag', 'v1'],
        ['merge-base', 'main', 'topic'],
        ['checkout', 'topic'],
        ['checkout', 'main'],
        ['merge', 'topic'],
        ['upgrade'],
        ['current'],
        ['history'],
        ['check'],
        ['downgrade', '-1', '--sql'],
        ['stamp', 'HEAD', '--force'],
      ];
      for (const args of inOrder) check(args, await p.run(...args, '--json'));
      ok(await runInProcess(imp, ['init']));
      const r = await runInProcess(imp, ['import', '--sql', join(p.dir, 'dump.sql'), '--json']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.json().error).toBeUndefined();
    } finally {
      rmSync(imp, { recursive: true, force: true });
    }
  });

  it('every command prints {"error": {...}} on stdout when it fails, with the exit code of the failure', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sv-e2e-none-'));
    try {
      const argsOf: Record<string, string[]> = {
        commit: ['commit', '-m', 'x'],
        checkout: ['checkout', 'main'],
        merge: ['merge', 'main'],
        'merge-base': ['merge-base', 'a', 'b'],
        import: ['import', '--sql', 'nope.sql'],
        stamp: ['stamp', 'HEAD'],
        downgrade: ['downgrade', '-1'],
      };
      // through the binary, as a shell sees the exit code: the commands bin/run.js starts a worker for before oclif
      // loads (commit, plan) and a plain one; the others in this process, one at a time (they share the directory)
      const BINARY = new Set(['commit', 'plan', 'status']);
      const failing = commands.filter((c) => c !== 'init');
      expect(failing).toEqual(expect.arrayContaining([...BINARY]));
      const viaBinary = Promise.all(
        failing
          .filter((c) => BINARY.has(c))
          .map(async (c) => [c, await runCli(empty, [...(argsOf[c] ?? [c]), '--json'])] as const),
      );
      const results = await inBatches(
        failing.filter((c) => !BINARY.has(c)),
        1,
        async (c) => [c, await runInProcess(empty, [...(argsOf[c] ?? [c]), '--json'])] as const,
      );
      results.push(...(await viaBinary));
      expect(results).toHaveLength(failing.length);
      for (const [c, r] of results) {
        expect(r.code, `${c}: ${r.stdout}${r.stderr}`).toBe(2); // not a project: bad input
        const e = r.json().error;
        expect(e, c).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
      }
      // init refuses a second time; a bad flag is a usage error
      expect((await p.run('init', '--json')).json().error.code).toEqual(expect.any(String));
      const bad = await p.run('log', '--no-such-flag', '--json');
      expect(bad.code).toBe(2);
      expect(bad.json().error.code).toBe('bad-usage');
      // negative answers are JSON errors too
      const nothing = await p.run('commit', '-m', 'x', '--json');
      expect(nothing.code).toBe(1);
      expect(nothing.json().error.code).toEqual(expect.any(String));
      const unknown = await p.run('show', 'nosuchrev', '--json');
      expect(unknown.code).toBe(2);
      expect(unknown.json().error.code).toBe('unknown-revision');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('colour', () => {
  const cases: string[][] = [['log', '--graph'], ['status'], ['show', 'nosuchrev'], ['diff', 'HEAD~1', 'HEAD']];
  it('no ANSI escapes without a TTY, with or without NO_COLOR', async () => {
    for (const args of cases) {
      for (const env of [{ NO_COLOR: undefined }, { NO_COLOR: '1' }, { NO_COLOR: undefined, TERM: 'xterm-256color' }]) {
        const r = await runCli(p.dir, args, env); // the binary, as a user's pipe sees it
        expect(ANSI.test(r.stdout + r.stderr), `${args.join(' ')} ${JSON.stringify(env)}`).toBe(false);
      }
    }
  });

  /** onTty runs the CLI on a pseudo-terminal through script(1) and returns everything it wrote. */
  const onTty = (args: string[], env: Record<string, string | undefined>): string => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const e = { ...process.env, TERM: 'xterm-256color', ...env };
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    return execFileSync('script', ['-qec', cmd, '/dev/null'], {
      cwd: p.dir,
      env: e as NodeJS.ProcessEnv,
      encoding: 'utf8',
    });
  };
  let hasScript = true;
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null']);
  } catch {
    hasScript = false;
  }

  it.skipIf(!hasScript)('colour on a terminal, none on a terminal with NO_COLOR', () => {
    for (const args of [['log', '--graph'], ['status']]) {
      expect(ANSI.test(onTty(args, { NO_COLOR: undefined })), args.join(' ')).toBe(true);
      expect(ANSI.test(onTty(args, { NO_COLOR: '1' })), args.join(' ')).toBe(false);
    }
  });
});

describe('-C DIR', () => {
  it('works before and after the command name, in every spelling', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'sv-e2e-c-'));
    try {
      const head = ok(await p.run('log', '--json')).json().commits[0].id;
      for (const args of [
        ['-C', p.dir, 'log', '--json'],
        ['log', '-C', p.dir, '--json'],
        ['log', '--json', `--cwd=${p.dir}`],
        [`-C${p.dir}`, 'log', '--json'],
        ['log', '--cwd', p.dir, '--json'],
      ]) {
        const r = ok(await runCli(elsewhere, args));
        expect(r.json().commits[0].id, args.join(' ')).toBe(head);
      }
      const missing = await runCli(elsewhere, ['-C', join(elsewhere, 'nope'), 'status']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('error[bad-directory]');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('unknown commands and bad directories', () => {
  // one run of the binary (an unknown command runs bin/run.js, not in this process) for both tests
  let nosuch: Promise<CliResult> | undefined;
  const unknownRun = () => (nosuch ??= p.run('nosuch'));

  it('an unknown command exits 2', async () => {
    const r = await unknownRun();
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  // bin/run.js renders what oclif does not: an unknown command and a bad -C directory, as text or JSON.
  it('an unknown command says error[unknown-command], and --json failures before oclif are JSON', async () => {
    const r = await unknownRun();
    expect(r.stderr).toMatch(/^error\[[\w-]+\]: .*nosuch/m);
    expect((await p.run('nosuch', '--json')).json().error.code).toBe('unknown-command');
    expect((await p.run('-C', join(p.dir, 'nope'), 'status', '--json')).json().error.code).toBe('bad-directory');
  });

  // oclif reads `import dump.sql` as a command `import:dump.sql`: the first word is a command, the file its flag's
  it('a file given to a command as an argument names the flag that takes it, not an unknown command', async () => {
    const r = await p.run('import', 'dump.sql');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[bad-usage\]: `schemaver import` takes no argument `dump.sql`/m);
    expect(r.stderr).toContain('schemaver import --sql dump.sql');
  });
});
