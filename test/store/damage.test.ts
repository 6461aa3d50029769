/**
 * The store damage matrix: every object of HEAD's snapshot (loose blobs, trees, the commit, snapshot.json and
 * migration scripts), packs and their indexes, and refs — deleted, truncated or with a flipped byte — is
 * refused as `corrupt-store` (exit 3, naming the object) by status, log, upgrade and commit, and reported by
 * fsck; upgrade never runs or records a script the store cannot vouch for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync, readdirSync, existsSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempProject, type Project } from '../helpers/cli.js';
import { copyProject } from '../helpers/copy.js';
import { runInProcess as runCli } from '../helpers/inproc.js';

let base: Project; // c1, c2 loose; c3 written as a pack; HEAD = c4, loose, sharing most blobs with c3
let ids: { c1: string; c2: string; c3: string; c4: string };
const dirs: string[] = [];

function bigTables(n: number, extra: string): string {
  let y = 'tables:\n';
  for (let i = 0; i < n; i++)
    y += `  t${i}:\n    columns:\n      id: { type: bigint, primary_key: true }\n      ${extra}: text\n`;
  return y;
}

beforeAll(async () => {
  base = tempProject('sv-damage-');
  expect((await base.run('init')).code).toBe(0);
  const commit = async (m: string) => {
    const r = await base.run('commit', '-m', m, '--no-verify', '--allow-destructive', '--json');
    expect(r.code, r.stderr).toBe(0);
    return r.json<{ id: string }>().id;
  };
  base.write('schema/schema.yaml', 'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n');
  const c1 = await commit('one');
  base.write(
    'schema/schema.yaml',
    'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      name: text\n',
  );
  const c2 = await commit('two');
  base.write('schema/big.yaml', bigTables(80, 'note'));
  const c3 = await commit('three (packed)');
  base.write(
    'schema/schema.yaml',
    'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      name: text\n      age: int\n',
  );
  const c4 = await commit('four');
  ids = { c1, c2, c3, c4 };
}, 60_000);
afterAll(() => {
  base.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** git runs git on a store. */
function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', join(dir, '.schemaver'), ...args], { encoding: 'utf8' });
}

/** copy makes a private copy of the base project (object files hard-linked: rewrite below never writes in place). */
function copy(): string {
  const d = mkdtempSync(join(tmpdir(), 'sv-damaged-'));
  copyProject(base.dir, d);
  dirs.push(d);
  return d;
}

/** objectPath is the loose file of an object. */
function loose(dir: string, oid: string): string {
  return join(dir, '.schemaver', 'objects', oid.slice(0, 2), oid.slice(2));
}

/** entry finds an object id in a commit's tree by path. */
function entry(dir: string, commit: string, path: string): string {
  return git(dir, 'rev-parse', `${commit}:${path}`).trim();
}

type Damage = (dir: string) => void;
/** rewrite replaces a file with `f` of its bytes: a new file, so the base project's hard-linked object stays whole. */
const rewrite = (path: string, f: (b: Buffer) => Buffer) => {
  const bytes = f(readFileSync(path));
  rmSync(path);
  writeFileSync(path, bytes, { mode: 0o644 });
};
const flip = (path: string) =>
  rewrite(path, (b) => {
    const c = Buffer.from(b);
    const i = Math.floor(c.length / 2);
    c[i] = c[i]! ^ 0x5a;
    return c;
  });
const truncate = (path: string) => rewrite(path, (b) => b.subarray(0, Math.floor(b.length / 2)));
const del = (path: string) => rmSync(path, { force: true });
const packFile = (dir: string, ext: string) => {
  const p = join(dir, '.schemaver', 'objects', 'pack');
  return join(
    p,
    readdirSync(p).find((f) => f.endsWith(ext))!,
  );
};

/** cases: what is damaged, how, and whether the damage is in HEAD's snapshot (what every command reads). */
const cases: [string, Damage][] = [];
for (const [how, f] of [
  ['deleted', del],
  ['truncated', truncate],
  ['flipped', flip],
] as const) {
  cases.push([`${how} HEAD commit object`, (d) => f(loose(d, ids.c4))]);
  cases.push([`${how} HEAD~2 commit object`, (d) => f(loose(d, ids.c2))]);
  cases.push([`${how} HEAD root tree`, (d) => f(loose(d, entry(d, ids.c4, '')))]);
  cases.push([`${how} HEAD schema blob`, (d) => f(loose(d, entry(d, ids.c4, 'schema/schema.yaml')))]);
  cases.push([`${how} HEAD snapshot.json`, (d) => f(loose(d, entry(d, ids.c4, 'snapshot.json')))]);
  cases.push([`${how} HEAD up.sql`, (d) => f(loose(d, entry(d, ids.c4, `migrations/${ids.c3}/up.sql`)))]);
  cases.push([
    `${how} HEAD~2 down.sql (old snapshot)`,
    (d) => f(loose(d, entry(d, ids.c2, `migrations/${ids.c1}/down.sql`))),
  ]);
  cases.push([`${how} pack`, (d) => f(packFile(d, '.pack'))]);
  cases.push([`${how} pack index`, (d) => f(packFile(d, '.idx'))]);
}
cases.push(['deleted branch ref', (d) => del(join(d, '.schemaver', 'refs', 'heads', 'main'))]);
cases.push(['garbage branch ref', (d) => writeFileSync(join(d, '.schemaver', 'refs', 'heads', 'main'), 'garbage\n')]);
cases.push([
  'branch ref at a missing commit',
  (d) => writeFileSync(join(d, '.schemaver', 'refs', 'heads', 'main'), 'ab'.repeat(20) + '\n'),
]);

describe('a damaged store', () => {
  it('is refused by status, log, commit and upgrade --sql, reported by fsck, and the copy before damage is clean', async () => {
    const clean = copy();
    const ok = await runCli(clean, ['fsck', '--json']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.json<any>().ok).toBe(true);
    for (const [name, damage] of cases) {
      // the damaged object sits below HEAD (c3) in history: HEAD~1's objects are shared or read via migrations
      const d = copy();
      damage(d);
      const refused = async (...args: string[]) => {
        const r = await runCli(d, args);
        expect(r.stderr, `${name}: ${args.join(' ')}\n${r.stdout}`).toContain('error[corrupt-store]');
        expect(r.code, `${name}: ${args.join(' ')}`).toBe(3);
        return r;
      };
      const fsck = await runCli(d, ['fsck', '--json']);
      expect(fsck.code, `${name}: fsck\n${fsck.stdout}`).toBe(3);
      expect(fsck.json<any>().findings.length, name).toBeGreaterThan(0);
      await refused('upgrade', '--sql', '--from', 'base');
      if (name.includes('old snapshot')) {
        await refused('downgrade', '--sql', '--from', 'HEAD', 'base');
        continue; // only commands that read HEAD~2's snapshot meet it
      }
      await refused('log');
      await refused('status');
      const refFile = join(d, '.schemaver', 'refs', 'heads', 'main');
      const before = existsSync(refFile) ? readFileSync(refFile, 'utf8') : undefined;
      writeFileSync(join(d, 'schema', 'extra.yaml'), 'tables:\n  extra:\n    columns:\n      id: bigint\n');
      await refused('commit', '-m', 'on top', '--no-verify');
      expect(existsSync(refFile) ? readFileSync(refFile, 'utf8') : undefined, name).toBe(before);
    }
    // the copies shared the base's object files: damaging them never reached the base
    const after = await runCli(copy(), ['fsck', '--json']);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.json<any>().ok).toBe(true);
  }, 240_000);

  it('upgrade against a database refuses a damaged migration script and records nothing', async () => {
    const d = copy();
    const blob = entry(d, ids.c2, `migrations/${ids.c1}/up.sql`);
    rewrite(loose(d, blob), (b) => b); // same bytes: still sound
    flip(loose(d, blob));
    const up = await runCli(d, ['upgrade', '--json']);
    expect(up.code, up.stdout).toBe(3);
    expect(up.json<any>().error.code).toBe('corrupt-store');
    expect(up.json<any>().error.message).toContain(`migrations/${ids.c1}/up.sql`);
    const hist = await runCli(d, ['history', '--json']);
    expect(hist.code, hist.stdout + hist.stderr).toBe(0);
    expect(JSON.stringify(hist.json<any>())).not.toContain(ids.c1);
    const cur = await runCli(d, ['current', '--json']);
    expect(cur.json<any>().commit ?? null, cur.stdout).toBe(null);
  }, 120_000);

  it('a fresh store has no commits yet; a store whose branch ref was deleted names it', async () => {
    const fresh = tempProject('sv-fresh-');
    try {
      expect((await runCli(fresh.dir, ['init'])).code).toBe(0);
      const st = await runCli(fresh.dir, ['status']);
      expect(st.code, st.stderr).toBe(0);
      expect(st.stdout).toContain('No commits yet');
    } finally {
      fresh.cleanup();
    }
    const d = copy();
    rmSync(join(d, '.schemaver', 'refs', 'heads', 'main'));
    const st = await runCli(d, ['status']);
    expect(st.code).toBe(3);
    expect(st.stderr).toContain("HEAD points at branch 'main', which does not exist");
    expect(st.stderr).toContain('refs/heads/main');
    const f = await runCli(d, ['fsck', '--json']);
    expect(f.json<any>().findings.map((x: any) => x.code)).toContain('missing-ref');
    expect(f.json<any>().dangling).toContain(ids.c4);
  });

  it('a torn ref write of an older version (refs/heads/main.tmp-*) is reported by fsck and removed by the next writer', async () => {
    const d = copy();
    const stray = join(d, '.schemaver', 'refs', 'heads', 'main.tmp-999999-abcd1234');
    writeFileSync(stray, ids.c4 + '\n');
    const f = await runCli(d, ['fsck', '--json']);
    expect(f.code).toBe(0); // a warning, not damage
    expect(f.json<any>().findings.map((x: any) => x.code)).toContain('stray-temp');
    writeFileSync(join(d, 'schema', 'extra.yaml'), 'tables:\n  extra:\n    columns:\n      id: bigint\n');
    const c = await runCli(d, ['commit', '-m', 'on top', '--no-verify']);
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(stray)).toBe(false);
    git(d, 'fsck', '--strict');
    expect(git(d, 'log', '--all', '--oneline').trim().split('\n')).toHaveLength(5);
  });
});
