/**
 * A composite type that loses attributes leaves no dropped-attribute placeholder when nothing holds data of it: the
 * plan rebuilds it with the routines and composites over it (pg-schema-diff's composite cascade cases), applied for
 * real in PGlite and on the PostgreSQL test server, up then down. A table column of the type keeps ALTER TYPE (its
 * data would go with a rebuild).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { planMigration } from '../../src/plan/index.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { connectUrl } from '../../src/pg/server.js';
import type { Driver } from '../../src/pg/driver.js';
import type { Step } from '../../src/model/plan.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

const parse = (text: string): Schema => {
  const r = parseSchemaFiles([{ path: 'schema/a.yaml', text }]);
  if (!r.schema) throw new Error(JSON.stringify(r.issues));
  return r.schema;
};
const scenario = (file: string) =>
  parse(readFileSync(resolve(import.meta.dirname, '../scenarios/plan/composite-rebuilt-with-routines', file), 'utf8'));
const A = scenario('from.yaml');
const B = scenario('to.yaml');

async function run(db: Driver, steps: readonly Step[], reverse = false): Promise<void> {
  for (const s of reverse ? [...steps].reverse() : steps) await db.exec((reverse ? s.reverse! : s.sql).join(';\n'));
}

/** placeholders lists the dropped attributes composite types hold (`type.........pg.dropped.N........`). */
async function placeholders(db: Driver): Promise<string[]> {
  const rows = await db.query<{ t: string }>(
    `SELECT c.relname AS t FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relkind = 'c' AND a.attisdropped AND c.relnamespace = 'public'::regnamespace ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

/** roundTrip builds A, migrates up to B and down again, and returns the placeholders after each and what f returns. */
async function roundTrip(db: Driver): Promise<{ up: string[]; down: string[]; label: unknown }> {
  await run(db, planMigration(emptySchema(), A).steps);
  const plan = planMigration(A, B);
  await run(db, plan.steps);
  const up = await placeholders(db);
  const [{ v }] = await db.query<{ v: unknown }>('SELECT label_of(7) AS v');
  await run(db, plan.steps, true);
  return { up, down: await placeholders(db), label: v };
}

describe('a composite type losing attributes', () => {
  let db: Driver;
  beforeAll(async () => {
    db = await freshPglite();
  });
  afterAll(() => db.close());

  it('is rebuilt with the routines and composites over it: no placeholder after down (PGlite)', async () => {
    expect(await roundTrip(db)).toEqual({ up: [], down: [], label: 7 });
    // the routines came back and work
    expect(await db.query('SELECT label_of(3) AS v, count_pairs(ARRAY[(1, $$x$$)::pair]) AS n')).toEqual([
      { v: 3, n: 1 },
    ]);
  });

  it('is rebuilt on the PostgreSQL server too', async (t) => {
    if (!(await serverAvailable())) return t.skip();
    const d = await createDatabase('sv_composite');
    const server = await connectUrl(d.url);
    try {
      expect(await roundTrip(server)).toEqual({ up: [], down: [], label: 7 });
    } finally {
      await server.close();
      await d.drop();
    }
  });

  it('rebuilds the views over it (its cast or a routine rebuilt with it) around it, both ways (PGlite)', async () => {
    const over = (attrs: string, body: string) =>
      `composites:\n  pair:\n    attributes:\n${attrs}` +
      `functions:\n  mk: { args: "x integer", returns: pair, language: sql, body: "${body}" }\n` +
      `views:\n  casts: { query: "SELECT NULL::pair AS p, 2 AS n" }\n` +
      `  firsts: { query: "SELECT (mk(1)).a AS a", comment: the first }\n` +
      `  tops: { query: "SELECT a + 1 AS b FROM firsts" }\n` +
      `  kept: { materialized: true, query: "SELECT (mk(4)).a AS a" }\n`;
    const two = '      a: { type: integer }\n      b: { type: text }\n';
    // qualified: PostgreSQL 17+ runs a materialized view's query with search_path = pg_catalog, pg_temp
    const a = parse(over(two, "SELECT (x, 't')::public.pair"));
    const b = parse(over(`${two}      c: { type: boolean }\n`, "SELECT (x, 't', true)::public.pair"));
    const d = await freshPglite();
    try {
      await d.exec('SET search_path = public'); // as every generated script pins it
      await run(d, planMigration(emptySchema(), b).steps);
      const down = planMigration(b, a);
      await run(d, down.steps);
      expect(await placeholders(d)).toEqual([]);
      expect(await d.query('SELECT b, (SELECT a FROM kept) AS k FROM tops')).toEqual([{ b: 2, k: 4 }]);
      await run(d, down.steps, true);
      expect(await placeholders(d)).toEqual([]);
      expect(await d.query(`SELECT obj_description('firsts'::regclass) AS c, (mk(5)).c AS c3`)).toEqual([
        { c: 'the first', c3: true },
      ]);
    } finally {
      await d.close();
    }
  });

  it('keeps ALTER TYPE when a table column, directly or through a containing composite, holds data of it', () => {
    const over = (col: string) =>
      `composites:\n  pair:\n    attributes:\n      a: { type: integer }\n      b: { type: text }\n` +
      `  holder:\n    attributes:\n      p: { type: pair }\ntables:\n  users:\n    columns:\n      id: integer\n      attrs: ${col}\n`;
    for (const col of ['pair', '"pair[]"', 'holder']) {
      const b = parse(over(col));
      const a = parse(over(col).replace('      b: { type: text }\n', ''));
      const down = planMigration(b, a).steps.flatMap((s) => s.sql);
      expect(down, col).toContain('ALTER TYPE public.pair DROP ATTRIBUTE b');
      expect(
        down.some((s) => s.startsWith('DROP TYPE')),
        col,
      ).toBe(false);
    }
  });
});
