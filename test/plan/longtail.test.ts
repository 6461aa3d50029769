/**
 * The long tail a production schema holds: GRANTs on definition objects (foreign tables and their columns, range
 * types, aggregates, foreign-data wrappers, servers, languages), text search parsers and templates, procedural
 * languages, event triggers around the plan's own DDL, and the counter a dropped sequence loses. Read from PGlite,
 * planned, applied and read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { planMigration } from '../../src/plan/index.js';
import { upHazards } from '../../src/plan/hazards.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { rolesOf } from '../../src/pg/build.js';
import { aclOfStatements } from '../../src/sql/grants.js';
import type { Driver } from '../../src/pg/driver.js';

const ROLES = `DO $$ BEGIN CREATE ROLE "Odd Role"; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
  DO $$ BEGIN CREATE ROLE app_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`;
const FT = `CREATE FOREIGN DATA WRAPPER "Odd Wrapper";
  CREATE SERVER "Odd Server" FOREIGN DATA WRAPPER "Odd Wrapper";
  CREATE FOREIGN TABLE "Odd FT" (id int, "Odd Col" text) SERVER "Odd Server";
  CREATE TYPE "Odd Range" AS RANGE (subtype = int4);
  CREATE TABLE uses_range (id int, r "Odd Range");
  CREATE AGGREGATE "Odd Sum"(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
  CREATE TRUSTED LANGUAGE "Odd Lang" HANDLER plpgsql_call_handler INLINE plpgsql_inline_handler VALIDATOR plpgsql_validator;`;
const GRANTS = `GRANT SELECT ON "Odd FT" TO app_reader;
  GRANT SELECT ("Odd Col") ON "Odd FT" TO "Odd Role";
  REVOKE ALL ON TYPE "Odd Range" FROM PUBLIC;
  GRANT USAGE ON TYPE "Odd Range" TO "Odd Role" WITH GRANT OPTION;
  REVOKE EXECUTE ON FUNCTION "Odd Sum"(integer) FROM PUBLIC;
  GRANT USAGE ON FOREIGN DATA WRAPPER "Odd Wrapper" TO "Odd Role";
  GRANT USAGE ON FOREIGN SERVER "Odd Server" TO app_reader;
  REVOKE USAGE ON LANGUAGE "Odd Lang" FROM PUBLIC;`;

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
});
afterAll(() => db.close());

/** read builds `sql` in a fresh schema of the database and reads it back (nothing unsupported allowed). */
async function read(sql: string): Promise<Schema> {
  await reset();
  await db.exec(sql);
  const r = await introspect(db);
  expect(r.unsupported.map((u) => u.message)).toEqual([]);
  return r.schema;
}

async function reset(): Promise<void> {
  await db.exec(`DROP EVENT TRIGGER IF EXISTS "Odd Block";
    DROP SCHEMA public CASCADE; CREATE SCHEMA public; GRANT ALL ON SCHEMA public TO PUBLIC;
    DROP LANGUAGE IF EXISTS "Odd Lang" CASCADE; DROP FOREIGN DATA WRAPPER IF EXISTS "Odd Wrapper" CASCADE; ${ROLES}`);
}

/** apply runs the plan from `a` to `b` on a database built as `a`, returning the read-back. */
async function apply(aSql: string, a: Schema, b: Schema): Promise<Schema> {
  await reset();
  await db.exec(aSql);
  for (const s of planMigration(a, b).steps) await db.exec(s.sql.join(';\n'));
  return (await introspect(db)).schema;
}

describe('GRANTs on definition objects', () => {
  it('are read into their CREATE text, planned as GRANT/REVOKE alone (never a drop), both ways', async () => {
    const a = await read(ROLES + FT);
    const b = await read(ROLES + FT + GRANTS);
    expect(b.objects!['foreign table "Odd FT"']!.sql).toContain(
      'GRANT SELECT ON TABLE "Odd FT" TO app_reader;\nGRANT SELECT ("Odd Col") ON TABLE "Odd FT" TO "Odd Role"',
    );
    expect(b.objects!['range type "Odd Range"']!.sql).toContain(
      'REVOKE USAGE ON TYPE "Odd Range" FROM PUBLIC;\nGRANT USAGE ON TYPE "Odd Range" TO "Odd Role" WITH GRANT OPTION',
    );
    expect(b.objects!['aggregate "Odd Sum"(integer)']!.sql).toContain(
      'REVOKE EXECUTE ON FUNCTION "Odd Sum"(integer) FROM PUBLIC',
    );
    expect(b.objects!['foreign data wrapper "Odd Wrapper"']!.sql).toContain('GRANT USAGE ON FOREIGN DATA WRAPPER');
    expect(b.objects!['server "Odd Server"']!.sql).toContain(
      'GRANT USAGE ON FOREIGN SERVER "Odd Server" TO app_reader',
    );
    expect(b.objects!['language "Odd Lang"']!.sql).toContain('REVOKE USAGE ON LANGUAGE "Odd Lang" FROM PUBLIC');
    expect(rolesOf(b)).toEqual(['Odd Role', 'app_reader']);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const steps = planMigration(x, y).steps;
      expect(steps.flatMap((s) => s.sql).filter((s) => /^(DROP|CREATE)/.test(s))).toEqual([]);
      expect(steps.every((s) => s.what.startsWith('change privileges on '))).toBe(true);
      const back = await apply(x === a ? ROLES + FT : ROLES + FT + GRANTS, x, y);
      expect(back.objects).toEqual(y.objects);
    }
  });

  it('a text that is not createGrants’ own is not taken apart', () => {
    expect(aclOfStatements(['GRANT SELECT ON TABLE t TO r'])).toEqual([
      { target: 'TABLE t', cls: 'table', grants: { r: ['select'] } },
    ]);
    expect(aclOfStatements(['GRANT select ON TABLE t TO r'])).toBeUndefined();
    expect(aclOfStatements(['GRANT SELECT ON TABLE t TO r, s'])).toBeUndefined();
    expect(aclOfStatements(['GRANT SELECT, SELECT ON TABLE t TO r'])).toBeUndefined();
    expect(aclOfStatements(['GRANT USAGE ON SCHEMA s TO r'])).toBeUndefined();
  });
});

describe('text search parsers and templates, procedural languages', () => {
  it('are definition objects: created before what uses them, dropped after, proven both ways', async () => {
    const more = `CREATE TEXT SEARCH PARSER "Odd Parser" (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype);
      CREATE TEXT SEARCH TEMPLATE "Odd Template" (INIT = dsimple_init, LEXIZE = dsimple_lexize);
      COMMENT ON TEXT SEARCH TEMPLATE "Odd Template" IS 'it''s odd';
      CREATE TEXT SEARCH DICTIONARY "Odd Dict" (TEMPLATE = "Odd Template");
      CREATE TEXT SEARCH CONFIGURATION "Odd Config" (PARSER = "Odd Parser");
      ALTER TEXT SEARCH CONFIGURATION "Odd Config" ADD MAPPING FOR word WITH "Odd Dict";
      CREATE LANGUAGE "Odd Lang" HANDLER plpgsql_call_handler;
      CREATE FUNCTION odd_fn() RETURNS int LANGUAGE "Odd Lang" AS $$ BEGIN RETURN 1; END $$;`;
    const b = await read(ROLES + more);
    expect(Object.keys(b.objects!).sort()).toEqual([
      'language "Odd Lang"',
      'text search configuration "Odd Config"',
      'text search dictionary "Odd Dict"',
      'text search parser "Odd Parser"',
      'text search template "Odd Template"',
    ]);
    expect(b.objects!['language "Odd Lang"']!.sql).toBe('CREATE LANGUAGE "Odd Lang" HANDLER plpgsql_call_handler');
    const a = emptySchema();
    expect(await apply('', a, b)).toEqual(b);
    const back = await apply(ROLES + more, b, a);
    expect(back.objects ?? {}).toEqual({});
    expect(back.functions).toEqual({});
  });
});

describe('event triggers', () => {
  it('are created after every other step and dropped before any', async () => {
    const fn = `CREATE FUNCTION no_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;`;
    const a = await read(`CREATE TABLE t (id int);`);
    const b = await read(`CREATE TABLE t (id int, b text); CREATE TABLE t2 (id int); COMMENT ON TABLE t2 IS 'x';
      GRANT SELECT ON t2 TO app_reader; ${fn}
      CREATE EVENT TRIGGER "Odd Block" ON ddl_command_start EXECUTE FUNCTION no_ddl();`);
    const up = planMigration(a, b).steps;
    expect(up.at(-1)!.what).toBe('create event trigger "Odd Block"');
    const down = planMigration(b, a).steps;
    expect(down[0]!.what).toBe('drop event trigger "Odd Block"');
  });
});

describe('dropping a sequence', () => {
  it('is destructive: its counter goes (a free sequence as much as an owned one)', async () => {
    const a = await read(`CREATE SEQUENCE "Odd Seq"; CREATE TABLE t (id int);`);
    const b = await read(`CREATE TABLE t (id int);`);
    expect(upHazards(a, b)).toEqual([expect.objectContaining({ what: 'drop sequence "Odd Seq"', destructive: true })]);
    expect(upHazards(b, a)).toEqual([
      expect.objectContaining({ what: 'create sequence "Odd Seq"', destructive: false }),
    ]);
  });
});
