/**
 * End to end through the built CLI: init, three commits, upgrade / downgrade / current / check / history /
 * stamp, on the embedded PGlite database and on a throwaway database of the PostgreSQL server.
 * Commands run the built CLI in this process (helpers/inproc.ts); what is about processes runs `node bin/run.js`
 * as child processes: two concurrent upgrades, and connection failures (exit 3, the password masked by the binary).
 * Build first (`npx tsc -p .`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { cpSync } from 'node:fs';
import { runCli, hasStackTrace, type Project, type CliResult } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';
import { openTarget } from '../../src/deploy/target.js';
import { introspect } from '../../src/pg/index.js';
import { canonicalJson } from '../../src/canon/index.js';
import type { Driver } from '../../src/pg/driver.js';

// each test runs a dozen CLI commands (PGlite starts in every one): generous limits for a loaded machine
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const hasServer = await serverAvailable();
const SECRET = 's3cret!';

const REV1 = `tables:
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      name: { type: text, nullable: false }
`;
const REV2 = `tables:
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      name: { type: text, nullable: false }
      email: text
    indexes:
      users_email_idx: { columns: [email] }
`;
const REV3 = `${REV2}  posts:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      user_id: { type: bigint, nullable: false, references: users.id, on_delete: cascade }
      title: text
`;

/** made is the project with three commits every setup starts from (made once per file) and their ids. */
let made: Promise<{ base: Project; ids: string[] }> | undefined;
afterAll(async () => (await made)?.base.cleanup());

/** threeCommits makes a project with three commits; returns it and their ids (oldest first). */
async function threeCommits(): Promise<{ base: Project; ids: string[] }> {
  const p = inProcessProject('sv-deploy-base-');
  expect((await p.run('init')).code).toBe(0);
  const ids: string[] = [];
  for (const [i, text] of [REV1, REV2, REV3].entries()) {
    p.write('schema/schema.yaml', text);
    const r = await p.run('commit', '-m', `rev ${i + 1}`, '--no-verify');
    expect(r.code, r.stderr).toBe(0);
    ids.push((await p.run('log', '--json')).json().commits[0].id);
  }
  return { base: p, ids };
}

/**
 * setup gives `p` (empty) a project with three commits and returns their ids (oldest first): a copy of one made once
 * per file (the same init and commits each time; what the tests do next is theirs), not a new init and three commits.
 */
async function setup(p: Project): Promise<string[]> {
  const { base, ids } = await (made ??= threeCommits());
  cpSync(base.dir, p.dir, { recursive: true });
  return ids;
}

/** ok asserts exit 0 and no stack trace. */
function ok(r: CliResult): CliResult {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}

interface Kind {
  readonly name: 'pglite' | 'postgres';
  readonly skip: boolean;
  /** prepare returns the extra CLI args and a way to run SQL directly on the target. */
  prepare(
    p: Project,
  ): Promise<{ args: string[]; sql: <T>(fn: (db: Driver) => Promise<T>) => Promise<T>; dispose: () => Promise<void> }>;
}

const kinds: Kind[] = [
  {
    name: 'pglite',
    skip: false,
    async prepare(p) {
      return {
        args: [],
        sql: async (fn) => {
          const t = await openTarget({ root: p.dir, create: false });
          try {
            return await fn(t.db!);
          } finally {
            await t.close();
          }
        },
        dispose: async () => {},
      };
    },
  },
  {
    name: 'postgres',
    skip: !hasServer,
    async prepare() {
      const t = await createDatabase('sv_cli');
      const u = new URL(t.url);
      u.password = SECRET; // trust auth ignores it; it must never show up anywhere
      const { connectUrl } = await import('../../src/pg/server.js');
      return {
        args: ['--url', u.toString()],
        sql: async (fn) => {
          const db = await connectUrl(t.url);
          try {
            return await fn(db);
          } finally {
            await db.close();
          }
        },
        dispose: t.drop,
      };
    },
  },
];

describe.each(kinds)('deploy through the CLI on $name', (kind) => {
  let p: Project;
  let ids: string[];
  let target: Awaited<ReturnType<Kind['prepare']>>;
  const outputs: string[] = [];
  const run = async (...args: string[]) => {
    const r = await p.run(...args, ...target.args);
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  beforeAll(async () => {
    if (kind.skip) return;
    p = inProcessProject('sv-deploy-');
    ids = await setup(p);
    target = await kind.prepare(p);
  });
  afterAll(async () => {
    if (kind.skip) return;
    await target?.dispose();
    p?.cleanup();
  });

  it.skipIf(kind.skip)(
    'upgrade -> downgrade -1 -> upgrade; current follows; check is clean, then catches a manual column',
    async () => {
      const t0 = performance.now();
      const up = ok(await run('upgrade', '--json')).json();
      const upMs = performance.now() - t0;
      expect(up.edges.map((e: { to: string }) => e.to)).toEqual(ids);
      console.log(`[measure] ${kind.name}: CLI upgrade of 3 revisions ${upMs.toFixed(0)} ms wall (engine ${up.ms} ms)`);
      expect(ok(await run('current', '--json')).json()).toMatchObject({
        commit: ids[2],
        isHead: true,
        branches: ['main'],
      });
      expect(ok(await run('check')).stdout).toContain('matches');

      const refused = await run('downgrade', '-1');
      expect(refused.code, refused.stdout + refused.stderr).toBe(1);
      expect(refused.stderr).toContain('error[destructive]');
      expect(refused.stderr).toContain('posts');
      const down = ok(await run('downgrade', '-1', '--allow-destructive'));
      expect(down.stdout).toContain(`downgraded`);
      expect(ok(await run('current', '--json')).json()).toMatchObject({ commit: ids[1], isHead: false });
      expect(ok(await run('check')).stdout).toContain(ids[1]!.slice(0, 7));
      ok(await run('upgrade'));
      expect(ok(await run('current', '--json')).json()).toMatchObject({ commit: ids[2], isHead: true });
      expect(ok(await run('upgrade')).stdout).toContain('nothing to do');

      await target.sql((db) => db.exec('ALTER TABLE users ADD COLUMN nickname text'));
      const drift = await run('check');
      expect(drift.code, drift.stderr).toBe(1);
      expect(drift.stderr).toContain('error[drift]');
      expect(drift.stderr).toContain('column users.nickname unexpected');
      const dj = await run('check', '--json');
      expect(dj.code, dj.stdout + dj.stderr).toBe(1);
      expect(dj.json().error.code).toBe('drift');
      expect(JSON.stringify(dj.json().error.data.changes)).toContain('column users.nickname');
      await target.sql((db) => db.exec('ALTER TABLE users DROP COLUMN nickname'));
      ok(await run('check'));

      const h = ok(await run('history', '--json')).json();
      expect(h.rows.map((r: { direction: string }) => r.direction)).toEqual(['up', 'down', 'up', 'up', 'up']);
    },
  );

  it.skipIf(kind.skip)('a hand-edited migration failing at its third statement changes nothing', async () => {
    p.write('schema/schema.yaml', REV3.replace('      title: text\n', '      title: text\n      body: text\n'));
    p.write(
      'up.sql',
      '-- add column posts.body\nALTER TABLE posts ADD COLUMN body text;\n-- backfill\nUPDATE posts SET body = title;\n-- the broken one\nALTER TABLE posts ADD CONSTRAINT body_ck CHECK (no_such_column > 0);\n',
    );
    p.write('down.sql', 'ALTER TABLE posts DROP COLUMN body;\n');
    ok(await p.run('commit', '-m', 'broken', '--up', 'up.sql', '--down', 'down.sql', '--no-verify'));
    const schemaOf = () => target.sql(async (db) => canonicalJson((await introspect(db)).schema));
    const before = await schemaOf();
    const cur = ok(await run('current', '--json')).json();
    const hist = ok(await run('history', '--json')).json();

    const r = await run('upgrade');
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toContain('error[migration-failed]');
    expect(r.stderr).toContain('statement 3 of 3');
    expect(r.stderr).toContain('step "the broken one"');
    expect(r.stderr).toContain('CHECK (no_such_column > 0)');
    expect(r.stderr).toMatch(/column "no_such_column" does not exist/);
    expect(r.stderr).toContain('rolled back');
    expect(hasStackTrace(r.stderr)).toBe(false);
    const j = await run('upgrade', '--json');
    expect(j.code, j.stdout + j.stderr).toBe(3);
    expect(j.json().error).toMatchObject({
      code: 'migration-failed',
      data: { statement: 3, step: 'the broken one', postgres: { code: '42703' } },
    });

    expect(await schemaOf()).toBe(before);
    expect(ok(await run('current', '--json')).json()).toEqual(cur);
    expect(ok(await run('history', '--json')).json()).toEqual(hist);
  });

  it.skipIf(kind.skip)(
    'two concurrent upgrade processes: one waits, the result is right, one history row per edge',
    async () => {
      ok(await run('downgrade', ids[0]!, '--allow-destructive'));
      p.write('schema/schema.yaml', REV3);
      const n0 = ok(await run('history', '--json')).json().rows.length;
      // two real processes, so the lock is taken across processes
      const proc = async (...args: string[]) => {
        const r = await runCli(p.dir, [...args, ...target.args]);
        outputs.push(r.stdout, r.stderr);
        return r;
      };
      const [a, b] = await Promise.all([proc('upgrade', ids[2]!, '--json'), proc('upgrade', ids[2]!, '--json')]);
      ok(a);
      ok(b);
      const applied = [a.json(), b.json()].map((x) => x.applied).sort();
      expect(applied).toEqual([false, true]);
      const rows = ok(await run('history', '--json')).json().rows;
      expect(rows.length - n0).toBe(2);
      expect(ok(await run('current', '--json')).json().commit).toBe(ids[2]);
    },
  );

  it.skipIf(kind.skip)('stamp baselines, --sql prints without touching, and the password never appears', async () => {
    const sql = ok(await run('downgrade', ids[1]!, '--sql'));
    expect(sql.stdout).toContain(`-- from: ${ids[2]}`);
    expect(sql.stdout).toContain('WARNING: this script loses data');
    expect(sql.stdout).toMatch(/BEGIN;[\s\S]*DROP TABLE[\s\S]*COMMIT;/);
    expect(ok(await run('current', '--json')).json().commit).toBe(ids[2]);
    expect((await run('stamp', ids[0]!)).code).toBe(1);
    ok(await run('stamp', ids[0]!, '--force'));
    expect(ok(await run('current', '--json')).json().commit).toBe(ids[0]);
    expect(ok(await run('history', '-n', '1', '--json')).json().rows[0].direction).toBe('stamp');
    ok(await run('stamp', ids[2]!, '--force'));
    for (const o of outputs) expect(o).not.toContain(SECRET);
    const { execSync } = await import('node:child_process');
    expect(execSync(`grep -r -l -F -e '${SECRET}' .schemaver || true`, { cwd: p.dir }).toString()).toBe('');
  });
});

describe('connection failures through the CLI', () => {
  it('refused port and missing database: exit 3, masked, no stack, JSON error', async () => {
    const p = inProcessProject('sv-deploy-');
    try {
      await setup(p);
      // through the real binary: exit code and masking as a user sees them
      const r = await runCli(p.dir, ['upgrade', '--url', `postgres://app:${SECRET}@127.0.0.1:1/db`]);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stderr).toContain(
        'error[connect-failed]: cannot connect to postgres://app:***@127.0.0.1:1/db: connection refused',
      );
      expect(hasStackTrace(r.stderr)).toBe(false);
      const j = await runCli(p.dir, ['current', '--json'], { DATABASE_URL: `postgres://app:${SECRET}@127.0.0.1:1/db` });
      expect(j.code, j.stdout + j.stderr).toBe(3);
      expect(j.json().error.code).toBe('connect-failed');
      for (const o of [r.stdout, r.stderr, j.stdout, j.stderr]) expect(o).not.toContain(SECRET);
      if (hasServer) {
        const m = await runCli(p.dir, ['check', '--url', `postgres://postgres:${SECRET}@127.0.0.1:5432/sv_no_such_db`]);
        expect(m.code, m.stdout + m.stderr).toBe(3);
        expect(m.stderr).toContain('database "sv_no_such_db" does not exist');
        expect(m.stderr).not.toContain(SECRET);
      }
    } finally {
      p.cleanup();
    }
  });

  it('the local database is created on first use and ignored by git', async () => {
    const p = inProcessProject('sv-deploy-');
    try {
      await setup(p);
      expect(p.exists('.schemaver/local')).toBe(false);
      const c = ok(await p.run('current'));
      expect(c.stdout).toContain('records no schemaver commit');
      expect(p.exists('.schemaver/local/PG_VERSION')).toBe(false);
      ok(await p.run('upgrade'));
      expect(p.read('.schemaver/local/.gitignore')).toContain('*');
      expect(p.exists('.schemaver/local.lock')).toBe(false);
      const { execSync } = await import('node:child_process');
      execSync('git init -q . && git add -A', { cwd: p.dir });
      const staged = execSync('git diff --cached --name-only', { cwd: p.dir }).toString();
      expect(staged).toContain('.schemaver/HEAD');
      expect(staged).not.toContain('.schemaver/local');
    } finally {
      p.cleanup();
    }
  });
});

describe('deploy across a merge through the CLI', () => {
  it('a database on the feature branch upgrades into the merge by the merge edge from feature', async () => {
    const p = inProcessProject('sv-deploy-');
    try {
      ok(await p.run('init'));
      p.write('schema/s.yaml', 'tables:\n  t:\n    columns:\n      id: { type: bigint, primary_key: true }\n');
      ok(await p.run('commit', '-m', 'base', '--no-verify'));
      ok(await p.run('checkout', '-b', 'feature'));
      p.write(
        'schema/s.yaml',
        'tables:\n  t:\n    columns:\n      id: { type: bigint, primary_key: true }\n      f: text\n',
      );
      ok(await p.run('commit', '-m', 'feature column', '--no-verify'));
      const feature = (await p.run('log', '--json')).json().commits[0].id;
      ok(await p.run('upgrade'));
      ok(await p.run('checkout', 'main'));
      p.write(
        'schema/s.yaml',
        'tables:\n  t:\n    columns:\n      id: { type: bigint, primary_key: true }\n  u:\n    columns:\n      id: { type: bigint, primary_key: true }\n',
      );
      ok(await p.run('commit', '-m', 'main table', '--no-verify'));
      ok(await p.run('merge', 'feature', '-m', 'merge feature', '--no-verify'));
      const merge = (await p.run('log', '--json')).json().commits[0];
      expect(merge.parents).toHaveLength(2);
      const r = ok(await p.run('upgrade', '--json')).json();
      expect(r.edges.map((e: { from: string; to: string; direction: string }) => [e.from, e.to, e.direction])).toEqual([
        [feature, merge.id, 'up'],
      ]);
      ok(await p.run('check'));
      // back to main's parent crosses the merge: down the first-parent edge, and that drops the feature column
      const d = await p.run('downgrade', '-1');
      expect(d.code, d.stderr).toBe(1);
      expect(d.stderr).toContain('drop column t.f');
    } finally {
      p.cleanup();
    }
  });
});

describe('downgrade across a rename through the CLI', () => {
  it('renames back without --allow-destructive and keeps the data', async () => {
    const p = inProcessProject('sv-deploy-');
    try {
      ok(await p.run('init'));
      p.write(
        'schema/s.yaml',
        'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      nick: text\n',
      );
      ok(await p.run('commit', '-m', 'r1', '--no-verify'));
      p.write(
        'schema/s.yaml',
        'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      nickname: { type: text, renamed_from: nick }\n',
      );
      ok(await p.run('commit', '-m', 'r2', '--no-verify'));
      ok(await p.run('upgrade'));
      const sql = async <T>(fn: (db: Driver) => Promise<T>) => {
        const t = await openTarget({ root: p.dir, create: false });
        try {
          return await fn(t.db!);
        } finally {
          await t.close();
        }
      };
      await sql((db) => db.exec(`INSERT INTO users VALUES (1, 'ann')`));
      const d = ok(await p.run('downgrade', '-1', '--json')).json();
      expect(d.destructive).toEqual([]);
      expect(await sql((db) => db.query('SELECT id::text AS id, nick FROM users'))).toEqual([{ id: '1', nick: 'ann' }]);
      ok(await p.run('check'));
    } finally {
      p.cleanup();
    }
  });
});

describe('hostile names through the CLI', () => {
  it('a table and column whose names hold quotes, semicolons and comment markers deploy, check and go back', async () => {
    const p = inProcessProject('sv-deploy-');
    try {
      ok(await p.run('init'));
      p.write(
        'schema/s.yaml',
        `tables:\n  'we"ird; name -- x':\n    comment: "it's; a -- comment $$ here"\n    columns:\n      id: { type: bigint, primary_key: true }\n      'select': { type: text, default: "a;b'c" }\n`,
      );
      ok(await p.run('commit', '-m', "hostile; -- 'names'", '--no-verify'));
      ok(await p.run('upgrade'));
      ok(await p.run('check'));
      const t = await openTarget({ root: p.dir, create: false });
      try {
        await t.db!.exec(`INSERT INTO "we""ird; name -- x" (id) VALUES (1)`);
        expect(await t.db!.query(`SELECT "select" FROM "we""ird; name -- x"`)).toEqual([{ select: "a;b'c" }]);
      } finally {
        await t.close();
      }
      const sql = ok(await p.run('downgrade', 'base', '--sql')).stdout;
      expect(sql).toContain('DROP TABLE');
      ok(await p.run('downgrade', 'base', '--allow-destructive'));
      expect(ok(await p.run('current', '--json')).json().commit).toBeNull();
    } finally {
      p.cleanup();
    }
  });
});
