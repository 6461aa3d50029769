/**
 * Owner steps. A created object gets its declared owner with it (src/sql/ddl.ts writes `ALTER ... OWNER TO`); here a
 * change of `owner` alone becomes one step. An owner the project does not manage (absent) is the role that runs the
 * migration, so taking `owner:` away gives the object back to `CURRENT_USER`. A table's owner carries its indexes and
 * owned sequences with it (PostgreSQL moves them), so those are never given an owner of their own.
 */
import type { AlterChange, Change } from '../model/changes.js';
import { assertNever, type Func, type View } from '../model/types.js';
import { ownerSql } from '../sql/grants.js';
import { funcSignature, rel, viewKind } from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';

/** PHASE_OWNER runs once every object exists and before the privilege steps (grants name the owner as grantor). */
const PHASE_OWNER = PHASE.comment + 0.4;

/** ownerTarget is what `ALTER <target> OWNER TO` names for an object of a kind with an owner, and its dependency key. */
function ownerTarget(c: AlterChange): { sql: string; key: string; label: string } | undefined {
  switch (c.kind) {
    case 'table':
      return { sql: `TABLE ${rel(c.id)}`, key: `rel:${bare(c.id)}`, label: `table ${c.id}` };
    case 'view': {
      const w = viewKind(c.to as View);
      return { sql: `${w} ${rel(c.id)}`, key: `rel:${bare(c.id)}`, label: `${w.toLowerCase()} ${c.id}` };
    }
    case 'sequence':
      return { sql: `SEQUENCE ${rel(c.id)}`, key: `rel:${bare(c.id)}`, label: `sequence ${c.id}` };
    case 'function': {
      const f = c.to as Func;
      const w = f.procedure ? 'PROCEDURE' : 'FUNCTION';
      return {
        sql: `${w} ${funcSignature(f)}`,
        key: `fn:${f.name.toLowerCase()}`,
        label: `${w.toLowerCase()} ${c.id}`,
      };
    }
    case 'enum':
    case 'composite':
      return { sql: `TYPE ${rel(c.id)}`, key: `type:${bare(c.id)}`, label: `type ${c.id}` };
    case 'domain':
      return { sql: `DOMAIN ${rel(c.id)}`, key: `type:${bare(c.id)}`, label: `domain ${c.id}` };
    case 'namespace':
      return { sql: `SCHEMA ${quoteIdent(c.id)}`, key: `ns:${c.id}`, label: `schema ${c.id}` };
    case 'extension':
    case 'column':
    case 'primary_key':
    case 'unique':
    case 'check':
    case 'foreign_key':
    case 'exclusion':
    case 'index':
    case 'trigger':
    case 'policy':
    case 'sql_object':
    case 'unmanaged':
    case 'default_privilege':
      return undefined; // no owner of their own in the model
    default:
      return assertNever(c);
  }
}

/**
 * planOwners drafts an `ALTER ... OWNER TO` step (reverse: the old owner) for every alter whose `owner` changed, and
 * returns the changes without that attribute (an alter that changed nothing else is dropped).
 */
export function planOwners(ctx: PlanContext, changes: readonly Change[]): Change[] {
  const rest: Change[] = [];
  for (const c of changes) {
    if (c.op !== 'alter' || !c.attrs.some((a) => a.attr === 'owner')) {
      rest.push(c);
      continue;
    }
    const t = ownerTarget(c);
    if (t) {
      const from = (c.from as { owner?: string }).owner;
      const to = (c.to as { owner?: string }).owner;
      emit(ctx, {
        phase: PHASE_OWNER,
        what: `change owner of ${t.label}`,
        object: c.id,
        sql: [ownerSql(t.sql, to)],
        reverse: [ownerSql(t.sql, from)],
        requires: [t.key],
      });
    }
    const attrs = c.attrs.filter((a) => a.attr !== 'owner');
    if (attrs.length) rest.push({ ...c, attrs } as Change);
  }
  return rest;
}
