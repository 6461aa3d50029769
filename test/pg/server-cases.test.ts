/**
 * Corpus cases whose plan depends on the server's version, proven on the PostgreSQL test server (15) with the
 * runner's two witnesses, up and down, as PGlite (18) proves them in the corpus suites: what 16+ alone accepts must
 * not reach a plan (a column's storage put back to its type's: `SET STORAGE DEFAULT` is 16+), and what PostgreSQL 15
 * does otherwise than 18 must be planned for (a partition's NOT VALID copy of its parent's check: 18 also has NOT
 * NULL constraints there).
 */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { serverAvailable } from '../helpers/server.js';
import { runOnServer } from '../helpers/servercase.js';

vi.setConfig({ testTimeout: 240_000 });

const LONGTAIL = path.join(import.meta.dirname, '../conformance/corpus-longtail.jsonl');

describe('version-dependent corpus cases on the PostgreSQL server', async () => {
  const up = await serverAvailable();
  it.skipIf(!up)('a column storage put back to its type, and kept through a type change', async () => {
    // each case is proven both ways (up, then down): the corpus' /down twins add nothing here
    const ids = ['longtail/column-storage/reset-to-type/up', 'longtail/column-storage/retyped-keeps-storage/up'];
    const r = await runOnServer(LONGTAIL, ids);
    expect(r.map((x) => ({ id: x.id, up: x.up, down: x.down, message: x.message }))).toEqual(
      ids.map((id) => ({ id, up: 'pass', down: 'pass', message: '' })),
    );
  });

  it.skipIf(!up)("partitions' NOT VALID copies of a parent's check: added, validated, dropped, attached", async () => {
    const ids = ['nv-add', 'nv-validate-copy', 'nv-drop-partition', 'nv-attach-own-nv', 'inh-nv-add'].map(
      (k) => `longtail/partition-check-not-valid/${k}/up`,
    );
    const r = await runOnServer(LONGTAIL, ids);
    expect(r.map((x) => ({ id: x.id, up: x.up, down: x.down, message: x.message }))).toEqual(
      ids.map((id) => ({ id, up: 'pass', down: 'pass', message: '' })),
    );
  });
});
