/** layoutFiles: merged files in ours' layout, unchanged files byte for byte. */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles, type SourceFile } from '../../src/parse/index.js';
import { merge3 } from '../../src/merge/index.js';
import { layoutFiles } from '../../src/merge/layout.js';
import type { Schema } from '../../src/model/types.js';
import { schemaToYamlDoc, stringifyYaml } from '../../src/yaml/index.js';
import { canonicalJson } from '../../src/canon/index.js';

const parse = (files: SourceFile[]) => {
  const r = parseSchemaFiles(files);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
};
// a stand-in writer: names the objects it was given (the real one is src/yaml's writeSchemaYaml)
const write = (s: Schema) =>
  `# written\n${JSON.stringify(
    Object.fromEntries(
      Object.entries(s)
        .filter(([k, v]) => k !== 'kind' && Object.keys(v as object).length)
        .map(([k, v]) => [k, Object.keys(v as object)]),
    ),
  )}\n`;
const writeAll = (s: Schema) => [{ path: 'schema/all.yaml', text: write(s) }];

describe('layoutFiles', () => {
  const users =
    '# people\ntables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }   # the key\n';
  const enums = 'enums:\n  status: [a, b]\n';
  const base = [
    { path: 'schema/enums.yaml', text: enums },
    { path: 'schema/users.yaml', text: users },
  ];
  it('keeps unchanged files byte for byte, rewrites changed ones, places theirs additions in theirs file', () => {
    const ours = [base[0]!, { path: 'schema/users.yaml', text: users + '      email: text\n' }];
    const theirs = [
      ...base,
      { path: 'schema/teams.yaml', text: 'tables:\n  teams:\n    columns:\n      id: bigint\n' },
    ];
    const o = parse(ours);
    const t = parse(theirs);
    const r = merge3(parse(base), o, t);
    const files = layoutFiles({
      ours: { schema: o, files: ours },
      theirs: { schema: t, files: theirs },
      merged: r.schema,
      write,
      writeAll,
    });
    expect(files.map((f) => f.path)).toEqual(['schema/enums.yaml', 'schema/teams.yaml', 'schema/users.yaml']);
    expect(files[0]).toBe(ours[0]);
    expect(files[2]).toBe(ours[1]);
    expect(files[1]).toBe(theirs[2]); // a file only theirs added, taken unchanged: theirs' bytes (comments, short forms)
  });
  it('rewrites the file of a changed object and drops a file whose objects are all gone', () => {
    const theirs = [{ path: 'schema/users.yaml', text: users + '      name: text\n' }];
    const t = parse(theirs);
    const b = parse(base);
    const r = merge3(b, b, t);
    const files = layoutFiles({
      ours: { schema: b, files: base },
      theirs: { schema: t, files: theirs },
      merged: r.schema,
      write,
      writeAll,
    });
    expect(files.map((f) => f.path)).toEqual(['schema/users.yaml']);
    expect(files[0]!.text).toBe('# written\n{"tables":["users"]}\n');
  });
  it('keeps every section of a rewritten file: definition objects, unmanaged objects and default privileges too', () => {
    // these sections were not laid out: a rewritten file lost them and the merge refused (merge-output-mismatch)
    const text = [
      'schemas: [billing]\ntables:\n  users:\n    columns:\n      id: bigint\n',
      'objects:\n  aggregate total(integer): CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer)\n',
      'unmanaged:\n  privileges (GRANT) on t: "{a=r/a}"\n',
      'default_privileges:\n  - { role: app_owner, schema: billing, on: tables, grants: { app_reader: [select] } }\n',
    ].join('');
    const side = (col: string) => [
      { path: 'schema/a.yaml', text: text.replace('id: bigint', `id: bigint\n      ${col}: text`) },
    ];
    const [ours, theirs] = [side('a'), side('b')];
    const [o, t] = [parse(ours), parse(theirs)];
    const r = merge3(parse([{ path: 'schema/a.yaml', text }]), o, t);
    expect(r.conflicts).toEqual([]);
    const files = layoutFiles({
      ours: { schema: o, files: ours },
      theirs: { schema: t, files: theirs },
      merged: r.schema,
      write: (s) => stringifyYaml(schemaToYamlDoc(s)), // the app's writer: the whole (partial) schema as one file
      writeAll: () => [{ path: 'schema/fallback.yaml', text: 'the layout was given up' }],
    });
    expect(files.map((f) => f.path)).toEqual(['schema/a.yaml']);
    expect(canonicalJson(parse(files))).toBe(canonicalJson(r.schema));
    expect(Object.keys(r.schema.objects!)).toEqual(['aggregate total(integer)']);
    expect(Object.keys(r.schema.defaultPrivileges!)).toEqual(['app_owner in billing on tables']);
  });
});
