/** `schemaver plan`: HEAD -> WORKING by default, --down, --json with step flags, bad revisions exit 2. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/inproc.js';

describe('schemaver plan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sv-plan-'));
    expect((await runInProcess(dir, ['init'])).code).toBe(0);
    writeFileSync(
      join(dir, 'schema', 'schema.yaml'),
      'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      nick: text\n      age: integer\n',
    );
    const c = await runInProcess(dir, ['commit', '-m', 'one', '--no-verify']);
    expect(c.code, c.stderr).toBe(0);
    writeFileSync(
      join(dir, 'schema', 'schema.yaml'),
      'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      nickname: { type: text, renamed_from: nick }\n  posts:\n    columns:\n      id: { type: bigint, primary_key: true }\n      user_id: { type: bigint, references: users.id }\n',
    );
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the up migration from HEAD to WORKING', async () => {
    const r = await runInProcess(dir, ['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ALTER TABLE public.users RENAME COLUMN nick TO nickname;');
    expect(r.stdout).toContain('ALTER TABLE public.users DROP COLUMN age;');
    expect(r.stdout).toMatch(/CREATE TABLE public\.posts[\s\S]*ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY/);
    expect(r.stdout).toContain('WARNING: destructive steps: drop column users.age');
  });

  it('prints the down migration with --down', async () => {
    const r = await runInProcess(dir, ['plan', '--down']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('DROP TABLE public.posts;');
    expect(r.stdout).toContain('ALTER TABLE public.users ADD COLUMN age integer;');
    expect(r.stdout.indexOf('ADD COLUMN age')).toBeLessThan(r.stdout.indexOf('RENAME COLUMN nickname TO nick'));
  });

  it('lists steps with flags in --json', async () => {
    const r = await runInProcess(dir, ['plan', 'HEAD', 'WORKING', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<{
      direction: string;
      destructive: boolean;
      steps: { what: string; destructive: boolean; reversible: boolean; sql: string[] }[];
    }>();
    expect(j.direction).toBe('up');
    expect(j.destructive).toBe(true);
    expect(j.steps.find((s) => s.what === 'drop column users.age')).toMatchObject({
      destructive: true,
      reversible: true,
    });
    expect(j.steps[0]).toMatchObject({ what: 'rename column users.nick to nickname', destructive: false });
  });

  it('exits 2 on an unknown revision', async () => {
    const r = await runInProcess(dir, ['plan', 'nope', '--json']);
    expect(r.code).toBe(2);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('unknown-revision');
  });
});

describe('plan --down judges hazards as downgrade does', () => {
  it('undoing a rename is not destructive (example project, HEAD~2 -> HEAD~1 renames authors.born_on)', async () => {
    const repo = join(fileURLToPath(import.meta.url), '..', '..', '..');
    const r = await runInProcess(repo, ['plan', 'HEAD~2', 'HEAD~1', '--down', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<{ steps: { what: string; destructive: boolean }[] }>();
    const undo = j.steps.find((s) => s.what === 'undo rename column authors.born_on to birth_date');
    expect(undo).toMatchObject({ destructive: false });
    // undoing an added column does lose data, as `downgrade --sql` says over the same edge
    expect(j.steps.find((s) => s.what === 'undo add column books.published_on')).toMatchObject({ destructive: true });
    const sql = await runInProcess(repo, ['downgrade', 'HEAD~2', '--from', 'HEAD~1', '--sql', '--json']);
    expect(sql.code, sql.stderr).toBe(0);
    const lossy = sql.json<{ destructive: { what: string }[] }>().destructive.map((s) => s.what);
    expect(lossy.some((w) => /born_on|birth_date/.test(w))).toBe(false);
    expect(j.steps.filter((s) => s.destructive).length).toBe(lossy.length);
  });
});
