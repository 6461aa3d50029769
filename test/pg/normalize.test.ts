/**
 * normalizeExpressions (src/pg/normalize.ts): expressions in PostgreSQL 18's spelling, whoever wrote them. Proven
 * in PGlite: the words a hand-written schema uses and the words a PostgreSQL 15 server prints for the same schema
 * hash the same after normalisation; a deparse that is not a fixpoint (an IN list on varchar) settles; a schema
 * that does not build keeps its words; the cache answers the second time without building; a really different
 * expression stays different.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaHash } from '../../src/canon/index.js';
import type { Schema } from '../../src/model/types.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { buildSchema } from '../../src/pg/build.js';
import {
  buildForProof,
  expressionSlots,
  mapExpressions,
  normalizeEarly,
  normalizeExpressions,
  NORMALIZED_DIR,
  rememberNormalForm,
  respelledBuild,
} from '../../src/pg/normalize.js';
import { freshPglite, imageStats, recycleSpare } from '../../src/pg/pglite.js';
import { holdDatabases, releaseDatabases } from '../../src/proc.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { emptySchema } from '../../src/model/types.js';
import { READBACK_DIR } from '../../src/pg/readback.js';

function parse(yaml: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text: yaml }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.schema;
}

/** schemaText is one schema with its expressions written in `w`'s words. */
const schemaText = (w: Record<string, string>) => `
enums: { mood: [ok, sad] }
tables:
  notes:
    columns:
      id: { type: bigint, primary_key: true }
      summary: { type: text, nullable: false }
      title: { type: varchar(40) }
      mood: { type: mood, default: ${w.moodDefault} }
      n: { type: int, default: { sql: "${w.n}" } }
      words: { type: text, generated: "${w.words}" }
    checks:
      notes_summary_check: "${w.check}"
      notes_title_check: "${w.inList}"
    indexes:
      notes_title_idx: { columns: [title], where: "${w.where}" }
    row_level_security: true
    policies:
      mine: { command: select, using: "${w.policy}" }
views:
  sad_notes: { query: "${w.view}" }
`;

const HAND = {
  moodDefault: 'ok',
  n: '1+1',
  words: "summary || ' ' || title",
  check: "summary <> ''",
  inList: "title in ('a', 'b')",
  where: "mood <> 'sad'",
  policy: 'summary = current_user',
  view: "select id, title from notes where mood = 'sad'",
};

/** PG15 is the same schema as a PostgreSQL 15 server prints it (pg_get_constraintdef, pg_get_viewdef...). */
const PG15 = {
  moodDefault: `{ sql: "'ok'::mood" }`,
  n: '1 + 1',
  words: "(summary || ' '::text) || (title)::text",
  check: "summary <> ''::text",
  inList: "(title)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])",
  where: "mood <> 'sad'::mood",
  policy: 'summary = CURRENT_USER',
  view: "SELECT notes.id, notes.title FROM notes WHERE notes.mood = 'sad'::mood",
};

describe('normalizeExpressions', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'sv-norm-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('hashes hand-written words and PostgreSQL 15 words of one schema the same', async () => {
    const hand = parse(schemaText(HAND));
    const pg15 = parse(schemaText(PG15));
    expect(schemaHash(hand)).not.toBe(schemaHash(pg15)); // as written they differ
    const [a, b] = [await normalizeExpressions(hand), await normalizeExpressions(pg15)];
    expect(schemaHash(a)).toBe(schemaHash(b));
    expect(a.tables['notes']!.checks['notes_summary_check']!.expression).toBe("summary <> ''::text");
    // the IN list settled on the text PostgreSQL reads back unchanged
    const settled = a.tables['notes']!.checks['notes_title_check']!.expression;
    const again = await buildSchema(a);
    expect(again.tables['notes']!.checks['notes_title_check']!.expression).toBe(settled);
    // normalising again changes nothing
    expect(schemaHash(await normalizeExpressions(a))).toBe(schemaHash(a));
  }, 120_000);

  it('keeps a really different expression different', async () => {
    const a = await normalizeExpressions(parse(schemaText(HAND)));
    const b = await normalizeExpressions(parse(schemaText({ ...HAND, check: "summary <> 'x'" })));
    expect(schemaHash(a)).not.toBe(schemaHash(b));
    expect(b.tables['notes']!.checks['notes_summary_check']!.expression).toBe("summary <> 'x'::text");
  }, 120_000);

  it('answers from the cache the second time, and keeps the proof read-back', async () => {
    const dir = tmp();
    // no object of it was normalised before (in this process either): built whole, so its read-back is the proof's
    const s = parse(
      schemaText({ ...HAND, check: "summary <> 'cache'", view: "select id from notes where mood = 'ok'" }),
    );
    const first = await normalizeExpressions(s, { cacheDir: dir });
    expect(readdirSync(join(dir, NORMALIZED_DIR))).toHaveLength(1);
    expect(readdirSync(join(dir, READBACK_DIR)).length).toBeGreaterThan(0);
    let builds = 0;
    const counting = async (x: Schema) => (builds++, buildSchema(x));
    // a fresh process has no memory: the same model from the file cache, without building
    const copy = JSON.parse(JSON.stringify(s)) as Schema;
    const second = await normalizeExpressions(copy, { cacheDir: dir, build: counting });
    expect(builds).toBe(0);
    expect(schemaHash(second)).toBe(schemaHash(first));
  }, 120_000);

  it('keeps nothing of a model its gate refuses (validated meanwhile), and keeps it once the gate opens', async () => {
    const s = parse(schemaText({ ...HAND, check: "summary <> 'gate'" }));
    const refused = tmp();
    const invalid = Promise.reject(new Error('schema/ is invalid'));
    await expect(normalizeExpressions(s, { cacheDir: refused, gate: invalid })).rejects.toThrow('schema/ is invalid');
    expect(readdirSync(refused)).toEqual([]);
    const opened = tmp();
    let open = (): void => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const out = normalizeExpressions(s, { cacheDir: opened, gate });
    setTimeout(open, 50);
    expect((await out).tables['notes']!.checks['notes_summary_check']!.expression).toBe("summary <> 'gate'::text");
    expect(readdirSync(join(opened, NORMALIZED_DIR))).toHaveLength(1);
  }, 120_000);

  it('finds a named model (a commit) by its name, without keying the model again', async () => {
    const dir = tmp();
    let builds = 0;
    const paren = async (x: Schema) => (
      builds++,
      mapExpressions(x, (_slot, v) => (typeof v === 'string' && !v.startsWith('(') ? `(${v})` : v))
    );
    const s = parse(schemaText({ ...HAND, check: "summary <> 'named'" }));
    const first = await normalizeExpressions(s, { cacheDir: dir, build: paren, name: 'commit abc' });
    expect(builds).toBeGreaterThan(0);
    expect(first.tables['notes']!.checks['notes_summary_check']!.expression).toBe("(summary <> 'named')");
    // the same model named again: answered by the name, no build
    builds = 0;
    const again = await normalizeExpressions(s, { cacheDir: dir, build: paren, name: 'commit abc' });
    expect(builds).toBe(0);
    expect(schemaHash(again)).toBe(schemaHash(first));
    // the name is what is looked up first: another model under that name is not keyed (a commit's model never changes),
    // while under its own name it is
    const other = parse(schemaText({ ...HAND, check: "summary <> 'other'" }));
    await normalizeExpressions(other, { cacheDir: dir, build: paren, name: 'commit abc' });
    expect(builds).toBe(0);
    await normalizeExpressions(other, { cacheDir: dir, build: paren, name: 'commit def' });
    expect(builds).toBeGreaterThan(0);
  });

  it('remembers a normal form under a name (a commit of it), but not a text PostgreSQL keeps respelling', async () => {
    const dir = tmp();
    let builds = 0;
    const respell = (f: (v: string) => string) => async (x: Schema) => (
      builds++,
      mapExpressions(x, (_slot, v) => (typeof v === 'string' ? f(v) : v))
    );
    const paren = respell((v) => (v.startsWith('(') ? v : `(${v})`));
    const s = parse(schemaText({ ...HAND, check: "summary <> 'normal form'" }));
    const out = await normalizeExpressions(s, { cacheDir: dir, build: paren });
    expect(await rememberNormalForm(out, { cacheDir: dir, name: 'commit n1' })).toBe(true);
    expect(await rememberNormalForm(s, { cacheDir: dir, name: 'commit n0' })).toBe(false); // words, not its output
    builds = 0;
    const found = await normalizeExpressions(out, { cacheDir: dir, build: paren, name: 'commit n1' });
    expect(builds).toBe(0);
    expect(found).toBe(out);
    // every round respells: not a normal form, and no object's answer is kept from it
    const u = parse(schemaText({ ...HAND, check: "summary <> 'unstable'" }));
    const udir = tmp();
    const moving = await normalizeExpressions(u, { cacheDir: udir, build: respell((v) => `${v} `) });
    expect(await rememberNormalForm(moving, { cacheDir: udir, name: 'commit u1' })).toBe(false);
    const files = readdirSync(join(udir, NORMALIZED_DIR));
    expect(files).toHaveLength(1);
    const kept = JSON.parse(readFileSync(join(udir, NORMALIZED_DIR, files[0]!), 'utf8')) as Record<string, unknown>;
    expect(kept.unstable).toBe(true);
    expect(kept.objects).toBeUndefined();
  });

  it('answers early after the first build; the final answer is that very schema when PostgreSQL keeps its text', async () => {
    let builds = 0; // finished builds
    const counting = async (x: Schema) => {
      const back = await buildSchema(x);
      builds++;
      return back;
    };
    // PostgreSQL's own text of this schema reads back unchanged: the later round confirms the early answer
    const early1 = { ...HAND, check: "summary <> 'early'", inList: "title <> 'a'", view: 'select id from notes' };
    const kept = parse(schemaText(early1));
    const early = await normalizeEarly(kept, { cacheDir: tmp(), build: counting });
    expect(builds).toBe(1); // answered after the first (whole) build, the second still to come
    expect(early.schema.tables['notes']!.checks['notes_summary_check']!.expression).toBe("summary <> 'early'::text");
    const final = await early.final;
    expect(builds).toBe(2);
    expect(final).toBe(early.schema);
    expect(await rememberNormalForm(final, { cacheDir: tmp(), name: 'commit e1' })).toBe(true);
    const whole = await normalizeExpressions(JSON.parse(JSON.stringify(kept)) as Schema, { whole: true });
    expect(schemaHash(final)).toBe(schemaHash(whole));
    // an IN list mixing varchar lengths is respelled again by the second build: the early answer is not the final one
    builds = 0;
    const moving = parse(
      schemaText({
        ...HAND,
        check: "summary <> 'early again'",
        inList: "title in ('a'::varchar(3), 'b')",
        view: 'select title from notes',
      }),
    );
    const e2 = await normalizeEarly(moving, { build: counting });
    expect(builds).toBe(1);
    const f2 = await e2.final;
    expect(builds).toBe(3);
    expect(f2).not.toBe(e2.schema);
    expect(schemaHash(f2)).not.toBe(schemaHash(e2.schema));
    const w2 = await normalizeExpressions(JSON.parse(JSON.stringify(moving)) as Schema, { whole: true });
    expect(schemaHash(f2)).toBe(schemaHash(w2));
    // answered without a whole build (here: from memory), the early answer is the final one
    builds = 0;
    const e3 = await normalizeEarly(JSON.parse(JSON.stringify(kept)) as Schema, { build: counting });
    expect(await e3.final).toBe(e3.schema);
    expect(builds).toBe(0);
    expect(schemaHash(e3.schema)).toBe(schemaHash(whole));
  }, 120_000);

  it('keeps the early answer when a later round does not build', async () => {
    let builds = 0; // finished builds
    const failing = async (x: Schema) => {
      await new Promise((r) => setTimeout(r, 10));
      if (++builds > 1) throw new TypeError('not a build failure');
      return mapExpressions(x, (_slot, v) => (typeof v === 'string' ? `(${v})` : v));
    };
    const s = parse(schemaText({ ...HAND, check: "summary <> 'fails later'", view: 'select 1 as fails' }));
    const early = await normalizeEarly(s, { build: failing });
    expect(builds).toBe(1);
    // a later round that does not build keeps the text of the round before: PostgreSQL's own, the early answer
    expect(await early.final).toBe(early.schema);
  });

  it('keeps the words of a schema that does not build', async () => {
    const s = parse(schemaText({ ...HAND, check: 'no_such_function(summary)' }));
    const out = await normalizeExpressions(s);
    expect(out.tables['notes']!.checks['notes_summary_check']!.expression).toBe('no_such_function(summary)');
    expect(out.tables['notes']!.checks['notes_title_check']!.expression).toBe(HAND.inList);
  }, 120_000);

  it('builds again only what PostgreSQL respelled, with its own words (respelledBuild)', async () => {
    const s = parse(`
tables:
  t:
    columns:
      id: { type: bigint, primary_key: true }
      a: { type: int, default: { sql: "1+1" } }
      b: { type: int }
      at: { type: timestamptz, default: { sql: "now()" } }
    checks:
      t_a_check: "a > 0"
      t_b_check: "(b > 0)"
    indexes:
      t_a_idx: { columns: [a], where: "(a > 1)" }
      t_b_idx: { columns: [b] }
`);
    const back = await buildForProof(s);
    const again = respelledBuild(s, back)!;
    const t = again.tables['t']!;
    const read = back.tables['t']!;
    // respelled (PostgreSQL's own words): the default 1+1, the parenthesised check and partial index predicate
    expect(t.columns.find((c) => c.name === 'a')!.default).toEqual({ sql: '1 + 1' });
    expect(Object.keys(t.checks)).toEqual(['t_b_check']);
    expect(t.checks['t_b_check']!.expression).toBe(read.checks['t_b_check']!.expression);
    expect(Object.keys(t.indexes)).toEqual(['t_a_idx']);
    expect(t.indexes['t_a_idx']!.where).toBe(read.indexes['t_a_idx']!.where);
    // spelled as written: left out (the column stays, without its default)
    expect(t.columns.map((c) => c.name)).toEqual(['id', 'a', 'b', 'at']);
    expect(t.columns.find((c) => c.name === 'at')!.default).toBeUndefined();
    // built again, PostgreSQL keeps its own words; a schema it spells as written needs no second build
    const twice = expressionSlots(await buildForProof(again));
    for (const [slot, v] of expressionSlots(again)) expect(twice.get(slot)).toEqual(v);
    expect(respelledBuild(again, await buildForProof(again))).toBeUndefined();
  }, 120_000);

  it('hands a recycled build its database back as the next fresh one, empty again', async () => {
    const s = parse(`
enums: { mood: [ok, sad] }
tables:
  t:
    columns:
      id: { type: bigint, primary_key: true }
      m: { type: mood, default: ok }
    checks:
      t_id_check: "id > 0"
`);
    await (await freshPglite()).close(); // the compile and the image cache warm
    const restores = imageStats.restores;
    const back = await buildForProof(s, { recycle: true });
    expect(back.tables['t']!.checks['t_id_check']!.expression).toBe('id > 0');
    expect(imageStats.restores).toBe(restores + 1);
    const db = await freshPglite(); // no restore: the build's database, rolled back
    try {
      expect(imageStats.restores).toBe(restores + 1);
      expect((await introspect(db)).schema).toEqual(emptySchema());
      // it builds the schema again as a fresh database does
      const again = await buildForProof(s);
      expect(again).toEqual(back);
    } finally {
      await db.close();
    }
    // a build that fails closes its database: nobody's spare
    await expect(
      buildForProof(parse(schemaText({ ...HAND, check: 'nope(summary)' })), { recycle: true }),
    ).rejects.toThrow(/does not build/);
    const next = await freshPglite();
    try {
      expect(imageStats.restores).toBe(restores + 4);
    } finally {
      await next.close();
    }
  }, 120_000);

  it("shares one database among a command's builds (held), reading back as fresh ones do, until released", async () => {
    const small = parse(`
tables:
  t:
    columns:
      id: { type: bigint, primary_key: true }
      n: { type: int, default: { sql: "1+1" } }
    checks:
      t_id_check: "id>0"
`);
    const s2 = parse(schemaText(HAND));
    const bad = parse(schemaText({ ...HAND, check: 'nope(summary)' }));
    const want = [await buildForProof(small), await buildForProof(s2)]; // not held: a database each, closed
    const wantBad = await buildForProof(bad).catch((e: Error) => e.message);
    const restores = imageStats.restores;
    holdDatabases();
    try {
      expect(await buildForProof(small)).toEqual(want[0]);
      expect(await buildForProof(s2)).toEqual(want[1]); // the first build's database, rolled back: no restore
      expect(await buildForProof(small)).toEqual(want[0]);
      expect(imageStats.restores).toBe(restores + 1);
      // a schema that does not build is decided outside a transaction, as without holding: the same message
      expect(await buildForProof(bad).catch((e: Error) => e.message)).toBe(wantBad);
      expect(await buildForProof(small)).toEqual(want[0]); // that database was the failed build's: closed after
      expect(imageStats.restores).toBe(restores + 2);
    } finally {
      await releaseDatabases();
    }
    const next = await freshPglite(); // the release closed the spare: a restore
    try {
      expect(imageStats.restores).toBe(restores + 3);
    } finally {
      await next.close();
    }
  }, 120_000);

  it('keeps no database with objects left in it as the spare', async () => {
    const db = await freshPglite();
    await db.exec('CREATE TABLE left_over (id int)');
    await recycleSpare(db); // committed: not the empty cluster, closed
    const restores = imageStats.restores;
    const next = await freshPglite();
    try {
      expect(imageStats.restores).toBe(restores + 1);
      expect((await introspect(next)).schema).toEqual(emptySchema());
    } finally {
      await next.close();
    }
  }, 60_000);

  it('leaves a schema without expressions alone, without building', async () => {
    const s = parse('tables: { t: { columns: { id: bigint } } }');
    expect(expressionSlots(s).size).toBe(0);
    let builds = 0;
    expect(await normalizeExpressions(s, { build: async (x) => (builds++, x) })).toBe(s);
    expect(builds).toBe(0);
  });
});
