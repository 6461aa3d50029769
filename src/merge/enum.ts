/**
 * Three-way merge of enum values. Values are atoms in an order that matters.
 * - A value dropped on one side is dropped (unless the other side renamed it: modify/drop).
 * - A value renamed (`{ value: x, renamed_from: y }`) on one side is renamed; renamed differently on both: conflict.
 * - Values added on both sides are unioned, each placed after the base value it follows on its side.
 *   Both sides adding different values in the same gap is ambiguous (enum-order conflict) — unless one side's
 *   insertions are a subsequence of the other's (then the longer list fixes the order), and EXCEPT the gap at the
 *   end: values appended on both sides (the `ALTER TYPE ... ADD VALUE` default) go ours first, then theirs.
 *   That rule is deterministic and safe: every existing value keeps its relative order, and either parent
 *   reaches the result with `ADD VALUE ... BEFORE/AFTER`. Different gaps for the same added value: conflict.
 * - Reordering existing values on both sides differently: conflict.
 */
import type { EnumType } from '../model/types.js';
import { conflict, type Loc, type MergeCtx } from './keyed.js';
import { deepEqual, pick3 } from './util.js';

interface AlignedValue {
  readonly value: string;
  readonly baseValue?: string;
}

function alignValues(base: readonly string[], side: EnumType): AlignedValue[] {
  const baseSet = new Set(base);
  const sideSet = new Set(side.values);
  const used = new Set<string>();
  return side.values.map((v) => {
    if (baseSet.has(v)) return { value: v, baseValue: v };
    const old = side.valueRenames?.[v];
    if (old !== undefined && baseSet.has(old) && !sideSet.has(old) && !used.has(old)) {
      used.add(old);
      return { value: v, baseValue: old };
    }
    return { value: v };
  });
}

/** mergeEnumValues merges the `values` and `valueRenames` of an enum; see the module comment for the rules. */
export function mergeEnumValues(
  ctx: MergeCtx,
  loc: Loc,
  base: EnumType | undefined,
  ours: EnumType,
  theirs: EnumType,
): { values: string[]; valueRenames?: Record<string, string> } {
  const b = base?.values ?? [];
  const o = alignValues(b, ours);
  const t = alignValues(b, theirs);
  const { name, renames } = mergeBaseValues(ctx, loc, b, o, t);

  const keptSet = new Set(b.filter((bv) => name.has(bv)));
  const order = mergeOrder(ctx, loc, b, o, t, keptSet, ours, theirs);

  const values = placeAdditions(ctx, loc, b, o, t, keptSet, order, name, ours, theirs);
  const { unique, seen } = dropDoubles(ctx, loc, values, b, ours, theirs);
  const vr: Record<string, string> = {};
  for (const src of [theirs.valueRenames, ours.valueRenames])
    for (const [k, v] of Object.entries(src ?? {})) if (seen.has(k)) vr[k] = v;
  Object.assign(vr, renames);
  return Object.keys(vr).length ? { values: unique, valueRenames: vr } : { values: unique };
}

/** isSubsequence tells whether `a` appears in `b` in the same order (then `b`'s order decides, unambiguously). */
function isSubsequence(a: readonly string[], b: readonly string[]): boolean {
  let i = 0;
  for (const x of b) if (i < a.length && a[i] === x) i++;
  return i === a.length;
}

/** mergeBaseValues merges what each side did to the base values (kept, renamed, dropped): base value -> merged value. */
function mergeBaseValues(
  ctx: MergeCtx,
  loc: Loc,
  b: readonly string[],
  o: AlignedValue[],
  t: AlignedValue[],
): { name: Map<string, string>; renames: Record<string, string> } {
  const oBy = new Map(o.filter((a) => a.baseValue !== undefined).map((a) => [a.baseValue!, a.value]));
  const tBy = new Map(t.filter((a) => a.baseValue !== undefined).map((a) => [a.baseValue!, a.value]));
  const renames: Record<string, string> = {};
  const name = new Map<string, string>(); // base value -> merged value
  for (const bv of b) {
    const ov = oBy.get(bv);
    const tv = tBy.get(bv);
    if (ov === undefined && tv === undefined) continue;
    if (ov === undefined || tv === undefined) {
      const kept = (ov ?? tv)!;
      if (kept !== bv) {
        conflict(
          ctx,
          loc,
          'modify/drop',
          `${loc.object}: value '${bv}' renamed to '${kept}' on one side and dropped on the other`,
          { base: bv, ours: ov, theirs: tv },
          'values',
        );
        name.set(bv, kept);
        renames[kept] = bv;
      }
      continue;
    }
    const r = pick3(bv, ov, tv);
    if (!r.ok)
      conflict(
        ctx,
        loc,
        'rename/rename',
        `${loc.object}: value '${bv}' renamed to '${ov}' on our side and '${tv}' on theirs`,
        { base: bv, ours: ov, theirs: tv },
        'values',
      );
    name.set(bv, r.value);
    if (r.value !== bv) renames[r.value] = bv;
  }

  return { name, renames };
}

/** mergeOrder merges the order of the kept base values (a conflict when both sides reorder them differently). */
function mergeOrder(
  ctx: MergeCtx,
  loc: Loc,
  b: readonly string[],
  o: AlignedValue[],
  t: AlignedValue[],
  keptSet: ReadonlySet<string>,
  ours: EnumType,
  theirs: EnumType,
): string[] {
  // order of the kept base values
  const keptBase = b.filter((bv) => keptSet.has(bv));
  const oOrder = o.filter((a) => a.baseValue !== undefined && keptSet.has(a.baseValue)).map((a) => a.baseValue!);
  const tOrder = t.filter((a) => a.baseValue !== undefined && keptSet.has(a.baseValue)).map((a) => a.baseValue!);
  const fullO = [...oOrder, ...keptBase.filter((x) => !oOrder.includes(x))];
  const fullT = [...tOrder, ...keptBase.filter((x) => !tOrder.includes(x))];
  const ord = pick3(keptBase, fullO, fullT);
  if (!ord.ok)
    conflict(
      ctx,
      loc,
      'enum-order',
      `${loc.object}: existing values reordered differently on both sides`,
      { base: b, ours: ours.values, theirs: theirs.values },
      'values',
    );
  return ord.value;
}

/** placeAdditions puts each side's added values after the kept base value they follow ('' = at the start). */
function placeAdditions(
  ctx: MergeCtx,
  loc: Loc,
  b: readonly string[],
  o: AlignedValue[],
  t: AlignedValue[],
  keptSet: ReadonlySet<string>,
  order: readonly string[],
  name: ReadonlyMap<string, string>,
  ours: EnumType,
  theirs: EnumType,
): string[] {
  // additions, grouped by the kept base value they follow ('' = at the start)
  const gaps = (side: AlignedValue[]): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    let anchor = '';
    for (const a of side) {
      if (a.baseValue !== undefined) {
        if (keptSet.has(a.baseValue)) anchor = a.baseValue;
        continue;
      }
      if (!m.has(anchor)) m.set(anchor, []);
      m.get(anchor)!.push(a.value);
    }
    return m;
  };
  const oGaps = gaps(o);
  const tGaps = gaps(t);
  const end = order.length ? order[order.length - 1]! : '';
  const values: string[] = [];
  for (const anchor of ['', ...order]) {
    if (anchor !== '') values.push(name.get(anchor)!);
    const oa = oGaps.get(anchor) ?? [];
    const ta = tGaps.get(anchor) ?? [];
    if (!ta.length || deepEqual(oa, ta) || isSubsequence(ta, oa)) values.push(...oa);
    else if (!oa.length || isSubsequence(oa, ta)) values.push(...ta);
    else {
      const rest = ta.filter((v) => !oa.includes(v));
      const shared = ta.filter((v) => oa.includes(v));
      const sharedInOurs = oa.filter((v) => ta.includes(v));
      if (anchor !== end || !deepEqual(shared, sharedInOurs)) {
        const where = anchor === '' ? 'at the start' : `after '${name.get(anchor)}'`;
        conflict(
          ctx,
          loc,
          'enum-order',
          `${loc.object}: both sides insert different values ${where} (ours: ${oa.join(', ')}; theirs: ${ta.join(', ')}); their order is ambiguous`,
          { base: b, ours: ours.values, theirs: theirs.values },
          'values',
        );
      }
      values.push(...oa, ...rest);
    }
  }
  return values;
}

/** dropDoubles keeps the first of a value that ends up in two places, reporting it. */
function dropDoubles(
  ctx: MergeCtx,
  loc: Loc,
  values: readonly string[],
  b: readonly string[],
  ours: EnumType,
  theirs: EnumType,
): { unique: string[]; seen: Set<string> } {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const v of values) {
    if (seen.has(v)) {
      conflict(
        ctx,
        loc,
        'enum-order',
        `${loc.object}: value '${v}' ends up in two places (added or renamed at different positions on the two sides)`,
        { base: b, ours: ours.values, theirs: theirs.values },
        'values',
      );
      continue;
    }
    seen.add(v);
    unique.push(v);
  }
  return { unique, seen };
}
