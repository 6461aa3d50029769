/**
 * Definition and unmanaged objects written by hand in schema/, through the CLI (PGlite only): a rule commits and is
 * proven; a changed definition is planned as DROP + CREATE; --exclude and `exclude:` leave objects out of a plan;
 * a changed unmanaged object is refused by name; a wrong kind or a definition that is not CREATE is a located error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';

const BASE = `tables:
  orders:
    columns:
      id: { type: bigint, primary_key: true }
      amount: int
objects:
  rule orders_no_delete ON orders: CREATE RULE orders_no_delete AS ON DELETE TO orders DO INSTEAD NOTHING
  aggregate total(integer): |-
    CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0')
unmanaged:
  privileges (GRANT) on orders: "{postgres=arwdDxtm/postgres,reader=r/postgres}"
`;

let p: Project;
beforeAll(async () => {
  p = inProcessProject('sv-objects-');
  expect((await p.run('init')).code).toBe(0);
  p.write('schema/schema.yaml', BASE);
});
afterAll(() => p.cleanup());

describe('objects: and unmanaged: in schema/', () => {
  it('commits hand-written definitions, proven in PGlite', async () => {
    const c = await p.run('commit', '-m', 'orders', '--json');
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.json<any>().migrations[0].verified).toBe(true);
  });

  it('plans a changed definition as DROP + CREATE, and leaves excluded kinds out', async () => {
    // a new state type changes the aggregate's result type, which CREATE OR REPLACE cannot (an INITCOND alone is
    // replaced in place: test/corpus/wild.jsonl's pg-delta cases)
    p.write(
      'schema/schema.yaml',
      BASE.replace(
        "SFUNC = int4pl, STYPE = integer, INITCOND = '0'",
        "SFUNC = int84pl, STYPE = bigint, INITCOND = '10'",
      ),
    );
    const plan = await p.run('plan');
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('DROP AGGREGATE total(integer);');
    expect(plan.stdout).toContain("INITCOND = '10'");
    expect(plan.stdout).not.toContain('CREATE OR REPLACE AGGREGATE');
    const none = await p.run('plan', '--exclude', 'aggregate:tot*', '--json');
    expect(none.code).toBe(0);
    expect(none.json<any>().steps).toEqual([]);
    p.write('schemaver.yaml', 'exclude: [aggregate:total]\n');
    expect((await p.run('plan', '--json')).json<any>().steps).toEqual([]);
    p.write('schemaver.yaml', 'exclude: [nonsense]\n');
    const bad = await p.run('plan');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[invalid-config]');
    p.write('schemaver.yaml', '');
    const c = await p.run('commit', '-m', 'initcond 10');
    expect(c.code, c.stdout + c.stderr).toBe(0);
  });

  it('refuses a changed unmanaged object by name', async () => {
    p.write('schema/schema.yaml', BASE.replace('reader=r/', 'reader=rw/'));
    const plan = await p.run('plan');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('error[not-supported]');
    expect(plan.stderr).toContain('changed: privileges (GRANT) on orders');
    expect(hasStackTrace(plan.stderr)).toBe(false);
  });

  it('locates a kind it does not know and a definition that is not CREATE (exit 2)', async () => {
    p.write('schema/schema.yaml', BASE.replace('aggregate total(integer)', 'aggregat total(integer)'));
    const kind = await p.run('status');
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('error[unknown-object-kind]');
    expect(kind.stderr).toMatch(/schema\/schema\.yaml:\d+:\d+/);
    p.write('schema/schema.yaml', BASE.replace('CREATE RULE', 'DROP RULE'));
    const notCreate = await p.run('status');
    expect(notCreate.code).toBe(2);
    expect(notCreate.stderr).toContain('error[invalid-definition]');
  });
});
