/**
 * Merge bases: the best common ancestors of commits (what `git merge-base --all --octopus` prints). N walkers
 * go back from the commits at once; commits every walker passed are common; a common commit that is an
 * ancestor of another common commit is not a best one (criss-cross merges keep several).
 */

/** mergeBases returns the best common ancestors of `oids`, reading parents through `parentsOf`. */
export async function mergeBases(
  oids: readonly string[],
  parentsOf: (id: string) => Promise<readonly string[]>,
): Promise<string[]> {
  const visits = new Map<string, Set<number>>();
  const common = new Set<string>();
  let heads = oids.map((oid, index) => ({ oid, index }));
  while (heads.length) {
    for (const { oid, index } of heads) {
      const v = visits.get(oid) ?? new Set<number>();
      v.add(index);
      visits.set(oid, v);
      if (v.size === oids.length) common.add(oid);
    }
    const next = new Map<string, { oid: string; index: number }>();
    for (const { oid, index } of heads) {
      if (common.has(oid)) continue; // parents of a common commit cannot be better bases
      for (const p of await parentsOf(oid))
        if (!visits.get(p)?.has(index)) next.set(`${p}:${index}`, { oid: p, index });
    }
    heads = [...next.values()];
  }
  if (common.size < 2) return [...common];
  const redundant = new Set<string>();
  for (const oid of common) {
    const stack = [...(await parentsOf(oid))];
    const seen = new Set<string>();
    while (stack.length) {
      const a = stack.pop()!;
      if (seen.has(a)) continue;
      seen.add(a);
      if (common.has(a)) redundant.add(a);
      else stack.push(...(await parentsOf(a)));
    }
  }
  return [...common].filter((o) => !redundant.has(o));
}
