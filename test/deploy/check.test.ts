import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchemaverError } from '../../src/errors.js';
import { check, driftError } from '../../src/deploy/check.js';
import { move } from '../../src/deploy/engine.js';
import { FakeStore, columnClassifier, tablesSchema } from './fake-store.js';
import { KINDS, hasServer, openTestDb, type TestDb } from './targets.js';

describe.each(KINDS)('check on %s', (kind) => {
  const skip = kind === 'postgres' && !hasServer;
  let t: TestDb;
  beforeEach(async () => {
    if (!skip) t = await openTestDb(kind);
  });
  afterEach(async () => {
    if (!skip) await t.dispose();
  });

  it.skipIf(skip)('is clean after an upgrade, names drifted objects, and ignores schemaver_* tables', async () => {
    const s = new FakeStore();
    const c1 = s.add('users', tablesSchema({ users: ['id', 'name'] }), [
      { parent: '', up: 'CREATE TABLE users (id text, name text)', down: 'DROP TABLE users' },
    ]);
    // an unrecorded database has nothing to be checked against
    const none = await check(s, t.db, 'db').catch((e: SchemaverError) => e);
    expect(none).toMatchObject({ exit: 1, code: 'not-stamped' });
    await move({ store: s, db: t.db, classifyDown: columnClassifier }, { command: 'upgrade' });
    const clean = await check(s, t.db, 'db');
    expect(clean).toMatchObject({ clean: true, commit: c1, problems: [], changes: [] });

    await t.db.exec(
      'ALTER TABLE users ADD COLUMN nickname text; CREATE TABLE extra (x int); ALTER TABLE users ALTER COLUMN name TYPE varchar(20)',
    );
    const r = await check(s, t.db, 'db');
    expect(r.clean).toBe(false);
    expect(r.problems).toEqual(expect.arrayContaining(['column users.nickname unexpected', 'table extra unexpected']));
    expect(
      r.problems.some((p) => p.startsWith('column users.name: type expected text, got character varying(20)')),
    ).toBe(true);
    const e = driftError(r);
    expect(e.exit).toBe(1);
    expect(e.message).toContain('column users.nickname unexpected');

    // against another revision: base expects nothing at all
    const b = await check(s, t.db, 'db', 'base');
    expect(b.problems).toEqual(expect.arrayContaining(['table users unexpected', 'table extra unexpected']));
  });
});
