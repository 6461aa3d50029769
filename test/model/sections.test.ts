/**
 * The registry of sections and table parts (src/model/sections.ts) against what the pipeline really does: every
 * section parses, is written back, hashed into its own store blobs, merged, and taken by a partial proof, in the
 * registry's order; the format's keys and the JSON Schema list the same sections and parts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SECTION_FACTS,
  SECTIONS,
  TABLE_PART_KINDS,
  TABLE_PARTS,
  VIEW_PART_KINDS,
  YAML_SECTIONS,
  describeObject,
  sectionObjects,
  sectionOfYaml,
} from '../../src/model/sections.js';
import { emptySchema, emptyTable, type Schema } from '../../src/model/types.js';
import { KEYS } from '../../src/parse/keys.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml, schemaToYamlDoc } from '../../src/yaml/index.js';
import { canonicalJson, canonicalObjects, canonicalize } from '../../src/canon/index.js';
import { merge3 } from '../../src/merge/index.js';
import { partialSchema } from '../../src/pg/closure.js';

/** ALL holds one object of every section. */
const ALL = `extensions: [citext]
schemas: [billing]
enums:
  billing.mood: { values: [sad, happy] }
composites:
  billing.pair: { attributes: { a: integer, b: text } }
domains:
  billing.posint: { type: integer, check: "VALUE > 0" }
sequences:
  billing.counter: { start: 10 }
tables:
  billing.invoices:
    columns:
      id: { type: integer, primary_key: true }
      mood: billing.mood
views:
  billing.happy: { query: "SELECT id FROM billing.invoices WHERE mood = 'happy'" }
functions:
  billing.one: { args: "", returns: integer, language: sql, body: "SELECT 1" }
objects:
  aggregate total(integer): CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer)
unmanaged:
  privileges (GRANT) on t: "{a=r/a}"
default_privileges:
  - { role: app_owner, on: tables, grants: { app_reader: [select] } }
`;

const load = (text: string): Schema => {
  const r = parseSchemaFiles([{ path: 'schema/all.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
};
const JSON_SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemaver.schema.json'), 'utf8'));

describe('the section registry', () => {
  it('lists every Schema field once: the required ones are those emptySchema has', () => {
    const required = Object.keys(emptySchema()).filter((k) => k !== 'kind');
    expect(SECTIONS.filter((s) => !SECTION_FACTS[s].optional)).toEqual(required);
    expect(new Set(SECTIONS).size).toBe(SECTIONS.length);
    for (const s of SECTIONS) expect(sectionOfYaml(SECTION_FACTS[s].yaml)).toBe(s);
    expect(sectionOfYaml('tabels')).toBeUndefined();
  });

  it('is the format: the parser accepts exactly its YAML keys, and the JSON Schema lists them', () => {
    expect(KEYS.top).toEqual(YAML_SECTIONS);
    expect(Object.keys(JSON_SCHEMA.properties)).toEqual(YAML_SECTIONS);
    const table = Object.keys(JSON_SCHEMA.$defs.table.properties);
    for (const k of TABLE_PART_KINDS) expect(table).toContain(TABLE_PARTS[k].yaml);
    const view = Object.keys(JSON_SCHEMA.$defs.view.properties);
    for (const k of VIEW_PART_KINDS) expect(view).toContain(TABLE_PARTS[k].yaml);
  });

  it('parses, writes back and hashes every section, in registry order', () => {
    const s = load(ALL);
    for (const sec of SECTIONS) expect(Object.keys(sectionObjects(s, sec)), sec).toHaveLength(1);
    expect(Object.keys(schemaToYamlDoc(s))).toEqual(YAML_SECTIONS);
    const again = load(
      writeSchemaYaml(s)
        .map((f) => f.text.replace(/^#.*\n/, ''))
        .join('\n'),
    );
    expect(canonicalJson(again)).toBe(canonicalJson(s));
    expect(Object.keys(canonicalize(s)).filter((k) => k !== 'kind')).toEqual(SECTIONS);
    const dirs = [...new Set(canonicalObjects(s).map((o) => o.path.split('/')[0]))];
    expect(dirs.sort()).toEqual([...SECTIONS].sort());
  });

  it('leaves an empty optional section out of the canonical form, and reads an absent one as empty', () => {
    const optional = SECTIONS.filter((s) => SECTION_FACTS[s].optional);
    const c = canonicalize({ ...emptySchema(), objects: {}, unmanaged: {}, defaultPrivileges: {} });
    for (const s of optional) {
      expect(s in c).toBe(false);
      expect(sectionObjects(emptySchema(), s)).toEqual({});
    }
  });

  it('merges every section: a one-sided addition of each object is taken', () => {
    const s = load(ALL);
    const m = merge3(emptySchema(), s, emptySchema());
    expect(m.conflicts).toEqual([]);
    expect(canonicalJson(m.schema)).toBe(canonicalJson(s));
  });

  it('names objects by the section noun in merge conflicts (a composite is a composite type)', () => {
    const side = (c: string) =>
      load(`schemas: [billing]\ncomposites:\n  billing.pair: { attributes: { a: integer }, comment: ${c} }\n`);
    const m = merge3(side('x'), side('y'), side('z'));
    expect(m.conflicts.map((c) => c.message).join('\n')).toContain('composite type billing.pair');
    expect(describeObject('objects', 'aggregate total(integer)')).toBe('aggregate total(integer)');
    expect(describeObject('defaultPrivileges', 'r on tables')).toBe('default privileges r on tables');
  });

  it('keeps the whole sections whole in a partial proof, and only the closure of the others', () => {
    const s = load(ALL);
    const p = partialSchema(s, { full: new Set(), stripped: new Set(), total: 0 });
    for (const sec of SECTIONS) {
      const n = Object.keys(sectionObjects(p, sec)).length;
      expect(n, sec).toBe(SECTION_FACTS[sec].closure === 'whole' ? 1 : 0);
    }
  });
});

describe('the table-part registry', () => {
  it('names every part field of a Table, in table order, and the view parts of a View', () => {
    const t = emptyTable('public', 't');
    const fields = TABLE_PART_KINDS.map((k) => TABLE_PARTS[k].field);
    expect(fields).toEqual([
      'columns',
      'primaryKey',
      'uniques',
      'checks',
      'foreignKeys',
      'exclusions',
      'indexes',
      'triggers',
      'policies',
    ]);
    for (const f of fields) if (f !== 'primaryKey') expect(t).toHaveProperty(f);
    const v = load(
      'views:\n  mv: { query: "SELECT 1 AS x", materialized: true, indexes: { mv_x: { columns: [x] } } }\n',
    ).views['mv']!;
    expect(Object.keys(v.indexes ?? {})).toEqual(['mv_x']);
  });

  it('writes table parts in registry order', () => {
    const s = load(
      'tables:\n  p:\n    columns:\n      id: integer\n      id2: integer\n    unique: [[id, id2]]\n' +
        '  t:\n    columns:\n      id: integer\n      p: integer\n      n: text\n    primary_key: [id, p]\n' +
        '    unique: { t_n_key: [n, p] }\n    checks: { t_n_check: "n <> \'\' OR p > 0" }\n' +
        '    foreign_keys: { t_p_fkey: { columns: [p, id], references: { table: p, columns: [id, id2] } } }\n' +
        '    indexes: { t_p_idx: { columns: [p] } }\n' +
        '    policies: { mine: { using: "true" } }\n',
    );
    const tree = schemaToYamlDoc(s) as { tables: Record<string, Record<string, unknown>> };
    const order = TABLE_PART_KINDS.map((k) => TABLE_PARTS[k].yaml);
    const written = Object.keys(tree.tables['t']!).filter((k) => order.includes(k));
    expect(written).toEqual(order.filter((k) => written.includes(k)));
    expect(written).toHaveLength(7);
  });
});
