/**
 * History walks: merge bases and log order. Merge bases: the best common ancestors of commits (what `git merge-base --all --octopus` prints). N walkers
 * go back from the commits at once; commits every walker passed are common; a common commit that is an
 * ancestor of another common commit is not a best one (criss-cross merges keep several).
 */
import type { CommitInfo } from './index.js';

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

/**
 * topoLog walks history from `starts`: every reachable commit, children before parents (Kahn), newest ready
 * commit first; among equal times the most recently readied wins, which keeps a branch's commits together.
 */
export async function topoLog(
  start: readonly string[],
  readCommit: (id: string) => Promise<CommitInfo>,
  limit = Infinity,
): Promise<CommitInfo[]> {
  const all = new Map<string, CommitInfo>();
  const children = new Map<string, number>();
  const starts = [...new Set(start)];
  const stack = [...starts];
  while (stack.length) {
    const id = stack.pop()!;
    if (all.has(id)) continue;
    const info = await readCommit(id);
    all.set(id, info);
    for (const p of info.parents) {
      children.set(p, (children.get(p) ?? 0) + 1);
      if (!all.has(p)) stack.push(p);
    }
  }
  const out: CommitInfo[] = [];
  const ready = starts.filter((s) => !children.has(s)).map((s) => ({ info: all.get(s)!, seq: 0 }));
  let seq = 0;
  while (ready.length && out.length < limit) {
    let best = 0;
    for (let i = 1; i < ready.length; i++) {
      const a = ready[i]!;
      const b = ready[best]!;
      if (
        a.info.author.timestamp > b.info.author.timestamp ||
        (a.info.author.timestamp === b.info.author.timestamp && a.seq > b.seq)
      )
        best = i;
    }
    const { info } = ready.splice(best, 1)[0]!;
    out.push(info);
    // first parent readied last so it is preferred among equals (it continues the current line)
    for (const p of [...info.parents].reverse()) {
      const left = (children.get(p) ?? 1) - 1;
      children.set(p, left);
      if (left === 0) ready.push({ info: all.get(p)!, seq: ++seq });
    }
  }
  return out;
}
