/** The PostgreSQL half of the semantic checks: the merged schema is built in PGlite step by step. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaHash } from '../../src/canon/index.js';
import { knownToBuild } from '../../src/pg/readback.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { merge3 } from '../../src/merge/index.js';
import { buildConflicts, locateObject } from '../../src/app/merge-edges.js';
import { loadScenarios } from './scenarios.js';

const load = (text: string) => parseSchemaFiles([{ path: 'schema/a.yaml', text }]).schema!;

describe('buildConflicts', () => {
  it("turns a view on a column dropped by the other side into a located semantic conflict with PostgreSQL's message", async () => {
    const sc = loadScenarios().find((s) => s.name === 'view-on-dropped-column')!;
    const r = merge3(load(sc.base), load(sc.ours), load(sc.theirs));
    expect(r.conflicts).toEqual([]);
    const c = await buildConflicts(r.schema);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ kind: 'semantic', path: ['views', 'named_users'] });
    expect(c[0]!.message).toMatch(/column "name" does not exist/);
  });
  it('builds a clean merge without conflicts', async () => {
    const sc = loadScenarios().find((s) => s.name === 'bar-same-table-both-sides')!;
    const r = merge3(load(sc.base), load(sc.ours), load(sc.theirs));
    expect(await buildConflicts(r.schema)).toEqual([]);
  });
  it('records a schema that builds in the cache directory (then answers from it), never one that does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sv-buildcheck-'));
    try {
      const good = load('tables:\n  t:\n    columns:\n      id: bigint\n');
      expect(await knownToBuild(dir, schemaHash(good))).toBe(false);
      expect(await buildConflicts(good, dir)).toEqual([]);
      expect(await knownToBuild(dir, schemaHash(good))).toBe(true);
      expect(readdirSync(join(dir, 'readback')).filter((f) => f.endsWith('.builds'))).toHaveLength(1);
      expect(await buildConflicts(good, dir)).toEqual([]);
      const sc = loadScenarios().find((s) => s.name === 'view-on-dropped-column')!;
      const bad = merge3(load(sc.base), load(sc.ours), load(sc.theirs)).schema;
      for (let i = 0; i < 2; i++) expect(await buildConflicts(bad, dir)).toHaveLength(1);
      expect(await knownToBuild(dir, schemaHash(bad))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('locates step objects in the model', () => {
    const s = load(
      'tables:\n  users:\n    columns:\n      id: bigint\n    indexes:\n      users_id_idx: { columns: [id] }\nfunctions:\n  f: { args: "", returns: integer, language: sql, body: "SELECT 1" }\n',
    );
    expect(locateObject(s, 'users')).toEqual(['tables', 'users']);
    expect(locateObject(s, 'users.id')).toEqual(['tables', 'users', 'columns', 'id']);
    expect(locateObject(s, 'users.users_id_idx')).toEqual(['tables', 'users', 'indexes', 'users_id_idx']);
    expect(locateObject(s, 'f')).toEqual(['functions', 'f()']);
  });
});
