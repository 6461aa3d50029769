/**
 * The image cache: a PGlite data directory (a `dumpDataDir` tarball) of each schema a proof built from nothing,
 * kept in the store's cache directory (`images/<key>.img`), so a later proof of an edge from that schema restores
 * it (a restore costs about what restoring an empty cluster costs) instead of running its creation script again.
 * The key is the schema's hash, the PGlite version and the identity of this schemaver build, like the read-back
 * cache (readback.ts). An image is written whole to a temp file and renamed in (processes racing each write their
 * own temp file; the last rename wins, and both are the same schema). Each file is gzip (its CRC-32 and length
 * catch damage) holding a one-line JSON header — the schema hash it was built for and the tar's length — and the
 * tar: a file that does not gunzip, or whose header names another schema or length, is removed and the proof
 * builds the schema again. The cache is bounded (SCHEMAVER_IMAGE_CACHE_MB, default 512; 0 turns it off): after
 * each write the least recently used images (by mtime, which a hit refreshes) go until the rest fit.
 * `rm -rf .schemaver/cache/images` (or all of `.schemaver/cache`) clears it and only costs time.
 */
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { codeIdentity } from './readback.js';
import { pgliteVersionString } from './weight.js';

/** IMAGES_DIR is the image cache's folder inside the store's cache directory. */
export const IMAGES_DIR = 'images';

/** DEFAULT_IMAGE_CACHE_MB is the cache's size bound when SCHEMAVER_IMAGE_CACHE_MB is not set. */
export const DEFAULT_IMAGE_CACHE_MB = 512;

/** imageCacheStats counts what the image cache did in this thread (for tests and the bench). */
export const imageCacheStats = { hits: 0, misses: 0, damaged: 0, saved: 0, pruned: 0 };

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** objectCount counts a schema's objects (every section but `kind`): the size image and split decisions go by. */
export function objectCount(s: object): number {
  let n = 0;
  for (const [k, v] of Object.entries(s)) if (k !== 'kind' && v && typeof v === 'object') n += Object.keys(v).length;
  return n;
}

/** imageBudget is the cache's size bound in bytes (0: the cache is off). */
export function imageBudget(): number {
  const raw = process.env.SCHEMAVER_IMAGE_CACHE_MB;
  const mb = raw === undefined || raw.trim() === '' ? DEFAULT_IMAGE_CACHE_MB : Number(raw);
  return Number.isFinite(mb) && mb > 0 ? Math.floor(mb * 1024 * 1024) : 0;
}

/** imageFile is the path of the image of the schema with hash `hash` for this PGlite and this schemaver build. */
export function imageFile(cacheDir: string, hash: string): string {
  const key = createHash('sha256').update(`${pgliteVersionString()}\0${codeIdentity()}\0image\0${hash}`).digest('hex');
  return path.join(cacheDir, IMAGES_DIR, `${key}.img`);
}

/** ImageHeader is the first line of an image file (inside the gzip): what it was built for. */
interface ImageHeader {
  readonly hash: string;
  readonly size: number;
}

/**
 * loadImage returns the data-directory tarball of the schema with hash `hash`, or undefined when there is none.
 * A damaged image (does not gunzip, wrong header, wrong length) is removed and counts as none.
 */
export async function loadImage(cacheDir: string, hash: string): Promise<Uint8Array | undefined> {
  if (!imageBudget()) return undefined;
  const file = imageFile(cacheDir, hash);
  let gz: Buffer;
  try {
    gz = await readFile(file);
  } catch {
    imageCacheStats.misses++;
    return undefined;
  }
  try {
    const raw = await gunzipAsync(gz);
    const nl = raw.indexOf(10);
    const header = JSON.parse(raw.subarray(0, nl).toString('utf8')) as ImageHeader;
    const tar = raw.subarray(nl + 1);
    if (nl < 0 || header.hash !== hash || header.size !== tar.length || !isTar(tar)) throw new Error('not this image');
    imageCacheStats.hits++;
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined); // most recently used
    return new Uint8Array(tar.buffer, tar.byteOffset, tar.length);
  } catch {
    imageCacheStats.damaged++;
    await dropImage(cacheDir, hash);
    return undefined;
  }
}

/** isTar tells whether bytes look like a ustar archive (magic of the first header, whole 512-byte blocks). */
function isTar(tar: Uint8Array): boolean {
  return tar.length >= 1024 && tar.length % 512 === 0 && Buffer.from(tar.subarray(257, 262)).toString() === 'ustar';
}

/** dropImage removes the image of `hash` (a damaged one, or one a proof could not start from). */
export async function dropImage(cacheDir: string, hash: string): Promise<void> {
  await rm(imageFile(cacheDir, hash), { force: true }).catch(() => undefined);
}

/** saveImage keeps the tarball of the schema with hash `hash` (whole or not at all), then bounds the cache. */
export async function saveImage(cacheDir: string, hash: string, tar: Uint8Array): Promise<void> {
  const budget = imageBudget();
  if (!budget) return;
  try {
    const file = imageFile(cacheDir, hash);
    await mkdir(path.dirname(file), { recursive: true });
    const header = Buffer.from(JSON.stringify({ hash, size: tar.length } satisfies ImageHeader) + '\n');
    const gz = await gzipAsync(Buffer.concat([header, tar]), { level: 1 });
    if (gz.length > budget) return;
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, gz);
    await rename(tmp, file);
    imageCacheStats.saved++;
    await pruneImages(cacheDir, budget, file);
  } catch {
    /* the cache is an optimisation: a full or read-only disk only costs time */
  }
}

/** STALE_TMP_MS is how old a temp file of an interrupted write must be before pruning removes it. */
const STALE_TMP_MS = 10 * 60 * 1000;

/**
 * pruneImages removes the least recently used images until the rest fit in `budget` bytes (never `keep`, the one
 * just written), and temp files of writes that died. Safe beside other processes: removing a file another process
 * is reading leaves its open copy whole, and a missing image is only a miss.
 */
export async function pruneImages(cacheDir: string, budget = imageBudget(), keep?: string): Promise<void> {
  const dir = path.join(cacheDir, IMAGES_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const files: { file: string; size: number; mtime: number }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const s = await stat(file).catch(() => undefined);
    if (!s?.isFile()) continue;
    if (name.endsWith('.tmp')) {
      if (Date.now() - s.mtimeMs > STALE_TMP_MS) await rm(file, { force: true }).catch(() => undefined);
      continue;
    }
    if (name.endsWith('.img')) files.push({ file, size: s.size, mtime: s.mtimeMs });
  }
  let total = files.reduce((n, f) => n + f.size, 0);
  for (const f of files.sort((a, b) => a.mtime - b.mtime)) {
    if (total <= budget) break;
    if (f.file === keep) continue;
    await rm(f.file, { force: true }).catch(() => undefined);
    imageCacheStats.pruned++;
    total -= f.size;
  }
}
