/**
 * A killed commit never leaves a broken store: objects are write-once (temp file + rename), the ref moves last
 * by rename, and the lock of a dead process is taken over by the next command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, tempProject, type Project } from '../helpers/cli.js';

let p: Project;
beforeAll(async () => {
  p = tempProject();
  expect((await p.run('init')).code).toBe(0);
});
afterAll(() => p.cleanup());

function bigSchema(n: number, extra: string): string {
  let y = 'tables:\n';
  for (let i = 0; i < n; i++)
    y += `  t${i}:\n    columns:\n      id: { type: bigint, primary_key: true }\n      ${extra}: text\n`;
  return y;
}

describe('killed commits', () => {
  it('leave a store git accepts, HEAD at the old or the new commit, and a lock the next command takes over', async () => {
    for (const [i, delay] of [150, 400, 800].entries()) {
      const before = p.exists('.schemaver/refs/heads/main') ? p.read('.schemaver/refs/heads/main').trim() : undefined;
      p.write('schema/s.yaml', bigSchema(400, `c${i}`));
      const child = spawn(process.execPath, [BIN, 'commit', '-m', `try ${i}`, '--no-verify', '--allow-destructive'], {
        cwd: p.dir,
        stdio: 'ignore',
        env: { ...process.env, NO_COLOR: '1' },
      });
      // listen before waiting: a fast commit may finish before the kill, and its exit must not be missed
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      execFileSync('git', ['--git-dir', join(p.dir, '.schemaver'), 'fsck', '--strict'], { stdio: 'pipe' });
      const after = p.exists('.schemaver/refs/heads/main') ? p.read('.schemaver/refs/heads/main').trim() : undefined;
      if (after !== before) {
        // the commit finished before the kill: it must be complete
        const show = await p.run('show', '--json');
        expect(show.code, show.stderr).toBe(0);
        expect(show.json<any>().message).toBe(`try ${i}`);
      }
      const st = await p.run('status', '--json');
      expect(st.code, st.stderr).toBe(0);
      // whatever the kill left behind (lock, temp files), the next commit goes through
      const r = await p.run('commit', '-m', `after ${i}`, '--no-verify', '--allow-destructive');
      expect([0, 1]).toContain(r.code); // 1 = nothing to commit, when the killed commit had finished
      if (r.code === 1) expect(r.stderr).toContain('nothing-to-commit');
      expect(p.exists('.schemaver/schemaver.lock')).toBe(false);
    }
    execFileSync('git', ['--git-dir', join(p.dir, '.schemaver'), 'fsck', '--strict'], { stdio: 'pipe' });
    const log = await p.run('log', '--oneline');
    expect(log.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(3);
  });
});
