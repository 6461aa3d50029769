/**
 * semanticDiff: the attribute-level difference people and `--json` read (`status`, `diff`, `show`, `review`,
 * `check`). It is the one differ (./index.ts diffDetailed) run in canonical form with rename hints, projected onto
 * rows (./rows.ts): objects matched by id, columns by name (never by position), constraints, indexes, triggers and
 * policies by name; renames shown as renames. An empty diff means equal schema hashes.
 */
import type { Schema } from '../model/types.js';
import { diffDetailed } from './index.js';
import { changeRows, pathKind, type SemChange } from './rows.js';
import { changeText, describeDef } from './words.js';

export type { SemChange, SemOp } from './rows.js';

/** Colours are the styles renderSemDiff paints with (cli/term.ts's Paint fits). */
export type Colours = Record<'green' | 'red' | 'yellow' | 'cyan' | 'bold', (s: string) => string>;

/** semanticDiff lists the differences from `from` to `to`: renames first, then object by object, attribute by attribute. */
export function semanticDiff(from: Schema, to: Schema): SemChange[] {
  const d = diffDetailed(from, to, { canonical: true });
  return changeRows(d, to);
}

/** summarize writes an added or dropped object's definition as PostgreSQL users read it (its path says the kind). */
export function summarize(path: readonly string[], v: unknown): string {
  return describeDef(pathKind(path)?.kind ?? '', v);
}

/** semLine writes one change without its sign: `column users.email: not null: added`, `index t.i (email)`. */
export function semLine(ch: SemChange): string {
  switch (ch.op) {
    case 'add':
      return `${ch.object} ${summarize(ch.path, ch.to)}`.trimEnd();
    case 'drop':
      return `${ch.object} ${summarize(ch.path, ch.from)}`.trimEnd();
    case 'rename':
      return `rename ${ch.object} -> ${String(ch.to)}`;
    case 'change':
      return `${ch.object}: ${changeText(ch.attr ?? ch.path[ch.path.length - 1] ?? '', ch.from, ch.to)}`;
  }
}

/** renderSemDiff writes changes as `+`/`-`/`~`/`>` lines grouped under their table, coloured when `color` paints. */
export function renderSemDiff(changes: readonly SemChange[], color?: Colours): string {
  const id = (s: string) => s;
  const c = color ?? ({ green: id, red: id, yellow: id, cyan: id, bold: id } as Colours);
  const paint = { add: c.green, drop: c.red, rename: c.cyan, change: c.yellow };
  const sign = { add: '+', drop: '-', rename: '>', change: '~' };
  const lines: string[] = [];
  let header = '';
  for (const ch of changes) {
    const nested = pathKind(ch.path)?.owner !== undefined;
    const owner = `${ch.path[0]} ${ch.path[1]}`;
    if (nested && owner !== header) lines.push(c.bold(`~ ${ownerLabel(ch.path)}`));
    header = nested || ch.op === 'change' ? owner : '';
    lines.push(paint[ch.op](`${nested ? '    ' : ''}${sign[ch.op]} ${semLine(ch)}`));
  }
  return lines.join('\n');
}

/** ownerLabel names the owner of a part for its group header: `table users`, `view v`, `domain d`. */
function ownerLabel(path: readonly string[]): string {
  const section = path[0] ?? '';
  const kind = { tables: 'table', views: 'view', domains: 'domain' }[section] ?? section;
  return `${kind} ${path[1] ?? ''}`;
}
