/**
 * Ordering of drafted steps: a topological sort over `requires`/`provides` keys, breaking ties by phase
 * (the fixed order of kinds: renames, drops, types, functions, tables, constraints, views, ..., late drops)
 * and then by drafting order. A dependency cycle never fails: the lowest-phase step is taken.
 */
import type { Step } from '../model/plan.js';

/** Draft is a step before ordering: the Step fields plus its phase and dependency keys. */
export interface Draft {
  readonly phase: number;
  readonly step: Step;
  /** provides: keys this step makes available (`rel:users`, `fn:touch`, `type:mood`, `vdrop:v1`). */
  readonly provides?: readonly string[];
  /** requires: keys that must be provided by an earlier step when some step of the plan provides them. */
  readonly requires?: readonly string[];
}

/** orderDrafts sorts drafts by dependencies, then phase, then drafting order. */
export function orderDrafts(drafts: readonly Draft[]): Step[] {
  const n = drafts.length;
  const providers = new Map<string, number[]>();
  drafts.forEach((d, i) => {
    for (const k of d.provides ?? []) {
      let l = providers.get(k);
      if (!l) providers.set(k, (l = []));
      l.push(i);
    }
  });
  const indeg = new Array<number>(n).fill(0);
  const out: number[][] = Array.from({ length: n }, () => []);
  drafts.forEach((d, i) => {
    if (!d.requires?.length) return;
    const seen = new Set<number>();
    for (const k of d.requires) {
      for (const p of providers.get(k) ?? []) {
        if (p === i || seen.has(p)) continue;
        seen.add(p);
        out[p]!.push(i);
        indeg[i]!++;
      }
    }
  });
  const less = (a: number, b: number) =>
    drafts[a]!.phase < drafts[b]!.phase || (drafts[a]!.phase === drafts[b]!.phase && a < b);
  const heap = new Heap(less);
  const done = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) if (indeg[i] === 0) heap.push(i);
  const order: Step[] = [];
  let remaining = n;
  // all nodes sorted by priority, to break cycles
  let fallback: number[] | undefined;
  let fb = 0;
  while (remaining > 0) {
    let i = heap.pop();
    if (i === undefined) {
      fallback ??= [...Array(n).keys()].sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
      while (done[fallback[fb]!]) fb++;
      i = fallback[fb]!;
    } else if (done[i]) continue;
    done[i] = true;
    remaining--;
    order.push(drafts[i]!.step);
    for (const j of out[i]!) {
      indeg[j]!--;
      if (indeg[j] === 0 && !done[j]) heap.push(j);
    }
  }
  return order;
}

/** Heap is a small binary min-heap of indexes under a `less` order. */
class Heap {
  private readonly a: number[] = [];
  constructor(private readonly less: (x: number, y: number) => boolean) {}
  push(x: number): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): number | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
