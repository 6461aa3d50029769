import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchemaverError } from '../../src/errors.js';
import { move } from '../../src/deploy/engine.js';
import { current, history, stamp } from '../../src/deploy/status.js';
import { readRecorded } from '../../src/deploy/versions.js';
import { sha256 } from '../../src/deploy/script.js';
import { connectUrl } from '../../src/pg/server.js';
import { FakeStore, columnClassifier, tablesSchema } from './fake-store.js';
import { KINDS, catalog, hasServer, openTestDb, type TestDb } from './targets.js';

const WEIRD = '"we""ird; name"'; // a table named  we"ird; name

/** threeRevisions builds users -> users.email + index -> a hostile-named table. */
function threeRevisions() {
  const s = new FakeStore();
  const c1 = s.add('create users', tablesSchema({ users: ['id', 'name'] }), [
    {
      parent: '',
      up: '-- create table users\nCREATE TABLE users (id bigint PRIMARY KEY, name text);\n',
      down: '-- drop table users\nDROP TABLE users;\n',
      steps: [{ what: 'create table users', object: 'users' }],
    },
  ]);
  const c2 = s.add('add email', tablesSchema({ users: ['id', 'name', 'email'] }), [
    {
      parent: c1,
      up: '-- add column users.email\nALTER TABLE users ADD COLUMN email text;\n\n-- create index users_email_idx\nCREATE INDEX users_email_idx ON users (email);\n',
      down: '-- drop index users_email_idx\nDROP INDEX users_email_idx;\n\n-- drop column users.email\nALTER TABLE users DROP COLUMN email;\n',
      steps: [
        { what: 'add column users.email', object: 'users.email' },
        { what: 'create index users_email_idx', object: 'users_email_idx' },
      ],
    },
  ]);
  const c3 = s.add("it's weird", tablesSchema({ users: ['id', 'name', 'email'], 'we"ird; name': ['x'] }), [
    {
      parent: c2,
      up: `-- create table ${WEIRD}\nCREATE TABLE ${WEIRD} (x integer DEFAULT 1);\n`,
      down: `-- drop table ${WEIRD}\nDROP TABLE ${WEIRD};\n`,
      steps: [{ what: 'create table weird', object: WEIRD }],
    },
  ]);
  return { s, c1, c2, c3 };
}

async function failure(p: Promise<unknown>): Promise<SchemaverError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SchemaverError) return e;
    throw e;
  }
  throw new Error('expected a SchemaverError');
}

describe.each(KINDS)('deploy engine on %s', (kind) => {
  const skip = kind === 'postgres' && !hasServer;
  let t: TestDb;
  beforeEach(async () => {
    if (!skip) t = await openTestDb(kind);
  });
  afterEach(async () => {
    if (!skip) await t.dispose();
  });

  it.skipIf(skip)('upgrades from nothing to HEAD, downgrades -1, upgrades again; current follows', async () => {
    const { s, c1, c2, c3 } = threeRevisions();
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier, version: '9.9.9' };
    const before = await current(s, t.db, 'db');
    expect(before.commit).toBeNull();

    const lines: string[] = [];
    const ticks: [number, number][] = [];
    const up = await move(
      { ...ctx, onProgress: (l) => lines.push(l), onStatement: (done, total) => ticks.push([done, total]) },
      { command: 'upgrade' },
    );
    expect(up.applied).toBe(true);
    expect(up.edges.map((e) => [e.from, e.to, e.direction])).toEqual([
      [null, c1, 'up'],
      [c1, c2, 'up'],
      [c2, c3, 'up'],
    ]);
    expect(lines).toHaveLength(3);
    // each statement of each edge ticks once, ending at its edge's total
    expect(ticks).toHaveLength(up.edges.reduce((n, e) => n + e.statements, 0));
    expect(ticks.filter(([done, total]) => done === total)).toHaveLength(3);
    expect(lines[2]).toContain('upgrade 3/3');
    const cur = await current(s, t.db, 'db');
    expect(cur).toMatchObject({
      commit: c3,
      isHead: true,
      known: true,
      branches: ['main'],
      hashMatches: true,
      message: "it's weird",
    });
    expect(await t.db.query(`SELECT x FROM ${WEIRD}`)).toEqual([]);

    // Already there: nothing runs, nothing is written.
    const again = await move(ctx, { command: 'upgrade' });
    expect(again).toMatchObject({ applied: false, upToDate: true, edges: [] });

    // -1 drops a table: destructive, refused without consent (exit 1), and nothing changes.
    const refused = await failure(move(ctx, { command: 'downgrade', rev: '-1' }));
    expect(refused.exit).toBe(1);
    expect(refused.code).toBe('destructive');
    expect(refused.message).toContain('drop table we"ird; name');
    expect((await readRecorded(t.db)).commit).toBe(c3);

    const down = await move(ctx, { command: 'downgrade', rev: '-1', allowDestructive: true });
    expect(down.edges.map((e) => [e.from, e.to, e.direction])).toEqual([[c3, c2, 'down']]);
    expect((await current(s, t.db, 'db')).isHead).toBe(false);
    expect((await readRecorded(t.db)).commit).toBe(c2);
    expect(await t.db.query(`SELECT to_regclass('public.${WEIRD.replace(/'/g, "''")}') AS r`)).toEqual([{ r: null }]);

    const plus = await move(ctx, { command: 'upgrade', rev: '+1' });
    expect(plus.edges.map((e) => [e.from, e.to])).toEqual([[c2, c3]]);
    expect((await current(s, t.db, 'db')).commit).toBe(c3);
    expect((await failure(move(ctx, { command: 'upgrade', rev: '+1' }))).code).toBe('bad-revision');

    const h = await history(t.db, 'db');
    expect(h.rows.map((r) => [r.from, r.to, r.direction])).toEqual([
      [c2, c3, 'up'],
      [c3, c2, 'down'],
      [c2, c3, 'up'],
      [c1, c2, 'up'],
      [null, c1, 'up'],
    ]);
    expect(h.rows[1]!.checksum).toBe(sha256(s.snaps.get(c3)!.migrations[0]!.down));
    expect(h.rows[0]!.schemaverVersion).toBe('9.9.9');
    expect(h.rows[0]!.appliedBy).toMatch(/\w/);
    expect(h.rows[0]!.appliedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // downgrade to base removes everything and the version row
    await move(ctx, { command: 'downgrade', rev: 'base', allowDestructive: true });
    expect((await current(s, t.db, 'db')).commit).toBeNull();
    expect(
      await t.db.query(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'schemaver%'`,
      ),
    ).toEqual([{ n: 0 }]);
    // wrong directions are refused
    expect((await failure(move(ctx, { command: 'downgrade', rev: c2 }))).code).toBe('wrong-direction');
  });

  it.skipIf(skip)('a failing third statement rolls back every edge and the version row', async () => {
    const { s, c1, c2 } = threeRevisions();
    const bad = s.add('bad', tablesSchema({ users: ['id', 'name', 'email', 'age'] }), [
      {
        parent: await s.resolve('HEAD'),
        up: '-- add column users.age\nALTER TABLE users ADD COLUMN age integer;\n-- fill it\nUPDATE users SET age = 1;\n-- add check users_age_check\nALTER TABLE users ADD CONSTRAINT users_age_check CHECK (agee > 0);\n',
        down: 'ALTER TABLE users DROP COLUMN age;',
      },
    ]);
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
    await move(ctx, { command: 'upgrade', rev: c1 });
    await t.db.exec(`INSERT INTO users VALUES (1, 'ann')`);
    const before = await catalog(t.db);
    const recBefore = await t.db.query('SELECT * FROM schemaver_version');
    const histBefore = await history(t.db, 'db');

    const e = await failure(move(ctx, { command: 'upgrade' }));
    expect(e.exit).toBe(3);
    expect(e.code).toBe('migration-failed');
    expect(e.message).toContain('edge 3/3');
    expect(e.message).toContain('statement 3 of 3');
    expect(e.message).toContain('step "add check users_age_check"');
    expect(e.message).toContain('CHECK (agee > 0)');
    expect(e.message).toMatch(/column "agee" does not exist \(42703\)/);
    expect(e.hint).toContain('rolled back');
    expect(e.data).toMatchObject({
      edge: { direction: 'up', to: bad },
      statement: 3,
      step: 'add check users_age_check',
      postgres: { code: '42703' },
    });

    expect(await catalog(t.db)).toBe(before);
    expect(await t.db.query('SELECT * FROM schemaver_version')).toEqual(recBefore);
    expect(await history(t.db, 'db')).toEqual(histBefore);
    expect(await t.db.query('SELECT id::text AS id, name FROM users')).toEqual([{ id: '1', name: 'ann' }]);
    // and the connection is usable afterwards (no transaction left open)
    await move(ctx, { command: 'upgrade', rev: c2 });
    expect((await readRecorded(t.db)).commit).toBe(c2);
    // the failed upgrade left no gap in the history ids (they are not taken from the non-transactional sequence)
    const rows = await t.db.query<{ id: string }>('SELECT id::text AS id FROM schemaver_history ORDER BY id');
    expect(rows.map((r) => Number(r.id))).toEqual(rows.map((_, i) => i + 1));
    // and the sequence follows the ids, for older versions that insert through it
    const [seq] = await t.db.query<{ v: string }>('SELECT last_value::text AS v FROM schemaver_history_id_seq');
    expect(Number(seq!.v)).toBe(rows.length);
  });

  it.skipIf(skip)('--sql prints the whole script and touches nothing; the script runs as printed', async () => {
    const { s, c1, c3 } = threeRevisions();
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
    await move(ctx, { command: 'upgrade', rev: c1 });
    const before = await catalog(t.db);
    const r = await move(ctx, { command: 'upgrade', sql: true });
    expect(r.applied).toBe(false);
    const sql = r.sql!;
    expect(sql).toContain(`-- from: ${c1} (${s.snaps.get(c1)!.schemaHash})`);
    expect(sql).toContain(`-- to:   ${c3} (${s.snaps.get(c3)!.schemaHash})`);
    expect(sql).toMatch(
      /\nBEGIN;\n[\s\S]*pg_advisory_xact_lock[\s\S]*INSERT INTO public.schemaver_version[\s\S]*\nCOMMIT;\n$/,
    );
    expect(sql).toContain('-- add column users.email');
    expect(await catalog(t.db)).toBe(before);
    expect((await readRecorded(t.db)).commit).toBe(c1);
    // running the printed script does what upgrade does
    await t.db.exec(sql);
    expect((await readRecorded(t.db)).commit).toBe(c3);
    expect((await history(t.db, 'db')).rows).toHaveLength(3);
    // the guard refuses to run it a second time
    await expect(t.db.exec(sql)).rejects.toThrow(/not at/);
    await t.db.exec('ROLLBACK');
    // offline: --from without a database
    const off = await move(
      { store: s, classifyDown: columnClassifier },
      { command: 'downgrade', rev: 'base', sql: true, from: c3 },
    );
    expect(off.sql).toContain('-- WARNING: this script loses data');
    expect(off.sql).toContain('DELETE FROM public.schemaver_version');
  });

  it.skipIf(skip)('refuses to upgrade a populated database that records nothing; stamp baselines it', async () => {
    const { s, c1, c2, c3 } = threeRevisions();
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
    await t.db.exec('CREATE TABLE users (id bigint PRIMARY KEY, name text)');
    const e = await failure(move(ctx, { command: 'upgrade' }));
    expect(e).toMatchObject({ exit: 1, code: 'not-stamped' });
    expect(e.hint).toContain('stamp');
    expect((await stamp(s, t.db, 'db', c1.slice(0, 8))).changed).toBe(true);
    expect((await failure(stamp(s, t.db, 'db', c2))).code).toBe('already-stamped');
    const r = await move(ctx, { command: 'upgrade' });
    expect(r.edges).toHaveLength(2);
    expect((await current(s, t.db, 'db')).commit).toBe(c3);
    await stamp(s, t.db, 'db', 'base', { force: true });
    expect((await current(s, t.db, 'db')).commit).toBeNull();
    expect((await history(t.db, 'db')).rows[0]).toMatchObject({ direction: 'stamp', from: c3, to: null });
  });

  it.skipIf(skip)(
    'an enum value added on an earlier edge and used on a later one: clean failure, hint to deploy in two runs',
    async () => {
      const s = new FakeStore();
      const c1 = s.add('enum', tablesSchema({}), [
        { parent: '', up: "CREATE TYPE mood AS ENUM ('sad')", down: 'DROP TYPE mood' },
      ]);
      const c2 = s.add('add value', tablesSchema({}), [
        { parent: c1, up: "ALTER TYPE mood ADD VALUE 'happy'", down: 'SELECT 1' },
      ]);
      s.add('use it', tablesSchema({ t: ['m'] }), [
        { parent: c2, up: "CREATE TABLE t (m mood DEFAULT 'happy')", down: 'DROP TABLE t' },
      ]);
      const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
      await move(ctx, { command: 'upgrade', rev: c1 });
      const e = await failure(move(ctx, { command: 'upgrade' }));
      expect(e).toMatchObject({ exit: 3, code: 'migration-failed', data: { postgres: { code: '55P04' } } });
      expect(e.hint).toContain(`schemaver upgrade ${c2.slice(0, 7)}`);
      expect((await readRecorded(t.db)).commit).toBe(c1);
      await move(ctx, { command: 'upgrade', rev: c2 });
      await move(ctx, { command: 'upgrade' });
      expect((await current(s, t.db, 'db')).isHead).toBe(true);
    },
  );

  it.skipIf(skip)('a deferred constraint failing at COMMIT is reported as such and changes nothing', async () => {
    const s = new FakeStore();
    s.add('deferred', tablesSchema({ p: ['id'], c: ['pid'] }), [
      {
        parent: '',
        up: 'CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (pid int REFERENCES p DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO c VALUES (1);',
        down: 'DROP TABLE c; DROP TABLE p;',
      },
    ]);
    const e = await failure(move({ store: s, db: t.db, classifyDown: columnClassifier }, { command: 'upgrade' }));
    expect(e).toMatchObject({
      exit: 3,
      code: 'migration-failed',
      data: { edge: null, sql: 'COMMIT', postgres: { code: '23503' } },
    });
    expect(e.message).toContain('failed in COMMIT');
    expect(e.hint).toContain('rolled back');
    expect((await readRecorded(t.db)).tables).toBe(false);
    expect(await t.db.query(`SELECT to_regclass('public.p') AS r`)).toEqual([{ r: null }]);
  });

  it.skipIf(skip)('history lists rows newest first past ten rows (numeric, not text, order)', async () => {
    const { s, c1, c2 } = threeRevisions();
    for (let i = 0; i < 6; i++) {
      await stamp(s, t.db, 'db', c1, { force: true });
      await stamp(s, t.db, 'db', c2, { force: true });
    }
    const rows = (await history(t.db, 'db')).rows;
    expect(rows.map((r) => r.id)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect((await history(t.db, 'db', 1)).rows.map((r) => [r.id, r.to])).toEqual([[12, c2]]);
  });

  it.skipIf(skip)('keeps all 10,000 rows through an add column + index upgrade and its downgrade', async () => {
    const { s, c1, c2 } = threeRevisions();
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
    await move(ctx, { command: 'upgrade', rev: c1 });
    await t.db.exec(`INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 10000) g`);
    const sum = `SELECT count(*)::int AS n, md5(string_agg(id::text || ':' || name, ',' ORDER BY id)) AS h FROM users`;
    const [before] = await t.db.query(sum);
    const t0 = performance.now();
    await move(ctx, { command: 'upgrade', rev: c2 });
    const upMs = performance.now() - t0;
    expect(await t.db.query(sum)).toEqual([before]);
    await t.db.exec(`UPDATE users SET email = name || '@example.com' WHERE id % 2 = 0`);
    const t1 = performance.now();
    await move(ctx, { command: 'downgrade', rev: c1, allowDestructive: true });
    const downMs = performance.now() - t1;
    expect(await t.db.query(sum)).toEqual([before]);
    console.log(
      `[measure] ${kind}: 10k rows add column+index upgrade ${upMs.toFixed(0)} ms, downgrade ${downMs.toFixed(0)} ms`,
    );
  });

  it.skipIf(skip)('refuses migration scripts that carry their own transaction control', async () => {
    const s = new FakeStore();
    s.add('x', tablesSchema({ a: ['x'] }), [
      { parent: '', up: 'BEGIN;\nCREATE TABLE a (x text);\nCOMMIT;', down: 'DROP TABLE a' },
    ]);
    const e = await failure(move({ store: s, db: t.db, classifyDown: columnClassifier }, { command: 'upgrade' }));
    expect(e).toMatchObject({ exit: 2, code: 'bad-migration-sql' });
    expect((await readRecorded(t.db)).tables).toBe(false);
  });
});

describe('paths through the commit graph', () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await openTestDb('pglite');
  });
  afterEach(async () => {
    await t.dispose();
  });

  /** a -> b (main), a -> c (feature), m = merge(b, c). */
  function merged() {
    const s = new FakeStore();
    const a = s.add('a', tablesSchema({ t: ['x'] }), [
      { parent: '', up: 'CREATE TABLE t (x text)', down: 'DROP TABLE t' },
    ]);
    const b = s.add('b', tablesSchema({ t: ['x', 'b'] }), [
      { parent: a, up: 'ALTER TABLE t ADD COLUMN b text', down: 'ALTER TABLE t DROP COLUMN b' },
    ]);
    const c = s.add(
      'c',
      tablesSchema({ t: ['x', 'c'] }),
      [{ parent: a, up: 'ALTER TABLE t ADD COLUMN c text', down: 'ALTER TABLE t DROP COLUMN c' }],
      { branch: 'feature' },
    );
    const m = s.add(
      'merge feature',
      tablesSchema({ t: ['x', 'b', 'c'] }),
      [
        { parent: b, up: 'ALTER TABLE t ADD COLUMN c text', down: 'ALTER TABLE t DROP COLUMN c' },
        { parent: c, up: 'ALTER TABLE t ADD COLUMN b text', down: 'ALTER TABLE t DROP COLUMN b' },
      ],
      { parents: [b, c] },
    );
    return { s, a, b, c, m };
  }

  it('walks up from a feature branch into the merge through the merge edge', async () => {
    const { s, c, m } = merged();
    void m;
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
    await move(ctx, { command: 'upgrade', rev: 'feature' });
    expect((await readRecorded(t.db)).commit).toBe(c);
    const r = await move(ctx, { command: 'upgrade' });
    expect(r.edges.map((e) => [e.from, e.to, e.direction])).toEqual([[c, m, 'up']]);
    expect(
      (await t.db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 't' ORDER BY 1`)).map(
        (x) => x.column_name,
      ),
    ).toEqual(['b', 'c', 'x']);
    // -1 follows the first parent (main)
    const d = await move(ctx, { command: 'downgrade', rev: '-1', allowDestructive: true });
    expect(d.edges.map((e) => e.direction)).toEqual(['down']);
    expect(d.to.commit).toBe(await s.resolve('main~1'));
  });

  it('crosses from one branch to another through their common ancestor, and says what it would drop', async () => {
    const { s, a, b, c } = merged();
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
    await move(ctx, { command: 'upgrade', rev: c });
    const e = await failure(move(ctx, { command: 'upgrade', rev: b }));
    expect(e.code).toBe('destructive');
    expect(e.message).toContain('drop column t.c');
    const r = await move(ctx, { command: 'upgrade', rev: b, allowDestructive: true });
    expect(r.edges.map((x) => [x.from, x.to, x.direction])).toEqual([
      [c, a, 'down'],
      [a, b, 'up'],
    ]);
  });

  it('fails with a hint between unrelated histories and for a commit the store does not know', async () => {
    const { s, a } = merged();
    const x = s.add(
      'other root',
      tablesSchema({ o: ['y'] }),
      [{ parent: '', up: 'CREATE TABLE o (y text)', down: 'DROP TABLE o' }],
      { branch: 'other' },
    );
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
    await move(ctx, { command: 'upgrade', rev: a });
    const e = await failure(move(ctx, { command: 'upgrade', rev: x }));
    expect(e).toMatchObject({ exit: 1, code: 'no-path' });
    expect(e.hint).toMatch(/stamp/);
    await t.db.exec(`UPDATE schemaver_version SET commit_id = 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef'`);
    const u = await failure(move(ctx, { command: 'upgrade' }));
    expect(u).toMatchObject({ exit: 1, code: 'unknown-recorded-commit' });
  });

  it('refuses to undo an irreversible step', async () => {
    const s = new FakeStore();
    const a = s.add('a', tablesSchema({ t: ['x'] }), [
      { parent: '', up: 'CREATE TABLE t (x text)', down: 'DROP TABLE t' },
    ]);
    s.add('b', tablesSchema({ t: ['x'] }), [
      {
        parent: a,
        up: 'UPDATE t SET x = lower(x)',
        down: '-- irreversible: lower-case x',
        steps: [{ what: 'lower-case x', reversible: false }],
      },
    ]);
    const ctx = { store: s, db: t.db, classifyDown: columnClassifier };
    await move(ctx, { command: 'upgrade' });
    const e = await failure(move(ctx, { command: 'downgrade', rev: '-1', allowDestructive: true }));
    expect(e).toMatchObject({ exit: 1, code: 'irreversible' });
  });
});

describe.skipIf(!hasServer)('concurrent upgrades on one server database', () => {
  it('the second run waits for the first, then finds nothing to do; history has one row per edge', async () => {
    const t = await openTestDb('postgres');
    const other = await connectUrl(t.url!);
    try {
      const { s, c3 } = threeRevisions();
      // make the first run slow so the second one surely arrives while it holds the lock
      const slow = s.add('slow', tablesSchema({ users: ['id', 'name', 'email'], 'we"ird; name': ['x'], z: ['x'] }), [
        { parent: c3, up: 'CREATE TABLE z (x text);\nSELECT pg_sleep(0.5);', down: 'DROP TABLE z' },
      ]);
      const waits: string[] = [];
      const [r1, r2] = await Promise.all([
        move({ store: s, db: t.db, classifyDown: columnClassifier }, { command: 'upgrade' }),
        new Promise((r) => setTimeout(r, 100)).then(() =>
          move(
            { store: s, db: other, classifyDown: columnClassifier, onProgress: (l) => waits.push(l) },
            { command: 'upgrade' },
          ),
        ),
      ]);
      expect(r1.applied).toBe(true);
      expect(r2).toMatchObject({ applied: false, upToDate: true });
      expect(waits[0]).toMatch(/waiting for another schemaver deploy/);
      const h = await history(t.db, 'db');
      expect(h.rows).toHaveLength(4);
      expect(new Set(h.rows.map((x) => `${x.from}>${x.to}`)).size).toBe(4);
      expect((await readRecorded(other)).commit).toBe(slow);
    } finally {
      await other.close();
      await t.dispose();
    }
  });

  it('two runs to different targets both end correct: the second continues from where the first left', async () => {
    const t = await openTestDb('postgres');
    const other = await connectUrl(t.url!);
    try {
      const { s, c2, c3 } = threeRevisions();
      const ctx1 = { store: s, db: t.db, classifyDown: columnClassifier };
      const ctx2 = { store: s, db: other, classifyDown: columnClassifier };
      const settled = await Promise.allSettled([
        move(ctx1, { command: 'upgrade', rev: c2 }),
        move(ctx2, { command: 'upgrade', rev: c3 }),
      ]);
      const h = await history(t.db, 'db');
      const rec = (await readRecorded(t.db)).commit;
      const [r1, r2] = settled;
      if (r1.status === 'rejected') {
        // c3 went first; upgrading to c2 would then go down, which upgrade refuses cleanly (exit 2), touching nothing
        expect(r1.reason).toMatchObject({ code: 'wrong-direction', exit: 2 });
        expect(r2.status).toBe('fulfilled');
        expect(rec).toBe(c3);
        expect(h.rows).toHaveLength(3);
      } else {
        // c2 went first; the c3 run waited and continued from c2 with the one remaining edge
        expect(r2.status).toBe('fulfilled');
        expect(r1.value.edges).toHaveLength(2);
        expect(
          (r2 as PromiseFulfilledResult<Awaited<ReturnType<typeof move>>>).value.edges.map((e) => [e.from, e.to]),
        ).toEqual([[c2, c3]]);
        expect(rec).toBe(c3);
        expect(h.rows).toHaveLength(3);
      }
      expect(new Set(h.rows.map((x) => `${x.from}>${x.to}`)).size).toBe(h.rows.length);
    } finally {
      await other.close();
      await t.dispose();
    }
  });
});
