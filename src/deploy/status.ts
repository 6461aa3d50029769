/**
 * What a database records, and recording without running: `current`, `history` and `stamp`.
 */
import { SchemaverError, envFailure, envFromErrno, negative } from '../errors.js';
import type { Driver } from '../pg/driver.js';
import { pinSettings } from '../pg/settings.js';
import { schemaverVersion } from './engine.js';
import { describeDbError } from './failure.js';
import { BASE, short, type DeployStore } from './path.js';
import {
  CREATE_TABLES,
  historySql,
  syncHistorySeqSql,
  lockSql,
  readHistory,
  readRecorded,
  setVersionSql,
  type HistoryRow,
  readProgress,
  type Progress,
} from './versions.js';

/** CurrentResult is what `current` reports. */
export interface CurrentResult {
  readonly target: string;
  /** commit: the recorded commit, null when the database records none. */
  readonly commit: string | null;
  readonly hash: string | null;
  readonly updatedAt: string | null;
  /** known: the store has the recorded commit. */
  readonly known: boolean;
  readonly message: string | null;
  /** head: the commit HEAD points at; isHead: the database is at HEAD. */
  readonly head: string | null;
  readonly isHead: boolean;
  readonly branches: readonly string[];
  readonly tags: readonly string[];
  /** hashMatches: the recorded hash equals the commit's schema hash in the store (null when unknown). */
  readonly hashMatches: boolean | null;
  /** online: an online deploy stopped part-way through the edge to `to` (deploy/online.ts), when one did. */
  readonly online?: Progress;
}

/** current reads what the database records and relates it to the store (db undefined = no database yet). */
export async function current(store: DeployStore, db: Driver | undefined, label: string): Promise<CurrentResult> {
  const recorded = db ? await readRecorded(db) : { tables: false };
  const online = db ? await readProgress(db) : undefined;
  const head = (await store.head()) ?? null;
  const commit = recorded.commit ?? null;
  let known = false;
  let message: string | null = null;
  let hashMatches: boolean | null = null;
  if (commit) {
    try {
      const c = await store.readCommit(commit);
      known = true;
      message = c.message.split('\n')[0]!;
      hashMatches = recorded.hash ? c.schemaHash === recorded.hash : null;
    } catch {
      known = false;
    }
  }
  return {
    ...(online ? { online } : {}),
    target: label,
    commit,
    hash: recorded.hash ?? null,
    updatedAt: recorded.updatedAt ?? null,
    known,
    message,
    head,
    isHead: commit !== null && commit === head,
    branches: commit
      ? (await store.branches())
          .filter((b) => b.id === commit)
          .map((b) => b.name)
          .sort()
      : [],
    tags: commit
      ? (await store.tags())
          .filter((t) => t.id === commit)
          .map((t) => t.name)
          .sort()
      : [],
    hashMatches,
  };
}

/** HistoryResult is what `history` reports. */
export interface HistoryResult {
  readonly target: string;
  readonly rows: readonly HistoryRow[];
}

/** history reads the applied history, newest first. */
export async function history(db: Driver | undefined, label: string, limit?: number): Promise<HistoryResult> {
  return { target: label, rows: db ? await readHistory(db, limit) : [] };
}

/** StampResult is what `stamp` reports. */
export interface StampResult {
  readonly target: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly hash: string | null;
  readonly changed: boolean;
}

/** stamp records `rev` (or `base`: nothing) as the database's commit without running any migration. */
export async function stamp(
  store: DeployStore,
  db: Driver,
  label: string,
  rev: string,
  opts: { force?: boolean; version?: string } = {},
): Promise<StampResult> {
  const target = rev === 'base' ? BASE : await store.resolve(rev);
  const hash = target === BASE ? undefined : (await store.readCommit(target)).schemaHash;
  if (db.cachedVersions?.()) {
    // the embedded database's kept copy answers a stamp that changes nothing, or is refused, without starting it
    const from = (await readRecorded(db)).commit ?? BASE;
    if (from === target)
      return { target: label, from: from || null, to: target || null, hash: hash ?? null, changed: false };
    if (from !== BASE && !opts.force) throw alreadyStamped(label, from, target, rev);
  }
  let inTx = false;
  try {
    await db.exec('BEGIN');
    inTx = true;
    await pinSettings(db, { local: true });
    await db.query(lockSql());
    const recorded = await readRecorded(db);
    const from = recorded.commit ?? BASE;
    if (from === target) {
      await db.exec('ROLLBACK');
      inTx = false;
      return { target: label, from: from || null, to: target || null, hash: hash ?? null, changed: false };
    }
    if (from !== BASE && !opts.force) throw alreadyStamped(label, from, target, rev);
    for (const sql of CREATE_TABLES) await db.exec(sql);
    for (const sql of setVersionSql(target, hash)) await db.exec(sql);
    await db.exec(
      historySql({
        from,
        to: target,
        fromHash: recorded.hash,
        toHash: hash,
        direction: 'stamp',
        version: opts.version ?? schemaverVersion(),
      }),
    );
    await db.exec(syncHistorySeqSql());
    await db.exec('COMMIT');
    inTx = false;
    return { target: label, from: from || null, to: target || null, hash: hash ?? null, changed: true };
  } catch (err) {
    if (inTx) await db.exec('ROLLBACK').catch(() => {});
    if (err instanceof SchemaverError) throw err;
    const env = envFromErrno(err);
    if (env) throw env;
    const d = describeDbError(err);
    throw envFailure('database-failed', `stamp of ${label} failed: ${d.message}`, 'nothing was changed', undefined, {
      postgres: d,
    });
  }
}

/** alreadyStamped refuses to overwrite the commit a database records (`from`) without --force. */
function alreadyStamped(label: string, from: string, target: string, rev: string): SchemaverError {
  return negative(
    'already-stamped',
    `${label} already records commit ${short(from)}; stamping ${short(target)} would forget where it really is`,
    `use \`schemaver upgrade ${rev}\` / \`downgrade ${rev}\` to move it, or --force to overwrite the record`,
    { recorded: from },
  );
}
