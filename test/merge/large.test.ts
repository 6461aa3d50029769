/**
 * Merging two 1000-table branches with 50 changes each (pure merge3, before verification): the merge is clean and
 * keeps every table. Its speed (bar: well under a second) is measured by `npm run bench` ("merge"), beside the
 * machine's reference loop, not here: a wall-clock bar in a unit test fails whenever the machine is busy.
 */
import { describe, expect, it } from 'vitest';
import { merge3 } from '../../src/merge/index.js';
import type { Schema, Table } from '../../src/model/types.js';
import { col, schema, table } from './build.js';
import { generateSchema, mutateSchema } from '../../tools/generate.js';

function generate(n: number): Schema {
  const tables: Table[] = [];
  for (let i = 0; i < n; i++) {
    const cols = [
      col('id', 'bigint', { nullable: false }),
      ...Array.from({ length: 9 }, (_, j) => col(`c${j}`, j % 2 ? 'text' : 'integer')),
    ];
    tables.push(
      table(`t${i}`, cols, {
        primaryKey: { kind: 'primary_key', name: `t${i}_pkey`, columns: ['id'] },
        indexes: { [`t${i}_c0_idx`]: { kind: 'index', name: `t${i}_c0_idx`, elements: [{ column: 'c0' }] } },
        ...(i > 0
          ? {
              foreignKeys: {
                [`t${i}_fk`]: {
                  kind: 'foreign_key',
                  name: `t${i}_fk`,
                  columns: ['c0'],
                  refTable: `t${i - 1}`,
                  refColumns: ['id'],
                },
              },
            }
          : {}),
      }),
    );
  }
  return schema({ tables });
}

function mutate(s: Schema, changes: number, salt: string, offset: number): Schema {
  const tables = { ...s.tables };
  for (let k = 0; k < changes; k++) {
    const key = `t${(offset + k * 17) % Object.keys(s.tables).length}`;
    const t = tables[key]!;
    tables[key] =
      k % 3 === 0
        ? { ...t, columns: [...t.columns, col(`${salt}_${k}`, 'text')] }
        : k % 3 === 1
          ? { ...t, columns: t.columns.map((c) => (c.name === 'c1' ? { ...c, nullable: false } : c)) }
          : {
              ...t,
              indexes: {
                ...t.indexes,
                [`${key}_${salt}_idx`]: { kind: 'index', name: `${key}_${salt}_idx`, elements: [{ column: 'c2' }] },
              },
            };
  }
  return { ...s, tables };
}

describe('merge of large schemas', () => {
  it('merges two 1000-table branches with 50 changes each, keeping both sides changes, with no conflict', () => {
    const base = generate(1000);
    const ours = mutate(base, 50, 'o', 0);
    const theirs = mutate(base, 50, 't', 5);
    const r = merge3(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    // the first change of each side: a column added to t0 (ours) and to t5 (theirs)
    expect(r.schema.tables.t0!.columns.map((c) => c.name)).toContain('o_0');
    expect(r.schema.tables.t5!.columns.map((c) => c.name)).toContain('t_0');
  });
  it('merges generateSchema(1000) with mutateSchema(…, 50) on each side, following renames', () => {
    const base = generateSchema(1000, 1);
    const ours = mutateSchema(base, 50, 2);
    const theirs = mutateSchema(base, 50, 3);
    const r = merge3(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.renames.length).toBeGreaterThan(0);
    expect(Object.keys(r.schema.tables).length).toBeGreaterThanOrEqual(1000);
  });
});
