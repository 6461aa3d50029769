/** Human output of `show` (its --json output is the ShowResult itself). */
import type { ShowResult } from '../app/show.js';
import type { Migration } from '../model/plan.js';
import { formatDate, shortId } from '../app/project.js';
import { renderSemDiff } from '../diff/semdiff.js';
import type { Paint } from './term.js';

/** renderShow writes the commit (or WORKING) header, then each migration's steps, up SQL and (with `down`) down SQL. */
export function renderShow(r: ShowResult, c: Paint, down: boolean): string[] {
  const lines = r.id === null ? workingHeader(r, c) : commitHeader(r, r.id, c);
  for (const m of r.migrations) lines.push(...migrationLines(m, c, down));
  return lines;
}

/** workingHeader: WORKING's hash, files and changes since HEAD. */
function workingHeader(r: ShowResult, c: Paint): string[] {
  const lines = [c.yellow('WORKING') + ' (schema/ as it is now)', `Schema: ${r.schemaHash}`];
  lines.push(`Files:  ${r.files.join(', ') || '(none)'}`);
  const head = r.parents[0];
  if (r.changes?.length) {
    lines.push(`\nChanges since ${head ? `HEAD (${shortId(head)})` : 'nothing'}:`);
    lines.push(renderSemDiff(r.changes, c).replace(/^/gm, '  '));
  } else lines.push('\nsame schema as HEAD');
  return lines;
}

/** commitHeader: the commit as `git show` starts, with its schema hash and the renames it applied. */
function commitHeader(r: ShowResult, id: string, c: Paint): string[] {
  const lines = [c.yellow(`commit ${id}`) + (r.refs.length ? c.yellow(` (${r.refs.join(', ')})`) : '')];
  if (r.parents.length > 1) lines.push(`Merge: ${r.parents.map(shortId).join(' ')}`);
  if (r.author) {
    lines.push(`Author: ${r.author.name} <${r.author.email}>`);
    lines.push(`Date:   ${formatDate(r.author.timestamp)}`);
  }
  lines.push(`Schema: ${r.schemaHash}`, '');
  for (const l of (r.message ?? '').split('\n')) lines.push(`    ${l}`.trimEnd());
  if (r.renames.length) lines.push('\nRenames:', ...r.renames.map((x) => `  ${x}`));
  return lines;
}

/** migrationLines: one migration's heading, its steps with their flags, and its SQL. */
function migrationLines(m: Migration, c: Paint, down: boolean): string[] {
  const src = m.parent ? shortId(m.parent) : 'nothing';
  const tags = [m.handEdited ? 'hand-edited' : '', m.steps.every((s) => s.reversible) ? '' : 'irreversible'].filter(
    Boolean,
  );
  const lines = [
    c.bold(
      `\nMigration from ${src} (${m.steps.length} step${m.steps.length === 1 ? '' : 's'}${tags.length ? `, ${tags.join(', ')}` : ''})`,
    ),
  ];
  for (const s of m.steps) {
    const f = [
      s.destructive ? c.red('destructive') : '',
      s.rewrite ? c.yellow('rewrite') : '',
      s.lock ? c.yellow('lock') : '',
      s.reversible ? '' : c.red('irreversible'),
    ].filter(Boolean);
    lines.push(`  - ${s.what}${f.length ? ` [${f.join(', ')}]` : ''}`);
  }
  lines.push(c.dim('-- up'), m.up.trim() ? m.up.replace(/\n+$/, '') : '-- (no statements)');
  if (down) lines.push(c.dim('-- down'), m.down.trim() ? m.down.replace(/\n+$/, '') : '-- (no statements)');
  return lines;
}
