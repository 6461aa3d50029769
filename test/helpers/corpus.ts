/**
 * corpusSuite runs a corpus file of the shared conformance format as a vitest suite: one test that the corpus
 * holds a case of every expected kind (the second part of each case id), then every case proven in PGlite with
 * the runner's two witnesses (model and catalog fingerprint), up and down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCases } from '../../src/conformance/index.js';
import { resettableDb, type ResettableDb } from '../../src/conformance/pool.js';
import { runCase, type Case } from '../../src/conformance/run.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';

/** corpusSuite declares the suite `title` over the cases of `file`; `kinds` must each have a case. */
export async function corpusSuite(title: string, file: string, kindsTitle: string, kinds: readonly string[]) {
  const cases: Case[] = await readCases(file);
  describe(title, () => {
    let dbs: ResettableDb;
    beforeAll(() => {
      dbs = resettableDb(() => freshPglite());
    });
    afterAll(async () => {
      await dbs?.close();
    });

    it(kindsTitle, () => {
      const have = new Set(cases.map((c) => c.id.split('/')[1]));
      for (const k of kinds) expect(have).toContain(k);
    });

    for (const c of cases) {
      it(
        c.id,
        async () => {
          const r = await runCase(dbs, c, introspect);
          expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
        },
        120_000,
      );
    }
  });
}
