import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findMarkers, markConflicts, MARKER } from '../../src/merge/markers.js';
import type { Conflict } from '../../src/merge/index.js';

const f = (text: string) => [{ path: 'schema/app.yaml', text }];

describe('conflict markers', () => {
  it('marks an attribute written as a key, with each side copied from its files, and stays valid YAML', () => {
    const base = f('tables:\n  users:\n    columns:\n      email: { type: text }\n');
    const ours = f('tables:\n  users:\n    columns:\n      email: { type: citext }\n');
    const theirs = f('tables:\n  users:\n    columns:\n      email: { type: varchar(100) }\n');
    const c: Conflict = {
      path: ['tables', 'users', 'columns', 'email'],
      object: 'column users.email',
      attribute: 'type',
      kind: 'modify/modify',
      base: 'text',
      ours: 'citext',
      theirs: 'character varying(100)',
      message: 'type changed differently',
    };
    const out = markConflicts(ours, [c], { base, ours, theirs });
    const doc = parse(out[0]!.text);
    expect(doc.tables.users.columns.email.type[MARKER]).toMatchObject({
      base: 'text',
      ours: 'citext',
      theirs: 'varchar(100)',
    });
    expect(findMarkers(out)).toEqual([{ file: 'schema/app.yaml', line: 6, col: 11 }]);
  });
  it('marks the whole object when the attribute is not a key (short form) and null for an absent side', () => {
    const base = f('tables:\n  users:\n    columns:\n      email: text\n');
    const ours = f('tables:\n  users:\n    columns:\n      email: citext\n');
    const theirs = f('tables:\n  users:\n    columns: {}\n');
    const c: Conflict = {
      path: ['tables', 'users', 'columns', 'email'],
      object: 'column users.email',
      kind: 'modify/drop',
      message: 'changed and dropped',
    };
    const out = markConflicts(ours, [c], { base, ours, theirs });
    expect(parse(out[0]!.text).tables.users.columns.email[MARKER]).toMatchObject({
      base: 'text',
      ours: 'citext',
      theirs: null,
    });
  });
  it('finds qualified and quoted ids', () => {
    const ours = f('tables:\n  billing.invoices:\n    comment: a\n    columns: { id: bigint }\n');
    const theirs = f('tables:\n  billing.invoices:\n    comment: b\n    columns: { id: bigint }\n');
    const c: Conflict = {
      path: ['tables', 'billing.invoices'],
      object: 'table billing.invoices',
      attribute: 'comment',
      kind: 'modify/modify',
      message: 'm',
    };
    const out = markConflicts(ours, [c], { base: f('tables: {}\n'), ours, theirs });
    expect(parse(out[0]!.text).tables['billing.invoices'].comment[MARKER]).toMatchObject({
      base: null,
      ours: 'a',
      theirs: 'b',
    });
  });
});

describe('conflict markers with hostile names', () => {
  it('finds quoted table ids and odd column names', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { ScenarioDir } = await import('./scenarios.js');
    const { parseSchemaFiles } = await import('../../src/parse/index.js');
    const { merge3 } = await import('../../src/merge/index.js');
    const rd = (f: string) => [
      { path: 'schema/app.yaml', text: readFileSync(join(ScenarioDir, 'hostile-names-conflict', f), 'utf8') },
    ];
    const [b, o, t] = [rd('base.yaml'), rd('ours.yaml'), rd('theirs.yaml')];
    const r = merge3(parseSchemaFiles(b).schema!, parseSchemaFiles(o).schema!, parseSchemaFiles(t).schema!);
    const out = markConflicts(o, r.conflicts, { base: b, ours: o, theirs: t });
    expect(parse(out[0]!.text).tables['"Order Items"'].columns['we"ird; col'][MARKER]).toMatchObject({
      base: 'text',
      ours: 'varchar(10)',
      theirs: 'varchar(20)',
    });
  });
});

describe('conflict markers on inline constraints', () => {
  it('marks the column of a one-column foreign key written as `references:`', () => {
    const theirs = f(
      'tables:\n  orders:\n    columns:\n      id: { type: bigint, primary_key: true }\n      user_id: { type: bigint, references: users.id }\n',
    );
    const ours = f('tables:\n  orders:\n    columns:\n      id: { type: bigint, primary_key: true }\n');
    const c: Conflict = {
      path: ['tables', 'orders', 'foreignKeys', 'orders_user_id_fkey'],
      object: 'foreign key orders_user_id_fkey on orders',
      kind: 'semantic',
      message: 'references table users, which no longer exists',
    };
    const out = markConflicts(
      theirs,
      [c],
      { base: ours, ours, theirs },
      { alternatives: () => [['tables', 'orders', 'columns', 'user_id']] },
    );
    const doc = parse(out[0]!.text);
    expect(doc.tables.orders.columns.id).toEqual({ type: 'bigint', primary_key: true });
    expect(doc.tables.orders.columns.user_id[MARKER]).toMatchObject({
      base: null,
      ours: null,
      theirs: { type: 'bigint', references: 'users.id' },
    });
  });
});

describe('conflict markers on renames', () => {
  it("shows each side's object under its own name for rename/rename", () => {
    const base = f('tables:\n  users:\n    columns:\n      name: text\n');
    const ours = f('tables:\n  users:\n    columns:\n      full_name: { type: text, renamed_from: name }\n');
    const theirs = f('tables:\n  users:\n    columns:\n      display_name: { type: text, renamed_from: name }\n');
    const c: Conflict = {
      path: ['tables', 'users', 'columns', 'full_name'],
      object: 'column users.full_name',
      attribute: 'name',
      kind: 'rename/rename',
      base: 'name',
      ours: 'full_name',
      theirs: 'display_name',
      message: 'renamed differently',
    };
    const out = markConflicts(ours, [c], { base, ours, theirs });
    expect(parse(out[0]!.text).tables.users.columns.full_name[MARKER]).toMatchObject({
      base: 'text',
      ours: { type: 'text', renamed_from: 'name' },
      theirs: { type: 'text', renamed_from: 'name' },
    });
  });
});
