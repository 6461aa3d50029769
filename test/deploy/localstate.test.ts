import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, utimesSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget } from '../../src/deploy/target.js';
import { STATE_FILE, fingerprintDir, readLocalState } from '../../src/deploy/localstate.js';
import { CREATE_TABLES, readHistory, readRecorded, setVersionSql } from '../../src/deploy/versions.js';
import { move } from '../../src/deploy/engine.js';
import { stamp } from '../../src/deploy/status.js';
import { SchemaverError } from '../../src/errors.js';
import { FakeStore, columnClassifier, tablesSchema } from './fake-store.js';

const COMMIT = 'a'.repeat(40);
const NEXT = 'b'.repeat(40);

describe('the embedded database answers version questions without starting PGlite', () => {
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sv-localstate-'));
    mkdirSync(join(root, '.schemaver'));
    dir = join(root, '.schemaver', 'local');
    const t = await openTarget({ root, create: true });
    await t.db!.exec(CREATE_TABLES.join(';\n'));
    await t.db!.exec(setVersionSql(COMMIT, 'sv1:x').join(';\n'));
    await t.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

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
    root = mkdtempSync(join(tmpdir(), 'sv-localstate-'));
    mkdirSync(join(root, '.schemaver'));
    dir = join(root, '.schemaver', 'local');
    const t = await openTarget({ root, create: true });
    await move({ store: s, db: t.db!, classifyDown: columnClassifier }, { command: 'upgrade' });
    await t.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

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
