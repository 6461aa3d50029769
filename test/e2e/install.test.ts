/**
 * The README's install steps on a "fresh machine": this (built) clone installed with `npm install -g .` into an
 * empty global prefix, then `schemaver` run from a directory outside the clone, by its PATH name.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'sv-install-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README install', () => {
  it('npm install -g . puts a working schemaver on PATH', { timeout: 180_000 }, () => {
    const prefix = join(tmp, 'prefix');
    const app = join(tmp, 'app');
    execFileSync(
      'npm',
      ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund', '--offline', '--ignore-scripts'],
      {
        cwd: REPO,
        stdio: 'pipe',
      },
    );
    execFileSync('mkdir', ['-p', app]);
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, NO_COLOR: '1' };
    const run = (...args: string[]) => execFileSync('schemaver', args, { cwd: app, env, encoding: 'utf8' });
    expect(run('--version')).toMatch(/^schemaver\/\d/);
    expect(run('init')).toContain('schema');
    expect(run('help', 'status')).toContain('USAGE');
    expect(run('status')).toContain('On branch main');
  });
});
