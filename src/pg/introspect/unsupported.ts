/** Finds every object in a database that the schemaver model cannot express, so import and check never drop it silently. */
import { qid } from '../../model/ids.js';
import { type Ctx, rows, USER_NS, notExtMember, unsupported } from './util.js';

interface OtherRow {
  readonly kind: string;
  readonly schema: string | null;
  readonly name: string;
  readonly detail: string | null;
}

/** scanUnsupported reports the objects outside the model. */
export async function scanUnsupported(ctx: Ctx): Promise<void> {
  const nsObj = (kind: string, catalog: string, alias: string, nameCol: string, nsCol: string, state = 'NULL') => `
    SELECT '${kind}' AS kind, n.nspname::text AS schema, ${alias}.${nameCol}::text AS name, (${state})::text AS detail
    FROM ${catalog} ${alias} JOIN pg_namespace n ON n.oid = ${alias}.${nsCol}
    WHERE ${alias}.oid >= 16384 AND ${USER_NS} AND ${notExtMember(catalog, `${alias}.oid`)}`;
  const globalObj = (kind: string, catalog: string, alias: string, nameExpr: string, where = 'true') => `
    SELECT '${kind}' AS kind, NULL::text AS schema, (${nameExpr})::text AS name, NULL::text AS detail
    FROM ${catalog} ${alias} WHERE ${alias}.oid >= 16384 AND ${where} AND ${notExtMember(catalog, `${alias}.oid`)}`;
  const parts = [
    nsObj('conversion', 'pg_conversion', 'cv', 'conname', 'connamespace'),
    globalObj('access method', 'pg_am', 'am', 'am.amname'),
    globalObj('transform', 'pg_transform', 'tr', `format_type(tr.trftype, NULL)`),
  ];
  const list = await rows<OtherRow>(ctx, parts.join('\nUNION ALL\n') + '\nORDER BY 1, 2, 3, 4');
  for (const r of list) {
    const name =
      r.schema === null
        ? r.name
        : r.kind === 'operator'
          ? r.schema === 'public'
            ? r.name
            : `${r.schema}.${r.name}`
          : qid(r.schema, r.name);
    unsupported(ctx, `${r.kind} ${name}`, undefined, r.detail);
  }
}
