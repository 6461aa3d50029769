/**
 * Throwaway databases on the PostgreSQL server used by tests.
 * URL from SCHEMAVER_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 * Under CI=true a missing server is a failure; elsewhere tests that need it are skipped.
 */
import pg from 'pg';

/** serverUrl is the admin URL of the test server. */
export function serverUrl(): string {
  return process.env.SCHEMAVER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** withDatabase returns the URL `base` pointing at database `name`. */
export function withDatabase(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = '/' + name;
  return u.toString();
}

/** queryServer runs `text` on its own connection to `url` and returns the rows (a test's one-off look at the server). */
export async function queryServer<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

let available: boolean | undefined;

/** serverAvailable tells whether the test server answers; under CI it throws when it does not. */
export async function serverAvailable(): Promise<boolean> {
  if (available !== undefined) return available;
  const c = new pg.Client({ connectionString: serverUrl(), connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    available = true;
  } catch (e) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL test server not reachable at ${serverUrl()}: ${(e as Error).message}`);
    available = false;
  } finally {
    await c.end().catch(() => {});
  }
  return available;
}

/** createDatabase creates a fresh throwaway database and returns its URL and a drop() to remove it. */
export async function createDatabase(
  prefix = 'sv_test',
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(serverUrl(), name),
    drop: async () => {
      const a = new pg.Client({ connectionString: serverUrl() });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** createRole creates a throwaway role (NOLOGIN) and returns its name and a drop() that removes it (drop databases first). */
export async function createRole(prefix = 'sv_role'): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE "${name}" NOLOGIN`);
  } finally {
    await admin.end();
  }
  return {
    name,
    drop: async () => {
      const a = new pg.Client({ connectionString: serverUrl() });
      await a.connect();
      try {
        await a.query(`DROP OWNED BY "${name}" CASCADE`).catch(() => {});
        await a.query(`DROP ROLE IF EXISTS "${name}"`);
      } finally {
        await a.end();
      }
    },
  };
}
