/**
 * A root commit sends its proof as soon as its scripts are planned, before the model is hashed (app/commit.ts
 * sendRootProof; the hashes only key the verification cache): the scripts proven are the ones the commit stores, hand
 * written ones included, so a wrong up or a wrong down is refused with nothing written, and a right pair is committed
 * under the hash `commit --no-verify` gives and proven once (verify answers from the cache it recorded).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';

const projects: Project[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

const SCHEMA = `tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      n: { type: bigint, default: { sql: "1+1" } }
`;
const UP = 'CREATE TABLE t (id integer PRIMARY KEY, n bigint DEFAULT (1 + 1));\n';

async function project(): Promise<Project> {
  const p = inProcessProject('sv-rootproof-');
  projects.push(p);
  expect((await p.run('init')).code).toBe(0);
  p.write('schema/schema.yaml', SCHEMA);
  return p;
}

/** nothingCommitted: no branch ref, no store object, nothing staged left behind. */
function nothingCommitted(p: Project): void {
  expect(existsSync(join(p.dir, '.schemaver', 'refs', 'heads', 'main'))).toBe(false);
  const objects = readdirSync(join(p.dir, '.schemaver', 'objects'), { recursive: true }) as string[];
  expect(objects.filter((f) => !['info', 'pack'].includes(f))).toEqual([]);
  expect(readdirSync(join(p.dir, '.schemaver', 'tmp'))).toEqual([]);
}

describe('a root commit proven before its model is hashed', () => {
  it('refuses a hand-written up that does not build the schema', async () => {
    const p = await project();
    p.write('up.sql', 'CREATE TABLE t (id integer PRIMARY KEY, n integer DEFAULT (1 + 1));\n');
    const r = await p.run('commit', '-m', 'first', '--up', 'up.sql', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(JSON.stringify(r.json<{ error: unknown }>().error)).toMatch(/t\.n/);
    nothingCommitted(p);
  }, 120_000);

  it('refuses a hand-written down that leaves an object behind', async () => {
    const p = await project();
    p.write('up.sql', UP);
    p.write('down.sql', 'SELECT 1;\n');
    const r = await p.run('commit', '-m', 'first', '--up', 'up.sql', '--down', 'down.sql', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(JSON.stringify(r.json<{ error: unknown }>().error)).toMatch(/down/);
    nothingCommitted(p);
  }, 120_000);

  it('looks its key up before the proof when the cache holds other edges, and is proven', async () => {
    const p = await project();
    // an entry of another edge (another branch's, say): the key is made first, as it could answer
    p.write('.schemaver/cache/verified.json', JSON.stringify({ ['0'.repeat(64)]: { ms: 1, at: '2026-01-01' } }));
    const r = await p.run('commit', '-m', 'first', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json<{ migrations: { verified: boolean }[] }>().migrations[0]!.verified).toBe(true);
    const again = await p.run('verify', '--json');
    expect(again.json<{ edges: { cached: boolean }[] }>().edges[0]!.cached).toBe(true);
  }, 120_000);

  it('commits a right pair under the --no-verify hash, its proof recorded under the key verify makes', async () => {
    const p = await project();
    p.write('up.sql', UP);
    p.write('down.sql', 'DROP TABLE t;\n');
    const r = await p.run('commit', '-m', 'first', '--up', 'up.sql', '--down', 'down.sql', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const c = r.json<{ schemaHash: string; migrations: { verified: boolean; handEdited: boolean }[] }>();
    expect(c.migrations[0]).toMatchObject({ verified: true, handEdited: true });
    const again = await p.run('verify', '--json');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.json<{ edges: { cached: boolean }[] }>().edges[0]!.cached).toBe(true);
    const q = await project();
    const ref = await q.run('commit', '-m', 'first', '--no-verify', '--json');
    expect(ref.code, ref.stdout + ref.stderr).toBe(0);
    expect(c.schemaHash).toBe(ref.json<{ schemaHash: string }>().schemaHash);
  }, 120_000);
});
