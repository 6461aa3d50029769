/** Finds every object in a database that the schemaver model cannot express, so import and check never drop it silently. */
import { qid } from '../../model/ids.js';
import { type Ctx, rows, USER_NS, inRels, notExtMember, unsupported } from './util.js';

interface OtherRow {
  readonly kind: string;
  readonly schema: string | null;
  readonly name: string;
  readonly detail: string | null;
}

/** scanUnsupported reports rules, operators, casts, collations, privileges and the other objects outside the model. */
export async function scanUnsupported(ctx: Ctx): Promise<void> {
  const nsObj = (kind: string, catalog: string, alias: string, nameCol: string, nsCol: string) => `
    SELECT '${kind}' AS kind, n.nspname::text AS schema, ${alias}.${nameCol}::text AS name, NULL::text AS detail
    FROM ${catalog} ${alias} JOIN pg_namespace n ON n.oid = ${alias}.${nsCol}
    WHERE ${USER_NS} AND ${notExtMember(catalog, `${alias}.oid`)}`;
  const globalObj = (kind: string, catalog: string, alias: string, nameExpr: string, where = 'true') => `
    SELECT '${kind}' AS kind, NULL::text AS schema, (${nameExpr})::text AS name, NULL::text AS detail
    FROM ${catalog} ${alias} WHERE ${alias}.oid >= 16384 AND ${where} AND ${notExtMember(catalog, `${alias}.oid`)}`;
  const parts = [
    `SELECT 'rule' AS kind, n.nspname::text AS schema, c.relname::text AS name, r.rulename::text AS detail
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE r.rulename <> '_RETURN' AND ${inRels(ctx)}`,
    `SELECT 'foreign table' AS kind, n.nspname::text, c.relname::text, NULL
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'f' AND ${inRels(ctx)}`,
    `SELECT 'privileges on' AS kind, n.nspname::text, c.relname::text, c.relacl::text
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relacl IS NOT NULL AND ${inRels(ctx)}`,
    `SELECT 'column privileges on' AS kind, n.nspname::text, c.relname::text, a.attname::text
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
    nsObj('operator', 'pg_operator', 'o', 'oprname', 'oprnamespace'),
    nsObj('operator family', 'pg_opfamily', 'f', 'opfname', 'opfnamespace'),
    nsObj('operator class', 'pg_opclass', 'oc', 'opcname', 'opcnamespace'),
    nsObj('collation', 'pg_collation', 'co', 'collname', 'collnamespace'),
    nsObj('conversion', 'pg_conversion', 'cv', 'conname', 'connamespace'),
    nsObj('text search configuration', 'pg_ts_config', 'tc', 'cfgname', 'cfgnamespace'),
    nsObj('text search dictionary', 'pg_ts_dict', 'td', 'dictname', 'dictnamespace'),
    nsObj('text search parser', 'pg_ts_parser', 'tp', 'prsname', 'prsnamespace'),
    nsObj('text search template', 'pg_ts_template', 'tt', 'tmplname', 'tmplnamespace'),
    nsObj('statistics object', 'pg_statistic_ext', 'se', 'stxname', 'stxnamespace'),
    globalObj(
      'cast',
      'pg_cast',
      'ca',
      `format_type(ca.castsource, NULL) || ' AS ' || format_type(ca.casttarget, NULL)`,
      `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = ca.oid AND d.deptype = 'i')`,
    ),
    globalObj('procedural language', 'pg_language', 'l', 'l.lanname'),
    globalObj('access method', 'pg_am', 'am', 'am.amname'),
    globalObj('foreign-data wrapper', 'pg_foreign_data_wrapper', 'w', 'w.fdwname'),
    globalObj('foreign server', 'pg_foreign_server', 's', 's.srvname'),
    globalObj('event trigger', 'pg_event_trigger', 'e', 'e.evtname'),
    globalObj('publication', 'pg_publication', 'pb', 'pb.pubname'),
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
      case 'rule':
        unsupported(ctx, `rule ${r.detail} on ${name}`);
        break;
      case 'privileges on':
        unsupported(
          ctx,
          `privileges (GRANT) on ${name}: ${r.detail}`,
          'schemaver does not manage privileges; grant them outside the schema (e.g. in a deploy script)',
        );
        break;
      case 'column privileges on':
        unsupported(ctx, `column privileges (GRANT) on ${name}.${r.detail}`, 'schemaver does not manage privileges');
        break;
      case 'default privileges':
        unsupported(ctx, `default privileges of role ${name}: ${r.detail}`, 'schemaver does not manage privileges');
        break;
      case 'privileges on schema':
      case 'privileges on function':
      case 'privileges on type':
        unsupported(ctx, `${r.kind} ${name}: ${r.detail}`, 'schemaver does not manage privileges');
        break;
      default:
        unsupported(ctx, `${r.kind} ${name}`);
    }
  }
}
