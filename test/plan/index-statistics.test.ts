/**
 * Statistics targets of index expression keys (`ALTER INDEX ... ALTER COLUMN n SET STATISTICS`): declared in YAML as
 * a key's `statistics`, planned on create and as an ALTER in place (never a rebuild) when only they change, reversed,
 * applied for real in PGlite, read back from the catalog equal to what YAML declared, and written to YAML again.
 * Catalog proofs both ways: test/conformance/corpus-longtail.jsonl (`longtail/index-statistics/*`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { emptySchema } from '../../src/model/types.js';
import { planMigration } from '../../src/plan/index.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { canonicalJson } from '../../src/canon/index.js';
import type { Driver } from '../../src/pg/driver.js';
import { applyPlan, parseYaml } from '../helpers/plan-db.js';

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
});
afterAll(() => db.close());

const TABLE = `schemas: { "Odd S": {} }\ntables:\n  '"Odd S"."Odd T"':\n    columns:\n      id: int\n      'Na"me': text\n`;
const withIndex = (keys: string) => `${TABLE}    indexes:\n      - name: 'Odd "I"'\n        elements:\n${keys}`;
const targets = async () =>
  (
    await db.query<{ n: number; t: number | null }>(
      `SELECT attnum::int AS n, attstattarget::int AS t FROM pg_attribute
       WHERE attrelid = '"Odd S"."Odd ""I"""'::regclass ORDER BY attnum`,
    )
  ).map((r) => `${r.n}:${r.t ?? -1}`);

describe('index key statistics targets', () => {
  const A = () =>
    parseYaml(withIndex(`          - id\n          - { expression: 'lower("Na""me")', statistics: 500 }\n`));
  const B = () =>
    parseYaml(withIndex(`          - id\n          - { expression: 'lower("Na""me")', statistics: 50 }\n`));
  const C = () => parseYaml(withIndex(`          - id\n          - 'lower("Na""me")'\n`));

  it('are created with the index, read back equal, and written to YAML again', async () => {
    expect(A().tables['"Odd S"."Odd T"']!.indexes['Odd "I"']!.elements[1]).toMatchObject({ statistics: 500 });
    const up = planMigration(emptySchema(), A()).steps.flatMap((s) => s.sql);
    expect(up).toContain(`ALTER INDEX "Odd S"."Odd ""I""" ALTER COLUMN 2 SET STATISTICS 500`);
    await applyPlan(db, emptySchema(), A());
    expect(await targets()).toEqual(['1:-1', '2:500']);
    const read = (await introspect(db)).schema;
    expect(canonicalJson(read)).toBe(canonicalJson(A()));
    const yaml = writeSchemaYaml(read);
    expect(yaml.map((f) => f.text).join('')).toContain('statistics: 500');
    const again = parseSchemaFiles(yaml.map((f) => ({ path: f.path, text: f.text })));
    expect(canonicalJson(again.schema!)).toBe(canonicalJson(read));
  });

  it('change in place (no rebuild) both ways, and back to the default', async () => {
    const plan = planMigration(A(), B());
    expect(plan.steps.map((s) => s.sql)).toEqual([
      [`ALTER INDEX "Odd S"."Odd ""I""" ALTER COLUMN 2 SET STATISTICS 50`],
    ]);
    expect(plan.steps[0]!.reverse).toEqual([`ALTER INDEX "Odd S"."Odd ""I""" ALTER COLUMN 2 SET STATISTICS 500`]);
    await applyPlan(db, A(), B());
    expect(await targets()).toEqual(['1:-1', '2:50']);
    expect(canonicalJson((await introspect(db)).schema)).toBe(canonicalJson(B()));
    await applyPlan(db, B(), C());
    expect(await targets()).toEqual(['1:-1', '2:-1']);
    expect(canonicalJson((await introspect(db)).schema)).toBe(canonicalJson(C()));
    await applyPlan(db, C(), A());
    expect(await targets()).toEqual(['1:-1', '2:500']);
    await applyPlan(db, A(), emptySchema());
  });

  it('are refused on a plain column key, where PostgreSQL takes none', () => {
    const r = parseSchemaFiles([
      { path: 'schema/a.yaml', text: withIndex(`          - { column: id, statistics: 500 }\n`) },
    ]);
    expect(r.schema).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ code: 'invalid-value', loc: { file: 'schema/a.yaml', line: 10 } });
    expect(r.issues[0]!.hint).toContain("table column's own `statistics`");
  });

  it("are refused on a partitioned table's index, whose later partitions PostgreSQL gives none", () => {
    const text = `tables:\n  p:\n    columns: { a: int, b: text }\n    partition_by: range (a)\n    indexes:\n      - name: pi\n        elements:\n          - { expression: lower(b), statistics: 300 }\n`;
    const r = parseSchemaFiles([{ path: 'schema/a.yaml', text }]);
    expect(r.schema).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ code: 'invalid-value', loc: { file: 'schema/a.yaml', line: 6 } });
    expect(r.issues[0]!.message).toContain('partitioned index');
  });
});
