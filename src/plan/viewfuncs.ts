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
import { createFunction, dropFunction, sqlStandardBody } from '../sql/ddl.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';
import { callersClosure } from './callers.js';

/** signatureNames tells whether a routine's arguments or result name `name` (lower-cased bare name). */
export function signatureNames(f: Func, name: string): boolean {
  return identifiersOf(`${f.args} ${f.returns}`).has(name);
}

/** ViewRoutine: a routine held by a re-created view, how deep in a chain of callers, what it stands on and why. */
interface ViewRoutine {
  readonly depth: number;
  /** on: the keys its creation waits for (`rel:` views, `fn:` re-created routines). */
  readonly on: string[];
  readonly why: string;
}

/**
 * viewRoutines: the routines of the old schema that hold one of the re-created views `names` (bare, lower-cased) in
 * place: typed by it, or an SQL-standard body reading it; then, to a fixpoint, SQL-standard bodies calling those.
 */
export function viewRoutines(ctx: PlanContext, names: readonly string[]): Map<string, ViewRoutine> {
  const out = new Map<string, ViewRoutine>();
  if (!names.length) return out;
  const fns = Object.entries(ctx.from.functions);
  for (const [fid, f] of fns) {
    const body = sqlStandardBody(f) ? identifiersOf(f.body) : new Set<string>();
    const typed = names.filter((n) => signatureNames(f, n));
    const reading = names.filter((n) => !typed.includes(n) && body.has(n));
    const on = [...typed, ...reading];
    if (!on.length) continue;
    const why = [
      ...(typed.length ? [`typed by view ${typed.join(', ')}`] : []),
      ...(reading.length ? [`reading view ${reading.join(', ')}`] : []),
    ].join('; ');
    out.set(fid, { depth: 0, on: on.map((n) => `rel:${n}`), why });
  }
  const seeds = [...out.keys()].map((fid) => [fid, ctx.from.functions[fid]!] as const);
  for (const [fid, { depth, callees }] of callersClosure(fns, { routines: seeds }))
    if (!out.has(fid)) out.set(fid, { depth, on: callees.map((n) => `fn:${n}`), why: `calls ${callees.join(', ')}` });
  return out;
}

/**
 * rebuildViewRoutines drafts drop-before/create-after steps for the routines typed by or reading the re-created
 * views `ids` (viewRoutines): an unchanged one is dropped and created again; a changed one's steps give way to the
 * same (its new definition created after the view); a dropped one's drop goes before the view.
 */
export function rebuildViewRoutines(ctx: PlanContext, ids: ReadonlySet<string>): void {
  const held = viewRoutines(ctx, [...ids].filter((id) => ctx.to.views[id]).map(bare));
  for (const [fid, { depth, on, why }] of held) {
    const f = ctx.from.functions[fid]!;
    const g = ctx.to.functions[fid];
    const dropAt = PHASE.dropTrigger + 0.4 - 0.001 * depth;
    // after the dropped views that call it and the held routines that call it; before the routines and views it stands on
    const name = f.name.toLowerCase();
    const after = [
      ...[...ids].filter((o) => identifiersOf(ctx.from.views[o]!.query).has(name)).map((o) => `vdrop:${o}`),
      `heldcall:${name}`,
    ];
    const before = on.map((k) => (k.startsWith('fn:') ? `heldcall:${k.slice(3)}` : `heldview:${k.slice(4)}`));
    const own = ctx.drafts.filter((d) => d.step.object === fid);
    const drops = own.filter((d) => d.step.what.startsWith('drop function '));
    if (drops.length || !g) {
      // dropped, or dropped and added again (atomic.ts): the drop goes before the view's, the add waits for it
      for (const d of drops)
        ctx.drafts[ctx.drafts.indexOf(d)] = {
          ...d,
          phase: Math.min(d.phase, dropAt),
          requires: [...(d.requires ?? []), ...after],
          provides: [...(d.provides ?? []), ...before],
        };
      continue;
    }
    // changed (replaced, recreated, a comment): its steps give way to the drop and the create of the new definition
    for (const d of own) ctx.drafts.splice(ctx.drafts.indexOf(d), 1);
    emit(ctx, {
      phase: dropAt,
      what: `drop function ${fid} (${why}, re-created)`,
      object: fid,
      sql: [dropFunction(f)],
      reverse: createFunction(f),
      requires: after,
      provides: before,
    });
    emit(ctx, {
      phase: PHASE.createView + 0.5 + 0.001 * depth,
      what: `create function ${fid} (${why})`,
      object: fid,
      sql: createFunction(g),
      reverse: [dropFunction(g)],
      provides: [`fn:${g.name.toLowerCase()}`],
      requires: [...on, ...own.flatMap((d) => d.requires ?? [])],
    });
  }
}
