/**
 * The two kinds of database every deploy test runs on: an embedded PGlite and a throwaway database on the
 * PostgreSQL server (skipped when the server is absent, failing under CI=true).
 */
import { afterAll } from 'vitest';
import { RESET_SQL } from '../../src/conformance/run.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { connectUrl } from '../../src/pg/server.js';
import { pinSettings } from '../../src/pg/settings.js';
import { quoteIdent } from '../../src/sql/quote.js';
import type { Driver } from '../../src/pg/driver.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

/** TestDb is an open test database and how to get another connection to it. */
export interface TestDb {
  readonly db: Driver;
  /** url of the server database (undefined for PGlite). */
  readonly url?: string;
  dispose(): Promise<void>;
}

/** KINDS lists the kinds of target, for describe.each. */
export const KINDS = ['pglite', 'postgres'] as const;

/** hasServer tells whether server tests can run (throws under CI when the server is missing). */
export const hasServer = await serverAvailable();

/**
 * One PGlite per test file, reset between tests (the conformance corpus's RESET_SQL: every user schema, extension,
 * event trigger and default privilege gone, `public` as initdb made it; then the roles tests made, and the session)
 * instead of a PGlite started per test. The reset is proven: what a test could leave behind (STATE_SQL) must read
 * as it did on the new database, else the test gets a new one.
 */
let shared: Driver | undefined;
afterAll(() => shared?.close());

/** STATE_SQL reads what a test can change in a database outside its tables' rows, for the reset's proof. */
const STATE_SQL = `SELECT
  (SELECT string_agg(nspname || ' ' || pg_get_userbyid(nspowner) || ' ' || coalesce(nspacl::text, '') || ' ' ||
     coalesce(obj_description(oid, 'pg_namespace'), ''), ', ' ORDER BY nspname)
     FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_') AS namespaces,
  (SELECT count(*) FROM pg_class WHERE relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)) AS relations,
  (SELECT count(*) FROM pg_proc WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)) AS functions,
  (SELECT count(*) FROM pg_type WHERE typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)) AS types,
  (SELECT string_agg(rolname, ', ' ORDER BY rolname) FROM pg_roles) AS roles,
  (SELECT string_agg(extname, ', ' ORDER BY extname) FROM pg_extension) AS extensions,
  (SELECT count(*) FROM pg_event_trigger) AS event_triggers,
  (SELECT count(*) FROM pg_default_acl) AS default_privileges,
  (SELECT count(*) FROM pg_db_role_setting) AS stored_settings,
  (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory') AS advisory_locks,
  (SELECT count(*) FROM pg_prepared_statements) AS prepared,
  (SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE source NOT IN ('default', 'override')) AS settings,
  current_user AS "user"`;
let newState: string | undefined;
let newRoles: ReadonlySet<string> = new Set();
const state = async (db: Driver) => JSON.stringify(await db.query(STATE_SQL));

async function sharedPglite(): Promise<Driver> {
  if (shared) {
    try {
      await shared.exec('ROLLBACK'); // a transaction a test left open (a warning when there is none)
      await shared.exec('DISCARD ALL'); // session state: settings, advisory locks, temporary tables, prepared statements
      await shared.exec(RESET_SQL);
      const roles = await shared.query<{ r: string }>('SELECT rolname AS r FROM pg_roles');
      const made = roles.map((x) => x.r).filter((r) => !newRoles.has(r));
      if (made.length) {
        const list = made.map(quoteIdent).join(', ');
        await shared.exec(`DROP OWNED BY ${list} CASCADE; DROP ROLE ${list}`);
      }
      await pinSettings(shared); // as freshPglite leaves it
      if ((await state(shared)) === newState) return shared;
    } catch {
      // not resettable: a new database below
    }
    await shared.close().catch(() => {});
  }
  shared = await freshPglite();
  if (newState === undefined) {
    newState = await state(shared);
    newRoles = new Set((await shared.query<{ r: string }>('SELECT rolname AS r FROM pg_roles')).map((x) => x.r));
  }
  return shared;
}

/** openTestDb opens a fresh database of a kind (a reset one for PGlite: see sharedPglite). */
export async function openTestDb(kind: (typeof KINDS)[number]): Promise<TestDb> {
  if (kind === 'pglite') {
    const db = await sharedPglite();
    return { db, dispose: async () => {} };
  }
  const t = await createDatabase('sv_deploy');
  const db = await connectUrl(t.url);
  return {
    db,
    url: t.url,
    dispose: async () => {
      await db.close();
      await t.drop();
    },
  };
}

/** catalog reads a comparable picture of the user schema (columns, constraints, indexes) in public. */
export async function catalog(db: Driver): Promise<string> {
  const cols = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const cons = await db.query(
    `SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const idx = await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`);
  return JSON.stringify({ cols, cons, idx }, null, 1);
}
