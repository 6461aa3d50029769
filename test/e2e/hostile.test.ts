/**
 * Issue "migration engine", end to end through the built CLI: a schema whose schema, table, column, index,
 * constraint, enum and enum-value names hold double and single quotes, semicolons, spaces, comment markers,
 * unicode, reserved words and 63-byte names is committed WITH verification, planned (--json shape), diffed
 * with --sql, and deployed up, checked, downgraded and upgraded again on embedded PGlite and on a throwaway
 * database of the PostgreSQL server. Commands run the built CLI in this process (helpers/inproc.ts).
 * Build first (`npx tsc -p .`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { hasStackTrace, type Project, type CliResult } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { createDatabase, serverAvailable } from '../helpers/server.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

const hasServer = await serverAvailable();

const T63 = 'T'.repeat(63);
const C63 = 'c'.repeat(63);
// 63 bytes with multibyte characters: 'é' is 2 bytes, '☕' is 3 bytes (58 + 2 + 3 = 63)
const M63 = 'm'.repeat(58) + 'é☕';

const REV1 = `schemas: ['we"ird; sch', 'Café ☕']
enums:
  '"Café ☕".mood; "x"': ['it''s', 'a"b', 'semi;colon', 'Café ☕', 'select']
tables:
  '"we""ird; sch".user':
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      'select': { type: text, nullable: false, default: "a;b'c" }
      'order by': { type: '"Café ☕"."mood; ""x"""', default: "it's" }
      '${M63}': int
    unique:
      'uq "quoted"; x': ['select']
    checks:
      'ck it''s; ok': "length(\\"select\\") > 0"
    indexes:
      'idx Café ☕': { columns: ['order by'] }
  'Café ☕':
    columns:
      'ü id': { type: int, primary_key: true }
      'user ref': { type: bigint, references: '"we""ird; sch".user.id', on_delete: cascade }
`;
const REV2 =
  REV1.replace("'Café ☕', 'select']", "'Café ☕', 'select', 'new ''v'';']").replace(
    "      'ü id': { type: int, primary_key: true }\n",
    "      'ü id': { type: int, primary_key: true }\n      'x\"; DROP TABLE y; --': { type: int, nullable: false, default: 0 }\n",
  ) +
  `  '${T63}':
    columns:
      '${C63}': { type: varchar(10), primary_key: true }
`;

/** ok asserts exit 0 and no stack trace. */
function ok(r: CliResult): CliResult {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r;
}

let p: Project;
let ids: string[] = [];

beforeAll(async () => {
  p = inProcessProject('sv-e2e-hostile-');
  ok(await p.run('init'));
  p.write('schema/schema.yaml', REV1);
  // verified commits: PGlite proves up and down for each edge
  ok(await p.run('commit', '-m', `hostile; -- 'names' "here"`));
  p.write('schema/schema.yaml', REV2);
  ok(await p.run('commit', '-m', 'more hostile names'));
  ids = ok(await p.run('log', '--json'))
    .json()
    .commits.map((c: { id: string }) => c.id)
    .reverse();
  expect(ids).toHaveLength(2);
});
afterAll(() => p?.cleanup());

describe('hostile identifiers through the CLI', () => {
  it('plan --json lists steps with their flags; diff --sql quotes every name', async () => {
    const plan = ok(await p.run('plan', 'HEAD~1', 'HEAD', '--json')).json();
    expect(plan.from.id).toBe(ids[0]);
    expect(plan.to.id).toBe(ids[1]);
    expect(plan.steps.length).toBeGreaterThanOrEqual(3);
    for (const s of plan.steps) {
      expect(typeof s.what).toBe('string');
      for (const flag of ['destructive', 'rewrite', 'lock', 'reversible'])
        expect(typeof s[flag], `${flag} of ${s.what}`).toBe('boolean');
      expect(Array.isArray(s.sql)).toBe(true);
    }
    const whats = plan.steps.map((s: { what: string }) => s.what).join('\n');
    expect(whats).toContain(T63);
    expect(whats).toContain(`new 'v';`);
    const down = ok(await p.run('plan', 'HEAD~1', 'HEAD', '--down', '--json')).json();
    // the down script drops the new table, the new column and the new enum value: all of it loses data
    expect(down.direction).toBe('down');
    expect(down.destructive).toBe(true);
    expect(
      down.steps.map((s: { what: string; destructive: boolean }) => [s.what.startsWith('undo '), s.destructive]),
    ).toEqual(plan.steps.map(() => [true, true]));
    expect(down.steps[0].sql.join('\n')).toContain('DROP COLUMN "x""; DROP TABLE y; --"');
    expect(ok(await p.run('plan', 'HEAD~1', 'HEAD', '--down')).stdout).toContain(
      '-- WARNING: destructive steps: undo ',
    );
    expect(ok(await p.run('plan', 'HEAD~1', 'HEAD')).stdout).not.toContain('WARNING');

    const d = ok(await p.run('diff', 'HEAD~1', 'HEAD', '--sql'));
    expect(d.stdout).toContain(`ADD VALUE 'new ''v'';'`);
    expect(d.stdout).toContain(`"x""; DROP TABLE y; --"`);
    expect(d.stdout).toContain(`"${T63}"`);

    const full = ok(await p.run('show', 'HEAD~1')).stdout;
    expect(full).toContain(`"we""ird; sch"."user"`);
    expect(full).toContain(`"${M63}"`);
  });

  it('upgrade, check, downgrade -1 and upgrade again on embedded PGlite', async () => {
    const up = ok(await p.run('upgrade', '--json')).json();
    expect(up.edges.map((e: { to: string }) => e.to)).toEqual(ids);
    ok(await p.run('check'));
    const refused = await p.run('downgrade', '-1');
    expect(refused.code, refused.stderr).toBe(1);
    ok(await p.run('downgrade', '-1', '--allow-destructive'));
    expect(ok(await p.run('current', '--json')).json().commit).toBe(ids[0]);
    ok(await p.run('check'));
    ok(await p.run('upgrade'));
    expect(ok(await p.run('current', '--json')).json().commit).toBe(ids[1]);
    ok(await p.run('check'));
  });

  it.skipIf(!hasServer)(
    'upgrade, check, downgrade -1 and upgrade again on the PostgreSQL server, data kept',
    async () => {
      const t = await createDatabase('sv_e2e_hostile');
      const url = ['--url', t.url];
      const q = async (sql: string) => {
        const c = new pg.Client({ connectionString: t.url });
        await c.connect();
        try {
          return (await c.query(sql)).rows;
        } finally {
          await c.end();
        }
      };
      try {
        ok(await p.run('upgrade', ids[0]!, ...url));
        ok(await p.run('check', ...url));
        await q(`INSERT INTO "we""ird; sch"."user" ("select", "order by") VALUES ('x;''y', 'a"b')`);
        ok(await p.run('upgrade', ...url));
        ok(await p.run('check', ...url));
        // the catalog holds the names exactly as declared
        const tables = await q(
          `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relname <> ALL (ARRAY['schemaver_version', 'schemaver_history']) ORDER BY 1, 2`,
        );
        expect(tables).toEqual(
          [
            { nspname: 'public', relname: 'Café ☕' },
            { nspname: 'public', relname: T63 },
            { nspname: 'we"ird; sch', relname: 'user' },
          ].sort((a, b) => (a.nspname + a.relname < b.nspname + b.relname ? -1 : 1)),
        );
        const labels = await q(
          `SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood; "x"' ORDER BY e.enumsortorder`,
        );
        expect(labels.map((r) => r.enumlabel)).toEqual(["it's", 'a"b', 'semi;colon', 'Café ☕', 'select', "new 'v';"]);
        const cols = await q(
          `SELECT attname FROM pg_attribute WHERE attrelid = '"we""ird; sch"."user"'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        );
        expect(cols.map((r) => r.attname)).toContain(M63);

        ok(await p.run('downgrade', '-1', '--allow-destructive', ...url));
        expect(ok(await p.run('current', '--json', ...url)).json().commit).toBe(ids[0]);
        ok(await p.run('check', ...url));
        expect(await q(`SELECT "select", "order by"::text AS o FROM "we""ird; sch"."user"`)).toEqual([
          { select: "x;'y", o: 'a"b' },
        ]);
        ok(await p.run('upgrade', ...url));
        ok(await p.run('check', ...url));
        expect(ok(await p.run('current', '--json', ...url)).json().commit).toBe(ids[1]);

        // importing that database into a new project reads the same schema back: the same hash
        const imp = inProcessProject('sv-e2e-hostile-imp-');
        try {
          ok(await imp.run('init'));
          ok(await imp.run('import', ...url, '--force'));
          const head = ok(await p.run('status', '--json')).json().headHash;
          expect(ok(await imp.run('status', '--json')).json().workingHash).toBe(head);
        } finally {
          imp.cleanup();
        }
      } finally {
        await t.drop();
      }
    },
  );
});
