import { describe, expect, it } from 'vitest';
import { prepareDumpScript, rolesNamed } from '../../src/pg/dump.js';
import { importSql } from '../../src/pg/import.js';

/** DUMP is what pg_dump --schema-only 15.14+ prints (trimmed), with a routine that reads a later table. */
const DUMP = `--
-- PostgreSQL database dump
--

\\restrict bfX4T2gSeLLSwToSpo87FHpCvH7UdLOla0C0R5yCxSTA1Pgm66DdlAiDYzuQGDl

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET default_tablespace = '';

CREATE FUNCTION public.n_rows() RETURNS bigint
    LANGUAGE sql
    AS $$ SELECT count(*) FROM public.t $$;

CREATE TABLE public.t (
    id integer NOT NULL,
    note text DEFAULT '\\x'::text,
    CONSTRAINT t_note_check CHECK ((note <> ''::text))
);

ALTER TABLE public.t OWNER TO app_owner;

\\connect - postgres

ALTER TABLE ONLY public.t
    ADD CONSTRAINT t_pkey PRIMARY KEY (id);

\\unrestrict bfX4T2gSeLLSwToSpo87FHpCvH7UdLOla0C0R5yCxSTA1Pgm66DdlAiDYzuQGDl
`;

describe('pg_dump output', () => {
  it('blanks meta-commands and session settings, keeping every line where it was', () => {
    const p = prepareDumpScript(DUMP);
    expect(p.sql.length).toBe(DUMP.length);
    expect(p.sql.split('\n').length).toBe(DUMP.split('\n').length);
    expect(p.sql).not.toMatch(/\\restrict|\\unrestrict|\\connect|^SET |set_config/m);
    expect(p.sql).toContain("DEFAULT '\\x'::text"); // a backslash inside a statement is left alone
    expect(p).toMatchObject({ meta: ['\\restrict', '\\connect', '\\unrestrict'], metaCount: 3, settings: 5 });
    expect(p.lazyBodies).toBe(true);
  });

  it('imports as printed and says once what it skipped', async () => {
    const r = await importSql(DUMP, 'dump.sql');
    expect(Object.keys(r.schema.tables)).toEqual(['t']);
    expect(Object.keys(r.schema.functions)).toEqual(['n_rows()']);
    expect(r.skipped).toMatch(/^skipped 3 psql meta-command line\(s\) \(\\restrict, \\connect, \\unrestrict\) and 5 /);
  });

  it('still locates a failing statement in the file as written', async () => {
    const bad = DUMP.replace('id integer NOT NULL', 'id nosuchtype NOT NULL');
    const err = await importSql(bad, 'dump.sql').catch((e) => e);
    expect(err.code).toBe('sql-failed');
    expect(err.loc).toEqual({ file: 'dump.sql', line: 18, col: 8 });
  });

  it('says that a dump with data needs --schema-only', async () => {
    const err = await importSql('CREATE TABLE t (a int);\nCOPY t (a) FROM stdin;\n1\n\\.\n', 'full.sql').catch(
      (e) => e,
    );
    expect(err.code).toBe('sql-failed');
    expect(err.hint).toMatch(/--schema-only/);
  });

  it('lists the roles a dump names, as PostgreSQL folds them', () => {
    const sql = `CREATE SCHEMA acct AUTHORIZATION Ledger_Admin;
ALTER TABLE acct.t OWNER TO "Owner, Inc";
GRANT SELECT,INSERT ON TABLE acct.t TO clerk, GROUP "Auditors" WITH GRANT OPTION;
REVOKE ALL ON FUNCTION acct.f("to" integer) FROM PUBLIC;
GRANT USAGE ON SCHEMA acct TO CURRENT_USER GRANTED BY boss;
ALTER DEFAULT PRIVILEGES FOR ROLE etl IN SCHEMA acct GRANT SELECT ON TABLES TO reader;
CREATE POLICY own ON acct.t TO teller, pg_monitor USING (note <> 'paid to someone');
CREATE USER MAPPING FOR mapper SERVER s;
COMMENT ON TABLE acct.t IS 'granted to nobody';`;
    expect(rolesNamed(sql).sort()).toEqual(
      ['Auditors', 'Owner, Inc', 'boss', 'clerk', 'etl', 'ledger_admin', 'mapper', 'reader', 'teller'].sort(),
    );
  });

  it("keeps an older server's IN list over varchar a whole-array cast, as the server had it (routine bodies as written)", async () => {
    const sql = `CREATE TABLE public.job (kind character varying(20),
    CONSTRAINT job_kind_check CHECK (((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))));
CREATE FUNCTION public.f() RETURNS boolean LANGUAGE sql AS $$SELECT 'a'::text = ANY ((ARRAY['a'::character varying])::text[])$$;`;
    const prep = prepareDumpScript(sql);
    expect(prep.sql.split('\n')).toHaveLength(sql.split('\n').length);
    expect(prep.sql).toContain("(ARRAY['a'::character varying, 'b'::character varying]::character varying[])::text[]");
    expect(prep.sql).toContain("$$SELECT 'a'::text = ANY ((ARRAY['a'::character varying])::text[])$$");
    const r = await importSql(sql, 'dump.sql');
    expect(r.schema.tables.job!.checks.job_kind_check!.expression).toBe(
      "kind::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])",
    );
  });

  it('leaves out the roles the script creates itself, so its CREATE ROLE does not fail', async () => {
    const sql = `CREATE ROLE app_reader;\nCREATE USER "Batch";\nCREATE TABLE public.t (id integer);\nGRANT SELECT ON public.t TO app_reader, "Batch", auditor;`;
    expect(rolesNamed(sql)).toEqual(['auditor']);
    const r = await importSql(sql, 'roles.sql');
    expect(Object.keys(r.schema.tables.t!.grants ?? {}).sort()).toEqual(['Batch', 'app_reader', 'auditor']);
  });

  it('creates every role a dump names before one load, however many there are', async () => {
    // a production dump (LedgerSMB's has 95) grants to more roles than a retry per missing role would allow
    const roles = Array.from({ length: 60 }, (_, i) => `lsmb_role_${i}`);
    const sql = `CREATE TABLE public.t (id integer);\n${roles.map((r) => `GRANT SELECT ON TABLE public.t TO ${r};`).join('\n')}`;
    const r = await importSql(sql, 'grants.sql');
    expect(Object.keys(r.schema.tables.t!.grants ?? {}).sort()).toEqual([...roles].sort());
  });
});
