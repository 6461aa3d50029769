/**
 * Conformance cases proven on the PostgreSQL test server (15 here) instead of PGlite (18): a CaseDb whose every
 * clean() is a fresh throwaway database, so runCase's two witnesses (model and catalog fingerprint) judge a plan
 * where a server older than PGlite runs it. For the few cases whose SQL differs by server version.
 */
import { readCases } from '../../src/conformance/index.js';
import { runCase, type Case, type CaseDb, type CaseResult } from '../../src/conformance/run.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { connectUrl } from '../../src/pg/server.js';
import type { Driver } from '../../src/pg/driver.js';
import { createDatabase } from './server.js';

/** serverCaseDb is a CaseDb of fresh server databases; `close` drops them all. */
export function serverCaseDb(): CaseDb & { close(): Promise<void> } {
  const made: { driver: Driver; drop: () => Promise<void> }[] = [];
  return {
    async clean() {
      const d = await createDatabase('sv_case');
      const driver = await connectUrl(d.url);
      made.push({ driver, drop: d.drop });
      return driver;
    },
    async discard() {},
    async close() {
      for (const m of made.splice(0)) {
        await m.driver.close().catch(() => {});
        await m.drop();
      }
    },
  };
}

/** runOnServer proves the cases `ids` of corpus `file` on the server, each in databases of its own. */
export async function runOnServer(file: string, ids: readonly string[]): Promise<CaseResult[]> {
  const cases: Case[] = (await readCases(file)).filter((c) => ids.includes(c.id));
  if (cases.length !== ids.length) throw new Error(`cases missing from ${file}: ${ids.join(', ')}`);
  const out: CaseResult[] = [];
  for (const c of cases) {
    const dbs = serverCaseDb();
    try {
      out.push(await runCase(dbs, c, introspect));
    } finally {
      await dbs.close();
    }
  }
  return out;
}
