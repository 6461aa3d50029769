import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../src/pg/driver.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { preparedReads } from '../../src/pg/prepared.js';
import { introspect } from '../../src/pg/introspect/index.js';

let db: Driver;
beforeAll(async () => {
  db = await freshPglite({ objects: 50 });
});
afterAll(async () => {
  await db.close();
});

/** preparedCount is how many statements the session holds prepared. */
async function preparedCount(d: Driver): Promise<number> {
  return (await preparedNames(d)).length;
}

/** preparedNames are the names of the statements the session holds prepared. */
async function preparedNames(d: Driver): Promise<string[]> {
  return (await d.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY 1')).map((r) => r.name);
}

describe('preparedReads', () => {
  it('firstUse: prepares introspection reads the first time, and they read what plain reads read after DDL, in and out of a rolled-back block', async () => {
    const reads = preparedReads(db, { firstUse: true });
    await db.exec('CREATE TABLE a (id int PRIMARY KEY, note text)');
    const plain1 = (await introspect(db, { unsupported: false })).schema;
    expect((await introspect(reads, { unsupported: false })).schema).toEqual(plain1);
    const made = await preparedNames(db);
    // the catalog reads with oid lists this schema needs (relations, columns, constraints...; presentKinds leaves out
    // the readers of kinds the database does not hold), prepared at their first use
    expect(made.length).toBeGreaterThanOrEqual(5);
    // inside a transaction block that is rolled back: the new table is read, the statements outlive the block
    await db.exec('BEGIN');
    await db.exec('CREATE TABLE b (id bigint, a_id int REFERENCES a (id))');
    const inBlock = (await introspect(reads, { unsupported: false })).schema;
    expect(inBlock).toEqual((await introspect(db, { unsupported: false })).schema);
    expect(Object.keys(inBlock.tables).sort()).toEqual(['a', 'b']);
    await db.exec('ROLLBACK');
    expect(await preparedNames(db)).toEqual(expect.arrayContaining(made)); // they outlive the rolled-back block
    await db.exec('ALTER TABLE a ADD COLUMN extra numeric(10,2) DEFAULT 0');
    const after = (await introspect(reads, { unsupported: false })).schema;
    expect(after).toEqual((await introspect(db, { unsupported: false })).schema);
    expect(after).not.toEqual(plain1);
  });

  it('by default prepares a read the second time only; a read PostgreSQL will not prepare runs as text', async () => {
    const fresh = await freshPglite({ objects: 50 });
    try {
      const reads = preparedReads(fresh);
      const q = `SELECT c.relname::text AS n FROM pg_class c WHERE c.oid = ANY('{1259,1249}'::oid[]) ORDER BY 1`;
      expect(await reads.query(q)).toEqual([{ n: 'pg_attribute' }, { n: 'pg_class' }]);
      expect(await preparedCount(fresh)).toBe(0);
      expect(await reads.query(q.replace('1249', '1247'))).toEqual([{ n: 'pg_class' }, { n: 'pg_type' }]);
      expect(await preparedCount(fresh)).toBe(1);
      // a read PostgreSQL refuses to prepare runs as text, failing as the text fails; the next reads still answer
      const bad = `SELECT no_such_column FROM pg_class WHERE oid = ANY('{1259}'::oid[])`;
      const firstUse = preparedReads(fresh, { firstUse: true });
      await expect(firstUse.batch!([bad])).rejects.toThrow(/no_such_column/);
      expect(await firstUse.batch!([q, q])).toEqual([
        [{ n: 'pg_attribute' }, { n: 'pg_class' }],
        [{ n: 'pg_attribute' }, { n: 'pg_class' }],
      ]);
    } finally {
      await fresh.close();
    }
  });
});
