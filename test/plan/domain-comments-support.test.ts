/**
 * Two objects the catalog reader refused before: a comment on a domain's CHECK constraint (COMMENT ON CONSTRAINT c
 * ON DOMAIN d) and a function's planner support function (SUPPORT name). Declared in YAML, applied in PGlite, read
 * back equal, and written to YAML again; a comment alone changes in place. Catalog proofs both ways:
 * test/conformance/corpus-longtail.jsonl (`longtail/domain-check-comment/*`, `longtail/function-support/*`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { emptySchema } from '../../src/model/types.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { canonicalJson } from '../../src/canon/index.js';
import { planMigration, renderUp } from '../../src/plan/index.js';
import type { Driver } from '../../src/pg/driver.js';
import { applyPlan, parseYaml } from '../helpers/plan-db.js';

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
});
afterAll(() => db.close());

const yaml = (comment: string, support: string) => `domains:
  "Odd Dom":
    type: int
    checks:
      Pos Check: { expression: VALUE > 0${comment} }
      small: VALUE < 100
functions:
  "Like It":
    args: a text, b text
    returns: boolean
    language: sql
    volatility: immutable
    strict: true
${support}    body: SELECT a LIKE b
`;

describe('domain check comments and function SUPPORT', () => {
  it('are planned, applied, read back and written to YAML; a comment alone changes in place', async () => {
    const A = parseYaml(yaml(`, comment: "it's positive"`, '    support: pg_catalog.textlike_support\n'));
    expect(A.domains['"Odd Dom"']!.checks['Pos Check']).toEqual({
      name: 'Pos Check',
      expression: 'VALUE > 0',
      comment: "it's positive",
    });
    expect(Object.values(A.functions)[0]!.support).toBe('textlike_support');
    await applyPlan(db, emptySchema(), A);
    const read = (await introspect(db)).schema;
    expect(canonicalJson(read)).toBe(canonicalJson(A));
    const again = parseSchemaFiles(writeSchemaYaml(read).map((f) => ({ path: f.path, text: f.text })));
    expect(canonicalJson(again.schema!)).toBe(canonicalJson(read));

    const B = parseYaml(yaml(`, comment: other`, ''));
    const up = renderUp(planMigration(A, B));
    expect(up).toContain(`COMMENT ON CONSTRAINT "Pos Check" ON DOMAIN public."Odd Dom" IS 'other';`);
    expect(up).not.toMatch(/DROP CONSTRAINT|ADD CONSTRAINT/);
    await applyPlan(db, A, B);
    expect(canonicalJson((await introspect(db)).schema)).toBe(canonicalJson(B));
    await applyPlan(db, B, A);
    expect(canonicalJson((await introspect(db)).schema)).toBe(canonicalJson(A));
  });
});
