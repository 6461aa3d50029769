import { describe, expect, it } from 'vitest';
import { mustParse, parseYaml } from './helpers.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';

/** A column's attribute options (`ALTER COLUMN ... SET (n_distinct = ...)`): the planner's statistics overrides. */
describe('column options', () => {
  const table = (opts: string) => `
tables:
  sg:
    columns:
      g: { type: bigint${opts} }
`;

  it('reads n_distinct and n_distinct_inherited as PostgreSQL stores them', () => {
    const s = mustParse(table(', options: { n_distinct: -0.02, N_DISTINCT_INHERITED: "100" }'));
    expect(s.tables['sg']!.columns[0]!.options).toEqual({ n_distinct: '-0.02', n_distinct_inherited: '100' });
  });

  it('refuses an option PostgreSQL does not have, and a value that is not a number, located', () => {
    const r = parseYaml(table(', options: { n_distinc: 1, n_distinct: many }'));
    expect(r.schema).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.loc?.line, i.message, i.hint])).toEqual([
      [
        'unknown-key',
        5,
        '`options` of column `g` has no option `n_distinc`',
        "PostgreSQL's attribute options are `n_distinct` and `n_distinct_inherited`",
      ],
      [
        'invalid-value',
        5,
        '`options.n_distinct` must be a number, not `many`',
        'write e.g. `-0.05` (a fraction of the rows) or `1000` (a count)',
      ],
    ]);
  });

  it('plans SET and RESET in place, and down gives the old options back', () => {
    const a = mustParse(table(', options: { n_distinct: -0.02, n_distinct_inherited: 7 }'));
    const b = mustParse(table(', options: { n_distinct: -0.5 }'));
    const p = planMigration(a, b);
    expect(renderUp(p)).toContain('ALTER TABLE public.sg ALTER COLUMN g RESET (n_distinct_inherited)');
    expect(renderUp(p)).toContain("ALTER TABLE public.sg ALTER COLUMN g SET (n_distinct = '-0.5')");
    expect(renderDown(p)).toContain("SET (n_distinct = '-0.02', n_distinct_inherited = '7')");
    expect(p.steps.every((s) => !s.destructive && !s.rewrite)).toBe(true);
  });
});
