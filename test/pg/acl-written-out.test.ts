/**
 * The default ACL written out (migra's `singleschema`: `GRANT SELECT ON t TO <owner>` leaves relacl non-NULL and
 * equal to the default): read as `{ public: [none] }` (YAML `public: []`), planned as a REVOKE that takes nothing,
 * taken back to NULL, and told apart from a NULL ACL in the catalog, in PGlite. On a function or type (pg-delta's
 * grant-then-revoke cases) it is PUBLIC's default privilege written out (`public: [execute]`), planned as a GRANT of
 * what PUBLIC already holds.
 */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { freshPglite } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { planMigration } from '../../src/plan/index.js';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { canonicalJson } from '../../src/canon/index.js';
import type { Driver } from '../../src/pg/driver.js';

const acl = async (db: Driver, rel: string) =>
  (await db.query<{ a: string | null }>(`SELECT relacl::text AS a FROM pg_class WHERE oid = '${rel}'::regclass`))[0]!.a;

async function migrate(db: Driver, from: Schema, to: Schema): Promise<void> {
  for (const s of planMigration(from, to).steps) await db.exec(s.sql!.join(';\n'));
}

describe('default ACL written out', () => {
  it('reads, writes, plans and resets it', async () => {
    const db = await freshPglite();
    try {
      await db.exec(`CREATE TABLE t (id int); GRANT SELECT ON TABLE t TO postgres; CREATE TABLE u (id int);
        CREATE SEQUENCE s; REVOKE ALL ON SEQUENCE s FROM PUBLIC; CREATE SCHEMA x; REVOKE ALL ON SCHEMA x FROM PUBLIC`);
      const read = (await introspect(db)).schema;
      expect(read.tables['t']!.grants).toEqual({ public: ['none'] });
      expect(read.tables['u']!.grants).toBeUndefined();
      expect(read.sequences['s']!.grants).toEqual({ public: ['none'] });
      expect(read.schemas['x']!.grants).toEqual({ public: ['none'] });
      // YAML says `public: []` and reads back as the same model
      const files = writeSchemaYaml(read);
      expect(files.map((f) => f.text).join('\n')).toContain('public: []');
      const parsed = parseSchemaFiles(files.map((f) => ({ path: f.path, text: f.text }))).schema!;
      expect(canonicalJson(parsed)).toBe(canonicalJson(read));

      // built from nothing: the same catalog (written out where it was, NULL where it was)
      const built = await freshPglite();
      try {
        const steps = planMigration(emptySchema(), parsed).steps.flatMap((s) => s.sql!);
        expect(steps).toContain('REVOKE ALL ON TABLE public.t FROM PUBLIC');
        await migrate(built, emptySchema(), parsed);
        expect(await acl(built, 't')).toBe('{postgres=arwdDxtm/postgres}');
        expect(await acl(built, 'u')).toBeNull();
        expect(canonicalJson((await introspect(built)).schema)).toBe(canonicalJson(read));
        // and back to NULL: the plan resets it, the way back writes it out again
        const { grants: _g, ...plain } = parsed.tables['t']!;
        const to = { ...parsed, tables: { ...parsed.tables, t: plain } };
        await migrate(built, parsed, to);
        expect(await acl(built, 't')).toBeNull();
        await migrate(built, to, parsed);
        expect(await acl(built, 't')).toBe('{postgres=arwdDxtm/postgres}');
      } finally {
        await built.close();
      }
    } finally {
      await db.close();
    }
  });

  it('on a function, a type and an aggregate: reads, writes, plans and resets it', async () => {
    const db = await freshPglite();
    const fnAcl = async (d: Driver, f: string) =>
      (
        await d.query<{ a: string | null }>(`SELECT proacl::text AS a FROM pg_proc WHERE oid = '${f}'::regprocedure`)
      )[0]!.a;
    const tyAcl = async (d: Driver, t: string) =>
      (await d.query<{ a: string | null }>(`SELECT typacl::text AS a FROM pg_type WHERE oid = '${t}'::regtype`))[0]!.a;
    try {
      await db.exec(`CREATE ROLE acl_wo_r; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
        GRANT EXECUTE ON FUNCTION f() TO acl_wo_r; REVOKE EXECUTE ON FUNCTION f() FROM acl_wo_r;
        CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 2';
        CREATE TYPE e AS ENUM ('a'); GRANT USAGE ON TYPE e TO acl_wo_r; REVOKE USAGE ON TYPE e FROM acl_wo_r;
        CREATE AGGREGATE agg(int) (SFUNC = int4pl, STYPE = int);
        GRANT EXECUTE ON FUNCTION agg(int) TO acl_wo_r; REVOKE EXECUTE ON FUNCTION agg(int) FROM acl_wo_r`);
      const read = (await introspect(db)).schema;
      expect(read.functions['f()']!.grants).toEqual({ public: ['execute'] });
      expect(read.functions['g()']!.grants).toBeUndefined();
      expect(read.enums['e']!.grants).toEqual({ public: ['usage'] });
      expect(read.objects!['aggregate agg(integer)']!.sql).toContain(
        'GRANT EXECUTE ON FUNCTION agg(integer) TO PUBLIC',
      );
      const files = writeSchemaYaml(read);
      expect(files.map((f) => f.text).join('\n')).toContain('grants: { public: [ execute ] }');
      const parsed = parseSchemaFiles(files.map((f) => ({ path: f.path, text: f.text }))).schema!;
      expect(canonicalJson(parsed)).toBe(canonicalJson(read));

      const built = await freshPglite();
      try {
        await built.exec('CREATE ROLE acl_wo_r');
        const steps = planMigration(emptySchema(), parsed).steps.flatMap((s) => s.sql!);
        expect(steps).toContain('GRANT EXECUTE ON FUNCTION public.f() TO PUBLIC');
        await migrate(built, emptySchema(), parsed);
        expect(await fnAcl(built, 'f()')).toBe('{=X/postgres,postgres=X/postgres}');
        expect(await fnAcl(built, 'g()')).toBeNull();
        expect(await tyAcl(built, 'e')).toBe('{=U/postgres,postgres=U/postgres}');
        expect(await fnAcl(built, 'agg(int)')).toBe('{=X/postgres,postgres=X/postgres}');
        expect(canonicalJson((await introspect(built)).schema)).toBe(canonicalJson(read));
        // back to NULL and written out again
        const { grants: _g, ...plain } = parsed.functions['f()']!;
        const to = { ...parsed, functions: { ...parsed.functions, 'f()': plain } };
        await migrate(built, parsed, to);
        expect(await fnAcl(built, 'f()')).toBeNull();
        await migrate(built, to, parsed);
        expect(await fnAcl(built, 'f()')).toBe('{=X/postgres,postgres=X/postgres}');
      } finally {
        await built.close();
      }
    } finally {
      await db.close();
    }
  });

  it('`public: []` on a column or function keeps its meaning', () => {
    const s = parseSchemaFiles([
      {
        path: 'schema/a.yaml',
        text: 'tables:\n  t:\n    columns:\n      id: { type: int, grants: { public: [] } }\nfunctions:\n  f: { returns: int, language: sql, body: "SELECT 1", grants: { public: [] } }\n',
      },
    ]).schema!;
    expect(s.tables['t']!.columns[0]!.grants).toBeUndefined();
    expect(s.functions['f()']!.grants).toEqual({ public: ['none'] });
  });
});
