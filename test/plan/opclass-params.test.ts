/**
 * Operator class parameters on index keys (`USING gist (doc tsvector_ops (siglen = 100))`): declared in YAML as
 * `opclass_params`, planned (create, change, removal: a rebuild with the new parameters), applied for real in
 * PGlite, read back from the catalog (pg_attribute.attoptions of the index column) equal to what YAML declared, and
 * written to YAML again. Catalog proofs both ways on other shapes: test/conformance/corpus-longtail.jsonl
 * (`longtail/index-opclass-options/*`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';
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

const TABLE = `tables:\n  "Odd T":\n    columns:\n      id: int\n      'Doc "Vec"': tsvector\n`;
const withIndex = (key: string) =>
  `${TABLE}    indexes:\n      - name: "Odd I"\n        using: gist\n        elements:\n${key}`;
const indexDef = async () => (await db.query<{ d: string }>(`SELECT pg_get_indexdef('"Odd I"'::regclass) AS d`))[0]!.d;

describe('operator class parameters', () => {
  it('are planned, applied, read back and written to YAML; a change rebuilds the index with the new ones', async () => {
    const A = parseYaml(
      withIndex(`          - { column: 'Doc "Vec"', opclass: tsvector_ops, opclass_params: { siglen: 100 } }\n`),
    );
    expect(A.tables['"Odd T"']!.indexes['Odd I']!.elements).toEqual([
      { column: 'Doc "Vec"', opclass: 'tsvector_ops', opclassParams: { siglen: '100' } },
    ]);
    await applyPlan(db, emptySchema(), A);
    expect(await indexDef()).toContain(`USING gist ("Doc ""Vec""" tsvector_ops (siglen='100'))`);
    const read = (await introspect(db)).schema;
    expect(canonicalJson(read)).toBe(canonicalJson(A));
    const again = parseSchemaFiles(writeSchemaYaml(read).map((f) => ({ path: f.path, text: f.text })));
    expect(canonicalJson(again.schema!)).toBe(canonicalJson(read));

    const B = parseYaml(withIndex(`          - 'Doc "Vec"'\n`));
    await applyPlan(db, A, B);
    expect(await indexDef()).toContain(`USING gist ("Doc ""Vec""")`);
    expect(canonicalJson((await introspect(db)).schema)).toBe(canonicalJson(B));
    await applyPlan(db, B, A);
    expect(await indexDef()).toContain(`tsvector_ops (siglen='100')`);
    const C = parseYaml(
      withIndex(`          - { column: 'Doc "Vec"', opclass: tsvector_ops, opclass_params: { SigLen: 64 } }\n`),
    );
    await applyPlan(db, A, C);
    expect(await indexDef()).toContain(`tsvector_ops (siglen='64')`);
    expect(canonicalJson((await introspect(db)).schema)).toBe(canonicalJson(C));
  });

  it('need the operator class they belong to: without `opclass` they are a located error', () => {
    const r = parseSchemaFiles([
      {
        path: 'schema/a.yaml',
        text: withIndex(`          - { column: 'Doc "Vec"', opclass_params: { siglen: 100 } }\n`),
      },
    ]);
    expect(r.schema).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ code: 'missing-key', loc: { file: 'schema/a.yaml', line: 10 } });
    expect(r.issues[0]!.hint).toContain('opclass: tsvector_ops');
  });
});
