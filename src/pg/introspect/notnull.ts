/** PostgreSQL 18's NOT NULL constraints (pg_constraint contype 'n') read onto their column; inherited checks' validity. */
import { pgNotNullName, type NotNullConstraint, type Table } from '../../model/types.js';
import { type Ctx, unsupported } from './util.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** NotNullRow is what applyNotNull needs of a not-null constraint's row; `what` names it in a report. */
export interface NotNullRow {
  readonly name: string;
  readonly validated: boolean;
  readonly noinherit: boolean;
  readonly inhcount: number;
  readonly comment: string | null;
  readonly what: string;
}

/**
 * applyNotNull gives column `column` of `t` its NOT NULL constraint when it is more than nullability: a name not of
 * PostgreSQL's `_not_null` form, NOT VALID, NO INHERIT or a comment. One inherited from a parent (which its children
 * get under the parent's name) is the parent's; such a one that is more than plain is reported.
 */
export function applyNotNull(ctx: Ctx, t: Mutable<Table>, column: string, r: NotNullRow): void {
  const plain = r.validated && !r.noinherit && r.comment === null;
  if (r.inhcount > 0) {
    if (!plain) unsupported(ctx, `inherited not-null ${r.what} (NOT VALID, NO INHERIT or commented)`);
    return;
  }
  const i = t.columns.findIndex((c) => c.name === column);
  if (i < 0 || (plain && pgNotNullName(r.name))) return;
  const nn: NotNullConstraint = {
    name: r.name,
    ...(!r.validated ? { notValid: true } : {}),
    ...(r.noinherit ? { noInherit: true } : {}),
    ...(r.comment !== null ? { comment: r.comment } : {}),
  };
  t.columns = t.columns.map((c, k) => (k === i ? { ...c, nullable: false, notNull: nn } : c));
}

/**
 * inheritedCheck notes check `r` inherited by partition or child `t` when its copy is not validated (the parent's
 * NOT VALID check added after the table existed); a validated copy is the model's default and the check itself is
 * modelled on the parent. A comment on the copy is reported: the model holds the parent's only.
 */
export function inheritedCheck(
  ctx: Ctx,
  relId: string,
  t: Mutable<Table>,
  r: { name: string; validated: boolean; notenforced: boolean; comment: string | null },
): void {
  if (r.comment !== null)
    unsupported(
      ctx,
      `comment on ${relId}'s copy of its parent's check ${r.name}`,
      "comment the parent's check, or drop the comment on the copy (COMMENT ON CONSTRAINT ... IS NULL)",
      `COMMENT ON CONSTRAINT ${r.name} IS ${r.comment}`,
    );
  if (r.validated || r.notenforced) return;
  t.inheritedNotValid = [...(t.inheritedNotValid ?? []), r.name].sort();
}
