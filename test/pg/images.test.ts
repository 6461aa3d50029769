import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';
import { emptySchema } from '../../src/model/types.js';
import { schemaHash } from '../../src/canon/index.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';
import { buildInto, freshPglite, verifyEdge } from '../../src/pg/index.js';
import { dumpImage } from '../../src/pg/pglite.js';
import { buildTarget, flushImages } from '../../src/pg/verify.js';
import { imageCacheStats, imageFile, loadImage, pruneImages, saveImage } from '../../src/pg/images.js';

function schema(yaml: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/main.yaml', text: yaml }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.schema;
}

const S0 = schema(`
tables:
  teams:
    columns:
      id: { type: bigint, identity: by_default, primary_key: true }
      name: { type: text, nullable: false }
  'odd "name"':
    columns:
      id: { type: bigint, primary_key: true }
      team_id: { type: bigint, references: teams.id }
`);
const S1 = schema(`
tables:
  teams:
    columns:
      id: { type: bigint, identity: by_default, primary_key: true }
      name: { type: text, nullable: false }
      note: text
  'odd "name"':
    columns:
      id: { type: bigint, primary_key: true }
      team_id: { type: bigint, references: teams.id }
`);
const [h0, h1] = [schemaHash(S0), schemaHash(S1)];
const edge = planMigration(S0, S1);
const [up, down] = [renderUp(edge), renderDown(edge)];

const dirs: string[] = [];
async function cacheDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'sv-images-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
beforeEach(() => {
  for (const k of Object.keys(imageCacheStats) as (keyof typeof imageCacheStats)[]) imageCacheStats[k] = 0;
});

/** tarOf builds `s` from nothing and dumps its data directory. */
async function tarOf(s: Schema): Promise<Uint8Array> {
  const db = await freshPglite();
  try {
    await buildInto(db, s);
    return (await dumpImage(db))!;
  } finally {
    await db.close();
  }
}

/** proveSplit proves S0 -> S1 with the target built separately (as the helper worker does), so A may come from its image. */
async function proveSplit(dir: string, scripts = { up, down }) {
  const r = await verifyEdge(S0, S1, scripts.up, scripts.down, {
    readbackDir: dir,
    hashes: { from: h0, to: h1 },
    target: () => buildTarget(S1, h1, dir),
  });
  await flushImages();
  return r;
}

/** rootProof proves the root edge of S0, which keeps S0's image and read-back. */
async function rootProof(dir: string) {
  const root = planMigration(emptySchema(), S0);
  const r = await verifyEdge(emptySchema(), S0, renderUp(root), renderDown(root), {
    readbackDir: dir,
    hashes: { from: schemaHash(emptySchema()), to: h0 },
    generated: true,
  });
  await flushImages();
  expect(r.ok, r.problems.join('\n')).toBe(true);
}

/** afterRoot: the cache as the root proof left it (proven once, for every test here) and the images it saved. */
let afterRoot: Promise<{ dir: string; saved: number }> | undefined;

/** rootCache returns a new cache directory holding what the root proof of S0 kept (a copy of one proof's). */
async function rootCache(): Promise<{ dir: string; saved: number }> {
  afterRoot ??= (async () => {
    const dir = await cacheDir();
    const before = imageCacheStats.saved;
    await rootProof(dir);
    return { dir, saved: imageCacheStats.saved - before };
  })();
  const { dir: from, saved } = await afterRoot;
  const dir = await cacheDir();
  await cp(from, dir, { recursive: true });
  for (const k of Object.keys(imageCacheStats) as (keyof typeof imageCacheStats)[]) imageCacheStats[k] = 0;
  return { dir, saved };
}

describe('image files', () => {
  const tar = new Uint8Array(4096);
  tar.set(new TextEncoder().encode('ustar'), 257);

  it('round-trips, and a damaged or misnamed file is removed and counts as none', async () => {
    const dir = await cacheDir();
    await saveImage(dir, 'sv1:aaa', tar);
    expect(await loadImage(dir, 'sv1:aaa')).toEqual(tar);
    expect(imageCacheStats.hits).toBe(1);
    const file = imageFile(dir, 'sv1:aaa');
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] ^= 0xff; // one flipped byte: gzip's CRC-32 catches it
    await writeFile(file, bytes);
    expect(await loadImage(dir, 'sv1:aaa')).toBeUndefined();
    expect(imageCacheStats.damaged).toBe(1);
    await expect(stat(file)).rejects.toThrow();
    // another schema's image copied over this one's name: its header names the other schema
    await saveImage(dir, 'sv1:bbb', tar);
    await writeFile(imageFile(dir, 'sv1:aaa'), await readFile(imageFile(dir, 'sv1:bbb')));
    expect(await loadImage(dir, 'sv1:aaa')).toBeUndefined();
    expect(imageCacheStats.damaged).toBe(2);
    expect(await loadImage(dir, 'sv1:bbb')).toEqual(tar);
  });

  it('keeps the cache under its size bound, least recently used first, and removes dead temp files', async () => {
    const dir = await cacheDir();
    const noisy = (seed: number) => {
      const t = new Uint8Array(256 * 1024);
      let x = seed;
      for (let i = 0; i < t.length; i++) t[i] = (x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 24;
      t.set(new TextEncoder().encode('ustar'), 257);
      return t;
    };
    for (const [i, h] of ['sv1:a', 'sv1:b', 'sv1:c'].entries()) {
      await saveImage(dir, h, noisy(i + 1));
      const when = new Date(Date.now() - (10 - i) * 60_000);
      await utimes(imageFile(dir, h), when, when);
    }
    expect(await loadImage(dir, 'sv1:a')).toBeDefined(); // a hit makes `a` the most recently used
    const dead = path.join(dir, 'images', 'x.img.1.tmp');
    await writeFile(dead, 'partial');
    const old = new Date(Date.now() - 3600_000);
    await utimes(dead, old, old);
    await pruneImages(dir, 600 * 1024); // room for two of the three
    const left = (await readdir(path.join(dir, 'images'))).sort();
    expect(left).toEqual([imageFile(dir, 'sv1:a'), imageFile(dir, 'sv1:c')].map((f) => path.basename(f)).sort());
  });

  it('is off with SCHEMAVER_IMAGE_CACHE_MB=0', async () => {
    const dir = await cacheDir();
    process.env.SCHEMAVER_IMAGE_CACHE_MB = '0';
    try {
      await saveImage(dir, 'sv1:a', tar);
      expect(await loadImage(dir, 'sv1:a')).toBeUndefined();
    } finally {
      delete process.env.SCHEMAVER_IMAGE_CACHE_MB;
    }
    await expect(stat(imageFile(dir, 'sv1:a'))).rejects.toThrow();
  });
});

describe('proofs and the image cache', () => {
  it('a proof starts from the image an earlier proof kept, instead of building the source', async () => {
    const { dir, saved } = await rootCache();
    expect(saved).toBeGreaterThan(0);
    const r = await proveSplit(dir);
    expect(r.ok, r.problems.join('\n')).toBe(true);
    expect(imageCacheStats.hits).toBe(1);
    expect((r.data as { timings: Record<string, number> }).timings.build).toBeUndefined(); // no DDL ran for S0
    // the target's database was kept too: the next edge from S1 finds it
    expect(await loadImage(dir, h1)).toBeDefined();
  });

  it('a damaged image is noticed and rebuilt; the proof stands', async () => {
    const { dir } = await rootCache();
    const file = imageFile(dir, h0);
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(file, bytes);
    const r = await proveSplit(dir);
    expect(r.ok, r.problems.join('\n')).toBe(true);
    expect(imageCacheStats.damaged).toBe(1);
    expect((r.data as { timings: Record<string, number> }).timings.build).toBeGreaterThanOrEqual(0); // S0 was built
    expect(await loadImage(dir, h0)).toBeDefined(); // and kept again
  });

  it('an image holding another schema never decides a proof: a wrong migration still fails', async () => {
    const { dir } = await rootCache();
    // S1's data directory, well formed and filed under S0's hash: up = '' would "work" on it
    await saveImage(dir, h0, await tarOf(S1));
    const wrong = await proveSplit(dir, { up: '', down });
    expect(wrong.ok).toBe(false);
    expect(wrong.problems.join('\n')).toMatch(/note/);
    expect(imageCacheStats.damaged).toBe(1);
    const right = await proveSplit(dir);
    expect(right.ok, right.problems.join('\n')).toBe(true);
  });
});
