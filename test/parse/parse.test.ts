import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSchemaDir, parseSchemaFiles, readSchemaDir } from '../../src/parse/index.js';
import { canonicalJson } from '../../src/canon/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { SchemaverError } from '../../src/errors.js';
import { loadFixture, mustParse, parseYaml } from './helpers.js';

describe('parseSchemaFiles', () => {
  it('reads the SPEC example into the model with default names filled in', async () => {
    const s = await loadFixture('spec');
    const users = s.tables['users']!;
    expect(users.columns.map((c) => c.name)).toEqual([
      'id',
      'email',
      'name',
      'first_name',
      'last_name',
      'status',
      'created_at',
      'updated_at',
      'full_name',
      'team_id',
      'nickname',
    ]);
    expect(users.primaryKey).toEqual({ kind: 'primary_key', name: 'users_pkey', columns: ['id'] });
    expect(Object.keys(users.uniques).sort()).toEqual(['users_email_key', 'users_name_key']);
    expect(users.foreignKeys['users_team_id_fkey']).toEqual({
      kind: 'foreign_key',
      name: 'users_team_id_fkey',
      columns: ['team_id'],
      refTable: 'teams',
      refColumns: ['id'],
      onDelete: 'cascade',
    });
    expect(users.columns.find((c) => c.name === 'created_at')).toEqual({
      kind: 'column',
      name: 'created_at',
      type: 'timestamp with time zone',
      nullable: false,
      default: { sql: 'now()' },
    });
    expect(users.columns.find((c) => c.name === 'status')!.default).toEqual({ literal: 'pending' });
    expect(users.columns.find((c) => c.name === 'nickname')!.renamedFrom).toBe('nick');
    expect(users.columns.find((c) => c.name === 'id')).toEqual({
      kind: 'column',
      name: 'id',
      type: 'bigint',
      nullable: false,
      identity: { mode: 'always' },
    });
    expect(users.indexes['users_created_idx']!.elements).toEqual([{ column: 'created_at', order: 'desc' }]);
    expect(users.indexes['users_lower_email_idx']).toMatchObject({
      unique: true,
      include: ['name'],
      elements: [{ expression: 'lower(email)' }],
    });
    expect(users.indexes['users_lower_email_idx']!.using).toBeUndefined();
    expect(users.triggers['users_touch']).toMatchObject({
      timing: 'before',
      events: ['update'],
      forEach: 'row',
      function: 'touch_updated_at',
    });
    const inv = s.tables['billing.invoices']!;
    expect(inv.schema).toBe('billing');
    expect(inv.foreignKeys['invoices_user_id_fkey']).toMatchObject({ refTable: 'users', refColumns: ['id'] });
    expect(inv.checks['invoices_amount_check']!.expression).toBe('amount >= 0');
    expect(inv.columns.find((c) => c.name === 'amount')!.type).toBe('numeric(12,2)');
    expect(s.domains['email']).toMatchObject({
      type: 'citext',
      nullable: false,
      checks: { email_check: { name: 'email_check', expression: "VALUE ~ '@'" } },
    });
    expect(s.sequences['invoice_no']!.options).toEqual({ start: '1000' });
    expect(s.enums['order_status']!.values).toEqual(['pending', 'paid', 'shipped']);
    expect(s.views['daily_totals']!.materialized).toBe(true);
    expect(Object.keys(s.functions)).toEqual(['touch_updated_at()']);
    expect(Object.keys(s.extensions).sort()).toEqual(['citext', 'pgcrypto']);
    expect(Object.keys(s.schemas)).toEqual(['billing']);
  });

  it('accepts serial short forms and fills the nullable and sequence rules', () => {
    const s = mustParse(`
tables:
  t:
    columns:
      a: serial
      b: bigserial
      c: { type: smallint, serial: true }
      d: { type: int, primary_key: true }
`);
    const cols = s.tables['t']!.columns;
    expect(cols.map((c) => [c.name, c.type, c.serial, c.nullable])).toEqual([
      ['a', 'integer', true, false],
      ['b', 'bigint', true, false],
      ['c', 'smallint', true, false],
      ['d', 'integer', undefined, false],
    ]);
  });

  it('reads every extended section', () => {
    const s = mustParse(`
schemas: [{ name: audit, comment: audit trail }]
composites:
  point3: { x: float8, y: float8, z: float8 }
  audit.entry: { attributes: { at: timestamptz, who: { type: text, collation: C } }, comment: one entry }
enums:
  mood: { values: [sad, { value: happy, renamed_from: glad }], renamed_from: feeling }
domains:
  posint: { type: int, checks: [ "VALUE > 0", { name: posint_small, expression: "VALUE < 1000000" } ], default: 1 }
sequences:
  audit.counter: { type: int, start: 10, increment: -1, min: -100, max: 10, cache: 5, cycle: true, owned_by: rooms.id }
tables:
  rooms:
    unlogged: true
    row_level_security: true
    force_row_level_security: true
    columns:
      id: { type: bigint, identity: { mode: by_default, start: 100, increment: 10 }, primary_key: rooms_pk }
      name: { type: varchar(40), collation: C, comment: shown to people }
      during: tstzrange
    exclusions:
      - { elements: ["id WITH =", { expression: "during", operator: "&&" }], using: gist, deferrable: true, initially_deferred: true }
    indexes:
      - { columns: ["name desc nulls last", { column: id, opclass: int8_ops }], where: "id > 0", with: { fillfactor: 70 }, nulls_not_distinct: true }
      - [name, id]
      - { expressions: ["lower(name)", "id + 1"] }
    policies:
      owners: { command: select, roles: [app], using: "id > 0" }
      strict: { permissive: false, with_check: "true", command: insert }
    triggers:
      audit_rooms:
        timing: after
        events: [insert, update, delete]
        update_of: [name]
        for_each: row
        function: audit.log_change()
        args: [rooms, 1]
        when: "pg_trigger_depth() < 1"
        enabled: replica
  events:
    partition_by: range (at)
    columns: { at: timestamptz, room_id: { type: bigint, references: { table: rooms, column: id, on_delete: set null, deferrable: true } } }
  events_2024:
    partition_of: { parent: events, bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" }
  events_default:
    partition_of: { parent: events, bound: default }
  child:
    inherits: [rooms]
    columns: { extra: text }
views:
  room_names:
    query: "SELECT name FROM rooms"
    columns: [room_name]
    options: { security_barrier: true }
    column_comments: { room_name: the name }
  room_stats:
    materialized: true
    query: "SELECT count(*) AS n FROM rooms"
    indexes: { room_stats_n: [n] }
functions:
  audit.log_change:
    returns: trigger
    language: plpgsql
    security_definer: true
    set: { search_path: audit }
    body: "BEGIN RETURN NULL; END"
  add(a int, b int):
    args: "a int, b int"
    returns: int
    language: sql
    volatility: immutable
    parallel: safe
    strict: true
    body: "SELECT a + b"
  add:
    args: [a numeric, b numeric]
    returns: numeric
    language: sql
    body: "SELECT a + b"
  cleanup:
    procedure: true
    language: sql
    body: "DELETE FROM rooms WHERE false"
`);
    expect(s.composites['point3']!.attributes).toEqual([
      { name: 'x', type: 'double precision' },
      { name: 'y', type: 'double precision' },
      { name: 'z', type: 'double precision' },
    ]);
    expect(s.composites['audit.entry']!.attributes[1]).toEqual({ name: 'who', type: 'text', collation: 'C' });
    expect(s.enums['mood']).toMatchObject({
      values: ['sad', 'happy'],
      valueRenames: { happy: 'glad' },
      renamedFrom: 'feeling',
    });
    expect(s.domains['posint']!.checks).toEqual({
      posint_check: { name: 'posint_check', expression: 'VALUE > 0' },
      posint_small: { name: 'posint_small', expression: 'VALUE < 1000000' },
    });
    expect(s.sequences['audit.counter']).toMatchObject({
      options: { type: 'integer', increment: '-1', min: '-100', max: '10', cache: '5', cycle: true },
      ownedBy: { table: 'rooms', column: 'id' },
    });
    const rooms = s.tables['rooms']!;
    expect(rooms.primaryKey!.name).toBe('rooms_pk');
    expect(rooms.columns[0]!.identity).toEqual({ mode: 'by_default', options: { start: '100', increment: '10' } });
    expect(rooms.columns[1]).toMatchObject({
      type: 'character varying(40)',
      collation: 'C',
      comment: 'shown to people',
    });
    expect(rooms.exclusions['rooms_id_during_excl']).toMatchObject({
      using: 'gist',
      deferrable: true,
      initiallyDeferred: true,
      elements: [
        { column: 'id', operator: '=' },
        { column: 'during', operator: '&&' },
      ],
    });
    expect(Object.keys(rooms.indexes).sort()).toEqual([
      'rooms_lower_expr_idx',
      'rooms_name_id_idx',
      'rooms_name_id_idx1',
    ]);
    expect(rooms.indexes['rooms_name_id_idx']).toMatchObject({
      elements: [
        { column: 'name', order: 'desc', nulls: 'last' },
        { column: 'id', opclass: 'int8_ops' },
      ],
      where: 'id > 0',
      with: { fillfactor: '70' },
      nullsNotDistinct: true,
    });
    expect(rooms.policies['strict']).toMatchObject({
      permissive: false,
      command: 'insert',
      roles: ['public'],
      withCheck: 'true',
    });
    expect(rooms.triggers['audit_rooms']).toMatchObject({
      function: 'audit.log_change',
      args: ['rooms', '1'],
      enabled: 'replica',
      updateOf: ['name'],
    });
    expect(rooms).toMatchObject({ unlogged: true, rowLevelSecurity: true, forceRowLevelSecurity: true });
    expect(s.tables['events']!.partitionBy).toEqual({ strategy: 'range', key: 'at' });
    expect(s.tables['events']!.foreignKeys['events_room_id_fkey']).toMatchObject({
      onDelete: 'set_null',
      deferrable: true,
    });
    expect(s.tables['events_default']!.partitionOf).toEqual({ parent: 'events', bound: 'DEFAULT' });
    expect(s.tables['child']!.inherits).toEqual(['rooms']);
    expect(s.views['room_names']).toMatchObject({
      columns: ['room_name'],
      options: { security_barrier: 'true' },
      columnComments: { room_name: 'the name' },
    });
    expect(Object.keys(s.views['room_stats']!.indexes!)).toEqual(['room_stats_n']);
    expect(Object.keys(s.functions).sort()).toEqual([
      'add(a integer, b integer)',
      'add(a numeric, b numeric)',
      'audit.log_change()',
      'cleanup()',
    ]);
    expect(s.functions['add(a integer, b integer)']).toMatchObject({
      args: 'a integer, b integer',
      returns: 'integer',
      volatility: 'immutable',
      parallel: 'safe',
      strict: true,
    });
    expect(s.functions['cleanup()']).toMatchObject({ procedure: true, returns: 'void' });
  });

  it('resolves `references: a.b` as table.column first, then as schema.table', () => {
    const s = mustParse(`
schemas: [a]
tables:
  a.b: { columns: { id: { type: int, primary_key: true } } }
  a: { columns: { b: { type: int, unique: true } } }
  x: { columns: { r1: { type: int, references: a.b }, r2: { type: int, references: a.b.id } } }
`);
    const fks = s.tables['x']!.foreignKeys;
    expect(fks['x_r1_fkey']).toMatchObject({ refTable: 'a', refColumns: ['b'] });
    expect(fks['x_r2_fkey']).toMatchObject({ refTable: 'a.b', refColumns: ['id'] });
  });

  it('resolves a mixed-case type name to the declared type with that exact name', () => {
    const s = mustParse(`
enums: { Mood: [a, b] }
tables: { t: { columns: { m: Mood, ms: "Mood[]", x: Text, y: VARCHAR(3) } } }
`);
    expect(s.tables['t']!.columns.map((c) => c.type)).toEqual(['"Mood"', '"Mood"[]', 'text', 'character varying(3)']);
  });

  it('names a duplicate across files with both places', () => {
    const r = parseYaml(
      'tables:\n  users: { columns: { id: int } }\n',
      '\ntables:\n  public.users: { columns: { id: int } }\n',
    );
    expect(r.schema).toBeUndefined();
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'duplicate-object',
        loc: { file: 'schema/f1.yaml', line: 3, col: 3 },
        related: { file: 'schema/f0.yaml', line: 2, col: 3 },
      }),
    ]);
  });

  it('refuses `inherited: true` on a column no inherited table has, at the column', () => {
    const r = parseYaml(`
tables:
  event: { columns: { id: int } }
  lone: { columns: { id: { type: int, inherited: true } } }
  login: { inherits: [event], columns: { kind: { type: text, inherited: true }, id: { type: int, inherited: true } } }
`);
    expect(r.schema).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.loc?.line, i.message])).toEqual([
      ['invalid-value', 4, 'column `id` of `lone` is marked `inherited`, but `lone` inherits no table'],
      ['invalid-value', 5, 'column `kind` of `login` is marked `inherited`, but no table it inherits has it'],
    ]);
  });

  it('reads `inherited_not_valid` (sorted, written back) and refuses one naming no NOT VALID check of a parent', () => {
    const ok = parseYaml(`
tables:
  ev: { columns: { id: int, v: int }, partition_by: list (id), checks: { pos: { expression: v > 0, not_valid: true }, big: { expression: v < 99, not_valid: true } } }
  ev1: { partition_of: { parent: ev, bound: "IN (1)" }, partition_by: list (id), inherited_not_valid: [pos, big] }
  ev1a: { partition_of: { parent: ev1, bound: "IN (1)" }, inherited_not_valid: [pos] }
`);
    expect(ok.issues).toEqual([]);
    expect(ok.schema!.tables['ev1']!.inheritedNotValid).toEqual(['big', 'pos']);
    const back = parseSchemaFiles(writeSchemaYaml(ok.schema!));
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(ok.schema!));
    const r = parseYaml(`
tables:
  ev: { columns: { id: int, v: int }, partition_by: list (id), checks: { pos: { expression: v > 0 }, nv: { expression: v < 9, not_valid: true } } }
  ev1: { partition_of: { parent: ev, bound: "IN (1)" }, partition_by: list (id), inherited_not_valid: [pos] }
  ev2: { partition_of: { parent: ev, bound: "IN (2)" }, partition_by: list (id) }
  ev2a: { partition_of: { parent: ev2, bound: "IN (2)" }, inherited_not_valid: [nv] }
  lone: { columns: { id: int }, inherited_not_valid: [nv] }
`);
    expect(r.schema).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.loc?.line])).toEqual([
      ['invalid-value', 4],
      ['invalid-value', 6],
      ['invalid-value', 7],
    ]);
    expect(r.issues[0]!.message).toBe(
      '`inherited_not_valid` of `ev1` names check `pos`, which its parent has not as a NOT VALID check',
    );
  });

  it("reads a partition's `key_names` (default names left implicit, written back) and refuses a wrong one", () => {
    const ok = parseYaml(`
tables:
  orders: { columns: { id: int, region: text, code: int }, primary_key: [id, region], unique: { uq: [code, region] }, partition_by: list (region) }
  orders_eu: { partition_of: { parent: orders, bound: "IN ('eu')" }, key_names: { orders_pkey: orders_eu_pk, uq: orders_eu_code_region_key } }
  orders_us: { partition_of: { parent: orders, bound: "IN ('us')" }, key_names: { orders_pkey: orders_us_pkey } }
`);
    expect(ok.issues).toEqual([]);
    expect(ok.schema!.tables['orders_eu']!.keyNames).toEqual({ orders_pkey: 'orders_eu_pk' });
    expect(ok.schema!.tables['orders_us']!.keyNames).toBeUndefined();
    const back = parseSchemaFiles(writeSchemaYaml(ok.schema!));
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(ok.schema!));
    const r = parseYaml(`
tables:
  orders: { columns: { id: int, region: text }, primary_key: [id, region], partition_by: list (region) }
  orders_eu: { partition_of: { parent: orders, bound: "IN ('eu')" }, key_names: { orders_pk: x } }
  lone: { columns: { id: int }, key_names: { orders_pkey: y } }
`);
    expect(r.schema).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.loc?.line, i.message])).toEqual([
      [
        'missing-reference',
        4,
        '`key_names` of `orders_eu` names `orders_pk`, which is no primary key or unique constraint of `orders`',
      ],
      ['invalid-value', 5, "`key_names` of `lone` names copies of a parent's keys, but `lone` is no partition"],
    ]);
  });

  it("reads a partition's `local` index (written back) and refuses `local` on a table that is no partition", () => {
    const ok = parseYaml(`
tables:
  p: { columns: { id: int, v: int }, partition_by: list (id), indexes: { p_v_idx: [v] } }
  p1: { partition_of: { parent: p, bound: "IN (1)" }, indexes: { p1_v_local: { columns: [v], local: true } } }
`);
    expect(ok.issues).toEqual([]);
    expect(ok.schema!.tables['p1']!.indexes['p1_v_local']!.local).toBe(true);
    const back = parseSchemaFiles(writeSchemaYaml(ok.schema!));
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(ok.schema!));
    const r = parseYaml(`
tables:
  lone: { columns: { v: int }, indexes: { lone_v: { columns: [v], local: true } } }
`);
    expect(r.schema).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.loc?.line, i.message])).toEqual([
      ['invalid-value', 3, 'index `lone_v` of `lone` is marked `local`, but `lone` is no partition'],
    ]);
  });

  it('collects every issue at once, sorted by position', () => {
    const r = parseYaml(`
tables:
  users:
    columns:
      id: { type: int, nulable: false }
      team: { type: int, references: teams.id }
    primary_key: [uid]
`);
    expect(r.issues.map((i) => [i.code, i.loc?.line, i.loc?.col])).toEqual([
      ['unknown-key', 5, 24],
      ['missing-reference', 6, 38],
      ['missing-column', 7, 18],
    ]);
    expect(r.issues[0]!.hint).toBe('did you mean `nullable`?');
    expect(r.issues[2]!.hint).toBe('did you mean `id`?');
  });
});

describe('real-schema column and foreign key settings', () => {
  it('reads virtual generated columns, storage settings, sequence grants, ON DELETE SET NULL (columns) and temporal keys', () => {
    const r = parseYaml(`
tables:
  users:
    columns:
      tenant: { type: int, nullable: false }
      id: { type: int, serial: true, sequence_grants: { app: [usage] } }
      body: { type: text, storage: external, compression: pglz, statistics: 500 }
      total: { type: int, generated: tenant * 2, virtual: true }
    primary_key: [tenant, id]
  posts:
    columns:
      tenant: { type: int, nullable: false }
      author: int
    foreign_keys:
      posts_author_fkey:
        columns: [tenant, author]
        references: { table: users, columns: [tenant, id] }
        on_delete: set_null
        on_delete_columns: [author]
  rooms:
    columns:
      id: int
      valid_at: { type: daterange, nullable: false }
    primary_key: { columns: [id, valid_at], without_overlaps: true }
  bookings:
    columns:
      room: int
      during: daterange
    foreign_keys:
      - { columns: [room, during], period: true, references: { table: rooms, columns: [id, valid_at] } }
`);
    expect(r.issues).toEqual([]);
    expect(r.schema!.tables['rooms']!.primaryKey).toMatchObject({ columns: ['id', 'valid_at'], withoutOverlaps: true });
    expect(Object.values(r.schema!.tables['bookings']!.foreignKeys)[0]).toMatchObject({ period: true });
    // the YAML writer keeps every one of them: written and read back, the same canonical schema
    const back = parseSchemaFiles(writeSchemaYaml(r.schema!));
    expect(back.issues).toEqual([]);
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(r.schema!));
    const cols = Object.fromEntries(r.schema!.tables['users']!.columns.map((c) => [c.name, c]));
    expect(cols['id']!.sequenceGrants).toEqual({ app: ['usage'] });
    expect(cols['body']).toMatchObject({ storage: 'external', compression: 'pglz', statistics: 500 });
    expect(cols['total']).toMatchObject({ generated: 'tenant * 2', virtual: true });
    expect(r.schema!.tables['posts']!.foreignKeys['posts_author_fkey']!.onDeleteColumns).toEqual(['author']);
  });

  it('locates settings that cannot hold', () => {
    const r = parseYaml(`
tables:
  users:
    columns:
      id: { type: int, primary_key: true }
      total: { type: int, virtual: true }
      body: { type: text, storage: outside, statistics: 20000 }
  posts:
    columns:
      author: int
    foreign_keys:
      - columns: [author]
        references: { table: users, columns: [id] }
        on_delete: cascade
        on_delete_columns: [author]
      - columns: [author]
        references: { table: users, columns: [id] }
        on_delete: set_null
        on_delete_columns: [id]
`);
    expect(r.issues.map((i) => [i.code, i.loc?.line, i.loc?.col])).toEqual([
      ['invalid-value', 6, 27],
      ['invalid-value', 7, 36],
      ['invalid-value', 7, 57],
      ['invalid-value', 15, 9],
      ['invalid-value', 19, 28],
    ]);
    expect(r.issues[0]!.hint).toContain('generated');
    expect(r.issues[3]!.hint).toContain('set_null');
  });
});

describe('readSchemaDir / loadSchemaDir', () => {
  it('reads *.yaml and *.yml recursively, sorted, with posix paths', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sv-parse-'));
    await mkdir(join(root, 'schema', 'b', 'c'), { recursive: true });
    await writeFile(join(root, 'schema', 'z.yml'), 'enums: { e: [a] }\n');
    await writeFile(join(root, 'schema', 'b', 'c', 't.yaml'), 'tables: { t: { columns: { id: int } } }\n');
    await writeFile(join(root, 'schema', 'notes.txt'), 'ignored');
    const files = await readSchemaDir(root);
    expect(files.map((f) => f.path)).toEqual(['schema/b/c/t.yaml', 'schema/z.yml']);
    const { schema } = await loadSchemaDir(root);
    expect(Object.keys(schema.tables)).toEqual(['t']);
  });

  it('fails with an environment error (exit 3) when schema/ is not a directory', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sv-parse-'));
    await writeFile(join(root, 'schema'), 'not a directory');
    const err = await readSchemaDir(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaverError);
    expect((err as SchemaverError).code).toBe('read-failed');
    expect((err as SchemaverError).exit).toBe(3);
  });

  it('treats a missing schema/ as empty and throws an exit-2 error listing every issue', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sv-parse-'));
    expect(await readSchemaDir(root)).toEqual([]);
    await mkdir(join(root, 'schema'));
    await writeFile(join(root, 'schema', 'a.yaml'), 'tables:\n  t:\n    colums: {}\n');
    const err = await loadSchemaDir(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaverError);
    const e = err as SchemaverError;
    expect(e.exit).toBe(2);
    expect(e.issues.map((i) => i.code)).toEqual(['missing-key', 'unknown-key']);
  });
});
