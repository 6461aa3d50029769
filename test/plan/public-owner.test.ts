/**
 * `public` given back its standard owner: pg_database_owner from PostgreSQL 15, the bootstrap superuser (oid 10)
 * before, where pg_database_owner does not exist. The statement chooses by the server's version; run in PGlite as
 * it is (18: pg_database_owner) and with its version bound raised past the server's (the branch an older server
 * takes: the bootstrap superuser).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Driver } from '../../src/pg/driver.js';
import { publicOwnerSql } from '../../src/plan/owners.js';

describe("public's standard owner by server version", () => {
  let db: Driver;
  const owner = async () =>
    (
      await db.query<{ o: string }>(
        `SELECT pg_get_userbyid(nspowner)::text AS o FROM pg_namespace WHERE nspname = 'public'`,
      )
    )[0]!.o;
  const superuser = async () => (await db.query<{ o: string }>(`SELECT pg_get_userbyid(10)::text AS o`))[0]!.o;
  beforeAll(async () => {
    db = await freshPglite();
    await db.exec(`CREATE ROLE "App Role"`);
  });
  afterAll(() => db.close());

  it('a managed owner is a plain ALTER SCHEMA', () => {
    expect(publicOwnerSql('App Role')).toBe('ALTER SCHEMA public OWNER TO "App Role"');
  });

  it('15 and later: pg_database_owner; before 15: the bootstrap superuser', async () => {
    const sql = publicOwnerSql('pg_database_owner');
    expect(sql).toMatch(/^DO \$sv\$ BEGIN IF pg_catalog\.current_setting\('server_version_num'\)::int >= 150000 THEN/);
    await db.exec(publicOwnerSql('App Role'));
    expect(await owner()).toBe('App Role');
    await db.exec(sql);
    expect(await owner()).toBe('pg_database_owner');
    // the branch a server older than 15 takes (this one's version is under the raised bound)
    await db.exec(sql.replace('>= 150000', '>= 99990000'));
    expect(await owner()).toBe(await superuser());
    expect(await owner()).not.toBe('pg_database_owner');
  });
});
