/**
 * corpusSuite runs a corpus file of the shared conformance format as a vitest suite: one test that the corpus
 * holds a case of every expected kind (the second part of each case id), then every case proven in PGlite with
 * the runner's two witnesses (model and catalog fingerprint), up and down. Cases named in `knownFailing` run as
 * `it.fails` with their root cause in the title, so a fix (or a regression) shows up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCases } from '../../src/conformance/index.js';
import { resettableDb, type ResettableDb } from '../../src/conformance/pool.js';
import { runCase, type Case } from '../../src/conformance/run.js';
import { extensionsInSql, freshPglite, tierUpForProof } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';

/** CorpusOptions tunes a corpus suite: cases expected to fail (id -> root cause) and a minimum case count. */
export interface CorpusOptions {
  readonly knownFailing?: Readonly<Record<string, string>>;
  /** refused: cases the product must refuse as not supported in both directions (id -> words the refusal names). */
  readonly refused?: Readonly<Record<string, string>>;
  readonly minCases?: number;
}

/** corpusSuite declares the suite `title` over the cases of `file`; `kinds` must each have a case. */
export async function corpusSuite(
  title: string,
  file: string,
  kindsTitle: string,
  kinds: readonly string[],
  options: CorpusOptions = {},
) {
  const cases: Case[] = await readCases(file);
  const knownFailing = options.knownFailing ?? {};
  describe(title, () => {
    let dbs: ResettableDb;
    beforeAll(() => {
      // a corpus suite runs tens of seconds of PostgreSQL on this thread: its databases run on PGlite's module compiled
      // to tier up (pg/pglite.ts tierUpForProof, as a big commit's verifier does). wild+apps+longtail in one worker,
      // alternated on a loaded machine: 64.7 and 64.8 s of CPU (all threads) against 66.9 and 74.2 s on the baseline tier
      tierUpForProof();
      const extensions = [...new Set(cases.flatMap((c) => extensionsInSql(`${c.pre ?? ''}\n${c.a}\n${c.b}`)))];
      dbs = resettableDb(() => freshPglite({ extensions }));
    });
    afterAll(async () => {
      await dbs?.close();
    });

    it(kindsTitle, () => {
      expect(cases.length).toBeGreaterThanOrEqual(options.minCases ?? 1);
      const have = new Set(cases.map((c) => c.id.split('/')[1]));
      for (const k of kinds) expect(have).toContain(k);
      for (const id of [...Object.keys(knownFailing), ...Object.keys(options.refused ?? {})])
        expect(cases.map((c) => c.id)).toContain(id);
    });

    for (const c of cases) {
      const run = async () => {
        const r = await runCase(dbs, c, introspect);
        expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
      };
      const known = knownFailing[c.id];
      const refusal = options.refused?.[c.id];
      if (refusal !== undefined)
        it(`${c.id} (refused: ${refusal})`, async () => {
          const r = await runCase(dbs, c, introspect);
          expect({ up: r.up, down: r.down }).toEqual({ up: 'unsupported', down: 'unsupported' });
          expect(r.message).toContain(refusal);
        }, 120_000);
      else if (known) it.fails(`${c.id} (known: ${known})`, run, 120_000);
      else it(c.id, run, 120_000);
    }
  });
}
