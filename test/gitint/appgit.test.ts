/**
 * The bar of the git integration, in a real app git repository with nothing but git's commands and
 * `schemaver commit` after a one-time `schemaver init --git` (a second clone sets itself up on its first command):
 * two branches that both committed schema merge into a verified schemaver merge commit with every comment kept,
 * also through `git pull`; a real conflict stops git's merge with conflict blocks and `schemaver merge --continue`
 * finishes both; the dev database upgraded on a branch follows `git checkout main` with `schemaver upgrade`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeLater } from '../helpers/spawner.js';
import { runInProcess } from '../helpers/inproc.js';

const tmp = mkdtempSync(join(tmpdir(), 'sv-gitflow-'));
afterAll(() => removeLater(tmp));

const ENV = { ...process.env, NO_COLOR: '1', SCHEMAVER_AUTHOR_NAME: 'Dev', SCHEMAVER_AUTHOR_EMAIL: 'dev@app.example' };

/** repo binds git and schemaver to one work tree. */
function repo(dir: string) {
  const g = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, env: ENV, encoding: 'utf8' });
    return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
  };
  const git = (...args: string[]) => {
    const r = g(...args);
    expect(r.code, `git ${args.join(' ')}\n${r.out}`).toBe(0);
    return r.stdout;
  };
  const sv = async (...args: string[]) => {
    const r = await runInProcess(dir, args, {
      SCHEMAVER_AUTHOR_NAME: 'Dev',
      SCHEMAVER_AUTHOR_EMAIL: 'dev@app.example',
    });
    expect(r.code, `schemaver ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
    return r;
  };
  const read = (p: string) => readFileSync(join(dir, p), 'utf8');
  const write = (p: string, t: string) => writeFileSync(join(dir, p), t);
  const commitAll = async (msg: string) => {
    await sv('commit', '-m', msg, '--no-verify');
    git('add', '-A');
    git('commit', '-qm', msg);
  };
  return { dir, g, git, sv, read, write, commitAll };
}

const BASE = `# Users of the app
tables:
  users: # people who sign in
    columns:
      id: { type: bigint, primary_key: true }
      email: text # their login
  # what people buy
  orders:
    columns:
      id: bigint
      total: int # in cents
`;

async function rows(dir: string): Promise<number> {
  const { openPglite } = await import('../../src/pg/pglite.js');
  const db = await openPglite(join(dir, '.schemaver', 'local'));
  try {
    return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM users'))[0]!.n);
  } finally {
    await db.close();
  }
}

describe('schema that travels with the app git branches', () => {
  const app = repo(join(tmp, 'app'));

  it(
    'git merge of two branches that both committed schema ends in a verified schemaver merge commit',
    { timeout: 600_000 },
    async () => {
      execFileSync('mkdir', ['-p', app.dir]);
      app.git('init', '-q', '-b', 'main');
      app.git('config', 'user.name', 'Dev');
      app.git('config', 'user.email', 'dev@app.example');
      expect((await app.sv('init', '--git')).stdout).toContain('git integration installed');
      app.write('schema/schema.yaml', BASE);
      await app.commitAll('base');
      expect(app.git('ls-files', '.schemaver/HEAD').trim()).toBe(''); // never churns on a schemaver branch switch

      // branch a adds a column; the dev database is upgraded there and gets rows
      app.git('checkout', '-q', '-b', 'a');
      app.write(
        'schema/schema.yaml',
        BASE.replace(
          'email: text # their login\n',
          'email: text # their login\n      name: text # shown to others (a)\n',
        ),
      );
      await app.commitAll('a: name');
      await app.sv('upgrade');
      const { openPglite } = await import('../../src/pg/pglite.js');
      const db = await openPglite(join(app.dir, '.schemaver', 'local'));
      await db.exec(
        "INSERT INTO users (id, email, name) VALUES (1, 'ada@example.com', 'Ada'), (2, 'bob@example.com', 'Bob')",
      );
      await db.close();

      // back on main the database records a commit main does not have: upgrade goes down through the common ancestor
      app.git('checkout', '-q', 'main');
      const refused = await runInProcess(app.dir, ['upgrade']);
      expect(refused.code, refused.stdout + refused.stderr).toBe(1); // it would drop a's column: consent first
      expect(refused.stderr).toContain('drop column users.name');
      expect(refused.stderr).not.toContain('unknown-recorded-commit');
      const up = await app.sv('upgrade', '--allow-destructive', '--json');
      expect(up.json().edges.map((e: { direction: string }) => e.direction)).toEqual(['down']);
      expect((await app.sv('current', '--json')).json().commit).toBe(app.read('.schemaver/refs/heads/main').trim());
      expect(await rows(app.dir)).toBe(2);

      // branch b adds a column to another table
      app.git('checkout', '-q', '-b', 'b');
      app.write('schema/schema.yaml', BASE + '      note: text # free text (b)\n');
      await app.commitAll('b: note');

      app.git('checkout', '-q', 'main');
      app.git('merge', '-q', 'a');
      const merged = app.g('merge', '--no-edit', 'b');
      expect(merged.code, merged.out).toBe(0);
      expect(merged.out).toMatch(/merge commit [0-9a-f]{7} \(both edges verified\)/);
      expect(app.git('status', '--porcelain')).toBe('');
      const log = (await app.sv('log', '--json')).json().commits;
      expect(log[0].parents).toHaveLength(2);
      expect(log[0].message).toBe("Merge branch 'b'");
      const yaml = app.read('schema/schema.yaml');
      for (const words of [
        '# Users of the app',
        '# people who sign in',
        '# their login',
        '# shown to others (a)',
        '# what people buy',
        '# in cents',
        '# free text (b)',
      ])
        expect(yaml).toContain(words);
      expect(yaml).toContain('total: int'); // the user's spelling stays
      expect(app.git('log', '-1', '--format=%P').trim().split(' ')).toHaveLength(2);
      // the merge commit's edges were proven; the database follows with one upgrade, rows kept
      await app.sv('verify', 'HEAD');
      await app.sv('upgrade');
      expect(await rows(app.dir)).toBe(2);
    },
  );

  it(
    'a real conflict stops git with conflict blocks; schemaver merge --continue finishes both merges',
    { timeout: 600_000 },
    async () => {
      app.git('checkout', '-q', '-b', 'c');
      app.write(
        'schema/schema.yaml',
        app
          .read('schema/schema.yaml')
          .replace('email: text # their login', "email: { type: text, comment: 'work address' } # their login"),
      );
      await app.commitAll('c: email varchar');
      app.git('checkout', '-q', 'main');
      app.write(
        'schema/schema.yaml',
        app
          .read('schema/schema.yaml')
          .replace('email: text # their login', "email: { type: text, comment: 'any address' } # their login"),
      );
      await app.commitAll('main: email varchar(200)');
      const stopped = app.g('merge', '--no-edit', 'c');
      expect(stopped.code).not.toBe(0);
      expect(stopped.out).toContain('schemaver merge --continue');
      expect(app.read('schema/schema.yaml')).toContain('<<<conflict');
      const st = await app.sv('status');
      expect(st.stdout).toMatch(/conflict schema\/schema\.yaml:\d+:\d+/);
      app.write(
        'schema/schema.yaml',
        app
          .read('schema/schema.yaml')
          .replace(
            /email:\n(?:.*\n)*?(?=      name:)/,
            "email: { type: text, comment: 'any address' } # their login, settled\n",
          ),
      );
      const done = await app.sv('merge', '--continue');
      expect(done.stderr).toContain("git's merge committed");
      expect(app.git('status', '--porcelain')).toBe('');
      expect(app.git('log', '-1', '--format=%P').trim().split(' ')).toHaveLength(2);
      expect((await app.sv('log', '--json')).json().commits[0].parents).toHaveLength(2);
      expect(app.read('schema/schema.yaml')).toContain('# their login, settled');
    },
  );

  it('git pull from a second clone merges schema the same way', { timeout: 600_000 }, async () => {
    const clone = repo(join(tmp, 'clone'));
    execFileSync('git', ['clone', '-q', app.dir, clone.dir], { env: ENV });
    clone.git('config', 'user.name', 'Other');
    clone.git('config', 'user.email', 'other@app.example');
    // git never clones drivers or hooks: the first schemaver command sets them up from the committed .gitattributes
    expect(clone.g('config', '--get', 'merge.schemaver-ref.driver').code).not.toBe(0);
    const first = await clone.sv('status'); // a fresh clone has no .schemaver/HEAD: it is on main
    expect(first.stderr).toContain("set up schemaver's git integration in this clone");
    expect(clone.git('config', '--get', 'merge.schemaver-ref.driver').trim()).toBe('true'); // keeps ours
    expect(clone.git('config', '--get', 'merge.schemaver-schema.driver')).toContain('git merge-schema');
    expect((await clone.sv('status')).stderr).not.toContain('git integration'); // once
    expect((await clone.sv('git', 'install', '--json')).json().changed).toBe(false);
    clone.write(
      'schema/schema.yaml',
      clone.read('schema/schema.yaml') + '  # audit trail (clone)\n  audit:\n    columns:\n      id: bigint\n',
    );
    await clone.commitAll('clone: audit');
    app.write(
      'schema/schema.yaml',
      app
        .read('schema/schema.yaml')
        .replace('# Users of the app\n', '# Users of the app\nenums:\n  mood: [happy, sad] # (app)\n'),
    );
    await app.commitAll('app: mood');
    const pulled = clone.g('pull', '--no-rebase', '--no-edit', 'origin', 'main');
    expect(pulled.code, pulled.out).toBe(0);
    expect(clone.git('status', '--porcelain')).toBe('');
    const head = (await clone.sv('log', '--json')).json().commits[0];
    expect(head.parents).toHaveLength(2);
    const yaml = clone.read('schema/schema.yaml');
    expect(yaml).toContain('# audit trail (clone)');
    expect(yaml).toContain('mood: [happy, sad] # (app)');
    expect(yaml).toContain('# their login, settled');
  });

  it(
    'git rebase keeps the line it replays onto; the replayed schema edit is committed on the new base',
    { timeout: 600_000 },
    async () => {
      app.git('checkout', '-q', '-b', 'r');
      app.write(
        'schema/schema.yaml',
        app.read('schema/schema.yaml') + '  # replayed (r)\n  tags:\n    columns:\n      id: bigint\n',
      );
      await app.commitAll('r: tags');
      app.git('checkout', '-q', 'main');
      app.write(
        'schema/schema.yaml',
        app.read('schema/schema.yaml').replace('# Users of the app\n', '# Users of the app (main moved)\n'),
      );
      await app.commitAll('main: comment');
      const mainTip = app.read('.schemaver/refs/heads/main').trim();
      app.git('checkout', '-q', 'r');
      const rebased = app.g('rebase', 'main');
      expect(rebased.code, rebased.out).toBe(0);
      expect(app.read('.schemaver/refs/heads/main').trim()).toBe(mainTip); // the ref driver kept the new base
      const yaml = app.read('schema/schema.yaml');
      expect(yaml).toContain('# Users of the app (main moved)');
      expect(yaml).toContain('# replayed (r)');
      const st = (await app.sv('status', '--json')).json();
      expect(st.changes.map((c: { object: string }) => c.object)).toContain('table tags');
      const c = await app.sv('commit', '-m', 'r: tags, on the new base', '--no-verify', '--json');
      expect(c.json().parents).toEqual([mainTip]);
      app.git('add', '-A');
      app.git('commit', '-qm', 'r: schemaver commit on the new base');
      app.git('checkout', '-q', 'main');
    },
  );

  it(
    'git merge --abort of a schema conflict ends the schemaver merge it started; nothing is stranded',
    { timeout: 600_000 },
    async () => {
      const total = (t: string) =>
        app.read('schema/schema.yaml').replace('total: int # in cents', `total: ${t} # in cents`);
      app.git('checkout', '-q', '-b', 'd');
      app.write('schema/schema.yaml', total('bigint'));
      await app.commitAll('d: total bigint');
      app.git('checkout', '-q', 'main');
      const before = total('numeric');
      app.write('schema/schema.yaml', before);
      await app.commitAll('main: total numeric');
      const stopped = app.g('merge', '--no-edit', 'd');
      expect(stopped.code).not.toBe(0);
      expect(app.read('schema/schema.yaml')).toContain('<<<conflict');
      expect((await app.sv('status')).stdout).toContain('Merging');
      app.git('merge', '--abort');
      const st = await runInProcess(app.dir, ['status']);
      expect(st.code, st.stdout + st.stderr).toBe(0);
      expect(st.stdout).not.toContain('Merging');
      expect(st.stderr).toContain("git's merge was aborted");
      expect(app.read('schema/schema.yaml')).toBe(before);
      expect(app.git('status', '--porcelain')).toBe('');
      // nothing stranded: the next schema change commits on main as usual
      app.write('schema/schema.yaml', before + '      paid: boolean\n');
      await app.commitAll('main: paid');
    },
  );

  it('git install is idempotent and uninstall removes it', async () => {
    expect((await app.sv('git', 'install', '--json')).json().changed).toBe(false);
    expect((await app.sv('git', 'uninstall', '--json')).json().changed).toBe(true);
    expect(app.g('config', '--local', '--get-regexp', '^merge\\.').out.trim()).toBe('');
    expect(existsSync(join(app.dir, '.gitattributes'))).toBe(false); // it held only schemaver's block
  });
});
