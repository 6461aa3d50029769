/**
 * A column that becomes serial or identity while its table holds rows: the new sequence starts past the values the
 * rows hold (as pgAdmin's schema diff does), so the first insert after the migration does not take 1 again and fail
 * on the primary key. Applied for real in PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Driver } from '../../src/pg/driver.js';
import { applyPlan, parseYaml } from '../helpers/plan-db.js';

const table = (name: string, id: string) => `  ${name}:\n    columns:\n      id: ${id}\n      note: text\n`;

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
});
afterAll(() => db.close());

const apply = (from: Schema, to: Schema) => applyPlan(db, from, to);

describe('a column that becomes serial or identity', () => {
  it('continues after the values its rows hold; an empty table or rows below START keep the sequence as declared', async () => {
    const A = parseYaml(
      'tables:\n' +
        table('"Orders"', '{ type: integer, primary_key: true }') +
        table('invoices', '{ type: bigint, primary_key: true }') +
        table('refunds', '{ type: integer, primary_key: true }') +
        table('empty', '{ type: integer, primary_key: true }'),
    );
    const B = parseYaml(
      'tables:\n' +
        table('"Orders"', '{ type: integer, primary_key: true, serial: true }') +
        table('invoices', '{ type: bigint, primary_key: true, identity: by default }') +
        table('refunds', '{ type: integer, primary_key: true, identity: { mode: by default, start: 100 } }') +
        table('empty', '{ type: integer, primary_key: true, identity: by default }'),
    );
    await apply(emptySchema(), A);
    await db.exec(`INSERT INTO "Orders" VALUES (1, 'a'), (5, 'b'); INSERT INTO invoices VALUES (1, 'a'), (7, 'b');
      INSERT INTO refunds VALUES (3, 'a')`);
    await apply(A, B);
    await db.exec(`INSERT INTO "Orders" (note) VALUES ('c'); INSERT INTO invoices (note) VALUES ('c');
      INSERT INTO refunds (note) VALUES ('c'); INSERT INTO empty (note) VALUES ('c')`);
    const rows = await db.query<{ o: number; i: string; r: number; e: number }>(
      `SELECT (SELECT max(id) FROM "Orders") AS o, (SELECT max(id) FROM invoices)::text AS i,
        (SELECT max(id) FROM refunds) AS r, (SELECT max(id) FROM empty) AS e`,
    );
    expect(rows[0]).toEqual({ o: 6, i: '8', r: 100, e: 1 });
  });
});
