import { describe, expect, it } from 'vitest';
import { SchemaverError } from '../../src/errors.js';
import { checkYamlRoundTrip, countObjects, importSql } from '../../src/pg/import.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';

describe('importSql', () => {
  it('creates roles a dump assumes, and reads grants into the model', async () => {
    const r = await importSql(`create table t (a int);
alter table t owner to app_owner;
grant select on t to "Read Only";
create policy p on t to app_user using (a > 0);`);
    expect(r.schema.tables.t!.policies.p!.roles).toEqual(['app_user']);
    expect(r.unsupported).toEqual([]);
    expect(r.schema.tables.t!.grants).toEqual({ 'Read Only': ['select'] });
  });

  it("keeps public's owner without --owners: pg_dump 15 writes it for a database made before 15", async () => {
    // pagila's pagila-schema.sql (dumped from 12.11 by pg_dump 15): a model without the owner means pg_database_owner
    const r = await importSql(`ALTER SCHEMA public OWNER TO postgres;
REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT ALL ON SCHEMA public TO PUBLIC;
CREATE TABLE public.t (a int);
ALTER TABLE public.t OWNER TO postgres;`);
    expect(r.schema.schemas['public']).toMatchObject({ owner: 'postgres', grants: { public: ['all'] } });
    expect(r.schema.tables.t!.owner).toBeUndefined();
  });

  it("leaves out a Heroku dump's server tooling extensions (PGlite has none of them), and says so", async () => {
    // every Heroku app's db/structure.sql since 2022: the extension is the operators', no table is built on it
    const r = await importSql(`SET client_min_messages = warning;
CREATE SCHEMA heroku_ext;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA heroku_ext;
COMMENT ON EXTENSION pg_stat_statements IS 'track planning and execution statistics of all SQL statements executed';
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE TABLE public.eth_blocks (id bigint NOT NULL, blockhash character varying NOT NULL);`);
    expect(Object.keys(r.schema.extensions ?? {})).toEqual(['pgcrypto']);
    expect(Object.keys(r.schema.tables)).toEqual(['eth_blocks']);
    expect(r.skipped).toMatch(/left out extension\(s\) pg_stat_statements/);
    // another extension PGlite lacks loads once the project excludes it (`--exclude extension:pg_hint_plan`)
    const dump = 'CREATE EXTENSION IF NOT EXISTS pg_hint_plan;\nCREATE TABLE t (a int);';
    expect((await importSql(dump).catch((e) => e)).code).toBe('sql-failed');
    const x = await importSql(dump, 'dump.sql', { leaveOut: (e) => e === 'pg_hint_plan' });
    expect(Object.keys(x.schema.tables)).toEqual(['t']);
    expect(x.skipped).toMatch(/pg_hint_plan/);
  });

  it('reads the literals of a dump made with standard_conforming_strings = off as that dump meant them', async () => {
    // pg_dump before 9.1 (and of any server set so) writes one backslash as '\\': defaults, checks, comments, bodies
    const r = await importSql(String.raw`SET standard_conforming_strings = off;
SET check_function_bodies = false;
SET escape_string_warning = off;
CREATE TABLE paths (
    sep character varying(2) DEFAULT '\\'::character varying,
    pattern text,
    CONSTRAINT pattern_check CHECK ((pattern <> '\\'::text))
);
COMMENT ON COLUMN paths.sep IS 'a backslash: \\';
CREATE FUNCTION esc(p text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT replace(p, ''/'', ''\\'')';`);
    const t = r.schema.tables.paths!;
    const sep = t.columns.find((c) => c.name === 'sep')!;
    const bs = '\\'; // one backslash
    expect(sep.default).toEqual({ literal: bs });
    expect(sep.comment).toBe(`a backslash: ${bs}`);
    expect(t.checks.pattern_check!.expression).toBe(`pattern <> '${bs}'::text`);
    expect(r.schema.functions['esc(p text)']!.body).toBe(`SELECT replace(p, '/', '${bs}')`);
  });

  it('locates the statement PostgreSQL rejects (exit 2)', async () => {
    const err = await importSql('create table a (x int);\n\ncreate table b (y nosuch);', 'dump.sql').catch((e) => e);
    expect(err).toBeInstanceOf(SchemaverError);
    expect(err.exit).toBe(2);
    expect(err.code).toBe('sql-failed');
    expect(err.loc).toEqual({ file: 'dump.sql', line: 3, col: 19 }); // at `nosuch`
  });

  it('writes YAML that says exactly what the database holds', async () => {
    const r = await importSql(`create type s as enum ('a', 'b');
create table "Odd ""T""" (id bigint generated always as identity primary key, s s default 'b', note varchar(20) check (note <> ''));
create index on "Odd ""T""" (lower(note));`);
    const files = writeSchemaYaml(r.schema);
    expect(checkYamlRoundTrip(r.schema, files, parseSchemaFiles)).toEqual([]);
    expect(countObjects(r.schema)).toMatchObject({ tables: 1, enums: 1, views: 0 });
  });

  it("writes a routine's settings so they read back the same, whatever case PostgreSQL stores them in", async () => {
    // LedgerSMB's user__change_password: pg_dump prints SET "DateStyle" TO 'ISO, YMD'
    const r = await importSql(`create function f() returns int language sql
  set "DateStyle" to 'ISO, YMD' set timezone to 'UTC' set search_path = public, pg_temp
  as 'select 1';`);
    expect(r.schema.functions['f()']!.set).toEqual({
      datestyle: 'ISO, YMD',
      timezone: 'UTC',
      search_path: 'public, pg_temp',
    });
    expect(checkYamlRoundTrip(r.schema, writeSchemaYaml(r.schema), parseSchemaFiles)).toEqual([]);
  });

  it('names the difference when the YAML would not say the same thing', async () => {
    const r = await importSql('create table t (a int, b text);');
    const files = writeSchemaYaml(r.schema).map((f) => ({ ...f, text: f.text.replace(/\n\s+b: text/, '') }));
    expect(checkYamlRoundTrip(r.schema, files, parseSchemaFiles)).toEqual(['column t.b missing']);
  });
});
