/** The identity of a model fragment as text, shared by the differ and the rename inference. */
export const HINTS = new Set(['kind', 'renamedFrom', 'valueRenames', 'convertUsing']);

/**
 * fragmentKey is a model fragment's identity as text: JSON with object keys sorted, undefined values and the hints
 * (kind, renamedFrom, valueRenames, convertUsing) left out, so two JSON fragments have one key exactly when sameValue
 * holds. (Not canon's stableJson, the canonical text the hash reads, which also drops `false` and empty values.)
 */
export function fragmentKey(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(fragmentKey).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined && !HINTS.has(k))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${fragmentKey(o[k])}`).join(',')}}`;
}
