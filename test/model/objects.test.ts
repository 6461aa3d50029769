/**
 * Definition and unmanaged objects without a database: keys, exclusions, the YAML round trip and hash, the JSON
 * Schema's key pattern, the three-way merge and the planner's DROP/CREATE order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { SQL_OBJECT_KINDS, splitSqlObjectKey, sqlObjectKey, type SqlObject } from '../../src/model/objects.js';
import { applyExcludes, parseExclude } from '../../src/model/exclude.js';
import { schemaHash } from '../../src/canon/canonical.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { merge3 } from '../../src/merge/index.js';
import { planMigration, renderUp, renderDown } from '../../src/plan/index.js';

const obj = (type: SqlObject['type'], name: string, sql: string): [string, SqlObject] => [
  sqlObjectKey(type, name),
  { kind: 'sql_object', type, name, sql },
];
const AGG = obj('aggregate', 'total(integer)', 'CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer)');
const RULE = obj('rule', '"r; x" ON t', 'CREATE RULE "r; x" AS ON DELETE TO t DO INSTEAD NOTHING');
const with_ = (...objects: [string, SqlObject][]): Schema => ({
  ...emptySchema(),
  objects: Object.fromEntries(objects),
  unmanaged: { 'privileges (GRANT) on t': { kind: 'unmanaged', what: 'privileges (GRANT) on t', state: '{a=r/a}' } },
});

describe('definition objects', () => {
  it('keys are `<kind> <name>`, read back with the longest kind first', () => {
    expect(splitSqlObjectKey('operator class c USING btree')).toEqual({
      type: 'operator class',
      name: 'c USING btree',
    });
    expect(splitSqlObjectKey('operator ===(integer, integer)')).toEqual({
      type: 'operator',
      name: '===(integer, integer)',
    });
    expect(splitSqlObjectKey('aggregates x')).toBeUndefined();
    expect(splitSqlObjectKey('rule ')).toBeUndefined();
  });

  it('round-trip through YAML with the same hash, whatever the order', () => {
    const s = with_(AGG, RULE);
    const files = writeSchemaYaml(s);
    const back = parseSchemaFiles(files);
    expect(back.issues).toEqual([]);
    expect(schemaHash(back.schema!)).toBe(schemaHash(s));
    expect(schemaHash(with_(RULE, AGG))).toBe(schemaHash(s));
    expect(schemaHash(with_(AGG))).not.toBe(schemaHash(s));
    // a schema without them hashes as before they existed
    expect(schemaHash({ ...emptySchema(), objects: {}, unmanaged: {} })).toBe(schemaHash(emptySchema()));
  });

  it('the JSON Schema accepts every kind as a key prefix and nothing else', () => {
    const json = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemaver.schema.json'), 'utf8'));
    const re = new RegExp(json.properties.objects.propertyNames.pattern);
    for (const k of Object.keys(SQL_OBJECT_KINDS)) expect(re.test(`${k} x`)).toBe(true);
    expect(re.test('aggregat x')).toBe(false);
  });

  it('plans DROP + CREATE for a change, in that order both ways', () => {
    const changed = obj('aggregate', 'total(integer)', AGG[1].sql.replace(')', ", INITCOND = '1')"));
    const plan = planMigration(with_(AGG), with_(changed));
    const up = renderUp(plan);
    expect(up.indexOf('DROP AGGREGATE total(integer)')).toBeLessThan(up.indexOf('CREATE AGGREGATE'));
    expect(up).toContain("INITCOND = '1'");
    const down = renderDown(plan);
    expect(down.indexOf('DROP AGGREGATE total(integer)')).toBeLessThan(down.indexOf('CREATE AGGREGATE'));
    expect(down).not.toContain("INITCOND = '1'");
  });

  it('refuses a changed unmanaged object by name, and lets a baseline adopt one', () => {
    const a = with_();
    const b: Schema = { ...a, unmanaged: { x: { kind: 'unmanaged', what: 'x', state: '2' } } };
    const a2: Schema = { ...a, unmanaged: { x: { kind: 'unmanaged', what: 'x', state: '1' } } };
    expect(() => planMigration(a2, b)).toThrow(/changed: x/);
    expect(planMigration(emptySchema(), b).steps).toEqual([]);
  });

  it('merges object by object: both sides taken, a different change to one object conflicts', () => {
    const base = with_(AGG);
    const ours = with_(AGG, RULE);
    const theirs = with_(obj('aggregate', 'total(integer)', AGG[1].sql + ' -- theirs'));
    const m = merge3(base, ours, theirs);
    expect(m.conflicts).toEqual([]);
    expect(Object.keys(m.schema.objects ?? {}).sort()).toEqual([AGG[0], RULE[0]].sort());
    expect(m.schema.objects![AGG[0]]!.sql).toContain('-- theirs');
    const ours2 = with_(obj('aggregate', 'total(integer)', AGG[1].sql + ' -- ours'));
    expect(merge3(base, ours2, theirs).conflicts.length).toBeGreaterThan(0);
  });
});

describe('exclusions', () => {
  it('parse KIND:PATTERN and refuse anything else', () => {
    expect(parseExclude('table:tmp_*')).toMatchObject({ kind: 'table' });
    expect(parseExclude('nonsense')).toMatch(/KIND:PATTERN/);
    expect(parseExclude('tabel:x')).toMatch(/unknown kind `tabel`/);
  });

  it('leave out matching objects by kind, by whole or bare name, and unmanaged ones by name', () => {
    const s = with_(AGG, RULE);
    const rule = (t: string) => parseExclude(t) as Exclude<ReturnType<typeof parseExclude>, string>;
    expect(Object.keys(applyExcludes(s, [rule('aggregate:total')]).objects!)).toEqual([RULE[0]]);
    expect(Object.keys(applyExcludes(s, [rule('*:*')]).objects!)).toEqual([]);
    expect(applyExcludes(s, [rule('unmanaged:privileges*')]).unmanaged).toEqual({});
    expect(applyExcludes(s, [])).toBe(s);
  });
});
