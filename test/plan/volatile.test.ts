/**
 * Volatile defaults (plan/volatile.ts): the built-in list is PostgreSQL's own catalog, and the judge says "rewrite"
 * exactly when PostgreSQL rewrites the table (a new relfilenode) for ADD COLUMN with that default — in the classic
 * plan's step flags, the online plan and the linter alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Driver } from '../../src/pg/driver.js';
import { connectUrl } from '../../src/pg/server.js';
import { VOLATILE_BUILTINS, VOLATILE_EXTENSION_FUNCTIONS, callsVolatile, calls } from '../../src/plan/volatile.js';
import { planMigration } from '../../src/plan/index.js';
import { onlinePlan, renderOnline } from '../../src/plan/online.js';
import { lintScript } from '../../src/lint/index.js';
import { schema } from '../helpers/online-edges.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

/** SETUP: the extensions and functions the defaults below call. */
const SETUP = `CREATE EXTENSION pgcrypto; CREATE SCHEMA ext; CREATE EXTENSION "uuid-ossp" SCHEMA ext;
  CREATE SEQUENCE s; CREATE FUNCTION app_code() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 7; END';
  CREATE FUNCTION app_sql() RETURNS int LANGUAGE sql AS 'SELECT 7';
  CREATE FUNCTION app_sql_random() RETURNS int LANGUAGE sql AS 'SELECT (random() * 10)::int';
  CREATE FUNCTION app_sql_from() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_class LIMIT 1';
  CREATE FUNCTION app_stable() RETURNS int STABLE LANGUAGE sql AS 'SELECT 7'`;

let db: Driver;
beforeAll(async () => {
  db = await freshPglite({ extensions: ['pgcrypto', 'uuid-ossp'] });
  await db.exec(SETUP);
});
afterAll(async () => {
  await db?.close();
});

/** FUNCTIONS declares the two functions of the database above in the schema the plans see. */
const FUNCTIONS = `
functions:
  app_code: { returns: integer, language: plpgsql, body: BEGIN RETURN 7; END }
  app_sql: { returns: integer, language: sql, body: SELECT 7 }
  app_sql_random: { returns: integer, language: sql, body: "SELECT (random() * 10)::int" }
  app_sql_from: { returns: integer, language: sql, body: SELECT 1 FROM pg_class LIMIT 1 }
  app_stable: { returns: integer, language: sql, body: SELECT 7, volatility: stable }
`;

/** DEFAULTS: column defaults, from stable ones (stored once) to volatile ones (computed per row). */
const DEFAULTS = [
  'now()',
  'CURRENT_TIMESTAMP',
  'txid_current()',
  "'random()'::text",
  '(42)',
  'app_stable()',
  'random()',
  '(random() * (100)::double precision)',
  'clock_timestamp()',
  'gen_random_uuid()',
  'uuidv7()',
  "nextval('s'::regclass)",
  'app_code()',
  'public.app_code()',
  'app_sql()',
  'app_sql_random()',
  'app_sql_from()',
  'ext.uuid_generate_v4()',
  "ext.uuid_generate_v5(ext.uuid_ns_url(), 'x'::text)",
  'gen_random_bytes(4)',
];

describe('volatile defaults', () => {
  it("VOLATILE_BUILTINS is PostgreSQL 18's list of all-volatile value functions; the contrib ones are volatile", async () => {
    const rows = await db.query<{ proname: string }>(
      `SELECT proname FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace AND prokind = 'f' AND NOT proretset
       AND prorettype NOT IN ('void'::regtype, 'trigger'::regtype, 'event_trigger'::regtype, 'internal'::regtype)
       GROUP BY proname HAVING bool_and(provolatile = 'v') ORDER BY 1`,
    );
    expect([...VOLATILE_BUILTINS].sort()).toEqual(rows.map((r) => r.proname).sort());
    const ext = await db.query<{ proname: string; v: boolean }>(
      `SELECT proname, bool_and(provolatile = 'v') AS v FROM pg_proc
       WHERE pronamespace IN ('public'::regnamespace, 'ext'::regnamespace) GROUP BY proname`,
    );
    const volatile = new Set(ext.filter((r) => r.v).map((r) => r.proname));
    for (const f of VOLATILE_EXTENSION_FUNCTIONS) expect(volatile.has(f), f).toBe(true);
    expect(volatile.has('uuid_generate_v5')).toBe(false);
  });

  it('calls reads qualified, quoted and cased names, and not the text of string literals', () => {
    expect(calls(`"My Fn"(1) + ext.F2(x) || 'g(' || Lower(y)`)).toEqual([
      [undefined, 'My Fn'],
      ['ext', 'f2'],
      [undefined, 'lower'],
    ]);
  });

  it('says "rewrite" exactly when PostgreSQL 18 rewrites the table for ADD COLUMN with that default', async () => {
    expect(await mismatches(db)).toEqual([]);
  });

  it('and when the PostgreSQL server (15) does', async () => {
    if (!(await serverAvailable())) return;
    const { url, drop } = await createDatabase('sv_volatile');
    const server = await connectUrl(url);
    try {
      await server.exec(SETUP);
      expect(await mismatches(server)).toEqual([]);
    } finally {
      await server.close();
      await drop();
    }
  });
});

/**
 * mismatches adds a column with each default to a table holding rows in `target` and lists where PostgreSQL's answer
 * (a new relfilenode: the table was rewritten) and the judge, the classic plan, the online plan or the linter differ.
 */
async function mismatches(target: Driver): Promise<string[]> {
  const base = schema(`tables:\n  t:\n    columns:\n      id: int\n${FUNCTIONS}`);
  const wrong: string[] = [];
  for (const [i, d] of DEFAULTS.entries()) {
    const fn = calls(d)[0]?.[1];
    if (
      fn &&
      (await target.query<{ p: string | null }>(`SELECT to_regproc($1) AS p`, [fn]))[0]?.p === null &&
      !/\./.test(d)
    )
      continue; // uuidv7() is new in PostgreSQL 18
    const type = d.includes('uuid') ? 'uuid' : d.includes('bytes') ? 'bytea' : 'text';
    await target.exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)`);
    const node = async () =>
      (await target.query<{ n: number }>(`SELECT relfilenode AS n FROM pg_class WHERE relname = 't'`))[0]!.n;
    const before = await node();
    await target.exec(`ALTER TABLE t ADD COLUMN c${i} ${type} DEFAULT ${d}`);
    const rewritten = (await node()) !== before;
    const judged = callsVolatile(d, base);
    // the classic plan's step, planned from the schema without the column to the schema with it
    const to = schema(
      `tables:\n  t:\n    columns:\n      id: int\n      c: { type: ${type}, default: { sql: ${JSON.stringify(d)} } }\n${FUNCTIONS}`,
    );
    const step = planMigration(base, to).steps.find((s) => s.what.startsWith('add column'))!;
    const findings = await lintScript(`ALTER TABLE t ADD COLUMN c ${type} DEFAULT ${d};`);
    const linted = findings.some((f) => f.rule === 'adding-field-with-default');
    const backfilled = /^DO /m.test(renderOnline(onlinePlan(planMigration(base, to), base, to), 'up'));
    if (judged !== rewritten || step.rewrite !== rewritten || backfilled !== rewritten)
      wrong.push(`${d}: PostgreSQL ${rewritten}, judge ${judged}, plan ${step.rewrite}, online ${backfilled}`);
    // the linter reads only the script: the schema's own functions are not built-ins it knows
    if (!/app_/.test(d) && linted !== rewritten) wrong.push(`${d}: PostgreSQL ${rewritten}, lint ${linted}`);
  }
  return wrong;
}
