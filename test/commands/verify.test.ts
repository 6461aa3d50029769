/**
 * commit proves each edge in PGlite before storing it: a generated migration verifies, a wrong hand-edited
 * one is refused (exit 1, nothing written) with the mismatch named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';

let p: Project;
beforeAll(async () => {
  p = inProcessProject();
  expect((await p.run('init')).code).toBe(0);
});
afterAll(() => p.cleanup());

/** storeObjects lists every file under .schemaver/objects (loose objects and packs). */
const storeObjects = (): string[] =>
  (readdirSync(join(p.dir, '.schemaver', 'objects'), { recursive: true }) as string[]).sort();

const V1 = `tables:
  "user accounts":
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      "e-mail; drop": { type: text, nullable: false }
`;

describe('commit verification', () => {
  it('verifies generated migrations, refuses a hand-edited up that does not reproduce the schema', async () => {
    p.write('schema/s.yaml', V1);
    const first = await p.run('commit', '-m', 'first', '--json');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const fj = first.json<any>();
    expect(fj.migrations[0]).toMatchObject({ parent: '', verified: true });
    expect(typeof fj.migrations[0].verifyMs).toBe('number');
    // the proof commit ran is remembered: verify answers from the cache
    const again = await p.run('verify', '--json');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.json<any>().edges[0].cached).toBe(true);

    p.write('schema/s.yaml', V1 + '      age: int\n');
    const objects = storeObjects();
    p.write('wrong.sql', 'ALTER TABLE "user accounts" ADD COLUMN age bigint;\n');
    const bad = await p.run('commit', '-m', 'wrong', '--up', 'wrong.sql');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[verification-failed]');
    expect(bad.stderr).toMatch(/age/);
    expect(p.read('.schemaver/refs/heads/main').trim()).toBe(fj.id);
    // the commit was prepared while the proof ran, but nothing reached the store: what it staged meanwhile (its
    // objects, journal and ref under temp names) is gone too
    expect(storeObjects()).toEqual(objects);
    expect(readdirSync(join(p.dir, '.schemaver', 'tmp'))).toEqual([]);
    expect(readdirSync(join(p.dir, '.schemaver')).includes('OPERATION_IN_PROGRESS')).toBe(false);

    // the bar: a hand-edited up that misses the column is refused with a diff naming it
    p.write('missing.sql', 'SELECT 1;\n');
    const missing = await p.run('commit', '-m', 'missing', '--up', 'missing.sql', '--json');
    expect(missing.code).toBe(1);
    expect(missing.json<any>().error.data.problems).toContain('up: column "user accounts".age missing');
    expect(storeObjects()).toEqual(objects);

    p.write('right.sql', 'ALTER TABLE "user accounts" ADD COLUMN age integer;\n');
    const good = await p.run('commit', '-m', 'right', '--up', 'right.sql', '--json');
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.json<any>().migrations[0]).toMatchObject({ handEdited: true, verified: true, parent: fj.id });
  });
});
