import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSchemaDir, parseSchemaFiles, readSchemaDir } from '../../src/parse/index.js';
import { SchemaverError, formatIssue } from '../../src/errors.js';
import { FIXTURES } from './helpers.js';

const ROOT = join(FIXTURES, 'invalid');
const cases = readdirSync(ROOT).sort();

/** Each test/fixtures/invalid/<case>/schema is a broken schema; expected.txt lists `error[code] file:line:col` per issue. */
describe('invalid schemas yield located errors', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of cases) {
    it(c, async () => {
      const dir = join(ROOT, c);
      const r = parseSchemaFiles(await readSchemaDir(dir));
      expect(r.schema).toBeUndefined();
      const got = r.issues.map(
        (i) =>
          `error[${i.code}] ${i.loc!.file}:${i.loc!.line}:${i.loc!.col}${i.related ? ` related ${i.related.file}:${i.related.line}:${i.related.col}` : ''}`,
      );
      const want = readFileSync(join(dir, 'expected.txt'), 'utf8').trim().split('\n');
      expect(got).toEqual(want);
      for (const i of r.issues) {
        expect(i.code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
        expect(i.message.length).toBeGreaterThan(10);
        expect(formatIssue(i)).toContain(`--> ${i.loc!.file}:${i.loc!.line}:${i.loc!.col}`);
      }
      const err = await loadSchemaDir(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaverError);
      expect((err as SchemaverError).exit).toBe(2);
      expect((err as SchemaverError).issues).toEqual(r.issues);
    });
  }
});
