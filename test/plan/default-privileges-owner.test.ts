/**
 * A global default-privileges entry whose role takes its own rights away (`ALTER DEFAULT PRIVILEGES FOR ROLE r
 * REVOKE ... FROM r`): the role's own key in `grants` says what it keeps (`[]`: nothing, left out: everything);
 * planned both ways, applied in PGlite, read back equal (an empty default ACL `{}` too, which introspection once read
 * as no entry at all) and written to YAML again. Catalog proofs: test/conformance/corpus-privileges.jsonl
 * (`privileges/default-privileges/owner-*`).
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
  await db.exec(`CREATE ROLE "Odd Role"; CREATE ROLE app_reader`);
});
afterAll(() => db.close());

const entry = (on: string, grants: string) =>
  `default_privileges:\n  - { role: 'Odd Role', on: ${on}, grants: ${grants} }\n`;
const acls = async () =>
  (
    await db.query<{ a: string }>(
      `SELECT defaclobjtype::text || ' ' || array_to_string(defaclacl, ' ') AS a FROM pg_default_acl ORDER BY 1`,
    )
  ).map((r) => r.a);

describe("default privileges that take the role's own rights away", () => {
  it('are planned both ways, applied, read back equal and written to YAML again', async () => {
    const A = parseYaml(
      entry('functions', `{ 'Odd Role': [], public: [execute] }`) +
        `  - { role: 'Odd Role', on: tables, grants: { 'Odd Role': [select, insert], app_reader: [select] } }\n`,
    );
    expect(Object.values(A.defaultPrivileges!).map((d) => d.grants)).toEqual([
      { 'Odd Role': ['none'], public: ['execute'] },
      { 'Odd Role': ['insert', 'select'], app_reader: ['select'] },
    ]);
    const up = planMigration(emptySchema(), A).steps.flatMap((s) => s.sql);
    expect(up).toContain(`ALTER DEFAULT PRIVILEGES FOR ROLE "Odd Role" REVOKE EXECUTE ON FUNCTIONS FROM "Odd Role"`);
    await applyPlan(db, emptySchema(), A);
    expect(await acls()).toEqual(['f =X/"Odd Role"', 'r "Odd Role"=ar/"Odd Role" app_reader=r/"Odd Role"']);
    const read = (await introspect(db)).schema;
    expect(canonicalJson(read)).toBe(canonicalJson(A));
    const again = parseSchemaFiles(writeSchemaYaml(read).map((f) => ({ path: f.path, text: f.text })));
    expect(canonicalJson(again.schema!)).toBe(canonicalJson(read));
    await applyPlan(db, A, emptySchema());
    expect(await acls()).toEqual([]);
  });

  it('read an empty default ACL as the role keeping nothing, and listing all of its own as the default', async () => {
    const A = parseYaml(entry('sequences', `{ 'Odd Role': [] }`));
    await applyPlan(db, emptySchema(), A);
    expect(await acls()).toEqual(['S ']);
    expect(canonicalJson((await introspect(db)).schema)).toBe(canonicalJson(A));
    await applyPlan(db, A, emptySchema());
    const all = parseSchemaFiles([
      { path: 'schema/a.yaml', text: entry('sequences', `{ 'Odd Role': [all], app_reader: [usage] }`) },
    ]);
    expect(Object.values(all.schema!.defaultPrivileges!)[0]!.grants).toEqual({ app_reader: ['usage'] });
  });
});
