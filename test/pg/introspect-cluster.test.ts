/**
 * CLUSTER ON read back: a database where someone ran `CLUSTER t USING idx` (or ALTER TABLE ... CLUSTER ON, which is
 * what pg_dump writes) imports with `cluster_on` on the table instead of refusing the index, from PGlite, from the
 * PostgreSQL 15 server (--url) and from the server's pg_dump (--sql).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freshPglite, introspect, type Driver, type IntrospectResult } from '../../src/pg/index.js';
import { compareSchemas } from '../../src/pg/compare.js';
import { buildSchema } from '../../src/pg/build.js';
import { checkYamlRoundTrip, importSql, importUrl } from '../../src/pg/import.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { connectUrl } from '../../src/pg/server.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

/** DDL: every kind of index a table can be clustered on, CLUSTER itself run on two, hostile names, one unmarked table. */
const DDL = `
create table orders (id bigint primary key, at timestamptz, customer int);
create index orders_at_idx on orders (at);
create index orders_customer_idx on orders (customer);
insert into orders select g, now() - g * interval '1 day', g % 7 from generate_series(1, 50) g;
cluster orders using orders_at_idx;
create table keyed (id int primary key, v text);
alter table keyed cluster on keyed_pkey;
create table uniq (id int, code text unique);
cluster uniq using uniq_code_key;
create table booking (room int, during tsrange, exclude using gist (during with &&));
alter table booking cluster on booking_during_excl;
create table "Odd ""T""" ("Sku Code" text);
create index "by ""sku""; x" on "Odd ""T""" ("Sku Code");
alter table "Odd ""T""" cluster on "by ""sku""; x";
create table plain (id int primary key);
`;

/** EXPECTED is each table's `cluster_on` as read back. */
const EXPECTED = {
  orders: 'orders_at_idx',
  keyed: 'keyed_pkey',
  uniq: 'uniq_code_key',
  booking: 'booking_during_excl',
  '"Odd ""T"""': 'by "sku"; x',
  plain: undefined,
};

/** marks is every table's clusterOn. */
const marks = (r: IntrospectResult) =>
  Object.fromEntries(Object.entries(r.schema.tables).map(([id, t]) => [id, t.clusterOn]));

async function readPglite(sql: string): Promise<IntrospectResult> {
  const db = await freshPglite();
  try {
    await db.exec(sql);
    return await introspect(db);
  } finally {
    await db.close();
  }
}

describe('CLUSTER ON read back (PGlite)', () => {
  it('reads the clustered index of each table, a key or exclusion index too, with no unsupported report', async () => {
    const r = await readPglite(DDL);
    expect(r.unsupported).toEqual([]);
    expect(marks(r)).toEqual(EXPECTED);
    // the YAML says the same, and a build from nothing reads back the same marks
    const files = writeSchemaYaml(r.schema);
    expect(checkYamlRoundTrip(r.schema, files, parseSchemaFiles)).toEqual([]);
    expect(files.map((f) => f.text).join('\n')).toContain('cluster_on: orders_at_idx');
    const rebuilt = await buildSchema(parseSchemaFiles(files).schema!);
    expect(compareSchemas(r.schema, rebuilt)).toEqual([]);
    expect(marks({ ...r, schema: rebuilt })).toEqual(EXPECTED);
  }, 60_000);

  it('still reports a clustered index of a materialized view, which `cluster_on` does not cover', async () => {
    const r = await readPglite(
      'create materialized view mv as select 1 as a; create index mv_a on mv (a); alter materialized view mv cluster on mv_a;',
    );
    expect(r.unsupported.map((i) => i.message)).toEqual([
      expect.stringContaining('CLUSTER ON index mv_a of materialized view mv'),
    ]);
  });

  it('imports a DDL file with ALTER TABLE ... CLUSTER ON (import --sql)', async () => {
    const r = await importSql(DDL, 'schema.sql');
    expect(r.unsupported).toEqual([]);
    expect(marks(r)).toEqual(EXPECTED);
  }, 60_000);
});

describe('CLUSTER ON read back (PostgreSQL 15 server)', async () => {
  const up = await serverAvailable();
  it.skipIf(!up)(
    'import --url and import --sql of its pg_dump read the same marks as PGlite',
    async () => {
      const created = await createDatabase('sv_cluster');
      let db: Driver | undefined;
      try {
        db = await connectUrl(created.url);
        await db.exec(DDL);
        await db.close();
        db = undefined;
        const server = await importUrl(created.url);
        expect(server.unsupported).toEqual([]);
        expect(marks(server)).toEqual(EXPECTED);
        const lite = await readPglite(DDL);
        expect(compareSchemas(lite.schema, server.schema)).toEqual([]);
        const dump = execFileSync('pg_dump', ['--schema-only', '--no-owner', created.url], { encoding: 'utf8' });
        expect(dump).toContain('ALTER TABLE public.orders CLUSTER ON orders_at_idx;');
        const fromDump = await importSql(dump, 'dump.sql');
        expect(fromDump.unsupported).toEqual([]);
        expect(marks(fromDump)).toEqual(EXPECTED);
        expect(compareSchemas(server.schema, fromDump.schema)).toEqual([]);
      } finally {
        await db?.close();
        await created.drop();
      }
    },
    60_000,
  );
});
