/**
 * SQL-standard routine bodies (BEGIN ATOMIC ... END, RETURN ...) are parsed when the routine is created, and
 * PostgreSQL records their dependencies on the columns they read: ALTER COLUMN ... TYPE of such a column fails
 * ("cannot alter type of a column used by a function or procedure"), as DROP COLUMN does. Such a routine is
 * dropped before the change and created again after it, as a view over the column is; so is one calling a function
 * or using an operator that is dropped and created again.
 */
import type { Change } from '../model/changes.js';
import type { Func, Schema } from '../model/types.js';
import { identifiersOf } from '../diff/sqltext.js';
import { sqlStandardBody } from '../sql/ddl.js';
import { bare } from './context.js';
import { callersClosure } from './callers.js';

/** touchedColumns lists, by table id, the columns whose type or collation changes or that are dropped. */
function touchedColumns(changes: readonly Change[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of changes) {
    if (c.kind !== 'column' || !c.table) continue;
    const typed = c.op === 'alter' && c.attrs.some((a) => a.attr === 'type' || a.attr === 'collation');
    if (!typed && c.op !== 'drop') continue;
    if (!out.has(c.table)) out.set(c.table, new Set());
    out.get(c.table)!.add(c.id.toLowerCase());
  }
  return out;
}

/** readsTouched tells whether routine `f`'s SQL-standard body names a table of `touched` and one of its columns there. */
function readsTouched(f: Func, touched: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  if (!sqlStandardBody(f)) return false;
  // the table may be named by the signature only (a row-type parameter read as `(s).col`)
  const words = identifiersOf(f.body);
  const named = identifiersOf(`${f.args} ${f.returns} ${f.body}`);
  for (const [t, cols] of touched) if (named.has(bare(t)) && [...cols].some((c) => words.has(c))) return true;
  return false;
}

/** Recreated: what a plan drops and creates again that an SQL-standard body may call (function names, operators). */
export interface Recreated {
  readonly fns: ReadonlySet<string>;
  /** ops: tells whether a text uses an operator the plan drops and creates again. */
  readonly ops: (text: string) => boolean;
}

/**
 * rebuiltBodies turns the routines on both sides whose SQL-standard body reads a column whose type changes (or
 * that goes away), or calls a function or uses an operator the plan drops and creates again (PostgreSQL records
 * those too: "cannot drop function ... because other objects depend on it"), into a drop and an add (an altered
 * one's change is replaced): the drop runs before the change, the add after it. A routine so rebuilt is itself
 * dropped and created again, so the routines calling it follow.
 */
export function rebuiltBodies(
  from: Schema,
  to: Schema,
  changes: readonly Change[],
  recreated: Recreated = { fns: new Set(), ops: () => false },
): Change[] {
  const touched = touchedColumns(changes);
  const rebuilt = callersClosure(
    Object.entries(from.functions),
    { names: recreated.fns, joins: (_, f) => readsTouched(f, touched) || recreated.ops(f.body) },
    (id) => !!to.functions[id],
  );
  if (!rebuilt.size) return [...changes];
  const out = changes.filter((c) => !(c.kind === 'function' && c.op === 'alter' && rebuilt.has(c.id)));
  for (const id of rebuilt.keys())
    out.push(
      { op: 'drop', kind: 'function', id, def: from.functions[id]! },
      { op: 'add', kind: 'function', id, def: to.functions[id]! },
    );
  return out;
}
