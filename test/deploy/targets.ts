/**
 * The two kinds of database every deploy test runs on: an embedded PGlite and a throwaway database on the
 * PostgreSQL server (skipped when the server is absent, failing under CI=true).
 */
import { freshPglite } from '../../src/pg/pglite.js';
import { connectUrl } from '../../src/pg/server.js';
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

/** openTestDb opens a fresh database of a kind. */
export async function openTestDb(kind: (typeof KINDS)[number]): Promise<TestDb> {
  if (kind === 'pglite') {
    const db = await freshPglite();
    return { db, dispose: () => db.close() };
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
