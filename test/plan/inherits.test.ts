/**
 * A table joining an INHERITS parent whose columns it lacks (and leaving it again): ALTER TABLE ... INHERIT fails
 * there, and adding the columns first would leave them the table's own (attislocal), unlike the table made with
 * INHERITS. The plan re-creates the table and carries its rows across; applied for real in PGlite and on the
 * PostgreSQL test server, up then down, with rows in the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { planMigration } from '../../src/plan/index.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { connectUrl } from '../../src/pg/server.js';
import type { Driver } from '../../src/pg/driver.js';
import type { Step } from '../../src/model/plan.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

const parse = (text: string): Schema => {
  const r = parseSchemaFiles([{ path: 'schema/a.yaml', text }]);
  if (!r.schema) throw new Error(JSON.stringify(r.issues));
  return r.schema;
};
const parent =
  'tables:\n  parent:\n    columns:\n      id: { type: integer }\n' +
  '      created_at: { type: timestamptz, default: "now()" }\n';
const A = parse(parent + '  "Child Log":\n    columns:\n      id: { type: integer, serial: true }\n      note: text\n');
const B = parse(
  parent +
    '  "Child Log":\n    inherits: [parent]\n    columns:\n      id: { type: integer, serial: true }\n      note: text\n',
);

async function run(db: Driver, steps: readonly Step[], reverse = false): Promise<void> {
  for (const s of reverse ? [...steps].reverse() : steps) await db.exec((reverse ? s.reverse! : s.sql).join(';\n'));
}

/** childState reads table `rel`'s rows (`cols`) and which of its columns are its own (attislocal), in `order`. */
async function childState(db: Driver, rel: string, cols: string, order: 'attnum' | 'attname'): Promise<unknown> {
  const rows = await db.query(`SELECT ${cols} FROM ONLY ${rel} ORDER BY id`);
  const local = await db.query<{ n: string }>(
    `SELECT attname AS n FROM pg_attribute WHERE attrelid = '${rel}'::regclass AND attnum > 0
       AND NOT attisdropped AND attislocal ORDER BY ${order}`,
  );
  return { rows, local: local.map((r) => r.n) };
}

/** state reads "Child Log"'s rows and own columns. */
const state = (db: Driver) => childState(db, '"Child Log"', 'id, note', 'attnum');

async function roundTrip(db: Driver): Promise<unknown[]> {
  await run(db, planMigration(emptySchema(), A).steps);
  await db.exec(`INSERT INTO "Child Log" (note) VALUES ('a'), ('b')`);
  const plan = planMigration(A, B);
  await run(db, plan.steps);
  const up = await state(db);
  // the serial sequence continues after the rows carried across
  const [{ id }] = await db.query<{ id: number }>(`INSERT INTO "Child Log" (note) VALUES ('c') RETURNING id`);
  await db.exec(`DELETE FROM "Child Log" WHERE id = 3`);
  await run(db, plan.steps, true);
  return [up, id, await state(db)];
}

const rows = [
  { id: 1, note: 'a' },
  { id: 2, note: 'b' },
];
// after up: id is the table's own (it lists it) and created_at the parent's only, as CREATE TABLE ... INHERITS makes it
const expected = [{ rows, local: ['id', 'note'] }, 3, { rows, local: ['id', 'note'] }];

describe('a table joining an INHERITS parent whose columns it lacks', () => {
  let db: Driver;
  beforeAll(async () => {
    db = await freshPglite();
  });
  afterAll(() => db.close());

  it('is re-created with its rows (PGlite)', async () => {
    expect(await roundTrip(db)).toEqual(expected);
  });

  it('is re-created with its rows on the PostgreSQL server', async (t) => {
    if (!(await serverAvailable())) return t.skip();
    const d = await createDatabase('sv_inherits');
    const server = await connectUrl(d.url);
    try {
      expect(await roundTrip(server)).toEqual(expected);
    } finally {
      await server.close();
      await d.drop();
    }
  });

  it('keeps ALTER TABLE ... INHERIT when the table has the parent columns already', () => {
    const has = (inh: string) =>
      parse(parent + `  kid:\n${inh}    columns:\n      id: integer\n      created_at: timestamptz\n`);
    const sql = planMigration(has(''), has('    inherits: [parent]\n')).steps.flatMap((s) => s.sql);
    expect(sql).toEqual(['ALTER TABLE public.kid INHERIT public.parent']);
  });
});

// A column the child inherits and also declares (CREATE TABLE kid (note text) INHERITS (parent) where parent has note:
// attislocal true) and the same child inheriting it only: PostgreSQL has no statement between the two (ADD COLUMN
// fails "already exists", DROP COLUMN refuses an inherited column), so the child is re-created with its rows.
const withNote = 'tables:\n  parent:\n    columns:\n      id: integer\n      note: text\n';
const inheritsOnly = parse(withNote + '  kid:\n    inherits: [parent]\n    columns:\n      extra: text\n');
const declaresToo = parse(
  withNote +
    '  kid:\n    inherits: [parent]\n    columns:\n      note: { type: text, not_null: true }\n      extra: text\n',
);

/** kidState reads kid's rows and own columns. */
const kidState = (db: Driver) => childState(db, 'kid', 'id, note, extra', 'attname');

describe('a column an INHERITS child starts or stops declaring itself', () => {
  it('re-creates the child with its rows, up and down (PGlite)', async () => {
    const db = await freshPglite();
    try {
      await run(db, planMigration(emptySchema(), inheritsOnly).steps);
      await db.exec(`INSERT INTO kid VALUES (1, 'a', 'x'), (2, 'b', 'y')`);
      const plan = planMigration(inheritsOnly, declaresToo);
      await run(db, plan.steps);
      const up = await kidState(db);
      await run(db, plan.steps, true);
      const rows = [
        { id: 1, note: 'a', extra: 'x' },
        { id: 2, note: 'b', extra: 'y' },
      ];
      expect([up, await kidState(db)]).toEqual([
        { rows, local: ['extra', 'note'] },
        { rows, local: ['extra'] },
      ]);
    } finally {
      await db.close();
    }
  });
});
