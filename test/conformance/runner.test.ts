/** The conformance runner's own rules: roles do not leak between cases; down is proven on B built from nothing too. */
import { afterAll, describe, expect, it } from 'vitest';
import { resettableDb } from '../../src/conformance/pool.js';
import { defaultCompare, runCase, type Case, type CaseDb } from '../../src/conformance/run.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import type { Schema } from '../../src/model/types.js';

const dbs = resettableDb(() => freshPglite());
afterAll(() => dbs.close());

const roles = async () =>
  (await (await dbs.clean()).query<{ r: string }>(`SELECT rolname AS r FROM pg_roles WHERE rolname LIKE 'case_%'`)).map(
    (x) => x.r,
  );

describe('conformance runner', () => {
  it('drops the roles a case made (pre, a or b) before the next case', async () => {
    const c: Case = {
      id: 'roles',
      pre: 'CREATE ROLE case_pre;',
      a: 'CREATE ROLE case_a; CREATE TABLE t (id int); ALTER TABLE t OWNER TO case_a;',
      b: 'CREATE ROLE "case_B x"; CREATE TABLE t (id int, n int);',
    };
    const r = await runCase(dbs, c, introspect);
    expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
    const next: Case = { id: 'next', a: '', b: 'CREATE TABLE u (id int);' };
    expect((await runCase(dbs, next, introspect)).up).toBe('pass');
    expect(await roles()).toEqual([]);
  });

  it('loads a side pg_dump printed: psql meta-commands and its session settings do not stop the case', async () => {
    // pg_dump 15.14+ brackets its output in \restrict / \unrestrict, which is psql's, not SQL; c4's miniflux history
    const dump = (cols: string) =>
      `\\restrict k3y\nSET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n` +
      `CREATE TABLE public.t (${cols});\n\\unrestrict k3y\n`;
    const c: Case = { id: 'dump', a: dump('id integer'), b: dump('id integer, n text') };
    const r = await runCase(dbs, c, introspect);
    expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
  });

  it('drops a cast between built-in types (it hangs on no schema) before the next load', async () => {
    // pgquarrel's cast test: A and B both declare `json AS varchar`, so the second load failed with "already exists"
    const c: Case = {
      id: 'casts',
      a: 'CREATE CAST (json AS character varying) WITHOUT FUNCTION AS IMPLICIT; CREATE CAST (text AS json) WITHOUT FUNCTION;',
      b: 'CREATE CAST (json AS character varying) WITHOUT FUNCTION; CREATE CAST (json AS text) WITHOUT FUNCTION AS IMPLICIT;',
    };
    const r = await runCase(dbs, c, introspect);
    expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
  });

  it('drops a procedural language (it hangs on no schema) before the next case', async () => {
    // pgAdmin's schema diff languages: left behind, CREATE LANGUAGE showed up as 'not supported' in every later case
    const c: Case = {
      id: 'languages',
      a: 'CREATE TRUSTED LANGUAGE case_lang HANDLER plpgsql_call_handler VALIDATOR plpgsql_validator;',
      b: 'CREATE LANGUAGE case_lang2 HANDLER plpgsql_call_handler VALIDATOR plpgsql_validator;',
    };
    await runCase(dbs, c, introspect);
    const next: Case = { id: 'next', a: 'CREATE TABLE u (id int);', b: 'CREATE TABLE u (id int, n int);' };
    const r = await runCase(dbs, next, introspect);
    expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
  });

  it('drops a transform, an access method and a large object (they hang on no schema) before the next case', async () => {
    // pg_dump's 002_pg_dump.pl: left behind, CREATE TRANSFORM FOR int was 'not supported' in 66 later cases
    const c: Case = {
      id: 'global kinds',
      a: '',
      b: `CREATE TRANSFORM FOR int LANGUAGE SQL (FROM SQL WITH FUNCTION prsd_lextype(internal), TO SQL WITH FUNCTION int4recv(internal));
        CREATE ACCESS METHOD case_am TYPE INDEX HANDLER gisthandler; SELECT lo_create(0);`,
    };
    await runCase(dbs, c, introspect);
    const next: Case = { id: 'next', a: 'CREATE TABLE u (id int);', b: 'CREATE TABLE u (id int, n int);' };
    const r = await runCase(dbs, next, introspect);
    expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
    const left = await (
      await dbs.clean()
    ).query<{ n: number }>(
      `SELECT (SELECT count(*) FROM pg_transform)::int + (SELECT count(*) FROM pg_am WHERE oid >= 16384)::int
        + (SELECT count(*) FROM pg_largeobject_metadata)::int AS n`,
    );
    expect(left).toEqual([{ n: 0 }]);
  });

  it('writes scripts that mean the same in a session a pg_dump script left with an empty search_path', async () => {
    // a pg_dump (LedgerSMB's) ends with search_path '': a reader applying up.sql in that session must get B's catalog
    const dump = "SET check_function_bodies = false;\nSELECT pg_catalog.set_config('search_path', '', false);\n";
    const a = `${dump}CREATE TABLE public.ledger (id integer, amount numeric);`;
    const c: Case = {
      id: 'dump',
      a,
      b: `${a}\nCREATE VIEW public.totals AS SELECT sum(ledger.amount) AS s FROM public.ledger;`,
    };
    const r = await runCase(dbs, c, introspect);
    expect(r.up).toBe('pass');
    const catalog = async (sql: readonly string[]) => {
      const db = await dbs.clean();
      for (const x of sql) await db.exec(x);
      const [row] = await db.query<{ d: string; p: string }>(
        `SELECT pg_get_viewdef('public.totals'::regclass) AS d, current_setting('search_path') AS p`,
      );
      await db.exec('SET search_path = public; DROP VIEW IF EXISTS public.totals; DROP TABLE public.ledger;');
      return row;
    };
    expect(await catalog([c.a, r.upSql])).toEqual(await catalog([c.b]));
  });

  it('loads B once, in the other database, when a case changes nothing cluster-wide (one database when it does)', async () => {
    const loads: string[] = [];
    // the databases of `dbs`, noting which side of `c` each load runs where
    const noting = (db: CaseDb, where: string, c: Case): CaseDb => ({
      async clean(newCase) {
        const d = await db.clean(newCase);
        const exec = (sql: string) => {
          if (sql === c.a || sql === c.b) loads.push(`${where}:${sql === c.b ? 'b' : 'a'}`);
          return d.exec(sql);
        };
        return { ...d, exec };
      },
      discard: () => db.discard(),
    });
    const run = async (c: Case) => {
      loads.length = 0;
      const pair: CaseDb = { ...noting(dbs, 'one', c), other: noting(dbs.other!, 'other', c) };
      const r = await runCase(pair, c, introspect);
      expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
      return [...loads];
    };
    const plain: Case = { id: 'plain', a: 'CREATE TABLE t (id int);', b: 'CREATE TABLE t (id int, n int);' };
    expect(await run(plain)).toEqual(['other:b', 'one:a']);
    const grants: Case = {
      id: 'grants',
      pre: 'CREATE ROLE case_reader;',
      a: 'CREATE TABLE t (id int);',
      b: 'CREATE TABLE t (id int); GRANT SELECT ON t TO case_reader; REVOKE ALL ON t FROM PUBLIC;',
    };
    expect(await run(grants)).toEqual(['other:b', 'one:a']);
    const role: Case = {
      id: 'role',
      a: 'CREATE TABLE t (id int);',
      b: 'CREATE ROLE case_owner; CREATE TABLE t (id int); ALTER TABLE t OWNER TO case_owner;',
    };
    expect(await run(role)).toEqual(['one:b', 'one:a', 'one:b']);
    const member: Case = {
      ...role,
      id: 'member',
      pre: 'CREATE ROLE case_x; CREATE ROLE case_y;',
      b: 'GRANT case_x TO case_y;',
    };
    expect(await run(member)).toEqual(['one:b', 'one:a', 'one:b']);
    // the next case starts without the roles these made, in either database
    expect(await run(plain)).toEqual(['other:b', 'one:a']);
    expect(await roles()).toEqual([]);
    const other = await dbs.other!.clean();
    expect(await other.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE 'case_%'`)).toEqual([]);
  });

  it('proves down on B built from nothing as well as on the migrated database', async () => {
    const c: Case = { id: 'fresh', a: 'CREATE TABLE t (id int);', b: 'CREATE TABLE t (id int, n int);' };
    let calls = 0;
    // a comparison that finds a difference only in the third proof: down on B built from nothing
    const compare = (actual: Schema, expected: Schema) =>
      ++calls === 3 ? ['seen on fresh b'] : defaultCompare(actual, expected);
    const r = await runCase(dbs, c, introspect, compare);
    expect(calls).toBe(3);
    expect(r.up).toBe('pass');
    expect(r.down).toBe('fail');
    expect(r.message).toBe('down (on b built from nothing): mismatch: seen on fresh b');
  });
});
