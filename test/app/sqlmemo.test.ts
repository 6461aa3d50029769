import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSqlMemo, SQL_MEMO_FILE, writeSqlMemo } from '../../src/app/sqlmemo.js';
import type { SqlMemo } from '../../src/validate/sqlparse.js';

const MEMO: SqlMemo = {
  parsed: {
    'SELECT (a > 0)': { ok: true, stmts: [{ SelectStmt: { op: 'SETOP_NONE' } }] },
    'SELECT (a >)': { ok: false, message: 'syntax error at end of input', position: 12 },
  },
  plpgsql: { 'CREATE FUNCTION f() ...': null, 'CREATE FUNCTION g() ...': 'syntax error' },
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sv-sqlmemo-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the SQL parser's memo file", () => {
  it('reads back what was written, leaving no temp file', () => {
    expect(readSqlMemo(dir)).toBeUndefined(); // none yet
    writeSqlMemo(dir, MEMO);
    writeSqlMemo(dir, MEMO); // a second writer replaces it whole
    expect(readSqlMemo(dir)).toEqual(MEMO);
    expect(readdirSync(dir)).toEqual([SQL_MEMO_FILE]);
  });

  it('keeps earlier answers after the used ones (a typo fixed brings its text back), bounded', () => {
    const earlier: SqlMemo = { parsed: {}, plpgsql: { 'CREATE FUNCTION h() ...': null } };
    const many = earlier.parsed as Record<string, SqlMemo['parsed'][string]>;
    for (let i = 0; i < 1500; i++) many[`SELECT (c${i} > 0)`] = { ok: true, stmts: [] };
    writeSqlMemo(dir, MEMO, earlier);
    const got = readSqlMemo(dir)!;
    expect(Object.keys(got.parsed).slice(0, 2)).toEqual(Object.keys(MEMO.parsed)); // this run's answers first
    expect(Object.keys(got.parsed)).toHaveLength(2 + 1000); // then at most max(1000, used) earlier ones
    expect(got.parsed['SELECT (c0 > 0)']).toEqual({ ok: true, stmts: [] });
    expect(got.parsed['SELECT (c1499 > 0)']).toBeUndefined();
    expect(Object.keys(got.plpgsql)).toEqual([...Object.keys(MEMO.plpgsql), 'CREATE FUNCTION h() ...']);
  });

  it('ignores a damaged, truncated or foreign file instead of trusting it', () => {
    writeSqlMemo(dir, MEMO);
    const file = join(dir, SQL_MEMO_FILE);
    const good = readFileSync(file, 'utf8');
    const damaged = [
      good.replace('a > 0', 'b > 0'), // body changed: the checksum no longer matches
      good.slice(0, good.length - 10), // torn write
      good.replace(/"id":"[^"]*"/, '"id":"libpg-query 0.0.0 other build"'), // another producer's answers
      good.split('\n')[1]!, // no header
      'not json at all',
      '',
    ];
    for (const text of damaged) {
      writeFileSync(file, text);
      expect(readSqlMemo(dir), text.slice(0, 40)).toBeUndefined();
    }
    // a body that checks but is not a memo is not one either
    const body = JSON.stringify({ parsed: [] });
    const head = JSON.parse(good.split('\n')[0]!) as { id: string };
    writeFileSync(
      file,
      `${JSON.stringify({ id: head.id, sha256: createHash('sha256').update(body).digest('hex') })}\n${body}`,
    );
    expect(readSqlMemo(dir)).toBeUndefined();
  });
});
