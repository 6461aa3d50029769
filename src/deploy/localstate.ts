/**
 * What the embedded database records, kept beside it so that `current`, `history` and a no-op `upgrade` answer
 * without starting PGlite (~1 s), and its catalog as `check` last read it, so that a `check` of an unchanged database
 * does not start it either. The copy is honest only while the data directory is byte-for-byte the one it
 * was read from: it carries a fingerprint of every file's path, size and modification time, taken after PGlite
 * closed, and is ignored the moment anything in the directory differs. Reads and writes happen under
 * `.schemaver/local.lock`, so no other schemaver process changes the directory in between.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Schema } from '../model/types.js';
import { codeIdentity } from '../pg/identity.js';
import { pgliteVersionString } from '../pg/weight.js';
import type { HistoryRow, Recorded } from './versions.js';

/** VersionState is what the version tables of a database hold: the recorded commit and the history, newest first. */
export interface VersionState {
  readonly recorded: Recorded;
  readonly history: readonly HistoryRow[];
}

/** STATE_FILE is the name of the copy inside the data directory (the directory's `.gitignore` keeps it out of git). */
export const STATE_FILE = '.schemaver-state.json';

/** CATALOG_FILE is the name of the kept catalog read inside the data directory. */
export const CATALOG_FILE = '.schemaver-catalog.json';

/** FORMAT changes whenever VersionState's shape does, so an old copy is never misread. */
const FORMAT = 1;

/** IGNORED are the files of the data directory that are not PostgreSQL's: they never count in the fingerprint. */
const IGNORED = new Set([STATE_FILE, CATALOG_FILE, '.gitignore']);

/** fingerprintDir hashes the path, size and modification time (ns) of every file below a data directory. */
export function fingerprintDir(dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string): void => {
    const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      if (rel === '' && IGNORED.has(e.name)) continue;
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        h.update(`d ${p}\n`);
        walk(p);
        continue;
      }
      const s = statSync(path.join(dir, p), { bigint: true });
      h.update(`f ${p} ${s.size} ${s.mtimeNs}\n`);
    }
  };
  walk('');
  return h.digest('hex');
}

/** readLocalState returns the kept copy when it still describes the data directory (whose fingerprintDir is
 * `fingerprint`, taken now when not given), else undefined. */
export function readLocalState(dir: string, fingerprint?: string): VersionState | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dir, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as { format?: number; fingerprint?: string; state?: VersionState };
    if (doc.format !== FORMAT || typeof doc.fingerprint !== 'string' || !doc.state) return undefined;
    if (!doc.state.recorded || !Array.isArray(doc.state.history)) return undefined;
    return doc.fingerprint === (fingerprint ?? fingerprintDir(dir)) ? doc.state : undefined;
  } catch {
    return undefined; // a damaged copy is no copy: PostgreSQL is asked instead
  }
}

/**
 * replaceJson writes `doc` as the whole new content of `file` (a temp file renamed over it: a reader sees the old copy
 * or the new one, never a torn one; not fsynced: a copy lost in a crash is only a copy, and PostgreSQL is asked).
 */
async function replaceJson(file: string, doc: object): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(doc));
  await rename(tmp, file);
}

/**
 * writeLocalState keeps `state` beside a data directory nothing writes to any more (closed, or checkpointed and left
 * idle: target.ts parks it), renamed in whole, and returns the fingerprint it was kept under; undefined removes the copy.
 */
export async function writeLocalState(dir: string, state: VersionState | undefined): Promise<string | undefined> {
  const file = path.join(dir, STATE_FILE);
  if (!state) {
    await rm(file, { force: true });
    return undefined;
  }
  const fingerprint = fingerprintDir(dir);
  await replaceJson(file, { format: FORMAT, fingerprint, state });
  return fingerprint;
}

/**
 * catalogKey names who read a kept catalog: PGlite's version and this build of schemaver (pg/identity.ts: another
 * build may read the catalog differently, so it never trusts this one's copy), and what was read (`variant`).
 */
function catalogKey(variant: string): string {
  return `${pgliteVersionString()}\0${codeIdentity()}\0${variant}`;
}

/**
 * readLocalCatalog returns the catalog `variant` read from the data directory, kept by writeLocalCatalog, when the
 * directory still has the fingerprint it was kept under (`fingerprint`: fingerprintDir's now) and this build read it.
 */
export function readLocalCatalog(dir: string, fingerprint: string, variant: string): Schema | undefined {
  try {
    const doc = JSON.parse(readFileSync(path.join(dir, CATALOG_FILE), 'utf8')) as {
      format?: number;
      fingerprint?: string;
      key?: string;
      schema?: Schema;
    };
    if (doc.format !== FORMAT || doc.fingerprint !== fingerprint || doc.key !== catalogKey(variant)) return undefined;
    return doc.schema?.kind === 'schema' ? doc.schema : undefined;
  } catch {
    return undefined; // none, or damaged: PostgreSQL is asked
  }
}

/**
 * writeLocalCatalog keeps the catalog `variant` read from a data directory, under the fingerprint (writeLocalState's)
 * the directory has after its database was closed or parked with nothing run on it since that read.
 */
export async function writeLocalCatalog(
  dir: string,
  fingerprint: string,
  variant: string,
  schema: Schema,
): Promise<void> {
  await replaceJson(path.join(dir, CATALOG_FILE), { format: FORMAT, fingerprint, key: catalogKey(variant), schema });
}

/**
 * rekeyLocalCatalog moves a catalog kept under fingerprint `from` to `to`: the same database, closed after it was
 * parked with nothing run on it (its shutdown checkpoint changes files, not the catalog).
 */
export async function rekeyLocalCatalog(dir: string, from: string, to: string): Promise<void> {
  const file = path.join(dir, CATALOG_FILE);
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint?: string };
    if (doc.fingerprint !== from) return;
    await replaceJson(file, { ...doc, fingerprint: to });
  } catch {
    /* none, or damaged: nothing to keep */
  }
}
