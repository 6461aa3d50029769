/**
 * In-place steps for a check's or foreign key's validity and enforcement, instead of a drop and an add:
 * ALTER CONSTRAINT [NOT] ENFORCED (PostgreSQL 18, foreign keys) and VALIDATE CONSTRAINT (NOT VALID -> valid).
 */
import type { AlterChange, TablePartChange } from '../model/changes.js';
import type { CheckConstraint, ForeignKey, Schema } from '../model/types.js';
import { addConstraint, commentOn, constraintComment, dropConstraint, rel, validateConstraint } from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { bare, emit, PHASE, textKeys, type PlanContext } from './context.js';
import { childrenOf } from './partindex.js';

type Alter = Extract<TablePartChange, { kind: 'check' | 'foreign_key' }> & { op: 'alter' };

/** planValidity drafts the change `c` of a check or foreign key of `t` in place when it can; false when it cannot. */
export function planValidity(ctx: PlanContext, c: Alter, t: string, obj: string): boolean {
  const target = `${quoteIdent(c.id)} ON ${rel(t)}`;
  const comment = (a: { comment?: string }, b: { comment?: string }) =>
    a.comment !== b.comment ? [commentOn('CONSTRAINT', target, b.comment)] : [];
  if (c.kind === 'foreign_key' && enforceInPlace(c.from as ForeignKey, c.to as ForeignKey, c.attrs)) {
    // ALTER CONSTRAINT [NOT] ENFORCED (PostgreSQL 18, foreign keys only): ENFORCED checks the rows and validates
    const from = c.from as ForeignKey;
    const to = c.to as ForeignKey;
    const sql = (a: ForeignKey, b: ForeignKey) => [
      `ALTER TABLE ${rel(t)} ALTER CONSTRAINT ${quoteIdent(c.id)} ${b.notEnforced ? 'NOT ENFORCED' : 'ENFORCED'}`,
      ...comment(a, b),
    ];
    emit(ctx, {
      phase: PHASE.addFk,
      what: `${to.notEnforced ? 'stop enforcing' : 'enforce'} foreign key ${c.id} on ${t}`,
      object: obj,
      sql: sql(from, to),
      reverse: sql(to, from),
      lock: !to.notEnforced,
      requires: [`rel:${bare(to.refTable)}`],
    });
    return true;
  }
  if (!validateInPlace(ctx, t, c)) return false;
  // NOT VALID -> valid: VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE and keeps the constraint throughout;
  // back is a drop and an ADD ... NOT VALID (PostgreSQL cannot mark a validated constraint NOT VALID again)
  const a = c.from as ForeignKey | CheckConstraint;
  const b = c.to as ForeignKey | CheckConstraint;
  emit(ctx, {
    phase: b.kind === 'foreign_key' ? PHASE.addFk : PHASE.addConstraint,
    what: `validate ${c.kind.replace('_', ' ')} ${c.id} on ${t}`,
    object: obj,
    sql: [validateConstraint(t, c.id), ...comment(a, b)],
    reverse: [dropConstraint(t, c.id), addConstraint(t, a), ...constraintComment(t, a)],
    lock: false,
    requires: b.kind === 'foreign_key' ? [`rel:${bare(b.refTable)}`] : textKeys(b.expression),
  });
  return true;
}

/**
 * validateInPlace: a check or foreign key of a plain table (no partitions, no parent, no INHERITS children, whose
 * copies the model holds apart) whose change is NOT VALID -> valid alone (and its comment), enforced on both sides.
 */
function validateInPlace(ctx: PlanContext, t: string, c: Alter): boolean {
  const a = c.from as ForeignKey | CheckConstraint;
  const b = c.to as ForeignKey | CheckConstraint;
  const plain = (s: Schema) => {
    const x = s.tables[t];
    return !!x && !x.partitionBy && !x.partitionOf && !x.inherits?.length && childrenOf(s, t).length === 0;
  };
  return (
    c.attrs.some((x) => x.attr === 'notValid') &&
    c.attrs.every((x) => x.attr === 'notValid' || x.attr === 'comment') &&
    !!a.notValid &&
    !b.notValid &&
    !(a.kind === 'foreign_key' && a.notEnforced) &&
    !(b.kind === 'foreign_key' && b.notEnforced) &&
    plain(ctx.from) &&
    plain(ctx.to)
  );
}

/**
 * enforceInPlace: a foreign key whose change is its enforcement (and comment) alone, between NOT ENFORCED and enforced
 * and valid, is altered in place; a NOT VALID side is dropped and added again (ENFORCED always validates).
 */
function enforceInPlace(a: ForeignKey, b: ForeignKey, attrs: AlterChange['attrs']): boolean {
  const ok = new Set(['notEnforced', 'notValid', 'comment']);
  return (
    attrs.some((x) => x.attr === 'notEnforced') &&
    attrs.every((x) => ok.has(x.attr)) &&
    !(a.notValid && !a.notEnforced) &&
    !(b.notValid && !b.notEnforced)
  );
}
