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
 * inheritedCheck reports check `name` of partition or child `relId` when its copy of the parent's check is not
 * validated: the parent's NOT VALID check was added after it existed (as Rails' validate: false does). The model cannot
 * hold that: it builds every partition with a validated copy, so planning it would validate the rows instead.
 */
export function inheritedCheck(ctx: Ctx, relId: string, name: string, validated: boolean): void {
  if (validated) return;
  unsupported(
    ctx,
    `check ${name} of ${relId} not validated where it is inherited (its parent's NOT VALID check added after it)`,
    `validate it on ${relId} (ALTER TABLE ... VALIDATE CONSTRAINT) to let schemaver plan it, or change it outside schemaver`,
    'NOT VALID',
  );
}
