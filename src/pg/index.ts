/** Database entry points (owned by the verification/import work; see src/ARCHITECTURE.md). */
import type { Schema } from '../model/types.js';
import type { Issue } from '../errors.js';
import type { Driver } from './driver.js';

export type { Driver };

/** freshPglite returns an empty in-memory PGlite database, restored from a cached initdb image (fast). */
export async function freshPglite(): Promise<Driver> {
  throw new Error('freshPglite: not implemented yet');
}

/** openPglite opens (creating on first use) a persistent PGlite database in `dir`. */
export async function openPglite(_dir: string): Promise<Driver> {
  throw new Error('openPglite: not implemented yet');
}

/** connectUrl connects to a PostgreSQL server; failures are SchemaverError exit 3 with the password masked. */
export async function connectUrl(_url: string): Promise<Driver> {
  throw new Error('connectUrl: not implemented yet');
}

/** IntrospectResult is the model read from a database plus every object the model cannot express. */
export interface IntrospectResult {
  readonly schema: Schema;
  readonly unsupported: readonly Issue[];
}

/** introspect reads the catalog of a database (user schemas only; schemaver_* bookkeeping excluded) into the model. */
export async function introspect(_db: Driver): Promise<IntrospectResult> {
  throw new Error('introspect: not implemented yet');
}

/** VerifyResult tells whether an edge reproduces its target, with a semantic diff when it does not. */
export interface VerifyResult {
  readonly ok: boolean;
  /** problems: human-readable mismatches naming objects (`up: column users.email missing`). */
  readonly problems: readonly string[];
  /** data: expected vs actual detail for --json. */
  readonly data?: unknown;
  readonly ms: number;
}

/** verifyEdge proves in PGlite that `up` turns `from` into `to` and `down` turns it back (SPEC: Migrations and verification). */
export async function verifyEdge(_from: Schema, _to: Schema, _up: string, _down: string | null): Promise<VerifyResult> {
  throw new Error('verifyEdge: not implemented yet');
}
