import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, utimesSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLater } from '../helpers/spawner.js';
import { openTarget, parkingLot } from '../../src/deploy/target.js';
import { holdDatabases } from '../../src/proc.js';
import { openPglite } from '../../src/pg/pglite.js';
import { CATALOG_FILE, STATE_FILE, fingerprintDir, readLocalState } from '../../src/deploy/localstate.js';
import { check } from '../../src/deploy/check.js';
import { CREATE_TABLES, readHistory, readRecorded, setVersionSql } from '../../src/deploy/versions.js';
import { move } from '../../src/deploy/engine.js';
import { stamp } from '../../src/deploy/status.js';
import { SchemaverError } from '../../src/errors.js';
import type { Driver } from '../../src/pg/driver.js';
import { FakeStore, columnClassifier, tablesSchema } from './fake-store.js';

const COMMIT = 'a'.repeat(40);
const NEXT = 'b'.repeat(40);

/** localDatabase makes a project (`root`) whose embedded database (`dir`) was created and `fill`ed, then closed. */
async function localDatabase(
  prefix: string,
  fill: (db: Driver) => Promise<unknown>,
): Promise<{ root: string; dir: string }> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(root, '.schemaver'));
  const t = await openTarget({ root, create: true });
  await fill(t.db!);
  await t.close();
  return { root, dir: join(root, '.schemaver', 'local') };
}

/** stamped records COMMIT in a database's version table. */
async function stamped(db: Driver): Promise<void> {
  await db.exec(CREATE_TABLES.join(';\n'));
  await db.exec(setVersionSql(COMMIT, 'sv1:x').join(';\n'));
}

/** upgraded runs `upgrade` of a fake store's head on a database. */
const upgraded = (s: FakeStore) => (db: Driver) =>
  move({ store: s, db, classifyDown: columnClassifier }, { command: 'upgrade' });

describe('the embedded database answers version questions without starting PGlite', () => {
  let root: string;
  let dir: string;
  beforeAll(async () => {
    ({ root, dir } = await localDatabase('sv-localstate-', stamped));
  });
  afterAll(() => removeLater(root));

  it('keeps what the version table says beside the closed data directory', async () => {
    const state = readLocalState(dir);
    expect(state?.recorded).toMatchObject({ tables: true, commit: COMMIT, hash: 'sv1:x' });
    const t = await openTarget({ root, create: false });
    expect(t.db!.cachedVersions?.()).toBeDefined();
    expect(await readRecorded(t.db!)).toMatchObject({ commit: COMMIT });
    const before = readFileSync(join(dir, STATE_FILE), 'utf8');
    await t.close(); // never started: nothing rewritten
    expect(readFileSync(join(dir, STATE_FILE), 'utf8')).toBe(before);
  });

  it('forgets the copy once the database is started, and records the new state when it closes', async () => {
    const t = await openTarget({ root, create: false });
    await t.db!.exec(setVersionSql(NEXT, 'sv1:y').join(';\n'));
    expect(t.db!.cachedVersions?.()).toBeUndefined();
    expect(await readRecorded(t.db!)).toMatchObject({ commit: NEXT });
    // a small buffer pool: PGlite zeroes all of it at every start (target.ts LOCAL_CONF)
    expect(await t.db!.query(`SELECT current_setting('shared_buffers') AS s`)).toEqual([{ s: '16MB' }]);
    await t.close();
    expect(readLocalState(dir)?.recorded).toMatchObject({ commit: NEXT, hash: 'sv1:y' });
  });

  it('is ignored when any file of the data directory changed after it was written', async () => {
    const pgVersion = join(dir, 'PG_VERSION');
    utimesSync(pgVersion, new Date(), new Date(Date.now() + 5000));
    expect(readLocalState(dir)).toBeUndefined();
    const t = await openTarget({ root, create: false });
    expect(t.db!.cachedVersions?.()).toBeUndefined();
    expect(await readRecorded(t.db!)).toMatchObject({ commit: NEXT }); // PostgreSQL answered
    expect(await readHistory(t.db!)).toEqual([]);
    await t.close();
    expect(readLocalState(dir)).toBeDefined();
  });

  it('is ignored when damaged, and never counts itself or .gitignore in the fingerprint', () => {
    const fp = fingerprintDir(dir);
    writeFileSync(join(dir, '.gitignore'), '*\n# touched\n');
    expect(fingerprintDir(dir)).toBe(fp);
    const file = join(dir, STATE_FILE);
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.slice(0, 20));
    expect(readLocalState(dir)).toBeUndefined();
    writeFileSync(file, good);
    expect(readLocalState(dir)).toBeDefined();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('what the kept copy refuses or finds done, it answers without starting PGlite', () => {
  let root: string;
  let dir: string;
  const s = new FakeStore();
  const c1 = s.add('t', tablesSchema({ t: ['id'] }), [
    { parent: '', up: 'CREATE TABLE t (id text);\n', down: 'DROP TABLE t;\n', steps: [{ what: 'create table t' }] },
  ]);
  const c2 = s.add('u', tablesSchema({ t: ['id'], u: ['id'] }), [
    { parent: c1, up: 'CREATE TABLE u (id text);\n', down: 'DROP TABLE u;\n', steps: [{ what: 'create table u' }] },
  ]);
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => (e instanceof SchemaverError ? e.code : e),
    );
  beforeAll(async () => {
    ({ root, dir } = await localDatabase('sv-localstate-', upgraded(s)));
  });
  afterAll(() => removeLater(root));

  it('a stamp of the recorded commit, a stamp over it without --force, a downgrade that drops a table', async () => {
    const before = readFileSync(join(dir, STATE_FILE), 'utf8');
    const t = await openTarget({ root, create: false });
    const db = t.db!;
    try {
      expect(db.cachedVersions?.()).toBeDefined();
      expect(await stamp(s, db, 'db', c2)).toMatchObject({ from: c2, to: c2, changed: false });
      expect(await refusal(stamp(s, db, 'db', c1))).toBe('already-stamped');
      const ctx = { store: s, db, classifyDown: columnClassifier };
      expect(await refusal(move(ctx, { command: 'downgrade', rev: '-1' }))).toBe('destructive');
      expect(db.cachedVersions?.()).toBeDefined(); // never started
    } finally {
      await t.close();
    }
    expect(readFileSync(join(dir, STATE_FILE), 'utf8')).toBe(before);
    // and the database, started, refuses the same way and moves with consent
    const t2 = await openTarget({ root, create: false });
    try {
      await t2.db!.query('SELECT 1');
      expect(t2.db!.cachedVersions?.()).toBeUndefined();
      expect(await refusal(stamp(s, t2.db!, 'db', c1))).toBe('already-stamped');
      const ctx = { store: s, db: t2.db!, classifyDown: columnClassifier };
      expect(await refusal(move(ctx, { command: 'downgrade', rev: '-1' }))).toBe('destructive');
      expect((await move(ctx, { command: 'downgrade', rev: '-1', allowDestructive: true })).applied).toBe(true);
    } finally {
      await t2.close();
    }
    expect(readLocalState(dir)?.recorded).toMatchObject({ commit: c1 });
  });
});

describe('in a host that keeps databases between commands, the embedded database stays started only while untouched', () => {
  // the tests' in-process CLI runner is such a host (helpers/inproc.ts): a command's database is parked, not closed
  const KEEP = Symbol.for('schemaver.keepDatabases');
  const held = () =>
    (globalThis as Record<symbol, unknown>)[Symbol.for('schemaver.heldDatabases')] as { release(): Promise<void> };
  const g = globalThis as Record<symbol, unknown>;
  let keepBefore: unknown;
  let root: string;
  let dir: string;
  const counts = () => ({ ...parkingLot.counts });
  /** behind writes to the data directory with a PGlite of its own, as another process, a tool or a hand would. */
  const behind = async (sql: string) => {
    const db = await openPglite(dir);
    await db.exec(sql);
    await db.close();
  };
  beforeAll(async () => {
    keepBefore = g[KEEP];
    g[KEEP] = true;
    holdDatabases();
    ({ root, dir } = await localDatabase('sv-localpark-', stamped));
  });
  afterAll(async () => {
    await held().release();
    g[KEEP] = keepBefore;
    removeLater(root);
  });

  it('is taken back by the next command, its session as new: settings pinned again, temporary objects gone', async () => {
    expect(parkingLot.parked?.dir).toBe(dir);
    expect(readLocalState(dir)?.recorded).toMatchObject({ commit: COMMIT }); // the copy describes the parked directory
    const t = await openTarget({ root, create: false });
    await t.db!.exec(`SET search_path = pg_catalog; SET statement_timeout = '7s'; CREATE TEMP TABLE scratch (a int)`);
    await t.close();
    const c0 = counts();
    const t2 = await openTarget({ root, create: false });
    expect(
      await t2.db!.query(`SELECT current_setting('search_path') AS p, current_setting('statement_timeout') AS s`),
    ).toEqual([{ p: 'public', s: '0' }]);
    expect(await t2.db!.query(`SELECT to_regclass('pg_temp.scratch') IS NULL AS gone`)).toEqual([{ gone: true }]);
    expect(counts().reused).toBe(c0.reused + 1);
    await t2.db!.exec(setVersionSql(NEXT, 'sv1:y').join(';\n'));
    await t2.close();
    expect(readLocalState(dir)?.recorded).toMatchObject({ commit: NEXT });
  });

  it('is dropped, neither reused nor closed over the directory, when another process wrote to it meanwhile', async () => {
    expect(parkingLot.parked?.dir).toBe(dir);
    await behind(`CREATE TABLE written_behind (a int); UPDATE schemaver_version SET commit_id = '${'c'.repeat(40)}'`);
    expect(readLocalState(dir)).toBeUndefined();
    const c0 = counts();
    const t = await openTarget({ root, create: false });
    expect(t.db!.cachedVersions?.()).toBeUndefined();
    expect(await readRecorded(t.db!)).toMatchObject({ commit: 'c'.repeat(40) }); // not the parked session's NEXT
    expect(await t.db!.query(`SELECT to_regclass('public.written_behind') IS NOT NULL AS seen`)).toEqual([
      { seen: true },
    ]);
    expect(counts()).toMatchObject({ dropped: c0.dropped + 1, reused: c0.reused });
    await t.close();
    // the host's release closes the one parked now; the other process's writes are all there
    await held().release();
    expect(parkingLot.parked).toBeUndefined();
    holdDatabases();
    expect(readLocalState(dir)?.recorded).toMatchObject({ commit: 'c'.repeat(40) });
    await behind(`DO $$ BEGIN IF to_regclass('public.written_behind') IS NULL THEN RAISE 'lost'; END IF; END $$`);
  });

  it('is dropped when any file of the directory changed, and closed at the end only while unchanged', async () => {
    const t = await openTarget({ root, create: false });
    await t.db!.query('SELECT 1');
    await t.close();
    expect(parkingLot.parked?.dir).toBe(dir);
    utimesSync(join(dir, 'PG_VERSION'), new Date(), new Date(Date.now() + 5000));
    const c0 = counts();
    const t2 = await openTarget({ root, create: false });
    await t2.db!.query('SELECT 1');
    expect(counts()).toMatchObject({ dropped: c0.dropped + 1, reused: c0.reused });
    await t2.close();
    const parked = parkingLot.parked!;
    utimesSync(join(dir, 'PG_VERSION'), new Date(), new Date(Date.now() + 9000));
    await held().release(); // changed behind it: left unclosed
    expect(counts().dropped).toBe(c0.dropped + 2);
    holdDatabases();
    expect(parked.db).toBeDefined();
  });
});

describe('check of an unchanged embedded database reads the catalog it kept, not PostgreSQL', () => {
  let root: string;
  let dir: string;
  const s = new FakeStore();
  const c1 = s.add('t', tablesSchema({ t: ['id'] }), [
    { parent: '', up: 'CREATE TABLE t (id text);\n', down: 'DROP TABLE t;\n', steps: [{ what: 'create table t' }] },
  ]);
  /** checked runs check on a newly opened target: its result, and whether the database was started for it. */
  const checked = async () => {
    const t = await openTarget({ root, create: false });
    try {
      const r = await check(s, t.db!, 'db');
      return { problems: r.problems, started: t.db!.cachedVersions?.() === undefined };
    } finally {
      await t.close();
    }
  };
  beforeAll(async () => {
    ({ root, dir } = await localDatabase('sv-localcatalog-', upgraded(s)));
  });
  afterAll(() => removeLater(root));

  it('keeps what check read when nothing ran after it, and answers from it while the directory is unchanged', async () => {
    expect(await checked()).toEqual({ problems: [], started: true });
    expect(await checked()).toEqual({ problems: [], started: false });
    expect(await checked()).toEqual({ problems: [], started: false });
  });

  it('sees a change made behind it (another process, a hand): the directory no longer matches', async () => {
    const db = await openPglite(dir);
    await db.exec('ALTER TABLE t ADD COLUMN behind int');
    await db.close();
    expect(await checked()).toEqual({ problems: ['column t.behind unexpected'], started: true });
    expect(await checked()).toEqual({ problems: ['column t.behind unexpected'], started: false });
  });

  it('keeps nothing read before a statement that ran after it, nor a copy another build or a damaged file wrote', async () => {
    const t = await openTarget({ root, create: false });
    await check(s, t.db!, 'db');
    await t.db!.exec('ALTER TABLE t DROP COLUMN behind');
    await t.close();
    expect(await checked()).toEqual({ problems: [], started: true });
    // nor a read inside a transaction the close undoes
    const t2 = await openTarget({ root, create: false });
    await t2.db!.exec('BEGIN; ALTER TABLE t ADD COLUMN undone int');
    await check(s, t2.db!, 'db');
    await t2.close();
    expect(await checked()).toEqual({ problems: [], started: true });
    const file = join(dir, CATALOG_FILE);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { key: string };
    writeFileSync(file, JSON.stringify({ ...kept, key: `${kept.key}-another-build` }));
    expect(await checked()).toEqual({ problems: [], started: true });
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    expect(await checked()).toEqual({ problems: [], started: true });
    expect(await checked()).toEqual({ problems: [], started: false });
  });
});
