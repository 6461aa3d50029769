/**
 * Types changed in ways PostgreSQL refuses while in use. A range type whose subtype changes is dropped and created again (ALTER TYPE cannot change it). While a column, a
 * domain or a composite type is of it (or of its multirange), PostgreSQL refuses the DROP TYPE and the plan would
 * fail half-way: the planner refuses it by name, with the way to make the change. An unused range is still re-created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { planMigration } from '../../src/plan/index.js';
import type { Driver } from '../../src/pg/driver.js';
import type { Schema } from '../../src/model/types.js';

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
});
afterAll(() => db.close());

async function read(sql: string): Promise<Schema> {
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await db.exec(sql);
  return (await introspect(db)).schema;
}

describe('a range type re-created while in use', () => {
  it('is refused, naming the column, the domain and the composite attribute of it or its multirange', async () => {
    const uses =
      'CREATE TABLE rt (id int, r "Span", m "Spans"[]); CREATE DOMAIN d AS "Span"; CREATE TYPE c AS (x "Span");';
    const A = await read(`CREATE TYPE "Span" AS RANGE (subtype = int4, multirange_type_name = "Spans"); ${uses}`);
    const B = await read(`CREATE TYPE "Span" AS RANGE (subtype = int8, multirange_type_name = "Spans"); ${uses}`);
    let err: { code?: string; message?: string; hint?: string } = {};
    try {
      planMigration(A, B);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('not-supported');
    expect(err.message).toContain('range type "Span"');
    for (const user of ['column rt.r', 'column rt.m', 'domain d', 'composite type c.x'])
      expect(err.message).toContain(user);
    expect(err.hint).toContain('ALTER COLUMN');
  });

  it('is dropped and created again when nothing is of it', async () => {
    const A = await read('CREATE TYPE span AS RANGE (subtype = int4)');
    const B = await read('CREATE TYPE span AS RANGE (subtype = int8)');
    const sql = planMigration(A, B).steps.flatMap((s) => s.sql);
    expect(sql.join('\n')).toMatch(/DROP TYPE[\s\S]*CREATE TYPE/);
  });
});

describe('a composite attribute retyped while a column is of the type and a routine uses it too', () => {
  it('is refused, naming the column (the columns cannot be carried across, ALTER ATTRIBUTE ... TYPE fails)', async () => {
    const fn = `CREATE FUNCTION mk(k text) RETURNS pair LANGUAGE sql AS 'SELECT ROW(k, NULL)::pair';`;
    const A = await read(`CREATE TYPE pair AS (k text, v int); ${fn} CREATE TABLE kv (p pair, ps pair[]);`);
    const B = await read(`CREATE TYPE pair AS (k text, v bigint); ${fn} CREATE TABLE kv (p pair, ps pair[]);`);
    let err: { code?: string; message?: string } = {};
    try {
      planMigration(A, B);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('not-supported');
    expect(err.message).toContain('composite type pair');
    expect(err.message).toContain('kv.p, kv.ps');
  });
});
