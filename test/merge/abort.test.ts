/**
 * Issue 15, item 7: `merge --abort` restores HEAD's schema/ files and removes what the merge wrote, but keeps the
 * schema files the user created while the merge waited (git keeps untracked files). Built CLI (`npm run build`).
 */
import { afterAll, expect, it } from 'vitest';
import { cleanupProjects, schemaFiles, setup } from './project.js';

afterAll(cleanupProjects);

const BASE = 'tables:\n  t:\n    columns:\n      a: int\n';
const OURS = 'tables:\n  t:\n    columns:\n      a: text\n';
const THEIRS = 'tables:\n  t:\n    columns:\n      a: bigint\n';

it('merge --abort keeps the files the user created during the merge', { timeout: 300_000 }, async () => {
  const p = await setup(BASE, OURS, THEIRS);
  const before = schemaFiles(p);
  const r = await p.run('merge', 'feature', '--no-verify');
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(schemaFiles(p).some((f) => f.text.includes('<<<conflict'))).toBe(true);
  p.write('schema/notes.yaml', 'tables:\n  notes:\n    columns:\n      id: int\n');
  p.write('schema/sub/more.yaml', '# work in progress\n');
  const abort = await p.run('merge', '--abort', '--json');
  expect(abort.code, abort.stdout + abort.stderr).toBe(0);
  expect(abort.json()).toMatchObject({
    status: 'aborted',
    restored: true,
    kept: ['schema/notes.yaml', 'schema/sub/more.yaml'],
  });
  const after = schemaFiles(p);
  expect(after.filter((f) => f.path === 'schema/app.yaml')).toEqual(before);
  expect(after.map((f) => f.path).sort()).toEqual(['schema/app.yaml', 'schema/notes.yaml', 'schema/sub/more.yaml']);
  expect(p.exists('.schemaver/MERGE_HEAD')).toBe(false);
});
