/** verifyEdge: proves a migration edge in PGlite (SPEC: Migrations and verification). */
import type { Schema } from '../model/types.js';

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
