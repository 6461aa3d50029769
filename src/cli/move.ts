/** Human output of the deploy commands (the --json output is the result objects themselves), and the whole of upgrade/downgrade. */
import { Progress, paint, type Paint } from './term.js';
import { runMove, type MoveFlags } from '../app/move.js';
import type { MoveResult } from '../deploy/engine.js';
import type { CurrentResult, HistoryResult, StampResult } from '../deploy/status.js';

const sid = (id: string | null | undefined): string => (id ? id.slice(0, 7) : 'base');

/** renderMove describes an upgrade/downgrade that ran (or found nothing to do). */
export function renderMove(r: MoveResult, c: Paint): string {
  if (r.upToDate)
    return `${r.target} is already at ${sid(r.to.commit)}${r.to.commit ? '' : ' (nothing applied)'}; nothing to do`;
  const verb = r.command === 'upgrade' ? 'upgraded' : 'downgraded';
  const lines = [
    `${verb} ${r.target} from ${sid(r.from.commit)} to ${c.bold(sid(r.to.commit))} in ${r.ms} ms (${r.edges.length} migration${r.edges.length === 1 ? '' : 's'})`,
  ];
  for (const e of r.edges) {
    lines.push(
      `  ${e.direction === 'up' ? c.green('up  ') : c.yellow('down')} ${sid(e.from)} -> ${sid(e.to)}  ${e.message}  ${c.dim(`${e.statements} statement(s), ${e.ms ?? 0} ms`)}`,
    );
  }
  if (r.destructive.length)
    lines.push(c.yellow(`  (${r.destructive.length} destructive step(s) ran with --allow-destructive)`));
  return lines.join('\n');
}

/** renderCurrent describes what a database records. */
export function renderCurrent(r: CurrentResult, c: Paint): string {
  if (!r.commit)
    return `${r.target} records no schemaver commit${r.head ? ` (HEAD is ${sid(r.head)}: run \`schemaver upgrade\`, or \`schemaver stamp REV\` to baseline an existing database)` : ''}`;
  const refs = [...(r.isHead ? ['HEAD'] : []), ...r.branches, ...r.tags.map((t) => `tag: ${t}`)];
  const lines = [
    `${c.yellow(r.commit.slice(0, 7))}${refs.length ? ` (${refs.join(', ')})` : ''}${r.message ? ` ${r.message}` : ''}`,
  ];
  lines.push(`  commit  ${r.commit}`, `  schema  ${r.hash ?? '?'}`, `  target  ${r.target}`);
  if (r.updatedAt) lines.push(`  since   ${r.updatedAt}`);
  if (!r.known) lines.push(c.red('  this commit is not in the store (pull the .schemaver that deployed it)'));
  else if (r.hashMatches === false)
    lines.push(c.red("  the recorded schema hash differs from the commit's: run `schemaver check`"));
  if (r.online)
    lines.push(
      c.yellow(
        `  online  stopped after step ${r.online.done} of ${r.online.steps} of the edge to ${sid(r.online.to)}: \`schemaver upgrade ${sid(r.online.to)} --online\` continues`,
      ),
    );
  if (!r.isHead && r.head) lines.push(`  HEAD is ${sid(r.head)}: \`schemaver upgrade\` moves the database there`);
  return lines.join('\n');
}

/** renderHistory lists applied history rows, newest first. */
export function renderHistory(r: HistoryResult, c: Paint): string {
  if (!r.rows.length) return `${r.target} has no schemaver history`;
  return r.rows
    .map((h) => {
      const dir =
        h.direction === 'up' ? c.green('up   ') : h.direction === 'down' ? c.yellow('down ') : c.cyan('stamp');
      const sum = h.checksum ? c.dim(` sha256:${h.checksum.slice(0, 12)}`) : '';
      return `${h.appliedAt}  ${dir} ${sid(h.from)} -> ${sid(h.to)}  by ${h.appliedBy}  (schemaver ${h.schemaverVersion})${sum}`;
    })
    .join('\n');
}

/** renderStamp describes a stamp. */
export function renderStamp(r: StampResult): string {
  if (!r.changed) return `${r.target} already records ${sid(r.to)}; nothing to do`;
  return `stamped ${r.target} at ${sid(r.to)}${r.to ? ` (${r.hash})` : ' (nothing)'}${r.from ? `, was ${sid(r.from)}` : ''}; no SQL was run`;
}

/** MoveOutput is how a command shows people what a move did (suppressed with --json). */
export interface MoveOutput {
  readonly json: boolean;
  note(line: string): void;
  print(text: string): void;
}

/** runMoveCommand is the whole of `upgrade` and `downgrade`: move, then print the script (--sql) or the report. */
export async function runMoveCommand(
  start: string,
  command: 'upgrade' | 'downgrade',
  f: MoveFlags,
  out: MoveOutput,
): Promise<MoveResult> {
  // statements of a long script tick on a TTY (cleared before each edge line and at the end)
  const progress = new Progress(`${command}:`, out.json);
  const r = await runMove(
    start,
    command,
    f,
    (l) => {
      progress.done();
      out.note(l);
    },
    (done, total) => progress.tick(done, total, 'statements'),
  ).finally(() => progress.done());
  if (r.sql !== undefined) {
    if (!out.json) process.stdout.write(r.sql);
    return r;
  }
  out.print(renderMove(r, paint(process.stdout)));
  return r;
}
