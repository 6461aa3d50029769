/**
 * Shared spellings (src/pg/normshare.ts): a build that holds each distinct default, check and index once, in tables
 * of their own, reads every expression back exactly as the whole schema built in PGlite does — slot by slot, on
 * generated schemas (every kind of change the generator makes) and on hand-written expressions PostgreSQL respells
 * (casts, IN lists, collations, operator classes, quoted names, enum and domain types); what cannot share (a
 * generated column, a text naming its own table, a sequence's default, a partition) is built as itself; an index of
 * plain column keys is built nowhere, its text its own answer, which the whole build reads back; what only the shared
 * tables' other columns name (an enum no part uses) is not built.
 */
import { describe, expect, it } from 'vitest';
import type { Schema } from '../../src/model/types.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { buildForProof, expressionSlots, slotsByObject } from '../../src/pg/normalize.js';
import { objectPlan } from '../../src/pg/normcache.js';
import { sharedBuild } from '../../src/pg/normshare.js';
import { sameValue } from '../../src/diff/index.js';
import { generateSchema, mutateSchema } from '../../tools/generate.js';

function parse(yaml: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text: yaml }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.schema;
}

/** plan is the shared build of every object of `s` with expressions (no cost bound). */
function plan(s: Schema) {
  const by = slotsByObject(s);
  const sb = sharedBuild(s, by, objectPlan(s, by, 'test'), new Set(by.keys()), Infinity);
  return { by, sb };
}

/** expectSharedAsWhole builds `s` whole and shared, and compares every slot's read-back; returns the shared plan. */
async function expectSharedAsWhole(s: Schema) {
  const { by, sb } = plan(s);
  expect(sb).toBeDefined();
  const whole = expressionSlots(await buildForProof(s));
  const back = expressionSlots(await buildForProof(sb!.schema));
  const differ: string[] = [];
  let compared = 0;
  const check = (slot: string, from: string) => {
    compared++;
    const w = whole.get(slot);
    const x = back.get(from);
    if (!(w === undefined && x === undefined) && !sameValue(w, x))
      differ.push(`${slot}: whole ${JSON.stringify(w)}, shared ${JSON.stringify(x)}`);
  };
  for (const [slot, from] of sb!.via) check(slot, from);
  for (const o of sb!.direct) for (const slot of by.get(o)!.keys()) check(slot, slot);
  // a slot answered by its own text: the whole build reads it back as written
  const declared = expressionSlots(s);
  for (const slot of sb!.known) {
    compared++;
    if (!sameValue(whole.get(slot), declared.get(slot)))
      differ.push(`${slot}: whole ${JSON.stringify(whole.get(slot))}, declared ${JSON.stringify(declared.get(slot))}`);
  }
  expect(differ).toEqual([]);
  expect(compared).toBe([...by.values()].reduce((n, m) => n + m.size, 0)); // every slot answered
  return sb!;
}

const repeated = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

/** HAND: texts PostgreSQL respells, each on several tables, with same-named columns of other types. */
const HAND = `
enums: { mood: [ok, sad], shade: [light, dark] }
domains:
  positive: { type: int, check: "VALUE > 0" }
sequences:
  counter: {}
tables:
${repeated(
  6,
  (i) => `  notes_${i}:
    columns:
      id: { type: bigint, primary_key: true }
      summary: { type: ${i % 2 ? 'varchar(40)' : 'text'}, nullable: false, default: "" }
      title: { type: varchar(40), collation: "C" }
      "Odd Name": { type: int, default: { sql: "1+1" } }
      mood: { type: mood, default: ok }
      score: { type: positive, default: 1 }
      at: { type: timestamptz, default: { sql: "now()" } }
      n: { type: "numeric(12,2)", check: "n >= 0" }
      tag: { type: text, default: { sql: "'x'::text || 'y'" } }
      ${i ? 'tint: { type: shade }' : '# notes_0 (stripped for the view) has no tint'}
    checks:
      notes_${i}_summary_check: "summary <> ''"
      notes_${i}_title_check: "title in ('a', 'b')"
      notes_${i}_odd_check: '"Odd Name" between 1 and 10'
    indexes:
      notes_${i}_title_idx: { columns: [title], where: "mood <> 'sad'" }
      notes_${i}_lower_idx: { expressions: ["lower(summary)"] }
      notes_${i}_pattern_idx: { columns: [{ column: title, opclass: varchar_pattern_ops }] }
      notes_${i}_at_idx: { columns: [{ column: at, order: desc, nulls: last }] }
      notes_${i}_plain_idx: { columns: [title, { column: at, order: desc }, { column: n, order: desc, nulls: first }] }
      notes_${i}_mood_idx: { columns: [mood, score], unique: true }
      notes_${i}_asc_idx: { columns: [{ column: "Odd Name", order: asc, nulls: last }] }`,
)}
  selfish:
    columns:
      id: { type: int }
      other: { type: int, default: { sql: "nextval('counter')" } }
    checks:
      selfish_row_check: "selfish IS NOT NULL"
  computed:
    columns:
      a: { type: int, default: 1 }
      b: { type: int, generated: "a * 2" }
    checks:
      computed_a_check: "a > 0"
  counted:
    columns:
      id: { type: int, default: { sql: "nextval('counter'::regclass)" } }
      n: { type: int, default: 1 }
views:
  sad_notes: { query: "select id, title from notes_0 where mood = 'sad'" }
`;

describe('shared spellings', () => {
  it('reads back hand-written expressions exactly as the whole build, building what cannot share as itself', async () => {
    const s = parse(HAND);
    const sb = await expectSharedAsWhole(s);
    // a domain, a check naming its own table, a generated column, a sequence's default, a view: built as themselves
    expect([...sb.direct].sort()).toEqual([
      'domains:positive',
      'tables:computed',
      'tables:counted',
      'tables:selfish',
      'views:sad_notes',
    ]);
    // indexes of plain column keys (a column and its order, written or the defaults): answered by their own text
    expect([...sb.known].filter((slot) => slot.startsWith('table notes_0 ')).sort()).toEqual([
      'table notes_0 index notes_0_asc_idx elements',
      'table notes_0 index notes_0_mood_idx elements',
      'table notes_0 index notes_0_plain_idx elements',
    ]);
    const built = Object.values(sb.schema.tables).flatMap((t) => Object.values(t.indexes));
    // NULLS LAST, the predicate, the operator class once each; the expression once per type of `summary`
    expect(built.map((ix) => JSON.stringify(ix.elements)).sort()).toEqual([
      '[{"column":"at","order":"desc","nulls":"last"}]',
      '[{"column":"title","opclass":"varchar_pattern_ops"}]',
      '[{"column":"title"}]',
      '[{"expression":"lower(summary)"}]',
      '[{"expression":"lower(summary)"}]',
    ]);
    // what the bins' parts name is built (the enum of defaults), not what only the shared tables' other columns name
    expect(Object.keys(sb.schema.enums)).toEqual(['mood']);
    const bins = Object.keys(sb.schema.tables).filter((id) => id.includes('sv_shared_'));
    expect(bins.length).toBeGreaterThan(0);
    expect(bins.length).toBeLessThan(6); // six tables' parts share a few bins
    // text and varchar(40) columns named `summary`: not one column of a bin
    const summaries = Object.values(sb.schema.tables).flatMap((t) => t.columns.filter((c) => c.name === 'summary'));
    expect(new Set(summaries.map((c) => c.type))).toEqual(new Set(['text', 'character varying(40)']));
  }, 120_000);

  it('reads back generated schemas and their edits exactly as the whole build, from far fewer tables', async () => {
    const a = generateSchema(120, 7);
    for (const s of [a, mutateSchema(a, 40, 8), mutateSchema(a, 40, 9)]) {
      const sb = await expectSharedAsWhole(s);
      expect(Object.keys(sb.schema.tables).length).toBeLessThan(Object.keys(s.tables).length / 3);
      expect(sb.known.size).toBeGreaterThan(0); // the generator's plain indexes: not built
    }
  }, 300_000);
});
