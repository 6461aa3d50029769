/**
 * Issue 15, item 3: every comment line schemaver generates from a name or text (the `-- WARNING` headers of
 * `upgrade --sql` / `downgrade --sql` / `plan --down`, step and edge comments, `diff --sql`) stays a comment when
 * the name holds LF, CR, CRLF or U+2028: run through psql -f, nothing runs outside the guard and `victim` survives.
 * Built CLI (`npm run build` first); needs the test server (CI=true makes a missing one a failure).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasStackTrace, type CliResult, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { createDatabase, queryServer, serverAvailable } from '../helpers/server.js';
import { splitStatements } from '../../src/sql/split.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const hasServer = await serverAvailable();

const PAYLOAD = 'DROP TABLE victim; --';
const VICTIM = `tables:
  victim:
    columns:
      x: int
`;
const HOSTILE =
  VICTIM +
  `  ${JSON.stringify(`t\n${PAYLOAD}`)}:
    comment: ${JSON.stringify(`c\n${PAYLOAD}\r${PAYLOAD}\u2028${PAYLOAD}`)}
    columns:
      ${JSON.stringify(`a\r${PAYLOAD}`)}: int
      ${JSON.stringify(`b\r\n${PAYLOAD}`)}: int
      ${JSON.stringify(`d\u2028${PAYLOAD}`)}: int
`;

let p: Project;
let url = '';
let drop: (() => Promise<void>) | undefined;

function ok(r: CliResult): CliResult {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}

/** headerIsComments: before BEGIN (or in a whole plan) every line PostgreSQL sees (LF or CR ends one) is a comment. */
function headerIsComments(script: string): void {
  const at = script.indexOf('\nBEGIN;\n');
  const head = at < 0 ? script : script.slice(0, at);
  for (const line of head.split(/\r\n|\n|\r/))
    expect(line === '' || line.startsWith('--'), `not a comment: ${JSON.stringify(line)}`).toBe(true);
  expect(splitStatements(head)).toEqual([]);
}

/** payloadOnlyInComments: no comment line hides a CR (PostgreSQL ends a comment there), no statement is the payload. */
function payloadOnlyInComments(script: string): void {
  for (const line of script.split('\n'))
    if (line.trimStart().startsWith('--')) expect(line, JSON.stringify(line)).not.toMatch(/[\r\u2028\u2029]/);
  for (const s of splitStatements(script)) expect(s.sql).not.toMatch(/^DROP TABLE victim/i);
}

function sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
  return queryServer<T>(url, text);
}

async function victimAlive(): Promise<boolean> {
  return (await sql<{ v: string | null }>(`SELECT to_regclass('public.victim')::text AS v`))[0]?.v === 'victim';
}

/** psql runs a script the way people do (ON_ERROR_STOP; `single` wraps it in one transaction). */
function psql(script: string, single = false): void {
  const file = join(p.dir, 'script.sql');
  writeFileSync(file, script);
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(single ? ['-1'] : []), '-d', url, '-f', file], {
    stdio: 'pipe',
  });
}

let hasPsql = true;
try {
  execFileSync('psql', ['--version'], { stdio: 'pipe' });
} catch {
  hasPsql = false;
}

beforeAll(async () => {
  if (!hasServer) return;
  p = inProcessProject('sv-comments-');
  ok(await p.run('init'));
  p.write('schema/s.yaml', VICTIM);
  ok(await p.run('commit', '-m', 'victim'));
  p.write('schema/s.yaml', HOSTILE);
  ok(await p.run('commit', '-m', `hostile\n${PAYLOAD}\r${PAYLOAD}`));
  p.write('schema/s.yaml', VICTIM);
  ok(await p.run('commit', '-m', 'drop it', '--allow-destructive'));
  const db = await createDatabase('sv_comments');
  url = db.url;
  drop = db.drop;
  ok(await p.run('upgrade', 'HEAD~2', '--url', url));
});

afterAll(async () => {
  await drop?.().catch(() => {});
  p?.cleanup();
});

describe.skipIf(!hasServer)('hostile names in generated comments', () => {
  it('plan, plan --down and diff --sql: every generated comment line is a comment', async () => {
    for (const args of [
      ['plan', 'HEAD~2', 'HEAD~1'],
      ['plan', 'HEAD~2', 'HEAD~1', '--down'],
      ['plan', 'HEAD~1', 'HEAD'],
      ['plan', 'HEAD~1', 'HEAD', '--down'],
      ['diff', 'HEAD~1', 'HEAD', '--sql'],
    ]) {
      const out = ok(await p.run(...args)).stdout;
      expect(out, args.join(' ')).toMatch(/WARNING|up migration|undo/);
      payloadOnlyInComments(out);
      if (args[0] === 'plan') headerIsComments(out.slice(0, out.indexOf('\n\n')));
    }
  });

  it.skipIf(!hasPsql)('upgrade --sql / downgrade --sql / plan --down through psql -f: victim survives', async () => {
    const up = ok(await p.run('upgrade', 'HEAD~1', '--sql', '--url', url)).stdout;
    headerIsComments(up);
    payloadOnlyInComments(up);
    psql(up);
    expect(await victimAlive()).toBe(true);

    const down = ok(await p.run('downgrade', 'HEAD~2', '--sql', '--url', url)).stdout;
    expect(down).toContain('-- WARNING: this script loses data');
    headerIsComments(down);
    payloadOnlyInComments(down);
    psql(down);
    expect(await victimAlive()).toBe(true);

    const both = ok(await p.run('upgrade', '--sql', '--url', url)).stdout;
    // both ends hold the same schema: the commit path would drop the hostile table and create it again, so the
    // direct migration (which loses nothing) is taken, and the header names the path with the hostile name in it
    expect(both).toContain('-- path: direct migration');
    expect(both).toContain('DROP TABLE victim');
    headerIsComments(both);
    payloadOnlyInComments(both);
    psql(both);
    expect(await victimAlive()).toBe(true);
    expect((await sql<{ c: string }>('SELECT commit_id AS c FROM public.schemaver_version'))[0]?.c).toBeTruthy();
    ok(await p.run('check', '--url', url));

    // the plan scripts, as a reviewer would run them by hand: HEAD -> HEAD~1 re-creates, --down drops again
    psql(ok(await p.run('plan', 'HEAD', 'HEAD~1')).stdout, true);
    psql(ok(await p.run('plan', 'HEAD~2', 'HEAD~1', '--down')).stdout, true);
    expect(await victimAlive()).toBe(true);
  });
});
