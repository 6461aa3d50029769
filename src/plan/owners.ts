/**
 * Owner steps. A created object gets its declared owner with it (src/sql/ddl.ts writes `ALTER ... OWNER TO`); here a
 * change of `owner` alone becomes one step. An owner the project does not manage (absent) is the role that runs the
 * migration, so taking `owner:` away gives the object back to `CURRENT_USER`. A table's owner carries its indexes and
 * owned sequences with it (PostgreSQL moves them), so those are never given an owner of their own. `public` is the
 * exception: it is never created by a plan, and without a declared owner it has the one every database starts with,
 * pg_database_owner (model/privileges.ts STANDARD_PUBLIC_OWNER; the bootstrap superuser before PostgreSQL 15), not
 * the role that runs the migration.
 */
import type { AlterChange, Change } from '../model/changes.js';
import { STANDARD_PUBLIC_OWNER } from '../model/privileges.js';
import type { View } from '../model/types.js';
import { aclChangeSql, ownerSql } from '../sql/grants.js';
import { quoteIdent } from '../sql/quote.js';
import { rel, viewKind } from '../sql/ddl.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';
import { absorbedGrants, privilegeTarget } from './grants.js';

/** PHASE_OWNER runs once every object exists and before the privilege steps (grants name the owner as grantor). */
const PHASE_OWNER = PHASE.comment + 0.4;

/**
 * ownerTarget is what `ALTER <target> OWNER TO` names for an object of a kind with an owner, and its dependency key:
 * the privilege target (./grants.ts), except that a view is altered as the kind of view it is and a column has no
 * owner of its own.
 */
function ownerTarget(c: AlterChange): { sql: string; key: string; label: string } | undefined {
  if (c.kind === 'column') return undefined;
  if (c.kind === 'view') {
    const w = viewKind(c.to as View);
    return { sql: `${w} ${rel(c.id)}`, key: `rel:${bare(c.id)}`, label: `${w.toLowerCase()} ${c.id}` };
  }
  return privilegeTarget(c);
}

/**
 * publicOwnerSql gives `public` to `owner`. Its standard owner is pg_database_owner from PostgreSQL 15 on and the
 * bootstrap superuser (oid 10) before, where pg_database_owner does not exist: a plan runs on either, so the
 * server that runs it chooses.
 */
export function publicOwnerSql(owner: string): string {
  if (owner !== STANDARD_PUBLIC_OWNER) return ownerSql('SCHEMA public', owner);
  return (
    `DO $sv$ BEGIN IF pg_catalog.current_setting('server_version_num')::int >= 150000 THEN ` +
    `ALTER SCHEMA public OWNER TO ${quoteIdent(STANDARD_PUBLIC_OWNER)}; ` +
    `ELSE EXECUTE pg_catalog.format('ALTER SCHEMA public OWNER TO %I', ` +
    `(SELECT rolname FROM pg_catalog.pg_roles WHERE oid = 10)); END IF; END $sv$`
  );
}

/**
 * regrant: the new owner's own grants, which `ALTER ... OWNER TO` merged into its owner entry (./grants.ts
 * absorbedGrants), given back after the old owner has the object again, grantees after it granted again behind it so
 * the ACL keeps its order.
 */
function regrant(c: AlterChange): string[] {
  const t = privilegeTarget(c);
  const g = t && absorbedGrants(c, t.cls);
  return t && g ? aclChangeSql(t.sql, t.cls, g.rest, g.own) : [];
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
      const standard = c.kind === 'namespace' && c.id === 'public' ? STANDARD_PUBLIC_OWNER : undefined;
      const from = (c.from as { owner?: string }).owner ?? standard;
      const to = (c.to as { owner?: string }).owner ?? standard;
      emit(ctx, {
        phase: PHASE_OWNER,
        what: `change owner of ${t.label}`,
        object: c.id,
        sql: [standard ? publicOwnerSql(to!) : ownerSql(t.sql, to)],
        reverse: [standard ? publicOwnerSql(from!) : ownerSql(t.sql, from), ...regrant(c)],
        requires: [t.key],
      });
    }
    const attrs = c.attrs.filter((a) => a.attr !== 'owner');
    if (attrs.length) rest.push({ ...c, attrs } as Change);
  }
  return rest;
}
