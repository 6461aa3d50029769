/**
 * Owners: `owner:` parses (PUBLIC refused with its place), is written back to the same model, is read from the catalog
 * as asked (others / all / none), and the drift check's projections compare only the owners a project manages.
 */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { canonicalJson } from '../../src/canon/index.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { ensureRoles } from '../../src/pg/build.js';
import { planMigration } from '../../src/plan/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { declaredOwners, managedOwners } from '../../src/model/owners.js';

const YAML = `schemas:
  - { name: billing, owner: app }
enums:
  mood: { values: [ok], owner: app }
composites:
  pair: { attributes: { a: integer }, owner: app }
domains:
  posint: { type: integer, owner: app }
sequences:
  n: { owner: app }
  m: { owned_by: t.id }
tables:
  t: { owner: app, columns: { id: bigint } }
  u: { columns: { id: bigint } }
views:
  v: { query: "SELECT id FROM t", owner: app }
functions:
  f: { returns: integer, language: sql, body: "SELECT 1", owner: app }
`;

function parse(text: string): { schema?: Schema; issues: readonly { message: string; code: string; loc?: unknown }[] } {
  return parseSchemaFiles([{ path: 'schema/a.yaml', text }]);
}

describe('owners', () => {
  it('parse, write back, refuse PUBLIC at its place', () => {
    const s = parse(YAML).schema!;
    expect(s.tables['t']!.owner).toBe('app');
    expect(s.tables['u']!.owner).toBeUndefined();
    expect(s.schemas['billing']!.owner).toBe('app');
    expect(s.functions['f()']!.owner).toBe('app');
    const again = parse(
      writeSchemaYaml(s)
        .map((f) => f.text)
        .join('\n'),
    ).schema!;
    expect(canonicalJson(again)).toBe(canonicalJson(s));
    const bad = parse('tables:\n  t:\n    owner: PUBLIC\n    columns: { id: int }\n');
    expect(bad.schema).toBeUndefined();
    expect(bad.issues[0]!.message).toContain('cannot be PUBLIC');
    expect(bad.issues[0]!.loc).toMatchObject({ line: 3, col: 12 });
    const owned = parse('sequences:\n  s: { owned_by: t.id, owner: app }\ntables:\n  t: { columns: { id: int } }\n');
    expect(owned.issues.map((i) => i.message).join()).toContain("its owner is the table's");
  });

  it('introspect reads owners as asked; projections keep only managed ones', async () => {
    const s = parse(YAML).schema!;
    const db = await freshPglite();
    try {
      await ensureRoles(db, s);
      for (const step of planMigration(emptySchema(), s).steps) await db.exec(step.sql!.join(';\n'));
      const others = (await introspect(db)).schema;
      // every declared owner, nothing for what the connecting role owns, nothing for a sequence its table owns
      expect(others.tables['t']!.owner).toBe('app');
      expect(others.tables['u']!.owner).toBeUndefined();
      expect(others.sequences['m']!.owner).toBeUndefined();
      for (const x of [
        others.schemas['billing'],
        others.enums['mood'],
        others.composites['pair'],
        others.domains['posint'],
        others.sequences['n'],
        others.views['v'],
        others.functions['f()'],
      ])
        expect(x!.owner).toBe('app');
      expect(canonicalJson(others)).toBe(canonicalJson((await introspect(db, { owners: 'others' })).schema));
      const none = (await introspect(db, { owners: 'none' })).schema;
      expect(JSON.stringify(none)).not.toContain('"owner"');
      const all = (await introspect(db, { owners: 'all' })).schema;
      expect(all.tables['u']!.owner).toBe('postgres');
      expect(all.sequences['m']!.owner).toBeUndefined();
      // drift: `all` projected onto a declared model that manages owners nowhere has none; onto `s`, exactly s's
      expect(JSON.stringify(managedOwners(all, none))).not.toContain('"owner"');
      expect(canonicalJson(managedOwners(all, s))).toBe(canonicalJson(others));
      expect(declaredOwners(none, s).tables['t']!.owner).toBe('app');
      expect(declaredOwners(all, none).tables['u']!.owner).toBeUndefined();
    } finally {
      await db.close();
    }
  });
});

describe('tablespaces', () => {
  it('parse (pg_default = none, none on a plain view), read back from an in-place tablespace, YAML round trip', async () => {
    const text = `tables:
  t: { tablespace: archive, columns: { id: bigint }, indexes: { t_id: { columns: [id], tablespace: archive } } }
  u: { tablespace: pg_default, columns: { id: bigint } }
views:
  mv: { query: "SELECT 1 AS a", materialized: true, tablespace: archive }
`;
    const s = parse(text).schema!;
    expect(s.tables['t']!.tablespace).toBe('archive');
    expect(s.tables['u']!.tablespace).toBeUndefined();
    const bad = parse('views:\n  v: { query: "SELECT 1", tablespace: archive }\n');
    expect(bad.issues.map((i) => i.message).join()).toContain('has no tablespace');
    const db = await freshPglite();
    try {
      await ensureRoles(db, s); // creates `archive` in place
      for (const step of planMigration(emptySchema(), s).steps) await db.exec(step.sql!.join(';\n'));
      const read = (await introspect(db)).schema;
      expect(read.tables['t']!.tablespace).toBe('archive');
      expect(read.tables['t']!.indexes['t_id']!.tablespace).toBe('archive');
      expect(read.views['mv']!.tablespace).toBe('archive');
      expect(read.tables['u']!.tablespace).toBeUndefined();
      expect(
        canonicalJson(
          parse(
            writeSchemaYaml(read)
              .map((f) => f.text)
              .join('\n'),
          ).schema,
        ),
      ).toBe(canonicalJson(read));
    } finally {
      await db.close();
    }
  });
});
