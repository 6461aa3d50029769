import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { schemaHash } from '../../src/canon/index.js';
import { rng } from '../../tools/generate.js';
import { parseSchemaFiles, type SourceFile } from '../../src/parse/index.js';
import { schemaToYamlDoc, type YamlTree } from '../../src/yaml/index.js';
import { loadFixture } from '../parse/helpers.js';

type Tree = { [k: string]: YamlTree };

function shuffle<T>(xs: T[], r: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** reorder shuffles the keys of every map (lists keep their order: it can matter) and of every unnamed list of constraints. */
function reorder(v: YamlTree, r: () => number, path: string[]): YamlTree {
  if (Array.isArray(v)) {
    const last = path[path.length - 1];
    const orderFree = ['checks', 'unique', 'foreign_keys', 'exclusions', 'indexes', 'extensions', 'schemas'].includes(
      last ?? '',
    );
    const items = v.map((x) => reorder(x, r, [...path, '[]']));
    return orderFree ? shuffle(items, r) : items;
  }
  if (v && typeof v === 'object') {
    // composite attributes are ordered (attribute order is part of the type), so their map keeps its order
    const keepOrder = path[0] === 'composites' && (path.length === 2 || path[2] === 'attributes');
    const out: Tree = {};
    const keys = Object.keys(v);
    for (const k of keepOrder ? keys : shuffle(keys, r)) out[k] = reorder((v as Tree)[k]!, r, [...path, k]);
    return out;
  }
  return v;
}

/** split spreads the objects of each section over `n` files at random. */
function split(tree: Tree, n: number, r: () => number): SourceFile[] {
  const files: Tree[] = Array.from({ length: n }, () => ({}));
  for (const [section, body] of Object.entries(tree)) {
    if (Array.isArray(body)) {
      for (const item of body) {
        const f = files[Math.floor(r() * n)]!;
        ((f[section] ??= []) as YamlTree[]).push(item);
      }
    } else {
      for (const [k, v] of Object.entries(body as Tree)) {
        const f = files[Math.floor(r() * n)]!;
        ((f[section] ??= {}) as Tree)[k] = v;
      }
    }
  }
  return files.map((t, i) => ({
    path: `schema/part${i}.yaml`,
    text:
      `# part ${i}\n` +
      stringify(t, r() < 0.5 ? {} : { collectionStyle: r() < 0.5 ? 'flow' : 'block', indent: r() < 0.5 ? 2 : 4 }),
  }));
}

describe('the schema hash ignores file split, key order, list order of unnamed constraints and formatting', () => {
  for (const fixture of ['kitchen-sink', 'spec']) {
    it(fixture, async () => {
      const s = await loadFixture(fixture);
      const want = schemaHash(s);
      const tree = schemaToYamlDoc(s) as Tree;
      for (let seed = 1; seed <= 12; seed++) {
        const r = rng(seed);
        const files = split(reorder(tree, r, []) as Tree, 1 + (seed % 4), r);
        const back = parseSchemaFiles(files);
        expect(back.issues, `seed ${seed}`).toEqual([]);
        expect(schemaHash(back.schema!), `seed ${seed}`).toBe(want);
      }
    });
  }
});
