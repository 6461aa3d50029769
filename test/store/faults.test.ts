/**
 * Deterministic fault injection at every file operation of `commit` and `checkout` (src/store/fsops.ts counts
 * them; setFaultLimit(N) makes the (N+1)th and every later one fail, as if the process died there). After each:
 * `git fsck --strict` is clean, the next command names the interrupted operation (a checkout is refused until
 * finished or undone; a commit settles itself with a note), and one command recovers with no edit lost.
 * In-process (runInProcess), --no-verify commits: no PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLater } from '../helpers/spawner.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempProject, type Project } from '../helpers/cli.js';
import { runInProcess as run } from '../helpers/inproc.js';
import { faultCount, setFaultLimit } from '../../src/store/fsops.js';
import { copyProject } from '../helpers/copy.js';
import { fsckStore } from '../helpers/fsck.js';

const dirs: string[] = [];
let p: Project;
const A1 = 'tables:\n  a:\n    columns:\n      id: { type: bigint, primary_key: true }\n';
const A2 = A1 + '      note: text\n';
const C1 = 'tables:\n  c:\n    columns:\n      id: bigint\n';
const B2 = 'tables:\n  b:\n    columns:\n      id: bigint\n';

beforeAll(async () => {
  // no fsync (src/store/fsops.ts durable): a fault here stops the process, never the OS, so no fsync changes what
  // the store holds after it; every file operation is still counted and interrupted (fsync is none of them)
  process.env.SCHEMAVER_FSYNC = '0';
  process.env.SCHEMAVER_AUTHOR_NAME = 'Test Author';
  process.env.SCHEMAVER_AUTHOR_EMAIL = 'test@example.com';
  p = tempProject('sv-faults-');
  expect((await run(p.dir, ['init'])).code).toBe(0);
  rmSync(join(p.dir, 'schema'), { recursive: true, force: true });
  p.write('schema/a.yaml', A1);
  p.write('schema/old/c.yaml', C1);
  p.write('schema/README.md', 'notes the user keeps beside the schema\n');
  const c1 = await run(p.dir, ['commit', '-m', 'one', '--no-verify']);
  expect(c1.code, c1.stderr).toBe(0);
  expect((await run(p.dir, ['checkout', '-b', 'feature'])).code).toBe(0);
  p.write('schema/a.yaml', A2);
  rmSync(join(p.dir, 'schema', 'old'), { recursive: true });
  p.write('schema/new/b.yaml', B2);
  const c2 = await run(p.dir, ['commit', '-m', 'two', '--no-verify', '--allow-destructive']);
  expect(c2.code, c2.stderr).toBe(0);
  expect((await run(p.dir, ['checkout', 'main'])).code).toBe(0);
}, 120_000);
afterAll(() => {
  setFaultLimit(undefined);
  p.cleanup();
  for (const d of dirs) removeLater(d);
});

function copy(): string {
  const d = mkdtempSync(join(tmpdir(), 'sv-fault-'));
  copyProject(p.dir, d);
  dirs.push(d);
  return d;
}

function gitFsck(d: string): void {
  fsckStore(d);
}

function ref(d: string, name: string): string | undefined {
  const f = join(d, '.schemaver', 'refs', 'heads', name);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
}

/** schemaFiles reads every file below schema/ (path -> text). */
function schemaFiles(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = readFileSync(join(dir, e.name), 'utf8');
    }
  };
  walk(join(d, 'schema'), '');
  return out;
}

/** opsOf counts the file operations a command does on a fresh copy. */
async function opsOf(args: string[], prepare: (d: string) => void = () => undefined): Promise<number> {
  const d = copy();
  prepare(d);
  setFaultLimit(1e9);
  const r = await run(d, args);
  const n = faultCount();
  setFaultLimit(undefined);
  expect(r.code, r.stderr).toBe(0);
  return n;
}

/** interrupt runs a command that dies before its (n+1)th file operation (one that only a best-effort cache write follows may still exit 0). */
async function interrupt(d: string, args: string[], n: number): Promise<void> {
  setFaultLimit(n);
  const r = await run(d, args);
  setFaultLimit(undefined);
  if (r.code !== 0) expect(r.stderr, `${args.join(' ')} at ${n}`).toContain('fault injected');
}

const MAIN = { 'a.yaml': A1, 'old/c.yaml': C1, 'README.md': 'notes the user keeps beside the schema\n' };
const FEATURE = { 'a.yaml': A2, 'new/b.yaml': B2, 'README.md': 'notes the user keeps beside the schema\n' };

describe('fault injection', () => {
  it('commit: at every file operation the store stays sound and the next command settles the commit', async () => {
    const edit = (d: string) => writeFileSync(join(d, 'schema', 'a.yaml'), A1 + '      extra: text\n');
    const total = await opsOf(['commit', '-m', 'three', '--no-verify'], edit);
    expect(total).toBeGreaterThan(8);
    const before = ref(p.dir, 'main');
    for (let n = 0; n < total; n++) {
      const d = copy();
      edit(d);
      await interrupt(d, ['commit', '-m', 'three', '--no-verify'], n);
      gitFsck(d);
      expect(readdirSync(join(d, '.schemaver', 'refs', 'heads')).sort(), `at ${n}`).toEqual(['feature', 'main']);
      const journal = existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'));
      const st = await run(d, ['status', '--json']);
      expect(st.code, `at ${n}: ${st.stderr}`).toBe(0);
      if (journal) expect(st.stderr, `at ${n}`).toMatch(/note: an interrupted commit/);
      expect(existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS')), `at ${n}`).toBe(false);
      const head = ref(d, 'main');
      if (head === before) {
        // rolled back: the edit is still in schema/, and committing it again works
        const again = await run(d, ['commit', '-m', 'three', '--no-verify']);
        expect(again.code, `at ${n}: ${again.stderr}`).toBe(0);
      } else expect(st.json<any>().clean, `at ${n}`).toBe(true);
      expect(readFileSync(join(d, 'schema', 'a.yaml'), 'utf8')).toBe(A1 + '      extra: text\n');
      expect(readdirSync(join(d, '.schemaver', 'tmp'))).toEqual([]);
      gitFsck(d);
      expect((await run(d, ['fsck'])).code, `at ${n}`).toBe(0);
    }
  }, 300_000);

  for (const how of ['continue', 'abort'] as const) {
    it(`checkout: at every file operation the next command names it and checkout --${how} recovers`, async () => {
      const total = await opsOf(['checkout', 'feature']);
      expect(total).toBeGreaterThan(5);
      for (let n = 0; n < total; n++) {
        const d = copy();
        await interrupt(d, ['checkout', 'feature'], n);
        gitFsck(d);
        const journal = existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'));
        const st = await run(d, ['status']);
        if (journal) {
          expect(st.code, `at ${n}`).toBe(3);
          expect(st.stderr).toContain('error[interrupted-operation]');
          expect(st.stderr).toContain('checkout main -> feature');
          expect(st.stderr).toContain(`schemaver checkout --${how}`);
          const r = await run(d, ['checkout', `--${how}`]);
          expect(r.code, `at ${n}: ${r.stderr}`).toBe(0);
          const want = how === 'continue' ? FEATURE : MAIN;
          expect(schemaFiles(d), `at ${n}`).toEqual(want);
          expect(readFileSync(join(d, '.schemaver', 'HEAD'), 'utf8')).toBe(
            `ref: refs/heads/${how === 'continue' ? 'feature' : 'main'}\n`,
          );
        } else {
          expect(st.code, `at ${n}: ${st.stderr}`).toBe(0);
          const onFeature = readFileSync(join(d, '.schemaver', 'HEAD'), 'utf8').includes('feature');
          expect(schemaFiles(d), `at ${n}`).toEqual(onFeature ? FEATURE : MAIN);
        }
        const clean = await run(d, ['status', '--json']);
        expect(clean.json<any>().clean, `at ${n}`).toBe(true);
        expect(existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'))).toBe(false);
        gitFsck(d);
      }
    }, 300_000);
  }

  it('checkout --force over edits: --abort at any point gives the edits back', async () => {
    const edited = A1 + '      mine: text   # an edit the user has not committed\n';
    const prepare = (d: string) => {
      writeFileSync(join(d, 'schema', 'a.yaml'), edited);
      mkdirSync(join(d, 'schema', 'draft'), { recursive: true });
      writeFileSync(join(d, 'schema', 'draft', 'wip.yaml'), B2.replace('b:', 'wip:'));
    };
    const total = await opsOf(['checkout', '--force', 'feature'], prepare);
    for (let n = 1; n < total; n++) {
      const d = copy();
      prepare(d);
      await interrupt(d, ['checkout', '--force', 'feature'], n);
      if (!existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'))) continue;
      const r = await run(d, ['checkout', '--abort']);
      expect(r.code, `at ${n}: ${r.stderr}`).toBe(0);
      expect(readFileSync(join(d, 'schema', 'a.yaml'), 'utf8'), `at ${n}`).toBe(edited);
      expect(readFileSync(join(d, 'schema', 'draft', 'wip.yaml'), 'utf8'), `at ${n}`).toBe(B2.replace('b:', 'wip:'));
      gitFsck(d);
    }
  }, 300_000);
});
