/**
 * Read-only and permission failures for real (test/cli/env.test.ts covers them synthetically): the store is
 * mounted read-only (a read-only bind mount in a private mount namespace, `unshare -m`: the host's mounts are not
 * touched), and the project is used by a user who may read but not write it (`setpriv` to nobody). Reads work;
 * a commit fails with `read-only` / `permission-denied` (exit 3, a true hint, no stack), and the store is left
 * exactly as it was: same ref, no lock, `git fsck --strict` clean. Needs root with unshare and setpriv (the
 * container this suite runs in); skipped elsewhere, as root can write through any file mode.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, hasStackTrace, tempProject, type Project } from '../helpers/cli.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const root = process.getuid?.() === 0;
const canUnshare = root && has('unshare') && spawnSync('unshare', ['-m', 'mount', '--make-rprivate', '/']).status === 0;
const canSetpriv = root && has('setpriv');

let p: Project;
let ref: string;
beforeAll(async () => {
  p = tempProject('sv-ro-');
  expect((await p.run('init')).code).toBe(0);
  p.write('schema/schema.yaml', 'tables:\n  t:\n    columns:\n      id: bigint\n');
  const c = await p.run('commit', '-m', 'one', '--no-verify');
  expect(c.code, c.stderr).toBe(0);
  ref = readFileSync(join(p.dir, '.schemaver', 'refs', 'heads', 'main'), 'utf8');
  p.write('schema/schema.yaml', 'tables:\n  t:\n    columns:\n      id: bigint\n      note: text\n');
}, 120_000);
afterAll(() => {
  if (p) spawnSync('chmod', ['-R', 'u+rwX', p.dir]);
  p?.cleanup();
});

const ENV = { ...process.env, NO_COLOR: '1', DATABASE_URL: '', HOME: '/tmp', XDG_DATA_HOME: '/tmp' };

/** inReadOnlyStore runs `schemaver args` with .schemaver mounted read-only (private mount namespace). */
function inReadOnlyStore(args: string[]) {
  const store = join(p.dir, '.schemaver');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = `mount --make-rprivate / && mount --bind ${q(store)} ${q(store)} && mount -o remount,bind,ro ${q(store)} && exec ${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}`;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { cwd: p.dir, env: ENV, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** asNobody runs `schemaver args` as uid/gid 65534. */
function asNobody(args: string[]) {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], {
    cwd: p.dir,
    env: ENV,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** unchanged: the store is exactly as before the failed write. */
function unchanged(): void {
  expect(readFileSync(join(p.dir, '.schemaver', 'refs', 'heads', 'main'), 'utf8')).toBe(ref);
  expect(existsSync(join(p.dir, '.schemaver', 'schemaver.lock'))).toBe(false);
  expect(existsSync(join(p.dir, '.schemaver', 'OPERATION_IN_PROGRESS'))).toBe(false);
  const tmp = join(p.dir, '.schemaver', 'tmp');
  if (existsSync(tmp)) expect(readdirSync(tmp)).toEqual([]);
  const f = spawnSync('git', ['--git-dir', join(p.dir, '.schemaver'), 'fsck', '--strict', '--no-dangling'], {
    encoding: 'utf8',
  });
  expect(f.status, f.stderr).toBe(0);
}

describe('a read-only store, for real', () => {
  it.skipIf(!canUnshare)('reads work; a commit is refused as read-only and writes nothing', () => {
    const st = inReadOnlyStore(['status', '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout).clean).toBe(false);
    expect(inReadOnlyStore(['log', '--oneline']).code).toBe(0);
    const c = inReadOnlyStore(['commit', '-m', 'two', '--no-verify']);
    expect(c.code, c.stderr).toBe(3);
    expect(c.stderr).toContain('error[read-only]');
    expect(c.stderr).toMatch(/read-only file system/);
    expect(c.stderr).not.toMatch(/bug in schemaver/);
    expect(hasStackTrace(c.stderr)).toBe(false);
    unchanged();
  });
});

describe('a store the user may not write, for real', () => {
  it.skipIf(!canSetpriv)('reads work; a commit is refused as permission denied and writes nothing', () => {
    spawnSync('chmod', ['-R', 'a+rX,go-w', p.dir]);
    chmodSync(p.dir, 0o755);
    expect(statSync(join(p.dir, '.schemaver')).mode & 0o002).toBe(0);
    const st = asNobody(['status', '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout).clean).toBe(false);
    const c = asNobody(['commit', '-m', 'two', '--no-verify']);
    expect(c.code, c.stderr).toBe(3);
    expect(c.stderr).toContain('error[permission-denied]');
    expect(c.stderr).toMatch(/owner and mode/);
    expect(hasStackTrace(c.stderr)).toBe(false);
    unchanged();
  });
});
