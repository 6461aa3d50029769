/**
 * The shapes of a change to one part of a table (constraint, index, trigger, policy): add, drop, or an alter that
 * changes in place what PostgreSQL can (a comment, an index's storage parameters) and drops and re-adds the rest.
 */
import type { TablePartChange } from '../model/changes.js';
import { commentOn, indexRef, rel, type TableConstraint } from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { storageParamsSql } from '../sql/grants.js';
import { emit, PHASE, type PlanContext } from './context.js';

/** commentStep drafts a change of a sub-object's comment alone: `COMMENT ON <word> <target>` with the other side's text as reverse. */
export function commentStep<T extends { readonly comment?: string }>(
  ctx: PlanContext,
  kind: string,
  obj: string,
  word: string,
  target: string,
): (from: T, to: T) => void {
  return (from, to) =>
    emit(ctx, {
      phase: PHASE.comment,
      what: `comment on ${kind} ${obj}`,
      object: obj,
      sql: [commentOn(word, target, to.comment)],
      reverse: [commentOn(word, target, from.comment)],
    });
}

/** keyCommentStep drafts a constraint's comment change, and a key's index's: each written when it changed. */
export function keyCommentStep(
  ctx: PlanContext,
  obj: string,
  table: string,
  name: string,
): (from: TableConstraint, to: TableConstraint) => void {
  const sql = (a: TableConstraint, b: TableConstraint): string[] => {
    const ia = 'indexComment' in a ? a.indexComment : undefined;
    const ib = 'indexComment' in b ? b.indexComment : undefined;
    return [
      ...(a.comment !== b.comment ? [commentOn('CONSTRAINT', `${quoteIdent(name)} ON ${rel(table)}`, b.comment)] : []),
      ...(ia !== ib ? [commentOn('INDEX', indexRef(table, name), ib)] : []),
    ];
  };
  return (from, to) =>
    emit(ctx, {
      phase: PHASE.comment,
      what: `comment on constraint ${obj}`,
      object: obj,
      sql: sql(from, to),
      reverse: sql(to, from),
    });
}

/** paramsOf is an index's (or index-backed constraint's) storage parameters. */
const paramsOf = (x: unknown): Readonly<Record<string, string>> | undefined =>
  (x as { readonly with?: Readonly<Record<string, string>> }).with;

/** paramsStep drafts ALTER INDEX ... SET / RESET of an index's storage parameters (a constraint's index shares its name). */
export function paramsStep<T>(ctx: PlanContext, kind: string, obj: string, index: string): (from: T, to: T) => void {
  return (from, to) =>
    emit(ctx, {
      phase: PHASE.comment,
      what: `change storage parameters of ${kind} ${obj}`,
      object: obj,
      sql: storageParamsSql('INDEX', index, paramsOf(from), paramsOf(to)),
      reverse: storageParamsSql('INDEX', index, paramsOf(to), paramsOf(from)),
    });
}

/** COMMENTS are the attributes a comment step changes in place: an object's comment, a key's index's comment. */
const COMMENTS = new Set(['comment', 'indexComment']);

/**
 * addDropAlter drafts one change of a table's constraint, index, trigger or policy: an add, a drop, or an alter,
 * which drops and re-adds the object unless only its comment changed and `comment` drafts that instead; undefined
 * (a change already drafted in full) drafts nothing.
 */
export function addDropAlter<T>(
  c: TablePartChange | undefined,
  add: (x: T) => void,
  drop: (x: T) => void,
  comment?: (from: T, to: T) => void,
  params?: (from: T, to: T) => void,
): void {
  if (!c) return;
  if (c.op === 'add') add(c.def as T);
  else if (c.op === 'drop') drop(c.def as T);
  else if (c.op === 'alter') {
    if (comment && c.attrs.every((x) => COMMENTS.has(x.attr))) comment(c.from as T, c.to as T);
    else if (comment && params && c.attrs.every((x) => COMMENTS.has(x.attr) || x.attr === 'with')) {
      // storage parameters change in place (ALTER INDEX ... SET): no rebuild, no lock on writers
      params(c.from as T, c.to as T);
      if (c.attrs.some((x) => COMMENTS.has(x.attr))) comment(c.from as T, c.to as T);
    } else {
      drop(c.from as T);
      add(c.to as T);
    }
  }
}

/** planInPlace: an index's or trigger's change made in place (indexstats.ts). */
export { planInPlace } from './indexstats.js';
