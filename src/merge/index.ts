/**
 * Three-way semantic merge of schema models (SPEC: Merge). Pure: no I/O.
 * merge3(base, ours, theirs) merges object by object and attribute by attribute, follows `renamed_from`
 * hints (a rename on one side and an alteration on the other yield the renamed, altered object; references
 * to a renamed table/column/enum are followed), unions enum values, and then checks that every reference
 * of the result still holds. PostgreSQL's own verdict (does it build?) is the command's job (src/merge/run.ts).
 */
import type { Schema } from '../model/types.js';
import { type MergeCtx } from './keyed.js';
import { combineRenames, rewriteRefs, sideRenames } from './refs.js';
import { SECTIONS, type Section } from './sections.js';
import { semanticConflicts } from './semantic.js';
import type { Conflict, MergeResult } from './types.js';

export type { Conflict, ConflictKind, MergeResult } from './types.js';
export { semanticConflicts } from './semantic.js';

/** merge3 merges `ours` and `theirs`, both descended from `base`; at a conflicting spot the schema holds ours' value. */
export function merge3(base: Schema, ours: Schema, theirs: Schema): MergeResult {
  const renames = combineRenames(sideRenames(base, ours), sideRenames(base, theirs));
  const b = rewriteRefs(base, base, renames);
  const o = rewriteRefs(base, ours, renames);
  const t = rewriteRefs(base, theirs, renames);
  const ctx: MergeCtx = { conflicts: [], renames: [] };
  const out: Record<string, unknown> = { kind: 'schema' };
  for (const section of Object.keys(SECTIONS) as Section[]) out[section] = SECTIONS[section](ctx, b, o, t);
  const schema = out as unknown as Schema;
  const conflicts: Conflict[] = [...ctx.conflicts];
  const under = (c: Conflict) => ctx.conflicts.some((s) => s.path.every((p, i) => c.path[i] === p));
  conflicts.push(...semanticConflicts(base, ours, theirs, schema).filter((c) => !under(c)));
  return { schema, conflicts, renames: ctx.renames };
}

/** conflictPathText writes a conflict's location for people: `tables.users.columns.email (type)`. */
export function conflictPathText(c: Conflict): string {
  return c.path.join('.') + (c.attribute ? ` (${c.attribute})` : '');
}
