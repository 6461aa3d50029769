/**
 * Marks of objects on the extensions they depend on (`ALTER FUNCTION / PROCEDURE / INDEX / MATERIALIZED VIEW /
 * TRIGGER ... DEPENDS ON EXTENSION`, pg_depend deptype 'x': the object is dropped when the extension is), read into
 * each object's `dependsOnExtensions`. One query on pg_depend's reference index (refclassid = pg_extension), which
 * reads nothing else of the catalog. A mark on an object the model does not hold (an index behind a constraint, a
 * partition's copy of a trigger...) is reported as not supported.
 */
import type { Func, Index, Table, Trigger, View } from '../../model/types.js';
import { funcId } from '../../model/ids.js';
import { type Ctx, absent, rows, unsupported } from './util.js';

/** ExtensionMarkRow is one mark: the extension, the object as PostgreSQL names it, and what finds it in the model. */
export interface ExtensionMarkRow {
  readonly ext: string;
  readonly object: string;
  readonly cls: string;
  readonly fschema: string | null;
  readonly fname: string | null;
  readonly fargs: string | null;
  /** rel: the relation (oid) an index or trigger belongs to, or the materialized view itself. */
  readonly rel: string | null;
  readonly name: string | null;
  readonly relkind: string | null;
}

/** readExtensionMarks lists every DEPENDS ON EXTENSION mark of the database. */
export async function readExtensionMarks(ctx: Ctx): Promise<ExtensionMarkRow[]> {
  if (absent(ctx, 'extdep')) return []; // no such mark at all (presentKinds)
  return rows<ExtensionMarkRow>(
    ctx,
    `SELECT e.extname::text AS ext, o.type || ' ' || o.identity AS object, d.classid::regclass::text AS cls,
      fn.nspname::text AS fschema, p.proname::text AS fname,
      CASE WHEN p.oid IS NOT NULL THEN pg_get_function_identity_arguments(p.oid) END AS fargs,
      coalesce(i.indrelid, t.tgrelid, c.oid)::text AS rel, coalesce(t.tgname, c.relname)::text AS name,
      c.relkind::text AS relkind
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
      CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) o
      LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
      LEFT JOIN pg_namespace fn ON fn.oid = p.pronamespace
      LEFT JOIN pg_trigger t ON d.classid = 'pg_trigger'::regclass AND t.oid = d.objid
      LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
      LEFT JOIN pg_index i ON i.indexrelid = c.oid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'x'
    ORDER BY 2, 1`,
  );
}

type Marked = Func | Index | Trigger | View;

/**
 * applyExtensionMarks puts each mark on its object (replacing the object, and the table or view it belongs to, in
 * their records); `ids` maps relation oids to ids. Marks on objects the model does not hold are reported as not
 * supported when `scan` asks for them.
 */
export function applyExtensionMarks(
  ctx: Ctx,
  marks: readonly ExtensionMarkRow[],
  ids: ReadonlyMap<string, string>,
  model: { tables: Record<string, Table>; views: Record<string, View>; functions: Record<string, Func> },
  scan: boolean,
): void {
  const add = <T extends Marked>(rec: Record<string, T> | undefined, key: string, ext: string): boolean => {
    const o = rec?.[key];
    if (!rec || !o) return false;
    rec[key] = { ...o, dependsOnExtensions: [...(o.dependsOnExtensions ?? []), ext].sort() };
    return true;
  };
  // a copy of the index or trigger map of the table or view `rel`, put in place of the one it has
  const partsOf = <K extends 'indexes' | 'triggers'>(rel: string | null, key: K) => {
    const id = rel === null ? undefined : ids.get(rel);
    if (id === undefined) return undefined;
    const t = model.tables[id];
    const v = model.views[id];
    const map = { ...((t ?? v)?.[key] ?? {}) } as Record<string, K extends 'indexes' ? Index : Trigger>;
    if (t) model.tables[id] = { ...t, [key]: map };
    else if (v?.[key]) model.views[id] = { ...v, [key]: map };
    else return undefined;
    return map;
  };
  for (const m of marks) {
    let found = false;
    if (m.cls === 'pg_proc' && m.fschema !== null && m.fname !== null && m.fargs !== null)
      found = add(model.functions, funcId(m.fschema, m.fname, m.fargs), m.ext);
    else if (m.cls === 'pg_class' && m.relkind === 'm' && m.rel !== null) {
      const id = ids.get(m.rel);
      found = id !== undefined && add(model.views, id, m.ext);
    } else if (m.cls === 'pg_class' && m.relkind === 'i' && m.name !== null)
      found = add(partsOf(m.rel, 'indexes'), m.name, m.ext);
    else if (m.cls === 'pg_trigger' && m.name !== null) found = add(partsOf(m.rel, 'triggers'), m.name, m.ext);
    if (!found && scan)
      unsupported(
        ctx,
        `${m.object} DEPENDS ON EXTENSION ${m.ext}`,
        'schemaver manages these marks on functions, procedures, indexes, materialized views and triggers it holds (`depends_on_extensions`), not on this object; add or remove it outside schemaver (ALTER ... [NO] DEPENDS ON EXTENSION), or exclude the object',
      );
  }
}
