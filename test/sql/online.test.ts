/** deployedScript: an online script written as the online deploy runs it (each step its own transaction). */
import { describe, expect, it } from 'vitest';
import {
  ONLINE_MARKER,
  deployedScript,
  isLongRunning,
  isNonTransactional,
  onlineGroups,
} from '../../src/sql/online.js';
import { backfillSql } from '../../src/plan/online.js';
import { storageResetSql } from '../../src/sql/storage.js';
import { aclResetSql } from '../../src/sql/grants.js';

describe('deployedScript', () => {
  it('wraps each transactional step in BEGIN/COMMIT and leaves CONCURRENTLY and DO steps in autocommit', () => {
    const script = [
      ONLINE_MARKER,
      '-- step 1/3: add check c (not valid)',
      'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;',
      'COMMENT ON CONSTRAINT c ON t IS $$x; y$$;',
      '-- step 2/3: create index i (concurrently)',
      'DROP INDEX CONCURRENTLY IF EXISTS i;',
      'CREATE INDEX CONCURRENTLY i ON t (a);',
      '-- step 3/3: validate check c',
      'ALTER TABLE t VALIDATE CONSTRAINT c;',
    ].join('\n');
    const out = deployedScript(script);
    expect(out.split('\n').filter((l) => l && !l.startsWith('--'))).toEqual([
      'BEGIN;',
      'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;',
      'COMMENT ON CONSTRAINT c ON t IS $$x; y$$;',
      'COMMIT;',
      'DROP INDEX CONCURRENTLY IF EXISTS i;',
      'CREATE INDEX CONCURRENTLY i ON t (a);',
      'BEGIN;',
      'ALTER TABLE t VALIDATE CONSTRAINT c;',
      'COMMIT;',
    ]);
    expect(out).toContain('-- step 2/3: create index i (concurrently) (outside a transaction)');
  });

  it('writes a classic script as one transaction, and keeps a statement that ends in a comment whole', () => {
    const out = deployedScript(
      '-- create table t\nCREATE TABLE t (a int); -- x\nCREATE INDEX i ON t (a)\n-- tail\n;\n',
    );
    const body = out.split('\n').filter((l) => l && !l.startsWith('-- create'));
    expect(body[0]).toBe('BEGIN;');
    expect(body[body.length - 1]).toBe('COMMIT;');
    expect(onlineGroups(out).flatMap((g) => g.statements.map((s) => s.sql.split('\n')[0]))).toEqual([
      'BEGIN',
      'CREATE TABLE t (a int)',
      'CREATE INDEX i ON t (a)',
      'COMMIT',
    ]);
  });

  it('runs DETACH PARTITION ... CONCURRENTLY outside a transaction and without statement_timeout, a plain DETACH inside', () => {
    const concurrently = 'ALTER TABLE public.m DETACH PARTITION public."m 1" CONCURRENTLY';
    expect([isNonTransactional(concurrently), isLongRunning(concurrently)]).toEqual([true, true]);
    const plain = 'ALTER TABLE public.m DETACH PARTITION public.concurrently';
    expect([isNonTransactional(plain), isLongRunning(plain)]).toEqual([false, false]);
  });

  it('keeps a DO block that does not commit in its step transaction under statement_timeout; only a backfill runs outside', () => {
    const storage = storageResetSql('public.t', 'c', 'public.dom');
    const acl = aclResetSql('public.ft');
    const backfill = backfillSql('public.t', 'c');
    // a DO block that ALTERs a table takes its lock: bounded by statement_timeout like the ALTER beside it
    for (const x of [storage, acl]) expect([isNonTransactional(x), isLongRunning(x)]).toEqual([false, false]);
    expect([isNonTransactional(backfill), isLongRunning(backfill)]).toEqual([true, true]);
    const script = [
      ONLINE_MARKER,
      '-- step 1/2: alter column t.c',
      'ALTER TABLE public.t ALTER COLUMN c TYPE public.dom;',
      `${storage};`,
      '-- step 2/2: backfill t.c',
      `${backfill};`,
    ].join('\n');
    expect(onlineGroups(script).map((g) => [g.transactional, g.statements.some((s) => isLongRunning(s.sql))])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('gives no statement_timeout exemption to a REINDEX without CONCURRENTLY or an ALTER TABLE doing more than VALIDATE', () => {
    expect(isLongRunning('REINDEX INDEX public.i')).toBe(false);
    expect(isLongRunning('REINDEX INDEX CONCURRENTLY public.i')).toBe(true);
    expect(isLongRunning('ALTER TABLE public.t VALIDATE CONSTRAINT "c k"')).toBe(true);
    expect(isLongRunning('ALTER TABLE ONLY s."t 1" VALIDATE CONSTRAINT c')).toBe(true);
    expect(isLongRunning('ALTER TABLE public.t ALTER COLUMN a TYPE bigint, VALIDATE CONSTRAINT c')).toBe(false);
  });
});
