/**
 * One schema, one hash (issue 10 item 4), end to end through the CLI: the same schema written by hand in YAML,
 * imported from the PostgreSQL 15 server (`import --url`) and imported from `pg_dump -s` output (`import --sql`)
 * hashes the same — checks with implicit casts, an IN list on varchar (whose PostgreSQL spelling reads back
 * differently again), literal and expression defaults, a STORED generated column, index expressions and predicates,
 * a policy and a view (deparsed differently by PostgreSQL 15 and 18) — and `plan` from the hand-written commit to
 * either import is empty. A really different expression still hashes differently and plans a step.
 * Build first (`npx tsc -p .`).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const YAML = `enums:
  mood: [ok, sad]
tables:
  notes:
    columns:
      id: { type: bigint, primary_key: true }
      summary: { type: text, nullable: false, default: "" }
      title: { type: varchar(40) }
      mood: { type: mood, default: ok }
      created_at: { type: timestamptz, default: { sql: now() } }
      n: { type: int, default: { sql: "1+1" } }
      words: { type: text, generated: "summary || ' ' || title" }
    checks:
      notes_summary_check: "summary <> ''"
      notes_title_check: "title in ('a', 'b')"
    indexes:
      notes_title_idx: { columns: [title], where: "mood <> 'sad'" }
      notes_lower_idx: { expressions: ["lower(title)"] }
    row_level_security: true
    policies:
      mine: { command: select, using: "summary = current_user" }
views:
  sad_notes: { query: "select id, title from notes where mood = 'sad' and n > 1" }
`;

const DDL = `CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE notes (id bigint PRIMARY KEY, summary text NOT NULL DEFAULT '', title varchar(40), mood mood DEFAULT 'ok',
  created_at timestamptz DEFAULT now(), n int DEFAULT 1+1,
  words text GENERATED ALWAYS AS (summary || ' ' || title) STORED,
  CONSTRAINT notes_summary_check CHECK (summary <> ''), CONSTRAINT notes_title_check CHECK (title IN ('a', 'b')));
CREATE INDEX notes_title_idx ON notes (title) WHERE mood <> 'sad';
CREATE INDEX notes_lower_idx ON notes (lower(title));
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON notes FOR SELECT USING (summary = current_user);
CREATE VIEW sad_notes AS SELECT id, title FROM notes WHERE mood = 'sad' AND n > 1;`;

async function exec(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function workingHash(p: Project): Promise<string> {
  const r = await p.run('status', '--json');
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.json<{ workingHash: string }>().workingHash;
}

describe('one schema, one hash', async () => {
  const up = await serverAvailable();
  const projects: Project[] = [];
  const fresh = async (): Promise<Project> => {
    const p = inProcessProject('sv-onehash-');
    projects.push(p);
    expect((await p.run('init')).code).toBe(0);
    return p;
  };
  afterAll(() => projects.forEach((p) => p.cleanup()));

  it.skipIf(!up)(
    'hand-written, import --url (PostgreSQL 15) and import --sql of pg_dump -s hash the same',
    async () => {
      const db = await createDatabase('sv_onehash');
      try {
        await exec(db.url, DDL);
        const version = execFileSync('psql', [db.url, '-Atc', 'show server_version_num'], { encoding: 'utf8' });
        expect(Number(version) < 180000, 'the server is older than PGlite: its deparser differs').toBe(true);

        const hand = await fresh();
        hand.write('schema/schema.yaml', YAML);
        const handHash = await workingHash(hand);

        const url = await fresh();
        let r = await url.run('import', '--url', db.url, '--force');
        expect(r.code, r.stderr).toBe(0);
        // PostgreSQL 15's words are in the file; the hash is of PostgreSQL 18's
        expect(url.read('schema/public.yaml')).toContain("summary <> ''::text");
        expect(url.read('schema/public.yaml')).toContain('notes.title');

        const dumped = await fresh();
        const file = join(dumped.dir, 'dump.sql');
        writeFileSync(file, execFileSync('pg_dump', ['--schema-only', db.url], { encoding: 'utf8' }));
        r = await dumped.run('import', '--sql', 'dump.sql', '--force');
        expect(r.code, r.stderr).toBe(0);

        expect(await workingHash(url)).toBe(handHash);
        expect(await workingHash(dumped)).toBe(handHash);

        // the hand-written commit and either import: nothing to plan
        r = await hand.run('commit', '-m', 'by hand', '--no-verify'); // the plans below are the subject, not its proof
        expect(r.code, r.stdout + r.stderr).toBe(0);
        for (const other of [url, dumped]) {
          hand.write('schema/schema.yaml', other.read('schema/public.yaml'));
          r = await hand.run('plan', '--json');
          expect(r.code, r.stdout + r.stderr).toBe(0);
          expect(r.json<{ steps: unknown[] }>().steps).toEqual([]);
          expect((await hand.run('status')).stdout).toContain('nothing to commit');
        }

        // an honest negative: a different expression is a different schema
        hand.write('schema/schema.yaml', YAML.replace(`"summary <> ''"`, `"summary <> 'x'"`));
        expect(await workingHash(hand)).not.toBe(handHash);
        r = await hand.run('plan');
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("ADD CONSTRAINT notes_summary_check CHECK (summary <> 'x'::text)");
      } finally {
        await db.drop();
      }
    },
  );
});
