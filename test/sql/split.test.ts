import { describe, expect, it } from 'vitest';
import { isTransactionControl, splitStatements } from '../../src/sql/split.js';

describe('splitStatements', () => {
  it('splits at top-level semicolons and keeps the step comment and line of each statement', () => {
    const sql =
      "-- create table users\nCREATE TABLE users (id int);\n\n-- add column users.email\nALTER TABLE users ADD COLUMN email text;\nCOMMENT ON COLUMN users.email IS 'a;b';\n";
    expect(splitStatements(sql)).toEqual([
      { sql: 'CREATE TABLE users (id int)', line: 2, comment: 'create table users' },
      { sql: 'ALTER TABLE users ADD COLUMN email text', line: 5, comment: 'add column users.email' },
      { sql: "COMMENT ON COLUMN users.email IS 'a;b'", line: 6, comment: 'add column users.email' },
    ]);
  });

  it('does not split inside quotes, identifiers, dollar quotes, E-strings or comments', () => {
    const sql = [
      `CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine')`,
      `CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$`,
      `DO $$ BEGIN PERFORM 1; END $$`,
      `SELECT E'back\\'slash; still'`,
      `/* block ; /* nested ; */ still */ SELECT 2`,
      `SELECT 3 -- trailing ; comment\n`,
    ].join(';\n');
    const out = splitStatements(sql).map((s) => s.sql);
    expect(out).toHaveLength(6);
    expect(out[0]).toBe(`CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine')`);
    expect(out[1]).toContain('RETURN 1; END $body$');
    expect(out[3]).toBe(`SELECT E'back\\'slash; still'`);
    expect(out[4]).toBe('SELECT 2');
    expect(out[5]).toBe('SELECT 3 -- trailing ; comment');
  });

  it('keeps BEGIN ATOMIC function bodies whole', () => {
    const sql = `CREATE FUNCTION add1(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN a + 1 ELSE 0 END; SELECT 1; END;\nSELECT 9;`;
    const out = splitStatements(sql).map((s) => s.sql);
    expect(out).toEqual([
      `CREATE FUNCTION add1(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN a + 1 ELSE 0 END; SELECT 1; END`,
      'SELECT 9',
    ]);
  });

  it('drops empty statements and comment-only scripts', () => {
    expect(splitStatements(';;\n-- irreversible: nothing to do\n;')).toEqual([]);
    expect(splitStatements('')).toEqual([]);
  });

  it('recognises transaction control', () => {
    for (const s of ['BEGIN', 'begin transaction', 'COMMIT', 'END', 'ROLLBACK', 'START TRANSACTION', 'SAVEPOINT a'])
      expect(isTransactionControl(s)).toBe(true);
    for (const s of ['BEGIN ATOMIC', 'CREATE TABLE begin_x (a int)', 'SELECT 1'])
      expect(isTransactionControl(s)).toBe(false);
  });
});
