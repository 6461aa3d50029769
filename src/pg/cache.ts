/**
 * The verification cache: `verified.json` in the store's cache directory remembers edges already proven, keyed by
 * both schema hashes, both scripts and the PGlite version. Apart from verify.ts so the command's thread can read
 * and write it (prove.ts) without loading the proof machinery.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Schema } from '../model/types.js';
import { schemaHash } from '../canon/index.js';
import { pgliteVersionString } from './weight.js';
import type { DataFailure } from './verify.js';

/** CacheEntry is what the cache remembers of a proven edge: its time, and the statements that fail on rows. */
export interface CacheEntry {
  readonly ms: number;
  readonly at: string;
  readonly failsOnData?: readonly DataFailure[];
}

/** edgeKey identifies an edge for the verification cache: both schema hashes, both scripts and the PGlite version. */
export function edgeKey(
  from: Schema,
  to: Schema,
  up: string,
  down: string | null,
  hashes?: { readonly from: string; readonly to: string },
): string {
  const h = createHash('sha256');
  for (const part of [
    pgliteVersionString(),
    hashes?.from ?? schemaHash(from),
    hashes?.to ?? schemaHash(to),
    up,
    down ?? '\u0000irreversible',
  ]) {
    h.update(part);
    h.update('\u0000');
  }
  return h.digest('hex');
}

const CACHE_FILE = 'verified.json';

async function readCache(dir: string): Promise<Record<string, CacheEntry>> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, CACHE_FILE), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, CacheEntry>) : {};
  } catch {
    return {};
  }
}

/** verifiedKeys reads the cache in `dir` once: the keys of every edge it records as verified. */
export async function verifiedKeys(dir: string): Promise<Set<string>> {
  return new Set(Object.keys(await readCache(dir)));
}

/** verifiedEntries reads the cache in `dir` once: every edge it records as verified, by key. */
export async function verifiedEntries(dir: string): Promise<Map<string, CacheEntry>> {
  return new Map(Object.entries(await readCache(dir)));
}

/** isVerified tells whether the cache in `dir` records the edge `key` as verified. */
export async function isVerified(dir: string, key: string): Promise<boolean> {
  return key in (await readCache(dir));
}

/** recordVerified adds an edge to the cache in `dir` (written atomically; a failure to write only costs speed). */
export async function recordVerified(
  dir: string,
  key: string,
  ms: number,
  failsOnData?: readonly DataFailure[],
): Promise<void> {
  try {
    const cache = await readCache(dir);
    cache[key] = { ms, at: new Date().toISOString(), ...(failsOnData?.length ? { failsOnData } : {}) };
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, CACHE_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(cache, null, 1) + '\n');
    await rename(tmp, file);
  } catch {
    /* cache is an optimisation */
  }
}
