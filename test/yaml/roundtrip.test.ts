import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../src/canon/index.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { schemaToYamlDoc, stringifyYaml, writeSchemaYaml } from '../../src/yaml/index.js';
import { FIXTURES, loadFixture, mustParse } from '../parse/helpers.js';

const fixtures = readdirSync(join(FIXTURES, 'schemas'));

describe('writeSchemaYaml round trip', () => {
  for (const name of fixtures) {
    for (const layout of ['per-schema', 'per-table'] as const) {
      it(`${name} (${layout}) parses back to the same canonical schema`, async () => {
        const s = await loadFixture(name);
        const files = writeSchemaYaml(s, { layout });
        const back = parseSchemaFiles(files);
        expect(back.issues).toEqual([]);
        expect(canonicalJson(back.schema!)).toBe(canonicalJson(s));
        // writing the re-read schema gives the same bytes: the writer is deterministic
        expect(writeSchemaYaml(back.schema!, { layout })).toEqual(files);
      });
    }
  }

  it('keeps rename hints and declared column order', async () => {
    const s = await loadFixture('kitchen-sink');
    const back = parseSchemaFiles(writeSchemaYaml(s)).schema!;
    expect(back.tables['bookings']!.renamedFrom).toBe('reservations');
    expect(back.tables['bookings']!.columns.map((c) => c.name)).toEqual(
      s.tables['bookings']!.columns.map((c) => c.name),
    );
    expect(back.enums['mood']!.valueRenames).toEqual({ happy: 'glad' });
    expect(back.tables['bookings']!.foreignKeys['bookings_room_id_fkey']!.renamedFrom).toBe('fk_old');
  });

  it('keeps NOT ENFORCED checks and foreign keys (PostgreSQL 18), column-level ones too', () => {
    const s = mustParse(`
tables:
  teams: { columns: { id: { type: integer, primary_key: true } } }
  members:
    columns:
      id: { type: integer, primary_key: true }
      team_id: { type: integer, references: { table: teams, column: id, not_enforced: true } }
      boss_id: integer
      score: integer
    checks: { members_score_positive: { expression: score > 0, not_valid: true, not_enforced: true } }
    foreign_keys:
      boss_fk: { columns: [boss_id], references: { table: members, columns: [id] }, not_enforced: true }
`);
    const m = s.tables['members']!;
    // PostgreSQL never validates a NOT ENFORCED constraint: `not_valid` beside it says nothing more
    expect(m.checks['members_score_positive']).toMatchObject({ notEnforced: true });
    expect(m.checks['members_score_positive']!.notValid).toBeUndefined();
    expect(m.foreignKeys['members_team_id_fkey']!.notEnforced).toBe(true);
    const files = writeSchemaYaml(s);
    expect(files[0]!.text).toContain('not_enforced: true');
    const back = parseSchemaFiles(files);
    expect(back.issues).toEqual([]);
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(s));
  });

  it('keeps named, NOT VALID, NO INHERIT and commented NOT NULL constraints (PostgreSQL 18)', () => {
    const s = mustParse(`
tables:
  accounts:
    columns:
      id: { type: integer, primary_key: true }
      name: { type: text, not_null: accounts_name_required }
      region: { type: text, not_null: { not_valid: true } }
      legacy: { type: integer, not_null: { name: legacy_set, no_inherit: true, comment: kept } }
      plan: { type: text, not_null: { name: accounts_plan_not_null } }
`);
    const cols = Object.fromEntries(s.tables['accounts']!.columns.map((c) => [c.name, c]));
    expect(cols['name']!.notNull).toEqual({ name: 'accounts_name_required' });
    // a default name is filled in when there is more to keep, and is the same as none when there is not
    expect(cols['region']!.notNull).toEqual({ name: 'accounts_region_not_null', notValid: true });
    expect(cols['plan']!.notNull).toBeUndefined();
    expect(cols['plan']!.nullable).toBe(false);
    const files = writeSchemaYaml(s);
    expect(files[0]!.text).toContain('name: { type: text, not_null: accounts_name_required }');
    expect(files[0]!.text).toContain('region: { type: text, not_null: { not_valid: true } }');
    const back = parseSchemaFiles(files);
    expect(back.issues).toEqual([]);
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(s));
  });

  it('keeps a public schema without any comment (the empty one)', () => {
    const s = mustParse(`
schemas:
  - { name: public, comment: '' }
`);
    expect(s.schemas['public']).toMatchObject({ comment: '' });
    const files = writeSchemaYaml(s);
    const back = parseSchemaFiles(files);
    expect(back.issues).toEqual([]);
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(s));
  });

  it("keeps a domain's NOT NULL constraint name", () => {
    const s = mustParse(`
domains:
  quantity: { type: integer, not_null: qty_present, check: VALUE >= 0 }
  sku: { type: text, not_null: sku_not_null }
  note: { type: text, nullable: false, not_null: note_required }
`);
    expect(s.domains['quantity']).toMatchObject({ nullable: false, notNullName: 'qty_present' });
    // PostgreSQL's own name is the same as nullable: false
    expect(s.domains['sku']).toMatchObject({ nullable: false });
    expect(s.domains['sku']!.notNullName).toBeUndefined();
    expect(s.domains['note']).toMatchObject({ nullable: false, notNullName: 'note_required' });
    const files = writeSchemaYaml(s);
    expect(files[0]!.text).toContain('not_null: qty_present');
    expect(files[0]!.text).toContain('sku: { type: text, nullable: false }');
    const back = parseSchemaFiles(files);
    expect(back.issues).toEqual([]);
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(s));
  });

  it('keeps the case of a language SQL would fold, and folds one written bare', () => {
    const s = mustParse(`
functions:
  f: { returns: integer, language: '"Odd Lang"', body: "BEGIN RETURN 1; END" }
  g: { returns: integer, language: PLpgSQL, body: "BEGIN RETURN 1; END" }
`);
    expect(s.functions['f()']!.language).toBe('Odd Lang');
    expect(s.functions['g()']!.language).toBe('plpgsql');
    const files = writeSchemaYaml(s);
    expect(files[0]!.text).toContain(`language: '"Odd Lang"'`);
    expect(canonicalJson(parseSchemaFiles(files).schema!)).toBe(canonicalJson(s));
  });

  it("keeps a view's column grants and an identity sequence's comment", () => {
    const s = mustParse(`
tables:
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true, sequence_comment: ids of users }
      email: text
views:
  public_users:
    query: SELECT id, email FROM users
    column_grants: { email: { reader: [select], auditor: { privileges: [select], with_grant_option: true } } }
`);
    expect(s.tables['users']!.columns[0]!.sequenceComment).toBe('ids of users');
    expect(s.views['public_users']!.columnGrants).toEqual({ email: { auditor: ['select*'], reader: ['select'] } });
    const files = writeSchemaYaml(s);
    expect(files[0]!.text).toContain('sequence_comment: ids of users');
    expect(files[0]!.text).toContain('column_grants:');
    const back = parseSchemaFiles(files);
    expect(back.issues).toEqual([]);
    expect(canonicalJson(back.schema!)).toBe(canonicalJson(s));
  });
});

describe('writer output', () => {
  it('uses short forms and leaves out default names', () => {
    const s = mustParse(`
tables:
  teams: { columns: { id: { type: bigint, primary_key: true } } }
  users:
    columns:
      id: { type: int8, identity: always, primary_key: true }
      email: { type: text, nullable: false, unique: true }
      team_id: { type: bigint, references: teams.id, on_delete: cascade }
      name: text
    indexes: { users_name_idx: [name] }
`);
    const [file] = writeSchemaYaml(s);
    expect(file!.path).toBe('schema/public.yaml');
    expect(file!.text).toBe(`# yaml-language-server: $schema=../schemaver.schema.json
tables:
  teams:
    columns:
      id: { type: bigint, primary_key: true }
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, nullable: false, unique: true }
      team_id: { type: bigint, references: teams.id, on_delete: cascade }
      name: text
    indexes: [ [ name ] ]
`);
  });

  it('writes names that differ from the default, and keeps them when collisions would rename them', () => {
    const s = mustParse(`
tables:
  t:
    columns: { a: int, b: int }
    checks: { t_a_check: "a > 0", t_a_check1: "a < 10", custom: "b > 0" }
`);
    const text = writeSchemaYaml(s)[0]!.text;
    expect(text).toContain('custom');
    expect(canonicalJson(parseSchemaFiles(writeSchemaYaml(s)).schema!)).toBe(canonicalJson(s));
  });

  it("keeps a child table's keys on columns it inherits (INHERITS), which it does not list", () => {
    // LedgerSMB's note and file tables: a child adds its own primary key, unique and foreign key on parent columns,
    // and other tables reference the child's inherited key
    const s = mustParse(`
tables:
  budget: { columns: { id: { type: int, primary_key: true } } }
  note: { columns: { id: { type: int, nullable: false }, ref_key: int, body: text } }
  budget_note:
    columns: {}
    inherits: [ note ]
    primary_key: [ id ]
    unique: [ [ body ] ]
    foreign_keys: [ { columns: [ ref_key ], references: { table: budget, columns: [ id ] } } ]
  note_link: { columns: { note_id: { type: int, references: budget_note.id } } }
`);
    const child = s.tables['budget_note']!;
    expect(child.primaryKey?.columns).toEqual(['id']);
    const back = parseSchemaFiles(writeSchemaYaml(s)).schema!;
    expect(canonicalJson(back)).toBe(canonicalJson(s));
  });

  it("keeps a child's own default and comment on a column it inherits (`inherited: true`), apart from its own columns", () => {
    const s = mustParse(`
tables:
  event: { columns: { id: { type: int, nullable: false }, kind: { type: text, default: "'generic'" } } }
  login_event:
    inherits: [ event ]
    columns:
      kind: { type: text, inherited: true, default: "'login'", comment: the child's own }
      ip: inet
`);
    const kind = s.tables['login_event']!.columns.find((c) => c.name === 'kind')!;
    expect(kind.inherited).toBe(true);
    expect(s.tables['login_event']!.columns.find((c) => c.name === 'ip')!.inherited).toBeUndefined();
    const files = writeSchemaYaml(s);
    expect(files.map((f) => f.text).join('\n')).toContain('inherited: true');
    expect(canonicalJson(parseSchemaFiles(files).schema!)).toBe(canonicalJson(s));
  });

  it("keeps a view's column privileges (`column_grants`)", () => {
    const s = mustParse(`
tables:
  item: { columns: { id: int, title: text } }
views:
  item_api:
    query: SELECT id, title FROM item
    column_grants: { title: { web_anon: [select], web_admin: [select, update] } }
`);
    expect(s.views['item_api']!.columnGrants).toEqual({
      title: { web_anon: ['select'], web_admin: ['select', 'update'] },
    });
    const files = writeSchemaYaml(s);
    expect(files.map((f) => f.text).join('\n')).toContain('column_grants:');
    expect(canonicalJson(parseSchemaFiles(files).schema!)).toBe(canonicalJson(s));
  });

  it("keeps a key's index comment (`index_comment`) apart from the constraint's own", () => {
    const s = mustParse(`
tables:
  account:
    columns: { id: int, email: text }
    primary_key: { columns: [id], comment: one row per account, index_comment: lookup by id }
    unique: [ { columns: [email], index_comment: login lookup } ]
`);
    expect(s.tables['account']!.primaryKey!.indexComment).toBe('lookup by id');
    expect(Object.values(s.tables['account']!.uniques)[0]!.indexComment).toBe('login lookup');
    const files = writeSchemaYaml(s);
    expect(files.map((f) => f.text).join('\n')).toContain('index_comment: login lookup');
    expect(canonicalJson(parseSchemaFiles(files).schema!)).toBe(canonicalJson(s));
  });

  it('lays out one file per table with types in _types.yaml', async () => {
    const s = await loadFixture('spec');
    const paths = writeSchemaYaml(s, { layout: 'per-table' }).map((f) => f.path);
    expect(paths).toEqual([
      'schema/billing/_types.yaml',
      'schema/billing/invoices.yaml',
      'schema/public/_types.yaml',
      'schema/public/teams.yaml',
      'schema/public/users.yaml',
    ]);
    const f = writeSchemaYaml(s, { layout: 'per-table' })[1]!;
    expect(f.text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemaver.schema.json');
  });

  it('exposes the plain tree for callers that splice in blocks', async () => {
    const s = await loadFixture('spec');
    const tree = schemaToYamlDoc(s);
    expect(Object.keys(tree)).toEqual([
      'extensions',
      'schemas',
      'enums',
      'domains',
      'sequences',
      'tables',
      'views',
      'functions',
    ]);
    const text = stringifyYaml({
      ...tree,
      tables: { ...(tree['tables'] as object), extra: { columns: { id: 'int' } } },
    });
    const back = parseSchemaFiles([{ path: 'schema/x.yaml', text }]);
    expect(back.issues).toEqual([]);
    expect(Object.keys(back.schema!.tables)).toContain('extra');
  });
});

describe('generated schemas', () => {
  it('a generated 1000-table schema and a mutation of it round-trip through YAML', async () => {
    const { generateSchema, mutateSchema } = await import('../../tools/generate.js');
    const s = generateSchema(1000, 3);
    expect(Object.keys(s.tables)).toHaveLength(1000);
    const cols = Object.values(s.tables).reduce((n, t) => n + t.columns.length, 0);
    expect(cols).toBeGreaterThan(10_000);
    for (const schema of [s, mutateSchema(s, 300, 4)]) {
      const back = parseSchemaFiles(writeSchemaYaml(schema));
      expect(back.issues).toEqual([]);
      expect(canonicalJson(back.schema!)).toBe(canonicalJson(schema));
    }
  });

  it('mutateSchema changes the hash and keeps every reference valid', async () => {
    const { generateSchema, mutateSchema } = await import('../../tools/generate.js');
    const { schemaHash } = await import('../../src/canon/index.js');
    const s = generateSchema(100, 5);
    const m = mutateSchema(s, 40, 6);
    expect(schemaHash(m)).not.toBe(schemaHash(s));
    expect(schemaHash(mutateSchema(s, 40, 6))).toBe(schemaHash(m));
    expect(parseSchemaFiles(writeSchemaYaml(m)).issues).toEqual([]);
  });
});
