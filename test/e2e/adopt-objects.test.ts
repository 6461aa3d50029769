/**
 * Adoption of a production-like database through the CLI, on the PostgreSQL server: a schema with a grant, an
 * aggregate, a publication, a foreign table behind a server and a user mapping with a password, an
 * event trigger, a rule, a range type, statistics and a BEGIN ATOMIC function imports (--url and pg_dump -s),
 * commits (proven in PGlite), stamps and checks clean; a later column change upgrades the server with the
 * unchanged objects untouched; an unmanaged object (an operator class) made later is drift that names it, unless
 * excluded.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { hasStackTrace, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { createDatabase, queryServer, serverAvailable } from '../helpers/server.js';

const ROLE = `sv_adopt_reader_${process.pid}`;
const SECRET = 'hunter2-never-printed';
const DDL = `
create table orders (id bigint primary key, amount int not null, note text);
create role ${ROLE};
grant select on orders to ${ROLE};
create aggregate total(int) (sfunc = int4pl, stype = int, initcond = '0');
create publication orders_pub for table orders (id, amount) where (amount > 0) with (publish = 'insert, update');
create foreign data wrapper dummy_fdw;
create server remote foreign data wrapper dummy_fdw options (host 'db.example');
create user mapping for public server remote options (user 'app', password '${SECRET}');
create foreign table remote_orders (id bigint not null, amount int) server remote options (table_name 'orders');
create function no_ddl() returns event_trigger language plpgsql as $$ begin end $$;
create event trigger adopt_guard on ddl_command_start when tag in ('DROP TABLE') execute function no_ddl();
alter event trigger adopt_guard disable;
create rule orders_no_delete as on delete to orders do instead nothing;
create type amount_range as range (subtype = int4);
create statistics orders_stats (dependencies) on amount, note from orders;
create function order_count() returns bigint language sql stable begin atomic select count(*) from orders; end;
`;

const has = await serverAvailable();

describe.skipIf(!has)('adopting a database with objects beyond tables (server)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let p: Project;
  const sql = (text: string) => queryServer(db.url, text);

  beforeAll(async () => {
    db = await createDatabase('sv_adopt');
    await sql(DDL);
    p = inProcessProject('sv-adopt-');
    expect((await p.run('init')).code).toBe(0);
  });
  afterAll(async () => {
    p?.cleanup();
    await sql('drop event trigger if exists adopt_guard').catch(() => {});
    await db?.drop();
    const c = new pg.Client({ connectionString: db.url.replace(/\/[^/]*$/, '/postgres') });
    await c.connect();
    await c.query(`drop role if exists ${ROLE}`).catch(() => {});
    await c.end();
  });

  it('imports, commits, stamps and checks clean; never stores the password', async () => {
    const imp = await p.run('import', '--url', db.url, '--json');
    expect(imp.code, imp.stdout + imp.stderr).toBe(0);
    const yaml = p.read('schema/public.yaml');
    for (const key of [
      'aggregate total(integer): ',
      'publication orders_pub: ',
      'server remote: ',
      'user mapping FOR PUBLIC SERVER remote: ',
      'foreign table remote_orders: ',
      'event trigger adopt_guard: ',
      'rule orders_no_delete ON orders: ',
      'range type amount_range: ',
      'statistics orders_stats: ',
    ])
      expect(yaml).toContain(key);
    expect(yaml).toContain('BEGIN ATOMIC');
    expect(imp.stdout + imp.stderr + yaml).not.toContain(SECRET);
    const commit = await p.run('commit', '-m', 'baseline');
    expect(commit.code, commit.stdout + commit.stderr).toBe(0);
    expect((await p.run('stamp', 'HEAD', '--url', db.url)).code).toBe(0);
    const check = await p.run('check', '--url', db.url);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('upgrades a column change with every unchanged object left as it was', async () => {
    p.write('schema/public.yaml', p.read('schema/public.yaml').replace(/(\n\s+note: text)/, '$1\n      shipped: date'));
    const commit = await p.run('commit', '-m', 'shipped date');
    expect(commit.code, commit.stdout + commit.stderr).toBe(0);
    const up = await p.run('upgrade', '--url', db.url);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const [row] = await sql(
      `select has_table_privilege('${ROLE}', 'orders', 'select') as can, (select count(*)::int from pg_rewrite where rulename = 'orders_no_delete') as rules`,
    );
    expect(row).toEqual({ can: true, rules: 1 });
    const check = await p.run('check', '--url', db.url);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('names a changed unmanaged object as drift, and leaves it alone when excluded', async () => {
    // an owner that took away some of its own privileges is not modelled: done on the server, it is unmanaged drift
    await sql('revoke truncate on orders from current_user');
    const check = await p.run('check', '--url', db.url);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/unmanaged privileges of the owner \S+ on orders/);
    expect(hasStackTrace(check.stderr)).toBe(false);
    const excluded = await p.run('check', '--url', db.url, '--exclude', 'unmanaged:privileges of the owner*');
    expect(excluded.code, excluded.stdout + excluded.stderr).toBe(0);
    p.write('schemaver.yaml', 'exclude:\n  - unmanaged:privileges of the owner*\n');
    expect((await p.run('check', '--url', db.url)).code).toBe(0);
  });

  it('names a definition object made on the server as drift, and leaves it alone when excluded', async () => {
    // operator classes are definition objects (issue #10): one made on the server is drift, named by its kind
    await sql(
      'create operator class int4_rev for type int4 using btree as operator 1 >, operator 3 =, operator 5 <, function 1 btint4cmp(int4, int4)',
    );
    const check = await p.run('check', '--url', db.url);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('int4_rev USING btree');
    expect(hasStackTrace(check.stderr)).toBe(false);
    const excluded = await p.run('check', '--url', db.url, '--exclude', '*:int4_rev');
    expect(excluded.code, excluded.stdout + excluded.stderr).toBe(0);
  });

  it('imports pg_dump -s output into the same objects', async () => {
    let dump: string;
    try {
      dump = execFileSync('pg_dump', ['--schema-only', '--no-owner', db.url], { encoding: 'utf8' });
    } catch {
      return; // no pg_dump on this machine
    }
    const q = inProcessProject('sv-adopt-dump-');
    try {
      expect((await q.run('init')).code).toBe(0);
      q.write('dump.sql', `create role ${ROLE};\n` + dump);
      const imp = await q.run('import', '--sql', 'dump.sql');
      expect(imp.code, imp.stdout + imp.stderr).toBe(0);
      const objectKeys = (text: string) =>
        text
          .split('\n')
          .filter((l) =>
            /^ {2}(aggregate|publication|server|user mapping|foreign table|event trigger|rule|range type|statistics) /.test(
              l,
            ),
          )
          .map((l) => l.slice(0, l.indexOf(': ')))
          .sort();
      const fromUrl = objectKeys(p.read('schema/public.yaml'));
      expect(fromUrl.length).toBeGreaterThan(8);
      expect(objectKeys(q.read('schema/public.yaml'))).toEqual(fromUrl);
      expect(q.read('schema/public.yaml')).not.toContain(SECRET);
    } finally {
      q.cleanup();
    }
  });
});
