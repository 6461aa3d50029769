/**
 * The normalisation cache by object (src/pg/normcache.ts, normalize.ts): an edited schema normalised from the cache
 * of an earlier one, building only the objects it lacks, equals the same schema normalised whole in one PGlite build
 * — on the bench's generated schemas (mutations of every kind the generator makes) and on the example project; an
 * edit no expression depends on builds nothing; the folder stays bounded.
 */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { stableJson } from '../../src/canon/index.js';
import type { Schema, Table } from '../../src/model/types.js';
import { loadSchemaDir, parseSchemaFiles } from '../../src/parse/index.js';
import { buildForProof, normalizeExpressions, rebuildLast, respelledBuild } from '../../src/pg/normalize.js';
import { MAX_FILES, NORMALIZED_DIR, objectPlan } from '../../src/pg/normcache.js';
import { generateSchema, mutateSchema } from '../../tools/generate.js';

/** counting is buildForProof that records the number of tables of each schema it builds. */
function counting(): { builds: number[]; build: (s: Schema) => Promise<Schema> } {
  const builds: number[] = [];
  return { builds, build: async (s) => (builds.push(Object.keys(s.tables).length), buildForProof(s)) };
}

/** unshared gives every table a generated column, which no shared build answers (normshare.ts): each table is built as itself. */
function unshared(s: Schema): Schema {
  const col = { kind: 'column' as const, name: 'bench_gen', type: 'integer', nullable: true, generated: '1 + 1' };
  const tables = Object.fromEntries(
    Object.entries(s.tables).map(([id, t]) => [id, { ...t, columns: [...t.columns, col] } as Table]),
  );
  return { ...s, tables };
}

/** withColumn adds one nullable text column (no expression names it) to the first table. */
function withColumn(s: Schema, name: string): Schema {
  const [id, t] = Object.entries(s.tables)[0]!;
  const col = { kind: 'column' as const, name, type: 'text', nullable: true };
  return { ...s, tables: { ...s.tables, [id]: { ...t, columns: [...t.columns, col] } as Table } };
}

/**
 * wholeBuild is `s` normalised whole in one PGlite build (the reference every test compares with), as stableJson: built
 * once per schema in this file (the 200-table schema is the reference of two tests), and the same model whenever
 * built, as a whole build of one schema is.
 */
const wholes = new Map<string, Promise<string>>();
function wholeBuild(s: Schema): Promise<string> {
  const key = stableJson(s);
  let made = wholes.get(key);
  if (!made) wholes.set(key, (made = normalizeExpressions(s, { whole: true }).then(stableJson)));
  return made;
}

describe('normalisation by object', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'sv-normcache-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('normalises an edited generated schema from the cache exactly as a whole build does, building only the edit', async () => {
    const dir = tmp();
    // 30 tables: 12 mutations build 4-6 of them (each with what it refers to), well under the whole schema
    const a = generateSchema(30, 3);
    const warm = counting();
    await normalizeExpressions(a, { cacheDir: dir, build: warm.build });
    expect(warm.builds[0]).toBe(30); // nothing cached: the whole schema
    for (const seed of [21, 22]) {
      const b = mutateSchema(a, 12, seed);
      const inc = counting();
      const byObject = await normalizeExpressions(b, { cacheDir: dir, build: inc.build });
      expect(stableJson(byObject)).toBe(await wholeBuild(b));
      expect(inc.builds.length).toBeGreaterThan(0);
      expect(Math.max(...inc.builds)).toBeLessThan(30); // a partial schema, not the whole
    }
    // a column no expression names: every object's answer is cached, PGlite is not started
    const c = withColumn(a, 'bench_note');
    const none = counting();
    const out = await normalizeExpressions(c, { cacheDir: dir, build: none.build });
    expect(none.builds).toEqual([]);
    expect(stableJson(out)).toBe(await wholeBuild(c));
  }, 600_000);

  it('normalises a schema split between two threads exactly as one whole build does', async () => {
    // a module of its own: no object answer of the other tests in its memory, so the schema is built whole (split)
    vi.resetModules();
    const own = (await import('../../src/pg/normalize.js')).normalizeExpressions;
    const a = unshared(generateSchema(70, 4)); // (a shared build would cost less than a half: the next test)
    const helper = counting(); // stands for the verifier's thread (offload.ts Verifier.readback)
    const split = await own(a, { helper: helper.build });
    expect(helper.builds).toHaveLength(1); // one half there, the other here
    expect(helper.builds[0]).toBeGreaterThan(10);
    expect(helper.builds[0]).toBeLessThan(60);
    expect(stableJson(split)).toBe(await wholeBuild(a));
    // a half that does not build: the whole schema is built instead, and decides
    let asked = 0;
    const failing = async () => (asked++, Promise.reject(new Error('no thread')));
    // nothing of it normalised before (no object answer in this process): built whole, so split
    const tables = Array.from(
      { length: 64 },
      (_, i) => `  fresh_${i}: { columns: { n: { type: int, default: { sql: "${i}+1" } } } }`,
    );
    const parsed = parseSchemaFiles([{ path: 'schema/s.yaml', text: `tables:\n${tables.join('\n')}\n` }]);
    const b = unshared(parsed.schema!);
    const fallback = await own(b, { helper: failing });
    expect(asked).toBe(1);
    expect(stableJson(fallback)).toBe(await wholeBuild(b));
  }, 300_000);

  it('normalises a big schema building each distinct spelling problem once, exactly as one whole build does', async () => {
    const fresh = async () => {
      vi.resetModules(); // no object answer of another schema in its memory: the schema is built whole
      return (await import('../../src/pg/normalize.js')).normalizeExpressions;
    };
    for (const [size, seed] of [
      [70, 4],
      [200, 9],
    ] as const) {
      const own = await fresh();
      const a = generateSchema(size, seed);
      const helper = counting();
      const here = counting();
      const shared = await own(a, { helper: helper.build, build: here.build });
      // cheaper than half of it: no split; the first round on the helper's thread: bins and what views need
      expect(helper.builds).toHaveLength(1);
      expect(helper.builds[0]).toBeLessThan(size / 4);
      for (const n of here.builds) expect(n).toBeLessThan(size / 4); // later rounds shared too
      expect(stableJson(shared)).toBe(await wholeBuild(a));
    }
    // a shared build that fails is no answer: the usual build decides (here whole: with `build`, no split)
    const a = mutateSchema(generateSchema(90, 5), 20, 6);
    const tried: number[] = [];
    const failing = async (s: Schema) => {
      tried.push(Object.keys(s.tables).length);
      throw new Error('does not build');
    };
    const whole = counting();
    const fallback = await (await fresh())(a, { helper: failing, build: whole.build });
    expect(tried).toHaveLength(1);
    expect(tried[0]).toBeLessThan(30);
    expect(whole.builds[0]).toBe(Object.keys(a.tables).length);
    expect(stableJson(fallback)).toBe(await wholeBuild(a));
  }, 600_000);

  it("confirms a shared first round with the helper's rebuild of it, exactly as one whole build does", async () => {
    const fresh = async () => {
      vi.resetModules(); // no object answer of another schema in its memory: the schema is built whole
      return (await import('../../src/pg/normalize.js')).normalizeExpressions;
    };
    /** helping stands for the verifier's thread: its readback (counted) and reread (rebuildLast) of the last one. */
    const helping = (fail = false) => {
      const h = counting();
      let last: Promise<{ schema: Schema; back: Schema }> | undefined;
      const rebuilt: number[] = [];
      return {
        builds: h.builds,
        rebuilt,
        helper: (schema: Schema) => {
          const back = h.build(schema);
          last = back.then((b) => ({ schema, back: b }));
          return back;
        },
        reread: async () => {
          const l = await last!; // asked at once: answered after the readback, as the worker's queue does
          if (fail) throw new Error('no thread');
          const again = respelledBuild(l.schema, l.back);
          rebuilt.push(again ? Object.keys(again.tables).length : 0);
          return rebuildLast(l);
        },
      };
    };
    const a = generateSchema(200, 9);
    const h = helping();
    const here = counting();
    const shared = await (await fresh())(a, { helper: h.helper, reread: h.reread, build: here.build });
    expect(h.builds).toHaveLength(1);
    expect(h.rebuilt).toHaveLength(1); // PostgreSQL respelled checks: the first round's build, rebuilt there
    expect(h.rebuilt[0]).toBeGreaterThan(0);
    expect(here.builds).toEqual([]); // nothing built on this thread
    expect(stableJson(shared)).toBe(await wholeBuild(a));
    // a rebuild that fails leaves the second round to the usual shared build on this thread
    const g = helping(true);
    const there = counting();
    const fallback = await (await fresh())(a, { helper: g.helper, reread: g.reread, build: there.build });
    expect(there.builds.length).toBeGreaterThan(0);
    expect(stableJson(fallback)).toBe(stableJson(shared));
  }, 600_000);

  it('normalises the example project from the cache of an edited copy exactly as a whole build does', async () => {
    const dir = tmp();
    const { schema } = await loadSchemaDir(join(__dirname, '..', '..'));
    // an earlier schema: every check of one table spelled differently, so that table (and what refers to it) is built again
    const [id, t] = Object.entries(schema.tables).find(([, x]) => Object.keys(x.checks).length > 0)!;
    const checks = Object.fromEntries(
      Object.entries(t.checks).map(([k, c]) => [k, { ...c, expression: `(${c.expression}) AND true` }]),
    );
    const earlier = { ...schema, tables: { ...schema.tables, [id]: { ...t, checks } } } as Schema;
    await normalizeExpressions(earlier, { cacheDir: dir });
    const inc = counting();
    const byObject = await normalizeExpressions(schema, { cacheDir: dir, build: inc.build });
    expect(inc.builds.length).toBeGreaterThan(0);
    expect(stableJson(byObject)).toBe(await wholeBuild(schema));
  }, 600_000);

  it('keys an object by what its spelling depends on', () => {
    const a = generateSchema(8, 5);
    const slots = (s: Schema) =>
      new Map(Object.entries(s.tables).map(([k, x]) => [`tables:${k}`, new Map([['x', `${x.columns[0]!.name} > 0`]])]));
    const key = (s: Schema) => objectPlan(s, slots(s), 'v').keys;
    const [first] = Object.keys(a.tables);
    const k0 = key(a);
    const k1 = key(withColumn(a, 'unnamed'));
    expect(k1.get(`tables:${first}`)).toBe(k0.get(`tables:${first}`));
    const t = a.tables[first!]!;
    const commented = { ...a, tables: { ...a.tables, [first!]: { ...t, comment: 'inert' } } } as Schema;
    expect(key(commented).get(`tables:${first}`)).toBe(k0.get(`tables:${first}`));
    const dropped = { ...a, tables: { ...a.tables, [first!]: { ...t, columns: t.columns.slice(1) } } } as Schema;
    expect(key(dropped).get(`tables:${first}`)).not.toBe(k0.get(`tables:${first}`)); // its key column is named
  });

  it('keeps the folder bounded', async () => {
    const dir = tmp();
    const s = generateSchema(2, 9);
    await normalizeExpressions(s, { cacheDir: dir });
    const folder = join(dir, NORMALIZED_DIR);
    const old = new Date(Date.now() - 3600_000);
    for (let i = 0; i < MAX_FILES + 5; i++) {
      const f = join(folder, `${String(i).padStart(64, '0')}.json`);
      writeFileSync(f, '{"changed":{}}');
      utimesSync(f, old, old);
    }
    await normalizeExpressions(withColumn(s, 'another'), { cacheDir: dir });
    const names = readdirSync(folder);
    expect(names.length).toBe(MAX_FILES);
  }, 300_000);
});
