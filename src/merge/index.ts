/**
 * Three-way semantic merge of schema models (SPEC: Merge). Pure: no I/O.
 * merge3(base, ours, theirs) merges object by object and attribute by attribute, follows `renamed_from`
 * hints (a rename on one side and an alteration on the other yield the renamed, altered object; references
 * to a renamed table/column/enum are followed), unions enum values, and then checks that every reference
 * of the result still holds. PostgreSQL's own verdict (does it build?) is the command's job (src/merge/run.ts).
 */
import type { Schema } from '../model/types.js';
import { type MergeCtx } from './keyed.js';
import { combineRenames, rewriteRefs, sideRenames, type Renames } from './refs.js';
import { mergeSection } from './sections.js';
import { SECTION_FACTS, SECTIONS } from '../model/sections.js';
import { semanticConflicts } from './semantic.js';
import type { Conflict, MergeResult } from './types.js';

export type { Conflict, ConflictKind, MergeResult } from './types.js';
export { semanticConflicts } from './semantic.js';

/** merge3 merges `ours` and `theirs`, both descended from `base`; at a conflicting spot the schema holds ours' value. */
export function merge3(base: Schema, ours: Schema, theirs: Schema): MergeResult {
  const oursRenames = sideRenames(base, ours);
  const theirsRenames = sideRenames(base, theirs);
  const renames = combineRenames(oursRenames, theirsRenames);
  const b = rewriteRefs(base, base, renames);
  const o = rewriteRefs(base, ours, renames);
  const t = rewriteRefs(base, theirs, renames);
  const ctx: MergeCtx = { conflicts: [], renames: [] };
  const out: Record<string, unknown> = { kind: 'schema' };
  for (const section of SECTIONS) {
    const merged = mergeSection(ctx, section, b, o, t);
    // an optional section left empty is absent, as the parser leaves it: the merged model then has the JSON its files
    // parse back to, so normalising both (app/merge.ts checkMerged) is one normalisation, not two
    if (!SECTION_FACTS[section].optional || Object.keys(merged).length > 0) out[section] = merged;
  }
  const schema = out as unknown as Schema;
  const conflicts: Conflict[] = [...ctx.conflicts];
  const under = (c: Conflict) => ctx.conflicts.some((s) => s.path.every((p, i) => c.path[i] === p));
  conflicts.push(...semanticConflicts(base, ours, theirs, schema).filter((c) => !under(c)));
  return { schema, conflicts, renames: [...new Set([...ctx.renames, ...describe(oursRenames, theirsRenames)])] };
}

/** conflictPathText writes a conflict's location for people: `tables.users.columns.email (type)`. */
export function conflictPathText(c: Conflict): string {
  return c.path.join('.') + (c.attribute ? ` (${c.attribute})` : '');
}

/** describe lists the table, column and enum renames of both sides (objects a side left untouched skip the engine). */
function describe(o: Renames, t: Renames): string[] {
  const out: string[] = [];
  const side = (bothHave: boolean, inOurs: boolean) => (bothHave ? 'both' : inOurs ? 'ours' : 'theirs');
  for (const [what, a, b] of [
    ['table', o.tables, t.tables],
    ['enum', o.enums, t.enums],
  ] as const) {
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      const to = a.get(k) ?? b.get(k)!;
      if (a.has(k) && b.has(k) && a.get(k) !== b.get(k)) continue; // a rename/rename conflict, reported as such
      out.push(`${what} ${k} -> ${to} (${side(a.get(k) === b.get(k), a.has(k))})`);
    }
  }
  for (const tk of new Set([...o.columns.keys(), ...t.columns.keys()])) {
    const a = o.columns.get(tk) ?? new Map<string, string>();
    const b = t.columns.get(tk) ?? new Map<string, string>();
    for (const c of new Set([...a.keys(), ...b.keys()])) {
      if (a.has(c) && b.has(c) && a.get(c) !== b.get(c)) continue;
      out.push(`column ${tk}.${c} -> ${a.get(c) ?? b.get(c)} (${side(a.get(c) === b.get(c), a.has(c))})`);
    }
  }
  return out;
}
