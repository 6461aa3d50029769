/** Small pure helpers of the merge: structural equality and the three-way choice of one value. */

/** deepEqual compares plain data structurally; object key order and undefined-valued keys do not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

/** without returns a shallow copy of an object without the given keys (for comparisons that ignore hints). */
export function without<T extends object>(obj: T, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k) && v !== undefined) out[k] = v;
  return out as Partial<T>;
}

/** Pick3 is the outcome of a three-way choice: the value, or a conflict (value = ours). */
export type Pick3<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly value: T };

/**
 * pick3 chooses one value three-way: equal sides agree; a side equal to base yields to the other side.
 * With no base (`hasBase` false) any difference is a conflict (add/add).
 */
export function pick3<T>(base: T, ours: T, theirs: T, hasBase = true): Pick3<T> {
  if (deepEqual(ours, theirs)) return { ok: true, value: ours };
  if (hasBase && deepEqual(ours, base)) return { ok: true, value: theirs };
  if (hasBase && deepEqual(theirs, base)) return { ok: true, value: ours };
  return { ok: false, value: ours };
}

/** compact drops undefined-valued keys so merged objects follow the model's "omitted, never undefined" rule. */
export function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** getAt reads the model at a conflict path (`['tables', 'users', 'columns', 'email']`); arrays are searched by `name`. */
export function getAt(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) cur = cur.find((x) => (x as { name?: string }).name === p);
    else cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
