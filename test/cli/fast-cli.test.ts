/**
 * The fast path of hot verbs (src/cli/fast.ts, bin/run.js) prints what oclif prints: each invocation runs on two
 * copies of one project, on the fast path (the real binary) and with SCHEMAVER_FAST=0 on oclif (in this process,
 * helpers/inproc.ts: oclif's `run` on the same dist/), and both give the same exit code, stdout and stderr (proof
 * durations aside), bad flags included; and the fast path loads no oclif module (nor does `--help`, printed from the
 * build's dist/cli/help.json: both sides real processes there). The real CLI (`npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLater } from '../helpers/spawner.js';
import { runCli, tempProject, type CliResult, type Project } from '../helpers/cli.js';
import { runInProcess } from '../helpers/inproc.js';

const V1 = `tables:
  notes:
    columns:
      id: { type: bigint, primary_key: true }
      body: { type: text }
`;
const V2 = V1 + `      title: { type: text }\n`;

const ENV = { SCHEMAVER_PROVER: '0', SCHEMAVER_AUTHOR_DATE: '1700000000' };

/** same: a run's output with what differs from run to run (proof durations, the copy's directory) blanked. */
function same(r: CliResult): { code: number; stdout: string; stderr: string } {
  const blank = (s: string) =>
    s
      .replace(/\b\d+ ms\b/g, 'N ms')
      .replace(/"verifyMs": \d+/g, '"verifyMs": N')
      .replace(/\/(fast|oclif)-\d+\b/g, '/COPY');
  return { code: r.code, stdout: blank(r.stdout), stderr: blank(r.stderr) };
}

let p: Project;
let dirty: string;
let clean: string;
let empty: string;
const scratch = mkdtempSync(join(tmpdir(), 'sv-fast-'));

beforeAll(async () => {
  p = tempProject('sv-fast-');
  // the fixture is made in this process (what is compared below is each run on a copy of it, not how it was made)
  for (const args of [['init'], ['commit', '-m', 'v1', '--no-verify']]) {
    if (args[0] === 'commit') p.write('schema/schema.yaml', V1);
    const r = await runInProcess(p.dir, args, ENV);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
  empty = join(scratch, 'empty');
  mkdirSync(empty);
  clean = join(scratch, 'clean');
  cpSync(p.dir, clean, { recursive: true });
  p.write('schema/schema.yaml', V2);
  p.write('up.sql', 'ALTER TABLE notes ADD COLUMN title text;\n');
  dirty = p.dir;
}, 120_000);

afterAll(() => {
  p?.cleanup();
  removeLater(scratch);
});

let n = 0;
/**
 * both runs `args` in two fresh copies of `from`: on the fast path (the real binary: bin/run.js takes it) and on
 * oclif. `oclifIn` says where the oclif run goes: in this process (helpers/inproc.ts: oclif's `run` on dist/, the
 * reference output without a Node start-up and the CLI's modules loaded again for each run) or, where what is
 * compared is the process (the modules it loads), the binary with SCHEMAVER_FAST=0.
 */
async function both(
  from: string,
  args: string[],
  env: Record<string, string> = {},
  oclifIn: 'process' | 'binary' = 'process',
) {
  const dirs = ['fast', 'oclif'].map((k) => {
    const d = join(scratch, `${k}-${n}`);
    cpSync(from, d, { recursive: true });
    return d;
  });
  n++;
  const fast = await runCli(dirs[0]!, args, { ...ENV, ...env });
  const oclifEnv = { ...ENV, ...env, SCHEMAVER_FAST: '0' };
  const oclif =
    oclifIn === 'process' ? await runInProcess(dirs[1]!, args, oclifEnv) : await runCli(dirs[1]!, args, oclifEnv);
  return { fast, oclif };
}

const DIRTY: string[][] = [
  ['status'],
  ['status', '--json'],
  ['status', '--bogus'],
  ['status', 'HEAD'],
  ['commit'],
  ['commit', '--json'],
  ['commit', '-m', ''],
  ['commit', '-m', '   ', '--json'],
  ['commit', '-m'],
  ['commit', '--message'],
  ['commit', '--bogus', '-m', 'x'],
  ['commit', '--onlin', '-m', 'x'],
  ['commit', '--json', '--bogus'],
  ['commit', '-m', 'a', '-m', 'b', '--no-verify'],
  ['commit', '--verify', '--no-verify', '-m', 'x'],
  ['commit', '--amend=yes'],
  ['commit', '--down', 'down.sql', '-m', 'x'],
  ['commit', '--up', 'missing.sql', '-m', 'x', '--no-verify'],
  ['commit', '-m', 'v2', '--no-verify'],
  ['commit', '-m', 'v2', '--no-verify', '--json'],
  ['commit', '--up', 'up.sql', '-m', 'v2 by hand', '--no-verify'],
  ['commit', '-m', 'v2'],
  ['commit', '--json', '-m', 'v2'],
  ['plan', 'HEAD', 'WORKING'],
  ['plan', 'HEAD', 'WORKING', '--down', '--json'],
  ['plan', 'HEAD', 'nope'],
  ['plan', 'HEAD', 'WORKING', '--exclude', 'table:notes'],
  ['plan', 'HEAD..WORKING', '--bogus'],
  ['current'],
  ['current', '--json'],
  ['current', '--url'],
  ['current', '--url', 'postgres://sv:hunter2secret@127.0.0.1:1/x'],
  ['current', '--url=postgres://sv:hunter2secret@127.0.0.1:1/x', '--json'],
];

describe('fast path and oclif print the same', () => {
  for (const args of DIRTY) {
    it(`schemaver ${args.join(' ')}`, async () => {
      const { fast, oclif } = await both(dirty, args);
      expect(same(fast)).toEqual(same(oclif));
      expect(fast.stdout + fast.stderr).not.toContain('hunter2secret');
    }, 60_000);
  }

  it('schemaver commit -m x with nothing to commit, and status when clean', async () => {
    for (const args of [['commit', '-m', 'x'], ['status'], ['status', '--json']]) {
      const { fast, oclif } = await both(clean, args);
      expect(same(fast)).toEqual(same(oclif));
    }
  }, 60_000);

  it('schemaver --help, -h and help (printed from the build without oclif)', async () => {
    for (const args of [['--help'], ['-h'], ['help'], ['-C', '.', '--help']]) {
      const { fast, oclif } = await both(empty, args);
      expect(same(fast)).toEqual(same(oclif));
      expect(fast.code).toBe(0);
      expect(fast.stdout).toMatch(/^COMMANDS$/m);
    }
  }, 60_000);

  it('schemaver --version and -v (printed from the build without oclif, whatever follows them)', async () => {
    for (const args of [['--version'], ['-v'], ['--version', 'status'], ['-v', '--bogus'], ['-C', '.', '--version']]) {
      const { fast, oclif } = await both(empty, args, {}, 'binary');
      expect(same(fast)).toEqual(same(oclif));
      expect(fast.code).toBe(0);
      expect(fast.stdout).toMatch(/^schemaver\/\S+ \S+ node-v\S+\n$/);
    }
  }, 60_000);

  it('outside any project', async () => {
    for (const args of [['commit', '-m', 'x'], ['status', '--json'], ['current']]) {
      const { fast, oclif } = await both(empty, args);
      expect(same(fast)).toEqual(same(oclif));
      expect(fast.code).not.toBe(0);
    }
  }, 60_000);
});

describe('the fast path loads no oclif', () => {
  const hook = join(scratch, 'count.mjs');
  beforeAll(() => {
    writeFileSync(
      hook,
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const loaded = Object.keys(require('node:module')._cache).filter((k) => k.includes('@oclif/core')).length;
  process.stderr.write('oclif modules: ' + loaded + '\\n');
});
`,
    );
  });
  for (const args of [
    ['status'],
    ['commit', '-m', 'v2', '--no-verify'],
    ['current', '--json'],
    ['plan', 'HEAD', 'WORKING'],
    ['--help'],
    ['--version'],
    ['git', 'post-merge'],
  ]) {
    it(`schemaver ${args.join(' ')}`, async () => {
      const { fast, oclif } = await both(dirty, args, { NODE_OPTIONS: `--import ${hook}` }, 'binary');
      expect(fast.stderr).toContain('oclif modules: 0\n');
      expect(oclif.stderr).toMatch(/oclif modules: [1-9]/); // the count sees oclif when it loads
      expect(fast.code).toBe(0);
    }, 60_000);
  }
});

describe('a commit its arguments end before any proof starts no verifier', () => {
  const hook = join(scratch, 'workers.mjs');
  beforeAll(() => {
    writeFileSync(
      hook,
      `import dc from 'node:diagnostics_channel';
import { isMainThread } from 'node:worker_threads';
let n = 0;
dc.subscribe('worker_threads', () => n++);
if (isMainThread) process.on('exit', () => process.stderr.write('workers: ' + n + '\\n'));
`,
    );
  });
  const workers = async (args: string[]) => {
    const d = join(scratch, `workers-${n++}`);
    cpSync(dirty, d, { recursive: true });
    const r = await runCli(d, args, { ...ENV, NODE_OPTIONS: `--import ${hook}` });
    return { r, count: Number(/workers: (\d+)\n/.exec(r.stderr)?.[1] ?? NaN) };
  };
  for (const args of [['commit'], ['commit', '-m', '  '], ['commit', '-m'], ['commit', '--bogus', '-m', 'x']]) {
    it(`schemaver ${args.join(' ')}`, async () => {
      const { r, count } = await workers(args);
      expect(r.code).not.toBe(0);
      expect(count, r.stderr).toBe(0);
    }, 60_000);
  }
  it('schemaver commit -m v2 starts its verifier (the count sees it)', async () => {
    const { r, count } = await workers(['commit', '-m', 'v2']);
    expect(r.code, r.stderr).toBe(0);
    expect(count, r.stderr).toBeGreaterThan(0);
  }, 60_000);
});

/**
 * The git hooks (git runs them on its merges and checkouts) on the fast path print and write what oclif's commands
 * do: an app repository whose branches `main` and `c` both committed schema, conflicting; each hook run on two copies
 * of it, and what it left in the files it writes compared too.
 */
describe('git hooks: fast path and oclif print and write the same', () => {
  let app: string;
  let ids: { main: string; c: string };
  const git = (dir: string, ...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  beforeAll(async () => {
    app = join(scratch, 'app');
    mkdirSync(app);
    git(app, 'init', '-q', '-b', 'main');
    git(app, 'config', 'user.name', 'Dev');
    git(app, 'config', 'user.email', 'dev@app.example');
    const sv = async (...args: string[]) => {
      const r = await runInProcess(app, args, ENV);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    };
    await sv('init', '--git');
    // git runs no hook while this sets the repository up: each is run by hand below
    git(app, 'config', 'core.hooksPath', join(scratch, 'no-hooks'));
    const commit = async (text: string, msg: string) => {
      writeFileSync(join(app, 'schema', 'schema.yaml'), text);
      await sv('commit', '-m', msg, '--no-verify');
      git(app, 'add', '-A');
      git(app, 'commit', '-qm', msg);
    };
    await commit(V1, 'v1');
    git(app, 'checkout', '-q', '-b', 'c');
    await commit(V1.replace('body: { type: text }', 'body: { type: text, comment: c }'), 'c');
    git(app, 'checkout', '-q', 'main');
    await commit(V1.replace('body: { type: text }', 'body: { type: text, comment: main }'), 'main');
    ids = { main: git(app, 'rev-parse', 'main'), c: git(app, 'rev-parse', 'c') };
    writeFileSync(join(app, 'base.yaml'), 'a: 1\nb: 2\n');
    writeFileSync(join(app, 'ours.yaml'), 'a: 1\nb: 3\n');
    writeFileSync(join(app, 'theirs.yaml'), 'a: 1\nb: 4\n');
    writeFileSync(join(app, 'clean.yaml'), 'a: 0\nb: 2\n');
  }, 120_000);

  /** files is what a hook may write: the merge driver's `ours` files, the recovered objects, schema/ (git's index too: `staged`). */
  const files = (dir: string, staged = false) => ({
    ours: readFileSync(join(dir, 'ours.yaml'), 'utf8'),
    clean: readFileSync(join(dir, 'clean.yaml'), 'utf8'),
    schema: readFileSync(join(dir, 'schema', 'schema.yaml'), 'utf8'),
    recovered: (() => {
      try {
        return readdirSync(join(dir, '.schemaver', 'cache', 'recovered', 'objects'), { recursive: true }).sort();
      } catch {
        return [];
      }
    })(),
    ...(staged ? { staged: git(dir, 'diff', '--cached', '--name-only') } : {}),
  });

  const hooks = (): string[][] => [
    ['git', 'merge-schema', 'base.yaml', 'ours.yaml', 'theirs.yaml', 'schema/x.yaml'],
    ['git', 'merge-schema', 'base.yaml', 'clean.yaml', 'theirs.yaml', 'schema/x.yaml', '--json'],
    ['git', 'post-checkout', ids.c, ids.main, '1', '--json'],
    ['git', 'post-checkout', ids.c, ids.main, '0'],
    ['git', 'post-merge'],
    ['git', 'pre-merge-commit', '--if-merging', '--json'],
    ['git', 'post-checkout', ids.c, ids.main], // oclif's: it reads the missing argument from stdin
  ];
  it('outside a merge', async () => {
    for (const args of hooks()) {
      const dirs = [join(scratch, `fast-${n}`), join(scratch, `oclif-${n}`)];
      const { fast, oclif } = await both(app, args);
      expect(same(fast), args.join(' ')).toEqual(same(oclif));
      expect(files(dirs[0]!), args.join(' ')).toEqual(files(dirs[1]!));
    }
  }, 120_000);

  it("inside git's merge of a conflicting branch", async () => {
    const merging = join(scratch, 'merging');
    cpSync(app, merging, { recursive: true });
    expect(spawnSync('git', ['merge', '--no-commit', '--no-ff', 'c'], { cwd: merging }).status).toBe(0);
    const dirs = [join(scratch, `fast-${n}`), join(scratch, `oclif-${n}`)];
    const { fast, oclif } = await both(merging, ['git', 'pre-merge-commit', '--if-merging']);
    expect(same(fast)).toEqual(same(oclif));
    expect(files(dirs[0]!, true)).toEqual(files(dirs[1]!, true));
    expect(fast.code).toBe(1);
    expect(fast.stderr).toContain('schemaver merge --continue');
    expect(files(dirs[0]!).schema).toContain('<<<conflict');
  }, 120_000);
});
