/**
 * Import round trip over a representative subset of the conformance corpus `b` schemas: load the DDL, introspect,
 * write YAML, parse it, build it from nothing, introspect again: the two models must be equal, or the case must
 * name the object it cannot express. (The whole corpus: `node dist/pg/roundtrip-report.js <files>`.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { extensionsInSql } from '../../src/pg/pglite.js';
import { RoundTripper } from '../../src/pg/roundtrip.js';
import { readCorpus, type CorpusCase } from '../../src/pg/roundtrip-report.js';

const DIR = process.env.SCHEMAVER_CONFORMANCE_DIR ?? '/work/shared/conformance';
const have = existsSync(path.join(DIR, 'sqldef.jsonl'));

function subset(): CorpusCase[] {
  const sqldef = readCorpus(path.join(DIR, 'sqldef.jsonl')).filter((c) => (c.b ?? '').trim());
  const migra = readCorpus(path.join(DIR, 'migra.jsonl')).filter((c) => (c.b ?? '').trim());
  const step = Math.floor(sqldef.length / 24);
  return [...sqldef.filter((_, i) => i % step === 0).slice(0, 24), ...migra.filter((_, i) => i % 4 === 0).slice(0, 6)];
}

describe.skipIf(!have)('import round trip (conformance subset)', () => {
  const cases = have ? subset() : [];
  let rt: RoundTripper;
  beforeAll(() => {
    const exts = [...new Set(cases.flatMap((c) => extensionsInSql(`${c.pre ?? ''}\n${c.b ?? ''}`)))];
    rt = new RoundTripper({ writeSchemaYaml: (s) => writeSchemaYaml(s), parseSchemaFiles }, exts);
  });
  afterAll(async () => rt?.close());

  it('has a representative subset', () => {
    expect(cases.length).toBeGreaterThanOrEqual(28);
  });

  for (const c of cases) {
    it(`round-trips ${c.id}`, async () => {
      const o = await rt.run(c.b ?? '', c.pre ?? '');
      if (o.status === 'unsupported') {
        for (const p of o.problems) expect(p).toMatch(/^not supported: \S/);
      } else {
        expect(o.problems).toEqual([]);
        expect(o.status).toBe('pass');
      }
    });
  }
});
