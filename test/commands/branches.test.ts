/**
 * Branches, tags, checkout -b, detached HEAD, the dirty-tree refusal, lock contention, revision errors
 * and log --graph over a merge, through the real CLI.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { hasStackTrace, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';

let p: Project;
beforeEach(async () => {
  p = inProcessProject();
  expect((await p.run('init')).code).toBe(0);
});
afterEach(() => p.cleanup());

const table = (name: string, cols = 'id: bigint') => `tables:\n  ${name}:\n    columns:\n      ${cols}\n`;

async function commit(message: string): Promise<string> {
  const r = await p.run('commit', '-m', message, '--no-verify', '--allow-destructive', '--json');
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.json<{ id: string }>().id;
}

describe('branch and checkout -b', () => {
  it('creates, lists, switches and deletes branches; files follow the branch', async () => {
    p.write('schema/s.yaml', table('users'));
    const c1 = await commit('users');
    const b = await p.run('branch', 'feature');
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain(`Created branch feature at ${c1.slice(0, 7)}`);
    const list = await p.run('branch');
    expect(list.stdout).toBe(`  feature ${c1.slice(0, 7)}\n* main ${c1.slice(0, 7)}\n`);
    const co = await p.run('checkout', '-b', 'topic');
    expect(co.code, co.stderr).toBe(0);
    expect(co.stdout).toContain("Switched to a new branch 'topic'");
    p.write('schema/s.yaml', table('users') + '  teams:\n    columns:\n      id: bigint\n');
    const c2 = await commit('teams on topic');
    const lj = await p.run('branch', '--json');
    expect(lj.json()).toEqual({
      current: 'topic',
      branches: [
        { name: 'feature', id: c1, current: false },
        { name: 'main', id: c1, current: false },
        { name: 'topic', id: c2, current: true },
      ],
    });
    expect((await p.run('checkout', 'main')).code).toBe(0);
    expect(p.read('schema/s.yaml')).toBe(table('users'));
    expect(p.read('.schemaver/HEAD')).toBe('ref: refs/heads/main\n');
    const already = await p.run('checkout', 'main');
    expect(already.stdout).toContain("Already on 'main'");

    const unmerged = await p.run('branch', '-d', 'topic');
    expect(unmerged.code).toBe(1);
    expect(unmerged.stderr).toContain('error[branch-not-merged]');
    expect((await p.run('branch', '-D', 'topic')).code).toBe(0);
    expect((await p.run('branch', '-d', 'feature')).code).toBe(0);
    const current = await p.run('branch', '-d', 'main');
    expect(current.code).toBe(2);
    expect(current.stderr).toContain('error[branch-current]');
    const dup = await p.run('branch', 'main');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('error[branch-exists]');
    const bad = await p.run('branch', 'no..good');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[bad-ref-name]');
    const start = await p.run('checkout', '-b', 'from-old', c1.slice(0, 8));
    expect(start.code, start.stderr).toBe(0);
  });

  it('checkout -b before the first commit names the branch the first commit lands on', async () => {
    const r = await p.run('checkout', '-b', 'trunk');
    expect(r.code, r.stderr).toBe(0);
    p.write('schema/s.yaml', table('users'));
    await commit('first');
    const b = await p.run('branch', '--json');
    expect(b.json<any>().branches.map((x: any) => x.name)).toEqual(['trunk']);
  });

  it('detaches HEAD on a tag or id and can branch from there', async () => {
    p.write('schema/s.yaml', table('a'));
    const c1 = await commit('a');
    p.write('schema/s.yaml', table('b'));
    await commit('b');
    const t = await p.run('tag', 'v1', 'HEAD~1');
    expect(t.code, t.stderr).toBe(0);
    const again = await p.run('tag', 'v1');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('error[tag-exists]');
    const list = await p.run('tag', '--json');
    expect(list.json()).toEqual({ tags: [{ name: 'v1', id: c1 }] });
    const co = await p.run('checkout', 'v1');
    expect(co.code, co.stderr).toBe(0);
    expect(p.read('schema/s.yaml')).toBe(table('a'));
    expect(p.read('.schemaver/HEAD')).toBe(`${c1}\n`);
    const st = await p.run('status', '--json');
    expect(st.json()).toMatchObject({ branch: null, head: c1, clean: true });
    const log = await p.run('log', '--oneline', 'main');
    expect(log.stdout.split('\n')[1]).toBe(`${c1.slice(0, 7)} (HEAD, tag: v1) a`);
    p.write('schema/s.yaml', table('c'));
    const detachedCommit = await commit('c on detached');
    expect(p.read('.schemaver/HEAD')).toBe(`${detachedCommit}\n`);
    expect((await p.run('checkout', '-b', 'saved')).code).toBe(0);
    expect(p.read('.schemaver/refs/heads/saved').trim()).toBe(detachedCommit);
  });

  it('refuses to overwrite uncommitted edits unless --force', async () => {
    p.write('schema/s.yaml', table('a'));
    await commit('a');
    p.write('schema/s.yaml', table('b'));
    await commit('b');
    p.write('schema/s.yaml', table('b', 'id: text') + '# my unsaved comment\n');
    const r = await p.run('checkout', 'HEAD~1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[uncommitted-changes]');
    expect(r.stderr).toContain('schema/s.yaml');
    expect(p.read('schema/s.yaml')).toContain('my unsaved comment');
    p.write('schema/new.yaml', table('x'));
    const j = await p.run('checkout', 'HEAD~1', '--json');
    expect(j.json()).toMatchObject({
      error: { code: 'uncommitted-changes', data: { added: ['schema/new.yaml'], modified: ['schema/s.yaml'] } },
    });
    const f = await p.run('checkout', 'HEAD~1', '--force');
    expect(f.code, f.stderr).toBe(0);
    expect(p.read('schema/s.yaml')).toBe(table('a'));
    expect(p.exists('schema/new.yaml')).toBe(false);
  });
});

describe('merge in progress', () => {
  it('status reports it; commit and checkout refuse until it is finished', async () => {
    p.write('schema/s.yaml', table('a'));
    const c1 = await commit('a');
    p.write('.schemaver/MERGE_HEAD', `${c1}\n`);
    const st = await p.run('status', '--json');
    expect(st.json()).toMatchObject({ merge: { inProgress: true, mergeHead: c1 } });
    expect((await p.run('status')).stdout).toContain('merge --continue');
    p.write('schema/s.yaml', table('b'));
    const cm = await p.run('commit', '-m', 'x', '--no-verify', '--allow-destructive');
    expect(cm.code).toBe(2);
    expect(cm.stderr).toContain('error[merge-in-progress]');
    const co = await p.run('checkout', '-b', 'elsewhere');
    expect(co.code).toBe(2);
    expect(co.stderr).toContain('error[merge-in-progress]');
  });
});

describe('revisions on the command line', () => {
  it('rejects unknown and malformed revisions with exit 2, a hint and no stack trace', async () => {
    p.write('schema/s.yaml', table('a'));
    await commit('a');
    for (const args of [
      ['log', 'nope'],
      ['show', 'HEAD~5'],
      ['diff', 'HEAD^2'],
      ['checkout', 'deadbeef'],
      ['tag', 't', 'zzz'],
      ['erd', '12'],
    ]) {
      const r = await p.run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('error[unknown-revision]');
      expect(r.stderr).toContain('= hint:');
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    const j = await p.run('show', 'nope', '--json');
    expect(j.code).toBe(2);
    expect(j.json()).toMatchObject({ error: { code: 'unknown-revision', message: "unknown revision 'nope'" } });
    const empty = inProcessProject();
    try {
      await empty.run('init');
      const r = await empty.run('show');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no commits yet');
      const log = await empty.run('log', '--json');
      expect(log.code).toBe(0);
      expect(log.json()).toEqual({ commits: [] });
    } finally {
      empty.cleanup();
    }
  });
});

describe('lock', () => {
  let holder: ChildProcess | undefined;
  afterEach(() => {
    holder?.kill();
    holder = undefined;
  });

  it('a second writer gets exit 3 while another process holds the lock; a dead holder is ignored', async () => {
    p.write('schema/s.yaml', table('a'));
    await commit('a');
    p.write('schema/s.yaml', table('b'));
    holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    p.write('.schemaver/schemaver.lock', `${holder.pid}@${hostname()}\n`);
    for (const args of [
      ['commit', '-m', 'b', '--no-verify'],
      ['tag', 'v1'],
      ['branch', 'x'],
      ['checkout', '-b', 'y'],
    ]) {
      const r = await p.run(...args);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toContain('error[store-locked]');
      expect(r.stderr).toContain(String(holder.pid));
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    // readers do not need the lock
    expect((await p.run('status')).code).toBe(0);
    expect((await p.run('log')).code).toBe(0);
    holder.kill();
    await new Promise((r) => holder!.once('exit', r));
    const ok = await p.run('commit', '-m', 'b', '--no-verify', '--allow-destructive');
    expect(ok.code, ok.stderr).toBe(0);
    expect(p.exists('.schemaver/schemaver.lock')).toBe(false);
  });
});

describe('log --graph', () => {
  it('draws a merge like git log --graph', async () => {
    p.write('schema/s.yaml', table('base'));
    const base = await commit('base');
    expect((await p.run('checkout', '-b', 'feature')).code).toBe(0);
    p.write('schema/s.yaml', table('base') + '  f1:\n    columns:\n      id: bigint\n');
    const f1 = await commit('f1');
    p.write(
      'schema/s.yaml',
      table('base') + '  f1:\n    columns:\n      id: bigint\n  f2:\n    columns:\n      id: bigint\n',
    );
    const f2 = await commit('f2');
    expect((await p.run('checkout', 'main')).code).toBe(0);
    p.write('schema/s.yaml', table('base') + '  m1:\n    columns:\n      id: bigint\n');
    const m1 = await commit('m1');
    // a merge commit, written through the store API (merging itself is the merge command's job)
    const { openStore } = await import('../../src/store/index.js');
    const { parseSchemaFiles } = await import('../../src/parse/index.js');
    const store = await openStore(p.dir);
    const files = [
      {
        path: 'schema/s.yaml',
        text:
          table('base') +
          '  f1:\n    columns:\n      id: bigint\n  f2:\n    columns:\n      id: bigint\n  m1:\n    columns:\n      id: bigint\n',
      },
    ];
    const merged = await store.commit({
      message: 'merge feature',
      parents: [m1, f2],
      schema: parseSchemaFiles(files).schema!,
      files,
      migrations: [],
    });
    const g = await p.run('log', '--graph', '--oneline');
    expect(g.code, g.stderr).toBe(0);
    const s = (id: string) => id.slice(0, 7);
    const lines = g.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`* ${s(merged)} (HEAD -> main) merge feature`);
    expect(lines[1]).toBe('|\\');
    expect(lines[lines.length - 1]).toBe(`* ${s(base)} base`);
    expect(lines[lines.length - 2]).toBe('|/');
    const middle = lines.slice(2, -2);
    expect([...middle].sort()).toEqual([`* | ${s(m1)} m1`, `| * ${s(f2)} (feature) f2`, `| * ${s(f1)} f1`].sort());
    expect(middle.indexOf(`| * ${s(f2)} (feature) f2`)).toBeLessThan(middle.indexOf(`| * ${s(f1)} f1`));
    const full = await p.run('log', '--graph');
    expect(full.stdout).toContain(`Merge: ${s(m1)} ${s(f2)}`);
    const j = await p.run('log', '--json', '-n', '2');
    const commits = j.json<any>().commits;
    expect(commits).toHaveLength(2);
    expect(commits[0]).toMatchObject({
      id: merged,
      parents: [m1, f2],
      refs: ['HEAD -> main'],
      schemaHash: expect.stringMatching(/^sv1:/),
    });
    void join;
  });
});
