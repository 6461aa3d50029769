/**
 * Routines whose signature names a view's row type (`RETURNS SETOF active_users`, an argument of that type) hold the
 * view in place: PostgreSQL refuses to drop the view under them. When a view is dropped and re-created, such a routine
 * that stays as it is is dropped just before the view and created again just after it. So is one whose SQL-standard
 * body (BEGIN ATOMIC, RETURN) reads the view (PostgreSQL records that dependency too: "cannot drop view v2 because
 * other objects depend on it"), and, in turn, an unchanged SQL-standard routine calling a routine so re-created
 * (callers dropped first, created last).
 */
import type { Func } from '../model/types.js';
import { identifiersOf } from '../diff/sqltext.js';
import { sameValue } from '../diff/index.js';
import { createFunction, dropFunction, sqlStandardBody } from '../sql/ddl.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';

/** signatureNames tells whether a routine's arguments or result name `name` (lower-cased bare name). */
export function signatureNames(f: Func, name: string): boolean {
  return identifiersOf(`${f.args} ${f.returns}`).has(name);
}

/** rebuildViewRoutines drafts drop-before/create-after steps for unchanged routines typed by or reading the re-created views `ids`. */
export function rebuildViewRoutines(ctx: PlanContext, ids: ReadonlySet<string>): void {
  const names = [...ids].filter((id) => ctx.to.views[id]).map(bare);
  if (!names.length) return;
  // routine id -> [depth, what it stands on: views `rel:`, re-created routines `fn:`]
  const rebuilt = new Map<string, { depth: number; on: string[]; why: string }>();
  const calls = new Map<string, number>();
  const candidates = Object.entries(ctx.from.functions).filter(([fid, f]) => {
    const g = ctx.to.functions[fid];
    return g && sameValue(f, g) && !ctx.drafts.some((d) => d.step.object === fid);
  });
  for (const [fid, f] of candidates) {
    const body = sqlStandardBody(f) ? identifiersOf(f.body) : new Set<string>();
    const typed = names.filter((n) => signatureNames(f, n));
    const reading = names.filter((n) => !typed.includes(n) && body.has(n));
    const on = [...typed, ...reading];
    if (!on.length) continue;
    const why = [
      ...(typed.length ? [`typed by view ${typed.join(', ')}`] : []),
      ...(reading.length ? [`reading view ${reading.join(', ')}`] : []),
    ].join('; ');
    rebuilt.set(fid, { depth: 0, on: on.map((n) => `rel:${n}`), why });
    calls.set(f.name.toLowerCase(), 0);
  }
  for (let grew = rebuilt.size > 0; grew;) {
    grew = false;
    for (const [fid, f] of candidates) {
      if (rebuilt.has(fid) || !sqlStandardBody(f)) continue;
      const callees = [...identifiersOf(f.body)].filter((n) => calls.has(n));
      if (!callees.length) continue;
      const depth = 1 + Math.max(...callees.map((n) => calls.get(n)!));
      rebuilt.set(fid, { depth, on: callees.map((n) => `fn:${n}`), why: `calls ${callees.join(', ')}` });
      calls.set(f.name.toLowerCase(), Math.max(depth, calls.get(f.name.toLowerCase()) ?? 0));
      grew = true;
    }
  }
  for (const [fid, { depth, on, why }] of rebuilt) {
    const f = ctx.from.functions[fid]!;
    const g = ctx.to.functions[fid]!;
    emit(ctx, {
      phase: PHASE.dropTrigger + 0.4 - 0.001 * depth,
      what: `drop function ${fid} (${why}, re-created)`,
      object: fid,
      sql: [dropFunction(f)],
      reverse: createFunction(f),
    });
    emit(ctx, {
      phase: PHASE.createView + 0.5 + 0.001 * depth,
      what: `create function ${fid} (${why})`,
      object: fid,
      sql: createFunction(g),
      reverse: [dropFunction(g)],
      provides: [`fn:${g.name.toLowerCase()}`],
      requires: on,
    });
  }
}
