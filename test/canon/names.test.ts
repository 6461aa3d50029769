import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../src/pg/index.js';
import type { Driver } from '../../src/pg/driver.js';
import { byteLength, figureColname, makeObjectName, nameAddition } from '../../src/canon/index.js';
import { mustParse } from '../parse/helpers.js';
import type { Schema } from '../../src/model/types.js';

/** modelNames lists `table: name (kind)` for every constraint and index of the parsed model. */
function modelNames(s: Schema): string[] {
  const out: string[] = [];
  for (const t of Object.values(s.tables)) {
    const tn = t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
    if (t.primaryKey) out.push(`${tn}: ${t.primaryKey.name} (p)`);
    for (const n of Object.keys(t.uniques)) out.push(`${tn}: ${n} (u)`);
    for (const n of Object.keys(t.checks)) out.push(`${tn}: ${n} (c)`);
    for (const n of Object.keys(t.foreignKeys)) out.push(`${tn}: ${n} (f)`);
    for (const n of Object.keys(t.exclusions)) out.push(`${tn}: ${n} (x)`);
    for (const n of Object.keys(t.indexes)) out.push(`${tn}: ${n} (i)`);
  }
  for (const d of Object.values(s.domains)) for (const n of Object.keys(d.checks)) out.push(`${d.name}: ${n} (d)`);
  return out.sort();
}

let db: Driver;

/** pgNames creates the DDL in a fresh schema and reads back the names PostgreSQL chose. */
async function pgNames(ddl: string): Promise<string[]> {
  await db.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  await db.exec(ddl);
  const cons = await db.query<{ t: string; n: string; k: string }>(`
    SELECT CASE WHEN c.conrelid <> 0 THEN replace(c.conrelid::regclass::text, '"', '') ELSE t.typname END AS t, c.conname AS n,
           CASE WHEN c.contypid <> 0 THEN 'd' ELSE c.contype::text END AS k
      FROM pg_constraint c LEFT JOIN pg_type t ON t.oid = c.contypid
     WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p','u','c','f','x')`);
  const idx = await db.query<{ t: string; n: string }>(`
    SELECT replace(i.indrelid::regclass::text, '"', '') AS t, ci.relname AS n
      FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
     WHERE ci.relnamespace = 'public'::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p','u','x'))`);
  return [...cons.map((r) => `${r.t}: ${r.n} (${r.k})`), ...idx.map((r) => `${r.t}: ${r.n} (i)`)].sort();
}

beforeAll(async () => {
  db = await freshPglite();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

describe('default names match PostgreSQL', () => {
  const cases: Array<{ name: string; yaml: string; ddl: string }> = [
    {
      name: 'keys, checks, foreign keys and indexes',
      yaml: `
tables:
  teams: { columns: { id: { type: int, primary_key: true }, code: { type: text, unique: true } } }
  users:
    columns:
      id: { type: int, primary_key: true }
      team_id: { type: int, references: teams.id }
      a: { type: int, check: "a > 0" }
      b: int
      email: text
    unique: [[a, b]]
    checks: ["a < b", "true", "b <> 0"]
    indexes: [[email], { expressions: ["lower(email)"] }, { expressions: ["lower(email)", "upper(email)", "a + b"] }, { columns: [a], include: [b] }, { expressions: ["(email::text)"] }, { expressions: ["coalesce(a, b)"] }]
`,
      ddl: `
CREATE TABLE teams (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE users (id int PRIMARY KEY, team_id int REFERENCES teams (id), a int CHECK (a > 0), b int, email text,
  UNIQUE (a, b), CHECK (a < b), CHECK (true), CHECK (b <> 0));
CREATE INDEX ON users (email);
CREATE INDEX ON users (lower(email));
CREATE INDEX ON users (lower(email), upper(email), (a + b));
CREATE INDEX ON users (a) INCLUDE (b);
CREATE INDEX ON users ((email::text));
CREATE INDEX ON users (coalesce(a, b));
`,
    },
    {
      name: 'collisions get numbers, across tables of one schema too',
      yaml: `
tables:
  t:
    columns: { a: int, b: int }
    checks: ["a < 10", "a > 0"]
    indexes: [[a], [a], { columns: [a], where: "b > 0" }]
  a_b: { columns: { c: { type: int, unique: true } } }
  a: { columns: { b_c: { type: int, unique: true } } }
`,
      ddl: `
CREATE TABLE a (b_c int UNIQUE);
CREATE TABLE a_b (c int UNIQUE);
CREATE TABLE t (a int, b int, CHECK (a < 10), CHECK (a > 0));
CREATE INDEX ON t (a);
CREATE INDEX ON t (a);
CREATE INDEX ON t (a) WHERE b > 0;
`,
    },
    {
      name: 'long and multibyte names are cut to 63 bytes, longer part first',
      yaml: `
tables:
  ${'t'.repeat(40)}:
    columns:
      ${'c'.repeat(40)}: { type: int, unique: true }
      id: { type: int, primary_key: true }
      ${'é'.repeat(30)}: { type: int, unique: true, check: "${'é'.repeat(30)} > 0" }
    indexes: [[${'c'.repeat(40)}, id]]
  ${'ü'.repeat(31)}:
    columns: { ${'ñ'.repeat(31)}: { type: int, primary_key: true, references: ${'t'.repeat(40)}.id } }
`,
      ddl: `
CREATE TABLE ${'t'.repeat(40)} (${'c'.repeat(40)} int UNIQUE, id int PRIMARY KEY, ${'é'.repeat(30)} int UNIQUE CHECK (${'é'.repeat(30)} > 0));
CREATE INDEX ON ${'t'.repeat(40)} (${'c'.repeat(40)}, id);
CREATE TABLE ${'ü'.repeat(31)} (${'ñ'.repeat(31)} int PRIMARY KEY REFERENCES ${'t'.repeat(40)} (id));
`,
    },
    {
      name: 'exclusion constraints and multi-column foreign keys',
      yaml: `
tables:
  p: { columns: { x: int, y: int }, primary_key: [x, y] }
  r:
    columns: { room: int, during: tsrange, x: int, y: int }
    exclusions: [{ elements: ["during WITH &&"] }]
    foreign_keys: [{ columns: [x, y], references: p }]
`,
      ddl: `
CREATE TABLE p (x int, y int, PRIMARY KEY (x, y));
CREATE TABLE r (room int, during tsrange, x int, y int, EXCLUDE USING gist (during WITH &&), FOREIGN KEY (x, y) REFERENCES p);
`,
    },
    {
      name: 'domain checks',
      yaml: `
domains:
  posint: { type: int, checks: ["VALUE > 0", "VALUE < 100"] }
`,
      ddl: `CREATE DOMAIN posint AS int CHECK (VALUE > 0) CHECK (VALUE < 100);`,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      expect(modelNames(mustParse(c.yaml))).toEqual(await pgNames(c.ddl));
    });
  }
});

describe('function signatures match PostgreSQL', () => {
  it('args and identityArgs are what pg_get_function_arguments / pg_get_function_identity_arguments print', async () => {
    const s = mustParse(`
functions:
  f1: { args: "a int, b varchar(3), out c bool", returns: record, language: sql, body: "SELECT true" }
  f2: { args: "int8, double precision, timestamptz", returns: int, language: sql, body: "SELECT 1" }
  f3: { args: "inout x int, variadic rest text[]", returns: int, language: sql, body: "SELECT 1" }
  f4: { returns: "setof int", language: sql, body: "SELECT 1" }
  f5: { args: [a int], returns: "table(x int, y text)", language: sql, body: "SELECT 1, 'a'" }
  f6: { args: "b timestamp(3) with time zone, a numeric(10,2) = 1.5", returns: "varchar(9)", language: sql, body: "SELECT 'x'" }
  p1: { procedure: true, args: "a int, inout b text, out c int", language: plpgsql, body: "BEGIN END" }
`);
    await db.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
    await db.exec(`
CREATE FUNCTION f1(a int, b varchar(3), out c bool) LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION f2(int8, double precision, timestamptz) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION f3(inout x int, variadic rest text[]) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION f4() RETURNS setof int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION f5(a int) RETURNS table(x int, y text) LANGUAGE sql AS $$SELECT 1, 'a'$$;
CREATE FUNCTION f6(b timestamp(3) with time zone, a numeric(10,2) = 1.5) RETURNS varchar(9) LANGUAGE sql AS $$SELECT 'x'$$;
CREATE PROCEDURE p1(a int, inout b text, out c int) LANGUAGE plpgsql AS 'BEGIN END';`);
    const rows = await db.query<{ name: string; args: string; ident: string; result: string }>(`
      SELECT proname AS name, pg_get_function_arguments(oid) AS args, pg_get_function_identity_arguments(oid) AS ident,
             pg_get_function_result(oid) AS result
        FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1`);
    const ours = Object.values(s.functions)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((f) => ({ name: f.name, args: f.args, ident: f.identityArgs, result: f.returns }));
    // pg_get_function_result prints the OUT-parameter record as its only OUT type; procedures have no result
    const fix = (r: { name: string; result: string | null }) =>
      r.name === 'f1' ? { ...r, result: 'boolean' } : r.name === 'p1' ? { ...r, result: 'void' } : r;
    // defaults are expressions: PostgreSQL prints them deparsed (1.5 stays 1.5 here)
    expect(ours.map(fix)).toEqual(rows.map(fix));
  });
});

describe('naming helpers', () => {
  it('makeObjectName trims the longer part first and never splits a character', () => {
    expect(makeObjectName('users', 'email', 'key')).toBe('users_email_key');
    expect(makeObjectName('users', undefined, 'pkey')).toBe('users_pkey');
    const long = makeObjectName('a'.repeat(50), 'b'.repeat(50), 'key');
    expect(byteLength(long)).toBe(63);
    expect(long).toBe(`${'a'.repeat(29)}_${'b'.repeat(29)}_key`);
    const mb = makeObjectName('é'.repeat(40), undefined, 'pkey');
    expect(byteLength(mb)).toBeLessThanOrEqual(63);
    expect(mb).toBe(`${'é'.repeat(29)}_pkey`);
  });
  it('nameAddition joins column names', () => {
    expect(nameAddition(['a', 'b', 'c'])).toBe('a_b_c');
  });
  it('figureColname names expressions like PostgreSQL', () => {
    expect(figureColname('lower(email)')).toBe('lower');
    expect(figureColname('(a + b)')).toBe('expr');
    expect(figureColname('public.f(x)')).toBe('f');
    expect(figureColname('(email::text)')).toBe('email');
    expect(figureColname("(data->>'k')")).toBe('expr');
    expect(figureColname('coalesce(a, b)')).toBe('coalesce');
    expect(figureColname('CASE WHEN a THEN 1 END')).toBe('case');
    expect(figureColname('lower(a) || b')).toBe('expr');
  });
});
