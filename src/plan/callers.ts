/**
 * The callers of routines dropped and created again. PostgreSQL records what an SQL-standard body (BEGIN ATOMIC ...
 * END, RETURN ...) calls, and refuses to drop a routine such a body calls: the caller is dropped before and created
 * after, and so, in turn, are its own callers. atomic.ts, enums.ts and viewfuncs.ts each grow that set from their own
 * seed through callersClosure.
 */
import type { Func } from '../model/types.js';
import { identifiersOf } from '../diff/sqltext.js';
import { sqlStandardBody } from '../sql/ddl.js';

/** Caller: a routine of a closure, how deep in the chain of callers (0 for a seed) and which names made it join. */
export interface Caller {
  readonly depth: number;
  /** callees: the lower-cased names of the closure its body names when it joined, in the body's order; [] for a seed. */
  readonly callees: readonly string[];
}

/** CallersSeed: where a closure starts. */
export interface CallersSeed<K> {
  /** routines: in the closure from the start, first and in this order, whatever their bodies. */
  readonly routines?: Iterable<readonly [K, Func]>;
  /** names: lower-cased names of routines re-created elsewhere, which callers join for without being in the closure. */
  readonly names?: Iterable<string>;
  /** joins: tells whether a candidate joins by itself (a seed tested in the same passes as the callers, at depth 0). */
  readonly joins?: (key: K, f: Func) => boolean;
}

/**
 * callersClosure returns, in the order they join, `seed.routines`, then the candidates with an SQL-standard body that
 * `may` join and that `seed.joins` admits or that call a routine of the closure (or of `seed.names`) by name: passes
 * over `candidates` in their order, until one adds nothing, each one joining at the end as soon as it qualifies (so
 * after those it calls), at depth 1 + the deepest of the callees it names then.
 */
export function callersClosure<K>(
  candidates: readonly (readonly [K, Func])[],
  seed: CallersSeed<K>,
  may: (key: K, f: Func) => boolean = () => true,
): Map<K, Caller> {
  const out = new Map<K, Caller>();
  // the deepest depth of a routine in the closure by each name
  const depths = new Map<string, number>();
  for (const n of seed.names ?? []) depths.set(n, 0);
  for (const [k, f] of seed.routines ?? []) {
    out.set(k, { depth: 0, callees: [] });
    depths.set(f.name.toLowerCase(), 0);
  }
  if (!depths.size && !seed.joins) return out;
  for (let grew = true; grew;) {
    grew = false;
    for (const [k, f] of candidates) {
      if (out.has(k) || !sqlStandardBody(f) || !may(k, f)) continue;
      let caller: Caller;
      if (seed.joins?.(k, f)) caller = { depth: 0, callees: [] };
      else {
        const callees = [...identifiersOf(f.body)].filter((n) => depths.has(n));
        if (!callees.length) continue;
        caller = { depth: 1 + Math.max(...callees.map((n) => depths.get(n)!)), callees };
      }
      out.set(k, caller);
      const name = f.name.toLowerCase();
      depths.set(name, Math.max(caller.depth, depths.get(name) ?? 0));
      grew = true;
    }
  }
  return out;
}
