/**
 * The history verbs and CLI habits git users bring, through the real CLI: reset (soft/hard), commit --amend,
 * revert (verified), log --all, status during a conflicted merge, data-only and comment-only commits, checkout
 * carrying comment edits, help, did-you-mean, and the author from git's global configuration.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';

let p: Project;
beforeEach(async () => {
  p = inProcessProject('sv-verbs-');
  expect((await p.run('init')).code).toBe(0);
  p.write('schema/schema.yaml', base);
});
afterEach(() => p.cleanup());

const base =
  '# people\ntables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      email: text\n';

async function ok(...args: string[]): Promise<string> {
  const r = await p.run(...args);
  expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}
async function commit(message: string, ...more: string[]): Promise<string> {
  const r = await p.run('commit', '-m', message, '--no-verify', '--json', ...more);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.json<{ id: string }>().id;
}
const subjects = async (...args: string[]) =>
  (await p.run('log', '--json', ...args)).json<{ commits: { message: string }[] }>().commits.map((c) => c.message);

describe('reset', () => {
  it('--soft (the default) moves the branch and keeps schema/; --hard rewrites it; ORIG_HEAD undoes', async () => {
    const c1 = await commit('users');
    p.write('schema/schema.yaml', base + '      name: text\n');
    const c2 = await commit('name');
    const soft = await p.run('reset', 'HEAD~1', '--json');
    expect(soft.code, soft.stderr).toBe(0);
    expect(soft.json()).toMatchObject({ mode: 'soft', from: c2, to: c1, branch: 'main', files: 0 });
    expect(p.read('schema/schema.yaml')).toContain('name: text');
    const st = (await p.run('status', '--json')).json();
    expect(st.clean).toBe(false);
    expect(await p.run('reset', 'ORIG_HEAD')).toMatchObject({ code: 0 });
    expect((await p.run('status', '--json')).json().head).toBe(c2);
    const hard = await ok('reset', '--hard', c1.slice(0, 7));
    expect(hard).toContain('schema/ rewritten');
    expect(p.read('schema/schema.yaml')).toBe(base);
    expect(await subjects()).toEqual(['users']);
    expect((await p.run('reset', '--soft', '--hard', 'HEAD')).code).toBe(2);
  });
});

describe('commit --amend, comment-only and data-only commits', () => {
  it('amends HEAD with a new schema and keeps its message; a comment-only edit is a commit without migration', async () => {
    await commit('users');
    p.write('schema/schema.yaml', base + '      name: text\n');
    await commit('add name');
    p.write('schema/schema.yaml', base + '      name: varchar(40)\n');
    const r = await p.run('commit', '--amend', '--no-verify', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().message).toBe('add name');
    expect(await subjects()).toEqual(['add name', 'users']);
    const show = await ok('show', 'HEAD');
    expect(show).toContain('ADD COLUMN name character varying(40)');
    // message only
    expect((await p.run('commit', '--amend', '-m', 'name, 40 chars', '--no-verify')).code).toBe(0);
    expect(await subjects()).toEqual(['name, 40 chars', 'users']);
    // comments only: same schema hash, a commit with no steps; then nothing to commit
    p.write('schema/schema.yaml', p.read('schema/schema.yaml').replace('# people', '# people who sign in'));
    const c = await p.run('commit', '-m', 'explain users', '--json');
    expect(c.code, c.stderr).toBe(0);
    expect(c.json().migrations[0].steps).toEqual([]);
    const nothing = await p.run('commit', '-m', 'again');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nothing-to-commit');
    expect((await p.run('commit')).code).toBe(2); // -m is needed without --amend
  });

  it(
    'a data-only commit is proven to keep the schema, stored, and run by upgrade in order',
    { timeout: 120_000 },
    async () => {
      await commit('users');
      p.write(
        'up.sql',
        "INSERT INTO users (id, email) VALUES (1, 'A@EXAMPLE.COM');\nUPDATE users SET email = lower(email);\n",
      );
      p.write('down.sql', 'DELETE FROM users WHERE id = 1;\n');
      const r = await p.run('commit', '-m', 'seed admin', '--up', 'up.sql', '--down', 'down.sql', '--json');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.json().migrations[0]).toMatchObject({ verified: true, handEdited: true, steps: [] });
      // a data script that changes the schema is refused by the proof
      p.write('bad.sql', 'ALTER TABLE users ADD COLUMN x int;\n');
      const bad = await p.run('commit', '-m', 'sneaky', '--up', 'bad.sql');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('verification-failed');
      const up = await p.run('upgrade', '--json');
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.json().edges.map((e: { direction: string }) => e.direction)).toEqual(['up', 'up']);
      const { openPglite } = await import('../../src/pg/pglite.js');
      const db = await openPglite(join(p.dir, '.schemaver', 'local'));
      try {
        const rows = await db.query<{ email: string }>('SELECT email FROM users');
        expect(rows).toEqual([{ email: 'a@example.com' }]);
      } finally {
        await db.close();
      }
    },
  );
});

describe('revert', () => {
  it('commits the reverse migration of HEAD, verified', { timeout: 120_000 }, async () => {
    await commit('users');
    p.write('schema/schema.yaml', base + '      name: text\n');
    await commit('add name');
    const refused = await p.run('revert', 'HEAD');
    expect(refused.code).toBe(1); // dropping the column loses data
    expect(p.read('schema/schema.yaml')).toContain('name: text'); // and schema/ is left as it was
    const r = await p.run('revert', 'HEAD', '--allow-destructive', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ message: expect.stringContaining('Revert "add name"') });
    expect(r.json().migrations[0]).toMatchObject({ verified: true });
    expect(p.read('schema/schema.yaml')).toBe(base);
    expect(await ok('show', 'HEAD')).toContain('DROP COLUMN name');
  });
});

describe('log --all and status during a conflicted merge', () => {
  it('lists every branch; status names each unresolved block with exit 0', async () => {
    await commit('users');
    await ok('checkout', '-b', 'feature');
    p.write('schema/schema.yaml', base.replace('email: text', 'email: { type: text, comment: theirs }'));
    await commit('feature comment');
    await ok('checkout', 'main');
    p.write('schema/schema.yaml', base.replace('email: text', 'email: { type: text, comment: ours }'));
    await commit('main comment');
    expect(await subjects()).toEqual(['main comment', 'users']);
    expect((await subjects('--all')).sort()).toEqual(['feature comment', 'main comment', 'users']);
    expect((await p.run('merge', 'feature', '--no-verify')).code).toBe(1);
    const st = await p.run('status');
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toMatch(/Unresolved conflicts \(1\):\n {2}conflict schema\/schema\.yaml:\d+:\d+/);
    const js = (await p.run('status', '--json')).json();
    expect(js.merge.unresolved).toHaveLength(1);
  });

  it('checkout carries a comment-only edit across a switch', async () => {
    await commit('users');
    await ok('checkout', '-b', 'feature');
    p.write('schema/schema.yaml', base + '      name: text\n');
    await commit('name');
    p.write('schema/schema.yaml', p.read('schema/schema.yaml').replace('# people', '# people, edited'));
    const co = await p.run('checkout', 'main');
    expect(co.code, co.stderr).toBe(0);
    expect(p.read('schema/schema.yaml')).toBe(base.replace('# people', '# people, edited'));
  });
});

describe('help, did-you-mean and the author', () => {
  it('help COMMAND, and suggestions for commands, flags and revisions', async () => {
    const h = await p.run('help', 'init');
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('USAGE');
    expect(h.stdout).toContain('schemaver init');
    expect((await p.run('help')).stdout).toContain('COMMANDS');
    await commit('users');
    const cmd = await p.run('stauts');
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('did you mean `status`?');
    const flag = await p.run('log', '--onelin');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('did you mean `--oneline`?');
    const rev = await p.run('log', 'mian');
    expect(rev.code).toBe(2);
    expect(rev.stderr).toContain('did you mean `main`?');
  });

  it("commits as the user of git's global configuration, outside any git work tree", async () => {
    const home = join(p.dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Grace Global\n\temail = grace@example.com\n');
    const env = {
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      GIT_CONFIG_NOSYSTEM: '1',
      SCHEMAVER_AUTHOR_NAME: '',
      SCHEMAVER_AUTHOR_EMAIL: '',
      GIT_AUTHOR_NAME: '',
      GIT_AUTHOR_EMAIL: '',
    };
    const r = await p.runEnv(env, 'commit', '-m', 'users', '--no-verify');
    expect(r.code, r.stderr).toBe(0);
    expect(await ok('log')).toContain('Author: Grace Global <grace@example.com>');
  });
});
