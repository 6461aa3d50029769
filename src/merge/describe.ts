/**
 * describe: a conflict's three sides as PostgreSQL users read them, for `merge`'s conflict list and the git
 * driver's report. Attribute conflicts show each side's value by the attribute's keyword (src/diff/words.ts);
 * object conflicts show the base's definition and what each side did to it, diffed by the one differ
 * (`changed: on delete no action -> cascade`, `dropped`). Pure: no I/O.
 */
import { emptySchema, type Schema } from '../model/types.js';
import { diffDetailed } from '../diff/index.js';
import { alterRows, changeRows, pathKind, type PathKind, type SemChange } from '../diff/rows.js';
import { attrValue, changeText, describeDef, valueText } from '../diff/words.js';
import { summarize } from '../diff/semdiff.js';
import type { Conflict } from './types.js';

/** ConflictSides are the texts of a conflict's base, ours and theirs (`-` = the object does not exist there). */
export interface ConflictSides {
  readonly base: string;
  readonly ours: string;
  readonly theirs: string;
}

/** MAX is the longest side text printed; longer ones end in an ellipsis (the schema/ markers hold them whole). */
const MAX = 160;

const clip = (s: string): string => (s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s);

/** conflictSides writes the three sides of a conflict for people. */
export function conflictSides(c: Conflict): ConflictSides {
  const at = pathKind(c.path);
  if (c.attribute !== undefined) {
    const side = (v: unknown, exists: boolean) => {
      if (!exists || (v === undefined && c.kind === 'rename/rename')) return '-';
      // a rename conflict carries each side's whole object under its name
      if (at && typeof v === 'object' && v !== null && 'kind' in v) return describeDef(at.kind, v);
      return attrValue(c.attribute!, v);
    };
    return {
      base: clip(side(c.base, c.kind !== 'add/add')),
      ours: clip(side(c.ours, true)),
      theirs: clip(side(c.theirs, true)),
    };
  }
  const def = (v: unknown) => (v === undefined ? '-' : at ? describeDef(at.kind, v) || '(empty)' : valueText(v));
  if (!at || c.base === undefined || typeof c.base !== 'object')
    return { base: clip(def(c.base)), ours: clip(def(c.ours)), theirs: clip(def(c.theirs)) };
  const side = (v: unknown) =>
    v === undefined ? 'dropped' : typeof v !== 'object' ? valueText(v) : changedText(at, c.base as object, v as object);
  return { base: clip(def(c.base)), ours: clip(side(c.ours)), theirs: clip(side(c.theirs)) };
}

/** changedText says what one side did to the base's object: `unchanged`, or `changed: <its changes>`. */
function changedText(at: PathKind, base: object, side: object): string {
  const rows = at.owner === undefined ? topRows(at, base, side) : alterRows([], '', at.owner, base, side);
  if (!rows.length) return 'unchanged';
  return `changed: ${rows.map(rowText).join('; ')}`;
}

/** topRows diffs one top-level object against its base with the differ (a table's columns and parts too). */
function topRows(at: PathKind, base: object, side: object): SemChange[] {
  const one = (v: object): Schema => ({ ...emptySchema(), [at.section]: { [at.id]: v } });
  const to = one(side);
  return changeRows(diffDetailed(one(base), to, { canonical: true, renames: false }), to);
}

/** rowText writes one change of a side without the object's own name. */
function rowText(r: SemChange): string {
  const sub = pathKind(r.path);
  const own = sub?.owner !== undefined ? `${r.object} ` : '';
  switch (r.op) {
    case 'add':
      return `added ${r.object} ${summarize(r.path, r.to)}`.trimEnd();
    case 'drop':
      return `dropped ${r.object}`;
    case 'rename':
      return `renamed ${r.object} to ${String(r.to)}`;
    case 'change':
      return `${own}${changeText(r.attr ?? '', r.from, r.to)}`;
  }
}
