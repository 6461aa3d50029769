/**
 * The renderers of the one differ: what status/diff/show print, what verification says, and what a merge conflict
 * shows, written the way a PostgreSQL user reads a schema (never model JSON).
 */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { renderSemDiff, semanticDiff } from '../../src/diff/semdiff.js';
import { compareSchemas } from '../../src/pg/compare.js';
import { canonicalize } from '../../src/canon/index.js';
import { conflictSides } from '../../src/merge/describe.js';
import { merge3 } from '../../src/merge/index.js';
import type { Schema } from '../../src/model/types.js';

function yaml(text: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

const BASE = `tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      email: text
      name: { type: text, default: anonymous }
  tasks:
    columns:
      id: { type: bigint, primary_key: true }
      assignee_id: bigint
      title: text
    indexes:
      tasks_title_idx: { columns: [title] }
`;

const after = (edit: (s: string) => string): Schema => yaml(edit(BASE));
const text = (a: Schema, b: Schema): string => renderSemDiff(semanticDiff(a, b));

describe('status / diff lines', () => {
  it('reads a foreign key as its clause, not as JSON', () => {
    const b = after((s) =>
      s.replace(
        '      assignee_id: bigint\n',
        '      assignee_id: { type: bigint, references: users.id, on_delete: set_null }\n',
      ),
    );
    const out = text(yaml(BASE), b);
    expect(out).toContain(
      '~ table tasks\n    + foreign key tasks.tasks_assignee_id_fkey (assignee_id) -> users(id) on delete set null',
    );
    expect(out).not.toMatch(/[{}"]/);
  });

  it('says NOT NULL was added or dropped', () => {
    const b = after((s) => s.replace('email: text', 'email: { type: text, nullable: false }'));
    expect(text(yaml(BASE), b)).toContain('    ~ column users.email: not null: added');
    expect(text(b, yaml(BASE))).toContain('    ~ column users.email: not null: dropped');
  });

  it('reads an index with its keys, uniqueness, and predicate', () => {
    const b = after((s) =>
      s.replace(
        '      tasks_title_idx: { columns: [title] }\n',
        '      tasks_title_idx: { columns: [title] }\n      tasks_lower_idx: { expressions: ["lower(title)"], unique: true, where: "assignee_id IS NOT NULL" }\n',
      ),
    );
    expect(text(yaml(BASE), b)).toContain(
      '    + index tasks.tasks_lower_idx unique (lower(title)) where (assignee_id IS NOT NULL)',
    );
  });

  it('writes a changed referential action and defaults in SQL', () => {
    const withFk = (action: string) =>
      after((s) =>
        s.replace(
          '      assignee_id: bigint\n',
          `      assignee_id: { type: bigint, references: users.id${action ? `, on_delete: ${action}` : ''} }\n`,
        ),
      );
    expect(text(withFk(''), withFk('cascade'))).toContain(
      '    ~ foreign key tasks.tasks_assignee_id_fkey: on delete no action -> cascade',
    );
    const b = after((s) =>
      s
        .replace('default: anonymous', 'default: "it\'s"')
        .replace('email: text', 'email: { type: text, default: { sql: now() } }'),
    );
    const out = text(yaml(BASE), b);
    expect(out).toContain("    ~ column users.name: default 'anonymous' -> 'it''s'");
    expect(out).toContain('    ~ column users.email: default (none) -> now()');
  });

  it('lists the changes of default privileges too (status used to skip the section)', () => {
    const a = yaml('default_privileges:\n  - { role: app_owner, on: tables, grants: { app_reader: [select] } }\n');
    const b = yaml(
      'default_privileges:\n  - { role: app_owner, on: tables, grants: { app_reader: [select, insert] } }\n',
    );
    expect(text(a, b)).toBe('~ default privileges app_owner on tables: grants to app_reader select -> insert, select');
  });
});

describe('verification sentences', () => {
  it('name the object and say what was expected and what PostgreSQL has', () => {
    const a = canonicalize(after((s) => s.replace('email: text', 'email: { type: text, nullable: false }')));
    const b = canonicalize(
      after((s) =>
        s
          .replace('      assignee_id: bigint\n', '      assignee_id: { type: bigint, references: users.id }\n')
          .replace(
            '      tasks_title_idx: { columns: [title] }\n',
            '      tasks_title_idx: { columns: [title], unique: true }\n',
          ),
      ),
    );
    expect(compareSchemas(a, b)).toEqual([
      'foreign key tasks_assignee_id_fkey on tasks unexpected',
      'index tasks_title_idx on tasks: expected not unique, got unique',
      'column users.email: expected not null, got nullable',
    ]);
  });
});

describe('merge conflict sides', () => {
  it('show attribute values and what each side did to an object, never truncated JSON', () => {
    const base = yaml(BASE);
    const ours = after((s) => s.replace('email: text', 'email: { type: text, nullable: false }'));
    const theirs = after((s) => s.replace('      email: text\n', ''));
    const r = merge3(base, ours, theirs);
    const c = r.conflicts.find((x) => x.kind === 'modify/drop');
    expect(c).toBeDefined();
    expect(conflictSides(c!)).toEqual({ base: 'text', ours: 'changed: not null: added', theirs: 'dropped' });

    const fk = (action: string) =>
      after((s) =>
        s.replace(
          '      assignee_id: bigint\n',
          `      assignee_id: { type: bigint, references: users.id, on_delete: ${action} }\n`,
        ),
      );
    const both = merge3(yaml(BASE), fk('cascade'), fk('set_null'));
    const f = both.conflicts.find((x) => x.attribute === 'onDelete');
    expect(f).toBeDefined();
    expect(conflictSides(f!)).toEqual({ base: '-', ours: 'cascade', theirs: 'set null' });
  });
});

describe('temporal keys (PostgreSQL 18)', () => {
  it('read as their DDL: WITHOUT OVERLAPS on the key, PERIOD on both sides of the foreign key', () => {
    const b = yaml(`tables:
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
      bookings_room_fkey: { columns: [room, during], period: true, references: { table: rooms, columns: [id, valid_at] } }
`);
    const a = yaml(
      'tables:\n  rooms: { columns: { id: int } }\n  bookings: { columns: { room: int, during: daterange } }\n',
    );
    const out = text(a, b);
    expect(out).toContain('bookings_room_fkey (room, period during) -> rooms(id, period valid_at)');
    expect(out).toContain('+ primary key rooms.rooms_pkey (id, valid_at without overlaps)');
  });
});
