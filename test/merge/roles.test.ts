/**
 * Merges of schemas that name roles and tablespaces (grants, policies, owners, default privileges): cluster objects
 * no schema creates. The merged schema's build creates them first, as every proof does, so their absence is never
 * a conflict, while a real one (a policy on a column the other side dropped) still is, with PostgreSQL's message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { merge3 } from '../../src/merge/index.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { buildConflicts } from '../../src/app/merge-edges.js';
import { inProcessProject } from '../helpers/inproc.js';
import type { Project } from '../helpers/cli.js';

const load = (text: string) => {
  const r = parseSchemaFiles([{ path: 'schema/public.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
};

const ITEMS = `tables:
  items:
    columns:
      id: { type: bigint, nullable: false }
      owner: { type: text }
    primary_key: [id]
    grants: { app_reader: [select] }
    row_level_security: true
    policies:
      own: { command: select, roles: [app_reader], using: "owner = current_user" }
`;
const NOTES = `  notes:
    columns:
      id: { type: bigint, nullable: false }
    grants: { app_auditor: [select] }
    row_level_security: true
    policies:
      mine: { command: all, roles: [app_auditor], using: "true" }
`;
const THEIRS = ITEMS.replace('app_reader: [select] }', 'app_reader: [select], app_writer: [insert] }');

describe('merging schemas that name roles', () => {
  it('builds a merged schema whose grants and policies name roles without a conflict', async () => {
    const r = merge3(load(ITEMS), load(ITEMS + NOTES), load(THEIRS));
    expect(r.conflicts).toEqual([]);
    expect(await buildConflicts(r.schema)).toEqual([]);
  });

  it('still reports a policy on a column the other side dropped, with roles in the schema', async () => {
    const ours = ITEMS.replace('      owner: { type: text }\n', '').replace(
      `    policies:\n      own: { command: select, roles: [app_reader], using: "owner = current_user" }\n`,
      '',
    );
    const theirs = ITEMS.replace(
      'using: "owner = current_user" }',
      'using: "owner = current_user" }\n      two: { command: update, roles: [app_writer], using: "owner = session_user" }',
    );
    const r = merge3(load(ITEMS), load(ours), load(theirs));
    expect(r.conflicts).toEqual([]);
    const c = await buildConflicts(r.schema);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ kind: 'semantic', path: ['tables', 'items', 'policies', 'two'] });
    expect(c[0]!.message).toMatch(/column "owner" does not exist/);
  });

  const made: Project[] = [];
  afterAll(() => made.forEach((p) => p.cleanup()));

  it('`merge` of two branches granting to different roles makes the merge commit (exit 0) with both', async () => {
    const p = inProcessProject('sv-merge-roles-');
    made.push(p);
    const ok = async (...args: string[]) => {
      const r = await p.run(...args);
      expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
      return r;
    };
    await ok('init');
    p.write('schema/public.yaml', ITEMS);
    await ok('commit', '-m', 'base', '--no-verify'); // the merge's own proof is the subject
    await ok('branch', 'feature');
    await ok('checkout', 'feature');
    p.write('schema/public.yaml', THEIRS);
    await ok('commit', '-m', 'writer inserts', '--no-verify');
    await ok('checkout', 'main');
    p.write('schema/public.yaml', ITEMS + NOTES);
    await ok('commit', '-m', 'notes for auditors', '--no-verify');
    const m = await ok('merge', 'feature', '--json');
    expect(m.json<{ conflicts?: unknown[] }>().conflicts ?? []).toEqual([]);
    const yaml = p.read('schema/public.yaml');
    expect(yaml).toMatch(/app_writer: \[ ?insert ?\]/);
    expect(yaml).toContain('app_auditor');
    expect((await p.run('status')).stdout).toContain('nothing to commit');
  });
});
