/**
 * Operator families and classes no extension owns: read as definition objects (`objects:`), the same text every
 * time, and a schema imported from them builds from nothing (plan from empty, in PGlite) to the same catalog —
 * a class with its own family and loose family members, a DEFAULT class made without FAMILY, a gist class with
 * STORAGE and an ORDER BY operator, a class with no member of its own (pg_dump's op_class_empty), a range type over
 * a class of the same schema (pg_dump's op_class_custom).
 */
import { describe, expect, it } from 'vitest';
import { importSql } from '../../src/pg/import.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { planMigration } from '../../src/plan/index.js';
import { emptySchema } from '../../src/model/types.js';
import { canonicalJson } from '../../src/canon/index.js';
import { compareSchemas } from '../../src/pg/compare.js';

const DDL = `
CREATE SCHEMA ops;
CREATE FUNCTION ops.rev_cmp(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT btint4cmp($2, $1)';
CREATE FUNCTION ops.rev_cmp8(integer, bigint) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT -btint48cmp($1, $2)';
CREATE OPERATOR FAMILY ops.rev_fam USING btree;
CREATE OPERATOR CLASS ops.rev_ops FOR TYPE integer USING btree FAMILY ops.rev_fam AS
  OPERATOR 1 >, OPERATOR 2 >=, OPERATOR 3 =, OPERATOR 4 <=, OPERATOR 5 <, FUNCTION 1 ops.rev_cmp(integer, integer);
ALTER OPERATOR FAMILY ops.rev_fam USING btree ADD FUNCTION 1 (integer, bigint) ops.rev_cmp8(integer, bigint);
CREATE TYPE pt AS (x float8, y float8);
CREATE FUNCTION pt_eq(pt, pt) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
CREATE OPERATOR === (LEFTARG = pt, RIGHTARG = pt, FUNCTION = pt_eq);
CREATE FUNCTION pt_hash(pt) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT hashfloat8(($1).x)';
CREATE OPERATOR CLASS pt_hash_ops DEFAULT FOR TYPE pt USING hash AS OPERATOR 1 ===, FUNCTION 1 pt_hash(pt);
COMMENT ON OPERATOR CLASS pt_hash_ops USING hash IS 'points by x';
CREATE TABLE t (a integer, p pt);
CREATE INDEX t_a_rev ON t (a ops.rev_ops);
CREATE INDEX t_p_hash ON t USING hash (p);
CREATE OPERATOR CLASS box_keys FOR TYPE box USING gist AS
  OPERATOR 3 && (box, box), OPERATOR 15 <-> (box, point) FOR ORDER BY float_ops,
  FUNCTION 1 gist_box_consistent(internal, box, smallint, oid, internal), FUNCTION 2 gist_box_union(internal, internal),
  FUNCTION 5 gist_box_penalty(internal, internal, internal), FUNCTION 6 gist_box_picksplit(internal, internal),
  FUNCTION 7 gist_box_same(box, box, internal), FUNCTION 8 gist_box_distance(internal, box, smallint, oid, internal),
  STORAGE box;
CREATE OPERATOR CLASS ops.empty_ops FOR TYPE bigint USING btree FAMILY ops.rev_fam AS STORAGE bigint;
CREATE SCHEMA dump_test;
CREATE OPERATOR dump_test.~~ (PROCEDURE = int4eq, LEFTARG = int, RIGHTARG = int);
CREATE OPERATOR CLASS dump_test.op_class_custom FOR TYPE int USING btree AS OPERATOR 3 dump_test.~~;
CREATE TYPE dump_test.range_type_custom AS RANGE (subtype = int, subtype_opclass = dump_test.op_class_custom);
`;

describe('operator classes and families', () => {
  it('import as objects, deterministically, and build from nothing to the same catalog', async () => {
    const first = await importSql(DDL);
    expect(first.unsupported.map((i) => i.message)).toEqual([]);
    const objects = first.schema.objects ?? {};
    expect(Object.keys(objects).sort()).toEqual(
      expect.arrayContaining([
        'operator family ops.rev_fam USING btree',
        'operator class ops.rev_ops USING btree',
        'operator family pt_hash_ops USING hash',
        'operator class pt_hash_ops USING hash',
        'operator class box_keys USING gist',
        'operator family box_keys USING gist',
      ]),
    );
    expect(objects['operator family ops.rev_fam USING btree']!.sql).toContain(
      'ADD\n  FUNCTION 1 (integer, bigint) ops.rev_cmp8(integer,bigint)',
    );
    expect(objects['operator class pt_hash_ops USING hash']!.sql).toMatch(
      /^CREATE OPERATOR CLASS pt_hash_ops DEFAULT FOR TYPE pt USING hash FAMILY pt_hash_ops AS/,
    );
    // gist keeps its operators and distance function as loose family members (soft dependencies): they are in the family
    expect(objects['operator family box_keys USING gist']!.sql).toContain('FOR ORDER BY float_ops');
    expect(canonicalJson((await importSql(DDL)).schema)).toBe(canonicalJson(first.schema)); // same text every time

    // through YAML and a plan from nothing
    const parsed = parseSchemaFiles(writeSchemaYaml(first.schema).map((f) => ({ path: f.path, text: f.text })));
    expect(parsed.issues).toEqual([]);
    const db = await freshPglite();
    try {
      for (const s of planMigration(emptySchema(), parsed.schema!).steps) await db.exec(s.sql!.join(';\n'));
      const built = (await introspect(db)).schema;
      expect(compareSchemas(first.schema, built)).toEqual([]);
      expect(canonicalJson(built)).toBe(canonicalJson(first.schema));
      // and a plan back to nothing drops them all: classes before their families, both before the functions they call
      const down = planMigration(built, emptySchema()).steps;
      for (const s of down) await db.exec(s.sql!.join(';\n'));
      const left = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace WHERE n.nspname IN ('public', 'ops', 'dump_test')`,
      );
      expect(left[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});
