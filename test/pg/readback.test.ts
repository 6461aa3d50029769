import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';
import { verifyEdge } from '../../src/pg/index.js';
import { schemaHash } from '../../src/canon/index.js';
import {
  READBACK_DIR,
  cachedBuild,
  readCachedReadback,
  readbackKey,
  writeCachedReadback,
} from '../../src/pg/readback.js';

function schema(yaml: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/main.yaml', text: yaml }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.schema;
}

const A = schema(`
tables:
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, nullable: false, unique: true }
`);
const B = schema(`
tables:
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, nullable: false, unique: true }
      nickname: { type: varchar(40) }
`);

describe('the read-back cache', () => {
  it('keeps one copy per schema hash and variant; a damaged copy is no copy', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sv-readback-'));
    try {
      const h = schemaHash(A);
      expect(readbackKey(h, 'check')).not.toBe(readbackKey(h, 'proof'));
      let builds = 0;
      const build = async (s: Schema) => {
        builds++;
        return s;
      };
      expect(await cachedBuild(dir, A, build, h)).toEqual(A);
      expect(await cachedBuild(dir, A, build, h)).toEqual(A);
      expect(builds).toBe(1);
      expect(await readCachedReadback(dir, h, 'proof')).toBeUndefined();
      await writeFile(path.join(dir, READBACK_DIR, `${readbackKey(h, 'check')}.json`), '{"hash":');
      expect(await readCachedReadback(dir, h, 'check')).toBeUndefined();
      await cachedBuild(dir, A, build, h);
      expect(builds).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('proofs read both schemas back once, then use the kept copies (a poisoned copy is what the proof compares with)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sv-readback-'));
    try {
      const p = planMigration(A, B);
      const first = await verifyEdge(A, B, renderUp(p), renderDown(p), { readbackDir: dir });
      expect(first.problems).toEqual([]);
      expect((await readdir(path.join(dir, READBACK_DIR))).filter((f) => f.endsWith('.json'))).toHaveLength(2);
      const again = await verifyEdge(A, B, renderUp(p), renderDown(p), { readbackDir: dir });
      expect(again.problems).toEqual([]);
      // The copy of B is consulted: if it said B had no nickname column, the same migration would not reproduce it.
      const keptB = (await readCachedReadback(dir, schemaHash(B), 'proof'))!;
      const users = Object.values(keptB.tables)[0]!;
      const columns = users.columns.filter((c) => c.name !== 'nickname');
      const poisoned = { ...keptB, tables: { [Object.keys(keptB.tables)[0]!]: { ...users, columns } } };
      await writeCachedReadback(dir, schemaHash(B), 'proof', poisoned as Schema);
      const fooled = await verifyEdge(A, B, renderUp(p), renderDown(p), { readbackDir: dir });
      expect(fooled.ok).toBe(false);
      expect(fooled.problems.join('\n')).toMatch(/nickname/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
