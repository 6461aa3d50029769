/**
 * Enum value renames rewrite string literals inside defaults and view queries (src/diff/sqltext.ts). The new value
 * is hostile here (quote, backslash, newline, unicode line separators) and the rewritten text is run in PGlite
 * under standard_conforming_strings on AND off: it is one literal reading back exactly, and `victim` survives.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Driver } from '../../src/pg/driver.js';
import { lexSql, moveRelations, renameStringLiterals } from '../../src/diff/sqltext.js';
import { applyRenames, findRenames } from '../../src/diff/renames.js';
import { parseSchemaFiles } from '../../src/parse/index.js';

const HOSTILE = [
  "\\'; DROP TABLE victim; --",
  "x\\''); DROP TABLE victim; --",
  '\\',
  "it's",
  'line\nbreak',
  'sep\u2028para\u2029nel\u0085',
  'back\\slash\nand\r\nboth',
  'Café ☕',
];

let db: Driver;
beforeAll(async () => {
  db = await freshPglite();
  await db.exec('CREATE TABLE victim (x int)');
}, 60_000);
beforeEach(async () => {
  await db.exec('CREATE TABLE IF NOT EXISTS victim (x int)'); // each case on its own (an earlier failure dropped it)
});
afterAll(async () => {
  await db?.close();
});

/** valueOf runs `SELECT <expr>` (a whole script: an escaped literal would run what follows) under one setting. */
async function valueOf(expr: string, scs: 'on' | 'off'): Promise<unknown> {
  await db.exec(`SET standard_conforming_strings = ${scs}; SET escape_string_warning = off`);
  try {
    await db.exec(`DROP TABLE IF EXISTS o; CREATE TEMP TABLE o AS SELECT ${expr} AS v`);
    return (await db.query<{ v: unknown }>('SELECT v::text AS v FROM o'))[0]?.v;
  } finally {
    await db.exec('SET standard_conforming_strings = on');
  }
}

async function victimExists(): Promise<boolean> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'victim'`);
  return r[0]!.n === 1;
}

describe('renameStringLiterals', () => {
  for (const to of HOSTILE) {
    it(`writes ${JSON.stringify(to)} as one literal under either setting`, async () => {
      const out = renameStringLiterals(`coalesce(NULL, 'old')`, new Map([['old', to]]));
      expect(lexSql(out).strings.map((s) => s.value)).toEqual([to]);
      for (const scs of ['on', 'off'] as const) {
        expect(await valueOf(out, scs), `${scs}: ${out}`).toBe(to);
        expect(await victimExists(), `${scs}: ${out}`).toBe(true);
      }
    });
  }

  it('an enum value rename with a hostile new value: the renamed default and view query run as one literal', async () => {
    const to = HOSTILE[0]!;
    const files = (value: string) => [
      {
        path: 'schema/s.yaml',
        text: `enums:\n  mood: [${JSON.stringify(value)}, 'b']\ntables:\n  t:\n    columns:\n      m: { type: mood, default: { sql: "coalesce(NULL, 'old')" } }\nviews:\n  v:\n    query: "SELECT m FROM t WHERE m::text <> 'old'"\n`,
      },
    ];
    const from = parseSchemaFiles(files('old')).schema!;
    const target = parseSchemaFiles([
      {
        path: 'schema/s.yaml',
        text: `enums:\n  mood:\n    values: [{ value: ${JSON.stringify(to)}, renamed_from: old }, 'b']\ntables:\n  t:\n    columns:\n      m: { type: mood }\n`,
      },
    ]);
    expect(target.issues).toEqual([]);
    const renamed = applyRenames(from, findRenames(from, target.schema!));
    const def = renamed.tables['t']!.columns[0]!.default as { sql: string };
    for (const scs of ['on', 'off'] as const) {
      expect(await valueOf(def.sql, scs)).toBe(to);
      const q = renamed.views['v']!.query;
      expect(await valueOf(q.replace(/^SELECT m FROM t WHERE m::text <> /, ''), scs)).toBe(to);
      expect(await victimExists()).toBe(true);
    }
  });
});

describe('moveRelations', () => {
  it('writes a moved relation with hostile schema and name as one qualified name', async () => {
    const schema = 'we"ird\\s';
    const name = "n'a\nme";
    await db.exec(
      `CREATE SCHEMA "we""ird\\s"; CREATE TABLE "we""ird\\s"."n'a\nme" (x int); INSERT INTO "we""ird\\s"."n'a\nme" VALUES (7)`,
    );
    const out = moveRelations('SELECT x FROM old', new Map([['old', { oldSchema: 'public', schema, name }]]));
    for (const scs of ['on', 'off'] as const) {
      await db.exec(`SET standard_conforming_strings = ${scs}`);
      await db.exec(`DROP TABLE IF EXISTS o; CREATE TEMP TABLE o AS ${out}`);
      expect(await db.query<{ x: number }>('SELECT x FROM o')).toEqual([{ x: 7 }]);
    }
    await db.exec('SET standard_conforming_strings = on');
    expect(await victimExists()).toBe(true);
  });
});
