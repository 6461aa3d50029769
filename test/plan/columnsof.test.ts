/** columnsOf: the one scan for the columns of a type (or an array of it) the planner's type rebuilds and refusals share. */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';
import { columnsOf, elementType } from '../../src/plan/context.js';

function yaml(text: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

const schema = yaml(`enums:
  mood: { values: [a, b] }
tables:
  t1: { columns: { id: { type: integer }, m: { type: mood }, ms: { type: "mood[]" } } }
  t2: { columns: { grid: { type: "mood[][]" }, n: { type: text } } }
`);
const found = (...args: Parameters<typeof columnsOf>) =>
  columnsOf(...args).map((c) => `${c.table}.${c.column.name}:${c.type}`);

describe('columnsOf', () => {
  it('finds the columns of exactly the type, in table then column order', () => {
    expect(found(schema, (t) => t === 'mood')).toEqual(['t1.m:mood']);
  });

  it('with arrays, finds arrays of the type too, and tells the element type', () => {
    expect(found(schema, (t) => t === 'mood', { arrays: true })).toEqual(['t1.m:mood', 't1.ms:mood', 't2.grid:mood']);
    expect(elementType('mood[][]')).toBe('mood');
  });

  it('passes over the tables `skip` admits', () => {
    expect(found(schema, (t) => t === 'mood', { arrays: true, skip: (t) => t === 't1' })).toEqual(['t2.grid:mood']);
  });
});
