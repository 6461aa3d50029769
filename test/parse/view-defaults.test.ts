import { describe, expect, it } from 'vitest';
import { mustParse, parseYaml } from './helpers.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';

/** `column_defaults` of a view (ALTER VIEW ... ALTER COLUMN ... SET DEFAULT): what an INSERT through the view gets. */
describe('view column_defaults', () => {
  const view = (extra: string, materialized = false) => `
tables:
  t: { columns: { id: int, s: text } }
views:
  v:
    query: SELECT id, s FROM t
${materialized ? '    materialized: true\n' : ''}${extra}`;

  it('reads a literal or { sql } per column', () => {
    const s = mustParse(view(`    column_defaults: { s: none, id: { sql: "nextval('sq')" } }\n`));
    expect(s.views['v']!.columnDefaults).toEqual({ s: { literal: 'none' }, id: { sql: "nextval('sq')" } });
  });

  it('refuses them on a materialized view, located, with a true hint', () => {
    const r = parseYaml(view(`    column_defaults: { s: none }\n`, true));
    expect(r.schema).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    const [i] = r.issues;
    expect(i!.code).toBe('invalid-value');
    expect(i!.loc).toMatchObject({ file: 'schema/f0.yaml', line: 8 });
    expect(i!.message).toContain('PostgreSQL keeps no column defaults on a materialized view');
    expect(i!.hint).toBe('remove `column_defaults`, or drop `materialized: true` to make it a plain view');
  });

  it('changes in place: the view is not rebuilt, and down restores the old default', () => {
    const a = mustParse(view(`    column_defaults: { s: none }\n`));
    const b = mustParse(view(`    column_defaults: { id: 7 }\n`));
    const p = planMigration(a, b);
    expect(p.steps.map((s) => s.what)).toEqual(['column defaults of view v']);
    expect(renderUp(p)).toContain('ALTER VIEW public.v ALTER COLUMN id SET DEFAULT 7');
    expect(renderUp(p)).toContain('ALTER VIEW public.v ALTER COLUMN s DROP DEFAULT');
    expect(renderDown(p)).toContain("ALTER VIEW public.v ALTER COLUMN s SET DEFAULT 'none'");
  });
});
