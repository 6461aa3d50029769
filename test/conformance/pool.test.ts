/**
 * The conformance pool's prepared catalog reads (src/conformance/pool.ts preparedReads): a read seen twice runs as a
 * prepared statement whose oid lists are parameters, and answers exactly as the plain statement does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Driver } from '../../src/pg/driver.js';
import { preparedReads } from '../../src/conformance/pool.js';

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
