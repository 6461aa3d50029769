/**
 * A commit killed (SIGKILL, a real process death) before each of its file operations in turn — the fault is
 * deterministic: SCHEMAVER_FAULT_AFTER=N kills the process just before its (N+1)th file operation — never
 * leaves a broken store: `git fsck --strict` is clean, HEAD is the old commit up to the operation that moves the
 * ref and the new one from there on (never anything else), the next command settles the journal and names it,
 * takes over the dead process's lock, and the commit can be made (again) in one command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, tempProject, type Project } from '../helpers/cli.js';
import { runInProcess } from '../helpers/inproc.js';
import { faultCount, setFaultLimit } from '../../src/store/fsops.js';
import { copyProject } from '../helpers/copy.js';

let p: Project;
const dirs: string[] = [];
beforeAll(async () => {
  // one author and time for every run, so the probe and the killed children make the same commit id
  Object.assign(process.env, {
    SCHEMAVER_AUTHOR_NAME: 'Test Author',
    SCHEMAVER_AUTHOR_EMAIL: 'test@example.com',
    SCHEMAVER_AUTHOR_DATE: '1700000000',
  });
  p = tempProject();
  // the fixture is made in this process: what is killed below is the second commit, each in a process of its own
  expect((await runInProcess(p.dir, ['init'])).code).toBe(0);
  p.write('schema/schema.yaml', bigSchema(100, 'c0'));
  expect((await runInProcess(p.dir, ['commit', '-m', 'first', '--no-verify'])).code).toBe(0);
  p.write('schema/schema.yaml', bigSchema(100, 'c1')); // 100 changed tables: written as a pack
});
afterAll(() => {
  p.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function bigSchema(n: number, extra: string): string {
  let y = 'tables:\n';
  for (let i = 0; i < n; i++)
    y += `  t${i}:\n    columns:\n      id: { type: bigint, primary_key: true }\n      ${extra}: text\n`;
  return y;
}

function copy(): string {
  const d = mkdtempSync(join(tmpdir(), 'sv-kill-'));
  copyProject(p.dir, d);
  dirs.push(d);
  return d;
}

const ARGS = ['commit', '-m', 'second', '--no-verify', '--allow-destructive'];

/** killedAt runs the commit in a child process that SIGKILLs itself before its (n+1)th file operation. */
function killedAt(dir: string, n: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...ARGS], {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, NO_COLOR: '1', SCHEMAVER_FAULT_AFTER: String(n), DATABASE_URL: '' },
    });
    child.on('error', rej);
    child.on('exit', (code, signal) => res({ code, signal }));
  });
}

describe('killed commits', () => {
  it('at every file operation: a sound store, HEAD old then new, the next command settles it', async () => {
    const probe = copy();
    setFaultLimit(1e9);
    const ok = await runInProcess(probe, ARGS);
    const total = faultCount();
    setFaultLimit(undefined);
    expect(ok.code, ok.stderr).toBe(0);
    expect(total).toBeGreaterThan(6);
    const before = readFileSync(join(p.dir, '.schemaver', 'refs', 'heads', 'main'), 'utf8').trim();
    const after = readFileSync(join(probe, '.schemaver', 'refs', 'heads', 'main'), 'utf8').trim();
    let moved = false;
    for (let n = 0; n < total; n++) {
      const d = copy();
      const r = await killedAt(d, n);
      expect(r.signal, `at ${n}`).toBe('SIGKILL');
      execFileSync('git', ['--git-dir', join(d, '.schemaver'), 'fsck', '--strict', '--no-dangling'], { stdio: 'pipe' });
      expect(readdirSync(join(d, '.schemaver', 'refs', 'heads')), `at ${n}`).toEqual(['main']);
      const head = readFileSync(join(d, '.schemaver', 'refs', 'heads', 'main'), 'utf8').trim();
      expect([before, after], `at ${n}`).toContain(head);
      if (moved) expect(head, `at ${n}: the ref went back`).toBe(after);
      moved = head === after;
      const journal = existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'));
      const st = await runInProcess(d, ['status', '--json']);
      expect(st.code, `at ${n}: ${st.stderr}`).toBe(0);
      if (journal)
        expect(st.stderr, `at ${n}`).toContain(
          moved ? 'note: an interrupted commit' : 'note: an interrupted commit was rolled back',
        );
      expect(existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'))).toBe(false);
      expect(readdirSync(join(d, '.schemaver', 'tmp'))).toEqual([]);
      // one command completes the work: the commit again (or nothing to do, when it had gone through)
      const again = await runInProcess(d, ARGS);
      expect(again.code, `at ${n}: ${again.stderr}`).toBe(moved ? 1 : 0);
      expect(existsSync(join(d, '.schemaver', 'schemaver.lock')), `at ${n}: the dead lock was taken over`).toBe(false);
      execFileSync('git', ['--git-dir', join(d, '.schemaver'), 'fsck', '--strict', '--no-dangling'], { stdio: 'pipe' });
    }
    expect(moved, 'the last operations come after the ref moved').toBe(true);
  });
});
