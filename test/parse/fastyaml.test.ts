import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ctx, locOf, parseYamlFile, type Node } from '../../src/parse/node.js';
import { FALLBACK, fastParseYaml } from '../../src/parse/fastyaml.js';
import { generateYamlFiles } from '../../tools/generate.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { FIXTURES, loadFixture } from './helpers.js';

/** plain turns a located tree into comparable data: kinds, values, sources and line:col of every node. */
function plain(n: Node | undefined): unknown {
  if (!n) return n;
  const at = locOf(n);
  const pos = `${at.line}:${at.col}`;
  if (n.t === 'scalar') return { pos, value: Number.isNaN(n.value) ? 'NaN' : n.value, source: n.source };
  if (n.t === 'seq') return { pos, items: n.items.map(plain) };
  return { pos, entries: n.entries.map((e) => [e.key, plain(e.keyNode), plain(e.value)]) };
}

function both(text: string): { fast: unknown; lib: unknown; fell: boolean } {
  const r = fastParseYaml('x.yaml', text);
  const lib = parseYamlFile('x.yaml', text, new Ctx(), 'library');
  return { fast: r === FALLBACK ? undefined : plain(r.root), lib: plain(lib), fell: r === FALLBACK };
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

describe('fast YAML reader', () => {
  it('builds exactly the tree the yaml library builds for every fixture file it accepts', () => {
    let accepted = 0;
    for (const path of yamlFiles(FIXTURES)) {
      const { fast, lib, fell } = both(readFileSync(path, 'utf8'));
      if (fell) continue;
      accepted++;
      expect(fast, relative(FIXTURES, path)).toEqual(lib);
    }
    expect(accepted).toBeGreaterThan(3);
  });

  it('accepts everything the writer produces and agrees with the library on it', async () => {
    const files = [...writeSchemaYaml(await loadFixture('kitchen-sink')), ...generateYamlFiles(60, 7)];
    for (const f of files) {
      const { fast, lib, fell } = both(f.text);
      expect(fell, f.path).toBe(false);
      expect(fast, f.path).toEqual(lib);
    }
  });

  it("agrees with the library on the yaml library's own block and flow renderings", async () => {
    const { stringify } = await import('yaml');
    const { schemaToYamlDoc } = await import('../../src/yaml/index.js');
    const tree = schemaToYamlDoc(await loadFixture('kitchen-sink'));
    for (const text of [
      stringify(tree),
      stringify(tree, { collectionStyle: 'flow' }),
      stringify(tree, { indent: 4, indentSeq: false }),
    ]) {
      const { fast, lib } = both(text);
      if (fast !== undefined) expect(fast).toEqual(lib);
    }
  });

  const cases: Record<string, string> = {
    'scalars of every core type':
      "a: 1\nb: -2.5\nc: true\nd: False\ne: null\nf: ~\ng:\nh: 0x1F\ni: 0o17\nj: 1e3\nk: .inf\nl: text with spaces\nm: \"quoted \\\" \\u00e9 \\n\"\nn: 'it''s'\no: 12abc\n",
    'nested blocks and sequences at the same indent':
      'a:\n- x\n- y: 1\n  z: 2\n-\n  - deep\nb:\n  c:\n    - 1\n    -   spaced\n',
    'comments everywhere':
      '# top\na: 1 # trailing\n\n  # indented comment\nb: [x, y] # after flow\nc: "q" # after quoted\nd: { e: f } #x\n',
    'multi-line flow': 'a: { b: [1,\n      2], c: d,\n    e: "x" }\n',
    'literal blocks': 'a: |\n  line 1\n    indented\n\n  line 3\nb: |-\n  stripped\n\nc: x\nd: |\n\n  after blank\n',
    'keys that are numbers, bools or quoted': '1: a\ntrue: b\n"quoted key": c\n\'single\': d\n',
    'colons and hashes inside plain scalars': 'a: http://x.y/z#frag\nb: a:b\nc: "x: y"\n',
    'empty document': '# only a comment\n',
    'flow edge cases': 'a: []\nb: {}\nc: [ [1, 2], {x: y} ]\nd: { k: }\ne: [a, b, ]\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`agrees with the library: ${name}`, () => {
      const { fast, lib, fell } = both(text);
      expect(fell).toBe(false);
      expect(fast).toEqual(lib);
    });
  }

  const fallbacks: Record<string, string> = {
    anchors: 'a: &x 1\nb: *x\n',
    tags: 'a: !!str 1\n',
    folded: 'a: >\n  x\n  y\n',
    'multi-line plain': 'a: one\n  two\n',
    'duplicate key': 'a: 1\na: 2\n',
    tabs: 'a:\n\tb: 1\n',
    'bad indentation': 'a:\n    b: 1\n  c: 2\n',
    'unterminated quote': 'a: "x\n',
    'multiple documents': 'a: 1\n---\nb: 2\n',
    'windows line ends': 'a: 1\r\nb: 2\r\n',
  };
  for (const [name, text] of Object.entries(fallbacks)) {
    it(`leaves to the library: ${name}`, () => {
      expect(fastParseYaml('x.yaml', text)).toBe(FALLBACK);
    });
  }
});
