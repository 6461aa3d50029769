/**
 * The conformance pool's prepared catalog reads (src/conformance/pool.ts preparedReads): a read seen twice runs as a
 * prepared statement whose oid lists are parameters, and answers exactly as the plain statement does. And its reset
 * (run.ts RESET_SQL): what cases leave is dropped in the same database, which is not replaced by a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Driver } from '../../src/pg/driver.js';
import { preparedReads, resettableDb } from '../../src/conformance/pool.js';

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
  await db.exec('CREATE TABLE "we""ird" (a int); CREATE TABLE plain (b text)');
});
afterAll(async () => {
  await db?.close();
});

describe('preparedReads', () => {
  it('runs a repeated read prepared with its oid list as a parameter, with the plain answer', async () => {
    const oids = (
      await db.query<{ oid: number }>("SELECT oid FROM pg_class WHERE relname IN ('we\"ird', 'plain')")
    ).map((r) => r.oid);
    expect(oids).toHaveLength(2);
    const read = (list: readonly number[]) =>
      `SELECT relname FROM pg_class WHERE oid = ANY('{${list.join(',')}}'::oid[]) ORDER BY relname`;
    const wrapped = preparedReads(db);
    const plain = await db.query(read(oids));
    expect(await wrapped.query(read(oids))).toEqual(plain); // first time: plain text
    expect(await wrapped.query(read(oids))).toEqual(plain); // second: prepared
    // another list runs the same prepared statement with another value
    expect(await wrapped.query(read([oids[0]!]))).toEqual(await db.query(read([oids[0]!])));
    const prepared = await db.query<{ name: string; parameter_types: string }>(
      'SELECT name, parameter_types::text FROM pg_prepared_statements',
    );
    expect(prepared).toEqual([{ name: 'schemaver_read_0', parameter_types: '{oid[]}' }]);
  });
});

describe('resettableDb', () => {
  it("empties a database holding an index of an extension's operator class and a range type in public, keeping it", async () => {
    // DROP EXTENSION pg_trgm CASCADE fails on the index (cache lookup failed for function), and DROP CAST on the range's
    // cast to its multirange: each made the pool start a new database (0.2-0.5 s) for the next case
    const dbs = resettableDb(() => freshPglite({ extensions: ['pg_trgm', 'btree_gist'] }));
    try {
      const first = await dbs.clean(true);
      await first.exec(`CREATE EXTENSION pg_trgm; CREATE EXTENSION btree_gist;
        CREATE TABLE "Odd T" (id int, "Na me" text, EXCLUDE USING gist (id WITH =));
        CREATE INDEX "Trgm I" ON "Odd T" USING gist ("Na me" gist_trgm_ops (siglen = 32), (lower("Na me")) gist_trgm_ops);
        CREATE MATERIALIZED VIEW mv AS SELECT "Na me" FROM "Odd T"; CREATE INDEX ON mv USING gist ("Na me" gist_trgm_ops);
        CREATE TYPE "Odd Range" AS RANGE (subtype = int4); CREATE TABLE uses_range (r "Odd Range");`);
      const again = await dbs.clean(true);
      expect(again).toBe(first);
      const left = await again.query(`SELECT (SELECT count(*)::int FROM pg_class WHERE oid >= 16384) AS rels,
        (SELECT count(*)::int FROM pg_type WHERE oid >= 16384) AS types, (SELECT count(*)::int FROM pg_cast WHERE oid >= 16384) AS casts,
        (SELECT count(*)::int FROM pg_extension WHERE extname <> 'plpgsql') AS exts`);
      expect(left).toEqual([{ rels: 0, types: 0, casts: 0, exts: 0 }]);
    } finally {
      await dbs.close();
    }
  });
});
