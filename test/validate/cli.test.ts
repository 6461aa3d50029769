import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';

/**
 * The typos of issue 12 and the pasted statements of issue 15, all in one schema: one `status` run must report every
 * one of them, each at its file:line:col, exit 2, and `plan` and `commit` must refuse the same way before planning.
 */
const SCHEMA = `enums:
  order_status: [pending, paid]
tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      age: { type: integr }
      n: { type: 12 }
      status: { type: order_statuss }
      score: { type: integer, default: abc }
      email: text
      st: { type: order_status, default: pendng }
    checks:
      - "agee > 0"
    indexes:
      by_email: { expressions: ["lower(emial)"] }
sequences:
  s: { start: 0o777, max: 0x7FFFFFFFFFFFFFFF, cache: .inf, increment: 1e-400 }
views:
  injected:
    query: "SELECT 1 AS one; DELETE FROM victim"
  missing_column: "SELECT u.id, u.nme FROM users u"
  missing_table: "SELECT id FROM userz"
`;

/** EXPECTED: code and file:line:col of every problem in SCHEMA. */
const EXPECTED = [
  ['unknown-type', 'schema/app.yaml:7:20'], // integr
  ['invalid-type', 'schema/app.yaml:8:18'], // 12
  ['unknown-type', 'schema/app.yaml:9:23'], // order_statuss: an undeclared enum
  ['invalid-default', 'schema/app.yaml:10:40'], // default: abc on integer
  ['invalid-default', 'schema/app.yaml:12:42'], // pendng is not an enum value
  ['unknown-column', 'schema/app.yaml:14:9'], // agee
  ['unknown-column', 'schema/app.yaml:16:33'], // emial in an index expression
  ['invalid-number', 'schema/app.yaml:18:15'], // 0o777
  ['invalid-number', 'schema/app.yaml:18:27'], // 0x7FFF...
  ['invalid-number', 'schema/app.yaml:18:54'], // .inf
  ['invalid-number', 'schema/app.yaml:18:71'], // 1e-400
  ['not-one-query', 'schema/app.yaml:21:12'], // SELECT 1; DELETE
  ['unknown-column', 'schema/app.yaml:22:19'], // u.nme
  ['unknown-table', 'schema/app.yaml:23:18'], // userz
] as const;

let p: Project;

beforeAll(async () => {
  p = inProcessProject('sv-validate-');
  const r = await p.run('init');
  expect(r.code, r.stderr).toBe(0);
  p.write('schema/app.yaml', SCHEMA);
}, 60_000);
afterAll(() => p?.cleanup());

describe('semantic validation through the CLI', () => {
  it('status reports every typo and pasted statement in one run, located, exit 2', async () => {
    const r = await p.run('status', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const issues = r.json<{ error: { issues: { code: string; loc: { file: string; line: number; col: number } }[] } }>()
      .error.issues;
    const got = issues.map((i) => [i.code, `${i.loc.file}:${i.loc.line}:${i.loc.col}`]);
    expect(got).toEqual(EXPECTED.map((e) => [...e]));
    const text = await p.run('status');
    expect(text.code).toBe(2);
    expect(hasStackTrace(text.stdout + text.stderr)).toBe(false);
    expect(text.stderr).toContain('error[unknown-type]: type `integr` is not a PostgreSQL type');
    expect(text.stderr).toContain('did you mean `integer`?');
    expect(text.stderr).toContain('did you mean `age`?');
    expect(text.stderr).toContain(`${EXPECTED.length} problems in schema/`);
  }, 60_000);

  it('plan and commit refuse before planning, with the same errors', async () => {
    for (const args of [['plan'], ['commit', '-m', 'typos']]) {
      const r = await p.run(...args);
      expect(r.code, args.join(' ') + r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain('--> schema/app.yaml:14:9');
      expect(r.stderr).toContain(`${EXPECTED.length} problems in schema/`);
      expect(r.stderr).not.toContain('planner bug');
      expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
    }
    const log = await p.run('log');
    expect(log.stdout + log.stderr).not.toContain('typos');
  }, 120_000);
});
