/**
 * The read-back cache: a schema as PostgreSQL reads it back after building it from nothing, kept in the store's
 * cache directory (`readback/<key>.json`) so that the catalog of a snapshot is read once, ever — by `check` for its
 * expected side and by proofs for the schemas they compare against. The key is the schema's hash, the PGlite
 * version and the identity of this build of schemaver (its files' sizes and times: a rebuilt or upgraded schemaver
 * may build or read differently, so it never trusts an older one's copy). A copy that does not parse is no copy.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Schema } from '../model/types.js';
import { schemaHash } from '../canon/index.js';
import { pgliteVersionString } from './weight.js';
import { codeIdentity } from './identity.js';

export { codeIdentity } from './identity.js';

/** READBACK_DIR is the cache's folder inside the store's cache directory. */
export const READBACK_DIR = 'readback';

/**
 * ReadbackVariant says how the catalog was read: `check` reads everything (unmodelled objects too), `proof` reads
 * what verification compares. Each has its own copies.
 */
export type ReadbackVariant = 'check' | 'proof';

/** readbackKey names the cached read-back of a schema with hash `hash` for this PGlite and this schemaver build
 * (`builds`: the marker of recordBuilds). */
export function readbackKey(hash: string, variant: ReadbackVariant | 'builds'): string {
  return createHash('sha256').update(`${pgliteVersionString()}\0${codeIdentity()}\0${variant}\0${hash}`).digest('hex');
}

/** readCachedReadback returns the cached read-back of the schema with hash `hash`, or undefined. */
export async function readCachedReadback(
  cacheDir: string,
  hash: string,
  variant: ReadbackVariant,
): Promise<Schema | undefined> {
  try {
    const text = await readFile(path.join(cacheDir, READBACK_DIR, `${readbackKey(hash, variant)}.json`), 'utf8');
    const doc = JSON.parse(text) as { hash?: string; schema?: Schema };
    return doc.hash === hash && doc.schema && doc.schema.kind === 'schema' ? doc.schema : undefined;
  } catch {
    return undefined;
  }
}

/** hasCachedReadback tells whether the read-back of the schema with hash `hash` is cached (without reading it). */
export async function hasCachedReadback(cacheDir: string, hash: string, variant: ReadbackVariant): Promise<boolean> {
  try {
    await access(path.join(cacheDir, READBACK_DIR, `${readbackKey(hash, variant)}.json`));
    return true;
  } catch {
    return false;
  }
}

/** writeCachedReadback keeps a read-back (written whole, then renamed in; a failure to write only costs speed). */
export async function writeCachedReadback(
  cacheDir: string,
  hash: string,
  variant: ReadbackVariant,
  schema: Schema,
): Promise<void> {
  try {
    const dir = path.join(cacheDir, READBACK_DIR);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${readbackKey(hash, variant)}.json`);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, JSON.stringify({ hash, schema }));
    await rename(tmp, file);
  } catch {
    /* the cache is an optimisation */
  }
}

/** cachedBuild returns the cached `check` read-back of `schema`, or builds it with `build` and keeps the result. */
export async function cachedBuild(
  cacheDir: string | undefined,
  schema: Schema,
  build: (schema: Schema) => Promise<Schema>,
  hash?: string,
): Promise<Schema> {
  if (cacheDir === undefined) return build(schema);
  const h = hash ?? schemaHash(schema);
  const hit = await readCachedReadback(cacheDir, h, 'check');
  if (hit) return hit;
  const built = await build(schema);
  await writeCachedReadback(cacheDir, h, 'check', built);
  return built;
}

/** recordBuilds notes that the schema with hash `hash` built from nothing here (an empty marker file beside the
 * read-backs; a failure to write only costs speed). */
export async function recordBuilds(cacheDir: string, hash: string): Promise<void> {
  try {
    const dir = path.join(cacheDir, READBACK_DIR);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${readbackKey(hash, 'builds')}.builds`), '');
  } catch {
    /* the cache is an optimisation */
  }
}

/**
 * knownToBuild tells whether the schema with hash `hash` is on record as building from nothing with this PGlite and
 * this schemaver build: recordBuilds noted it, or a proof or a normalisation that built it whole kept its read-back.
 */
export async function knownToBuild(cacheDir: string, hash: string): Promise<boolean> {
  try {
    await access(path.join(cacheDir, READBACK_DIR, `${readbackKey(hash, 'builds')}.builds`));
    return true;
  } catch {
    return hasCachedReadback(cacheDir, hash, 'proof');
  }
}
