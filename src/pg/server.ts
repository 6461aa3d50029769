/**
 * PostgreSQL servers through node-postgres: one `pg.Client` wrapped as a Driver.
 * The password of a connection URL never leaves this file: labels and every error message go through src/redact.ts.
 */
import type { Client, ClientConfig, QueryResult } from 'pg';
import { SchemaverError, envFailure } from '../errors.js';
import { connectionLabel, redact } from '../redact.js';
import { type Driver, batchResults, batchScript } from './driver.js';
import { pinSettings } from './settings.js';

/** ConnectOptions tune a server connection. */
export interface ConnectOptions {
  /** timeoutMs: how long to wait for the server to accept the connection (default 10 s, or SCHEMAVER_CONNECT_TIMEOUT seconds). */
  readonly timeoutMs?: number;
  /** applicationName shows in pg_stat_activity (default `schemaver`). */
  readonly applicationName?: string;
}

interface PgErrorLike {
  readonly message?: string;
  readonly code?: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly hostname?: string;
  readonly address?: string;
  readonly port?: number;
}

/** describeConnectError turns a connection failure into a reason and a hint (no secrets: the caller redacts). */
export function describeConnectError(
  err: unknown,
  host: string,
  database: string,
  user: string,
): { reason: string; hint: string; code: string } {
  const e = (err ?? {}) as PgErrorLike;
  const msg = String(e.message ?? err ?? 'unknown error');
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') {
    return {
      code,
      reason: `connection refused by ${host}`,
      hint: 'is PostgreSQL running and listening on that host and port? check the URL',
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return {
      code,
      reason: `unknown host ${e.hostname ?? host}`,
      hint: 'check the host name in the URL (and your DNS / network)',
    };
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout|timed out/i.test(msg)) {
    return {
      code: code || 'timeout',
      reason: `no answer from ${host} (timed out)`,
      hint: 'check the host, port and firewall; raise SCHEMAVER_CONNECT_TIMEOUT (seconds) for slow networks',
    };
  }
  if (code === '28P01') {
    return {
      code,
      reason: `password authentication failed for user "${user}"`,
      hint: 'check the user name and password in the URL (or PGPASSWORD)',
    };
  }
  if (code === '28000') {
    return {
      code,
      reason: msg,
      hint: "the server refused this user/host/database combination; check the user in the URL and the server's pg_hba.conf",
    };
  }
  if (code === '3D000') {
    return {
      code,
      reason: msg || `database "${database}" does not exist`,
      hint: `create it first (createdb ${database}) or fix the database name in the URL`,
    };
  }
  if (code === '57P03' || code === '53300') {
    return { code, reason: msg, hint: 'the server is not accepting connections right now; retry in a moment' };
  }
  if (/SASL|password must be a string|client password/i.test(msg)) {
    return {
      code: code || 'no-password',
      reason: 'the server asks for a password but none was given',
      hint: 'put the password in the URL (postgres://user:PASSWORD@host/db) or set PGPASSWORD',
    };
  }
  if (/ssl/i.test(msg)) {
    return { code: code || 'ssl', reason: msg, hint: 'check ?sslmode= in the URL against what the server supports' };
  }
  return {
    code: code || 'connect-failed',
    reason: msg,
    hint: 'check the URL, and that the server is reachable from here',
  };
}

/** urlParts reads host, database and user of a connection URL for messages (undefined when it is not a URL). */
function urlParts(url: string): { host: string; database: string; user: string } | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return undefined;
    return {
      host: `${u.hostname || 'localhost'}:${u.port || '5432'}`,
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres',
      user: decodeURIComponent(u.username) || process.env.PGUSER || 'postgres',
    };
  } catch {
    return undefined;
  }
}

/** serverDriver wraps a connected pg.Client as a Driver; query errors are redacted. */
function serverDriver(client: Client, label: string): Driver {
  const clean = (e: unknown): unknown => {
    if (e instanceof Error) {
      const f = e as Error & { detail?: unknown; hint?: unknown; where?: unknown };
      e.message = redact(e.message);
      if (e.stack) e.stack = redact(e.stack);
      for (const k of ['detail', 'hint', 'where'] as const) if (typeof f[k] === 'string') f[k] = redact(f[k]);
    }
    return e;
  };
  let closed = false;
  return {
    kind: 'postgres',
    label,
    async query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      try {
        const r = await client.query(sql, params ? [...params] : undefined);
        return r.rows as T[];
      } catch (e) {
        throw clean(e);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await client.query(sql);
      } catch (e) {
        throw clean(e);
      }
    },
    async batch(sqls: readonly string[]): Promise<Record<string, unknown>[][]> {
      try {
        // a script of several statements goes as one simple query; pg answers with one result per statement
        return batchResults(sqls, (await client.query(batchScript(sqls))) as unknown as QueryResult | QueryResult[]);
      } catch (e) {
        throw clean(e);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}

/** connectUrl connects to a PostgreSQL server; failures are SchemaverError exit 3 with the password masked. */
export async function connectUrl(url: string, opts: ConnectOptions = {}): Promise<Driver> {
  const label = connectionLabel(url); // also remembers the URL's passwords, so redact hides them anywhere
  const parts = urlParts(url);
  if (!parts) {
    throw new SchemaverError({
      code: 'bad-url',
      message: `not a PostgreSQL connection URL: ${redact(url)}`,
      hint: 'write it as postgres://user:password@host:5432/database',
      exit: 2,
    });
  }
  const envTimeout = Number(process.env.SCHEMAVER_CONNECT_TIMEOUT);
  const timeoutMs = opts.timeoutMs ?? (Number.isFinite(envTimeout) && envTimeout > 0 ? envTimeout * 1000 : 10_000);
  const { default: pg } = await import('pg');
  const config: ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    application_name: opts.applicationName ?? 'schemaver',
  };
  let client: Client;
  try {
    client = new pg.Client(config);
  } catch (e) {
    throw new SchemaverError({
      code: 'bad-url',
      message: `cannot read connection URL ${label}: ${redact((e as Error).message)}`,
      hint: 'write it as postgres://user:password@host:5432/database',
      exit: 2,
    });
  }
  // An idle connection that the server drops must not crash the process; the next query reports it.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    const d = describeConnectError(e, parts.host, parts.database, parts.user);
    throw envFailure('connect-failed', `cannot connect to ${label}: ${redact(d.reason)}`, redact(d.hint), undefined, {
      target: label,
      reason: d.code,
    });
  }
  const db = serverDriver(client, label);
  try {
    // the settings every generated statement is written for: a database or role default must not change them
    await pinSettings(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
