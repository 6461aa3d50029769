import { describe, expect, it } from 'vitest';
import { PG_TYPE_NAMES, PG_TYPE_SPELLINGS } from '../../src/validate/pg-types.js';
import { freshPglite } from '../../src/pg/pglite.js';
// @ts-expect-error a plain JS script (kept in the repo to regenerate the list)
import { readPgTypes } from '../../scripts/gen-pg-types.js';

/** The built-in type list is read from a real catalog; this fails when PGlite's pg_type and the file disagree. */
describe('built-in type names', () => {
  it('are exactly the pg_catalog types of the PostgreSQL schemaver runs (scripts/gen-pg-types.js)', async () => {
    const db = await freshPglite();
    const { names, spellings } = (await readPgTypes((sql: string) => db.query(sql)).finally(() => db.close())) as {
      names: string[];
      spellings: string[];
    };
    expect([...PG_TYPE_NAMES]).toEqual(names);
    expect([...PG_TYPE_SPELLINGS]).toEqual(spellings);
    for (const t of ['int4', 'varchar', 'timestamptz', 'jsonb', 'uuid']) expect(PG_TYPE_NAMES).toContain(t);
    for (const t of ['integer', 'character varying', 'timestamp with time zone', 'double precision'])
      expect(PG_TYPE_SPELLINGS).toContain(t);
  }, 60_000);
});
