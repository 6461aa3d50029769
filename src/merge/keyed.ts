/**
 * The keyed three-way merge engine: merges ordered (key, object) entries of one kind — tables of a schema,
 * columns of a table, indexes of a table... — following `renamed_from` hints, and records conflicts.
 */
import type { Conflict, ConflictKind } from './types.js';
import { deepEqual, pick3, without } from './util.js';

/** MergeCtx collects what a merge finds while it walks the model. */
export interface MergeCtx {
  readonly conflicts: Conflict[];
  readonly renames: string[];
}

/** Loc is where in the model an object sits: its path and display name. */
export interface Loc {
  readonly path: readonly string[];
  readonly object: string;
}

/** conflict records one conflict at `loc`. */
export function conflict(
  ctx: MergeCtx,
  loc: Loc,
  kind: ConflictKind,
  message: string,
  values: { base?: unknown; ours?: unknown; theirs?: unknown },
  attribute?: string,
): void {
  ctx.conflicts.push({
    path: loc.path,
    object: loc.object,
    ...(attribute !== undefined ? { attribute } : {}),
    kind,
    ...('base' in values && values.base !== undefined ? { base: values.base } : {}),
    ...('ours' in values && values.ours !== undefined ? { ours: values.ours } : {}),
    ...('theirs' in values && values.theirs !== undefined ? { theirs: values.theirs } : {}),
    message,
  });
}

/** IDENTITY are the attributes that make up an object's key and hints; the engine handles them, not the attribute merge. */
const IDENTITY = ['kind', 'name', 'schema', 'renamedFrom'];

/**
 * mergeAttrs merges every attribute of three versions of one object except `skip` and identity fields.
 * `base` undefined means both sides added the object (add/add): any difference is a conflict.
 * Returns the merged attributes (ours' value where in conflict).
 */
export function mergeAttrs<T extends object>(
  ctx: MergeCtx,
  loc: Loc,
  base: T | undefined,
  ours: T,
  theirs: T,
  skip: readonly string[] = [],
): Record<string, unknown> {
  const b = (base ?? {}) as Record<string, unknown>;
  const o = ours as Record<string, unknown>;
  const t = theirs as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(o), ...Object.keys(t), ...Object.keys(b)])];
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (IDENTITY.includes(k) || skip.includes(k)) continue;
    const r = pick3(b[k], o[k], t[k], base !== undefined);
    if (!r.ok) {
      const kind: ConflictKind = base === undefined ? 'add/add' : 'modify/modify';
      conflict(
        ctx,
        loc,
        kind,
        `${loc.object}: ${k} ${base === undefined ? 'added differently on both sides' : 'changed differently on both sides'}`,
        { base: b[k], ours: o[k], theirs: t[k] },
        k,
      );
    }
    if (r.value !== undefined) out[k] = r.value;
  }
  return out;
}

/** KeyedSpec tells the engine how to handle one kind of object. */
export interface KeyedSpec<T> {
  /** what names the kind for messages (`table`, `column`, `index`). */
  readonly what: string;
  /** prefix is the model path of the collection (`['tables']`, `['tables', 'users', 'columns']`). */
  readonly prefix: readonly string[];
  /** display names one object (`column users.email`). */
  display(key: string): string;
  /** oldKey gives the key a `renamed_from` hint points at, when the kind supports renames. */
  oldKey?(obj: T): string | undefined;
  /** withKey returns the object with its identity (name, schema) set for `key`; renamedFrom is the old name or undefined. */
  withKey?(obj: T, key: string, renamedFrom: string | undefined): T;
  /** nameOf is the bare old name recorded in renamedFrom when an object was renamed from `key`. */
  nameOf?(obj: T): string;
  /** merge merges three versions (base undefined = add/add), identity aside. */
  merge(ctx: MergeCtx, loc: Loc, base: T | undefined, ours: T, theirs: T): T;
}

/** Entries are ordered (key, object) pairs. */
export type Entries<T> = readonly (readonly [string, T])[];

interface Aligned<T> {
  readonly key: string; // key on that side
  readonly baseKey?: string; // key in base (renamed or same); undefined for a new object
  readonly obj: T;
}

/** alignSide maps one side's entries onto base keys, following rename hints that apply (base has old, not new; side has new, not old). */
export function alignSide<T>(spec: KeyedSpec<T>, base: ReadonlyMap<string, T>, side: Entries<T>): Aligned<T>[] {
  const sideKeys = new Set(side.map(([k]) => k));
  const taken = new Set<string>();
  const out: Aligned<T>[] = [];
  for (const [key, obj] of side) {
    if (base.has(key)) {
      out.push({ key, baseKey: key, obj });
      taken.add(key);
    }
  }
  for (const [key, obj] of side) {
    if (base.has(key)) continue;
    const old = spec.oldKey?.(obj);
    if (old !== undefined && base.has(old) && !sideKeys.has(old) && !taken.has(old)) {
      taken.add(old);
      out.push({ key, baseKey: old, obj });
    } else {
      out.push({ key, obj });
    }
  }
  const order = new Map(side.map(([k], i) => [k, i]));
  return out.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
}

const HINTS = ['renamedFrom'];

/**
 * mergeKeyed merges three versions of one collection. Order: ours' order, then theirs' additions in theirs' order.
 * Objects: one-side change taken, same change once, modify/drop and add/add-different are conflicts, renames
 * followed (one side renames, the other alters: the renamed, altered object); renames that collide conflict.
 */
export function mergeKeyed<T>(
  ctx: MergeCtx,
  spec: KeyedSpec<T>,
  base: Entries<T>,
  ours: Entries<T>,
  theirs: Entries<T>,
): [string, T][] {
  const baseMap = new Map(base);
  const o = alignSide(spec, baseMap, ours);
  const t = alignSide(spec, baseMap, theirs);
  const oByBase = new Map(o.filter((a) => a.baseKey !== undefined).map((a) => [a.baseKey!, a]));
  const tByBase = new Map(t.filter((a) => a.baseKey !== undefined).map((a) => [a.baseKey!, a]));
  const oNew = new Map(o.filter((a) => a.baseKey === undefined).map((a) => [a.key, a]));
  const tNew = new Map(t.filter((a) => a.baseKey === undefined).map((a) => [a.key, a]));
  const loc = (key: string): Loc => ({ path: [...spec.prefix, key], object: spec.display(key) });
  const m: KeyedMerge<T> = { ctx, spec, baseMap, oByBase, tByBase, oNew, tNew, loc };

  const out: [string, T][] = [];
  const emitted = new Set<string>();
  const emit = (slot: string, resolve: () => { key: string; obj: T; from: string } | null) => {
    if (emitted.has(slot)) return;
    emitted.add(slot);
    const r = resolve();
    if (r) out.push([r.key, r.obj]);
  };
  for (const a of o)
    emit(a.baseKey !== undefined ? 'b:' + a.baseKey : 'n:' + a.key, () =>
      a.baseKey !== undefined ? resolveBase(m, a.baseKey) : resolveNew(m, a.key),
    );
  for (const a of t)
    emit(a.baseKey !== undefined ? 'b:' + a.baseKey : 'n:' + a.key, () =>
      a.baseKey !== undefined ? resolveBase(m, a.baseKey) : resolveNew(m, a.key),
    );
  for (const [bk] of base) emit('b:' + bk, () => resolveBase(m, bk));

  return dropCollisions(m, out);
}

/** Resolved is one merged entry and the side it came from. */
type Resolved<T> = { key: string; obj: T; from: string };

/** KeyedMerge is what resolving the entries of one keyed collection shares. */
interface KeyedMerge<T> {
  readonly ctx: MergeCtx;
  readonly spec: KeyedSpec<T>;
  readonly baseMap: ReadonlyMap<string, T>;
  readonly oByBase: ReadonlyMap<string, Aligned<T>>;
  readonly tByBase: ReadonlyMap<string, Aligned<T>>;
  readonly oNew: ReadonlyMap<string, Aligned<T>>;
  readonly tNew: ReadonlyMap<string, Aligned<T>>;
  readonly loc: (key: string) => Loc;
}

/** resolveBase merges the two sides' versions of base entry `bk` (null: dropped, or unchanged and dropped). */
function resolveBase<T>(m: KeyedMerge<T>, bk: string): Resolved<T> | null {
  const { ctx, spec, loc } = m;
  const b = m.baseMap.get(bk)!;
  const oa = m.oByBase.get(bk);
  const ta = m.tByBase.get(bk);
  const same = (x: T) => deepEqual(without(x as object, HINTS), without(b as object, HINTS));
  if (!oa && !ta) return null;
  if (!oa || !ta) return resolveOneSided(m, bk, b, oa, ta, same);
  // fast paths: one side left the object exactly as in base (the common case in big schemas)
  const note = (key: string) => {
    if (key !== bk)
      ctx.renames.push(
        `${spec.display(bk)} -> ${key} (${oa!.key === key ? (ta!.key === key ? 'both' : 'ours') : 'theirs'})`,
      );
  };
  if (deepEqual(oa!.obj, b)) {
    note(ta!.key);
    return { key: ta!.key, obj: ta!.obj, from: 'theirs' };
  }
  if (deepEqual(ta!.obj, b)) {
    note(oa!.key);
    return { key: oa!.key, obj: oa!.obj, from: 'ours' };
  }
  // both sides still have it (maybe renamed)
  let key = oa!.key;
  if (oa!.key !== ta!.key) {
    if (oa!.key === bk) key = ta!.key;
    else if (ta!.key !== bk) {
      conflict(
        ctx,
        loc(oa!.key),
        'rename/rename',
        `${spec.display(bk)} renamed to ${oa!.key} on our side and to ${ta!.key} on theirs`,
        { base: bk, ours: oa!.key, theirs: ta!.key },
        'name',
      );
    }
  }
  note(key);
  let obj = spec.merge(ctx, loc(key), b, oa!.obj, ta!.obj);
  if (spec.withKey) {
    const hint =
      key !== bk
        ? spec.nameOf!(b)
        : ((oa!.obj as { renamedFrom?: string }).renamedFrom ?? (ta!.obj as { renamedFrom?: string }).renamedFrom);
    obj = spec.withKey(obj, key, hint);
  }
  return { key, obj, from: 'both' };
}

/** resolveOneSided settles a base entry only one side still has: gone when that side left it alone, else modify/drop. */
function resolveOneSided<T>(
  m: KeyedMerge<T>,
  bk: string,
  b: T,
  oa: Aligned<T> | undefined,
  ta: Aligned<T> | undefined,
  same: (x: T) => boolean,
): Resolved<T> | null {
  const { ctx, spec, loc } = m;
  if (oa && !ta) {
    if (oa.key === bk && same(oa.obj)) return null;
    conflict(ctx, loc(oa.key), 'modify/drop', `${spec.display(oa.key)} changed on our side and dropped on theirs`, {
      base: b,
      ours: oa.obj,
    });
    return { key: oa.key, obj: oa.obj, from: 'ours' };
  }
  if (!oa && ta) {
    if (ta.key === bk && same(ta.obj)) return null;
    conflict(ctx, loc(ta.key), 'modify/drop', `${spec.display(ta.key)} dropped on our side and changed on theirs`, {
      base: b,
      theirs: ta.obj,
    });
    return { key: ta.key, obj: ta.obj, from: 'theirs' };
  }
  return null;
}

/** resolveNew merges an entry added on one or both sides. */
function resolveNew<T>(m: KeyedMerge<T>, key: string): Resolved<T> {
  const { ctx, spec, loc } = m;
  const oa = m.oNew.get(key);
  const ta = m.tNew.get(key);
  if (oa && ta) {
    if (deepEqual(without(oa.obj as object, HINTS), without(ta.obj as object, HINTS)))
      return { key, obj: oa.obj, from: 'both' };
    let obj = spec.merge(ctx, loc(key), undefined, oa.obj, ta.obj);
    if (spec.withKey) obj = spec.withKey(obj, key, (oa.obj as { renamedFrom?: string }).renamedFrom);
    return { key, obj, from: 'both' };
  }
  return oa ? { key, obj: oa.obj, from: 'ours' } : { key, obj: ta!.obj, from: 'theirs' };
}

/** dropCollisions keeps the first of two entries that end up with one name (a rename collides), reporting it. */
function dropCollisions<T>(m: KeyedMerge<T>, out: readonly [string, T][]): [string, T][] {
  const { ctx, spec, loc } = m;
  const seen = new Map<string, number>();
  const final: [string, T][] = [];
  for (const [key, obj] of out) {
    if (seen.has(key)) {
      conflict(
        ctx,
        loc(key),
        'rename/rename',
        `${spec.display(key)}: two different objects end up with this name (a rename collides with another rename or an added object)`,
        { ours: final[seen.get(key)!]![1], theirs: obj },
        'name',
      );
      continue;
    }
    seen.set(key, final.length);
    final.push([key, obj]);
  }
  return final;
}
