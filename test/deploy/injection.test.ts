/**
 * Issue 15, item 1: SQL injection through literals and expressions. On a server database (and, second variant, a
 * role) whose standard_conforming_strings default is `off`, a schema whose comments, literal defaults, expression
 * defaults, checks, enum labels and view query hold `\'; DROP TABLE ... --` goes through `upgrade`, `upgrade --sql`
 * run by psql, and `check`: only the intended DDL runs, `victim` survives and every text reads back exactly.
 * Built CLI (`npm run build` first); needs the test server (CI=true makes a missing one a failure).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasStackTrace, type CliResult, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { createDatabase, serverAvailable, serverUrl } from '../helpers/server.js';
import { splitStatements } from '../../src/sql/split.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const hasServer = await serverAvailable();

const DROP = 'DROP TABLE IF EXISTS victim; --';
const TEXT = `\\'; ${DROP}`; // the issue's payload: backslash, quote, statement, comment
const REV1 = `tables:
  victim:
    columns:
      x: int
  notes:
    columns:
      id: { type: bigint, primary_key: true }
`;
/** REV2 puts the payload in every place text reaches SQL; each expression is ONE expression when strings are standard. */
const REV2 = `enums:
  mood: ['ok', ${JSON.stringify(TEXT)}]
tables:
  victim:
    columns:
      x: int
  notes:
    comment: ${JSON.stringify(TEXT)}
    columns:
      id: { type: bigint, primary_key: true }
      body: { type: text, default: ${JSON.stringify(TEXT)}, comment: ${JSON.stringify(TEXT)} }
      b2: { type: text, default: { sql: ${JSON.stringify(`concat('\\', '); ${DROP}')`)} } }
      m: { type: mood, default: ${JSON.stringify(TEXT)} }
    checks:
      notes_chk: ${JSON.stringify(`b2 <> concat('\\', ')); ${DROP}')`)}
views:
  notes_v:
    query: ${JSON.stringify(`SELECT concat('\\', '); COMMIT; ${DROP}') AS x`)}
`;

let p: Project;
const cleanup: (() => Promise<void>)[] = [];

function ok(r: CliResult): CliResult {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>, url = serverUrl()): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Variant: where the `off` default lives. */
type Variant = 'database' | 'role';

/** offDatabase makes a throwaway database whose connections start with standard_conforming_strings = off, at REV1. */
async function offDatabase(variant: Variant): Promise<string> {
  const db = await createDatabase('sv_inj');
  cleanup.push(db.drop);
  let url = db.url;
  if (variant === 'database') {
    await admin((c) => c.query(`ALTER DATABASE "${db.name}" SET standard_conforming_strings = off`));
  } else {
    const role = `${db.name}_r`;
    await admin(async (c) => {
      await c.query(`CREATE ROLE "${role}" LOGIN`);
      await c.query(`ALTER DATABASE "${db.name}" OWNER TO "${role}"`);
      await c.query(`ALTER ROLE "${role}" SET standard_conforming_strings = off`);
    });
    // after the database it owns is dropped
    cleanup.push(() => admin((c) => c.query(`DROP ROLE IF EXISTS "${role}"`)).then(() => undefined));
    const u = new URL(db.url);
    u.username = role;
    url = u.toString();
  }
  // the setup is real: a plain connection starts with the setting off
  const scs = await admin((c) => c.query('SHOW standard_conforming_strings'), url);
  expect(scs.rows[0].standard_conforming_strings).toBe('off');
  ok(await p.run('upgrade', 'HEAD~1', '--url', url));
  return url;
}

/** state reads back what the payload could have broken, on a plain (unpinned) connection. */
async function state(url: string) {
  return admin(async (c) => {
    await c.query('SET standard_conforming_strings = on');
    const q = async (sql: string) => (await c.query(sql)).rows;
    return {
      victim: (await q(`SELECT to_regclass('public.victim')::text AS v`))[0].v as string | null,
      version: (await q('SELECT commit_id FROM public.schemaver_version'))[0]?.commit_id as string | undefined,
      tableComment: (await q(`SELECT obj_description(to_regclass('public.notes'), 'pg_class') AS c`))[0].c,
      columnComment: (await q(`SELECT col_description(to_regclass('public.notes'), 2) AS c`))[0].c,
      labels: (
        await q(
          `SELECT e.enumlabel AS l FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood' ORDER BY e.enumsortorder`,
        )
      ).map((r) => r.l),
    };
  }, url);
}

async function expectApplied(url: string, head: string): Promise<void> {
  const s = await state(url);
  expect(s.victim).toBe('victim');
  expect(s.version).toBe(head);
  expect(s.tableComment).toBe(TEXT);
  expect(s.columnComment).toBe(TEXT);
  expect(s.labels).toEqual(['ok', TEXT]);
  const defaults = await admin(
    async (c) => (await c.query(`INSERT INTO public.notes (id) VALUES (1) RETURNING body, b2, m::text AS m`)).rows[0],
    url,
  );
  expect(defaults).toEqual({ body: TEXT, b2: `\\); ${DROP}`, m: TEXT });
}

/** psqlRun runs a script the way people do; without psql, statement by statement as psql would. */
async function psqlRun(url: string, script: string): Promise<void> {
  const file = join(p.dir, 'script.sql');
  writeFileSync(file, script);
  try {
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], { stdio: 'pipe' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await admin(async (c) => {
      for (const s of splitStatements(script)) await c.query(s.sql);
    }, url);
  }
}

let head = '';

beforeAll(async () => {
  if (!hasServer) return;
  p = inProcessProject('sv-inject-');
  ok(await p.run('init'));
  p.write('schema/s.yaml', REV1);
  ok(await p.run('commit', '-m', 'one'));
  p.write('schema/s.yaml', REV2);
  ok(await p.run('commit', '-m', 'payload'));
  head = ok(await p.run('log', '--json')).json<{ commits: { id: string }[] }>().commits[0]!.id;
});

afterAll(async () => {
  for (const f of cleanup) await f().catch(() => {});
  p?.cleanup();
});

describe.skipIf(!hasServer)('literal and expression injection with standard_conforming_strings off', () => {
  it('the payload is live: run unpinned, the generated ADD COLUMN drops victim (the test can fail)', async () => {
    const url = await offDatabase('database');
    const script = ok(await p.run('upgrade', '--sql', '--url', url)).stdout;
    const stmt = splitStatements(script).find((s) => s.sql.includes('ADD COLUMN b2'))!.sql;
    const dropped = await admin(async (c) => {
      await c.query('BEGIN');
      await c.query(stmt);
      const r = await c.query(`SELECT to_regclass('public.victim')::text AS v`);
      await c.query('ROLLBACK');
      return r.rows[0].v === null;
    }, url);
    expect(dropped).toBe(true);
  });

  for (const variant of ['database', 'role'] as const) {
    it(`upgrade, downgrade and check online (${variant} default off): only the intended DDL runs`, async () => {
      const url = await offDatabase(variant);
      ok(await p.run('upgrade', '--url', url));
      await expectApplied(url, head);
      ok(await p.run('check', '--url', url));
      expect((await state(url)).victim).toBe('victim');
      ok(await p.run('downgrade', '-1', '--url', url, '--allow-destructive'));
      expect((await state(url)).victim).toBe('victim');
    });

    it(`upgrade --sql run by psql -f (${variant} default off): only the intended DDL runs`, async () => {
      const url = await offDatabase(variant);
      const script = ok(await p.run('upgrade', '--sql', '--url', url)).stdout;
      await psqlRun(url, script);
      await expectApplied(url, head);
      ok(await p.run('check', '--url', url));
    });
  }

  it('the --sql script sent as ONE query string (parsed before its SETs run) stops before anything runs', async () => {
    const url = await offDatabase('database');
    const script = ok(await p.run('upgrade', '--sql', '--url', url)).stdout;
    const err = await admin(
      (c) =>
        c.query(script).then(
          () => undefined,
          (e: Error) => e,
        ),
      url,
    );
    expect(err?.message).toMatch(/standard_conforming_strings off/);
    const s = await state(url);
    expect(s.victim).toBe('victim');
    expect(s.version).not.toBe(head);
  });
});
