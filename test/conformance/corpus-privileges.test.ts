/**
 * The privileges corpus (test/conformance/corpus-privileges.jsonl, the shared conformance format): grants added,
 * revoked and changed on tables, columns, views, sequences, functions, types and schemas, WITH GRANT OPTION, PUBLIC,
 * hostile role names, default privileges, storage parameters, replica identity and UNLOGGED, each proven in PGlite
 * with the runner's two witnesses (model and catalog fingerprint, which reads ACLs as text).
 * Roles come from each case's `pre`; the pool drops them between cases.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCases } from '../../src/conformance/index.js';
import { resettableDb, type ResettableDb } from '../../src/conformance/pool.js';
import { runCase, type Case } from '../../src/conformance/run.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';

const FILE = path.join(import.meta.dirname, 'corpus-privileges.jsonl');
const cases: Case[] = await readCases(FILE);

describe('privileges corpus', () => {
  let dbs: ResettableDb;
  beforeAll(() => {
    dbs = resettableDb(() => freshPglite());
  });
  afterAll(async () => {
    await dbs?.close();
  });

  it('holds cases for grants, default privileges, storage parameters, replica identity and unlogged', () => {
    const kinds = new Set(cases.map((c) => c.id.split('/')[1]));
    for (const k of ['grant', 'default-privileges', 'storage', 'replica-identity', 'unlogged'])
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
