/** Type changes PostgreSQL cannot cast: a declared `using:` converts, none is a located error, never a failing cast. */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { planMigration } from '../../src/plan/index.js';
import { castKnownMissing } from '../../src/plan/casts.js';
import { withColumnLoc } from '../../src/app/locate.js';
import { schemaHash } from '../../src/canon/index.js';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Schema } from '../../src/model/types.js';

const file = (text: string) => ({ path: 'schema/main.yaml', text });
const load = (text: string): Schema => {
  const r = parseSchemaFiles([file(text)]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
};
const A = `tables:\n  "Ev T":\n    columns:\n      id: integer\n      at: bigint\n      t: time\n`;

describe('type changes without a cast', () => {
  it('knows the casts PostgreSQL has', () => {
    expect(castKnownMissing('bigint', 'timestamp without time zone')).toBe(true);
    expect(castKnownMissing('time without time zone', 'timestamp without time zone')).toBe(true);
    expect(castKnownMissing('integer', 'bigint')).toBe(false);
    expect(castKnownMissing('text', 'integer')).toBe(false); // through the text form
    expect(castKnownMissing('numeric(10,2)', 'integer')).toBe(false);
    expect(castKnownMissing('mood', 'integer')).toBe(false); // a user type: PostgreSQL decides
  });

  it('asks for `using:` at the column, and never writes a cast that fails', () => {
    const to = A.replace('at: bigint', 'at: timestamp');
    const err = (() => {
      try {
        withColumnLoc([file(to)], () => planMigration(load(A), load(to)));
      } catch (e) {
        return e as { code: string; loc: unknown; hint: string; exit: number };
      }
    })();
    expect(err).toMatchObject({ code: 'type-change-needs-using', exit: 2 });
    expect(err!.loc).toEqual({ file: 'schema/main.yaml', line: 5, col: 7 });
    expect(err!.hint).toMatch(/to_timestamp\(at\)/);
  });

  it('converts with the declared expression, proven in PGlite; the hint is not identity', async () => {
    const to = A.replace('at: bigint', 'at: { type: timestamp, using: "to_timestamp(at)" }').replace(
      ' t: time',
      ` t: { type: timestamp, using: "date '2000-01-01' + t" }`,
    );
    const plain = A.replace('at: bigint', 'at: timestamp').replace(' t: time', ' t: timestamp');
    expect(schemaHash(load(to))).toBe(schemaHash(load(plain)));
    const plan = planMigration(load(A), load(to));
    // timestamp -> bigint has no cast either: that step is irreversible (said so); timestamp -> time has one
    expect(plan.steps.map((s) => [s.what, s.reverse === null])).toEqual([
      ['alter column "Ev T".at (type)', true],
      ['alter column "Ev T".t (type)', false],
    ]);
    const db = await freshPglite();
    try {
      const create = planMigration(load(`tables: {}`), load(A));
      for (const s of create.steps) await db.exec(s.sql.join(';\n'));
      await db.exec(`SET TIME ZONE 'UTC'; INSERT INTO "Ev T" VALUES (1, 86400, '10:30')`);
      for (const s of plan.steps) await db.exec(s.sql.join(';\n'));
      const rows = await db.query<{ at: string; t: string }>(`SELECT at::text AS at, t::text AS t FROM "Ev T"`);
      expect(rows).toEqual([{ at: '1970-01-02 00:00:00', t: '2000-01-01 10:30:00' }]);
      // a `using:` the parent already had is stale: a later change of the same column does not reuse it
      const later = planMigration(load(to), load(to.replace('type: timestamp, using', 'type: timestamptz, using')));
      expect(later.steps.map((s) => s.sql.join('\n')).join('\n')).not.toMatch(/to_timestamp/);
    } finally {
      await db.close();
    }
  });

  it('leaves the `using` of policies and indexes a real attribute', () => {
    const a = load(
      'tables:\n  t:\n    columns:\n      id: integer\n    indexes:\n      t_i: { columns: [id], using: btree }\n    policies:\n      p: { using: "id > 0" }\n',
    );
    const b = load(
      'tables:\n  t:\n    columns:\n      id: integer\n    indexes:\n      t_i: { columns: [id], using: hash }\n    policies:\n      p: { using: "true" }\n',
    );
    expect(planMigration(a, b).steps.length).toBeGreaterThanOrEqual(2);
  });
});
