/** Every object kind: a change on one side is taken, different changes on both sides conflict at the right path. */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { canonicalJson } from '../../src/canon/index.js';
import { merge3 } from '../../src/merge/index.js';

const load = (text: string) => {
  const r = parseSchemaFiles([{ path: 'schema/a.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
};
const T = 'tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: text\n      b: text\n';
const F = 'functions:\n  f: { args: "", returns: trigger, language: plpgsql, body: "BEGIN RETURN NEW; END" }\n';

// [name, base, ours (one change), theirs (a different change to the same spot), conflict path]
const cases: [string, string, string, string, string[]?][] = [
  [
    'extension',
    'extensions: [citext]\n',
    'extensions: [{ name: citext, version: "1.5" }]\n',
    'extensions: [{ name: citext, version: "1.6" }]\n',
    ['extensions', 'citext'],
  ],
  [
    'schema',
    'schemas: [billing]\n',
    'schemas: [{ name: billing, comment: x }]\n',
    'schemas: [{ name: billing, comment: y }]\n',
    ['schemas', 'billing'],
  ],
  [
    'enum',
    'enums:\n  e: { values: [a], comment: c }\n',
    'enums:\n  e: { values: [a], comment: x }\n',
    'enums:\n  e: { values: [a], comment: y }\n',
    ['enums', 'e'],
  ],
  [
    'composite',
    'composites:\n  c: { attributes: { x: integer } }\n',
    'composites:\n  c: { attributes: { x: bigint } }\n',
    'composites:\n  c: { attributes: { x: text } }\n',
    ['composites', 'c', 'attributes', 'x'],
  ],
  [
    'composite (attributes added on both sides)',
    'composites:\n  c: { attributes: { x: integer } }\n',
    'composites:\n  c: { attributes: { x: integer, y: text } }\n',
    'composites:\n  c: { attributes: { x: integer, z: date } }\n',
  ],
  [
    'domain',
    'domains:\n  d: { type: text }\n',
    'domains:\n  d: { type: text, default: x }\n',
    'domains:\n  d: { type: text, default: y }\n',
    ['domains', 'd'],
  ],
  [
    'sequence',
    'sequences:\n  s: { start: 1 }\n',
    'sequences:\n  s: { start: 5 }\n',
    'sequences:\n  s: { start: 7 }\n',
    ['sequences', 's'],
  ],
  [
    'view',
    'views:\n  v: { query: "SELECT 1 AS x" }\n',
    'views:\n  v: { query: "SELECT 2 AS x" }\n',
    'views:\n  v: { query: "SELECT 3 AS x" }\n',
    ['views', 'v'],
  ],
  [
    'function',
    F,
    F.replace('RETURN NEW', 'NEW.a = 1; RETURN NEW'),
    F.replace('RETURN NEW', 'NEW.a = 2; RETURN NEW'),
    ['functions', 'f()'],
  ],
  ['column', T, T.replace('a: text', 'a: integer'), T.replace('a: text', 'a: bigint'), ['tables', 't', 'columns', 'a']],
  [
    'primary key',
    T,
    T.replace('      id: { type: integer, primary_key: true }', '      id: integer').replace(
      '      b: text\n',
      '      b: text\n    primary_key: [id, a]\n',
    ),
    T.replace('      id: { type: integer, primary_key: true }', '      id: integer').replace(
      '      b: text\n',
      '      b: text\n    primary_key: [id, b]\n',
    ),
    ['tables', 't', 'primaryKey'],
  ],
  [
    'unique',
    T + '    unique: { t_a_key: [a] }\n',
    T + '    unique: { t_a_key: [a, b] }\n',
    T + '    unique: { t_a_key: [a, id] }\n',
    ['tables', 't', 'uniques', 't_a_key'],
  ],
  [
    'check',
    T + '    checks: { t_a_check: "a <> \'\'" }\n',
    T + '    checks: { t_a_check: "a <> \'x\'" }\n',
    T + '    checks: { t_a_check: "a <> \'y\'" }\n',
    ['tables', 't', 'checks', 't_a_check'],
  ],
  [
    'foreign key',
    T +
      '    foreign_keys:\n      t_fk: { columns: [a], references: { table: u, columns: [k] } }\n  u:\n    columns:\n      k: { type: text, primary_key: true }\n',
    T +
      '    foreign_keys:\n      t_fk: { columns: [a], references: { table: u, columns: [k] }, on_delete: cascade }\n  u:\n    columns:\n      k: { type: text, primary_key: true }\n',
    T +
      '    foreign_keys:\n      t_fk: { columns: [a], references: { table: u, columns: [k] }, on_delete: set_null }\n  u:\n    columns:\n      k: { type: text, primary_key: true }\n',
    ['tables', 't', 'foreignKeys', 't_fk'],
  ],
  [
    'index',
    T + '    indexes: { t_a_idx: { columns: [a] } }\n',
    T + '    indexes: { t_a_idx: { columns: [a], where: "a <> \'x\'" } }\n',
    T + '    indexes: { t_a_idx: { columns: [a], where: "a <> \'y\'" } }\n',
    ['tables', 't', 'indexes', 't_a_idx'],
  ],
  [
    'index (different attributes merge)',
    T + '    indexes: { t_a_idx: { columns: [a] } }\n',
    T + '    indexes: { t_a_idx: { columns: [a], where: "a <> \'\'" } }\n',
    T + '    indexes: { t_a_idx: { columns: [a], unique: true } }\n',
  ],
  [
    'trigger',
    T + '    triggers: { t_trg: { timing: before, events: [update], for_each: row, function: f } }\n' + F,
    T + '    triggers: { t_trg: { timing: after, events: [update], for_each: row, function: f } }\n' + F,
    T + '    triggers: { t_trg: { timing: instead_of, events: [update], for_each: row, function: f } }\n' + F,
    ['tables', 't', 'triggers', 't_trg'],
  ],
  [
    'policy',
    T + '    policies: { p: { command: select, using: "true" } }\n',
    T + '    policies: { p: { command: select, using: "false" } }\n',
    T + '    policies: { p: { command: select, using: "a = b" } }\n',
    ['tables', 't', 'policies', 'p'],
  ],
];

describe('merge3 handles every object kind', () => {
  for (const [name, b, o, t, path] of cases) {
    it(name, () => {
      const base = load(b);
      const ours = load(o);
      const theirs = load(t);
      expect(canonicalJson(merge3(base, ours, base).schema)).toBe(canonicalJson(ours));
      expect(canonicalJson(merge3(base, base, theirs).schema)).toBe(canonicalJson(theirs));
      expect(canonicalJson(merge3(base, ours, ours).schema)).toBe(canonicalJson(ours));
      const r = merge3(base, ours, theirs);
      if (path === undefined) {
        expect(r.conflicts).toEqual([]);
        return;
      }
      expect(r.conflicts.length).toBeGreaterThan(0);
      expect(r.conflicts.map((c) => c.path)).toContainEqual(path);
    });
  }
});
