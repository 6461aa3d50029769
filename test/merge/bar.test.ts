/**
 * The bar: two branches each adding columns, indexes and an enum value to the same table merge cleanly, both
 * parent edges of the merge commit verify in PGlite, and a database at EITHER branch's head upgrades to the
 * merge commit (`schemaver upgrade`, then `schemaver check` finds no drift).
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Project } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';
import { verifyEdge } from '../../src/pg/index.js';
import { ScenarioDir } from './scenarios.js';
import { cleanupProjects, project, setup } from './project.js';

afterAll(cleanupProjects);
const extra: Project[] = [];
afterAll(() => extra.forEach((p) => p.cleanup()));

const read = (f: string) => readFileSync(join(ScenarioDir, 'bar-same-table-both-sides', f), 'utf8');

async function ok(p: Project, ...args: string[]) {
  const r = await p.run(...args);
  expect(r.code, `schemaver ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

describe('bar: same table changed on both branches', () => {
  it(
    'merges cleanly, both edges verify, and databases at either head upgrade to the merge',
    { timeout: 300_000 },
    async () => {
      const p = await setup(read('base.yaml'), read('ours.yaml'), read('theirs.yaml'));
      // q: a copy of the project whose local database sits at theirs' head
      const q = project('sv-merge-q-');
      extra.push(q);
      cpSync(p.dir, q.dir, { recursive: true });
      await ok(p, 'upgrade'); // main = ours' head
      await ok(q, 'checkout', 'feature');
      await ok(q, 'upgrade'); // feature = theirs' head
      await ok(q, 'checkout', 'main');

      for (const proj of [p, q]) {
        // q merges the same two heads p did: with p's cache (content-addressed: verified edges, images, read-backs)
        // it does not prove again the edges p's merge just proved; they are proven once more in-process below
        if (proj === q)
          cpSync(join(p.dir, '.schemaver', 'cache'), join(q.dir, '.schemaver', 'cache'), { recursive: true });
        const r = await ok(proj, 'merge', 'feature', '--json');
        const out = r.json();
        expect(out.status).toBe('merged');
        expect(out.edges).toHaveLength(2);
        expect(out.edges.every((e: { verified: boolean }) => e.verified)).toBe(true);
        await ok(proj, 'upgrade');
        const check = await proj.run('check', '--json');
        expect(check.code, check.stdout + check.stderr).toBe(0);
      }

      // both stored edges of the merge commit, proven again in-process
      const store = await openStore(p.dir);
      const id = (await store.head())!;
      const snap = await store.readSnapshot(id);
      expect(snap.parents).toHaveLength(2);
      expect(snap.schema.enums.status!.values).toEqual(['pending', 'paid', 'shipped', 'refunded', 'lost']);
      expect(snap.schema.tables.users!.columns.map((c) => c.name)).toEqual([
        'id',
        'email',
        'name',
        'phone',
        'status',
        'created_at',
      ]);
      for (const m of snap.migrations) {
        const parent = await store.readSnapshot(m.parent);
        const v = await verifyEdge(parent.schema, snap.schema, m.up, m.down);
        expect(v.problems).toEqual([]);
        expect(v.ok).toBe(true);
      }
    },
  );
});
