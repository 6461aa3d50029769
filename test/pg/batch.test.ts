import { afterEach, describe, expect, it } from 'vitest';
import { freshPglite, type Driver } from '../../src/pg/index.js';
import { batchable, execBatched } from '../../src/pg/batch.js';
import { splitStatements } from '../../src/sql/split.js';

const open: Driver[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});
async function db(): Promise<Driver> {
  const d = await freshPglite();
  open.push(d);
  return d;
}

/** tables: a script creating n tables, each with a comment line ending the statement text. */
function tables(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      `-- create table t${i}\nCREATE TABLE t${i} (id int PRIMARY KEY, ref int REFERENCES t${Math.max(0, i - 1)}) -- trailing ${i}\n;`,
    );
  return out.join('\n\n');
}

describe('batchable', () => {
  it('accepts plain DDL and refuses statements that depend on their transaction', () => {
    const ok = (sql: string) => batchable(splitStatements(sql));
    expect(
      ok('CREATE TABLE a (id int); DROP TABLE b; COMMENT ON TABLE a IS $$x;y$$; ALTER TABLE a ADD COLUMN c text'),
    ).toBe(true);
    expect(ok("ALTER TYPE mood ADD VALUE 'meh'; CREATE TABLE a (m mood DEFAULT 'meh')")).toBe(false);
    expect(ok("ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'ok'")).toBe(false);
    expect(ok('BEGIN; CREATE TABLE a (id int); COMMIT')).toBe(false);
    expect(ok('SET LOCAL lock_timeout = 1000')).toBe(false);
    expect(ok('CREATE TEMP TABLE x (id int)')).toBe(false);
    expect(ok('CREATE UNIQUE INDEX CONCURRENTLY i ON a (id)')).toBe(false);
    expect(ok('LOCK TABLE a IN ACCESS EXCLUSIVE MODE')).toBe(false);
    // a value added by name is not ADD VALUE: renaming is transaction-neutral
    expect(ok("ALTER TYPE mood RENAME VALUE 'a' TO 'b'")).toBe(true);
    // keywords split by a comment are still seen; data statements and DO/CALL never share a batch's commit
    expect(ok("ALTER TYPE mood /* x */ ADD -- y\n VALUE 'meh'")).toBe(false);
    expect(ok('ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY')).toBe(false);
    expect(ok('CREATE TABLE a (id int); UPDATE a SET id = 1')).toBe(false);
    expect(ok('DO $$ BEGIN NULL; END $$')).toBe(false);
    expect(ok('CREATE DATABASE x')).toBe(false);
  });
});

describe('execBatched', () => {
  it('runs a long script in batches to the same catalog, trailing comments and all', async () => {
    const d = await db();
    await execBatched(d, tables(250), { size: 100 });
    const rows = await d.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f'`);
    expect(rows[0]!.n).toBe(250);
    // committed in batches: a failure in the last batch leaves the earlier ones applied (scratch databases only)
    await expect(
      execBatched(d, `${tables(150).replaceAll('CREATE TABLE t', 'CREATE TABLE u')}\n\nCREATE TABLE u0 (x int);`, {
        size: 100,
      }),
    ).rejects.toThrow(/already exists/);
    const u = await d.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class WHERE relname ~ '^u[0-9]+$' AND relkind = 'r'`,
    );
    expect(u[0]!.n).toBe(100);
  });

  it('runs a transaction-sensitive script whole, so it fails exactly as a deployment would', async () => {
    const d = await db();
    await d.exec(`CREATE TYPE mood AS ENUM ('ok')`);
    const script =
      [
        `ALTER TYPE mood ADD VALUE 'meh'`,
        ...Array.from({ length: 120 }, (_, i) => `CREATE TABLE m${i} (m mood)`),
        `CREATE TABLE late (m mood DEFAULT 'meh')`,
      ].join(';\n') + ';';
    // batched, the new value would be committed before it is used; whole, PostgreSQL refuses it (55P04)
    await expect(execBatched(d, script, { size: 10 })).rejects.toThrow(/unsafe use of new value/);
    const rows = await d.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname ~ '^m[0-9]+$'`);
    expect(rows[0]!.n).toBe(0);
  });
});

describe('execBatched progress', () => {
  it('reports statements done before each batch and once at the end', async () => {
    const d = await db();
    const heard: string[] = [];
    await execBatched(d, tables(250), { size: 100, onBatch: (done, total) => heard.push(`${done}/${total}`) });
    expect(heard).toEqual(['0/250', '100/250', '200/250', '250/250']);
  });
});

describe('execBatched runs scripts in transactions, as a deployment does', () => {
  it('refuses what refuses a transaction block, even alone or in a one-statement batch', async () => {
    const d = await db();
    await d.exec('CREATE TABLE t (id int)');
    await expect(execBatched(d, 'CREATE INDEX CONCURRENTLY t_idx ON t (id);')).rejects.toThrow(
      /cannot run inside a transaction block/,
    );
    await expect(execBatched(d, 'DO $$ BEGIN COMMIT; END $$;')).rejects.toThrow(/invalid transaction termination/);
    // a 26th statement alone in its batch still runs inside BEGIN ... COMMIT
    const many = Array.from({ length: 25 }, (_, i) => `CREATE TABLE b${i} (id int);`).join('\n');
    await expect(execBatched(d, `${many}\nDROP TABLE t;`, { size: 25 })).resolves.toBeUndefined();
    // and the session is usable after a failure (the failed transaction was rolled back)
    const rows = await d.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname ~ '^b[0-9]+$'`);
    expect(rows[0]!.n).toBe(25);
  });

  it("runs inside the caller's transaction when told so, leaving commit or rollback to it", async () => {
    const d = await db();
    await d.exec('BEGIN');
    await execBatched(d, tables(60), { size: 10, inTransaction: true });
    await d.exec('ROLLBACK');
    const rows = await d.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname ~ '^t[0-9]+$'`);
    expect(rows[0]!.n).toBe(0);
  });
});
