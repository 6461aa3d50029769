import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { proofFailure } from '../../src/pg/failure.js';
import type { VerifyResult } from '../../src/pg/verify.js';

/**
 * A failed proof is the user's schema when the target does not compile in PostgreSQL (exit 2, each refused
 * statement located at its YAML node), and a planner bug only when the target compiles from nothing (exit 1, said
 * so, with how to report it). The first case runs the schema in a real PGlite.
 */
const TEXT = `tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      age: { type: integer, default: { sql: "nosuchfn()" } }
  orders:
    columns:
      id: bigint
      total: { type: numeric, check: "total > missing_fn(1)" }
views:
  v: "SELECT other_missing_fn(1) AS x"
`;

describe('proofFailure', () => {
  it('a target that does not compile is bad input, located at each refusing node', async () => {
    const files = [{ path: 'schema/app.yaml', text: TEXT }];
    const parsed = parseSchemaFiles(files);
    expect(parsed.issues).toEqual([]);
    const result: VerifyResult = {
      ok: false,
      problems: ['the target schema does not build in PostgreSQL: function nosuchfn() does not exist'],
      data: { build: 'the target schema does not build in PostgreSQL: function nosuchfn() does not exist' },
      ms: 1,
    };
    const err = await proofFailure(result, { schema: parsed.schema!, files }, { retry: 'commit' });
    expect(err.exit).toBe(2);
    expect(err.message + err.hint).not.toContain('planner');
    const got = err.issues.map((i) => [i.code, i.loc && `${i.loc.line}:${i.loc.col}`, i.message.split(':')[1]?.trim()]);
    expect(got).toEqual([
      ['schema-does-not-compile', '5:45', 'function nosuchfn() does not exist; hint'],
      ['schema-does-not-compile', '9:38', 'function missing_fn(integer) does not exist; hint'],
      ['schema-does-not-compile', '11:6', 'function other_missing_fn(integer) does not exist; hint'],
    ]);
  }, 60_000);

  it('a target that compiles but is not reproduced is a planner bug, with how to report it', async () => {
    const files = [{ path: 'schema/app.yaml', text: 'tables:\n  t:\n    columns:\n      id: bigint\n' }];
    const parsed = parseSchemaFiles(files);
    const result: VerifyResult = { ok: false, problems: ['up: column t.id has type integer'], ms: 1 };
    const err = await proofFailure(result, { schema: parsed.schema!, files }, { from: 'abc1234', retry: 'commit' });
    expect(err.exit).toBe(1);
    expect(err.code).toBe('verification-failed');
    expect(err.message).toContain('compiles in PostgreSQL from nothing, but the migration from abc1234');
    expect(err.hint).toContain("bug in schemaver's planner");
    expect(err.hint).toContain('schemaver plan --json');
    const hand = await proofFailure(result, { schema: parsed.schema! }, { handEdited: true, retry: 'commit' });
    expect(hand.hint).toContain('hand-edited');
  });
});
