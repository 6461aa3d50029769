/**
 * compareSchemas: the difference between two models, as sentences that name objects
 * (`column users.email: type expected text, got character varying(20)`, `index users_created_idx on users missing`).
 * It renders the one differ's changes (src/diff diffDetailed, without rename hints, projected by changeRows) as the
 * verification reads them: what `expected` has and `actual` lacks is missing, the reverse unexpected. Column order
 * is ignored. Used on models read back from a database, where PostgreSQL has already normalised spellings.
 * Unmanaged objects are compared by their own path (deploy/check changedUnmanaged), not here.
 */
import type { Schema } from '../model/types.js';
import { diffDetailed } from '../diff/index.js';
import { changeRows, pathKind, type SemChange } from '../diff/rows.js';
import { attrName, attrValue, isFlag, kindWord } from '../diff/words.js';

/** VERIFY_WORDS names parts the way verification messages always have (`unique constraint x on t`). */
const VERIFY_WORDS: Readonly<Record<string, string>> = {
  unique: 'unique constraint',
  check: 'check constraint',
  exclusion: 'exclusion constraint',
  domain_check: 'check constraint',
  sql_object: 'object',
};

/** labelOf names the object of a row: `table t`, `column t.c`, `index i on t`, `primary key p on t`. */
function labelOf(ch: SemChange): string {
  const at = pathKind(ch.path);
  if (!at) return ch.object;
  const what = VERIFY_WORDS[at.kind] ?? kindWord(at.kind);
  if (at.owner === undefined) return `${what} ${at.id}`;
  if (at.kind === 'column') return `column ${at.owner}.${at.id}`;
  if (at.kind === 'primary_key') {
    const name = (ch.op === 'change' ? undefined : ((ch.from ?? ch.to) as { name?: string } | undefined)?.name) ?? '';
    return name ? `primary key ${name} on ${at.owner}` : `primary key on ${at.owner}`;
  }
  return `${what} ${at.id} on ${at.owner}`;
}

/** sentence writes one row as verification reads it. */
function sentence(ch: SemChange): string {
  switch (ch.op) {
    case 'drop':
      return `${labelOf(ch)} missing`;
    case 'add':
      return `${labelOf(ch)} unexpected`;
    case 'rename':
      return `${labelOf(ch)} renamed to ${String(ch.to)}`;
    case 'change': {
      const attr = ch.attr ?? '';
      if (isFlag(attr, ch.from, ch.to))
        return `${labelOf(ch)}: expected ${attrValue(attr, ch.from)}, got ${attrValue(attr, ch.to)}`;
      return `${labelOf(ch)}: ${attrName(attr)} expected ${attrValue(attr, ch.from)}, got ${attrValue(attr, ch.to)}`;
    }
  }
}

/** compareSchemas lists every difference between `expected` and `actual` (empty when they are the same schema). */
export function compareSchemas(expected: Schema, actual: Schema): string[] {
  const d = diffDetailed(expected, actual, { renames: false });
  const rows = changeRows({ ...d, changes: d.changes.filter((c) => c.kind !== 'unmanaged') }, actual);
  return rows.map(sentence);
}
