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
    // what pgAdmin's per-object tests change and the model-free witness missed before
    ['a column statistics target', `ALTER TABLE t ALTER COLUMN a SET STATISTICS 500;`],
    ['a column storage', `ALTER TABLE t ALTER COLUMN a SET STORAGE EXTERNAL;`],
    ['a column attribute option', `ALTER TABLE t ALTER COLUMN a SET (n_distinct = 2);`],
    ['an index expression column statistics target', `ALTER INDEX t_a_idx ALTER COLUMN 1 SET STATISTICS 300;`],
    ['a TOAST storage parameter', `ALTER TABLE t SET (toast.autovacuum_enabled = false);`],
    ['CLUSTER ON', `ALTER TABLE t CLUSTER ON t_a_idx;`],
    ['a DEPENDS ON EXTENSION mark', `ALTER FUNCTION f(int) DEPENDS ON EXTENSION plpgsql;`],
    // the default ACL a role's later objects get (the role's own rights taken away too); once unseen
    ['a default privilege', `ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;`],
    [
      'a role taking its own default rights away',
      `ALTER DEFAULT PRIVILEGES REVOKE DELETE ON TABLES FROM CURRENT_USER;`,
    ],
    ['a shell type', `CREATE TYPE shell;`],
    ['a rule firing state', `CREATE RULE r AS ON UPDATE TO t DO ALSO NOTIFY t; ALTER TABLE t DISABLE RULE r;`],
  ])('notices %s', async (_what, change) => {
    const [x, y] = [await fp(BASE), await fp(BASE + change)];
    expect(fingerprintDiff(x, y).length).toBeGreaterThan(0);
  });

  it("notices a shell type's comment and a rule's firing state", async () => {
    const shell = `CREATE TYPE shell;`;
    const [x, y] = [await fp(BASE + shell), await fp(BASE + shell + `COMMENT ON TYPE shell IS 'c';`)];
    expect(fingerprintDiff(x, y).length).toBeGreaterThan(0);
    const rule = `CREATE RULE r AS ON UPDATE TO t DO ALSO NOTIFY t; ALTER TABLE t ENABLE REPLICA RULE r;`;
    const [r, a] = [await fp(BASE + rule), await fp(BASE + rule.replace('REPLICA', 'ALWAYS'))];
    expect(fingerprintDiff(r, a).length).toBeGreaterThan(0);
  });

  it("notices a domain's NOT NULL constraint name, and not PostgreSQL's own after a rename", async () => {
    const own = await fp(BASE + `CREATE DOMAIN qty AS integer NOT NULL;`);
    const named = await fp(BASE + `CREATE DOMAIN qty AS integer CONSTRAINT qty_required NOT NULL;`);
    expect(fingerprintDiff(own, named).length).toBeGreaterThan(0);
    // old_qty_not_null kept by a domain renamed to qty: the same as the qty_not_null CREATE DOMAIN qty gives
    const renamed = await fp(BASE + `CREATE DOMAIN old_qty AS integer NOT NULL; ALTER DOMAIN old_qty RENAME TO qty;`);
    expect(fingerprintDiff(own, renamed)).toEqual([]);
  });
});

describe('catalogFingerprint probes', () => {
  // each fact is asked only when its probe finds a row: one object of every kind must still show as its lines
  const EVERY_KIND = `
    CREATE SCHEMA s;
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    CREATE TYPE fr AS RANGE (SUBTYPE = float8);
    CREATE TABLE t (id serial PRIMARY KEY, a text, m mood);
    CREATE TABLE s.child () INHERITS (t);
    CREATE VIEW v AS SELECT id FROM t;
    CREATE INDEX t_a_idx ON t (a);
    CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tf();
    CREATE POLICY p ON t USING (true);
    CREATE RULE r AS ON UPDATE TO t DO ALSO NOTIFY t;
    CREATE AGGREGATE agg(int) (SFUNC = int4pl, STYPE = int);
    CREATE STATISTICS st ON id, a FROM t;
    CREATE COLLATION coll FROM "C";
    CREATE CAST (mood AS int) WITH INOUT;
    CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);
    CREATE TEXT SEARCH DICTIONARY d (TEMPLATE = simple);
    CREATE TEXT SEARCH CONFIGURATION tc (COPY = simple);
    CREATE PUBLICATION pub FOR TABLE t;
    CREATE FUNCTION ef() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
    CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION ef();
    CREATE FOREIGN DATA WRAPPER w;
    CREATE SERVER srv FOREIGN DATA WRAPPER w;
    CREATE USER MAPPING FOR PUBLIC SERVER srv;
    CREATE FOREIGN TABLE ft (x int) SERVER srv;
    ALTER TABLE t ALTER COLUMN a SET STATISTICS 50;
    ALTER FUNCTION tf() DEPENDS ON EXTENSION plpgsql;
    ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
  `;
  const KINDS = [
    'schema',
    'relation',
    'column',
    'constraint',
    'index',
    'trigger',
    'policy',
    'viewdef',
    'sequence',
    'type',
    'function',
    'inherits',
    'aggregate',
    'range',
    'rule',
    'publication',
    'publication-table',
    'event-trigger',
    'fdw',
    'foreign-server',
    'user-mapping',
    'foreign-table',
    'statistics',
    'collation',
    'cast',
    'operator',
    'ts-dict',
    'ts-config',
    'column-settings',
    'depends-on-extension',
    'default-acl',
  ];

  it('reads every kind of object a database holds', async () => {
    const kinds = new Set((await fp(EVERY_KIND)).map((l) => l.split(' ')[0]));
    expect([...kinds].sort()).toEqual([...KINDS].sort());
  });

  it('reads only the schema of an empty database, and notices a first object of a kind', async () => {
    expect((await fp('')).map((l) => l.split(' ')[0])).toEqual(['schema']);
    const [x, y] = [await fp(''), await fp('CREATE COLLATION coll FROM "C";')];
    expect(fingerprintDiff(x, y)).toEqual([expect.stringMatching(/^\+ actual: +collation /)]);
  });
});
