import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dataDirLoader, dataDirOf, writeDataDir } from '../../src/pg/datadir.js';
import { EPHEMERAL_CONF, ephemeralImage, initdbImage, openPglite } from '../../src/pg/pglite.js';

/** Fs is what this test reads of PGlite's in-memory file system. */
interface Fs {
  readdir(p: string): string[];
  stat(p: string): { mode: number; size: number; mtime: Date };
  isDir(mode: number): boolean;
  readFile(p: string): Uint8Array;
}

/** listing is every path under `dir` with its mode and size (and, for files, its bytes). */
function listing(fs: Fs, dir: string): Map<string, { mode: number; size: number; bytes?: Uint8Array }> {
  const out = new Map<string, { mode: number; size: number; bytes?: Uint8Array }>();
  const walk = (d: string) => {
    for (const name of fs.readdir(d)) {
      if (name === '.' || name === '..') continue;
      const p = `${d}/${name}`;
      const s = fs.stat(p);
      if (fs.isDir(s.mode)) {
        out.set(p.slice(dir.length), { mode: s.mode, size: 0 });
        walk(p);
      } else out.set(p.slice(dir.length), { mode: s.mode, size: s.size, bytes: fs.readFile(p) });
    }
  };
  walk(dir);
  return out;
}

/** ustar is a one-entry tarball of type `type` (a symbolic link, say) named `name`. */
function ustar(name: string, type: string): Uint8Array {
  const tar = new Uint8Array(2048);
  tar.set(new TextEncoder().encode(name), 0);
  tar.set(new TextEncoder().encode('00000000000\0'), 124);
  tar.set(new TextEncoder().encode('00000000000\0'), 136);
  tar[156] = type.charCodeAt(0);
  tar.set(new TextEncoder().encode('ustar\0'), 257);
  return tar;
}

describe('dataDirLoader', () => {
  it('writes the files, modes, sizes and bytes PGlite (loadDataDir, its bundle) writes, and PostgreSQL starts on them', async () => {
    const image = await ephemeralImage();
    const before = image.slice();
    const dir = dataDirOf(image);
    expect(dir).not.toBeNull();
    expect(dir!.files.length).toBeGreaterThan(100);
    // both started on the same image, both read right after they started
    const theirs = await PGlite.create({ loadDataDir: new Blob([image]), postgresqlconf: [...EPHEMERAL_CONF] });
    const ours = await PGlite.create({
      extensions: { schemaver_datadir: dataDirLoader(image, dir!) },
      postgresqlconf: [...EPHEMERAL_CONF],
    });
    try {
      const fsOf = (pg: PGlite) => (pg as unknown as { mod: { FS: Fs } }).mod.FS;
      // the data directory and PGlite's bundle (/pglite/bin, lib, share...: fastBundleFiles), /home/postgres too
      const a = new Map([...listing(fsOf(theirs), '/pglite'), ...listing(fsOf(theirs), '/home')]);
      const b = new Map([...listing(fsOf(ours), '/pglite'), ...listing(fsOf(ours), '/home')]);
      expect(a.size).toBeGreaterThan(1000);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      let differing = 0;
      for (const [p, x] of a) {
        const y = b.get(p)!;
        expect({ p, mode: y.mode }).toEqual({ p, mode: x.mode });
        // PostgreSQL's start writes the same files in both (WAL, pg_control, its pid file: times differ)
        if (x.bytes && !Buffer.from(x.bytes).equals(Buffer.from(y.bytes!))) differing++;
      }
      expect(differing).toBeLessThan(5);
      // the same database: the catalog reads the same, a table is created, written, read
      const q = 'SELECT count(*)::int AS n FROM pg_class';
      expect((await ours.query(q)).rows).toEqual((await theirs.query(q)).rows);
      await ours.exec('CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2); CHECKPOINT');
      expect((await ours.query('SELECT sum(a)::int AS s FROM t')).rows).toEqual([{ s: 3 }]);
    } finally {
      await Promise.all([theirs.close(), ours.close()]);
    }
    // each database writes its own copy: the image itself is unchanged by the writes above
    expect(Buffer.from(image).equals(Buffer.from(before))).toBe(true);
  });

  it("refuses to start when PGlite's file system is not there to write into (never an empty cluster instead)", async () => {
    const tar = new Uint8Array(await ephemeralImage());
    const ext = dataDirLoader(tar, dataDirOf(tar)!);
    const { emscriptenOpts } = (await ext.setup!({} as never, {} as never)) as {
      emscriptenOpts: { preRun: ((mod: unknown) => void)[] };
    };
    const writeStep = emscriptenOpts.preRun[emscriptenOpts.preRun.length - 1]!;
    expect(() => writeStep({ ENV: {} })).toThrow(/file system/);
  });

  it('leaves a tarball with anything else than plain files and directories to PGlite', () => {
    expect(dataDirOf(ustar('/base/x', '2'))).toBeNull(); // a symbolic link
    expect(dataDirOf(ustar('/../x', '0'))).toBeNull(); // a name leaving the data directory
    expect(dataDirOf(ustar('/base/x', '0'))).toEqual({
      dirs: ['/base'],
      files: [expect.objectContaining({ dir: '/base', name: 'x', size: 0 })],
    });
  });
});

describe('writeDataDir', () => {
  it('writes the initdb image to disk file for file, and openPglite makes its new databases so', async () => {
    const image = await initdbImage();
    const index = dataDirOf(image)!;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sv-datadir-'));
    try {
      expect(await writeDataDir(path.join(dir, 'w'), image)).toBe(true);
      for (const f of index.files)
        expect({ f: f.name, ok: readFileSync(path.join(dir, 'w', f.dir, f.name)).equals(slice(image, f)) }).toEqual({
          f: f.name,
          ok: true,
        });
      // a new persistent database: the template databases and the initdb WAL are there, PostgreSQL starts on it
      const db = await openPglite(path.join(dir, 'local'));
      try {
        for (const f of ['PG_VERSION', 'global/pg_control', 'base/1/PG_VERSION', 'base/4/PG_VERSION'])
          expect(existsSync(path.join(dir, 'local', f)), f).toBe(true);
        expect(await db.query('SELECT datname FROM pg_database ORDER BY datname')).toEqual([
          { datname: 'postgres' },
          { datname: 'template0' },
          { datname: 'template1' },
        ]);
      } finally {
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes PG_VERSION last: a write that fails leaves no directory that looks like a cluster', async () => {
    const image = await initdbImage();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sv-datadir-'));
    try {
      mkdirSync(path.join(dir, 'global', 'pg_control'), { recursive: true }); // a directory where a file goes
      await expect(writeDataDir(dir, image)).rejects.toThrow(/EISDIR/);
      expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** slice is the bytes of file `f` of a tarball. */
function slice(tar: Uint8Array, f: { start: number; size: number }): Buffer {
  return Buffer.from(tar.subarray(f.start, f.start + f.size));
}
