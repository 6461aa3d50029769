import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { createView } from '../../src/sql/ddl.js';
import { mustParse, parseYaml } from './helpers.js';

const view = (extra: string) => `views:\n  daily_peaks:\n    query: SELECT 1 AS peak\n${extra}`;

describe('with_no_data on a materialized view', () => {
  it('is read, written back and created WITH NO DATA', () => {
    const s = mustParse(view('    materialized: true\n    with_no_data: true\n'));
    const v = s.views['daily_peaks']!;
    expect(v.withNoData).toBe(true);
    expect(createView('daily_peaks', v)[0]).toMatch(/\nWITH NO DATA$/);
    const back = parseSchemaFiles(writeSchemaYaml(s));
    expect(back.schema?.views['daily_peaks']?.withNoData).toBe(true);
  });

  it('leaves a populated view without it', () => {
    const v = mustParse(view('    materialized: true\n')).views['daily_peaks']!;
    expect(v.withNoData).toBeUndefined();
    expect(createView('daily_peaks', v)[0]).not.toContain('NO DATA');
  });

  it('is refused on a plain view, which holds no rows', () => {
    const r = parseYaml(view('    with_no_data: true\n'));
    expect(r.schema).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    const i = r.issues[0]!;
    expect(i.code).toBe('invalid-value');
    expect(i.loc).toMatchObject({ file: 'schema/f0.yaml', line: 4 });
    expect(i.hint).toBe('remove `with_no_data`, or add `materialized: true`');
  });
});
