/** The conformance runner's own rules: roles do not leak between cases; down is proven on B built from nothing too. */
import { afterAll, describe, expect, it } from 'vitest';
import { resettableDb } from '../../src/conformance/pool.js';
import { defaultCompare, runCase, type Case } from '../../src/conformance/run.js';
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
