/** Human output of `merge` (its --json output is the result itself). */
import type { MergeVerbOutcome } from '../app/merge-verb.js';
import type { MergeOutcome } from '../app/merge.js';
import { conflictSides } from '../merge/describe.js';

const short = (id: string): string => id.slice(0, 7);

/** renderMerge describes what the merge did: resumed, aborted, up to date, fast-forward, merged or conflicted. */
export function renderMerge({ result: r, git }: MergeVerbOutcome): string[] {
  switch (r.status) {
    case 'resumed':
      return [
        `${r.how === 'continue' ? 'Finished' : 'Undid'} the interrupted ${r.described}`,
        ...(r.kept.length ? [`kept as they are (changed since the interruption): ${r.kept.join(', ')}`] : []),
        ...r.lines,
      ];
    case 'aborted':
      return [
        r.restored
          ? `merge aborted; schema/ restored to ${short(r.head)}${r.kept.length ? ` (kept ${r.kept.length} file(s) you created: ${r.kept.join(', ')})` : ''}`
          : `merge state cleared (HEAD moved to ${short(r.head)} since the merge started; schema/ left as it is)`,
        ...(git !== undefined ? [git] : []),
      ];
    case 'up-to-date':
      return ['Already up to date.'];
    case 'fast-forward':
      return [`Fast-forward ${short(r.from)}..${short(r.to)}${r.branch ? ` (${r.branch})` : ''}; schema/ rewritten`];
    case 'merged':
      return mergedLines(r);
    case 'conflict':
      return conflictLines(r);
  }
}

/** mergedLines: the merge commit, the renames followed and each parent edge's steps and proof. */
function mergedLines(r: Extract<MergeOutcome, { status: 'merged' }>): string[] {
  const lines = [
    `Merge made: ${short(r.id)} (parents ${r.parents.map(short).join(' ')}), schema ${r.schemaHash.slice(0, 16)}…`,
  ];
  for (const x of r.renames) lines.push(` followed rename: ${x}`);
  for (const e of r.edges) {
    const d = e.steps.filter((s) => s.destructive).length;
    lines.push(
      ` from ${short(e.parent)}: ${e.steps.length} step(s)${d ? `, ${d} destructive` : ''}${e.verified ? `, verified in ${Math.round(e.verifyMs ?? 0)} ms` : ', not verified'}`,
    );
  }
  lines.push(` schema/: ${r.keptFiles} file(s) kept as they were, ${r.rewrittenFiles} written`);
  return lines;
}

/** conflictLines: each conflict with its three sides, and the files holding conflict blocks. */
function conflictLines(r: Extract<MergeOutcome, { status: 'conflict' }>): string[] {
  const lines = [
    `Automatic merge failed: ${r.conflicts.length} conflict(s) (base ${r.base ? short(r.base) : 'none'}, ours ${short(r.ours)}, theirs ${short(r.theirs)})`,
  ];
  for (const c of r.conflicts) {
    lines.push(`  ${c.kind.padEnd(13)} ${c.object}${c.attribute ? ` [${c.attribute}]` : ''}: ${c.message}`);
    if (c.kind !== 'semantic' || c.base !== undefined || c.ours !== undefined || c.theirs !== undefined) {
      const s = conflictSides(c);
      lines.push(`      base: ${s.base}   ours: ${s.ours}   theirs: ${s.theirs}`);
    }
  }
  if (r.marked.length) lines.push(`conflict markers in: ${r.marked.join(', ')}`);
  const alsoChanged = r.files.filter((f) => !r.marked.includes(f));
  if (alsoChanged.length) lines.push(`merged cleanly into: ${alsoChanged.join(', ')}`);
  return lines;
}
