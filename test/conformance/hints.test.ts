/** sqldef rename hints mapped to the objects they sit on. */
import { describe, expect, it } from 'vitest';
import { findRenameHints } from '../../src/conformance/hints.js';
import { causeOf, caseFileName, summarize } from '../../src/conformance/index.js';

describe('findRenameHints', () => {
  it('maps hints on tables, columns, constraints, indexes, enum types and values', () => {
    const ddl = `CREATE TABLE accounts ( -- @renamed from=old_accounts
  id int,
  "User Name" text, -- @renamed from="user name"
  CONSTRAINT uq UNIQUE (id) -- @renamed from=old_uq
);
CREATE INDEX "EmailIndex" /* @renamed from=email_idx */ ON myschema.users (email);
CREATE TYPE order_status /* @renamed from=order_state */ AS ENUM (
  'shipped' /* @renamed from=shipping */,
  'minor', -- @renamed from=low
  'x'
);
CREATE TYPE /* @renamed from=ignored */ t2 AS ENUM ('a');`;
    expect(findRenameHints(ddl)).toEqual([
      { kind: 'table', target: 'accounts', from: 'old_accounts' },
      { kind: 'column', target: 'accounts', name: 'User Name', from: 'user name' },
      { kind: 'constraint', target: 'accounts', name: 'uq', from: 'old_uq' },
      { kind: 'index', target: 'myschema.users', name: 'EmailIndex', from: 'email_idx' },
      { kind: 'enum', target: 'order_status', from: 'order_state' },
      { kind: 'enum_value', target: 'order_status', name: 'shipped', from: 'shipping' },
      { kind: 'enum_value', target: 'order_status', name: 'minor', from: 'low' },
    ]);
  });
});

describe('runner helpers', () => {
  it('names files and groups causes', () => {
    expect(caseFileName('tests_a/B')).toBe('tests_a__B');
    expect(causeOf('up: step "add column t.x" failed: column "x" of relation "t" already exists')).toBe(
      'up: step failed: column X of relation "X" already exists',
    );
    const s = summarize([
      { id: 'a', up: 'pass', down: 'pass', message: '', ms: 1, upSql: '', downSql: '' },
      { id: 'b', up: 'pass', down: 'fail', message: 'down: mismatch: drop column t.y', ms: 1, upSql: '', downSql: '' },
      {
        id: 'c',
        up: 'unsupported',
        down: 'unsupported',
        message: 'not supported: privileges (GRANT) on t: x',
        ms: 1,
        upSql: '',
        downSql: '',
      },
    ]);
    expect(s).toMatchObject({ total: 3, up: 2, down: 1, both: 1, unsupported: 1 });
    expect(s.causes.map((c) => c.ids)).toEqual([['b'], ['c']]);
  });
});
