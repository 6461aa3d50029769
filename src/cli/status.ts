/** Human output of `status` (its --json output is the StatusResult itself). */
import type { StatusOutcome } from '../app/status.js';
import { renderSemDiff } from '../diff/semdiff.js';
import type { Paint } from './term.js';

const short = (id: string): string => id.slice(0, 7);

/** renderStatus describes the branch, HEAD, a merge in progress and schema/'s changes since HEAD. */
export function renderStatus({ result: r, headMessage }: StatusOutcome, c: Paint): string[] {
  const lines = [r.branch ? `On branch ${c.bold(r.branch)}` : `HEAD detached at ${r.head ? short(r.head) : '?'}`];
  lines.push(r.head ? `HEAD ${c.yellow(short(r.head))} ${headMessage ?? ''}` : 'No commits yet');
  if (r.merge.mergeHead)
    lines.push(
      c.magenta(
        `Merging ${short(r.merge.mergeHead)}: fix conflicts in schema/, then \`schemaver merge --continue\` (or --abort)`,
      ),
    );
  if (r.merge.unresolved?.length) {
    lines.push(`Unresolved conflicts (${r.merge.unresolved.length}):`);
    for (const l of r.merge.unresolved) lines.push(`  ${c.red('conflict')} ${l.file}:${l.line}:${l.col}`);
    return lines;
  }
  lines.push(`Schema ${r.workingHash}`);
  if (r.clean) {
    lines.push(
      r.head ? 'nothing to commit: schema/ matches HEAD' : 'nothing to commit: schema/ declares no objects yet',
    );
    const edited = [...r.files.added, ...r.files.removed, ...r.files.modified];
    if (r.head && edited.length) lines.push(c.dim(`(text-only edits, same schema, in: ${edited.join(', ')})`));
    return lines;
  }
  lines.push(r.head ? 'Changes since HEAD:' : 'Changes to commit (first commit):');
  lines.push(
    r.changes.length
      ? renderSemDiff(r.changes, c).replace(/^/gm, '  ')
      : '  (the schema hash differs, but no object-level difference was found)',
  );
  lines.push('Commit them with `schemaver commit -m "..."`; see the SQL with `schemaver plan`.');
  return lines;
}
