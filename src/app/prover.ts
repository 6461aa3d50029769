/**
 * The warm prover as users see it (`schemaver prover status|stop`): the background process that keeps PGlite warm
 * between commands (pg/proverd.ts), which commands that prove ask instead of starting a worker (pg/prover.ts).
 */
import { proverReport, stopProvers, type ProverReport } from '../pg/prover.js';

export type { ProverReport };

/** proverStatus reports this user's running provers and the one this build and environment uses. */
export function proverStatus(): Promise<ProverReport> {
  return proverReport();
}

/** StopResult names the provers that were stopped. */
export interface StopResult {
  readonly stopped: readonly number[];
}

/** stopProver stops every prover of this user (the next command that proves starts one again, unless it is off). */
export async function stopProver(): Promise<StopResult> {
  return { stopped: await stopProvers() };
}
