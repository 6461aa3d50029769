/** callersClosure: the one closure of SQL-standard callers atomic.ts, enums.ts and viewfuncs.ts grow from their seeds. */
import { describe, expect, it } from 'vitest';
import type { Func } from '../../src/model/types.js';
import { callersClosure } from '../../src/plan/callers.js';

const fn = (name: string, body: string, language = 'sql'): readonly [string, Func] => [
  `public.${name}()`,
  { kind: 'function', schema: 'public', name, args: '', identityArgs: '', returns: 'integer', language, body },
];

describe('callersClosure', () => {
  // the callers are listed before what they call, so each pass adds one link of the chain
  const c3 = fn('c3', 'RETURN c2() + c1()');
  const c2 = fn('c2', 'RETURN c1()');
  const c1 = fn('c1', 'BEGIN ATOMIC SELECT seed(); END');
  const plpgsql = fn('p', 'BEGIN RETURN seed(); END', 'plpgsql');
  const seed = fn('seed', 'SELECT 1');
  const all = [c3, c2, plpgsql, c1, seed];

  it('puts the seed routines first, then the callers in the order they join, one pass after another', () => {
    const out = callersClosure(all, { routines: [seed] });
    expect([...out.keys()]).toEqual(['public.seed()', 'public.c1()', 'public.c3()', 'public.c2()']);
    // c3 joined in the second pass through c1 (depth 1) before c2 did; c2 joins after it, at depth 2
    expect(out.get('public.c1()')).toEqual({ depth: 1, callees: ['seed'] });
    expect(out.get('public.c3()')).toEqual({ depth: 2, callees: ['c1'] });
    expect(out.get('public.c2()')).toEqual({ depth: 2, callees: ['c1'] });
    expect(out.get('public.seed()')).toEqual({ depth: 0, callees: [] });
  });

  it('lets callers join for names re-created elsewhere, and seeds tested within the passes, in candidate order', () => {
    const out = callersClosure(all, { names: ['seed'], joins: (k) => k === 'public.c3()' });
    expect([...out.keys()]).toEqual(['public.c3()', 'public.c1()', 'public.c2()']);
    expect(out.get('public.c3()')).toEqual({ depth: 0, callees: [] });
  });

  it('admits only the candidates `may` allows, and nothing from no seed', () => {
    expect([...callersClosure(all, { names: ['seed'] }, (k) => k !== 'public.c1()').keys()]).toEqual([]);
    expect(callersClosure(all, {}).size).toBe(0);
  });
});
