/**
 * Deterministic fault injection at every file operation of `schemaver merge`: fast-forward, a clean merge commit,
 * writing conflict blocks, `merge --continue` of a resolved merge and `merge --abort` (src/store/fsops.ts counts
 * the operations; setFaultLimit(N) makes the (N+1)th and every later one fail, as if the process died there).
 * After each: `git fsck --strict` is clean; the next command names the interrupted merge (exit 3,
 * interrupted-operation); `merge --continue` reaches exactly what the uninterrupted merge reaches (same commit id,
 * same schema/ bytes, same MERGE_* state) and `merge --abort` exactly what was there before; a schema file the
 * user created meanwhile is kept. In-process, --no-verify, from a warm cache (the merged schema's build is on record),
 * over a history packed as `git gc` leaves it (the merge's own objects are written loose, each new fan-out directory
 * one more interruption point).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLater } from '../helpers/spawner.js';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempProject, type Project } from '../helpers/cli.js';
import { runInProcess as run } from '../helpers/inproc.js';
import { copyProject } from '../helpers/copy.js';
import { fsckStore } from '../helpers/fsck.js';
import { faultCount, setFaultLimit } from '../../src/store/fsops.js';

const dirs: string[] = [];
let p: Project;
const T = (cols: string) => `tables:\n  a:\n    columns:\n      id: { type: bigint, primary_key: true }\n${cols}`;
const BASE = { 'schema/a.yaml': T(''), 'schema/b.yaml': 'tables:\n  b:\n    columns:\n      id: bigint\n' };

beforeAll(async () => {
  // no fsync (src/store/fsops.ts durable): a fault here stops the process, never the OS, so no fsync changes what
  // the store holds after it; every file operation is still counted and interrupted (fsync is none of them)
  Object.assign(process.env, {
    SCHEMAVER_FSYNC: '0',
    SCHEMAVER_AUTHOR_NAME: 'Test Author',
    SCHEMAVER_AUTHOR_EMAIL: 'test@example.com',
    SCHEMAVER_AUTHOR_DATE: '1700000000', // the probe and every interrupted run make the same merge commit
  });
  p = tempProject('sv-mfaults-');
  const ok = async (...args: string[]) => {
    const r = await run(p.dir, args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  };
  await ok('init');
  rmSync(join(p.dir, 'schema'), { recursive: true, force: true });
  for (const [f, t] of Object.entries(BASE)) p.write(f, t);
  await ok('commit', '-m', 'base', '--no-verify');
  await ok('branch', 'behind');
  await ok('checkout', '-b', 'feature');
  p.write('schema/a.yaml', T('      f: text\n'));
  p.write('schema/c/c.yaml', 'tables:\n  c:\n    columns:\n      id: bigint\n');
  await ok('commit', '-m', 'feature', '--no-verify');
  await ok('checkout', '-b', 'clash', 'behind');
  p.write('schema/a.yaml', T('      m: integer\n'));
  await ok('commit', '-m', 'clash', '--no-verify');
  await ok('checkout', 'main');
  p.write('schema/a.yaml', T('      m: text\n'));
  rmSync(join(p.dir, 'schema', 'b.yaml'));
  await ok('commit', '-m', 'main', '--no-verify', '--allow-destructive');
  // the history in one pack (git repack, as `git gc` leaves a store): each copy below hard-links one pack instead of
  // making some sixty object directories and linking an object file into each
  execFileSync('git', ['--git-dir', join(p.dir, '.schemaver'), 'repack', '-a', '-d', '-q'], { stdio: 'pipe' });
}, 180_000);
afterAll(() => {
  setFaultLimit(undefined);
  p?.cleanup();
  for (const d of dirs) removeLater(d);
});

function copy(from = p.dir): string {
  const d = mkdtempSync(join(tmpdir(), 'sv-mfault-'));
  copyProject(from, d);
  dirs.push(d);
  return d;
}

function gitFsck(d: string): void {
  fsckStore(d);
}

/** State is everything a merge may change: schema/ (every file), HEAD, the branch refs and the merge state. */
function state(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = readFileSync(join(dir, e.name), 'utf8');
    }
  };
  walk(join(d, 'schema'), 'schema/');
  walk(join(d, '.schemaver', 'refs', 'heads'), 'refs/');
  for (const f of ['HEAD', 'MERGE_HEAD', 'MERGE_STATE'])
    if (existsSync(join(d, '.schemaver', f))) out[f] = readFileSync(join(d, '.schemaver', f), 'utf8');
  return out;
}

interface Case {
  readonly name: string;
  readonly args: string[];
  /** exit: the uninterrupted command's exit code (1 for a merge that stops on conflicts). */
  readonly exit: number;
  /** prepare: brings a fresh copy to where the command starts (not counted). */
  readonly prepare?: (d: string) => Promise<void>;
}

const inProcess = async (d: string, ...args: string[]) => {
  const r = await run(d, args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
};
const conflicted = async (d: string) => {
  expect((await run(d, ['merge', 'clash', '--no-verify'])).code).toBe(1);
};

const CASES: Case[] = [
  {
    name: 'fast-forward',
    args: ['merge', 'feature', '--no-verify', '--allow-destructive'],
    exit: 0,
    prepare: (d) => inProcess(d, 'checkout', 'behind'),
  },
  { name: 'clean merge commit', args: ['merge', 'feature', '--no-verify', '--allow-destructive'], exit: 0 },
  { name: 'conflict blocks', args: ['merge', 'clash', '--no-verify'], exit: 1 },
  {
    name: 'continue of a resolved merge',
    args: ['merge', '--continue', '--no-verify', '--allow-destructive'],
    exit: 0,
    prepare: async (d) => {
      await conflicted(d);
      writeFileSync(join(d, 'schema', 'a.yaml'), T('      m: bigint\n'));
    },
  },
  { name: 'abort of a conflicted merge', args: ['merge', '--abort'], exit: 0, prepare: conflicted },
];

describe('merge fault injection', () => {
  for (const c of CASES) {
    it(`${c.name}: at every file operation, the next command names it and --continue / --abort recover exactly`, async () => {
      const start = copy();
      await c.prepare?.(start);
      // warm the caches once (normalisation, the merged schema's build), so no run below starts PGlite
      const warm = copy(start);
      expect((await run(warm, c.args)).code).toBe(c.exit);
      cpSync(join(warm, '.schemaver', 'cache'), join(start, '.schemaver', 'cache'), { recursive: true });
      const before = state(start);
      const probe = copy(start);
      setFaultLimit(1e9);
      const r = await run(probe, c.args);
      const total = faultCount();
      setFaultLimit(undefined);
      expect(r.code, r.stderr).toBe(c.exit);
      expect(total).toBeGreaterThan(3);
      const after = state(probe);
      expect(after).not.toEqual(before);
      let journals = 0;
      for (let n = 0; n < total; n++) {
        // every N; recovered by --continue at even N and --abort at odd N (both ways at every N doubles a slow test)
        for (const how of [n % 2 === 0 ? 'continue' : 'abort'] as const) {
          const d = copy(start);
          setFaultLimit(n);
          const k = await run(d, c.args);
          setFaultLimit(undefined);
          if (k.code !== c.exit) expect(k.stderr, `at ${n}`).toContain('fault injected');
          gitFsck(d);
          const journal = existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'));
          if (!journal) {
            // not begun, or complete: never anything in between
            expect([before, after], `at ${n}`).toContainEqual(state(d));
            continue;
          }
          journals++;
          const st = await run(d, ['status']);
          expect(st.code, `at ${n}`).toBe(3);
          expect(st.stderr, `at ${n}`).toContain('error[interrupted-operation]');
          expect(st.stderr, `at ${n}`).toMatch(/an interrupted merge \((fast-forward|commit|conflict|abort)\)/);
          expect(st.stderr, `at ${n}`).toContain(`schemaver merge --abort`);
          // a schema file the user creates meanwhile survives either way
          writeFileSync(join(d, 'schema', 'mine.yaml'), 'tables:\n  mine:\n    columns:\n      id: bigint\n');
          const rec = await run(d, ['merge', `--${how}`]);
          expect(rec.code, `at ${n}: ${rec.stderr}`).toBe(0);
          expect(rec.stdout, `at ${n}`).toMatch(/(Finished|Undid) the interrupted merge/);
          const got = state(d);
          expect(got['schema/mine.yaml'], `at ${n}`).toContain('mine:');
          delete got['schema/mine.yaml'];
          // an interrupted abort is finished either way
          const want = how === 'continue' || c.name.startsWith('abort') ? after : before;
          expect(got, `at ${n} --${how}`).toEqual(want);
          expect(existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'))).toBe(false);
          expect(readdirSync(join(d, '.schemaver', 'tmp')), `at ${n}`).toEqual([]);
          gitFsck(d);
        }
      }
      expect(journals, 'some interruptions leave a journal').toBeGreaterThan(0);
    }, 900_000);
  }
});
