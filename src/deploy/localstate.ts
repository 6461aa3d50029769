/**
 * What the embedded database records, kept beside it so that `current`, `history` and a no-op `upgrade` answer
 * without starting PGlite (~1 s). The copy is honest only while the data directory is byte-for-byte the one it
 * was read from: it carries a fingerprint of every file's path, size and modification time, taken after PGlite
 * closed, and is ignored the moment anything in the directory differs. Reads and writes happen under
 * `.schemaver/local.lock`, so no other schemaver process changes the directory in between.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryRow, Recorded } from './versions.js';

/** VersionState is what the version tables of a database hold: the recorded commit and the history, newest first. */
export interface VersionState {
  readonly recorded: Recorded;
  readonly history: readonly HistoryRow[];
}

/** STATE_FILE is the name of the copy inside the data directory (the directory's `.gitignore` keeps it out of git). */
export const STATE_FILE = '.schemaver-state.json';

/** FORMAT changes whenever VersionState's shape does, so an old copy is never misread. */
const FORMAT = 1;

/** IGNORED are the files of the data directory that are not PostgreSQL's: they never count in the fingerprint. */
const IGNORED = new Set([STATE_FILE, '.gitignore']);

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

/** readLocalState returns the kept copy when it still describes the data directory, else undefined. */
export function readLocalState(dir: string): VersionState | undefined {
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
    return doc.fingerprint === fingerprintDir(dir) ? doc.state : undefined;
  } catch {
    return undefined; // a damaged copy is no copy: PostgreSQL is asked instead
  }
}

/** writeLocalState keeps `state` beside a closed data directory (renamed in whole; undefined removes the copy). */
export async function writeLocalState(dir: string, state: VersionState | undefined): Promise<void> {
  const file = path.join(dir, STATE_FILE);
  if (!state) {
    await rm(file, { force: true });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const doc = { format: FORMAT, fingerprint: fingerprintDir(dir), state };
  await writeFile(tmp, JSON.stringify(doc));
  await rename(tmp, file);
}
