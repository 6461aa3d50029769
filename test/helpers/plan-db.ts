/** What plan tests that apply a migration for real share: one YAML text parsed, and a plan's steps run in order. */
import { parseSchemaFiles } from '../../src/parse/index.js';
import { planMigration } from '../../src/plan/index.js';
import type { Schema } from '../../src/model/types.js';
import type { Driver } from '../../src/pg/driver.js';

/** parseYaml parses one YAML text (as schema/a.yaml), throwing its issues when it does not parse. */
export function parseYaml(text: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/a.yaml', text }]);
  if (!r.schema) throw new Error(JSON.stringify(r.issues));
  return r.schema;
}

/** applyPlan runs the steps of the plan from `from` to `to` on `db`, one step at a time. */
export async function applyPlan(db: Driver, from: Schema, to: Schema): Promise<void> {
  for (const s of planMigration(from, to).steps) await db.exec(s.sql.join(';\n'));
}
