/** Driver: the one interface through which schemaver talks to a database (PGlite in-process, or a server via `pg`). */
import type { Schema } from '../model/types.js';

/** Driver runs SQL against one database connection. */
export interface Driver {
  readonly kind: 'pglite' | 'postgres';
  /** label names the target for messages, password masked (`pglite:.schemaver/local`, `postgres://u:***@h/db`). */
  readonly label: string;
  /** query runs one statement with optional $n parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** exec runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /** batch runs several statements without parameters in one round trip and returns the rows of each, in order. */
  batch?(sqls: readonly string[]): Promise<Record<string, unknown>[][]>;
  /**
   * cachedVersions: the embedded database's version tables as kept beside its data directory, while that copy still
   * matches the directory and the database has not been started (see deploy/localstate.ts); absent elsewhere.
   */
  cachedVersions?(): { readonly recorded: unknown; readonly history: readonly unknown[] } | undefined;
  /**
   * cachedCatalog: the embedded database's catalog as `variant` (a reader: `check`'s introspection) read it, kept
   * beside its data directory by keepCatalog, while that copy still matches the directory and the database has not
   * been started (see deploy/localstate.ts); absent elsewhere.
   */
  cachedCatalog?(variant: string): Schema | undefined;
  /** keepCatalog offers what `variant` just read: the embedded database keeps it when nothing runs on it after. */
  keepCatalog?(variant: string, schema: Schema): void;
  /** close releases the connection or instance; always call it. */
  close(): Promise<void>;
}

/**
 * queryAll runs statements without parameters and returns the rows of each, in order: in one round trip when the
 * driver can batch (an error then fails them all), one after another otherwise.
 */
export async function queryAll(db: Driver, sqls: readonly string[]): Promise<Record<string, unknown>[][]> {
  if (db.batch && sqls.length > 1) return db.batch(sqls);
  const out: Record<string, unknown>[][] = [];
  for (const sql of sqls) out.push(await db.query(sql));
  return out;
}

/** batchScript joins statements into one script; each ends on its own line, so a trailing comment cannot swallow the next. */
export function batchScript(sqls: readonly string[]): string {
  return sqls.join('\n;\n');
}

/** batchResults checks that a script answered once per statement and returns the rows of each. */
export function batchResults<R extends { rows: unknown[] }>(
  sqls: readonly string[],
  results: R | R[],
): Record<string, unknown>[][] {
  const list = Array.isArray(results) ? results : [results];
  if (list.length !== sqls.length)
    throw new Error(`batch of ${sqls.length} statements returned ${list.length} results`);
  return list.map((r) => r.rows as Record<string, unknown>[]);
}
