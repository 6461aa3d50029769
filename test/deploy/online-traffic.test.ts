/**
 * Live traffic (issue 12 bar): a table with many rows on the PostgreSQL server gets an index, a foreign key and a
 * NOT NULL from an online plan while a writer keeps inserting (a bounded loop); no insert waits longer than the
 * configured lock_timeout. The same three changes as the one-transaction plan run against an identical database
 * with the same writer, as the reference measured in the same run. 200,000 rows by default (the machine is small
 * and shared); SCHEMAVER_TRAFFIC_ROWS=1000000 for the size.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineProject, runCli } from '../helpers/cli.js';
import { runInProcess } from '../helpers/inproc.js';
import { createDatabase, queryServer, serverAvailable } from '../helpers/server.js';

const ROWS = Number(process.env.SCHEMAVER_TRAFFIC_ROWS ?? 200_000);
const LOCK_TIMEOUT_MS = 1000;
const V1 = `tables:
  teams:
    columns:
      id: { type: bigint, primary_key: true }
  items:
    columns:
      id: { type: bigint, primary_key: true }
      team_id: bigint
      email: text
`;
const V2 = V1.replace('team_id: bigint', 'team_id: { type: bigint, references: teams.id }')
  .replace('email: text', 'email: { type: text, nullable: false }')
  .concat('    indexes:\n      items_email_idx: { columns: [email] }\n');

/** writer inserts rows until stopped (at most 200,000) and keeps the slowest insert's latency. */
function startWriter(url: string, firstId: number) {
  const c = new pg.Client({ connectionString: url });
  let stop = false;
  let max = 0;
  let n = 0;
  const done = (async () => {
    await c.connect();
    for (let id = firstId; !stop && n < 200_000; id++, n++) {
      const t = performance.now();
      await c.query('INSERT INTO items (id, team_id, email) VALUES ($1, 1, $2)', [id, `w${id}`]);
      max = Math.max(max, performance.now() - t);
    }
    await c.end();
  })();
  return {
    stop: async () => {
      stop = true;
      await done;
      return { max, n };
    },
  };
}

const up = await serverAvailable();

describe.skipIf(!up)(`an online plan under a concurrent writer (${ROWS} rows)`, () => {
  let dir: string;
  const dbs: { url: string; drop: () => Promise<void> }[] = [];
  const q = (url: string, text: string) => queryServer(url, text);
  const populated = async () => {
    const d = await createDatabase('sv_traffic');
    dbs.push(d);
    const r = await runInProcess(dir, ['upgrade', 'HEAD~1', '--url', d.url]);
    expect(r.code, r.stderr).toBe(0);
    await q(
      d.url,
      `INSERT INTO teams VALUES (1), (2); INSERT INTO items SELECT g, 1 + g % 2, 'e' || g FROM generate_series(1, ${ROWS}) g; ANALYZE items`,
    );
    return d.url;
  };
  beforeAll(async () => {
    dir = await onlineProject('sv-traffic-', V1, V2, runInProcess);
    writeFileSync(
      join(dir, 'schemaver.yaml'),
      `online: { lock_timeout: ${LOCK_TIMEOUT_MS}ms, statement_timeout: 30s, retries: 5 }\n`,
    );
  }, 600_000);
  afterAll(async () => {
    for (const d of dbs) await d.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the writer is never blocked longer than lock_timeout', async () => {
    const url = await populated();
    const ref = await populated();
    // reference: the one-transaction plan's statements on an identical database under the same writer
    const plan = await runInProcess(dir, ['plan', 'HEAD~1', 'HEAD', '--no-online']);
    expect(plan.code, plan.stderr).toBe(0);
    let w = startWriter(ref, ROWS + 1);
    const t0 = performance.now();
    await q(ref, `BEGIN;\n${plan.stdout}\nCOMMIT;`);
    const classicMs = performance.now() - t0;
    const classic = await w.stop();

    w = startWriter(url, ROWS + 1);
    const t1 = performance.now();
    // online: from schemaver.yaml; a child process, so the writer here runs beside it, not behind it on one event loop
    const r = await runCli(dir, ['upgrade', '--url', url]);
    const onlineMs = performance.now() - t1;
    const online = await w.stop();
    expect(r.code, r.stderr).toBe(0);
    console.log(
      `[measure] ${ROWS} rows: online upgrade ${Math.round(onlineMs)} ms, writer ${online.n} inserts, slowest ${online.max.toFixed(1)} ms (lock_timeout ${LOCK_TIMEOUT_MS} ms); ` +
        `one-transaction plan ${Math.round(classicMs)} ms, writer ${classic.n} inserts, slowest ${classic.max.toFixed(1)} ms`,
    );
    expect(online.n).toBeGreaterThan(0);
    expect(online.max).toBeLessThan(LOCK_TIMEOUT_MS);
    expect((await runInProcess(dir, ['check', '--url', url])).code).toBe(0);
    const [n] = await q(url, 'SELECT count(*)::int AS n FROM items');
    expect(n).toEqual({ n: ROWS + online.n });
  }, 900_000);
});
