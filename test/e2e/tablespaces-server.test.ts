/**
 * Tablespaces on the PostgreSQL server: a table, an index and a materialized view in a tablespace (created in place
 * for the test, as verification does in PGlite) import with `tablespace:`, commit (verified in PGlite), stamp, and
 * `check` is clean; a table moved by hand is drift. Commands run the built CLI in this process (helpers/inproc.ts).
 * Build first (`npx tsc -p .`).
 */
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { adoptServer, inProcessProject, runAll } from '../helpers/inproc.js';
import { createDatabase, serverAvailable, serverUrl } from '../helpers/server.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

async function sql(url: string, ...texts: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const t of texts) await c.query(t);
  } finally {
    await c.end();
  }
}

describe('tablespaces on the server', async () => {
  const up = await serverAvailable();
  it.skipIf(!up)('import, commit, check; a moved table is drift', async () => {
    const ts = `sv_ts_${process.pid}`;
    await sql(serverUrl(), 'SET allow_in_place_tablespaces = on', `CREATE TABLESPACE ${ts} LOCATION ''`);
    const db = await createDatabase('sv_ts');
    const p = inProcessProject('sv-ts-'); // about tablespaces, not the process boundary: no Node start-up per command
    try {
      await sql(
        db.url,
        `create table events (id bigint, at timestamptz) tablespace ${ts};
         create index events_at_idx on events (at) tablespace ${ts};
         create materialized view daily tablespace ${ts} as select id from events;`,
      );
      const run = runAll(p);
      await adoptServer(p, db.url, () => {
        const yaml = p.read('schema/public.yaml');
        expect(yaml.match(new RegExp(`tablespace: ${ts}`, 'g'))?.length, yaml).toBe(3);
        expect(yaml).not.toContain('unmanaged');
      });
      await sql(db.url, 'alter table events set tablespace pg_default');
      let r = await run('check', '--url', db.url);
      expect(r.code, r.all).toBe(1);
      expect(r.all).toContain('tablespace');
    } finally {
      p.cleanup();
      await db.drop();
      await sql(serverUrl(), `DROP TABLESPACE IF EXISTS ${ts}`);
    }
  });
});
