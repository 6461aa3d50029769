/**
 * The long-tail corpus (test/conformance/corpus-real.jsonl, the shared conformance format): every case of it is
 * proven in PGlite on every test run — definition objects created, changed, dropped and rebuilt around other
 * changes, and unmanaged objects passing through — with the runner's two witnesses (model and catalog fingerprint).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCases } from '../../src/conformance/index.js';
import { resettableDb, type ResettableDb } from '../../src/conformance/pool.js';
import { runCase, type Case } from '../../src/conformance/run.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';

const FILE = path.join(import.meta.dirname, 'corpus-real.jsonl');
const cases: Case[] = await readCases(FILE);

describe('long-tail corpus', () => {
  let dbs: ResettableDb;
  beforeAll(() => {
    dbs = resettableDb(() => freshPglite());
  });
  afterAll(async () => {
    await dbs?.close();
  });

  it('holds a case for every definition kind and for unmanaged passthrough', () => {
    const kinds = new Set(cases.map((c) => c.id.split('/')[1]));
    for (const k of [
      'aggregate',
      'range',
      'rule',
      'event-trigger',
      'publication',
      'statistics',
      'collation',
      'foreign',
      'operator',
      'cast',
      'text-search',
      'sql-body',
      'unmanaged',
    ])
      expect(kinds).toContain(k);
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
