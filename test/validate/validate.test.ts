import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { checkedSchema } from '../../src/validate/index.js';
import { SchemaverError } from '../../src/errors.js';

/** problems parses and validates one schema file and returns `code line:col` for each issue (none: it passes). */
async function problems(text: string): Promise<string[]> {
  try {
    await checkedSchema(parseSchemaFiles([{ path: 'schema/s.yaml', text }]));
    return [];
  } catch (e) {
    if (!(e instanceof SchemaverError)) throw e;
    return e.issues.map((i) => `${i.code} ${i.loc?.line}:${i.loc?.col}`);
  }
}

const USERS = `tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      email: text
      age: integer
      "Name": text
      tags: text[]
      status: { type: text, default: active }
`;

describe('semantic validation: no false positives', () => {
  it('accepts the expressions PostgreSQL accepts', async () => {
    const text = `${USERS}    checks:
      - "age > 0 AND lower(email) LIKE '%@%'"
      - "users.age < 200"
      - "\\"Name\\" <> ''"
      - "coalesce(array_length(tags, 1), 0) < 10"
      - "status IN ('active', 'closed') AND current_user IS NOT NULL"
      - "age::text ~ '^[0-9]+$'"
    indexes:
      by_lower: { expressions: ["lower(email)"], where: "email IS NOT NULL AND age > 18" }
      by_json: { elements: ["(email || 'x') desc nulls last"] }
    triggers:
      t1: { timing: before, events: [update], for_each: row, function: touch, when: "OLD.email IS DISTINCT FROM NEW.email" }
    policies:
      own: { using: "email = current_setting('app.email') OR EXISTS (SELECT 1 FROM teams t WHERE t.id = age)" }
  teams:
    columns:
      id: integer
      doubled: { type: integer, generated: "id * 2" }
      created: { type: timestamptz, default: { sql: "now() - interval '1 day'" } }
      n: { type: "numeric(10,2)", default: 1.5 }
      f: { type: double precision, default: .inf }
      ok: { type: boolean, default: yes }
      st: { type: mood, default: happy }
      amount: { type: money_amount, default: 3 }
  child:
    inherits: users
    columns:
      extra: text
    checks: ["extra <> email"]
enums:
  mood: [happy, sad]
domains:
  money_amount: { type: numeric, check: "VALUE >= 0" }
functions:
  touch:
    returns: trigger
    language: plpgsql
    body: "BEGIN NEW.age := 1; RETURN NEW; END"
  add(a integer, b integer):
    args: [a integer, b integer]
    returns: integer
    language: sql
    body: "SELECT a + b"
  std(a integer):
    args: [a integer]
    returns: integer
    language: sql
    body: "RETURN a + 1"
views:
  joined: "SELECT u.id, u.email, t.doubled, count(*) AS n FROM users u JOIN teams t ON t.id = u.age WHERE u.age > 1 GROUP BY 1, 2, 3 ORDER BY n"
  with_cte: "WITH x AS (SELECT id FROM users) SELECT x.id, x FROM x"
  unioned: "SELECT id FROM users UNION ALL SELECT id FROM teams"
  values: "VALUES (1, 'a'), (2, 'b')"
  catalog: "SELECT relname FROM pg_class"
  whole_row: "SELECT u FROM users u"
  sub: "SELECT s.a FROM (SELECT id AS a FROM users) s"
  fn: "SELECT g FROM generate_series(1, 3) g"
`;
    expect(await problems(text)).toEqual([]);
  });

  it('accepts built-in and declared types in every spelling', async () => {
    const types = [
      'int',
      'int4',
      'integer[]',
      'character varying(20)',
      'varchar(20)[]',
      'timestamp(3) with time zone',
      'timestamptz',
      'double precision',
      'decimal(10, 2)',
      'bit varying(3)',
      'interval day to second',
      'pg_catalog.int8',
      '"char"',
      'tsvector',
      'int4range',
      'serial',
      'bigserial',
      'mood',
      'mood[]',
      'public.mood',
      'billing.Amount',
      'users',
    ];
    const cols = types.map((t, i) => `      c${i}: ${JSON.stringify(t)}`).join('\n');
    const text = `schemas: [billing]
enums:
  mood: [a]
domains:
  billing.Amount: numeric
tables:
  users:
    columns:
      id: integer
  t:
    columns:
${cols}
`;
    expect(await problems(text)).toEqual([]);
  });

  it('knows the range types `objects:` declares and their multirange types', async () => {
    const text = `tables:
  t:
    columns:
      a: '"Odd Range"'
      b: '"Odd Range_multirange"'
      c: '"Odd Range"[]'
      d: s.span
      e: s.spans
      f: s.floatmultirange
schemas:
  - name: s
objects:
  range type "Odd Range": CREATE TYPE "Odd Range" AS RANGE (SUBTYPE = integer)
  range type s.span: CREATE TYPE s.span AS RANGE (SUBTYPE = integer, MULTIRANGE_TYPE_NAME = s.spans)
  range type s.floatrange: CREATE TYPE s.floatrange AS RANGE (SUBTYPE = double precision)
`;
    expect(await problems(text)).toEqual([]);
    expect(await problems(text.replace('      f: s.floatmultirange', '      f: s.floatrange_multirange'))).toEqual([
      'unknown-type 9:10',
    ]);
  });

  it('says nothing about what an extension may bring', async () => {
    const text = `extensions: [citext, hstore]
tables:
  t:
    columns:
      a: citext
      b: hstore
views:
  v: "SELECT a FROM t JOIN some_extension_table USING (a)"
`;
    expect(await problems(text)).toEqual([]);
  });
});

describe('semantic validation: each typo located', () => {
  it('reports unknown types, bad defaults, missing columns and pasted statements, all at once', async () => {
    const text = `${USERS}      n: { type: integr }
      m: { type: 12 }
      k: { type: integer, default: abc }
      j: { type: smallint, default: 40000 }
      b: { type: boolean, default: maybe }
      e: { type: mood, default: hapy }
      d: { type: integer, default: { sql: abc } }
      g: { type: integer, generated: "agee + 1" }
    checks: ["agee > 0", "1; DELETE FROM users"]
    triggers:
      t: { timing: before, events: [update], for_each: row, function: f, when: "NEW.emial IS NULL" }
enums:
  mood: [happy]
domains:
  d: { type: integer, check: "price > 0" }
views:
  v: "SELECT id FROM users; DELETE FROM users"
  w: "SELECT nope FROM users"
  x: "SELECT id FROM nowhere"
`;
    expect(await problems(text)).toEqual([
      'unknown-type 10:18',
      'invalid-type 11:18',
      'invalid-default 12:36',
      'invalid-default 13:37',
      'invalid-default 14:36',
      'invalid-default 15:33',
      'column-in-default 16:43',
      'unknown-column 17:38',
      'unknown-column 18:14',
      'not-one-expression 18:26',
      'missing-reference 20:7', // (the parser: function f is declared nowhere)
      'unknown-column 20:80',
      'unknown-column 24:30',
      'not-one-query 26:6',
      'unknown-column 27:6',
      'unknown-table 28:6',
    ]);
  });

  it('compiles plpgsql bodies against their own header, as CREATE FUNCTION does, and locates what it refuses', async () => {
    // valid bodies that use arguments, OUT parameters, RETURNS TABLE columns, trigger variables, aliases, implicit
    // loop variables, cursors and exception blocks: PostgreSQL accepts every one, so must the validator
    const good = `functions:
  a(p_id integer):
    args: [p_id integer]
    returns: integer
    language: plpgsql
    body: |
      DECLARE r record; n int;
      BEGIN
        FOR i IN 1..3 LOOP n := i; END LOOP;
        SELECT 1 INTO r; GET DIAGNOSTICS n = ROW_COUNT;
        IF NOT FOUND THEN RAISE EXCEPTION 'no %', p_id USING ERRCODE = 'P0002'; END IF;
        RETURN p_id + n;
      EXCEPTION WHEN others THEN RETURN -1;
      END
  b:
    args: [OUT x integer, OUT y text]
    returns: record
    language: plpgsql
    body: "BEGIN x := 1; y := 'a'; END"
  c:
    returns: "TABLE(id integer, name text)"
    language: plpgsql
    body: "BEGIN id := 1; name := 'x'; RETURN NEXT; RETURN QUERY SELECT 2, 'y'; END"
  d:
    returns: trigger
    language: plpgsql
    body: "BEGIN IF TG_OP = 'UPDATE' THEN NEW.updated_at := now(); END IF; RETURN NEW; END"
  e(integer, text):
    args: [integer, text]
    returns: text
    language: plpgsql
    body: "DECLARE a ALIAS FOR $1; BEGIN RETURN $2 || a; END"
  f:
    procedure: true
    args: [n integer]
    language: plpgsql
    body: "BEGIN COMMIT; RAISE NOTICE '%', n; END"
  g:
    returns: integer
    language: plpgsql
    body: "BEGIN RETURN $q$BEGIN$q$::text = 'x'; END"
`;
    expect(await problems(good)).toEqual([]);
    const bad = `functions:
  a:
    returns: integer
    language: plpgsql
    body: |
      BEGIN
        RETRN 1;
      END
  b:
    returns: integer
    language: plpgsql
    body: "DECLARE x int; BEGIN y := 1; RETURN x; END"
  c(p integer):
    args: [q integer]
    returns: integer
    language: plpgsql
    body: "BEGIN p := 1; RETURN p; END"
  d:
    returns: integer
    language: plpgsql
    body: "BEGIN IF true THEN RETURN 1; END; END"
`;
    expect(await problems(bad)).toEqual([
      'invalid-body 5:11',
      'invalid-body 12:11',
      'invalid-body 17:11', // p is not an argument: args names q
      'invalid-body 21:11',
    ]);
    const e = await checkedSchema(parseSchemaFiles([{ path: 'schema/s.yaml', text: bad }])).catch((x: unknown) => x);
    const first = (e as SchemaverError).issues[0]!;
    expect(first.message).toMatch(/syntax error at or near "RETRN".*line 2 of the body/);
    expect((e as SchemaverError).issues[1]!.message).toContain('"y" is not a known variable');
    expect((e as SchemaverError).issues[1]!.hint).toMatch(/DECLARE/);
  });

  it('reports the parser and the validator in one run, and stays silent where a parse error may have dropped a type', async () => {
    const text = `enums:
  mood: { values: [a], bogus: 1 }
tables:
  t:
    columns:
      a: { type: integr }
      b: { type: mood }
      c: { type: integer, nullabel: true }
    checks: ["zz > 0"]
  u:
    columns:
      x: integer
    checks: ["yy > 0"]
`;
    // the enum's unknown key drops nothing, but the validator cannot know: unknown types stay unreported;
    // table t has a parse error (so its checks are not judged), table u has none (so `yy` is reported)
    expect(await problems(text)).toEqual(['unknown-key 2:24', 'unknown-key 8:27', 'unknown-column 13:14']);
  });
});
