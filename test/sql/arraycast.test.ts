/**
 * keepArrayCoercion: the text PostgreSQL writes for an IN list over a varchar column parses back into another
 * expression; the rewrite must make it parse back into the catalog's own (checked in PGlite), and leave every
 * other array alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepArrayCoercion } from '../../src/sql/arraycast.js';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Driver } from '../../src/pg/driver.js';

describe('keepArrayCoercion', () => {
  let db: Driver;
  beforeAll(async () => {
    db = await freshPglite();
  });
  afterAll(async () => {
    await db?.close();
  });

  const checkOf = async (table: string): Promise<string> =>
    (
      await db.query<{ d: string }>(
        `SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = '${table}'::regclass AND contype = 'c'`,
      )
    )[0]!.d;

  it('writes an IN list over varchar so that it parses back to the same catalog text', async () => {
    await db.exec(`CREATE TABLE t1 (s varchar(10), CHECK (s IN ('a', 'it''s', NULL) AND s NOT IN ('b')))`);
    const written = await checkOf('t1');
    const expr = written.replace(/^CHECK \((.*)\)$/s, '$1');
    // PostgreSQL's own text does not survive a round trip ...
    await db.exec(`CREATE TABLE t2 (s varchar(10), CHECK (${expr}))`);
    expect(await checkOf('t2')).not.toBe(written);
    // ... the rewritten one does
    await db.exec(`CREATE TABLE t3 (s varchar(10), CHECK (${keepArrayCoercion(expr)}))`);
    expect(await checkOf('t3')).toBe(written);
  });

  it('leaves other arrays, literals and identifiers alone', () => {
    for (const text of [
      `s = ANY (ARRAY['a'::text, 'b'::text])`,
      `s = ANY (ARRAY[('a'::character varying)::text, ('b'::character varying)::text])`,
      `x = ANY (ARRAY[1, 2]::bigint[])`,
      `s = 'ARRAY[''a''::character varying]::text[]'`,
      `"my ARRAY['a'::character varying]::text[]" IS NULL`,
      `s::text = ANY (ARRAY['a'::character varying, 'b'::text]::text[])`,
    ])
      expect(keepArrayCoercion(text)).toBe(text);
  });

  it('keeps a length all elements share, and leaves mixed lengths alone', () => {
    expect(
      keepArrayCoercion(`s::text = ANY (ARRAY['a'::character varying(5), 'b'::character varying(5)]::text[])`),
    ).toBe(
      `s::text = ANY (ARRAY['a'::character varying(5), 'b'::character varying(5)]::character varying(5)[]::text[])`,
    );
    const mixed = `s::text = ANY (ARRAY['a'::character varying(3), 'b'::character varying]::text[])`;
    expect(keepArrayCoercion(mixed)).toBe(mixed);
  });

  it('adds the inner cast with and without the deparser parentheses', () => {
    expect(keepArrayCoercion(`s::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])`)).toBe(
      `s::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::character varying[]::text[])`,
    );
    expect(keepArrayCoercion(`((s)::text = ANY ((ARRAY['a'::character varying])::text[]))`)).toBe(
      `((s)::text = ANY ((ARRAY['a'::character varying]::character varying[])::text[]))`,
    );
  });
});
