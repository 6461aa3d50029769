import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';
import { emptySchema } from '../../src/model/types.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';
import { verifyEdge, type VerifyData } from '../../src/pg/index.js';
import { dropTarget, prebuildTarget, targetAhead, warmSpare } from '../../src/pg/target.js';
import { freshPglite, lockWeight } from '../../src/pg/pglite.js';
import { readCachedReadback } from '../../src/pg/readback.js';
import { schemaHash } from '../../src/canon/index.js';

function schema(yaml: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/main.yaml', text: yaml }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.schema;
}

const A = schema(`
enums:
  status: [new, done]
tables:
  teams:
    columns:
      id: { type: bigint, identity: by_default, primary_key: true }
      name: { type: text, nullable: false }
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, nullable: false, unique: true }
      team_id: { type: bigint, references: teams.id, on_delete: cascade }
      status: { type: status, nullable: false, default: new }
`);

const B = schema(`
enums:
  status: [new, done]
tables:
  teams:
    columns:
      id: { type: bigint, identity: by_default, primary_key: true }
      name: { type: text, nullable: false }
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, nullable: false, unique: true }
      team_id: { type: bigint, references: teams.id, on_delete: cascade }
      status: { type: status, nullable: false, default: new }
      nickname: { type: varchar(40) }
      created_at: { type: timestamptz, nullable: false, default: { sql: now() } }
    indexes:
      users_created_idx: { columns: [created_at desc] }
`);

/** UNBUILDABLE is a target whose check calls a function that does not exist: PostgreSQL refuses to build it. */
const UNBUILDABLE = `
tables:
  t:
    columns:
      a: { type: integer }
    checks:
      t_a_check: "no_such_function(a) > 0"
`;

describe('verifyEdge', () => {
  it('the root proof expects the empty model after down: a fresh database, extensions available and roles made, reads back as exactly that', async () => {
    const { freshPglite, introspect, compareSchemas } = await import('../../src/pg/index.js');
    const db = await freshPglite({ extensions: ['citext', 'pgcrypto'] });
    try {
      await db.exec('CREATE ROLE app_reader NOLOGIN');
      const back = (await introspect(db, { unsupported: false })).schema;
      expect(compareSchemas(emptySchema(), back)).toEqual([]);
      expect(back).toEqual(emptySchema());
    } finally {
      await db.close();
    }
  });

  it('proves a root edge whose down leaves something behind as not returning to nothing', async () => {
    const p = planMigration(emptySchema(), A);
    const down = renderDown(p).replace(/DROP TABLE public\.teams;/, '');
    expect(down).not.toBe(renderDown(p));
    const r = await verifyEdge(emptySchema(), A, renderUp(p), down);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['down: table teams unexpected']);
  });

  it('does not take a partial proof from nothing for a root proof, even for a generated edge', async () => {
    const { generateSchema } = await import('../../tools/generate.js');
    const big = generateSchema(40, 2);
    const plus = schema(
      'tables:\n  zzz:\n    columns:\n      id: { type: integer, primary_key: true }\n      k: integer\n',
    );
    const to = { ...big, tables: { ...big.tables, zzz: plus.tables['zzz']! } } as Schema;
    const p = planMigration(big, to);
    const wrong = renderUp(p).replace('k integer', 'k bigint');
    expect(wrong).not.toBe(renderUp(p));
    const r = await verifyEdge(big, to, wrong, renderDown(p), { generated: true });
    expect(r.ok).toBe(false);
    expect(r.problems).toContain('up: column zzz.k: type expected integer, got bigint');
  });

  it('proves a planner-generated edge, with sample rows surviving', async () => {
    const plan = planMigration(A, B);
    const r = await verifyEdge(A, B, renderUp(plan), renderDown(plan));
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    const data = r.data as VerifyData;
    expect(data.samples.users).toBe(3);
    expect(data.samples.teams).toBe(3);
  });

  it('refuses a hand-edited up that misses one column, naming the column', async () => {
    const up = `ALTER TABLE users ADD COLUMN nickname character varying(40);
CREATE INDEX users_created_idx ON users (nickname DESC)`;
    const down = `DROP INDEX users_created_idx; ALTER TABLE users DROP COLUMN nickname`;
    const r = await verifyEdge(A, B, up, down);
    expect(r.ok).toBe(false);
    expect(r.problems).toContain('up: column users.created_at missing');
    expect(r.problems.some((p) => p.startsWith('up: index users_created_idx on users: elements expected'))).toBe(true);
  });

  it('reports a down that does not restore the source', async () => {
    const plan = planMigration(A, B);
    const r = await verifyEdge(
      A,
      B,
      renderUp(plan),
      'DROP INDEX users_created_idx; ALTER TABLE users DROP COLUMN created_at',
    );
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['down: column users.nickname unexpected']);
  });

  it('reports an up that fails in PostgreSQL', async () => {
    const r = await verifyEdge(A, B, 'ALTER TABLE nope ADD COLUMN x int', null);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/^up failed: relation "nope" does not exist/);
  });

  it('flags sample rows lost by a non-destructive edge, and tolerates it when data loss is allowed', async () => {
    const plan = planMigration(A, B);
    const up = `DELETE FROM users;\n${renderUp(plan)}`;
    const r = await verifyEdge(A, B, up, renderDown(plan));
    expect(r.ok).toBe(false);
    expect(r.problems).toContain('up: table users lost sample rows (3 before, 0 after)');
    const allowed = await verifyEdge(A, B, up, renderDown(plan), { allowDataLoss: true });
    expect(allowed.ok).toBe(true);
    expect((allowed.data as VerifyData).warnings).toContain('up: table users lost sample rows (3 before, 0 after)');
  });

  it('reports a target that does not build', async () => {
    const bad = schema(UNBUILDABLE);
    const r = await verifyEdge(emptySchema(), bad, 'CREATE TABLE t (a integer)', 'DROP TABLE t');
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/target schema does not build in PostgreSQL: function no_such_function/);
  });

  it('creates the roles policies name before building (roles are not part of the schema)', async () => {
    const withPolicy = schema(`
tables:
  docs:
    columns:
      id: { type: integer, primary_key: true }
      owner: { type: text }
    row_level_security: true
    policies:
      docs_owner: { command: select, roles: [app_user, "Odd Role"], using: "owner = current_user" }
`);
    const plan = planMigration(emptySchema(), withPolicy);
    const r = await verifyEdge(emptySchema(), withPolicy, renderUp(plan), renderDown(plan));
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('remembers verified edges in the cache directory and skips them next time', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sv-verify-'));
    try {
      const plan = planMigration(A, B);
      const first = await verifyEdge(A, B, renderUp(plan), renderDown(plan), { cacheDir: dir });
      expect(first.ok).toBe(true);
      expect((first.data as VerifyData).cached).toBeUndefined();
      const cache = JSON.parse(await readFile(path.join(dir, 'verified.json'), 'utf8'));
      expect(Object.keys(cache)).toHaveLength(1);
      const second = await verifyEdge(A, B, renderUp(plan), renderDown(plan), { cacheDir: dir });
      expect(second.ok).toBe(true);
      expect((second.data as VerifyData).cached).toBe(true);
      // a different script is a different edge
      const other = await verifyEdge(A, B, renderUp(plan) + ';\nSELECT 1', renderDown(plan), { cacheDir: dir });
      expect((other.data as VerifyData).cached).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a detached partition takes its rows out of the parent', () => {
  const parted = (detached: boolean) =>
    schema(`tables:
  events:
    partition_by: range (at)
    columns:
      at: { type: timestamptz, nullable: false }
  events_2024:
${
  detached
    ? '    columns:\n      at: { type: timestamptz, nullable: false }\n'
    : `    partition_of: { parent: events, bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" }\n`
}`);
  const from = parted(false);
  const to = parted(true);
  const p = planMigration(from, to);

  it('is no loss when the detached table keeps them', async () => {
    const r = await verifyEdge(from, to, renderUp(p), renderDown(p), { whole: true });
    expect(r.problems).toEqual([]);
    const samples = (r.data as VerifyData).samples;
    expect(samples['events_2024']).toBeGreaterThan(0); // the rows that leave events were there to count
  });

  it('is a loss when they do not survive in the detached table', async () => {
    const up = `${renderUp(p)}\nDELETE FROM public.events_2024;`;
    const r = await verifyEdge(from, to, up, renderDown(p), { whole: true });
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(/up: table events_2024 lost sample rows/);
  });
});

/** withTargetDir runs fn with a new read-back directory, then drops any target built ahead and removes the directory. */
async function withTargetDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    dropTarget();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('a target side built ahead of its proof (prebuildTarget, while the command plans)', () => {
  const plan = planMigration(A, B);
  const hashes = { from: schemaHash(A), to: schemaHash(B) };
  const withDir = (fn: (dir: string) => Promise<void>) => withTargetDir('sv-ahead-', fn);
  const proof = (dir: string, up: string, down: string | null, to: Schema = B) =>
    verifyEdge(A, to, up, down, { readbackDir: dir, hashes });

  it('is what the proof of its edge compares with (and only that edge, once)', async () => {
    await withDir(async (dir) => {
      // built ahead for the edge's hashes, but of another schema: the proof that takes it finds up's result differs
      const other = schema(`tables:\n  other:\n    columns:\n      id: { type: integer }\n`);
      await prebuildTarget(A, other, hashes, dir);
      expect(targetAhead(hashes)).toBe(true);
      expect(targetAhead({ ...hashes, from: 'sv1:another' })).toBe(false);
      const r = await proof(dir, renderUp(plan), renderDown(plan));
      expect(r.ok).toBe(false);
      expect(r.problems).toContain('up: table other missing');
      expect(targetAhead(hashes)).toBe(false); // taken: the next proof builds its target itself
    });
  });

  it('proves a generated edge, and keeps its read-back for the next edge from it', async () => {
    await withDir(async (dir) => {
      await prebuildTarget(A, B, hashes, dir);
      const r = await proof(dir, renderUp(plan), renderDown(plan));
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
      expect((r.data as VerifyData).samples.users).toBe(3);
      expect(await readCachedReadback(dir, hashes.to, 'proof')).toBeDefined();
    });
  });

  it('still refuses an up that misses a column and a down that does not restore the source', async () => {
    await withDir(async (dir) => {
      await prebuildTarget(A, B, hashes, dir);
      expect(targetAhead(hashes)).toBe(true);
      const up = `ALTER TABLE users ADD COLUMN nickname character varying(40);
CREATE INDEX users_created_idx ON users (nickname DESC)`;
      const wrongUp = await proof(dir, up, 'DROP INDEX users_created_idx; ALTER TABLE users DROP COLUMN nickname');
      expect(wrongUp.ok).toBe(false);
      expect(wrongUp.problems).toContain('up: column users.created_at missing');
      expect(targetAhead(hashes)).toBe(false); // the proof took it
    });
    await withDir(async (dir) => {
      await prebuildTarget(A, B, hashes, dir);
      const down = 'DROP INDEX users_created_idx; ALTER TABLE users DROP COLUMN created_at';
      const wrongDown = await proof(dir, renderUp(plan), down);
      expect(wrongDown.ok).toBe(false);
      expect(wrongDown.problems).toEqual(['down: column users.nickname unexpected']);
    });
  });

  it("leaves its database, the next proof's, with the catalog reads prepared (planned once for the three reads)", async () => {
    await withDir(async (dir) => {
      await prebuildTarget(A, B, hashes, dir);
      const db = await freshPglite({ objects: lockWeight(A) + lockWeight(B) }); // the spare the proof takes
      try {
        const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements');
        expect(row!.n).toBeGreaterThan(0);
        const [empty] = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'users'",
        );
        expect(empty!.n).toBe(0); // rolled back: B is gone
      } finally {
        await db.close();
      }
    });
  });

  it('leaves a target that does not build to the proof, which reports it', async () => {
    await withDir(async (dir) => {
      const bad = schema(UNBUILDABLE);
      const badHashes = { from: hashes.from, to: schemaHash(bad) };
      await prebuildTarget(A, bad, badHashes, dir);
      const r = await verifyEdge(A, bad, 'CREATE TABLE t (a integer)', 'DROP TABLE t', {
        readbackDir: dir,
        hashes: badHashes,
      });
      expect(r.ok).toBe(false);
      expect(r.problems[0]).toMatch(/target schema does not build in PostgreSQL: function no_such_function/);
    });
  });
});

describe("the warm prover's spare, its reads planned between commands (warmSpare)", () => {
  const plan = planMigration(A, B);
  const hashes = { from: schemaHash(A), to: schemaHash(B) };
  const withDir = (fn: (dir: string) => Promise<void>) => withTargetDir('sv-warm-', fn);
  const count = async (db: Awaited<ReturnType<typeof freshPglite>>, sql: string) =>
    (await db.query<{ n: number }>(sql))[0]!.n;

  it('is empty again, with the catalog reads of that schema prepared', async () => {
    await warmSpare(A);
    const db = await freshPglite({ objects: lockWeight(A) + lockWeight(B) }); // the spare the next proof takes
    try {
      expect(await count(db, 'SELECT count(*)::int AS n FROM pg_prepared_statements')).toBeGreaterThan(0);
      expect(await count(db, 'SELECT count(*)::int AS n FROM pg_class WHERE oid >= 16384')).toBe(0);
      expect(await count(db, 'SELECT count(*)::int AS n FROM pg_type WHERE oid >= 16384')).toBe(0); // the enum
    } finally {
      await db.close();
    }
  });

  it('serves a proof that still refuses a wrong up and a wrong down, and passes the right edge', async () => {
    const down = 'DROP INDEX users_created_idx; ALTER TABLE users DROP COLUMN created_at';
    const up = 'ALTER TABLE users ADD COLUMN nickname character varying(40)';
    for (const [u, d, problem] of [
      [up, renderDown(plan), 'up: column users.created_at missing'],
      [renderUp(plan), down, 'down: column users.nickname unexpected'],
      [renderUp(plan), renderDown(plan), undefined],
    ] as const) {
      await withDir(async (dir) => {
        await warmSpare(A);
        await prebuildTarget(A, B, hashes, dir); // on the warmed spare, as the next command's expect builds it
        expect(targetAhead(hashes)).toBe(true);
        const r = await verifyEdge(A, B, u, d, { readbackDir: dir, hashes });
        if (problem) expect(r.problems).toContain(problem);
        else expect(r.problems).toEqual([]);
        expect(r.ok).toBe(problem === undefined);
      });
    }
  });

  it('leaves the spare alone for a schema whose next edge is not built ahead (40 objects or more)', async () => {
    const big = schema(
      `tables:\n${Array.from({ length: 40 }, (_, i) => `  t${i}:\n    columns:\n      id: { type: integer }\n`).join('')}`,
    );
    await (await freshPglite({ objects: 1 })).close(); // no spare left from earlier tests: the next one is restored fresh
    await warmSpare(big);
    const db = await freshPglite({ objects: 1 });
    try {
      expect(await count(db, 'SELECT count(*)::int AS n FROM pg_prepared_statements')).toBe(0);
    } finally {
      await db.close();
    }
    await warmSpare(schema(`tables:\n  t0:\n    columns:\n      id: { type: integer }\n`)); // a small one is warmed
    const warmed = await freshPglite({ objects: 1 });
    try {
      expect(await count(warmed, 'SELECT count(*)::int AS n FROM pg_prepared_statements')).toBeGreaterThan(0);
    } finally {
      await warmed.close();
    }
  });

  it('leaves the spare as it was for a schema it cannot build in a transaction', async () => {
    await warmSpare(schema(UNBUILDABLE));
    const db = await freshPglite({});
    try {
      expect(await count(db, 'SELECT count(*)::int AS n FROM pg_class WHERE oid >= 16384')).toBe(0);
    } finally {
      await db.close();
    }
  });
});
