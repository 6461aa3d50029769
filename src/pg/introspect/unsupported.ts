/** Finds every object in a database that the schemaver model cannot express, so import and check never drop it silently. */
import { qid } from '../../model/ids.js';
import { type Ctx, rows, USER_NS, inRels, notExtMember, unsupported } from './util.js';

interface OtherRow {
  readonly kind: string;
  readonly schema: string | null;
  readonly name: string;
  readonly detail: string | null;
}

const PRIV_HINT =
  'schemaver keeps it as an unmanaged object: it passes through while unchanged; grant outside schemaver, or exclude it';

/** scanUnsupported reports rules, operators, casts, collations, privileges and the other objects outside the model. */
export async function scanUnsupported(ctx: Ctx): Promise<void> {
  const nsObj = (kind: string, catalog: string, alias: string, nameCol: string, nsCol: string, state = 'NULL') => `
    SELECT '${kind}' AS kind, n.nspname::text AS schema, ${alias}.${nameCol}::text AS name, (${state})::text AS detail
    FROM ${catalog} ${alias} JOIN pg_namespace n ON n.oid = ${alias}.${nsCol}
    WHERE ${USER_NS} AND ${notExtMember(catalog, `${alias}.oid`)}`;
  const globalObj = (kind: string, catalog: string, alias: string, nameExpr: string, where = 'true') => `
    SELECT '${kind}' AS kind, NULL::text AS schema, (${nameExpr})::text AS name, NULL::text AS detail
    FROM ${catalog} ${alias} WHERE ${alias}.oid >= 16384 AND ${where} AND ${notExtMember(catalog, `${alias}.oid`)}`;
  const parts = [
    `SELECT 'privileges on' AS kind, n.nspname::text AS schema, c.relname::text AS name, c.relacl::text AS detail
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relacl IS NOT NULL AND ${inRels(ctx)}`,
    `SELECT 'column privileges on' AS kind, n.nspname::text, c.relname::text, a.attname::text || chr(1) || a.attacl::text
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND ${inRels(ctx)}`,
    `SELECT 'privileges on schema' AS kind, NULL, n.nspname::text, n.nspacl::text
     FROM pg_namespace n WHERE ${USER_NS} AND n.nspname <> 'public' AND n.nspacl IS NOT NULL AND ${notExtMember('pg_namespace', 'n.oid')}`,
    `SELECT 'privileges on function' AS kind, n.nspname::text, p.proname::text, p.proacl::text
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE ${USER_NS} AND p.proacl IS NOT NULL AND ${notExtMember('pg_proc', 'p.oid')}`,
    `SELECT 'privileges on type' AS kind, n.nspname::text, t.typname::text, t.typacl::text
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE ${USER_NS} AND t.typacl IS NOT NULL AND ${notExtMember('pg_type', 't.oid')}`,
    `SELECT 'default privileges' AS kind, NULL, pg_get_userbyid(d.defaclrole)::text, d.defaclacl::text FROM pg_default_acl d`,
    nsObj(
      'operator family',
      'pg_opfamily',
      'f',
      'opfname',
      'opfnamespace',
      `(SELECT amname FROM pg_am WHERE oid = f.opfmethod) || ' ' ||
       coalesce((SELECT string_agg(o.amopstrategy || ' ' || o.amopopr::regoperator::text, ', ' ORDER BY 1) FROM pg_amop o WHERE o.amopfamily = f.oid), '') || '; ' ||
       coalesce((SELECT string_agg(p.amprocnum || ' ' || p.amproc::regprocedure::text, ', ' ORDER BY 1) FROM pg_amproc p WHERE p.amprocfamily = f.oid), '')`,
    ),
    nsObj(
      'operator class',
      'pg_opclass',
      'oc',
      'opcname',
      'opcnamespace',
      `format_type(oc.opcintype, NULL) || ' family ' || (SELECT ff.opfname::text FROM pg_opfamily ff WHERE ff.oid = oc.opcfamily) || CASE WHEN oc.opcdefault THEN ' default' ELSE '' END`,
    ),
    nsObj('conversion', 'pg_conversion', 'cv', 'conname', 'connamespace'),
    nsObj('text search parser', 'pg_ts_parser', 'tp', 'prsname', 'prsnamespace'),
    nsObj('text search template', 'pg_ts_template', 'tt', 'tmplname', 'tmplnamespace'),
    globalObj('procedural language', 'pg_language', 'l', 'l.lanname'),
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
    switch (r.kind) {
      case 'privileges on':
        unsupported(ctx, `privileges (GRANT) on ${name}`, PRIV_HINT, r.detail);
        break;
      case 'column privileges on': {
        const [col, acl] = (r.detail ?? '').split('\u0001');
        unsupported(ctx, `column privileges (GRANT) on ${name}.${col}`, PRIV_HINT, acl);
        break;
      }
      case 'default privileges':
        unsupported(ctx, `default privileges of role ${name}`, PRIV_HINT, r.detail);
        break;
      case 'privileges on schema':
      case 'privileges on function':
      case 'privileges on type':
        unsupported(ctx, `${r.kind} ${name}`, PRIV_HINT, r.detail);
        break;
      default:
        unsupported(ctx, `${r.kind} ${name}`, undefined, r.detail);
    }
  }
}
