import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Issue } from '../../src/errors.js';
import type { SqlMemo } from '../../src/validate/sqlparse.js';

/** A schema with texts only libpg_query decides (a typo in a check, an unknown type, a view naming a missing column). */
const TEXT = `tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      age: { type: integer, check: "agee > 0" }
      kind: { type: integr }
      body: { type: text, default: { sql: "lower('X')" } }
views:
  v: { query: "SELECT id, aged FROM users" }
functions:
  f:
    returns: integer
    language: plpgsql
    body: BEGIN RETURN 1; END
`;

interface Run {
  issues: string[];
  loaded: boolean;
  memo: SqlMemo;
  fresh: number;
}

/** validate runs validateSchema of a freshly loaded validator module (libpg_query not loaded), seeded with `seed`. */
async function validate(seed?: SqlMemo): Promise<Run> {
  const { validateSchema } = await import('../../src/validate/index.js');
  const p = parseSchemaFiles([{ path: 'schema/s.yaml', text: TEXT }]);
  const tm: Record<string, number> = {};
  let kept: { memo: SqlMemo; fresh: number } | undefined;
  const found: Issue[] = await validateSchema(p.schema ?? p.partial!, p.sql, {
    timings: tm,
    memo: { ...(seed ? { seed } : {}), keep: (memo, fresh) => (kept = { memo, fresh }) },
  });
  return {
    issues: found.map((i) => `${i.code} ${i.loc?.line}:${i.loc?.col}`),
    loaded: tm.sqlParserLoad !== undefined,
    ...kept!,
  };
}

describe("the SQL parser's memo (answers kept between processes)", () => {
  beforeEach(() => vi.resetModules()); // each run gets a validator without libpg_query loaded, as a new process has

  it('answers every text from a seeded memo without loading libpg_query, with the same issues', async () => {
    const first = await validate();
    expect(first.loaded).toBe(true);
    expect(first.issues).toEqual(['unknown-column 5:36', 'unknown-type 6:21', 'unknown-column 9:15']);
    expect(first.fresh).toBe(Object.keys(first.memo.parsed).length + Object.keys(first.memo.plpgsql).length);
    expect(Object.keys(first.memo.plpgsql)).toHaveLength(1);
    vi.resetModules();
    const again = await validate(first.memo);
    expect(again.loaded).toBe(false);
    expect(again.fresh).toBe(0);
    expect(again.issues).toEqual(first.issues);
    expect(again.memo).toEqual(first.memo);
  });

  it('loads libpg_query for a text the memo lacks, and skips malformed entries', async () => {
    const full = await validate();
    vi.resetModules();
    const [dropped, ...rest] = Object.keys(full.memo.parsed);
    const parsed: Record<string, unknown> = Object.fromEntries(rest.map((k) => [k, full.memo.parsed[k]]));
    parsed[dropped!] = { ok: true, stmts: 'not a list' }; // damaged: not an answer
    const partial = await validate({ parsed, plpgsql: full.memo.plpgsql } as unknown as SqlMemo);
    expect(partial.loaded).toBe(true);
    expect(partial.fresh).toBe(1);
    expect(partial.issues).toEqual(full.issues);
    expect(partial.memo).toEqual(full.memo);
  });
});
