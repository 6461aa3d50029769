/**
 * The `public` schema: never created or dropped, listed in `schemas:` only to manage its privileges; the standard
 * one (USAGE for PUBLIC) declared explicitly hashes like a schema that leaves it out. Catalog proofs of the grants
 * are in test/conformance/corpus-privileges.jsonl (`privileges/grant/public-schema-*`).
 */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { schemaHash } from '../../src/canon/canonical.js';
import { planMigration, renderUp, renderDown } from '../../src/plan/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import type { Schema } from '../../src/model/types.js';

const TABLE = 'tables:\n  t:\n    columns:\n      id: int\n';
const parse = (text: string) => parseSchemaFiles([{ path: 'schema/app.yaml', text }]);
const schema = (text: string): Schema => {
  const r = parse(text);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
};
const withPublic = (grants: string) => `schemas:\n  - name: public\n    grants:\n${grants}${TABLE}`;

describe('the public schema', () => {
  it('is listed only with grants, a comment or an owner; a bare entry is a located error', () => {
    const bare = parse(`schemas:\n  - public\n${TABLE}`);
    expect(bare.schema).toBeUndefined();
    expect(bare.issues[0]).toMatchObject({ code: 'invalid-value', loc: { file: 'schema/app.yaml', line: 2 } });
    expect(bare.issues[0]!.hint).toContain('grants:');
    const commented = parse(
      `schemas:\n  - name: public\n    comment: mine\n    grants:\n      public: [usage]\n${TABLE}`,
    );
    expect(commented.issues).toEqual([]);
    expect(commented.schema!.schemas['public']).toMatchObject({ comment: 'mine' });
    // a comment alone keeps the standard grants (USAGE for PUBLIC): the plan changes the comment, nothing else
    const alone = schema(`schemas:\n  - { name: public, comment: '' }\n${TABLE}`);
    expect(alone.schemas['public']!.grants).toEqual({ public: ['usage'] });
    expect(renderUp(planMigration(schema(TABLE), alone))).toContain("COMMENT ON SCHEMA public IS '';");
    expect(renderUp(planMigration(schema(TABLE), alone))).not.toMatch(/GRANT|REVOKE/);
  });

  it('declared as standard (USAGE for PUBLIC) hashes like a schema without it', () => {
    expect(schemaHash(schema(withPublic('      public: [usage]\n')))).toBe(schemaHash(schema(TABLE)));
    expect(schemaHash(schema(withPublic('      public: [usage]\n      reader: [usage]\n')))).not.toBe(
      schemaHash(schema(TABLE)),
    );
  });

  it('is never created or dropped: a plan grants and revokes against the standard one, both ways', () => {
    const to = schema(withPublic('      reader: [usage, create]\n'));
    const plan = planMigration(schema(TABLE), to);
    const up = renderUp(plan);
    expect(up).not.toMatch(/CREATE SCHEMA|DROP SCHEMA/);
    expect(up).toContain('GRANT ALL ON SCHEMA public TO reader;');
    expect(up).toContain('REVOKE USAGE ON SCHEMA public FROM PUBLIC;');
    const down = renderDown(plan);
    expect(down).not.toMatch(/CREATE SCHEMA|DROP SCHEMA/);
    expect(down).toContain('GRANT USAGE ON SCHEMA public TO PUBLIC;');
    expect(down).toMatch(/REVOKE .* ON SCHEMA public FROM reader;/);
  });

  it('is listed with an owner alone; absent means pg_database_owner, which a plan restores', () => {
    const owned = schema(`schemas:\n  - { name: public, owner: 'Odd "Role"' }\n${TABLE}`);
    expect(owned.schemas['public']).toMatchObject({ owner: 'Odd "Role"', grants: { public: ['usage'] } });
    const plan = planMigration(schema(TABLE), owned);
    expect(renderUp(plan)).toContain('ALTER SCHEMA public OWNER TO "Odd ""Role""";');
    expect(renderUp(plan)).not.toMatch(/GRANT|REVOKE|COMMENT/);
    // pg_database_owner exists from PostgreSQL 15: the server running the plan chooses (test/plan/public-owner.test.ts)
    expect(renderDown(plan)).toContain(
      "DO $sv$ BEGIN IF pg_catalog.current_setting('server_version_num')::int >= 150000 THEN ALTER SCHEMA public OWNER TO pg_database_owner;",
    );
    // the standard owner declared is the standard schema
    expect(schemaHash(schema(`schemas:\n  - { name: public, owner: pg_database_owner }\n${TABLE}`))).toBe(
      schemaHash(schema(TABLE)),
    );
  });

  it('round-trips through the YAML writer', () => {
    const s = schema(withPublic('      public: [usage]\n      reader: [usage]\n'));
    const files = writeSchemaYaml(s);
    expect(schemaHash(schema(files.map((f) => f.text).join('\n')))).toBe(schemaHash(s));
  });
});
