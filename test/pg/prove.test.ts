// proveEdges on the built package: two workers, one cache written from this thread without lost entries.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Schema } from '../../src/model/types.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';

const { proveEdges } = (await import(
  new URL('../../dist/pg/prove.js', import.meta.url).href
)) as typeof import('../../src/pg/prove.js');

const dir = mkdtempSync(join(tmpdir(), 'schemaver-prove-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function schema(cols: string): Schema {
  const r = parseSchemaFiles([
    {
      path: 'schema/t.yaml',
      text: `tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n${cols}`,
    },
  ]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

function edge(from: Schema, to: Schema) {
  const p = planMigration(from, to);
  return { from, to, up: renderUp(p), down: renderDown(p) };
}

describe('proveEdges', () => {
  const a = schema('');
  const b = schema('      note: text\n');
  const c = schema('      n: { type: bigint, default: 1 }\n');

  it('proves edges two at a time, answers in job order and records every proven edge', async () => {
    const seen: number[] = [];
    const jobs = [edge(a, b), { ...edge(a, c), up: 'SELECT 1;' }, edge(b, c)];
    const results = await proveEdges(jobs, { cacheDir: dir, onEdge: (i) => seen.push(i) });
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]!.problems.join('\n')).toMatch(/column t\.n missing/);
    expect(seen.sort()).toEqual([0, 1, 2]);
    const cache = JSON.parse(readFileSync(join(dir, 'verified.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(cache)).toHaveLength(2);

    const again = await proveEdges(jobs, { cacheDir: dir });
    expect(again.map((r) => (r.data as { cached?: boolean }).cached ?? false)).toEqual([true, false, true]);
    expect(again[1]!.ok).toBe(false);
  });

  it('sends a proof before its hashes are made when the cache is empty, and records it under the key they make', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'schemaver-prove-lazy-'));
    try {
      // made only once the proof has answered: a proveEdges that waited for them before proving would never end
      const given = { from: 'sv1:lazy-from', to: 'sv1:lazy-to' };
      let made!: (h: typeof given) => void;
      const hashes = new Promise<typeof given>((resolve) => (made = resolve));
      const [r] = await proveEdges([{ ...edge(a, b), hashes: () => hashes }], {
        cacheDir: fresh,
        onEdge: () => made(given),
      });
      expect(r!.ok).toBe(true);
      // the key is the one those hashes make, as a proof given them at once looks it up
      const cached = await proveEdges([{ ...edge(a, b), opts: { hashes: given } }], { cacheDir: fresh });
      expect((cached[0]!.data as { cached?: boolean }).cached).toBe(true);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
