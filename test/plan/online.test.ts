/**
 * Online-safe plans (plan/online.ts): each representative edge is rewritten into steps that do not block writers,
 * and the rewritten scripts are proven in PGlite like every other edge (up and down on tables holding sample rows,
 * statement by statement outside a transaction where the script says so).
 */
import { describe, expect, it } from 'vitest';
import { BASE, EDGES, schema } from '../helpers/online-edges.js';
import { planMigration } from '../../src/plan/index.js';
import { REWRITE_NOTE, onlinePlan, renderOnline } from '../../src/plan/online.js';
import { lintScript } from '../../src/lint/index.js';
import { onlineGroups, isOnlineScript } from '../../src/sql/online.js';
import { verifyEdge, type VerifyData } from '../../src/pg/verify.js';

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
        if (g.statements.some((s) => /CONCURRENTLY|^DO \$backfill/.test(s.sql))) expect(g.transactional).toBe(false);
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

  it('a rewriting type change (int -> bigint) has no online form: kept, said so, proven, and linted loudly with the way', async () => {
    const to = schema(BASE.replace('age: int', 'age: bigint'));
    const plan = onlinePlan(planMigration(from, to), from, to);
    const kept = plan.steps.filter((s) => s.rewrite);
    expect(kept.map((s) => s.what)).toEqual([`alter column users.age (type) ${REWRITE_NOTE}`]);
    const up = renderOnline(plan, 'up');
    expect(up).toMatch(/ALTER COLUMN age TYPE bigint/);
    const findings = await lintScript(up);
    expect(findings.map((f) => [f.rule, f.step])).toEqual([['changing-column-type', kept[0]!.what]]);
    expect(findings[0]!.help).toMatch(/expand\/contract/);
    const r = await verifyEdge(from, to, up, renderOnline(plan, 'down'), { whole: true });
    expect(r.problems).toEqual([]);
    // a change PostgreSQL makes without a rewrite is not flagged as one
    const wide = schema(BASE.replace('email: text', 'email: varchar(20)'));
    const wider = schema(BASE.replace('email: text', 'email: varchar(40)'));
    expect(onlinePlan(planMigration(wide, wider), wide, wider).steps.some((s) => s.what.includes(REWRITE_NOTE))).toBe(
      false,
    );
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
