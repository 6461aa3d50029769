/**
 * Edge closure: a small change to a big schema is proven on the objects it can affect. The closure must hold the
 * changed objects, what refers to them, what they need (stripped), and anything the scripts name; a failing partial
 * proof falls back to the whole proof, so hand-edited scripts that touch other objects are still caught.
 */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';
import { edgeClosure, partialSchema, tokens } from '../../src/pg/closure.js';
import { verifyEdge, type VerifyData } from '../../src/pg/index.js';

function schema(yaml: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/main.yaml', text: yaml }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.schema;
}

function big(extra = ''): Schema {
  const lines = ['enums:', '  mood: [sad, happy]', 'tables:'];
  for (let i = 0; i < 60; i++) {
    lines.push(
      `  t${i}:`,
      '    columns:',
      '      id: { type: bigint, identity: by_default, primary_key: true }',
      '      name: { type: text, nullable: false }',
    );
    if (i > 0) lines.push(`      parent_id: { type: bigint, references: t${i - 1}.id }`);
    if (i === 7) lines.push('      mood: { type: mood }');
    if (i === 5) lines.push(extra);
  }
  lines.push('views:', '  v5: { query: "SELECT id, name FROM t5" }');
  return schema(lines.filter((l) => l !== '').join('\n') + '\n');
}

const A = big();
const B = big('      note: { type: text }');

describe('edgeClosure', () => {
  it('tokenises SQL and JSON text into lower-cased identifiers, quoted ones included', () => {
    expect([...tokens('ALTER TABLE "Odd Name" ADD x int; -- t5')]).toEqual(
      expect.arrayContaining(['alter', 'odd name', 't5', 'x']),
    );
  });

  it('holds the changed table, its dependents one level deep, and its dependencies stripped', () => {
    const plan = planMigration(A, B);
    const c = edgeClosure(A, B, renderUp(plan), renderDown(plan));
    expect(c.full.has('tables:t5')).toBe(true);
    expect(c.full.has('views:v5')).toBe(true); // a view on the changed table
    expect(c.full.has('tables:t6')).toBe(true); // references t5
    expect(c.stripped.has('tables:t4')).toBe(true); // t5 references it
    expect(c.full.has('tables:t8') || c.stripped.has('tables:t8')).toBe(false);
    expect(c.full.has('tables:t40') || c.stripped.has('tables:t40')).toBe(false);
    const p = partialSchema(A, c);
    expect(Object.keys(p.tables).length).toBeLessThan(10);
    expect(p.tables.t4!.foreignKeys).toEqual({}); // stripped: no FK chain down to t0
  });

  it('takes in any object the scripts name', () => {
    const c = edgeClosure(
      A,
      B,
      'ALTER TABLE t5 ADD COLUMN note text; DROP TABLE IF EXISTS t50',
      'ALTER TABLE t5 DROP COLUMN note',
    );
    expect(c.full.has('tables:t50')).toBe(true);
  });
});

describe('verifyEdge on a big schema', () => {
  it('proves a small change on its closure', async () => {
    const plan = planMigration(A, B);
    const r = await verifyEdge(A, B, renderUp(plan), renderDown(plan));
    expect(r.problems).toEqual([]);
    const data = r.data as VerifyData;
    expect(data.partial).toBeDefined();
    expect(data.partial!.objects).toBeLessThan(data.partial!.of / 2);
  });

  it('catches a hand-edited up that also drops an unrelated table', async () => {
    const up = 'ALTER TABLE t5 ADD COLUMN note text;\nDROP TABLE IF EXISTS t59';
    const r = await verifyEdge(A, B, up, 'ALTER TABLE t5 DROP COLUMN note');
    expect(r.ok).toBe(false);
    expect(r.problems).toContain('up: table t59 missing');
  });

  it('catches a hand-edited up that misses the column (whole proof decides)', async () => {
    const r = await verifyEdge(A, B, 'SELECT 1', 'SELECT 1');
    expect(r.ok).toBe(false);
    expect(r.problems).toContain('up: column t5.note missing');
    expect((r.data as VerifyData).partial).toBeUndefined();
  });
});
