/** plan A B and diff A B across several commits rename what the commits renamed, hints removed from schema/ or not. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { chainHints } from '../../src/diff/chain.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { planMigration } from '../../src/plan/index.js';

let p: Project;
beforeEach(async () => {
  p = inProcessProject();
  expect((await p.run('init')).code).toBe(0);
});
afterEach(() => p.cleanup());

async function commit(message: string, yaml: string): Promise<void> {
  p.write('schema/s.yaml', yaml);
  const r = await p.run('commit', '-m', message, '--no-verify', '--allow-destructive');
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

const load = (text: string) => parseSchemaFiles([{ path: 'schema/s.yaml', text }]).schema!;

describe('renames recorded between two revisions', () => {
  it('composes renames of several edges (a -> b -> c, x -> y) onto the last schema', () => {
    const s0 = load('tables:\n  a:\n    columns:\n      x: integer\n');
    const s1 = load('tables:\n  b:\n    renamed_from: a\n    columns:\n      y: { type: integer, renamed_from: x }\n');
    const s2 = load('tables:\n  "C c":\n    renamed_from: b\n    columns:\n      y: integer\n      z: text\n');
    const steps = planMigration(s0, chainHints([s0, s1, s2])).steps.map((s) => s.what);
    expect(steps).toEqual(['rename table a to "C c"', 'rename column "C c".x to y', 'add column "C c".z']);
  });

  it('plan and diff keep a committed rename after the hint is removed', async () => {
    await commit('one', 'tables:\n  users:\n    columns:\n      id: integer\n      nick: text\n');
    await commit(
      'rename',
      'tables:\n  people:\n    renamed_from: users\n    columns:\n      id: integer\n      handle: { type: text, renamed_from: nick }\n',
    );
    await commit(
      'hints gone',
      'tables:\n  people:\n    columns:\n      id: integer\n      handle: text\n      age: integer\n',
    );
    const plan = await p.run('plan', 'HEAD~2', 'HEAD');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/ALTER TABLE public\.users RENAME TO people/);
    expect(plan.stdout).toMatch(/RENAME COLUMN nick TO handle/);
    expect(plan.stdout).not.toMatch(/DROP TABLE|DROP COLUMN/);
    const diff = await p.run('diff', 'HEAD~2', 'HEAD');
    expect(diff.stdout).not.toMatch(/- table users/);
  });
});
