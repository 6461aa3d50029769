/**
 * What the commands that only send proofs elsewhere need to know of PGlite without loading its driver (pglite.ts, its
 * data directory and WebAssembly modules: ~7 ms of a command's CPU): how many objects a model holds for the lock
 * table (lockWeight), and the installed PGlite version (part of every cache key that holds its answers).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * SMALL_LOCK_OBJECTS: schemas of up to this many objects (lockWeight, both sides of an edge together) get the small
 * lock table. Each object takes at most a few locks when it is created or dropped (a table: itself, its TOAST table
 * and index, its row type and array type; its columns, indexes and constraints count as objects of their own), so
 * this stays well under the table's 10,240.
 */
export const SMALL_LOCK_OBJECTS = 1000;

/**
 * lockWeight counts the objects of a model (tables, columns, indexes, constraints... every nested value with a
 * `kind`) up to `cap`, for PgliteOptions.objects.
 */
export function lockWeight(model: unknown, cap = SMALL_LOCK_OBJECTS + 1): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (n >= cap || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (typeof (v as { kind?: unknown }).kind === 'string') n++;
    for (const x of Object.values(v)) walk(x);
  };
  walk(model);
  return Math.min(n, cap);
}

let pgliteVersion: string | undefined;

/** pgliteVersionString returns the installed @electric-sql/pglite version (part of the image cache key). */
export function pgliteVersionString(): string {
  if (pgliteVersion) return pgliteVersion;
  try {
    const req = createRequire(import.meta.url);
    const main = req.resolve('@electric-sql/pglite');
    let dir = path.dirname(main);
    for (let i = 0; i < 4; i++) {
      try {
        const pkg = req(path.join(dir, 'package.json')) as { name?: string; version?: string };
        if (pkg.name === '@electric-sql/pglite' && pkg.version) return (pgliteVersion = pkg.version);
      } catch {
        /* keep walking up */
      }
      dir = path.dirname(dir);
    }
  } catch {
    /* fall through */
  }
  return (pgliteVersion = 'unknown');
}
