import { describe, expect, it } from 'vitest';
import { merge3 } from '../../src/merge/index.js';
import { col, enumType, schema, table } from './build.js';

const users = (cols = [col('id', 'bigint', { nullable: false }), col('email')], extra = {}) =>
  table('users', cols, { primaryKey: { kind: 'primary_key', name: 'users_pkey', columns: ['id'] }, ...extra });

describe('merge3 structural', () => {
  it('takes a change made on one side', () => {
    const base = schema({ tables: [users()] });
    const ours = schema({
      tables: [users([col('id', 'bigint', { nullable: false }), col('email', 'text', { nullable: false })])],
    });
    const r = merge3(base, ours, base);
    expect(r.conflicts).toEqual([]);
    expect(r.schema.tables.users!.columns[1]!.nullable).toBe(false);
    const r2 = merge3(base, base, ours);
    expect(r2.schema.tables.users!.columns[1]!.nullable).toBe(false);
  });

  it('leaves an optional section no side has absent, as the parser does (one normalisation of the merged schema)', () => {
    const base = schema({ tables: [users()] });
    const ours = schema({ tables: [users([col('id', 'bigint', { nullable: false }), col('email'), col('a')])] });
    const r = merge3(base, ours, base);
    expect(Object.keys(r.schema)).not.toContain('objects');
    expect(Object.keys(r.schema)).not.toContain('unmanaged');
    expect(Object.keys(r.schema)).not.toContain('defaultPrivileges');
    expect(r.schema.tables.users!.columns.map((c) => c.name)).toEqual(['id', 'email', 'a']);
    // a side that has one: merged as before
    const rule = {
      kind: 'sql_object' as const,
      type: 'rule' as const,
      name: 'r ON users',
      sql: 'CREATE RULE r AS ON INSERT TO users DO INSTEAD NOTHING',
    };
    const withRule = { ...ours, objects: { 'rule r ON users': rule } };
    expect(merge3(base, withRule, base).schema.objects).toEqual({ 'rule r ON users': rule });
  });

  it('keeps ours column order and appends theirs additions', () => {
    const base = schema({ tables: [users()] });
    const ours = schema({ tables: [users([col('id', 'bigint', { nullable: false }), col('email'), col('a')])] });
    const theirs = schema({ tables: [users([col('id', 'bigint', { nullable: false }), col('b'), col('email')])] });
    const r = merge3(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.schema.tables.users!.columns.map((c) => c.name)).toEqual(['id', 'email', 'a', 'b']);
  });

  it('reports modify/modify on the attribute', () => {
    const base = schema({ tables: [users()] });
    const ours = schema({ tables: [users([col('id', 'bigint', { nullable: false }), col('email', 'citext')])] });
    const theirs = schema({
      tables: [users([col('id', 'bigint', { nullable: false }), col('email', 'character varying(100)')])],
    });
    const r = merge3(base, ours, theirs);
    expect(r.conflicts).toMatchObject([
      {
        kind: 'modify/modify',
        path: ['tables', 'users', 'columns', 'email'],
        attribute: 'type',
        base: 'text',
        ours: 'citext',
        theirs: 'character varying(100)',
      },
    ]);
    expect(r.schema.tables.users!.columns[1]!.type).toBe('citext');
  });

  it('removing an optional attribute on one side is taken', () => {
    const base = schema({ tables: [users(undefined, { comment: 'people' })] });
    const ours = schema({ tables: [users()] });
    const r = merge3(base, ours, base);
    expect(r.conflicts).toEqual([]);
    expect(r.schema.tables.users!.comment).toBeUndefined();
  });

  it('modify/drop is a conflict, unchanged/drop is a drop', () => {
    const base = schema({ tables: [users(), table('t', [col('x')])] });
    const ours = schema({ tables: [users(), table('t', [col('x', 'integer')])] });
    const theirs = schema({ tables: [users()] });
    const r = merge3(base, ours, theirs);
    expect(r.conflicts).toMatchObject([{ kind: 'modify/drop', path: ['tables', 't'] }]);
    expect(merge3(base, base, theirs).schema.tables.t).toBeUndefined();
  });

  it('add/add same is clean, different is a conflict', () => {
    const base = schema({ tables: [users()] });
    const a = schema({ tables: [users(), table('t', [col('x')])] });
    const b = schema({ tables: [users(), table('t', [col('x', 'integer')])] });
    expect(merge3(base, a, a).conflicts).toEqual([]);
    expect(merge3(base, a, b).conflicts).toMatchObject([
      { kind: 'add/add', path: ['tables', 't', 'columns', 'x'], attribute: 'type' },
    ]);
  });

  it('follows a column rename on one side and an alteration on the other', () => {
    const base = schema({ tables: [users()] });
    const ours = schema({
      tables: [users([col('id', 'bigint', { nullable: false }), col('mail', 'text', { renamedFrom: 'email' })])],
    });
    const theirs = schema({
      tables: [users([col('id', 'bigint', { nullable: false }), col('email', 'text', { nullable: false })])],
    });
    const r = merge3(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.schema.tables.users!.columns[1]).toEqual(col('mail', 'text', { nullable: false, renamedFrom: 'email' }));
    const r2 = merge3(base, theirs, ours);
    expect(r2.schema.tables.users!.columns[1]).toEqual(col('mail', 'text', { nullable: false, renamedFrom: 'email' }));
  });

  it('follows renames through references: index added on the old column name', () => {
    const base = schema({ tables: [users()] });
    const ours = schema({
      tables: [users([col('id', 'bigint', { nullable: false }), col('mail', 'text', { renamedFrom: 'email' })])],
    });
    const theirs = schema({
      tables: [
        users(undefined, {
          indexes: { users_email_idx: { kind: 'index', name: 'users_email_idx', elements: [{ column: 'email' }] } },
        }),
      ],
    });
    const r = merge3(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    expect(r.schema.tables.users!.indexes.users_email_idx!.elements).toEqual([{ column: 'mail' }]);
  });

  it('rename/rename to different names conflicts, to the same name is fine', () => {
    const base = schema({ tables: [users()] });
    const a = schema({ tables: [users(undefined, {})].map((t) => ({ ...t, name: 'people', renamedFrom: 'users' })) });
    const b = schema({ tables: [users(undefined, {})].map((t) => ({ ...t, name: 'persons', renamedFrom: 'users' })) });
    expect(merge3(base, a, a).conflicts).toEqual([]);
    expect(Object.keys(merge3(base, a, a).schema.tables)).toEqual(['people']);
    expect(merge3(base, a, b).conflicts).toMatchObject([{ kind: 'rename/rename', path: ['tables', 'people'] }]);
  });

  it('table renamed on one side, column added on the other', () => {
    const base = schema({ tables: [users()] });
    const ours = schema({ tables: [{ ...users(), name: 'people', renamedFrom: 'users' }] });
    const theirs = schema({
      tables: [users([col('id', 'bigint', { nullable: false }), col('email'), col('age', 'integer')])],
    });
    const r = merge3(base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    expect(Object.keys(r.schema.tables)).toEqual(['people']);
    expect(r.schema.tables.people!.columns.map((c) => c.name)).toEqual(['id', 'email', 'age']);
    expect(r.schema.tables.people!.renamedFrom).toBe('users');
    expect(r.renames).toEqual(['table users -> people (ours)']);
  });
});

describe('merge3 enums', () => {
  const base = schema({ enums: [enumType('s', ['a', 'b', 'c'])] });
  it('unions values appended on both sides (ours first)', () => {
    const r = merge3(
      base,
      schema({ enums: [enumType('s', ['a', 'b', 'c', 'x'])] }),
      schema({ enums: [enumType('s', ['a', 'b', 'c', 'y'])] }),
    );
    expect(r.conflicts).toEqual([]);
    expect(r.schema.enums.s!.values).toEqual(['a', 'b', 'c', 'x', 'y']);
  });
  it('unions inserts in different gaps', () => {
    const r = merge3(
      base,
      schema({ enums: [enumType('s', ['a', 'x', 'b', 'c'])] }),
      schema({ enums: [enumType('s', ['a', 'b', 'y', 'c'])] }),
    );
    expect(r.conflicts).toEqual([]);
    expect(r.schema.enums.s!.values).toEqual(['a', 'x', 'b', 'y', 'c']);
  });
  it('conflicts on different inserts into the same interior gap', () => {
    const r = merge3(
      base,
      schema({ enums: [enumType('s', ['a', 'x', 'b', 'c'])] }),
      schema({ enums: [enumType('s', ['a', 'y', 'b', 'c'])] }),
    );
    expect(r.conflicts).toMatchObject([{ kind: 'enum-order', path: ['enums', 's'], attribute: 'values' }]);
  });
  it('same value added on both sides at the same place is taken once', () => {
    const o = schema({ enums: [enumType('s', ['a', 'x', 'b', 'c'])] });
    expect(merge3(base, o, o).schema.enums.s!.values).toEqual(['a', 'x', 'b', 'c']);
  });
  it('value renamed on one side, value added on the other', () => {
    const o = schema({ enums: [enumType('s', ['a', 'bee', 'c'], { valueRenames: { bee: 'b' } })] });
    const t = schema({ enums: [enumType('s', ['a', 'b', 'c', 'd'])] });
    const r = merge3(base, o, t);
    expect(r.conflicts).toEqual([]);
    expect(r.schema.enums.s).toEqual(enumType('s', ['a', 'bee', 'c', 'd'], { valueRenames: { bee: 'b' } }));
  });
});

describe('merge3 semantic', () => {
  it('FK to a table dropped on the other side', () => {
    const base = schema({ tables: [users(), table('orders', [col('id', 'bigint')])] });
    const ours = schema({ tables: [users()] });
    const theirs = schema({
      tables: [
        users(),
        table('orders', [col('id', 'bigint'), col('user_id', 'bigint')], {
          foreignKeys: {
            orders_user_id_fkey: {
              kind: 'foreign_key',
              name: 'orders_user_id_fkey',
              columns: ['user_id'],
              refTable: 'users',
              refColumns: ['id'],
            },
          },
        }),
      ],
    });
    // ours drops orders (unchanged in base? no: theirs changed it) -> modify/drop; instead drop users
    const ours2 = schema({ tables: [table('orders', [col('id', 'bigint')])] });
    const r = merge3(base, ours2, theirs);
    expect(r.conflicts).toMatchObject([
      { kind: 'semantic', path: ['tables', 'orders', 'foreignKeys', 'orders_user_id_fkey'] },
    ]);
    expect(merge3(base, ours, theirs).conflicts).toMatchObject([{ kind: 'modify/drop' }]);
  });
  it('index on a column dropped on the other side', () => {
    const base = schema({ tables: [users()] });
    const ours = schema({ tables: [users([col('id', 'bigint', { nullable: false })])] });
    const theirs = schema({
      tables: [
        users(undefined, {
          indexes: { users_email_idx: { kind: 'index', name: 'users_email_idx', elements: [{ column: 'email' }] } },
        }),
      ],
    });
    expect(merge3(base, ours, theirs).conflicts).toMatchObject([
      { kind: 'semantic', path: ['tables', 'users', 'indexes', 'users_email_idx'] },
    ]);
  });
});

describe('merge3 enum gaps', () => {
  const base = schema({ enums: [enumType('s', ['a', 'b'])] });
  it('takes the longer insertion when the other is a subsequence of it', () => {
    const r = merge3(
      base,
      schema({ enums: [enumType('s', ['a', 'x', 'b'])] }),
      schema({ enums: [enumType('s', ['a', 'x', 'y', 'b'])] }),
    );
    expect(r.conflicts).toEqual([]);
    expect(r.schema.enums.s!.values).toEqual(['a', 'x', 'y', 'b']);
  });
  it('conflicts when both append the same values in a different order', () => {
    const r = merge3(
      base,
      schema({ enums: [enumType('s', ['a', 'b', 'x', 'y'])] }),
      schema({ enums: [enumType('s', ['a', 'b', 'y', 'x'])] }),
    );
    expect(r.conflicts).toMatchObject([{ kind: 'enum-order' }]);
  });
  it('a value dropped on one side and a value added after it on the other', () => {
    const r = merge3(
      base,
      schema({ enums: [enumType('s', ['a'])] }),
      schema({ enums: [enumType('s', ['a', 'b', 'c'])] }),
    );
    expect(r.conflicts).toEqual([]);
    expect(r.schema.enums.s!.values).toEqual(['a', 'c']);
  });
});
