/**
 * `check` on a server older than PGlite's PostgreSQL: view queries are deparsed differently by each version
 * (`SELECT id` vs `SELECT users.id`), so the snapshot's views are printed again by the target itself.
 * A view that matches must be clean; a view that really changed must still be drift.
 */
import { describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { inProcessProject } from '../helpers/inproc.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

vi.setConfig({ testTimeout: 300_000 });
const hasServer = await serverAvailable();

const SCHEMA = `tables:
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, nullable: false }
      active: { type: boolean, nullable: false, default: true }
views:
  active_users: { query: "SELECT id, email FROM users WHERE active" }
  user_count: { query: "SELECT count(*) AS n FROM active_users", materialized: true }
`;

describe.skipIf(!hasServer)('check against the PostgreSQL server', () => {
  it('is clean on views the server prints in its own way, and still sees a changed view', async () => {
    const db = await createDatabase('sv_check_views');
    const p = inProcessProject();
    try {
      expect((await p.run('init')).code).toBe(0);
      p.write('schema/schema.yaml', SCHEMA);
      expect((await p.run('commit', '-m', 'views')).code).toBe(0);
      expect((await p.run('upgrade', '--url', db.url)).code).toBe(0);
      const clean = await p.run('check', '--url', db.url);
      expect(clean.stderr).toBe('');
      expect(clean.code).toBe(0);

      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query('CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users WHERE NOT active');
      await c.end();
      const drift = await p.run('check', '--url', db.url);
      expect(drift.code).toBe(1);
      expect(drift.stderr).toMatch(
        /view active_users: query expected .*WHERE users\.active.*got .*WHERE NOT users\.active/s,
      );
    } finally {
      p.cleanup();
      await db.drop();
    }
  });
});
