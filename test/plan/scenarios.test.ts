/**
 * Golden scenarios: test/scenarios/plan/<case>/{from.yaml,to.yaml} -> expected.up.sql / expected.down.sql
 * (written or rewritten only with UPDATE_GOLDEN=1; a missing one fails), and every scenario applied for real in PGlite: build `from`, apply up,
 * compare the catalog read back with `to` built from nothing; apply down, compare with `from`; re-planning
 * the result against `to` must be empty.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { ensureRoles } from '../../src/pg/build.js';
import { resettableDb, type ResettableDb } from '../../src/conformance/pool.js';
import { defaultCompare } from '../../src/conformance/run.js';
import type { Driver } from '../../src/pg/driver.js';
import type { Step } from '../../src/model/plan.js';

const DIR = resolve(import.meta.dirname, '..', 'scenarios', 'plan');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function load(file: string): Schema {
  if (!existsSync(file)) return emptySchema();
  const r = parseSchemaFiles([{ path: 'schema/' + file.split('/').pop(), text: readFileSync(file, 'utf8') }]);
  if (!r.schema) throw new Error(`${file}: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.schema;
}

async function apply(db: Driver, steps: readonly Step[], reverse = false): Promise<void> {
  const list = reverse ? [...steps].reverse() : steps;
  for (const s of list) {
    const sql = reverse ? s.reverse : s.sql;
    expect(sql, `irreversible step ${s.what}`).not.toBeNull();
    try {
      await db.exec(sql!.map((x) => x + ';').join('\n'));
    } catch (e) {
      throw new Error(`${reverse ? 'undo ' : ''}${s.what} failed: ${(e as Error).message}\n${sql!.join(';\n')}`);
    }
  }
}

/** readBack builds `schema` from nothing in a clean database and returns the catalog read back. */
async function build(dbs: ResettableDb, schema: Schema): Promise<{ db: Driver; schema: Schema }> {
  const db = await dbs.clean();
  await ensureRoles(db, schema);
  await apply(db, planMigration(emptySchema(), schema).steps);
  return { db, schema: (await introspect(db)).schema };
}

const cases = readdirSync(DIR)
  .filter((d) => existsSync(join(DIR, d, 'to.yaml')))
  .sort();

describe('plan scenarios', () => {
  let dbs: ResettableDb;
  beforeAll(() => {
    dbs = resettableDb(() => freshPglite());
  });
  afterAll(async () => {
    await dbs.close();
  });

  it('has scenarios', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of cases) {
    it(
      name,
      async () => {
        const from = load(join(DIR, name, 'from.yaml'));
        const to = load(join(DIR, name, 'to.yaml'));
        const plan = planMigration(from, to);
        const up = renderUp(plan);
        const down = renderDown(plan);
        for (const [file, text] of [
          ['expected.up.sql', up],
          ['expected.down.sql', down],
        ] as const) {
          const path = join(DIR, name, file);
          if (UPDATE) writeFileSync(path, text);
          else {
            // a missing golden is a failure, never written silently: the new case must be looked at
            expect(existsSync(path), `${name}/${file} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
            expect(text, `${name}/${file} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, 'utf8'));
          }
        }
        // proven in PGlite: what PostgreSQL reads back decides
        const target = (await build(dbs, to)).schema;
        const { db, schema: source } = await build(dbs, from);
        await apply(db, plan.steps);
        // one read of the migrated database serves both checks (nothing runs between them)
        const migrated = (await introspect(db)).schema;
        expect(defaultCompare(migrated, target), 'up reproduces to').toEqual([]);
        expect(
          planMigration(migrated, target).steps.map((s) => s.what),
          're-plan after up',
        ).toEqual([]);
        await apply(db, plan.steps, true);
        expect(defaultCompare((await introspect(db)).schema, source), 'down reproduces from').toEqual([]);
      },
      60_000,
    );
  }
});
