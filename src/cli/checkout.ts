/** Human output of `checkout` (its --json output is the CheckoutResult itself). */
import type { CheckoutOutcome } from '../app/checkout.js';

const short = (id: string): string => id.slice(0, 7);

/** renderCheckout says where HEAD is now and what happened to schema/. */
export function renderCheckout(out: CheckoutOutcome): string[] {
  const r = out.result;
  if (out.kind === 'resumed') {
    const lines = [`${out.how === 'continue' ? 'Finished' : 'Undid'} the interrupted ${out.described}`];
    if (out.kept.length) lines.push(`kept as they are (changed since the interruption): ${out.kept.join(', ')}`);
    return lines;
  }
  const lines: string[] = [];
  if (out.carried)
    lines.push('edits in schema/ carried over (the switch does not touch them, or they change no schema)');
  if (r.branch) {
    if (r.created) lines.push(`Switched to a new branch '${r.branch}'${r.head ? ` at ${short(r.head)}` : ''}`);
    else if (out.stayed) lines.push(`Already on '${r.branch}'`);
    else lines.push(`Switched to branch '${r.branch}' (${short(r.head!)})`);
  } else {
    lines.push(
      `HEAD is now at ${short(r.head!)} ${out.subject ?? ''} (detached: commit on a new branch with \`schemaver checkout -b NAME\`)`,
    );
  }
  if (r.files) lines.push(`schema/ rewritten from the snapshot (${r.files} file${r.files === 1 ? '' : 's'})`);
  return lines;
}
