/**
 * The README recipe for `.schemaver/` committed inside an application's git repository: two app branches that
 * both committed schema on schemaver's `main` conflict ONLY in `.schemaver/refs/heads/main` (objects are
 * write-once files) besides the schema/ text; keeping both ids as two schemaver branches and running
 * `schemaver merge` finishes the job.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Project } from '../helpers/cli.js';
import { project } from './project.js';

const made: Project[] = [];
afterAll(() => made.forEach((p) => p.cleanup()));

describe('.schemaver inside an app git repository', () => {
  it('app-level merge conflicts only in the ref file; schemaver merge resolves it', { timeout: 300_000 }, async () => {
    const p = project('sv-appgit-');
    made.push(p);
    const git = (...args: string[]) => {
      try {
        return execFileSync('git', args, { cwd: p.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? '');
      }
    };
    const ok = async (...args: string[]) => {
      const r = await p.run(...args);
      expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
    };
    git('init', '-q', '-b', 'trunk');
    git('config', 'user.email', 'a@b.c');
    git('config', 'user.name', 'a');
    await ok('init');
    rmSync(join(p.dir, 'schema'), { recursive: true, force: true });
    const users = 'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n';
    p.write('schema/app.yaml', users);
    await ok('commit', '-m', 'base', '--no-verify');
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'feat');
    p.write('schema/app.yaml', users + '      email: text\n');
    await ok('commit', '-m', 'email', '--no-verify');
    git('add', '-A');
    git('commit', '-qm', 'email');
    git('checkout', '-q', 'trunk');
    p.write('schema/app.yaml', users + '  teams:\n    columns:\n      id: bigint\n');
    await ok('commit', '-m', 'teams', '--no-verify');
    git('add', '-A');
    git('commit', '-qm', 'teams');
    git('merge', 'feat');
    const unmerged = git('diff', '--name-only', '--diff-filter=U').trim().split('\n').sort();
    expect(unmerged).toEqual(['.schemaver/refs/heads/main', 'schema/app.yaml']);
    p.write('.schemaver/refs/heads/main-theirs', git('show', ':3:.schemaver/refs/heads/main'));
    git('checkout', '--ours', '.schemaver/refs/heads/main', 'schema/app.yaml');
    git('add', '.schemaver', 'schema');
    git('commit', '-qm', 'app merge');
    await ok('merge', 'main-theirs');
    const r = await p.run('log', '--json');
    const head = r.json().commits[0];
    expect(head.parents).toHaveLength(2);
    expect(p.read('schema/app.yaml')).toMatch(/email: text/);
    expect(p.read('schema/app.yaml')).toMatch(/teams:/);
  });
});
