import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite, type Driver } from '../../src/pg/index.js';
import { catalogFingerprint, fingerprintDiff } from '../../src/pg/fingerprint.js';

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
});
afterAll(async () => {
  await db.close();
});

/** fp builds `sql` inside a transaction that is rolled back, so every case starts from an empty database. */
async function fp(sql: string): Promise<string[]> {
  await db.exec('BEGIN');
  try {
    await db.exec(sql);
    return await catalogFingerprint(db);
  } finally {
    await db.exec('ROLLBACK');
  }
}

const BASE = `
  CREATE SCHEMA billing;
  CREATE TYPE mood AS ENUM ('sad', 'ok');
  CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
  CREATE TABLE t (id serial PRIMARY KEY, a text DEFAULT 'x' NOT NULL, m mood, n posint);
  CREATE INDEX t_a_idx ON t (lower(a));
  CREATE VIEW v AS SELECT id, a FROM t;
  CREATE TABLE billing.inv (id bigint GENERATED ALWAYS AS IDENTITY, t_id integer REFERENCES t (id));
  COMMENT ON COLUMN t.a IS 'the a';
  CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
`;

describe('catalogFingerprint', () => {
  it('is equal for the same schema built in a different order and column order', async () => {
    const other = `
      CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
      CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
      CREATE TYPE mood AS ENUM ('sad', 'ok');
      CREATE TABLE t (a text DEFAULT 'x' NOT NULL, id serial PRIMARY KEY, n posint, m mood);
      COMMENT ON COLUMN t.a IS 'the a';
      CREATE SCHEMA billing;
      CREATE TABLE billing.inv (id bigint GENERATED ALWAYS AS IDENTITY, t_id integer REFERENCES t (id));
      CREATE VIEW v AS SELECT id, a FROM t;
      CREATE INDEX t_a_idx ON t (lower(a));
    `;
    const [x, y] = [await fp(BASE), await fp(other)];
    expect(fingerprintDiff(x, y)).toEqual([]);
    expect(x.length).toBeGreaterThan(15);
  });

  it.each([
    ['a comment', `COMMENT ON COLUMN t.a IS 'changed';`],
    ['a default', `ALTER TABLE t ALTER COLUMN a SET DEFAULT 'y';`],
    ['an enum value', `ALTER TYPE mood ADD VALUE 'happy';`],
    ['an index', `DROP INDEX t_a_idx; CREATE INDEX t_a_idx ON t (upper(a));`],
    ['a domain check', `ALTER DOMAIN posint ADD CONSTRAINT c2 CHECK (VALUE < 100);`],
    ['a function body', `CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 2';`],
    ['an identity option', `ALTER TABLE billing.inv ALTER COLUMN id SET INCREMENT BY 2;`],
    ['a view query', `CREATE OR REPLACE VIEW v AS SELECT id, a || '!' AS a FROM t;`],
    ['a grant', `GRANT SELECT ON t TO PUBLIC;`],
    ['rls', `ALTER TABLE t ENABLE ROW LEVEL SECURITY;`],
    [
      'fk action',
      `ALTER TABLE billing.inv DROP CONSTRAINT inv_t_id_fkey, ADD CONSTRAINT inv_t_id_fkey FOREIGN KEY (t_id) REFERENCES t (id) ON DELETE CASCADE;`,
    ],
  ])('notices %s', async (_what, change) => {
    const [x, y] = [await fp(BASE), await fp(BASE + change)];
    expect(fingerprintDiff(x, y).length).toBeGreaterThan(0);
  });
});
