/**
 * ACL order under default privileges: PostgreSQL sorts the ACL it builds from default privileges by grantee (PUBLIC
 * before the owner), where GRANTs after a CREATE append behind the owner. A schema read from a database whose objects
 * were made under `ALTER DEFAULT PRIVILEGES ... TO PUBLIC`, planned from nothing and applied elsewhere, must give
 * the same relacl text (the strict catalog judge compares it), the sequence a serial column makes included.
 * Catalog proofs with the runner: test/corpus/wild.jsonl (`wild/pgschema/default_privilege/*`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySchema } from '../../src/model/types.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import type { Driver } from '../../src/pg/driver.js';
import { applyPlan } from '../helpers/plan-db.js';

let made: Driver;
let planned: Driver;
beforeAll(async () => {
  [made, planned] = await Promise.all([freshPglite(), freshPglite()]);
  for (const db of [made, planned]) await db.exec(`CREATE ROLE app_user; CREATE ROLE "Rep Role"`);
});
afterAll(async () => {
  await made.close();
  await planned.close();
});

const acls = async (db: Driver) =>
  (
    await db.query<{ a: string }>(
      `SELECT c.relname || ' ' || coalesce(c.relacl::text, '-') AS a FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v')
       ORDER BY 1`,
    )
  ).map((r) => r.a);

describe('objects made under default privileges that grant PUBLIC', () => {
  it('keep PUBLIC before the owner when planned from nothing (tables, serial sequences, extra grants)', async () => {
    await made.exec(`
      ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
      ALTER DEFAULT PRIVILEGES GRANT INSERT ON TABLES TO app_user;
      ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO PUBLIC;
      CREATE TABLE t (id serial PRIMARY KEY, v text);
      CREATE TABLE u (id int);
      GRANT SELECT ON u TO "Rep Role";
      CREATE VIEW w AS SELECT id FROM u;`);
    const want = await acls(made);
    expect(want).toContain('t {=r/postgres,postgres=arwdDxtm/postgres,app_user=a/postgres}');
    expect(want).toContain('t_id_seq {=rU/postgres,postgres=rwU/postgres}');
    const schema = (await introspect(made)).schema;
    await applyPlan(planned, emptySchema(), schema);
    expect(await acls(planned)).toEqual(want);
  });
});
