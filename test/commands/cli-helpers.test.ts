/** Unit tests of the CLI helpers behind log --graph, status/diff (semantic diff) and erd. */
import { describe, expect, it } from 'vitest';
import { renderGraph } from '../../src/cli/graph.js';
import { semanticDiff, renderSemDiff } from '../../src/diff/semdiff.js';
import { renderErd } from '../../src/cli/erd.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { schemaHash } from '../../src/canon/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';

const graph = (cs: { id: string; parents: string[] }[]) =>
  renderGraph(cs).map((r) => r.prefix + (r.commit ? ` ${r.commit}` : ''));

describe('renderGraph', () => {
  it('draws a line for linear history', () => {
    expect(
      graph([
        { id: 'c', parents: ['b'] },
        { id: 'b', parents: ['a'] },
        { id: 'a', parents: [] },
      ]),
    ).toEqual(['* c', '* b', '* a']);
  });
  it('opens a lane at a merge and closes it where the branch started', () => {
    expect(
      graph([
        { id: 'm', parents: ['a', 'f'] },
        { id: 'f', parents: ['o'] },
        { id: 'a', parents: ['o'] },
        { id: 'o', parents: [] },
      ]),
    ).toEqual(['* m', '|\\', '| * f', '* | a', '|/', '* o']);
  });
  it('draws octopus merges, several roots and history cut by -n', () => {
    expect(
      graph([
        { id: 'm', parents: ['a', 'b', 'c'] },
        { id: 'a', parents: ['o'] },
        { id: 'b', parents: ['o'] },
        { id: 'c', parents: ['o'] },
        { id: 'o', parents: [] },
      ]),
    ).toEqual(['* m', '|\\ \\', '* | | a', '| * | b', '|/ /', '| * c', '|/', '* o']);
    expect(
      graph([
        { id: 'm', parents: ['a', 'z'] },
        { id: 'a', parents: [] },
        { id: 'z', parents: [] },
      ]),
    ).toEqual(['* m', '|\\', '* | a', ' /', '* z']);
    expect(
      graph([
        { id: 'm', parents: ['a', 'b'] },
        { id: 'a', parents: ['x'] },
      ]),
    ).toEqual(['* m', '* a']);
  });
  it('shows every commit exactly once on criss-cross history', () => {
    const rows = renderGraph([
      { id: 't', parents: ['p', 'q'] },
      { id: 'p', parents: ['a', 'b'] },
      { id: 'q', parents: ['b', 'a'] },
      { id: 'a', parents: ['r'] },
      { id: 'b', parents: ['r'] },
      { id: 'r', parents: [] },
    ]);
    expect(rows.filter((r) => r.commit).map((r) => r.commit)).toEqual(['t', 'p', 'q', 'a', 'b', 'r']);
    for (const r of rows) expect(r.prefix).toMatch(/^[*|/\\ _]+$/);
  });
});

function schema(yaml: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text: yaml }]);
  if (!r.schema) throw new Error(JSON.stringify(r.issues, null, 2));
  return r.schema;
}

const BASE = `enums:
  status: [new, done]
tables:
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, nullable: false }
      nick: text
    indexes:
      users_email_idx: { columns: [email] }
`;

describe('semanticDiff', () => {
  it('is empty for the same schema written differently, and matches columns by name', () => {
    const reordered = schema(`tables:
  users:
    indexes:
      users_email_idx: { columns: [email] }
    columns:
      nick: { type: text }
      email: { nullable: false, type: text }
      id: { type: int8, identity: always, primary_key: true }
enums:
  status: [new, done]
`);
    expect(schemaHash(reordered)).toBe(schemaHash(schema(BASE)));
    expect(semanticDiff(schema(BASE), reordered)).toEqual([]);
  });

  it('lists adds, drops, renames and attribute changes with model paths', () => {
    const to = schema(
      BASE.replace('      nick: text\n', '      nickname: { type: text, renamed_from: nick }\n      age: int\n')
        .replace('email: { type: text, nullable: false }', 'email: { type: varchar(99), nullable: false }')
        .replace('identity: always', 'identity: by_default')
        .replace('[new, done]', '[new, doing, done]')
        .replace('    indexes:\n      users_email_idx: { columns: [email] }\n', '') +
        '  teams:\n    columns:\n      id: bigint\n',
    );
    const d = semanticDiff(schema(BASE), to);
    expect(d).toEqual(
      expect.arrayContaining([
        {
          op: 'rename',
          path: ['tables', 'users', 'columns', 'nickname'],
          object: 'column users.nick',
          from: 'nick',
          to: 'nickname',
        },
        expect.objectContaining({ op: 'add', path: ['tables', 'users', 'columns', 'age'], object: 'column users.age' }),
        expect.objectContaining({ op: 'add', path: ['tables', 'teams'], object: 'table teams' }),
        expect.objectContaining({
          op: 'drop',
          path: ['tables', 'users', 'indexes', 'users_email_idx'],
          object: 'index users.users_email_idx',
        }),
        {
          op: 'change',
          path: ['tables', 'users', 'columns', 'email', 'type'],
          object: 'column users.email',
          attr: 'type',
          from: 'text',
          to: 'character varying(99)',
        },
        {
          op: 'change',
          path: ['tables', 'users', 'columns', 'id', 'identity', 'mode'],
          object: 'column users.id',
          attr: 'identity.mode',
          from: 'always',
          to: 'by_default',
        },
        {
          op: 'change',
          path: ['enums', 'status', 'values'],
          object: 'enum status',
          attr: 'values',
          from: ['new', 'done'],
          to: ['new', 'doing', 'done'],
        },
      ]),
    );
    // the renamed column is not also reported as dropped and added
    expect(d.filter((c) => c.path.includes('nick') || (c.path.includes('nickname') && c.op !== 'rename'))).toEqual([]);
    const text = renderSemDiff(d);
    expect(text).toContain('~ table users\n');
    expect(text).toContain('    > rename column users.nick -> nickname');
    expect(text).toContain('    ~ column users.email: type text -> character varying(99)');
    expect(text).toContain('+ table teams (id bigint)');
    expect(text).toContain('    - index users.users_email_idx');
  });

  it('diffs from nothing as whole-object adds', () => {
    const d = semanticDiff(emptySchema(), schema(BASE));
    expect(d.map((c) => `${c.op} ${c.path.join('.')}`)).toEqual(['add enums.status', 'add tables.users']);
  });
});

describe('renderErd', () => {
  const s = schema(`tables:
  teams:
    columns:
      id: { type: bigint, primary_key: true }
  members:
    columns:
      id: { type: bigint, primary_key: true }
      team_id: { type: bigint, references: teams.id }
      profile_id: { type: bigint, nullable: false, unique: true, references: profiles.id }
  profiles:
    columns:
      id: { type: bigint, primary_key: true }
      bio: character varying(200)
`);
  it('writes mermaid with keys and cardinalities', () => {
    const m = renderErd(s, 'mermaid');
    expect(m).toContain(
      '    members {\n        bigint id PK\n        bigint team_id FK\n        bigint profile_id FK, UK "not null"\n    }',
    );
    expect(m).toContain('varchar(200) bio');
    expect(m).toMatch(/teams \|o--o\{ members : "members_team_id_fkey"/);
    expect(m).toMatch(/profiles \|\|--o\| members : "members_profile_id_fkey"/);
  });
  it('writes dot with escaped HTML labels and one edge per foreign key', () => {
    const d = renderErd(s, 'dot');
    expect(d.match(/ -> /g)).toHaveLength(2);
    expect(d).toContain('"members" -> "teams" [label="members_team_id_fkey", style=dashed];');
    expect(d).toContain('<b>profiles</b>');
  });
});

describe('renderErd spells types as PostgreSQL does', () => {
  const s = schema(`tables:
  accounts:
    columns:
      id: { type: bigint, primary_key: true }
      balance: numeric(12,2)
      email: { type: varchar(120), nullable: false }
      seen: timestamp(3) with time zone
      ratio: double precision
      tags: text[]
      "odd name": text
      uk: text
      owner_id: { type: bigint, references: accounts.id }
    unique:
      accounts_email_key: { columns: [email] }
    indexes:
      accounts_lower_idx: { expressions: ["lower(email)"], unique: true }
`);
  // Mermaid's erDiagram lexer (erDiagram.jison): an attribute word is [*A-Za-z_\u00C0-\uFFFF][A-Za-z0-9-_[\]().,...*]*,
  // or any text in backticks; PK/FK/UK as whole words are keys, so a column named `uk` must be quoted.
  const WORD = /^(?:[*A-Za-z_\u00C0-\uFFFF][A-Za-z0-9\-_[\]().,\u00C0-\uFFFF*]*|`[^`]+`)$/;
  it('writes numeric(12,2), varchar(120), timestamptz(3) and marks PK, FK and UK', () => {
    const m = renderErd(s, 'mermaid');
    expect(m).toContain('        bigint id PK\n');
    expect(m).toContain('        numeric(12,2) balance\n');
    expect(m).toContain('        varchar(120) email UK "not null"\n');
    expect(m).toContain('        timestamptz(3) seen\n');
    expect(m).toContain('        float8 ratio\n');
    expect(m).toContain('        text[] tags\n');
    expect(m).toContain('        text `odd name`\n');
    expect(m).toContain('        text `uk`\n');
    expect(m).toContain('        bigint owner_id FK\n');
    // an expression index is no unique key of a column
    expect(m).not.toMatch(/email UK, UK/);
  });
  it('writes every attribute line as Mermaid erDiagram grammar reads it', () => {
    const lines = renderErd(s, 'mermaid')
      .split('\n')
      .filter((l) => l.startsWith('        '));
    expect(lines.length).toBe(9);
    for (const l of lines) {
      const m = /^ {8}(`[^`]+`|\S+) (`[^`]+`|\S+)((?: (?:PK|FK|UK),?)*)( "[^"]*")?$/.exec(l);
      expect(m, l).not.toBeNull();
      expect(m![1]).toMatch(WORD);
      expect(m![2]).toMatch(WORD);
      expect(m![2]).not.toMatch(/^(pk|fk|uk)$/i);
    }
  });
  it('keeps the exact PostgreSQL spelling in DOT, with the same keys', () => {
    const d = renderErd(s, 'dot');
    expect(d).toContain('numeric(12,2)');
    expect(d).toContain('character varying(120) not null</td><td>UK</td>');
    expect(d).toContain('timestamp(3) with time zone');
    expect(d).toContain('<td>PK</td>');
  });
});
