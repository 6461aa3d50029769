/**
 * Proofs and the image cache (images.ts): restoring a schema as an earlier proof built it, keeping the image of a
 * schema a proof built from nothing (dumped now, compressed and written in the background, flushImages waits),
 * and buildTarget — the target side of a proof (B from nothing, read back) on a second worker, whose database is
 * then kept as B's image for the next edge from B.
 */
import type { Schema } from '../model/types.js';
import type { Driver } from './driver.js';
import { dumpImage, freshPglite, lockWeight, pgliteFromImage, recycleSpare, SMALL_LOCK_OBJECTS } from './pglite.js';
import { proofReader } from './prepared.js';
import { dropImage, imageCacheStats, loadImage, objectCount, saveImage } from './images.js';
import { compareSchemas } from './compare.js';
import {
  buildInto,
  creationScript,
  ensureRoles,
  ensureRolesInTransaction,
  extensionNames,
  tablespacesOf,
} from './build.js';
import { introspect } from './introspect/index.js';
import { buildRolledBack } from './normbuild.js';
import { SPLIT_BELOW } from './prove.js';
import { hasCachedReadback, readCachedReadback, writeCachedReadback } from './readback.js';

/**
 * IMAGE_WORTH_OBJECTS: from this many objects, restoring a schema's image beats running its creation script on a
 * database the proof already has (a restore costs about 0.3-0.5 s, a table's DDL a few milliseconds).
 */
export const IMAGE_WORTH_OBJECTS = 40;

/**
 * IMAGE_MAX_OBJECTS: schemas up to this many objects are kept as images. Bigger ones are proven on an edge's
 * closure (verify.ts) far more often than whole, and dumping them (100+ MB) costs more than it would save.
 */
export const IMAGE_MAX_OBJECTS = 400;

export { objectCount };

/**
 * restoreImage returns a database holding the schema with hash `hash` as an earlier proof built it (the spare the
 * worker restored ahead, or a restore of its cached image), or undefined when there is no usable image: one
 * PGlite cannot start from is removed.
 */
export async function restoreImage(
  cacheDir: string,
  hash: string,
  extensions: readonly string[],
): Promise<Driver | undefined> {
  try {
    return await pgliteFromImage(hash, () => loadImage(cacheDir, hash), { extensions });
  } catch {
    await dropImage(cacheDir, hash);
    return undefined;
  }
}

const writing = new Set<Promise<void>>();

/**
 * keepImage dumps `db` (holding `schema`, hash `hash`, built from nothing, no rows) into the image cache: the dump
 * now, before the proof changes the database; compressing and writing go on in the background (flushImages).
 */
export async function keepImage(db: Driver, cacheDir: string, hash: string, schema: Schema): Promise<void> {
  if (objectCount(schema) > IMAGE_MAX_OBJECTS) return;
  try {
    const tar = await dumpImage(db);
    if (!tar) return;
    const p = saveImage(cacheDir, hash, tar).finally(() => writing.delete(p));
    writing.add(p);
  } catch {
    /* the cache is an optimisation */
  }
}

/**
 * imageOf restores the image of the schema with hash `hash` and checks that it reads back as `expected` (its
 * read-back from when it was built from nothing): an image that does not is removed, and the proof builds the
 * schema instead, so no image, damaged or not, can decide a proof.
 */
export async function imageOf(
  dir: string,
  hash: string,
  expected: Schema,
  extensions: readonly string[],
): Promise<Driver | undefined> {
  const db = await restoreImage(dir, hash, extensions);
  if (!db) return undefined;
  try {
    const seen = (await introspect(db, { unsupported: false })).schema;
    if (compareSchemas(expected, seen).length === 0) return db;
  } catch {
    /* an image PostgreSQL cannot read is no image */
  }
  imageCacheStats.damaged++;
  await db.close();
  await dropImage(dir, hash);
  return undefined;
}

/** imagesPending tells whether an image keepImage or buildTarget started is still being written (flushImages would wait). */
export function imagesPending(): boolean {
  return writing.size > 0;
}

/** flushImages waits until every image keepImage started is written. */
export async function flushImages(): Promise<void> {
  while (writing.size) await Promise.all([...writing]);
}

/**
 * buildTarget builds `schema` (hash `hash`) from nothing on a fresh database, reads it back (kept in the read-back
 * cache of `cacheDir`, as proofs read it) and keeps the database as its image: the target side of a proof, run on
 * a second worker while the first restores the source. A schema that does not build throws `build-failed`.
 */
export async function buildTarget(schema: Schema, hash: string, cacheDir: string): Promise<Schema> {
  const kept = await readCachedReadback(cacheDir, hash, 'proof');
  if (kept) return kept;
  const db = await freshPglite({ extensions: extensionNames(schema) });
  let read: Schema;
  try {
    await ensureRoles(db, schema);
    await buildInto(db, schema, 'the target schema');
    read = (await introspect(db, { unsupported: false })).schema;
    await writeCachedReadback(cacheDir, hash, 'proof', read);
  } catch (e) {
    await db.close();
    throw e;
  }
  // the proof waiting for this read-back goes on while the database is dumped as B's image
  const p = keepImage(db, cacheDir, hash, schema)
    .finally(() => db.close())
    .finally(() => writing.delete(p));
  writing.add(p);
  return read;
}

/** EdgeHashes are the schema hashes of an edge's two sides (VerifyOptions.hashes). */
interface EdgeHashes {
  readonly from: string;
  readonly to: string;
}

/** ahead: the target side prebuildTarget built for this thread's next proof of the edge `hashes` (one at a time). */
let ahead: { readonly hashes: EdgeHashes; readonly read: Promise<Schema | undefined> } | undefined;

/**
 * prebuildTarget builds the target side of the proof of edge `from` -> `to` (hashes `hashes`) ahead of it, on this
 * thread's spare database, while the command still plans the edge: `to` from nothing on an empty database holding the
 * roles both sides name, as the proof builds it (verify.ts buildTargetFirst), in a transaction rolled back, then read
 * back; the database, empty again, is the spare the proof builds `from` on. The proof of that edge takes the
 * read-back (takeTarget) instead of building `to` itself. Nothing is built when `to`'s read-back is cached already,
 * when either side needs an extension or a tablespace (the proof's database is then not the spare) or its script is
 * too long for one transaction, or when `to` does not build in one (the proof then builds it and reports the failure).
 */
export function prebuildTarget(from: Schema, to: Schema, hashes: EdgeHashes, cacheDir: string): Promise<void> {
  const read = (async () => {
    if (await hasCachedReadback(cacheDir, hashes.to, 'proof')) return undefined;
    if (extensionNames(from, to).length || tablespacesOf(from, to).length) return undefined;
    const db = await freshPglite({ objects: lockWeight(from) + lockWeight(to) });
    const script = creationScript(to);
    const back = await buildRolledBack(db, to, [script], async () => {
      await ensureRolesInTransaction(db, from);
      await buildInto(db, to, 'the target schema', { inTransaction: true }, script);
      // read as the proof then reads that database, its statements prepared once for the three reads (small edges)
      const reader = lockWeight(from) + lockWeight(to) <= SMALL_LOCK_OBJECTS ? proofReader(db) : db;
      return (await introspect(reader, { unsupported: false })).schema;
    });
    if (back === undefined) await recycleSpare(db); // rolled back, or never begun: empty, or closed by recycleSpare
    return back;
  })().catch(() => undefined);
  ahead = { hashes, read };
  return read.then(() => undefined);
}

/**
 * takeTarget is the read-back prebuildTarget built for the proof of the edge `hashes` (and forgets it), or undefined
 * when it built none for that edge.
 */
export async function takeTarget(hashes: EdgeHashes | undefined): Promise<Schema | undefined> {
  const a = aheadFor(hashes);
  if (!a) return undefined;
  ahead = undefined;
  return a.read;
}

/** targetAhead tells whether prebuildTarget is building (or built) the target side of the edge `hashes`. */
export function targetAhead(hashes: EdgeHashes | undefined): boolean {
  return aheadFor(hashes) !== undefined;
}

/** aheadFor is what prebuildTarget built ahead when it was for the edge `hashes`. */
function aheadFor(hashes: EdgeHashes | undefined): typeof ahead {
  return ahead && hashes && ahead.hashes.from === hashes.from && ahead.hashes.to === hashes.to ? ahead : undefined;
}

/** dropTarget forgets what prebuildTarget built (the warm prover's worker, between commands). */
export function dropTarget(): void {
  ahead = undefined;
}

/**
 * warmsSpare tells whether warmSpare does anything for `likely`: only where the next commit builds its target side
 * ahead (app/commit.ts: a parent of fewer than SPLIT_BELOW objects, no extension, no tablespace), so the warm-up stays
 * a small build: a bigger schema's would hold up a command that comes soon after.
 */
export function warmsSpare(likely: Schema): boolean {
  return objectCount(likely) < SPLIT_BELOW && !extensionNames(likely).length && !tablespacesOf(likely).length;
}

/**
 * warmSpare readies this thread's spare database for the next proof, between commands (the warm prover's worker,
 * worker.ts reset): `likely` (the side of the last proof the next one most likely starts from: the target it proved,
 * now HEAD's schema) is built on it in a transaction rolled back and read back with the proof's catalog reader
 * (proofReader: the reads of the kinds of objects that schema has are prepared and planned), so the reads of the next
 * proof and of its target side built ahead (prebuildTarget), which run on that database, are planned already: on a
 * 5-table schema the target side's read costs about a third of a first one. The database is the spare again, its catalog the
 * empty cluster's (what every proof starts from: a prepared statement is a plan, not an object); nothing is done for a
 * schema whose next edge is not built ahead (SPLIT_BELOW objects or more, extensions, tablespaces: prebuildTarget's limits).
 */
export async function warmSpare(likely: Schema): Promise<void> {
  if (!warmsSpare(likely)) return;
  const objects = lockWeight(likely);
  const db = await freshPglite({ objects });
  const script = creationScript(likely);
  const back = await buildRolledBack(db, likely, [script], async () => {
    await buildInto(db, likely, 'the schema', { inTransaction: true }, script);
    return (await introspect(proofReader(db), { unsupported: false })).schema;
  }).catch(() => undefined);
  if (back === undefined) await recycleSpare(db).catch(() => undefined); // rolled back or never begun: empty, or closed
}
