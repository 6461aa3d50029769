/**
 * Routines whose signature names a view's row type (`RETURNS SETOF active_users`, an argument of that type) hold the
 * view in place: PostgreSQL refuses to drop the view under them. When a view is dropped and re-created, such a routine
 * that stays as it is is dropped just before the view and created again just after it.
 */
import type { Func } from '../model/types.js';
import { identifiersOf } from '../diff/sqltext.js';
import { sameValue } from '../diff/index.js';
import { createFunction, dropFunction } from '../sql/ddl.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';

/** signatureNames tells whether a routine's arguments or result name `name` (lower-cased bare name). */
export function signatureNames(f: Func, name: string): boolean {
  return identifiersOf(`${f.args} ${f.returns}`).has(name);
}

/** rebuildViewRoutines drafts drop-before/create-after steps for unchanged routines typed by the re-created views `ids`. */
export function rebuildViewRoutines(ctx: PlanContext, ids: ReadonlySet<string>): void {
  const names = [...ids].filter((id) => ctx.to.views[id]).map(bare);
  if (!names.length) return;
  for (const [fid, f] of Object.entries(ctx.from.functions)) {
    const g = ctx.to.functions[fid];
    if (!g || !sameValue(f, g)) continue;
    const on = names.filter((n) => signatureNames(f, n));
    if (!on.length) continue;
    emit(ctx, {
      phase: PHASE.dropTrigger + 0.4,
      what: `drop function ${fid} (typed by view ${on.join(', ')}, re-created)`,
      object: fid,
      sql: [dropFunction(f)],
      reverse: createFunction(f),
    });
    emit(ctx, {
      phase: PHASE.createView + 0.5,
      what: `create function ${fid} (typed by view ${on.join(', ')})`,
      object: fid,
      sql: createFunction(g),
      reverse: [dropFunction(g)],
      provides: [`fn:${g.name.toLowerCase()}`],
      requires: on.map((n) => `rel:${n}`),
    });
  }
}
