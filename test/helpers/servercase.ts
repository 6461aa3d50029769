/**
 * Conformance cases proven on the PostgreSQL test server (15 here) instead of PGlite (18): a CaseDb of throwaway
 * server databases, so runCase's two witnesses (model and catalog fingerprint) judge a plan
 * where a server older than PGlite runs it. For the few cases whose SQL differs by server version.
 */
import { readCases } from '../../src/conformance/index.js';
import { runCase, type Case, type CaseResult } from '../../src/conformance/run.js';
import { resettableDb, type ResettableDb } from '../../src/conformance/pool.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { connectUrl } from '../../src/pg/server.js';
import type { Driver } from '../../src/pg/driver.js';
import { createDatabase } from './server.js';

/**
 * serverCaseDb is a CaseDb over throwaway server databases (one, and its `other`), reset between loads as the runner
 * resets PGlite's; `close` drops them. A new case does not drop the roles made since the databases were (the PGlite
 * pool's newCase): roles are the server's, and another test file running meanwhile makes its own.
 */
export function serverCaseDb(): ResettableDb {
  const made: { driver: Driver; drop: () => Promise<void> }[] = [];
  const dbs = resettableDb(async () => {
    const d = await createDatabase('sv_case');
    const driver = await connectUrl(d.url);
    made.push({ driver, drop: d.drop });
    return driver;
  });
  return {
    clean: () => dbs.clean(false),
    get other() {
      return dbs.other;
    },
    discard: () => dbs.discard(),
    async close() {
      await dbs.close().catch(() => {});
      for (const m of made.splice(0)) await m.drop();
    },
  };
}

/**
 * runOnServer proves the cases `ids` of corpus `file` on the server, one after another in one pair of databases reset
 * between loads, as the PGlite corpus suites run theirs (a CREATE DATABASE and a DROP DATABASE each cost the server
 * most of a second: two per case before).
 */
export async function runOnServer(file: string, ids: readonly string[]): Promise<CaseResult[]> {
  const cases: Case[] = (await readCases(file)).filter((c) => ids.includes(c.id));
  if (cases.length !== ids.length) throw new Error(`cases missing from ${file}: ${ids.join(', ')}`);
  const out: CaseResult[] = [];
  const dbs = serverCaseDb();
  try {
    for (const c of cases) out.push(await runCase(dbs, c, introspect));
  } finally {
    await dbs.close();
  }
  return out;
}
