/**
 * Roles a deploy needs. Roles are cluster-wide and schemaver never creates or drops them on a server (like Atlas
 * and pgroll, it treats them as infrastructure): before any statement of an upgrade or downgrade runs, every role
 * that a snapshot on the path names (grants, owners, default privileges, policies) must exist, or the deploy stops
 * with `error[missing-role]` and the database is left as it was.
 */
import { envFailure } from '../errors.js';
import type { Schema } from '../model/types.js';
import type { Driver } from '../pg/driver.js';
import { rolesOf } from '../pg/build.js';
import { BASE, type DeployStore, type PathEdge } from './path.js';

/** requireRoles throws `missing-role` (exit 3) when a role named by a snapshot on `edges` does not exist on `db`. */
export async function requireRoles(
  db: Driver,
  store: DeployStore,
  edges: readonly PathEdge[],
  label: string,
  command: string,
): Promise<void> {
  const ids = new Set<string>();
  for (const e of edges) for (const x of [e.from, e.to]) if (x !== BASE) ids.add(x);
  const read = (id: string): Promise<Schema> => {
    const s = store as DeployStore & { readSchema?: (id: string) => Promise<Schema> };
    return s.readSchema ? s.readSchema(id) : store.readSnapshot(id).then((x) => x.schema);
  };
  const roles = rolesOf(...(await Promise.all([...ids].map(read))));
  if (roles.length === 0) return;
  const have = await db.query<{ rolname: string }>(
    `SELECT rolname::text AS rolname FROM pg_catalog.pg_roles WHERE rolname = ANY($1::text[])`,
    [roles],
  );
  const found = new Set(have.map((r) => r.rolname));
  const missing = roles.filter((r) => !found.has(r));
  if (missing.length === 0) return;
  const list = missing.map((r) => JSON.stringify(r)).join(', ');
  throw envFailure(
    'missing-role',
    `${command} needs role(s) ${list}, which do not exist on ${label}`,
    `roles are cluster-wide and schemaver does not create them: create ${missing.length > 1 ? 'them' : 'it'} (CREATE ROLE ...) where you manage roles, then rerun; nothing was changed`,
    undefined,
    { roles: missing },
  );
}
