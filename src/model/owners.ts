/**
 * Owners: the sections whose objects may declare an `owner` (absent = the project does not manage it), and the
 * projections the drift check uses so that only managed owners are compared. Pure: no I/O.
 */
import type { Schema } from './types.js';

/** OWNED_SECTIONS lists the Schema sections whose objects carry an optional `owner`. */
export const OWNED_SECTIONS = [
  'schemas',
  'enums',
  'composites',
  'domains',
  'sequences',
  'tables',
  'views',
  'functions',
] as const satisfies readonly (keyof Schema)[];

type Owned = { readonly owner?: string };

/**
 * projectOwners gives each owned object of `s` the owner `pick` chooses from its own owner and the owner its
 * counterpart in `declared` manages (undefined: no owner), copying only the sections that change.
 */
function projectOwners(
  s: Schema,
  declared: Schema,
  pick: (own: string | undefined, managed: string | undefined) => string | undefined,
): Schema {
  let out: Schema = s;
  for (const section of OWNED_SECTIONS) {
    const m = s[section] as Readonly<Record<string, Owned>>;
    const d = declared[section] as Readonly<Record<string, Owned>>;
    let copy: Record<string, Owned> | undefined;
    for (const [id, o] of Object.entries(m)) {
      const owner = pick(o.owner, d[id]?.owner);
      if (owner === o.owner) continue;
      copy ??= { ...m };
      const { owner: _o, ...rest } = o;
      copy[id] = owner === undefined ? rest : { ...rest, owner };
    }
    if (copy) out = { ...out, [section]: copy };
  }
  return out;
}

/** managedOwners keeps the owners of `read` (a database read with every owner) only where `declared` manages one. */
export function managedOwners(read: Schema, declared: Schema): Schema {
  return projectOwners(read, declared, (own, managed) => (managed === undefined ? undefined : own));
}

/** declaredOwners gives the objects of `built` exactly the owners `declared` names (none where it names none). */
export function declaredOwners(built: Schema, declared: Schema): Schema {
  return projectOwners(built, declared, (_own, managed) => managed);
}
