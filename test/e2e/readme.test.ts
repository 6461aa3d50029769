/**
 * The README's "The example project" walk-through, from a fresh `git clone` of this repository (which carries
 * the example's schema/ and .schemaver/), command by command, checking each does what the README says.
 * Uses this checkout's built CLI (`npx tsc -p .` first) with the clone as working directory.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasStackTrace, type CliResult } from '../helpers/cli.js';
import { runInProcess } from '../helpers/inproc.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hasServer = await serverAvailable();

/** ok asserts exit 0 and no stack trace. */
function ok(r: CliResult): CliResult {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}

let tmp: string;
let clone: string;
const sv = (...args: string[]) => runInProcess(clone, args);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sv-e2e-readme-'));
  clone = join(tmp, 'clone');
  execFileSync('git', ['clone', '-q', REPO, clone]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README: the example project, from a fresh clone', () => {
  it('the README section exists with the commands tested here', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The example project'), readme.indexOf('## Your own project'));
    for (const cmd of [
      'schemaver log --graph --oneline',
      'schemaver show HEAD~1',
      'schemaver plan HEAD~3 HEAD',
      'schemaver plan HEAD~3 HEAD --down',
      'schemaver plan HEAD~3 HEAD --json',
      'schemaver diff HEAD~3 HEAD',
      'schemaver erd',
      'schemaver verify --all',
      'schemaver upgrade',
      'schemaver current',
      'schemaver downgrade -1 --allow-destructive',
      'schemaver check',
    ]) {
      expect(section).toContain(`$ ${cmd}`);
    }
  });

  it('history: five commits, one the merge of the reviews branch, tagged v1.0; schema/ matches HEAD', async () => {
    const graph = ok(await sv('log', '--graph', '--oneline'))
      .stdout.trimEnd()
      .split('\n');
    const commits = graph.filter((l) => /[0-9a-f]{7} /.test(l));
    expect(commits).toHaveLength(5);
    expect(commits[0]).toMatch(/^\*\s+[0-9a-f]{7} \(HEAD -> main, tag: v1\.0\) Merge branch 'reviews'$/);
    expect(graph[1]).toBe('|\\');
    expect(graph.join('\n')).toMatch(/\| \* [0-9a-f]{7} \(reviews\) Reviews of books/);
    expect(graph.join('\n')).toMatch(
      /\* \| [0-9a-f]{7} Rename born_on to birth_date, add published_on and the refunded status/,
    );
    expect(graph).toContain('|/');
    expect(commits.at(-2)).toMatch(/Orders, with an order_status enum$/);
    expect(commits.at(-1)).toMatch(/Catalogue: authors and books$/);
    const st = ok(await sv('status', '--json')).json();
    expect(st.clean).toBe(true);
    expect(st.branch).toBe('main');
  });

  it('show, plan, diff and erd do what the README says', async () => {
    const show = ok(await sv('show', 'HEAD~1')).stdout;
    expect(show).toContain('Rename born_on to birth_date');
    expect(show).toMatch(/Schema: sv1:[0-9a-f]{64}/);
    expect(show).toContain('ALTER TABLE public.authors RENAME COLUMN born_on TO birth_date;');
    const shown = ok(await sv('show', 'HEAD~1', '--json')).json();
    for (const s of shown.migrations[0].steps)
      for (const f of ['destructive', 'rewrite', 'lock', 'reversible']) expect(typeof s[f]).toBe('boolean');

    // across the merge: HEAD~3 is the first commit
    const plan = ok(await sv('plan', 'HEAD~3', 'HEAD')).stdout;
    expect(plan).toContain('RENAME COLUMN born_on TO birth_date');
    expect(plan).toContain('CREATE TABLE public.reviews');
    expect(plan).toContain('CREATE TABLE public.orders');
    const diff = ok(await sv('diff', 'HEAD~3', 'HEAD')).stdout;
    expect(diff).toContain('rename column authors.born_on -> birth_date');
    expect(diff).toMatch(/^\+ table reviews/m);
    expect(diff).not.toContain('CREATE TABLE'); // a semantic diff, not SQL
    const down = ok(await sv('plan', 'HEAD~3', 'HEAD', '--down')).stdout;
    expect(down).toContain('DROP TABLE public.reviews');
    expect(down).toContain('RENAME COLUMN birth_date TO born_on');
    const pj = ok(await sv('plan', 'HEAD~3', 'HEAD', '--json')).json();
    for (const s of pj.steps)
      for (const f of ['destructive', 'rewrite', 'lock', 'reversible']) expect(typeof s[f]).toBe('boolean');
    expect(ok(await sv('erd', '--format', 'mermaid')).stdout.split('\n')[0]).toBe('erDiagram');
    const verify = ok(await sv('verify', '--all', '--json')).json();
    expect(verify.ok).toBe(true);
    expect(verify.edges).toHaveLength(6); // 4 first-parent edges, the root, and the merge's edge from reviews
    const erd = ok(await sv('erd')).stdout;
    expect(erd.split('\n')[0]).toBe('erDiagram');
    expect(erd).toMatch(/books .*reviews|reviews .*books/);
  });

  it('upgrade, current, downgrade -1 (refused, then with --allow-destructive), upgrade, check on the embedded database', async () => {
    const head = ok(await sv('log', '--json')).json().commits[0].id;
    const up = ok(await sv('upgrade'));
    expect(up.stdout).toContain('(4 migrations)');
    expect(ok(await sv('current', '--json')).json()).toMatchObject({ commit: head, isHead: true });
    expect(ok(await sv('current')).stdout).toContain(head.slice(0, 7));
    const refused = await sv('downgrade', '-1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('drop table reviews');
    expect(ok(await sv('downgrade', '-1', '--allow-destructive')).stdout).toContain('downgraded');
    expect(ok(await sv('current', '--json')).json().isHead).toBe(false);
    ok(await sv('upgrade'));
    expect(ok(await sv('check')).stdout).toContain(`matches ${head.slice(0, 7)}`);
    // the local database lives in .schemaver/local/, which git ignores
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');
  });

  it.skipIf(!hasServer)(
    'the same commands against a server with --url user:pass@host/db never print the password',
    async () => {
      const t = await createDatabase('sv_e2e_readme');
      try {
        const u = new URL(t.url);
        u.password = 'pass-Wd.s3cret';
        const url = ['--url', u.toString()];
        const outs: CliResult[] = [];
        const run = async (...args: string[]) => {
          const r = await sv(...args, ...url);
          outs.push(r);
          return r;
        };
        ok(await run('upgrade'));
        ok(await run('current'));
        expect((await run('downgrade', '-1')).code).toBe(1);
        ok(await run('downgrade', '-1', '--allow-destructive'));
        ok(await run('upgrade'));
        ok(await run('check'));
        ok(await run('history', '--json'));
        for (const r of outs) expect(r.stdout + r.stderr).not.toContain('pass-Wd.s3cret');
        expect(outs.map((r) => r.stdout + r.stderr).join('\n')).toContain('***');
      } finally {
        await t.drop();
      }
    },
  );
});
