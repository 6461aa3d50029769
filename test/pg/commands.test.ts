/**
 * `schemaver import` and `schemaver verify` through the built CLI: import writes schema/ YAML that commits and
 * verifies, keeps rules and unmanaged objects and a non-empty schema/ (exit 2); verify re-proves stored edges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hasStackTrace, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';
import pg from 'pg';

const RICH = readFileSync(path.join(import.meta.dirname, 'fixtures/rich.sql'), 'utf8');
const PLAIN = `
create type mood as enum ('sad', 'ok', 'happy');
create table "user accounts" (
  id bigint generated always as identity primary key,
  "e-mail; drop" text not null unique,
  mood mood not null default 'ok',
  created_at timestamptz not null default now()
);
create index accounts_created on "user accounts" (created_at desc);
create table posts (id serial primary key, author bigint references "user accounts"(id) on delete cascade, body text check (body <> ''));
create view recent as select id, created_at from "user accounts" where created_at > '2020-01-01';
`;

let p: Project;
beforeAll(async () => {
  p = inProcessProject('sv-h3-');
  expect((await p.run('init')).code).toBe(0);
});
afterAll(() => p.cleanup());

describe('schemaver import', () => {
  it('keeps rules as definition objects and what it does not model under unmanaged, then commits and checks', async () => {
    const q = inProcessProject('sv-h3u-');
    try {
      expect((await q.run('init')).code).toBe(0);
      q.write(
        'rich.sql',
        RICH +
          '\ncreate role sv_h3_reader;\ngrant select on base to sv_h3_reader;\nrevoke truncate on base from current_user;\n',
      );
      const r = await q.run('import', '--sql', 'rich.sql', '--json');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(hasStackTrace(r.stderr)).toBe(false);
      const yaml = q.read('schema/public.yaml');
      expect(yaml).toContain('rule r1 ON base: ');
      expect(yaml).toContain('sv_h3_reader: [ select ]');
      expect(yaml).toMatch(/unmanaged:\n\s+privileges of the owner \S+ on base/);
      expect(r.json<any>().unsupported).toEqual([expect.stringMatching(/^privileges of the owner \S+ on base/)]);
      const c = await q.run('commit', '-m', 'baseline');
      expect(c.code, c.stdout + c.stderr).toBe(0);
      // an excluded object is left out of the import altogether
      const x = await q.run(
        'import',
        '--sql',
        'rich.sql',
        '--force',
        '--exclude',
        'unmanaged:privileges*',
        '--exclude',
        'rule:*',
      );
      expect(x.code, x.stdout + x.stderr).toBe(0);
      expect(q.read('schema/public.yaml')).not.toContain('rule r1');
      expect(q.read('schema/public.yaml')).not.toContain('unmanaged:');
      const bad = await q.run('import', '--sql', 'rich.sql', '--force', '--exclude', 'nonsense');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('KIND:PATTERN');
    } finally {
      q.cleanup();
    }
  });

  it('imports a DDL file into schema/ YAML that parses, commits and verifies', async () => {
    p.write('plain.sql', PLAIN);
    const r = await p.run('import', '--sql', 'plain.sql', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = r.json<any>();
    expect(j.objects).toMatchObject({ tables: 2, views: 1, enums: 1 });
    expect(j.unsupported).toEqual([]);
    for (const f of j.files) expect(p.read(f).split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=/);
    const text = j.files.map((f: string) => p.read(f)).join('\n');
    expect(text).toContain('e-mail; drop');
    const c = await p.run('commit', '-m', 'baseline', '--json');
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.json<any>().migrations[0].verified).toBe(true);
  });

  it('refuses to overwrite a non-empty schema/ without --force (exit 2), replaces it with --force', async () => {
    const r = await p.run('import', '--sql', 'plain.sql');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[schema-not-empty]');
    const q = inProcessProject('sv-h3-force-');
    try {
      expect((await q.run('init')).code).toBe(0);
      q.write('schema/old.yaml', 'tables:\n  old: { columns: { a: int } }\n');
      q.write('rich.sql', RICH);
      const f = await q.run('import', '--sql', 'rich.sql', '--force', '--allow-unsupported', '--layout', 'per-table');
      expect(f.code, f.stdout + f.stderr).toBe(0);
      expect(f.stderr).not.toContain('not supported'); // the rule is a definition object now
      expect(q.exists('schema/public/users.yaml')).toBe(true);
      expect(q.exists('schema/billing/inv.yaml')).toBe(true);
      expect(q.exists('schema/old.yaml')).toBe(false);
      // a store without commits: the import is the baseline; once committed, another import is a change to look at
      expect(f.stdout).toContain('next: schemaver commit -m "baseline"');
      const c = await q.run('commit', '-m', 'baseline', '--no-verify');
      expect(c.code, c.stdout + c.stderr).toBe(0);
      const again = await q.run('import', '--sql', 'rich.sql', '--force', '--allow-unsupported');
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('next: schemaver status (what the import changed against HEAD)');
      expect(again.stdout).not.toContain('"baseline"');
      const j = await q.run('import', '--sql', 'rich.sql', '--force', '--allow-unsupported', '--json');
      expect(j.json<{ head?: string }>().head).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      q.cleanup();
    }
  });

  it('reports a DDL file PostgreSQL rejects as bad input with its location (exit 2)', async () => {
    p.write('bad.sql', 'create table ok (a int);\ncreate table broken (a nosuchtype);\n');
    const r = await p.run('import', '--sql', 'bad.sql', '--force', '-C', '.');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[sql-failed]');
    expect(r.stderr).toContain('type "nosuchtype" does not exist');
    expect(r.stderr).toContain('--> bad.sql:2:');
  });

  it('needs a source', async () => {
    const r = await p.run('import');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[no-source]');
  });
});

describe('schemaver verify', () => {
  it('re-proves stored edges, remembers them, and fails (exit 1) on a broken stored migration', async () => {
    const v = await p.run('verify', '--json');
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const j = v.json<any>();
    expect(j.ok).toBe(true);
    expect(j.edges).toHaveLength(1);
    expect(j.edges[0].parent).toBe('');
    const again = await p.run('verify', '--all');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('verified before');
    const forced = await p.run('verify', 'HEAD', '--force', '--json');
    expect(forced.json<any>().edges[0].cached).toBe(false);

    // a hand-edited migration stored without verification that forgets a column
    const yaml = p.read('schema/public.yaml');
    p.write('schema/public.yaml', yaml.replace(/(\n {6}created_at:[^\n]*)/, '$1\n      note: text'));
    p.write('forgot.sql', 'SELECT 1;\n');
    const c = await p.run('commit', '-m', 'note', '--no-verify', '--up', 'forgot.sql');
    expect(c.code, c.stdout + c.stderr).toBe(0);
    const bad = await p.run('verify', 'HEAD~1..HEAD', '--json');
    expect(bad.code).toBe(1);
    const err = bad.json<any>().error;
    expect(err.code).toBe('verification-failed');
    expect(err.data.edges[0].problems).toContain('up: column "user accounts".note missing');
    const human = await p.run('verify');
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('FAIL');
    expect(human.stderr).toContain('error[verification-failed]');
  });

  it('rejects an unknown revision (exit 2)', async () => {
    const r = await p.run('verify', 'nope123');
    expect(r.code).toBe(2);
  });
});

describe('schemaver import --url', async () => {
  const up = await serverAvailable();
  it.skipIf(!up)('reads a PostgreSQL server into the same YAML as the DDL file', async () => {
    const db = await createDatabase('sv_h3_import');
    const q = inProcessProject('sv-h3-url-');
    try {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query(
        PLAIN.replace(
          'create view recent as select id, created_at from "user accounts" where created_at > \'2020-01-01\';',
          '',
        ),
      );
      await c.end();
      const r = await q.run('import', '--url', db.url, '--json');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.json<any>().objects).toMatchObject({ tables: 2, enums: 1 });
      expect(r.json<any>().source).not.toContain('@127.0.0.1:5432/postgres');
    } finally {
      q.cleanup();
      await db.drop();
    }
  });
});
