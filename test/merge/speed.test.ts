/**
 * Speed bar: merging two 1000-table branches with 50 changes each takes well under a second (pure merge3,
 * before verification). Uses H1's generateSchema/mutateSchema when present, else a local generator.
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

/** best runs fn 3 times and keeps the fastest (the test machine is shared and noisy). */
function best<T>(fn: () => T): { r: T; ms: number } {
  let out: { r: T; ms: number } | undefined;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = fn();
    const ms = performance.now() - t0;
    if (!out || ms < out.ms) out = { r, ms };
  }
  return out!;
}

describe('merge speed', () => {
  it('merges two 1000-table branches with 50 changes each in < 1 s', () => {
    const base = generate(1000);
    const ours = mutate(base, 50, 'o', 0);
    const theirs = mutate(base, 50, 't', 5);
    merge3(base, ours, theirs); // warm up
    const { r, ms } = best(() => merge3(base, ours, theirs));
    console.log(`merge3 1000 tables, 50+50 changes: ${ms.toFixed(1)} ms, ${r.conflicts.length} conflicts`);
    expect(r.conflicts).toEqual([]);
    expect(ms).toBeLessThan(1000);
  });
  it('merges generateSchema(1000) with mutateSchema(…, 50) on each side in < 1 s', () => {
    const base = generateSchema(1000, 1);
    const ours = mutateSchema(base, 50, 2);
    const theirs = mutateSchema(base, 50, 3);
    merge3(base, ours, theirs);
    const { r, ms } = best(() => merge3(base, ours, theirs));
    console.log(
      `merge3 generateSchema(1000), 50+50 changes: ${ms.toFixed(1)} ms, ${r.conflicts.length} conflicts, ${r.renames.length} renames followed`,
    );
    expect(Object.keys(r.schema.tables).length).toBeGreaterThanOrEqual(1000);
    expect(ms).toBeLessThan(1000);
  });
});
