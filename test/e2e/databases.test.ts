/**
 * Issue "databases", the parts test/deploy/cli.test.ts does not already drive through the CLI: every deploy
 * command (and import --url) against an unreachable or malformed target exits with the right code and never
 * prints the password, in text and in --json. (The upgrade / downgrade -1 / upgrade / current / check / manual
 * ALTER drift flow through the CLI on the server is test/deploy/cli.test.ts "deploy through the CLI on postgres".)
 * Commands run the built CLI in this process (helpers/inproc.ts): the exit code and the masking are the command's;
 * one run (import --url) goes through the real binary, as a user's shell sees it (test/deploy/cli.test.ts runs two more).
 * Build first (`npx tsc -p .`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, hasStackTrace, type Project, type CliResult } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { redact as maskSecrets } from '../../src/redact.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const SECRET = 's3cret!';

let p: Project;
beforeAll(async () => {
  p = inProcessProject('sv-e2e-db-');
  expect((await p.run('init')).code).toBe(0);
  p.write('schema/schema.yaml', 'tables:\n  t:\n    columns:\n      id: { type: int, primary_key: true }\n');
  expect((await p.run('commit', '-m', 't', '--no-verify')).code).toBe(0);
});
afterAll(() => p?.cleanup());

const COMMANDS: string[][] = [
  ['upgrade'],
  ['downgrade', '-1'],
  ['current'],
  ['history'],
  ['stamp', 'HEAD'],
  ['check'],
  ['upgrade', '--sql'],
];

/** inBatches runs fn over items, n at a time. */
async function inBatches<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
    }),
  );
  return out;
}

describe('connection failures through the CLI', () => {
  it(`refused connection: every deploy command exits 3, text and --json, and ${SECRET} appears nowhere`, async () => {
    const url = `postgres://postgres:${SECRET}@127.0.0.1:1/x`;
    const runs = [...COMMANDS.map((c) => [...c, '--url', url]), ...COMMANDS.map((c) => [...c, '--url', url, '--json'])];
    // one at a time: in-process runs share the working directory
    const results: Array<[string[], CliResult]> = await inBatches(
      runs,
      1,
      async (args) => [args, await p.run(...args)] as [string[], CliResult],
    );
    // DATABASE_URL is the same target
    results.push([['current (DATABASE_URL)'], await p.runEnv({ DATABASE_URL: url }, 'current')]);
    results.push([['import --url'], await runCli(p.dir, ['import', '--url', url, '--force'])]);
    for (const [args, r] of results) {
      const what = args.join(' ');
      expect(r.code, `${what}: ${r.stdout}${r.stderr}`).toBe(3);
      expect(r.stdout + r.stderr, what).not.toContain(SECRET);
      expect(r.stdout + r.stderr, what).not.toContain('s3cret');
      expect(hasStackTrace(r.stderr), what).toBe(false);
      if (args.includes('--json')) {
        expect(r.json().error.code, what).toBe('connect-failed');
        expect(r.json().error.message, what).toContain('postgres://postgres:***@127.0.0.1:1/x');
      } else {
        expect(r.stderr, what).toContain(
          'error[connect-failed]: cannot connect to postgres://postgres:***@127.0.0.1:1/x',
        );
      }
    }
  });

  it('a malformed target (libpq keyword/value string, password in the query) is refused without echoing the password', async () => {
    const targets = [
      `host=127.0.0.1 port=1 user=postgres password=${SECRET}`,
      `host=127.0.0.1 password='${SECRET} x' dbname=x`,
      `postgres://postgres@127.0.0.1:1/x?password=${SECRET}`,
    ];
    for (const url of targets) {
      for (const json of [false, true]) {
        const r = await p.run('current', '--url', url, ...(json ? ['--json'] : []));
        expect([2, 3], `${url}: ${r.stdout}${r.stderr}`).toContain(r.code);
        expect(r.stdout + r.stderr, url).not.toContain('s3cret');
        if (json) expect(r.json().error.code).toMatch(/bad-url|connect-failed/);
      }
    }
  });

  it('maskSecrets keeps JSON parseable and masks every spelling', () => {
    expect(maskSecrets('postgres://u:p%40ss@h/db')).toBe('postgres://u:***@h/db');
    expect(maskSecrets("host=h password='a b\\'c' user=u")).toBe('host=h password=*** user=u');
    expect(maskSecrets('x?sslmode=require&password=abc&user=u')).toBe('x?sslmode=require&password=***&user=u');
    expect(maskSecrets('PASSWORD = abc')).toBe('PASSWORD = ***');
    const json = JSON.stringify({ error: { message: 'host=h password=ab"c\\d' } });
    expect(() => JSON.parse(maskSecrets(json))).not.toThrow();
    expect(maskSecrets('no secrets here: password is required')).toBe('no secrets here: password is required');
  });
});
