/** The human summary of a commit (`commit`, `revert`): id, steps with their flags, renames, verification. */
import type { CommitOutcome } from '../app/commit.js';
import { describeFailure } from '../app/datafail.js';

/** renderCommit is the human summary of a commit: id, steps with their flags, renames, verification. */
export function renderCommit(o: CommitOutcome): string {
  const r = o.result;
  const m = r.migrations[0]!;
  const steps = m.steps;
  const destructive = steps.filter((s) => s.destructive).length;
  const rewriting = steps.filter((s) => s.rewrite).length;
  const flagsText = [
    destructive ? `${destructive} destructive` : '',
    rewriting ? `${rewriting} rewriting` : '',
    steps.every((s) => s.reversible) ? '' : 'irreversible',
    m.handEdited ? 'hand-edited' : '',
  ].filter(Boolean);
  return [
    `[${r.branch ?? 'detached HEAD'}${r.parents.length ? '' : ' (root-commit)'} ${r.id.slice(0, 7)}] ${r.message.split('\n')[0]}`,
    ...(o.amended ? [` amended ${o.amended.slice(0, 7)} (now unreachable from the branch; ORIG_HEAD keeps it)`] : []),
    ` ${steps.length} step(s)${flagsText.length ? ` (${flagsText.join(', ')})` : ''}, schema ${r.schemaHash.slice(0, 16)}…`,
    ...m.renames.map((x) => ` rename ${x}`),
    ...(m.failsOnData ?? []).map((f) => ` accepted with --allow-empty-only: ${describeFailure(f)}`),
    ...(m.online
      ? [
          ` online form: ${m.online.steps.length} step(s)${m.online.verified ? ', verified in PGlite too' : ''} (\`upgrade --online\` runs it)`,
        ]
      : []),
    o.textOnly
      ? ' same schema: comments or formatting only, no migration'
      : m.verified
        ? ` verified in PGlite in ${Math.round(m.verifyMs ?? 0)} ms`
        : ' not verified (--no-verify); run `schemaver verify` later',
  ].join('\n');
}
