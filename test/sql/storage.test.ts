/**
 * A column's storage put back to its type's is named (SET STORAGE EXTENDED / MAIN / PLAIN), never `SET STORAGE
 * DEFAULT` (PostgreSQL 16+): pg_catalog's types from a table of pg_type.typstorage, any other type from pg_type
 * when the statement runs.
 */
import { describe, expect, it } from 'vitest';
import { builtinStorage, storageResetSql } from '../../src/sql/storage.js';
import { columnSettings } from '../../src/sql/ddl.js';

describe('storage reset', () => {
  it('knows pg_catalog types through modifiers, arrays and the pg_catalog prefix', () => {
    expect(builtinStorage('text')).toBe('extended');
    expect(builtinStorage('character varying(20)')).toBe('extended');
    expect(builtinStorage('numeric(12,2)')).toBe('main');
    expect(builtinStorage('pg_catalog.inet')).toBe('main');
    expect(builtinStorage('timestamp(3) with time zone')).toBe('plain');
    expect(builtinStorage('integer[]')).toBe('extended');
    expect(builtinStorage('mood')).toBeUndefined();
    expect(builtinStorage('public.citext')).toBeUndefined();
  });

  it('names the strategy, or reads it from pg_type for a type it does not know', () => {
    expect(storageResetSql('public."Doc s"', 'Body', 'text')).toBe(
      'ALTER TABLE public."Doc s" ALTER COLUMN "Body" SET STORAGE EXTENDED',
    );
    const dyn = storageResetSql('public."Doc s"', "it's", 'public."long note"');
    expect(dyn).toMatch(/^DO \$sv\$ BEGIN EXECUTE pg_catalog\.format\(/);
    expect(dyn).toContain(`'public."Doc s"'::pg_catalog.regclass AND a.attname = 'it''s'`);
    expect(dyn).not.toContain('DEFAULT');
  });

  it('never writes SET STORAGE DEFAULT, and sets storage and compression again after a type change', () => {
    const a = {
      kind: 'column',
      name: 'b',
      type: 'text',
      nullable: true,
      storage: 'main',
      compression: 'pglz',
    } as const;
    expect(columnSettings('t', a, { ...a, storage: undefined, compression: undefined })).toEqual([
      'ALTER TABLE public.t ALTER COLUMN b SET STORAGE EXTENDED',
      'ALTER TABLE public.t ALTER COLUMN b SET COMPRESSION DEFAULT',
    ]);
    expect(columnSettings('t', a, { ...a, type: 'character varying(9)' }, true)).toEqual([
      'ALTER TABLE public.t ALTER COLUMN b SET STORAGE MAIN',
      'ALTER TABLE public.t ALTER COLUMN b SET COMPRESSION PGLZ',
    ]);
  });
});
