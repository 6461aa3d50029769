/**
 * Issue 15, item 7: environment failures say what they are (disk full, read-only, permission) with a true hint,
 * never "this is a bug in schemaver"; a reader that closes the pipe early (`schemaver log | head -1`) ends the
 * command quietly with exit 0. Built CLI (`npm run build` first): in this process (helpers/inproc.ts), but for the
 * closed pipe, which is about the process's own stdout (child processes).
 */
import { spawn } from 'node:child_process';
import { existsSync, symlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSchemaverError } from '../../src/cli/base.js';
import { envFromErrno } from '../../src/errors.js';
import { BIN, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';

function errno(code: string, syscall = 'open', path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall}${path ? ` '${path}'` : ''}`), {
    code,
    syscall,
    ...(path ? { path } : {}),
  });
}

describe('envFromErrno', () => {
  const cases: [string, string, RegExp][] = [
    ['ENOSPC', 'disk-full', /free space/],
    ['EDQUOT', 'disk-full', /quota/],
    ['EROFS', 'read-only', /read-only file system/],
    ['EACCES', 'permission-denied', /owner and mode/],
    ['EPERM', 'permission-denied', /owner, mode and attributes/],
    ['EMFILE', 'io-failed', /ulimit -n/],
    ['EIO', 'io-failed', /check the disk/],
  ];
  for (const [code, want, hint] of cases) {
    it(`${code} is ${want}, exit 3, with a true hint (also through toSchemaverError and a cause chain)`, () => {
      for (const err of [
        errno(code, 'open', '/p/.schemaver/x'),
        new Error('wrapped', { cause: errno(code, 'write', '/p/schema/a.yaml') }),
      ]) {
        for (const e of [envFromErrno(err)!, toSchemaverError(err)]) {
          expect(e.code).toBe(want);
          expect(e.exit).toBe(3);
          expect(e.hint).toMatch(hint);
          expect(`${e.message} ${e.hint}`).not.toMatch(/bug in schemaver/);
          expect(e.message).toContain(code);
        }
      }
    });
  }

  it('leaves other errors alone', () => {
    expect(envFromErrno(new Error('x'))).toBeUndefined();
    expect(envFromErrno(errno('ENOENT'))).toBeUndefined();
    expect(toSchemaverError(new Error('x')).code).toBe('internal');
  });
});

let p: Project;

beforeAll(async () => {
  p = inProcessProject('sv-env-');
  expect((await p.run('init')).code).toBe(0);
  p.write('schema/s.yaml', 'tables:\n  t:\n    columns:\n      id: int\n');
  expect((await p.run('commit', '-m', 'one', '--no-verify')).code).toBe(0); // the fixture: its proof is no part of this test
});

afterAll(() => p?.cleanup());

describe('through the CLI', () => {
  it('a full disk (a write into /dev/full) is named as such, and leaves no lock behind', async () => {
    if (!existsSync('/dev/full')) return;
    expect((await p.run('upgrade')).code).toBe(0);
    const gi = join(p.dir, '.schemaver', 'local', '.gitignore');
    rmSync(gi, { force: true });
    symlinkSync('/dev/full', gi);
    for (const json of [false, true]) {
      const r = await p.run('downgrade', 'base', '--allow-destructive', ...(json ? ['--json'] : []));
      expect(r.code, r.stdout + r.stderr).toBe(3);
      const text = r.stdout + r.stderr;
      expect(text).toContain('disk-full');
      expect(text).toMatch(/free space/);
      expect(text).not.toMatch(/bug in schemaver|check the permissions|rolled back/);
    }
    rmSync(gi);
    expect(existsSync(join(p.dir, '.schemaver', 'local.lock'))).toBe(false);
    const again = await p.run('downgrade', 'base', '--allow-destructive');
    expect(again.code, again.stderr).toBe(0);
  });

  it('a closed stdout (`schemaver log | head -1`) ends quietly with exit 0', async () => {
    for (const args of [['log'], ['log', '--json'], ['--help']]) {
      const r = await new Promise<{ code: number | null; stderr: string }>((res) => {
        const c = spawn(process.execPath, [BIN, ...args], { cwd: p.dir, stdio: ['ignore', 'pipe', 'pipe'] });
        c.stdout.destroy(); // the reader is gone before the first write
        let stderr = '';
        c.stderr.on('data', (d) => (stderr += d));
        c.on('close', (code) => res({ code, stderr }));
      });
      expect(r, args.join(' ')).toEqual({ code: 0, stderr: '' });
    }
  });
});
