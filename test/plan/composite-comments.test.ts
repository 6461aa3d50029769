/**
 * Comments on a composite type's attributes (COMMENT ON COLUMN type.attribute, pg_dump's `composite.f1` case): read
 * from the catalog, written to and read from YAML, planned on create, change, removal and a new attribute, and
 * applied for real in PGlite, where the catalog then holds what the target says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import type { Driver } from '../../src/pg/driver.js';
import { applyPlan, parseYaml } from '../helpers/plan-db.js';

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
});
afterAll(() => db.close());

const apply = (from: Schema, to: Schema) => applyPlan(db, from, to);

const comments = async () =>
  (
    await db.query<{ a: string; c: string | null }>(
      `SELECT a.attname AS a, col_description(a.attrelid, a.attnum) AS c FROM pg_attribute a
       WHERE a.attrelid = 'pair'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    )
  ).map((r) => [r.a, r.c]);

describe('comments on composite type attributes', () => {
  it('are read, written to YAML and planned: create, change, remove, and with a new attribute', async () => {
    const A = parseYaml(`composites:\n  pair:\n    f1: { type: int, comment: "first's" }\n    f2: text\n`);
    expect(A.composites.pair!.attributes).toEqual([
      { name: 'f1', type: 'integer', comment: "first's" },
      { name: 'f2', type: 'text' },
    ]);
    await apply(emptySchema(), A);
    expect(await comments()).toEqual([
      ['f1', "first's"],
      ['f2', null],
    ]);
    const read = (await introspect(db)).schema;
    expect(read.composites.pair!.attributes).toEqual(A.composites.pair!.attributes);
    const again = parseSchemaFiles(writeSchemaYaml(read).map((f) => ({ path: f.path, text: f.text })));
    expect(again.schema!.composites.pair).toEqual(read.composites.pair);

    const B = parseYaml(
      `composites:\n  pair:\n    f1: int\n    f2: { type: text, comment: second }\n    f3: { type: date, comment: third }\n`,
    );
    await apply(A, B);
    expect(await comments()).toEqual([
      ['f1', null],
      ['f2', 'second'],
      ['f3', 'third'],
    ]);
    await apply(B, A);
    expect(await comments()).toEqual([
      ['f1', "first's"],
      ['f2', null],
    ]);
  });
});
