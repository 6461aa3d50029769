/** relocateExtensionTypes: an extension moved to another schema takes its types along (ALTER EXTENSION SET SCHEMA). */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { diffSchemas } from '../../src/diff/index.js';
import { relocateExtensionTypes } from '../../src/diff/relocate.js';
import { describeChange } from '../../src/model/changes.js';
import type { Extension, Schema } from '../../src/model/types.js';

function yaml(text: string, ext?: Extension): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return ext ? { ...r.schema, extensions: { [ext.name]: ext } } : r.schema;
}

const citext = (schema?: string): Extension => ({ kind: 'extension', name: 'citext', ...(schema ? { schema } : {}) });

describe('relocateExtensionTypes', () => {
  const inPublic = yaml(
    'tables: { users: { columns: { id: bigint, email: citext, tags: "citext[]", n: "character varying(10)" } } }\n' +
      'domains: { email_addr: { type: citext } }\n' +
      'composites: { contact: { attributes: { addr: citext } } }',
    citext(),
  );
  const moved = yaml(
    'schemas: { extensions: {} }\n' +
      'tables: { users: { columns: { id: bigint, email: extensions.citext, tags: "extensions.citext[]", n: "character varying(10)" } } }\n' +
      'domains: { email_addr: { type: extensions.citext } }\n' +
      'composites: { contact: { attributes: { addr: extensions.citext } } }',
    citext('extensions'),
  );

  it('leaves the types to the ALTER EXTENSION: no column, domain or attribute change, either way', () => {
    expect(diffSchemas(inPublic, moved).map(describeChange)).toEqual([
      'alter extension citext (schema)',
      'add namespace extensions',
    ]);
    expect(diffSchemas(moved, inPublic).map(describeChange)).toEqual([
      'alter extension citext (schema)',
      'drop namespace extensions',
    ]);
  });

  it('changes nothing when no extension moves, and keeps a real type change beside a move', () => {
    expect(relocateExtensionTypes(inPublic, inPublic)).toBe(inPublic);
    // the column also changes to another type: that change stays
    const other = yaml(
      'schemas: { extensions: {} }\ntables: { users: { columns: { id: bigint, email: text, tags: "extensions.citext[]", n: "character varying(10)" } } }\n' +
        'domains: { email_addr: { type: extensions.citext } }\ncomposites: { contact: { attributes: { addr: extensions.citext } } }',
      citext('extensions'),
    );
    expect(diffSchemas(inPublic, other).map(describeChange)).toContain('alter column users.email (type)');
  });

  it("does not take along a type of the project's own that shares the moved schema", () => {
    const a = yaml('enums: { mood: [a, b] }\ntables: { t: { columns: { m: mood } } }', citext());
    const b = yaml(
      'schemas: { extensions: {} }\nenums: { mood: [a, b], extensions.mood: [a, b] }\ntables: { t: { columns: { m: extensions.mood } } }',
      citext('extensions'),
    );
    expect(diffSchemas(a, b).map(describeChange)).toContain('alter column t.m (type)');
  });

  it('keys a routine whose signature names the moved type as the target does: no drop and create', () => {
    const fn = (t: string) =>
      `functions: { find_user: { args: "e ${t}", returns: "${t}", language: sql, body: "SELECT e" } }`;
    const a = yaml(fn('citext'), citext());
    const b = yaml(`schemas: { extensions: {} }\n${fn('extensions.citext')}`, citext('extensions'));
    expect(diffSchemas(a, b).map(describeChange)).toEqual([
      'alter extension citext (schema)',
      'add namespace extensions',
    ]);
    // a routine of the same name over another type stays another routine
    const c = yaml(`schemas: { extensions: {} }\n${fn('text')}`, citext('extensions'));
    expect(diffSchemas(a, c).map(describeChange)).toContain('drop function find_user(e citext)');
  });
});
