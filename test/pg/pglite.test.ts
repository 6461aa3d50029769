import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SchemaverError } from '../../src/errors.js';
import { emptySchema } from '../../src/model/types.js';
import {
  compactWal,
  dumpImage,
  ephemeralImage,
  ephemeralImagePath,
  extensionsInSql,
  freshPglite,
  imageCachePath,
  initdbImage,
  lockWeight,
  openPglite,
  SMALL_LOCK_OBJECTS,
  pgliteFromImage,
  pgliteWasm,
  recycleSpare,
  tierUpForProof,
  withoutTemplates,
} from '../../src/pg/pglite.js';
import { holdDatabases, releaseDatabases } from '../../src/proc.js';
import { introspect } from '../../src/pg/introspect/index.js';

let cache: string;
beforeAll(async () => {
  // a private image cache holding a damaged ephemeral image: the first fresh database must recover from it
  cache = await mkdtemp(path.join(os.tmpdir(), 'sv-pglite-cache-'));
  process.env.SCHEMAVER_PGLITE_CACHE = cache;
  await writeFile(ephemeralImagePath(), Buffer.alloc(2 * 1024 * 1024, 7));
});
afterAll(async () => {
  delete process.env.SCHEMAVER_PGLITE_CACHE;
  await rm(cache, { recursive: true, force: true });
});

function tarNames(tar: Uint8Array): string[] {
  return tarEntries(tar).map((e) => e.name);
}

function tarEntries(tar: Uint8Array): { name: string; size: number }[] {
  const names: { name: string; size: number }[] = [];
  for (let pos = 0; pos + 512 <= tar.length;) {
    const h = tar.subarray(pos, pos + 512);
    if (h.every((x) => x === 0)) break;
    const name = Buffer.from(h.subarray(0, 100)).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(Buffer.from(h.subarray(124, 136)).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    names.push({ name, size });
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe('freshPglite', () => {
  it('recovers from a damaged image cache and gives an empty database', async () => {
    const db = await freshPglite();
    try {
      expect(db.kind).toBe('pglite');
      const r = await introspect(db);
      expect(r.schema).toEqual(emptySchema());
      expect(r.unsupported).toEqual([]);
      expect(await db.query<{ n: number }>('SELECT 1 + 1 AS n')).toEqual([{ n: 2 }]);
    } finally {
      await db.close();
    }
    await access(imageCachePath()); // the full image was cached on disk (gzip)
    expect((await readFile(imageCachePath())).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it("isolates databases: a second fresh database does not see the first one's tables", async () => {
    const a = await freshPglite();
    await a.exec('CREATE TABLE only_here (a int)');
    await a.close();
    const b = await freshPglite();
    try {
      expect(await b.query(`SELECT 1 FROM pg_class WHERE relname = 'only_here'`)).toEqual([]);
      // an in-memory database starts with the small buffer pool (EPHEMERAL_CONF) and the big lock table
      expect(await b.query(`SELECT current_setting('shared_buffers') AS s`)).toEqual([{ s: '16MB' }]);
      expect(await b.query(`SELECT current_setting('max_locks_per_transaction') AS s`)).toEqual([{ s: '8192' }]);
      // the lock table is sized by the autovacuum slots too (PostgreSQL 18): at their minimum, shared memory (which
      // every start zeroes) is 46 MB, not 80 MB
      const [shm] = await b.query<{ mb: number }>(
        `SELECT setting::int AS mb FROM pg_settings WHERE name = 'shared_memory_size'`,
      );
      expect(shm!.mb).toBeLessThan(64);
    } finally {
      await b.close();
    }
  });

  it('strips the template databases from the ephemeral image', async () => {
    const full = await initdbImage();
    const names = tarNames(full).map((n) => n.replace(/^\.?\/+/, ''));
    expect(names.some((n) => n.startsWith('base/1/'))).toBe(true);
    const small = tarNames(withoutTemplates(full)).map((n) => n.replace(/^\.?\/+/, ''));
    expect(small.some((n) => n.startsWith('base/1/') || n.startsWith('base/4/'))).toBe(false);
    expect(small.some((n) => n.startsWith('base/5/'))).toBe(true);
    expect(small.length).toBeLessThan(names.length);
  });

  it('keeps one WAL segment without its pages of zeros in the ephemeral image and in dumped images', async () => {
    const wal = (tar: Uint8Array) =>
      tarEntries(tar).filter((e) => /^\.?\/*pg_wal\/[0-9A-F]{24}$/.test(e.name) && e.size > 0);
    const segments = wal(await ephemeralImage());
    expect(segments).toHaveLength(1);
    expect(segments[0]!.size).toBeLessThan(1024 * 1024);
    expect(segments[0]!.size % 8192).toBe(0);
    const db = await freshPglite();
    let tar: Uint8Array;
    try {
      await db.exec(
        "CREATE TABLE kept (a int PRIMARY KEY, b text); INSERT INTO kept SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g",
      );
      tar = (await dumpImage(db))!;
      await db.exec("INSERT INTO kept VALUES (0, 'after the dump')");
    } finally {
      await db.close();
    }
    expect(wal(tar)).toHaveLength(1);
    expect(wal(tar)[0]!.size).toBeLessThan(1024 * 1024);
    const copy = (await pgliteFromImage('kept', async () => tar))!;
    try {
      expect(await copy.query('SELECT count(*)::int AS n, min(a) AS lo FROM kept')).toEqual([{ n: 5000, lo: 1 }]);
      await copy.exec("INSERT INTO kept VALUES (0, 'new'); CHECKPOINT"); // it writes WAL and checkpoints on
      expect(await copy.query('SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 5001 }]);
    } finally {
      await copy.close();
    }
    // a tarball without the named segment is left as it is
    expect(compactWal(tar, 'FFFFFFFFFFFFFFFFFFFFFFFF')).toBe(tar);
  });

  it('starts with the small lock table for small schemas, big enough for the most locks they take', async () => {
    expect(
      lockWeight({
        kind: 'schema',
        tables: { t: { kind: 'table', columns: [{ kind: 'column' }, { kind: 'column' }] } },
      }),
    ).toBe(4);
    expect(
      lockWeight({ tables: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [i, { kind: 'table' }])) }),
    ).toBe(SMALL_LOCK_OBJECTS + 1);
    const big = await freshPglite({ objects: SMALL_LOCK_OBJECTS + 1 });
    try {
      expect(await big.query(`SELECT current_setting('max_locks_per_transaction') AS s`)).toEqual([{ s: '8192' }]);
      expect(await big.query(`SELECT current_setting('shared_buffers') AS s`)).toEqual([{ s: '16MB' }]);
    } finally {
      await big.close();
    }
    // views take the most locks per object measured (4): SMALL_LOCK_OBJECTS of them created and dropped in one transaction
    const db = await freshPglite({ objects: SMALL_LOCK_OBJECTS });
    try {
      expect(await db.query(`SELECT current_setting('max_locks_per_transaction') AS s`)).toEqual([{ s: '1024' }]);
      expect(await db.query(`SELECT current_setting('shared_buffers') AS s`)).toEqual([{ s: '4MB' }]); // its small pool
      const views = Array.from({ length: SMALL_LOCK_OBJECTS }, (_, i) => `v${i}`);
      await db.exec(`BEGIN; ${views.map((v, i) => `CREATE VIEW ${v} AS SELECT ${i} AS a`).join('; ')}; COMMIT`);
      await db.exec(`BEGIN; ${views.map((v) => `DROP VIEW ${v}`).join('; ')}; COMMIT`);
      expect(
        await db.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`),
      ).toEqual([{ n: 0 }]);
    } finally {
      await db.close();
    }
  });

  it('loads contrib extensions on request and refuses unknown ones (exit 3)', async () => {
    const db = await freshPglite({ extensions: ['citext', 'uuid-ossp'] });
    try {
      await db.exec('CREATE EXTENSION citext; CREATE EXTENSION "uuid-ossp"');
      expect((await introspect(db)).schema.extensions).toEqual({
        citext: { kind: 'extension', name: 'citext' },
        'uuid-ossp': { kind: 'extension', name: 'uuid-ossp' },
      });
    } finally {
      await db.close();
    }
    const err = await freshPglite({ extensions: ['postgis'] }).catch((e) => e);
    expect(err).toBeInstanceOf(SchemaverError);
    expect((err as SchemaverError).exit).toBe(3);
    expect((err as SchemaverError).message).toContain('postgis');
  });

  it('finds the extensions a DDL script creates', () => {
    expect(
      extensionsInSql(
        'create extension if not exists "uuid-ossp";\nCREATE EXTENSION citext WITH SCHEMA public; create extension plpgsql; create extension postgis;',
      ),
    ).toEqual(['uuid-ossp', 'citext']);
  });
});

describe('openPglite', () => {
  it('creates a persistent database on first use and keeps it across reopen', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sv-pglite-dir-'));
    try {
      const db = await openPglite(path.join(dir, 'local'));
      expect(db.label).toMatch(/^pglite:/);
      await db.exec('CREATE TABLE kept (a int); INSERT INTO kept VALUES (42)');
      await db.close();
      const again = await openPglite(path.join(dir, 'local'));
      try {
        expect(await again.query('SELECT a FROM kept')).toEqual([{ a: 42 }]);
        // a persistent database keeps PostgreSQL's buffer pool: only in-memory ones have the small one
        expect(await again.query(`SELECT current_setting('shared_buffers') AS s`)).toEqual([{ s: '128MB' }]);
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tierUpForProof', () => {
  // last in this file: it changes the module every later database of the thread starts on
  it('starts the databases after it on a module of their own (V8 keeps a module compiled once per content), the spare restored again', async () => {
    holdDatabases(); // as the verification worker: a rolled-back build's database becomes the spare
    try {
      const baseline = await pgliteWasm();
      expect(baseline).toBeDefined();
      const used = await freshPglite();
      await recycleSpare(used);
      tierUpForProof();
      const tiering = await pgliteWasm();
      expect(tiering).toBeDefined();
      expect(tiering).not.toBe(baseline);
      expect(WebAssembly.Module.customSections(tiering as WebAssembly.Module, 'schemaver')).toHaveLength(1);
      expect(WebAssembly.Module.customSections(baseline as WebAssembly.Module, 'schemaver')).toHaveLength(0);
      const db = await freshPglite(); // the spare restored on the new module, not the recycled database
      try {
        expect(db).not.toBe(used);
        expect((used as unknown as { pglite: { closed: boolean } }).pglite.closed).toBe(true);
        expect(await db.query('SELECT 6 * 7 AS n')).toEqual([{ n: 42 }]);
        expect((await introspect(db)).schema).toEqual(emptySchema());
      } finally {
        await db.close();
      }
      tierUpForProof(); // once per thread
      expect(await pgliteWasm()).toBe(tiering);
    } finally {
      await releaseDatabases();
    }
  }, 120_000);
});
