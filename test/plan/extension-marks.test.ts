/**
 * DEPENDS ON EXTENSION marks (`depends_on_extensions`) of functions, procedures, indexes, triggers and materialized
 * views: parsed, planned on create and in place (added and removed without a rebuild), written again after CREATE OR
 * REPLACE (which drops them), applied in PGlite, read back equal and written to YAML again. Catalog proofs both ways:
 * test/conformance/corpus-longtail.jsonl (`longtail/extension-marks/*`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';
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

const schema = (marks: string, body = 'RETURN NEW;') => `
tables:
  '"T t"':
    columns: { id: int, 'Na"me': text }
    indexes:
      - { name: 'I "i"', expressions: ['lower("Na""me")']${marks} }
    triggers:
      'Tr g': { timing: before, events: [insert], for_each: row, function: '"f x"'${marks} }
views:
  '"M v"': { query: 'SELECT id FROM "T t"', materialized: true${marks} }
functions:
  '"f x"': { returns: trigger, language: plpgsql, body: 'BEGIN ${body} END'${marks} }
`;
const MARKED = `, depends_on_extensions: [plpgsql]`;
const marks = async () =>
  (
    await db.query<{ o: string }>(
      `SELECT pg_describe_object(classid, objid, objsubid) AS o FROM pg_depend WHERE deptype = 'x' ORDER BY 1`,
    )
  ).map((r) => r.o);
// the view's query as PostgreSQL prints it is not what this test is about
const norm = (x: Schema) =>
  canonicalJson({ ...x, views: Object.fromEntries(Object.entries(x.views).map(([k, v]) => [k, { ...v, query: '' }])) });
const ALL = ['function "f x"()', 'index "I ""i"""', 'materialized view "M v"', 'trigger Tr g on table "T t"'];

describe('extension marks', () => {
  it('are created with their objects, read back equal, and written to YAML again', async () => {
    const A = parseYaml(schema(MARKED));
    expect(A.functions['"f x"()']!.dependsOnExtensions).toEqual(['plpgsql']);
    const up = planMigration(emptySchema(), A).steps.flatMap((s) => s.sql);
    expect(up).toContain(`ALTER INDEX public."I ""i""" DEPENDS ON EXTENSION plpgsql`);
    expect(up).toContain(`ALTER TRIGGER "Tr g" ON public."T t" DEPENDS ON EXTENSION plpgsql`);
    await applyPlan(db, emptySchema(), A);
    expect(await marks()).toEqual(ALL);
    const read = (await introspect(db)).schema;
    expect(norm(read)).toBe(norm(A));
    const yaml = writeSchemaYaml(read);
    const again = parseSchemaFiles(yaml.map((f) => ({ path: f.path, text: f.text })));
    expect(canonicalJson(again.schema!)).toBe(canonicalJson(read));
    await applyPlan(db, A, emptySchema());
  });

  it('are added and removed in place, and written again after CREATE OR REPLACE', async () => {
    const A = parseYaml(schema(''));
    const B = parseYaml(schema(MARKED));
    await applyPlan(db, emptySchema(), A);
    const plan = planMigration(A, B);
    expect(plan.steps.flatMap((s) => s.sql).every((s) => /^ALTER .* DEPENDS ON EXTENSION plpgsql$/.test(s))).toBe(true);
    expect(plan.steps.flatMap((s) => s.reverse).every((s) => / NO DEPENDS ON EXTENSION plpgsql$/.test(s))).toBe(true);
    await applyPlan(db, A, B);
    expect(await marks()).toEqual(ALL);
    const C = parseYaml(schema(MARKED, 'NEW.id = 1; RETURN NEW;'));
    expect(planMigration(B, C).steps.flatMap((s) => s.sql)).toContain(
      `ALTER FUNCTION public."f x"() DEPENDS ON EXTENSION plpgsql`,
    );
    await applyPlan(db, B, C);
    expect(await marks()).toEqual(ALL);
    expect(norm((await introspect(db)).schema)).toBe(norm(C));
    await applyPlan(db, C, A);
    expect(await marks()).toEqual([]);
    expect(norm((await introspect(db)).schema)).toBe(norm(A));
    await applyPlan(db, A, emptySchema());
  });

  it('are refused on a plain view, which PostgreSQL cannot mark', () => {
    const text = `views:\n  v: { query: 'SELECT 1 AS x', depends_on_extensions: [plpgsql] }\n`;
    const r = parseSchemaFiles([{ path: 'schema/a.yaml', text }]);
    expect(r.schema).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ code: 'invalid-value', loc: { file: 'schema/a.yaml', line: 2 } });
    expect(r.issues[0]!.hint).toContain('materialized: true');
  });
});
