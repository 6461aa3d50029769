/** Renderers of `schemaver prover status|stop`. */
import type { ProverReport, StopResult } from '../app/prover.js';

/** renderProverStatus is `prover status` for people: each prover, and what commands here do. */
export function renderProverStatus(r: ProverReport): string[] {
  const lines: string[] = [];
  const current = r.provers.find((p) => p.current);
  if (!r.enabled)
    lines.push(
      'the warm prover is off here (SCHEMAVER_PROVER=0, or CI=true): commands prove with a worker of their own',
    );
  else if (current)
    lines.push(`commands here prove on the warm prover (pid ${current.pid}, ${current.warm ? 'warm' : 'starting'})`);
  else lines.push('no prover for this build yet: the next command that proves starts one in the background');
  for (const p of r.provers) {
    const age = Math.round((Date.now() - Date.parse(p.started)) / 1000);
    lines.push(
      `  pid ${p.pid}${p.current ? ' (this build)' : ' (another build or environment)'}: up ${age} s, ` +
        `${p.commands} command(s) served, ${p.busy ? 'busy' : 'idle'}, ${p.rssMb} MB, exits after ${p.idleSeconds} s idle`,
    );
  }
  lines.push(`  sockets in ${r.dir}; stop with \`schemaver prover stop\`, turn off with SCHEMAVER_PROVER=0`);
  return lines;
}

/** renderProverStop is `prover stop` for people. */
export function renderProverStop(r: StopResult): string[] {
  return [r.stopped.length ? `stopped prover(s): pid ${r.stopped.join(', ')}` : 'no prover was running'];
}
