import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/canon/index.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { mustParse } from '../parse/helpers.js';

describe('cluster_on through YAML', () => {
  const yaml = `
tables:
  orders:
    columns: { id: { type: bigint, primary_key: true }, at: timestamptz }
    indexes: { orders_at_idx: { columns: [at] } }
    cluster_on: orders_at_idx
  keyed:
    columns: { id: { type: bigint, primary_key: true } }
    cluster_on: keyed_pkey
  'Odd "T"':
    columns: { x: int }
    indexes: { 'Odd "Ix"': { columns: [x] } }
    cluster_on: 'Odd "Ix"'
  plain:
    columns: { id: int }
`;

  for (const layout of ['per-schema', 'per-table'] as const) {
    it(`YAML -> model -> YAML -> model keeps every mark (${layout}), and writes it as \`cluster_on: name\``, () => {
      const s = mustParse(yaml);
      const files = writeSchemaYaml(s, { layout });
      const text = files.map((f) => f.text).join('\n');
      expect(text).toContain('cluster_on: orders_at_idx');
      expect(text).toContain('cluster_on: keyed_pkey');
      expect(text).toMatch(/cluster_on: '?Odd "Ix"'?/);
      expect(text.match(/cluster_on:/g)).toHaveLength(3); // none for `plain`
      const back = parseSchemaFiles(files);
      expect(back.issues).toEqual([]);
      expect(canonicalJson(back.schema!)).toBe(canonicalJson(s));
      expect(back.schema!.tables['orders']!.clusterOn).toBe('orders_at_idx');
      expect(back.schema!.tables['"Odd ""T"""']!.clusterOn).toBe('Odd "Ix"');
      expect(writeSchemaYaml(back.schema!, { layout })).toEqual(files);
    });
  }
});
