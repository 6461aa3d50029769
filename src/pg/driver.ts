/** Driver: the one interface through which schemaver talks to a database (PGlite in-process, or a server via `pg`). */

/** Driver runs SQL against one database connection. */
export interface Driver {
  readonly kind: 'pglite' | 'postgres';
  /** label names the target for messages, password masked (`pglite:.schemaver/local`, `postgres://u:***@h/db`). */
  readonly label: string;
  /** query runs one statement with optional $n parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** exec runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /**
   * cachedVersions: the embedded database's version tables as kept beside its data directory, while that copy still
   * matches the directory and the database has not been started (see deploy/localstate.ts); absent elsewhere.
   */
  cachedVersions?(): { readonly recorded: unknown; readonly history: readonly unknown[] } | undefined;
  /** close releases the connection or instance; always call it. */
  close(): Promise<void>;
}
