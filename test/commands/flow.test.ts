/**
 * The everyday path through the real CLI (in this process: oclif's run, as bin/run.js calls it; test/e2e keeps child
 * processes): init, commit, edit, commit, log, checkout, status, diff, show.
 * Verification is not the subject here (--no-verify); see verify.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasStackTrace, type Project } from '../helpers/cli.js';
import { inProcessProject, runInProcess } from '../helpers/inproc.js';

const runIn = (cwd: string, ...args: string[]) => runInProcess(cwd, args);

const V1 = `# yaml-language-server: $schema=../schemaver.schema.json
# users of the app\r
tables:
  users:
    comment: People who can sign in
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, nullable: false }
      nick: text   # short form
`;
const V2 =
  V1.replace(
    '      nick: text   # short form\n',
    '      nickname: { type: text, renamed_from: nick }\n      age: int\n',
  ) +
  `  teams:
    columns:
      id: bigint
`;

let p: Project;
beforeEach(() => {
  p = inProcessProject();
});
afterEach(() => p.cleanup());

async function init(): Promise<void> {
  const r = await p.run('init');
  expect(r.code, r.stderr).toBe(0);
}

async function commit(message: string, ...extra: string[]): Promise<string> {
  const r = await p.run('commit', '-m', message, '--no-verify', '--json', ...extra);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.json<{ id: string }>().id;
}

describe('init', () => {
  it('creates the store and a commented starter file; refuses to run twice', async () => {
    const r = await p.run('init', '--json');
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      branch: 'main',
      created: expect.arrayContaining(['.schemaver/', 'schema/schema.yaml']),
      gitignore: '.schemaver/local/',
    });
    expect(p.read('schema/schema.yaml').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schemaver.schema.json',
    );
    expect(p.read('.schemaver/HEAD')).toBe('ref: refs/heads/main\n');
    expect(p.read('.schemaver/.gitignore')).toContain('local/');
    const st = await p.run('status', '--json');
    expect(st.code).toBe(0);
    expect(st.json()).toMatchObject({ branch: 'main', head: null, clean: true });
    const again = await p.run('init');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('error[store-exists]');
    expect(hasStackTrace(again.stderr)).toBe(false);
  });

  it('keeps existing schema files and honours -C', async () => {
    p.write('app/schema/mine.yaml', V1);
    const r = await p.run('init', '-C', 'app');
    expect(r.code, r.stderr).toBe(0);
    expect(p.exists('app/schema/schema.yaml')).toBe(false);
    expect(p.read('app/schema/mine.yaml')).toBe(V1);
    expect(p.exists('app/.schemaver/HEAD')).toBe(true);
  });

  it('finds the project from a subdirectory', async () => {
    await init();
    p.write('schema/deep/x.yaml', V1);
    const r = await runIn(join(p.dir, 'schema', 'deep'), 'commit', '-m', 'from below', '--no-verify');
    expect(r.code, r.stderr).toBe(0);
    const st = await runIn(join(p.dir, 'schema'), 'status', '--json');
    expect(st.json()).toMatchObject({ clean: true });
  });

  it('tells how to start when there is no store (exit 2)', async () => {
    for (const args of [['status'], ['log'], ['commit', '-m', 'x'], ['diff'], ['branch'], ['checkout', 'main']]) {
      const r = await p.run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('error[no-store]');
      expect(r.stderr).toContain('schemaver init');
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});

describe('commit, log, checkout', () => {
  it('restores the first snapshot byte for byte with checkout HEAD~1, and history reads in git', async () => {
    await init();
    p.write('schema/schema.yaml', V1);
    p.write('schema/more/extra.yml', 'views:\n  active: { query: "SELECT id FROM users" }\n');
    const c1 = await commit('create users');
    p.write('schema/schema.yaml', V2);
    p.write('schema/notes.md', 'not a schema file\n');
    execFileSync('rm', [join(p.dir, 'schema/more/extra.yml')]);
    const c2 = await commit('rename nick, add age and teams');

    const log = await p.run('log', '--oneline');
    expect(log.code).toBe(0);
    const lines = log.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${c2.slice(0, 7)} (HEAD -> main) rename nick, add age and teams`);
    expect(lines[1]).toBe(`${c1.slice(0, 7)} create users`);

    const co = await p.run('checkout', 'HEAD~1');
    expect(co.code, co.stderr).toBe(0);
    expect(co.stdout).toContain(`HEAD is now at ${c1.slice(0, 7)}`);
    expect(readFileSync(join(p.dir, 'schema/schema.yaml'))).toEqual(Buffer.from(V1, 'utf8'));
    expect(p.read('schema/more/extra.yml')).toContain('views:');
    expect(p.read('schema/notes.md')).toBe('not a schema file\n');
    const st = await p.run('status', '--json');
    expect(st.json()).toMatchObject({ branch: null, head: c1, clean: true, changes: [] });

    const back = await p.run('checkout', 'main');
    expect(back.code, back.stderr).toBe(0);
    expect(p.read('schema/schema.yaml')).toBe(V2);
    expect(p.exists('schema/more')).toBe(false);

    execFileSync('git', ['--git-dir', join(p.dir, '.schemaver'), 'fsck', '--strict'], { stdio: 'pipe' });
    const gitLog = execFileSync('git', ['--git-dir', join(p.dir, '.schemaver'), 'log', '--format=%H %s'], {
      encoding: 'utf8',
    });
    expect(gitLog.trim().split('\n')).toEqual([`${c2} rename nick, add age and teams`, `${c1} create users`]);
    const author = execFileSync('git', ['--git-dir', join(p.dir, '.schemaver'), 'log', '-1', '--format=%an <%ae>'], {
      encoding: 'utf8',
    });
    expect(author.trim()).toBe('Test Author <test@example.com>');
  });

  it('prints the commit line and summary, records renames, and refuses nothing to commit (exit 1)', async () => {
    await init();
    p.write('schema/schema.yaml', V1);
    const first = await p.run('commit', '-m', 'create users', '--no-verify');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^\[main \(root-commit\) [0-9a-f]{7}\] create users\n/);
    p.write('schema/schema.yaml', V2);
    const r = await p.run('commit', '-m', 'second', '--no-verify', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<any>();
    expect(j).toMatchObject({
      branch: 'main',
      message: 'second',
      schemaHash: expect.stringMatching(/^sv1:[0-9a-f]{64}$/),
    });
    expect(j.migrations[0].renames).toEqual(['column users.nick -> users.nickname']);
    expect(j.migrations[0].steps.map((s: any) => s.what)).toEqual(
      expect.arrayContaining([expect.stringContaining('rename column')]),
    );
    const none = await p.run('commit', '-m', 'again', '--no-verify');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('error[nothing-to-commit]');
    const noneJson = await p.run('commit', '-m', 'again', '--no-verify', '--json');
    expect(noneJson.json()).toMatchObject({ error: { code: 'nothing-to-commit' } });
    const show = await p.run('show', '--json');
    expect(show.json()).toMatchObject({ renames: ['column users.nick -> users.nickname'], message: 'second' });
  });

  it('refuses an empty first commit and an empty message', async () => {
    await init();
    const r = await p.run('commit', '-m', 'empty', '--no-verify');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing-to-commit');
    p.write('schema/schema.yaml', V1);
    const m = await p.run('commit', '-m', '  ', '--no-verify');
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('error[empty-message]');
    const noM = await p.run('commit', '--no-verify');
    expect(noM.code).toBe(2);
  });

  it('refuses destructive steps without --allow-destructive (exit 1), then commits with it', async () => {
    await init();
    p.write('schema/schema.yaml', V2);
    await commit('v2');
    p.write('schema/schema.yaml', V2.replace('      age: int\n', ''));
    const r = await p.run('commit', '-m', 'drop age', '--no-verify');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[destructive-change]');
    expect(r.stderr).toContain('drop column users.age');
    expect(r.stderr).toContain('--allow-destructive');
    const ok = await p.run('commit', '-m', 'drop age', '--no-verify', '--allow-destructive', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json<any>().migrations[0].steps.some((s: any) => s.destructive)).toBe(true);
  });

  it('stores hand-edited SQL from --up/--down', async () => {
    await init();
    p.write('schema/schema.yaml', V1);
    await commit('v1');
    p.write('schema/schema.yaml', V1.replace('nick: text', 'nick: text\n      age: int'));
    p.write('up.sql', 'ALTER TABLE users ADD COLUMN age integer; -- by hand\n');
    p.write('down.sql', 'ALTER TABLE users DROP COLUMN age;\n');
    const id = await commit('hand', '--up', 'up.sql', '--down', 'down.sql');
    const show = await p.run('show', id, '--down', '--json');
    const m = show.json<any>().migrations[0];
    expect(m).toMatchObject({
      handEdited: true,
      up: 'ALTER TABLE users ADD COLUMN age integer; -- by hand\n',
      down: 'ALTER TABLE users DROP COLUMN age;\n',
    });
    const missing = await p.run('commit', '-m', 'x', '--up', 'nope.sql', '--no-verify');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[unreadable-file]');
  });
});

describe('status and diff', () => {
  it('stays clean after reordering and reformatting, and lists semantic changes after an edit', async () => {
    await init();
    p.write('schema/schema.yaml', V1);
    await commit('v1');
    // same schema: keys reordered, flow -> block style, columns reordered, type spelled differently, split over two files
    p.write(
      'schema/schema.yaml',
      `tables:
  users:
    columns:
      nick:
        type: text
      email: { nullable: false, type: text }
      id: { primary_key: true, identity: always, type: int8 }
`,
    );
    p.write('schema/comments.yaml', '# only a comment\n');
    p.write('schema/z.yaml', 'tables:\n  users2: { columns: { id: bigint } }\n');
    const dirty = await p.run('status', '--json');
    expect(dirty.json<any>().clean).toBe(false);
    p.write('schema/z.yaml', '');
    p.write(
      'schema/schema.yaml',
      p.read('schema/schema.yaml').replace('    columns:', '    comment: People who can sign in\n    columns:'),
    );
    const st = await p.run('status', '--json');
    expect(st.code, st.stdout + st.stderr).toBe(0);
    const j = st.json<any>();
    expect(j).toMatchObject({ clean: true, changes: [], branch: 'main' });
    expect(j.files.modified).toEqual(['schema/schema.yaml']);
    const human = await p.run('status');
    expect(human.stdout, human.stderr).toContain('nothing to commit');

    p.write(
      'schema/schema.yaml',
      V1.replace('email: { type: text, nullable: false }', 'email: { type: varchar(200), nullable: true }'),
    );
    p.write('schema/comments.yaml', '');
    p.write('schema/z.yaml', '');
    const changed = await p.run('status', '--json');
    const cj = changed.json<any>();
    expect(cj.clean).toBe(false);
    expect(cj.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          op: 'change',
          path: ['tables', 'users', 'columns', 'email', 'type'],
          from: 'text',
          to: 'character varying(200)',
        }),
        expect.objectContaining({ op: 'change', path: ['tables', 'users', 'columns', 'email', 'nullable'] }),
      ]),
    );
    const text = await p.run('status');
    expect(text.stdout).toContain('~ column users.email: type text -> character varying(200)');
  });

  it('reports every validation problem with exit 2 and writes nothing', async () => {
    await init();
    p.write('schema/schema.yaml', V1);
    const c1 = await commit('v1');
    p.write('schema/bad.yaml', 'tables:\n  users:\n    columns:\n      id: bigint\n  broken: [1, 2\n');
    const st = await p.run('status');
    expect(st.code).toBe(2);
    expect(st.stderr).toMatch(/error\[[a-z-]+\]/);
    expect(st.stderr).toContain('schema/bad.yaml');
    expect(hasStackTrace(st.stderr)).toBe(false);
    const cm = await p.run('commit', '-m', 'bad', '--no-verify', '--json');
    expect(cm.code).toBe(2);
    expect(cm.json<any>().error.code).toBeDefined();
    expect(p.read('.schemaver/refs/heads/main').trim()).toBe(c1);
  });

  it('diffs any two revisions, with --json, --sql and --exit-code', async () => {
    await init();
    p.write('schema/schema.yaml', V1);
    await commit('v1');
    p.write('schema/schema.yaml', V2);
    await commit('v2');
    const d = await p.run('diff', 'HEAD~1', 'HEAD', '--json');
    expect(d.code, d.stderr).toBe(0);
    const j = d.json<any>();
    expect(j.equal).toBe(false);
    expect(j.from.rev).toBe('HEAD~1');
    expect(j.changes).toEqual(
      expect.arrayContaining([
        {
          op: 'rename',
          path: ['tables', 'users', 'columns', 'nickname'],
          object: 'column users.nick',
          from: 'nick',
          to: 'nickname',
        },
        expect.objectContaining({ op: 'add', path: ['tables', 'users', 'columns', 'age'], object: 'column users.age' }),
        expect.objectContaining({ op: 'add', path: ['tables', 'teams'], object: 'table teams' }),
      ]),
    );
    for (const c of j.changes) expect(['add', 'drop', 'change', 'rename']).toContain(c.op);
    const back = await p.run('diff', 'HEAD', 'HEAD~1');
    expect(back.stdout).toContain('- table teams');
    expect(back.stdout).toContain('- column users.age integer');
    const same = await p.run('diff');
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no difference');
    const range = await p.run('diff', 'HEAD~1..HEAD', '--sql');
    expect(range.stdout).toContain('-- up migration HEAD~1');
    expect(range.stdout).toMatch(/RENAME COLUMN nick TO nickname/);
    const exit = await p.run('diff', 'HEAD~1', '--exit-code');
    expect(exit.code).toBe(1);
    const unknown = await p.run('diff', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error[unknown-revision]: unknown revision 'nope'");
  });
});

describe('show and erd', () => {
  it('shows a commit with its migration, and WORKING', async () => {
    await init();
    p.write('schema/schema.yaml', V1);
    const c1 = await commit('v1');
    const s = await p.run('show', 'HEAD', '--json');
    const j = s.json<any>();
    expect(j).toMatchObject({
      id: c1,
      parents: [],
      message: 'v1',
      files: ['schema/schema.yaml'],
      refs: ['HEAD -> main'],
    });
    expect(j.migrations).toHaveLength(1);
    expect(j.migrations[0]).toMatchObject({ parent: '', toHash: j.schemaHash });
    expect(j.migrations[0].up).toContain('CREATE TABLE');
    expect(j.migrations[0].steps[0]).toMatchObject({ destructive: false, reversible: true });
    const text = await p.run('show');
    expect(text.stdout).toContain(`commit ${c1} (HEAD -> main)`);
    expect(text.stdout).toContain('Migration from nothing (');
    expect(text.stdout).toContain('-- up');
    p.write('schema/schema.yaml', V2);
    const w = await p.run('show', 'WORKING', '--json');
    expect(w.code, w.stderr).toBe(0);
    expect(w.json<any>()).toMatchObject({ id: null, rev: 'WORKING' });
    expect(w.json<any>().migrations[0].parent).toBe(c1);
  });

  it('draws mermaid and dot diagrams with keys and FK edges', async () => {
    await init();
    p.write(
      'schema/schema.yaml',
      `tables:
  teams:
    columns:
      id: { type: bigint, primary_key: true }
  "Odd Name":
    columns:
      id: { type: bigint, primary_key: true }
      team_id: { type: bigint, nullable: false, references: teams.id }
      label: varchar(20)
`,
    );
    await commit('erd');
    const m = await p.run('erd');
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/^erDiagram\n/);
    expect(m.stdout).toContain('Odd_Name["\'Odd Name\'"] {');
    expect(m.stdout).toMatch(/bigint team_id FK/);
    expect(m.stdout).toMatch(/teams \|\|--o\{ Odd_Name : "/);
    const d = await p.run('erd', 'WORKING', '--format', 'dot', '--json');
    const dj = d.json<any>();
    expect(dj.format).toBe('dot');
    expect(dj.diagram).toMatch(/^digraph schema \{/);
    expect(dj.diagram).toContain('"\\"Odd Name\\"" -> "teams"');
    const bad = await p.run('erd', '--format', 'png');
    expect(bad.code).toBe(2);
  });
});
