/**
 * The bookkeeping tables schemaver keeps in a target database: `public.schemaver_version` (one row: the
 * recorded commit and schema hash) and `public.schemaver_history` (one row per edge applied, or stamp).
 * Introspection ignores relations named `schemaver_*`, so these never show up as drift.
 */
import { qualified, quoteLiteral } from '../sql/quote.js';
import type { Driver } from '../pg/driver.js';

/** VERSION_TABLE is the qualified name of the version table. */
export const VERSION_TABLE = qualified('public', 'schemaver_version');
/** HISTORY_TABLE is the qualified name of the history table. */
export const HISTORY_TABLE = qualified('public', 'schemaver_history');

/** LOCK_KEY is the fixed pg_advisory_xact_lock key every schemaver deploy takes ('schemavr' in ASCII). */
export const LOCK_KEY = '8314052186549466738';

/**
 * CREATE_TABLES creates both bookkeeping tables when missing. A table that exists is not created again at all (not
 * `CREATE TABLE IF NOT EXISTS`, which is DDL still): an event trigger on ddl_command_start that the migration drops
 * first would otherwise refuse the deploy before it starts.
 */
export const CREATE_TABLES = [
  `CREATE TABLE ${VERSION_TABLE} (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  commit_id text NOT NULL,
  schema_hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
  `CREATE TABLE ${HISTORY_TABLE} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_commit text,
  to_commit text,
  from_hash text,
  to_hash text,
  direction text NOT NULL CHECK (direction IN ('up', 'down', 'stamp')),
  checksum text,
  schemaver_version text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  applied_by text NOT NULL DEFAULT current_user
)`,
].map(
  (create, i) =>
    `DO $sv$ BEGIN IF pg_catalog.to_regclass(${quoteLiteral([VERSION_TABLE, HISTORY_TABLE][i]!)}) IS NULL THEN\n${create};\nEND IF; END $sv$`,
);

/** Recorded is what schemaver_version says: the commit the database is at (undefined = nothing recorded). */
export interface Recorded {
  /** tables: whether schemaver_version exists at all. */
  readonly tables: boolean;
  readonly commit?: string;
  readonly hash?: string;
  readonly updatedAt?: string;
}

/** HistoryRow is one row of schemaver_history. */
export interface HistoryRow {
  readonly id: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly fromHash: string | null;
  readonly toHash: string | null;
  readonly direction: 'up' | 'down' | 'stamp';
  readonly checksum: string | null;
  readonly schemaverVersion: string;
  readonly appliedAt: string;
  readonly appliedBy: string;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** readRecorded reads schemaver_version without creating anything. */
export async function readRecorded(db: Driver): Promise<Recorded> {
  const cached = db.cachedVersions?.();
  if (cached) return cached.recorded as Recorded;
  const [t] = await db.query<{ v: string | null }>(
    `SELECT to_regclass(${quoteLiteral('public.schemaver_version')})::text AS v`,
  );
  if (!t?.v) return { tables: false };
  const rows = await db.query<{ commit_id: string; schema_hash: string; updated_at: string }>(
    `SELECT commit_id, schema_hash, to_char(updated_at AT TIME ZONE 'UTC', ${ISO}) AS updated_at FROM ${VERSION_TABLE}`,
  );
  const r = rows[0];
  if (!r) return { tables: true };
  return { tables: true, commit: r.commit_id, hash: r.schema_hash, updatedAt: r.updated_at };
}

/** readHistory reads schemaver_history, newest first. */
export async function readHistory(db: Driver, limit?: number): Promise<HistoryRow[]> {
  const cached = db.cachedVersions?.();
  if (cached)
    return (cached.history as HistoryRow[]).slice(0, limit === undefined ? undefined : Math.max(0, Math.floor(limit)));
  const [t] = await db.query<{ v: string | null }>(
    `SELECT to_regclass(${quoteLiteral('public.schemaver_history')})::text AS v`,
  );
  if (!t?.v) return [];
  const rows = await db.query<Record<string, unknown>>(
    `SELECT id::text AS id, from_commit, to_commit, from_hash, to_hash, direction, checksum, schemaver_version,
            to_char(applied_at AT TIME ZONE 'UTC', ${ISO}) AS applied_at, applied_by
       FROM ${HISTORY_TABLE} AS h ORDER BY h.id DESC${limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(limit))}` : ''}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    from: (r.from_commit as string | null) ?? null,
    to: (r.to_commit as string | null) ?? null,
    fromHash: (r.from_hash as string | null) ?? null,
    toHash: (r.to_hash as string | null) ?? null,
    direction: r.direction as HistoryRow['direction'],
    checksum: (r.checksum as string | null) ?? null,
    schemaverVersion: String(r.schemaver_version),
    appliedAt: String(r.applied_at),
    appliedBy: String(r.applied_by),
  }));
}

/** lit writes a nullable text literal. */
function lit(v: string | undefined | null): string {
  return v === undefined || v === null || v === '' ? 'NULL' : quoteLiteral(v);
}

/** setVersionSql writes the statements that record `commit` (or clear the row when commit is empty: nothing). */
export function setVersionSql(commit: string, hash: string | undefined): string[] {
  if (!commit) return [`DELETE FROM ${VERSION_TABLE}`];
  return [
    `INSERT INTO ${VERSION_TABLE} (singleton, commit_id, schema_hash, updated_at) VALUES (true, ${quoteLiteral(commit)}, ${lit(hash ?? '')}, now())
  ON CONFLICT (singleton) DO UPDATE SET commit_id = EXCLUDED.commit_id, schema_hash = EXCLUDED.schema_hash, updated_at = EXCLUDED.updated_at`,
  ];
}

/** HistoryEntry is one row to append to schemaver_history. */
export interface HistoryEntry {
  readonly from: string;
  readonly to: string;
  readonly fromHash?: string;
  readonly toHash?: string;
  readonly direction: 'up' | 'down' | 'stamp';
  readonly checksum?: string;
  readonly version: string;
}

/**
 * historySql writes the INSERT of one history row. The id is the next after the largest one, taken under the deploy
 * advisory lock, not from the identity sequence: a sequence is not transactional, so a failed upgrade would leave a
 * gap. syncHistorySeqSql, the last statement before COMMIT, moves the sequence past it for writers that use it.
 */
export function historySql(e: HistoryEntry): string {
  return `INSERT INTO ${HISTORY_TABLE} (id, from_commit, to_commit, from_hash, to_hash, direction, checksum, schemaver_version) OVERRIDING SYSTEM VALUE VALUES ((SELECT coalesce(max(h.id), 0) + 1 FROM ${HISTORY_TABLE} AS h), ${lit(e.from)}, ${lit(e.to)}, ${lit(e.fromHash)}, ${lit(e.toHash)}, ${quoteLiteral(e.direction)}, ${lit(e.checksum)}, ${quoteLiteral(e.version)})`;
}

/** syncHistorySeqSql sets the history id sequence to the largest id (older schemaver versions insert through it). */
export function syncHistorySeqSql(): string {
  return `SELECT setval(pg_get_serial_sequence(${quoteLiteral('public.schemaver_history')}, 'id'), h.m) FROM (SELECT max(id) AS m FROM ${HISTORY_TABLE}) AS h WHERE h.m IS NOT NULL`;
}

/** guardSql writes a DO block that aborts unless schemaver_version records `commit` (empty = nothing). */
export function guardSql(commit: string): string {
  const expected = commit ? quoteLiteral(commit) : 'NULL';
  const shown = commit ? commit.slice(0, 12) : 'nothing';
  const msg = quoteLiteral(`schemaver: the database is not at ${shown}; schemaver_version records %`);
  return `DO $schemaver$ BEGIN
  IF (SELECT commit_id FROM ${VERSION_TABLE}) IS DISTINCT FROM ${expected} THEN
    RAISE EXCEPTION ${msg}, coalesce((SELECT commit_id FROM ${VERSION_TABLE}), 'nothing');
  END IF;
END $schemaver$`;
}

/** lockSql takes the deploy advisory lock for the rest of the transaction (a second deploy waits here). */
export function lockSql(): string {
  return `SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
}

/** USER_OBJECTS_SQL counts user objects outside system schemas (`schemaver_*` and extension members excluded; extensions alone do not count: templates often carry some). */
export const USER_OBJECTS_SQL = `SELECT
  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp%' AND n.nspname NOT LIKE 'pg\\_toast%'
      AND c.relname NOT LIKE 'schemaver\\_%'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'))
  + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND t.typtype IN ('e', 'd')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'))
  + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))
  + (SELECT count(*) FROM pg_namespace s WHERE s.nspname NOT IN ('public', 'information_schema') AND s.nspname NOT LIKE 'pg\\_%'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = s.oid AND d.deptype = 'e'))
  AS n`;

/** countUserObjects tells how many user objects a database holds (0 = empty, safe to upgrade from nothing). */
export async function countUserObjects(db: Driver): Promise<number> {
  const [r] = await db.query<{ n: string | number }>(USER_OBJECTS_SQL);
  return Number(r?.n ?? 0);
}

/**
 * PROGRESS_COLUMNS_SQL adds the columns an online deploy records its progress in (deploy/online.ts): the edge being
 * applied (`online_to`, the sha256 of its script) and how many of its steps have committed. Nullable and added only
 * when an online deploy first runs, so versions that do not know them read the table as before.
 */
export const PROGRESS_COLUMNS_SQL = `ALTER TABLE ${VERSION_TABLE} ADD COLUMN IF NOT EXISTS online_to text, ADD COLUMN IF NOT EXISTS online_checksum text, ADD COLUMN IF NOT EXISTS online_done integer, ADD COLUMN IF NOT EXISTS online_steps integer`;

/** Progress is an online deploy stopped part-way through an edge: `done` of `steps` steps of the edge to `to` ran. */
export interface Progress {
  readonly to: string;
  readonly checksum: string;
  readonly done: number;
  readonly steps: number;
}

/** readProgress reads an unfinished online edge from schemaver_version (undefined when there is none or no such columns). */
export async function readProgress(db: Driver): Promise<Progress | undefined> {
  if (db.cachedVersions?.()) return undefined; // the embedded database's kept copy: only complete deploys write it
  const [t] = await db.query<{ v: string | null }>(
    `SELECT to_regclass(${quoteLiteral('public.schemaver_version')})::text AS v`,
  );
  if (!t?.v) return undefined;
  const [r] = await db.query<{ r: Record<string, unknown> }>(`SELECT to_jsonb(v) AS r FROM ${VERSION_TABLE} AS v`);
  const row = typeof r?.r === 'string' ? (JSON.parse(r.r) as Record<string, unknown>) : r?.r;
  if (!row || typeof row['online_to'] !== 'string') return undefined;
  return {
    to: row['online_to'] === 'base' ? '' : row['online_to'],
    checksum: String(row['online_checksum'] ?? ''),
    done: Number(row['online_done'] ?? 0),
    steps: Number(row['online_steps'] ?? 0),
  };
}

/** progressSql records that `done` of the `steps` steps of the edge to `to` (script checksum) have run. */
export function progressSql(p: Progress): string {
  return `UPDATE ${VERSION_TABLE} SET online_to = ${quoteLiteral(p.to || 'base')}, online_checksum = ${quoteLiteral(p.checksum)}, online_done = ${Math.floor(p.done)}, online_steps = ${Math.floor(p.steps)}`;
}

/** clearProgressSql forgets the progress of a finished edge. */
export function clearProgressSql(): string {
  return `UPDATE ${VERSION_TABLE} SET online_to = NULL, online_checksum = NULL, online_done = NULL, online_steps = NULL`;
}
