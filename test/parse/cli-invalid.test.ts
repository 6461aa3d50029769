import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasStackTrace, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { FIXTURES } from './helpers.js';

/**
 * A handful of invalid fixtures through the built CLI: `schemaver status` must print each located error and exit 2.
 * The commands run in this process (helpers/inproc.ts): the rendering and the exit code are the command's, not the
 * process's (bin/run.js's exit codes are test/e2e/cli-rules.test.ts's).
 */
const CASES = [
  'unknown-key-column',
  'duplicate-table-across-files',
  'fk-missing-table',
  'name-too-long',
  'yaml-syntax-bad-indent',
  'many-problems',
];

let p: Project;

beforeAll(async () => {
  p = inProcessProject('sv-invalid-');
  const r = await p.run('init');
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
afterAll(() => p?.cleanup());

function useFixture(name: string): string[] {
  rmSync(join(p.dir, 'schema'), { recursive: true, force: true });
  const dir = join(FIXTURES, 'invalid', name, 'schema');
  for (const f of readdirSync(dir)) p.write(`schema/${f}`, readFileSync(join(dir, f), 'utf8'));
  return readFileSync(join(FIXTURES, 'invalid', name, 'expected.txt'), 'utf8')
    .trim()
    .split('\n');
}

describe('invalid schema through `schemaver status`', () => {
  for (const name of CASES) {
    it(name, async () => {
      const expected = useFixture(name);
      const r = await p.run('status');
      expect(r.code, r.stdout + r.stderr).toBe(2);
      const out = r.stdout + r.stderr;
      expect(hasStackTrace(out)).toBe(false);
      for (const line of expected) {
        const [code, loc] = line.split(' ');
        expect(out).toContain(`${code}:`);
        expect(out).toContain(`--> ${loc}`);
      }
      const j = await p.run('status', '--json');
      expect(j.code).toBe(2);
      const err = j.json<{
        error: { code: string; issues?: Array<{ code: string; loc: { file: string; line: number; col: number } }> };
      }>().error;
      const issues = err.issues ?? [];
      const got = issues.length
        ? issues.map((i) => `error[${i.code}] ${i.loc.file}:${i.loc.line}:${i.loc.col}`)
        : [`error[${err.code}]`];
      expect(got).toEqual(expected.map((l) => l.split(' ').slice(0, 2).join(' ')));
    });
  }
});
