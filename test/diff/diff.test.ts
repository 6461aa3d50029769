/** diffSchemas: a closed set of changes; renames only from hints; modifications name their attributes. */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { diffSchemas, diffDetailed } from '../../src/diff/index.js';
import { describeChange } from '../../src/model/changes.js';
import { renameIdentifiers, identifiersOf } from '../../src/diff/sqltext.js';
import type { Schema } from '../../src/model/types.js';

function yaml(text: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

describe('diffSchemas', () => {
  it('is empty for equal schemas and lists attribute changes with from/to', () => {
    const a = yaml(
      'tables: { t: { columns: { id: { type: integer, primary_key: true }, n: { type: text, default: x } } } }',
    );
    expect(diffSchemas(a, a)).toEqual([]);
    const b = yaml(
      'tables: { t: { columns: { id: { type: integer, primary_key: true }, n: { type: text, nullable: false } } } }',
    );
    const d = diffSchemas(a, b);
    expect(d).toHaveLength(1);
    const c = d[0]!;
    expect(c.op).toBe('alter');
    if (c.op !== 'alter') return;
    expect(c.kind).toBe('column');
    expect(c.attrs.map((x) => x.attr)).toEqual(['default', 'nullable']);
    expect(c.attrs.find((x) => x.attr === 'nullable')).toMatchObject({ from: true, to: false });
    expect(describeChange(c)).toBe('alter column t.n (default, nullable)');
  });

  it('ignores column order', () => {
    const a = yaml('tables: { t: { columns: { a: integer, b: text } } }');
    const b = yaml('tables: { t: { columns: { b: text, a: integer } } }');
    expect(diffSchemas(a, b)).toEqual([]);
  });

  it('never guesses a rename: without a hint a renamed column is drop + add', () => {
    const a = yaml('tables: { t: { columns: { nick: text } } }');
    const b = yaml('tables: { t: { columns: { nickname: text } } }');
    expect(diffSchemas(a, b).map(describeChange).sort()).toEqual(['add column t.nickname', 'drop column t.nick']);
  });

  it('turns hints into renames only when the old name exists and the new one does not', () => {
    const a = yaml('enums: { st: [a, b] }\ntables: { t: { columns: { nick: text } } }');
    const b = yaml(`enums: { status: { renamed_from: st, values: [{ value: x, renamed_from: a }, b] } }
tables: { t: { columns: { nickname: { type: text, renamed_from: nick } } } }`);
    expect(diffSchemas(a, b).map(describeChange)).toEqual([
      'rename enum st to status',
      'rename column t.nick to t.nickname',
      'rename value "a" of enum status to "x"',
    ]);
    const had = yaml('tables: { t: { columns: { nick: text, nickname: text } } }');
    const both = yaml('tables: { t: { columns: { nick: text, nickname: { type: text, renamed_from: nick } } } }');
    expect(diffSchemas(had, both)).toEqual([]);
    const gone = yaml('tables: { t: { columns: { other: text } } }');
    expect(diffSchemas(gone, both).map(describeChange).sort()).toEqual([
      'add column t.nick',
      'add column t.nickname',
      'drop column t.other',
    ]);
    expect(diffDetailed(a, b, { renames: false }).renames.changes).toEqual([]);
  });

  it('adds enum values in place when order allows, and asks for a recreate otherwise', () => {
    const a = yaml('enums: { e: [a, c] }');
    expect(diffSchemas(a, yaml('enums: { e: [z, a, b, c, d] }')).map(describeChange)).toEqual([
      'add value "z" to enum e',
      'add value "b" to enum e',
      'add value "d" to enum e',
    ]);
    expect(diffSchemas(a, yaml('enums: { e: [c, a] }')).map(describeChange)).toEqual(['alter enum e (values)']);
    expect(diffSchemas(a, yaml('enums: { e: [a] }')).map(describeChange)).toEqual(['alter enum e (values)']);
  });
});

describe('sql text helpers', () => {
  it('finds identifiers outside literals, comments and dollar quotes', () => {
    const ids = identifiersOf(
      `SELECT "Weird"."Col", x FROM users -- comment_word\n WHERE s = 'lit_word' AND y = $q$dollar_word$q$`,
    );
    expect([...ids].sort()).toEqual(
      ['and', 'col', 'from', 'select', 'users', 'where', 'x', 'y', 's', 'weird']
        .map((x) => (x === 'col' ? 'Col' : x === 'weird' ? 'Weird' : x))
        .sort(),
    );
  });

  it('renames identifiers token by token, quoting when needed', () => {
    expect(renameIdentifiers("a + b.a - 'a'", new Map([['a', 'New Name']]))).toBe(`"New Name" + b."New Name" - 'a'`);
  });
});
