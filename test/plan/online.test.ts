/**
 * Online-safe plans (plan/online.ts): each representative edge is rewritten into steps that do not block writers,
 * and the rewritten scripts are proven in PGlite like every other edge (up and down on tables holding sample rows,
 * statement by statement outside a transaction where the script says so).
 */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';
import { planMigration } from '../../src/plan/index.js';
import { onlinePlan, renderOnline } from '../../src/plan/online.js';
import { onlineGroups, isOnlineScript } from '../../src/sql/online.js';
import { verifyEdge, type VerifyData } from '../../src/pg/verify.js';

/** schema parses one YAML text. */
export function schema(text: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/main.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

const BASE = `
tables:
  teams:
    columns:
      id: { type: bigint, primary_key: true }
  users:
    columns:
      id: { type: bigint, primary_key: true }
      email: text
      team_id: bigint
      age: int
    indexes:
      users_age_idx: { columns: [age] }
`;

/** EDGES are representative online edges: [name, to YAML, what the online up must say]. */
export const EDGES: readonly (readonly [string, string, readonly RegExp[]])[] = [
  [
    'index',
    BASE.replace(
      'users_age_idx: { columns: [age] }',
      'users_age_idx: { columns: [age] }\n      users_email_idx: { columns: [email], unique: true }',
    ),
    [/DROP INDEX CONCURRENTLY IF EXISTS public\.users_email_idx/, /CREATE UNIQUE INDEX CONCURRENTLY users_email_idx/],
  ],
  [
    'drop index',
    BASE.replace('    indexes:\n      users_age_idx: { columns: [age] }\n', ''),
    [/DROP INDEX CONCURRENTLY IF EXISTS public\.users_age_idx/],
  ],
  [
    'foreign key',
    BASE.replace('team_id: bigint', 'team_id: { type: bigint, references: teams.id }'),
    [/FOREIGN KEY \(team_id\) REFERENCES public\.teams \(id\) NOT VALID/, /VALIDATE CONSTRAINT users_team_id_fkey/],
  ],
  [
    'check',
    BASE + '    checks:\n      age_pos: "age > 0"\n',
    [/CHECK \(age > 0\) NOT VALID/, /VALIDATE CONSTRAINT age_pos/],
  ],
  [
    'not null',
    BASE.replace('age: int', 'age: { type: int, nullable: false }'),
    [/CHECK \(age IS NOT NULL\) NOT VALID/, /VALIDATE CONSTRAINT users_age_nn_check/, /ALTER COLUMN age SET NOT NULL/],
  ],
  [
    'volatile default',
    BASE.replace(
      'age: int',
      'age: int\n      token: { type: uuid, nullable: false, default: { sql: gen_random_uuid() } }',
    ),
    [/ADD COLUMN token uuid;/, /SET DEFAULT gen_random_uuid\(\)/, /DO \$backfill\$/, /ALTER COLUMN token SET NOT NULL/],
  ],
  [
    'hostile names',
    BASE.replace(
      'age: int',
      'age: int\n      "$backfill$ x\\"y": { type: uuid, default: { sql: gen_random_uuid() } }',
    ).replace(
      'users_age_idx: { columns: [age] }',
      'users_age_idx: { columns: [age] }\n      "odd; DROP TABLE teams; --": { columns: [email] }',
    ),
    [/CREATE INDEX CONCURRENTLY "odd; DROP TABLE teams; --"/, /DO \$backfill1\$/],
  ],
];

describe('online plans', () => {
  const from = schema(BASE);
  for (const [name, yaml, expected] of EDGES) {
    it(`${name}: rewritten and proven in PGlite on rows`, async () => {
      const to = schema(yaml);
      const plan = onlinePlan(planMigration(from, to), from, to);
      expect(plan.online).toBe(true);
      expect(plan.steps.every((s) => !s.lock && !s.rewrite)).toBe(true);
      const up = renderOnline(plan, 'up');
      const down = renderOnline(plan, 'down');
      expect(isOnlineScript(up)).toBe(true);
      for (const re of expected) expect(up).toMatch(re);
      // CONCURRENTLY and backfills are steps of their own outside a transaction
      for (const g of onlineGroups(up))
        if (g.statements.some((s) => /CONCURRENTLY|^DO /.test(s.sql))) expect(g.transactional).toBe(false);
      const r = await verifyEdge(from, to, up, down, { whole: true });
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
      expect(Object.values((r.data as VerifyData).samples).some((n) => n > 0)).toBe(true);
    }, 60_000);
  }

  it('a check the rows break is located in the online script too (at its VALIDATE)', async () => {
    const to = schema(BASE + '    checks:\n      age_neg: "age < 0"\n');
    const plan = onlinePlan(planMigration(from, to), from, to);
    const up = renderOnline(plan, 'up');
    const r = await verifyEdge(from, to, up, renderOnline(plan, 'down'), { whole: true });
    const f = (r.data as VerifyData).failsOnData ?? [];
    // the sample rows hold positive ages: adding the check NOT VALID works, validating it fails
    expect(f.length).toBe(1);
    expect(f[0]!.statement).toMatch(/VALIDATE CONSTRAINT age_neg/);
    expect(f[0]!.code).toBe('23514');
  }, 60_000);

  it('tables created by the same plan keep plain statements', () => {
    const to = schema(
      BASE +
        '  posts:\n    columns:\n      id: bigint\n      user_id: { type: bigint, references: users.id }\n    indexes:\n      posts_user_idx: { columns: [user_id] }\n',
    );
    const plan = onlinePlan(planMigration(from, to), from, to);
    expect(plan.online).toBe(false);
  });
});
