/** Ordering of planned steps: dependencies decide, whatever the order of the input. */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';
import type { Schema } from '../../src/model/types.js';
import { orderDrafts } from '../../src/plan/order.js';
import { sqlObjectKey, type SqlObject } from '../../src/model/objects.js';

function yaml(text: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

const whats = (from: Schema, to: Schema) => planMigration(from, to).steps.map((s) => s.what);
const before = (list: string[], a: RegExp, b: RegExp) => {
  const i = list.findIndex((x) => a.test(x));
  const j = list.findIndex((x) => b.test(x));
  expect(i, `${a} in ${JSON.stringify(list)}`).toBeGreaterThanOrEqual(0);
  expect(j, `${b} in ${JSON.stringify(list)}`).toBeGreaterThanOrEqual(0);
  expect(i, `${a} before ${b} in ${JSON.stringify(list)}`).toBeLessThan(j);
};

describe('step ordering', () => {
  it('creates a referenced table before the foreign key that points at it, even when the FK table sorts first', () => {
    const to = yaml(`tables:
  a_child: { columns: { id: { type: integer, primary_key: true }, p: { type: integer, references: z_parent.id } } }
  z_parent: { columns: { id: { type: integer, primary_key: true } } }
`);
    const plan = planMigration(yaml('tables: {}'), to);
    const w = plan.steps.map((s) => s.what);
    // the target is created in the same plan, so the foreign key is written inside CREATE TABLE a_child
    before(w, /create table z_parent/, /create table a_child/);
    expect(w.some((x) => /add foreign key/.test(x))).toBe(false);
    const child = plan.steps.find((s) => s.what === 'create table a_child')!;
    expect(child.sql[0]).toMatch(/CONSTRAINT a_child_p_fkey FOREIGN KEY \(p\) REFERENCES public\.z_parent \(id\)/);
  });

  it('keeps a foreign key that would close a cycle of new tables as a separate step after both tables', () => {
    const to = yaml(`tables:
  a: { columns: { id: { type: integer, primary_key: true }, b_id: { type: integer, references: b.id } } }
  b: { columns: { id: { type: integer, primary_key: true }, a_id: { type: integer, references: a.id } } }
`);
    const plan = planMigration(yaml('tables: {}'), to);
    const w = plan.steps.map((s) => s.what);
    const separate = w.filter((x) => /add foreign key/.test(x));
    expect(separate).toHaveLength(1);
    const fk = w.indexOf(separate[0]!);
    expect(w.indexOf('create table a')).toBeLessThan(fk);
    expect(w.indexOf('create table b')).toBeLessThan(fk);
    const inlined = plan.steps.filter((s) => /create table/.test(s.what) && /FOREIGN KEY/.test(s.sql[0]!));
    expect(inlined).toHaveLength(1);
  });

  it('does not inline a foreign key whose target columns are only a unique index (the index comes after CREATE TABLE)', () => {
    const to = yaml(`tables:
  p: { columns: { id: integer, code: text }, indexes: { p_code_idx: { columns: [code], unique: true } } }
  c: { columns: { id: integer, code: { type: text, references: p.code } } }
`);
    const plan = planMigration(yaml('tables: {}'), to);
    const w = plan.steps.map((s) => s.what);
    before(w, /create table p/, /add foreign key c_code_fkey/);
    before(w, /create table c/, /add foreign key c_code_fkey/);
  });

  it('drops and recreates a view around a type change of a column it reads, view-on-view in dependency order', () => {
    const base = (t: string) =>
      yaml(`tables:
  items: { columns: { id: { type: integer, primary_key: true }, price: ${t} } }
views:
  v1: { query: "SELECT id, price FROM items" }
  v2: { query: "SELECT id FROM v1" }
`);
    const w = whats(base('integer'), base('bigint'));
    before(w, /drop view v2/, /drop view v1/);
    before(w, /drop view v1/, /alter column items\.price/);
    before(w, /alter column items\.price/, /create view v1/);
    before(w, /create view v1/, /create view v2/);
  });

  it('adds an enum value in place, and recreates the type when the migration uses the new value', () => {
    const t = (vals: string, dflt: string) =>
      yaml(`enums: { mood: [${vals}] }
tables: { p: { columns: { id: { type: integer, primary_key: true }, m: { type: mood, default: ${dflt} } } } }
`);
    const plain = planMigration(t('happy, sad', 'happy'), t('happy, ok, sad', 'happy'));
    expect(renderUp(plain)).toContain("ALTER TYPE public.mood ADD VALUE 'ok' AFTER 'happy'");
    expect(renderDown(plain)).toContain("CREATE TYPE public.mood AS ENUM ('happy', 'sad')");
    const used = planMigration(t('happy, sad', 'happy'), t('happy, ok, sad', 'ok'));
    expect(renderUp(used)).not.toContain('ADD VALUE');
    expect(renderUp(used)).toMatch(
      /RENAME TO mood__old[\s\S]*CREATE TYPE public\.mood AS ENUM \('happy', 'ok', 'sad'\)[\s\S]*SET DEFAULT 'ok'/,
    );
  });

  it('flags dropping an enum value as destructive and rebuilds the columns through text', () => {
    const t = (vals: string) =>
      yaml(`enums: { lvl: [${vals}] }
tables: { t: { columns: { id: { type: integer, primary_key: true }, l: lvl } } }
`);
    const p = planMigration(t('a, b, c'), t('a, c'));
    const step = p.steps.find((s) => /recreate enum lvl/.test(s.what))!;
    expect(step.destructive).toBe(true);
    expect(step.sql.join('\n')).toContain('USING l::text::public.lvl');
  });

  it('creates functions before the defaults and checks that call them, and drops them after', () => {
    const fns = `functions:
  mk: { args: "", returns: text, language: sql, body: "SELECT 'x'" }
  ok: { args: "v text", returns: boolean, language: sql, body: "SELECT v <> ''" }
`;
    const with_ = yaml(`${fns}tables:
  t: { columns: { id: { type: integer, primary_key: true }, c: { type: text, default: { sql: "mk()" } } }, checks: { t_c_ok: "ok(c)" } }
`);
    const without = yaml(`tables:
  t: { columns: { id: { type: integer, primary_key: true }, c: text } }
`);
    const up = whats(without, with_);
    before(up, /create function mk/, /alter column t\.c/);
    before(up, /create function ok/, /add check t_c_ok/);
    const down = whats(with_, without);
    before(down, /alter column t\.c/, /drop function mk/);
    before(down, /drop check t_c_ok/, /drop function ok/);
  });

  it('plans a rename as RENAME, never drop+add, and ignores a hint whose old name is absent', () => {
    const from = yaml('tables: { people: { columns: { id: { type: integer, primary_key: true }, nick: text } } }');
    const to = yaml(
      'tables: { users: { renamed_from: people, columns: { id: { type: integer, primary_key: true }, nickname: { type: text, renamed_from: nick } } } }',
    );
    const up = renderUp(planMigration(from, to));
    expect(up).toContain('ALTER TABLE public.people RENAME TO users');
    expect(up).toContain('ALTER TABLE public.users RENAME COLUMN nick TO nickname');
    expect(up).not.toMatch(/DROP|CREATE/);
    const inert = yaml(
      'tables: { people: { columns: { id: { type: integer, primary_key: true }, nick: text, nickname: { type: text, renamed_from: ghost } } } }',
    );
    expect(renderUp(planMigration(from, inert))).toContain('ADD COLUMN nickname text');
    expect(renderUp(planMigration(from, to, { renames: false }))).toContain('DROP TABLE public.people');
  });

  it('drops tables that reference each other by dropping their foreign keys first', () => {
    const from = yaml(`tables:
  a: { columns: { id: { type: integer, primary_key: true }, b_id: { type: integer, references: b.id } } }
  b: { columns: { id: { type: integer, primary_key: true }, a_id: { type: integer, references: a.id } } }
`);
    const w = whats(from, yaml('tables: {}'));
    before(w, /drop foreign key a_b_id_fkey/, /drop table a/);
    before(w, /drop foreign key b_a_id_fkey/, /drop table b/);
    const p = planMigration(from, yaml('tables: {}'));
    expect(p.steps.filter((s) => /drop table/.test(s.what)).every((s) => s.destructive)).toBe(true);
  });

  it('flags hazards: narrowing types are destructive, rewrites and long locks are marked, widening varchar is neither', () => {
    const t = (a: string, b: string) =>
      yaml(`tables: { t: { columns: { id: { type: integer, primary_key: true }, a: "${a}", b: "${b}" } } }`);
    const p = planMigration(t('varchar(10)', 'bigint'), t('varchar(20)', 'integer'));
    const a = p.steps.find((s) => s.what.startsWith('alter column t.a'))!;
    const b = p.steps.find((s) => s.what.startsWith('alter column t.b'))!;
    expect([a.destructive, a.rewrite, a.lock]).toEqual([false, false, false]);
    expect([b.destructive, b.rewrite, b.lock]).toEqual([true, true, true]);
    const ix = planMigration(
      t('text', 'text'),
      yaml(
        'tables: { t: { columns: { id: { type: integer, primary_key: true }, a: text, b: text }, indexes: { t_a_idx: { columns: [a] } } } }',
      ),
    );
    expect(ix.steps.map((s) => [s.what, s.lock, s.reverse])).toEqual([
      ['create index t_a_idx on t', true, ['DROP INDEX public.t_a_idx']],
    ]);
  });

  it('creates an operator class and its family (one name) before a range type that names the class, whatever the order', () => {
    // pg_dump 002's op_class_custom: class and family required each other's name, a cycle broken by phase, range first
    const obj = (type: SqlObject['type'], name: string, sql: string): [string, SqlObject] => [
      sqlObjectKey(type, name),
      { kind: 'sql_object', type, name, sql },
    ];
    const objects = Object.fromEntries([
      obj(
        'range type',
        'd.range_type_custom',
        'CREATE TYPE d.range_type_custom AS RANGE (SUBTYPE = integer, SUBTYPE_OPCLASS = d.op_class_custom, MULTIRANGE_TYPE_NAME = d.multirange_type_custom)',
      ),
      obj(
        'operator class',
        'd.op_class_custom USING btree',
        'CREATE OPERATOR CLASS d.op_class_custom FOR TYPE integer USING btree FAMILY d.op_class_custom AS OPERATOR 3 =',
      ),
      obj('operator family', 'd.op_class_custom USING btree', 'CREATE OPERATOR FAMILY d.op_class_custom USING btree'),
    ]);
    const to: Schema = { ...yaml('schemas: [d]'), objects };
    const w = whats(yaml('schemas: [d]'), to);
    before(w, /operator family/, /operator class/);
    before(w, /operator class/, /range type/);
  });

  it('orderDrafts keeps phase order, follows dependencies and survives cycles', () => {
    const step = (what: string) => ({
      what,
      object: what,
      sql: [what],
      reverse: null,
      destructive: false,
      rewrite: false,
      lock: false,
    });
    const order = orderDrafts([
      { phase: 2, step: step('late'), provides: ['x'] },
      { phase: 1, step: step('needs-late'), requires: ['x'] },
      { phase: 0, step: step('first') },
      { phase: 3, step: step('cyc-a'), provides: ['a'], requires: ['b'] },
      { phase: 3, step: step('cyc-b'), provides: ['b'], requires: ['a'] },
    ]).map((s) => s.what);
    expect(order).toEqual(['first', 'late', 'needs-late', 'cyc-a', 'cyc-b']);
  });
});

describe('dropped columns come back in their order', () => {
  it('drops the last column first, so the down script re-adds them with their original attribute numbers', async () => {
    const from = yaml(`tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      a: { type: text, comment: 'the a' }
      b: { type: text, comment: 'the b' }
      c: { type: text, comment: 'the c' }
  u: { columns: { id: integer, x: text, y: text } }
`);
    const to = yaml(
      'tables:\n  t: { columns: { id: { type: integer, primary_key: true } } }\n  u: { columns: { id: integer } }\n',
    );
    const plan = planMigration(from, to);
    expect(plan.steps.map((s) => s.what).filter((w) => w.startsWith('drop column'))).toEqual([
      'drop column t.c',
      'drop column t.b',
      'drop column t.a',
      'drop column u.y',
      'drop column u.x',
    ]);
    // proven in PGlite: B built from nothing, then the down script, gives A's attribute numbers and comment keys
    const { freshPglite } = await import('../../src/pg/pglite.js');
    const create = renderUp(planMigration(yaml('tables: {}'), to));
    const db = await freshPglite();
    try {
      await db.exec(create);
      await db.exec(renderDown(plan));
      const cols = await db.query<{ attname: string; attnum: number; d: string | null }>(
        `SELECT attname, attnum, col_description(attrelid, attnum) AS d FROM pg_attribute
          WHERE attrelid = 'public.t'::regclass AND attnum > 0 ORDER BY attnum`,
      );
      expect(cols.map((c) => `${c.attnum}:${c.attname}:${c.d ?? ''}`)).toEqual([
        '1:id:',
        '2:a:the a',
        '3:b:the b',
        '4:c:the c',
      ]);
    } finally {
      await db.close();
    }
  });
});

describe('SQL routine bodies and their parameters', () => {
  it('reads a parameter named like a view as the parameter: the called function comes before the caller and the view', () => {
    // pg-schema-diff's "view depends on function that depends on another function": both functions have a
    // parameter `v`, the view calling them is `v`; keying the parameter as a relation made a cycle that created
    // the view before `helper` existed (function public.helper(numeric) does not exist)
    const to = yaml(`tables:
  t: { columns: { id: { type: integer, primary_key: true }, amount: numeric } }
functions:
  helper: { args: "v numeric", returns: numeric, language: sql, body: "SELECT v * 2" }
  calc: { args: "v numeric", returns: numeric, language: sql, body: "SELECT public.helper(v) + 1" }
views:
  v: { query: "SELECT id, calc(amount) AS result FROM t" }
`);
    const w = whats(yaml('tables: {}'), to);
    before(w, /create function helper/, /create function calc/);
    before(w, /create function calc/, /create view v/);
  });
});
