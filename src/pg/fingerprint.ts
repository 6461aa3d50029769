/**
 * Catalog fingerprint: an independent witness of "these two databases have the same schema".
 *
 * It does not go through schemaver's model at all: it asks PostgreSQL to print every user object with its
 * own deparsers (pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef, pg_get_functiondef,
 * pg_get_triggerdef, format_type, pg_get_expr, ...) and returns one line per object attribute. Two databases
 * whose fingerprints are equal as sets have the same schema as PostgreSQL sees it, column order aside.
 * Verification and the conformance runner use it next to the model comparison, so an attribute the
 * catalog reader does not capture can never make a wrong migration look right.
 */
import { type Driver, queryAll } from './driver.js';
import { quoteLiteral } from '../sql/quote.js';
import { COLUMN_ATT_OPTIONS } from './introspect/util.js';

/**
 * USER_NS_LIST lists the user namespaces (not system schemas, not owned by an extension) as an oid array's text: read
 * once per fingerprint, the queries below take it as a constant (USER_NS), which PostgreSQL plans in a fraction of the
 * time the subquery took in each of them.
 */
const USER_NS_LIST = `
  SELECT coalesce(array_agg(n.oid ORDER BY n.oid), '{}')::text FROM pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')`;

/** USER_NS stands for the user namespaces' oid array in the queries below (replaced by the list read first). */
const USER_NS = '$USER_NS$';

/**
 * Fact is one query of the fingerprint and its probe: a cheap query that returns a row whenever the fact's query can
 * (its rows imply the probe's: the same catalog under a weaker condition, or one the query joins). A fact whose probe
 * finds nothing is not asked: its query would return no line, and is neither planned nor run. (User objects have
 * oids of FirstNormalObjectId, 16384, and above: the queries and probes read that range of each catalog's oid index.)
 */
interface Fact {
  readonly probe: string | null;
  readonly sql: string;
}

/** fact pairs a query with its probe (null: always asked). */
function fact(probe: string | null, sql: string): Fact {
  return { probe, sql };
}

/** Objects created by an extension are the extension's business, not the user's schema. */
const notExt = (cls: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = ${quoteLiteral(cls)}::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

/** Relations whose name starts with schemaver_ are bookkeeping, not schema. */
const notOurs = (rel: string) => `${rel}.relname NOT LIKE 'schemaver\\_%'`;

/** OBJECT_QUERIES print the long tail (the definition objects of src/model/objects.ts) in PostgreSQL's words. */
const OBJECT_QUERIES: readonly Fact[] = [
  fact(
    `SELECT 1 FROM pg_aggregate WHERE aggfnoid >= 16384`,
    `SELECT 'aggregate ' || p.oid::regprocedure::text || ' ' || a.aggkind::text || ' ' || a.aggtransfn::regproc::text || ' '
     || format_type(a.aggtranstype, NULL) || ' final=' || a.aggfinalfn::regproc::text || ' combine=' || a.aggcombinefn::regproc::text
     || ' init=' || coalesce(a.agginitval, '') || ' msfunc=' || a.aggmtransfn::regproc::text || ' sortop=' || a.aggsortop::regoperator::text
     || ' comment=' || coalesce(obj_description(p.oid, 'pg_proc'), '')
   FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid WHERE a.aggfnoid >= 16384 AND p.pronamespace = ANY(${USER_NS}) AND ${notExt('pg_proc', 'p.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_range WHERE rngtypid >= 16384`,
    `SELECT 'range ' || format_type(r.rngtypid, NULL) || ' ' || format_type(r.rngsubtype, NULL) || ' diff=' || r.rngsubdiff::regproc::text
     || ' multi=' || format_type(r.rngmultitypid, NULL) || ' opc=' || (SELECT oc.opcname FROM pg_opclass oc WHERE oc.oid = r.rngsubopc)
   FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid WHERE r.rngtypid >= 16384 AND t.typnamespace = ANY(${USER_NS}) AND ${notExt('pg_type', 't.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_rewrite WHERE oid >= 16384 AND rulename <> '_RETURN'`,
    `SELECT 'rule ' || r.ev_class::regclass::text || ' ' || pg_get_ruledef(r.oid, true) || ' enabled=' || r.ev_enabled::text
     || ' comment=' || coalesce(obj_description(r.oid, 'pg_rewrite'), '')
   FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
   WHERE r.oid >= 16384 AND r.rulename <> '_RETURN' AND c.relnamespace = ANY(${USER_NS}) AND ${notExt('pg_class', 'c.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_publication`,
    `SELECT 'publication ' || p.pubname || ' all=' || p.puballtables || ' ops=' || p.pubinsert || p.pubupdate || p.pubdelete
     || p.pubtruncate || ' root=' || p.pubviaroot FROM pg_publication p`,
  ),
  fact(
    `SELECT 1 FROM pg_publication`,
    `SELECT 'publication-table ' || t.pubname || ' ' || t.schemaname || '.' || t.tablename || ' ' || coalesce(t.attnames::text, '')
     || ' ' || coalesce(t.rowfilter, '') FROM pg_publication_tables t`,
  ),
  fact(
    `SELECT 1 FROM pg_event_trigger`,
    `SELECT 'event-trigger ' || e.evtname || ' ' || e.evtevent || ' ' || e.evtfoid::regproc::text || ' ' || e.evtenabled::text
     || ' ' || coalesce(array_to_string(e.evttags, ','), '') FROM pg_event_trigger e WHERE ${notExt('pg_event_trigger', 'e.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_foreign_data_wrapper`,
    `SELECT 'fdw ' || w.fdwname || ' ' || w.fdwhandler::regproc::text || ' ' || w.fdwvalidator::regproc::text || ' '
     || coalesce(array_to_string(w.fdwoptions, ','), '') FROM pg_foreign_data_wrapper w WHERE ${notExt('pg_foreign_data_wrapper', 'w.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_foreign_server`,
    `SELECT 'foreign-server ' || s.srvname || ' ' || coalesce(s.srvtype, '') || ' ' || coalesce(s.srvversion, '') || ' '
     || coalesce(array_to_string(s.srvoptions, ','), '') FROM pg_foreign_server s`,
  ),
  fact(
    `SELECT 1 FROM pg_foreign_server`,
    `SELECT 'user-mapping ' || m.srvname || ' ' || coalesce(m.usename::text, 'public') FROM pg_user_mappings m`,
  ),
  fact(
    `SELECT 1 FROM pg_foreign_table`,
    `SELECT 'foreign-table ' || c.oid::regclass::text || ' ' || s.srvname || ' ' || coalesce(array_to_string(ft.ftoptions, ','), '')
   FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid JOIN pg_foreign_server s ON s.oid = ft.ftserver`,
  ),
  fact(
    `SELECT 1 FROM pg_statistic_ext WHERE oid >= 16384`,
    `SELECT 'statistics ' || pg_get_statisticsobjdef(s.oid) || ' target=' || coalesce(s.stxstattarget::int, -1)
   FROM pg_statistic_ext s WHERE s.oid >= 16384 AND s.stxnamespace = ANY(${USER_NS})`,
  ),
  fact(
    `SELECT 1 FROM pg_collation WHERE oid >= 16384`,
    `SELECT 'collation ' || co.oid::regcollation::text || ' ' || co.collprovider::text || ' ' || co.collisdeterministic || ' '
     || coalesce(co.collcollate, '') || ' ' || coalesce(co.collctype, '')
   FROM pg_collation co WHERE co.oid >= 16384 AND co.collnamespace = ANY(${USER_NS}) AND ${notExt('pg_collation', 'co.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_cast WHERE oid >= 16384`,
    `SELECT 'cast ' || format_type(ca.castsource, NULL) || ' -> ' || format_type(ca.casttarget, NULL) || ' '
     || ca.castfunc::regprocedure::text || ' ' || ca.castcontext::text || ca.castmethod::text
   FROM pg_cast ca WHERE ca.oid >= 16384 AND ${notExt('pg_cast', 'ca.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_operator WHERE oid >= 16384`,
    `SELECT 'operator ' || o.oid::regoperator::text || ' ' || o.oprcode::regproc::text || ' com=' || o.oprcom::regoperator::text
     || ' neg=' || o.oprnegate::regoperator::text || ' ' || o.oprcanhash || o.oprcanmerge
   FROM pg_operator o WHERE o.oid >= 16384 AND o.oprnamespace = ANY(${USER_NS}) AND ${notExt('pg_operator', 'o.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_ts_dict WHERE oid >= 16384`,
    `SELECT 'ts-dict ' || td.oid::regdictionary::text || ' ' || (SELECT tm.tmplname FROM pg_ts_template tm WHERE tm.oid = td.dicttemplate)
     || ' ' || coalesce(td.dictinitoption, '')
   FROM pg_ts_dict td WHERE td.oid >= 16384 AND td.dictnamespace = ANY(${USER_NS}) AND ${notExt('pg_ts_dict', 'td.oid')}`,
  ),
  fact(
    `SELECT 1 FROM pg_ts_config WHERE oid >= 16384`,
    `SELECT 'ts-config ' || c.oid::regconfig::text || ' ' || m.maptokentype || ' ' || m.mapseqno || ' ' || m.mapdict::regdictionary::text
   FROM pg_ts_config c JOIN pg_ts_config_map m ON m.mapcfg = c.oid WHERE c.oid >= 16384 AND c.cfgnamespace = ANY(${USER_NS}) AND ${notExt('pg_ts_config', 'c.oid')}`,
  ),
];

const QUERIES: readonly Fact[] = [
  // schemas
  fact(
    null,
    `SELECT 'schema ' || n.nspname || ' owner=' || pg_get_userbyid(n.nspowner)
     || ' comment=' || coalesce(obj_description(n.oid, 'pg_namespace'), '')
   FROM pg_namespace n WHERE n.oid = ANY(${USER_NS})`,
  ),
  // extensions
  fact(
    `SELECT 1 FROM pg_extension WHERE extname <> 'plpgsql'`,
    `SELECT 'extension ' || e.extname || ' schema=' || n.nspname || ' version=' || e.extversion
   FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'`,
  ),
  // relations
  fact(
    `SELECT 1 FROM pg_class WHERE oid >= 16384`,
    `SELECT 'relation ' || c.oid::regclass::text || ' kind=' || c.relkind::text || ' persistence=' || c.relpersistence::text
     || ' rls=' || c.relrowsecurity || ' force_rls=' || c.relforcerowsecurity
     || ' options=' || coalesce(array_to_string(c.reloptions, ','), '')
     || ' toast=' || coalesce((SELECT array_to_string(tc.reloptions, ',') FROM pg_class tc WHERE tc.oid = c.reltoastrelid AND c.reltoastrelid <> 0), '')
     || ' partkey=' || coalesce(pg_get_partkeydef(c.oid), '')
     || ' bound=' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')
     || ' acl=' || coalesce(c.relacl::text, '')
     || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')
   FROM pg_class c WHERE c.oid >= 16384 AND c.relnamespace = ANY(${USER_NS}) AND c.relkind IN ('r','p','v','m','f') AND ${notOurs('c')}
     AND ${notExt('pg_class', 'c.oid')}`,
  ),
  // columns of tables, views, matviews, composite types
  fact(
    `SELECT 1 FROM pg_class WHERE oid >= 16384`,
    `SELECT 'column ' || c.oid::regclass::text || '.' || quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
     || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '')
     || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text
     || ' collation=' || CASE WHEN a.attcollation <> t.typcollation THEN coalesce(co.collname, '') ELSE '' END
     || ' local=' || a.attislocal || ' inhcount=' || a.attinhcount
     || ' comment=' || coalesce(col_description(c.oid, a.attnum), '')
   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
   LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
   LEFT JOIN pg_collation co ON co.oid = a.attcollation
   WHERE a.attrelid >= 16384 AND c.oid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped AND c.relnamespace = ANY(${USER_NS})
     AND c.relkind IN ('r','p','v','m','f','c') AND ${notOurs('c')} AND ${notExt('pg_class', 'c.oid')}
     AND (c.relkind <> 'c' OR EXISTS (SELECT 1 FROM pg_type ct WHERE ct.typrelid = c.oid AND ct.typtype = 'c'))`,
  ),
  // a column's settings beyond its type (ALTER COLUMN SET STATISTICS / STORAGE / COMPRESSION / (options) / OPTIONS of a
  // foreign table's), an index column's statistics target (ALTER INDEX ALTER COLUMN n SET STATISTICS): rows only for
  // columns that have one (PostgreSQL 17+ reads a target never set as NULL, older versions as -1); a table column's
  // attribute options are PostgreSQL's own keys only, as introspection reads them (a server's stamps are not schema)
  fact(
    `SELECT 1 FROM pg_class WHERE oid >= 16384`,
    `SELECT 'column-settings ' || c.oid::regclass::text || '.' || quote_ident(a.attname) || ' stats=' || coalesce(a.attstattarget, -1)
     || ' storage=' || CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text ELSE '' END
     || ' compression=' || a.attcompression::text || ' options=' || array_to_string(o.opts, ',')
     || ' fdw=' || coalesce(array_to_string(a.attfdwoptions, ','), '')
   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
   CROSS JOIN LATERAL (SELECT CASE WHEN c.relkind IN ('i','I') THEN coalesce(a.attoptions, '{}') ELSE ${COLUMN_ATT_OPTIONS} END AS opts) o
   WHERE a.attrelid >= 16384 AND c.oid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped AND c.relnamespace = ANY(${USER_NS})
     AND c.relkind IN ('r','p','m','f','i','I') AND ${notOurs('c')} AND ${notExt('pg_class', 'c.oid')}
     AND (coalesce(a.attstattarget, -1) <> -1 OR (c.relkind NOT IN ('i','I') AND a.attstorage <> t.typstorage)
       OR a.attcompression <> '' OR cardinality(o.opts) > 0 OR a.attfdwoptions IS NOT NULL)`,
  ),
  // constraints of tables and domains (NOT NULL is attnotnull above, and its PostgreSQL 18 constraint below)
  fact(
    `SELECT 1 FROM pg_constraint WHERE oid >= 16384`,
    `SELECT 'constraint ' || coalesce(con.conrelid::regclass::text, format_type(con.contypid, NULL)) || ' ' || quote_ident(con.conname)
     || ' ' || pg_get_constraintdef(con.oid, true) || ' local=' || con.conislocal
     || ' comment=' || coalesce(obj_description(con.oid, 'pg_constraint'), '')
   FROM pg_constraint con WHERE con.oid >= 16384 AND con.connamespace = ANY(${USER_NS}) AND con.contype NOT IN ('t', 'n')
     AND (con.conrelid = 0 OR NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = con.conrelid AND c.relname LIKE 'schemaver\\_%'))`,
  ),
  // PostgreSQL 18's NOT NULL constraints of a table's own beyond attnotnull: a name not of PostgreSQL's `_not_null`
  // form (which renames leave stale), NOT VALID, NO INHERIT, a comment (inherited ones follow their parent's)
  fact(
    `SELECT 1 FROM pg_constraint WHERE oid >= 16384 AND contype = 'n'`,
    `SELECT 'not-null ' || con.conrelid::regclass::text || '.' || quote_ident(a.attname)
     || ' ' || CASE WHEN con.conname ~ '_not_null[0-9]*$' THEN '' ELSE quote_ident(con.conname) END
     || ' valid=' || con.convalidated || ' noinherit=' || con.connoinherit
     || ' comment=' || coalesce(obj_description(con.oid, 'pg_constraint'), '')
   FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
   WHERE con.oid >= 16384 AND con.contype = 'n' AND con.coninhcount = 0 AND c.relnamespace = ANY(${USER_NS}) AND ${notOurs('c')}
     AND (con.conname !~ '_not_null[0-9]*$' OR NOT con.convalidated OR con.connoinherit
       OR obj_description(con.oid, 'pg_constraint') IS NOT NULL)`,
  ),
  // a domain's NOT NULL constraint (PostgreSQL 17+ records it): a name not of PostgreSQL's `_not_null` form, a comment
  fact(
    `SELECT 1 FROM pg_constraint WHERE oid >= 16384 AND contype = 'n'`,
    `SELECT 'domain not-null ' || format_type(con.contypid, NULL)
     || ' ' || CASE WHEN con.conname ~ '_not_null[0-9]*$' THEN '' ELSE quote_ident(con.conname) END
     || ' valid=' || con.convalidated || ' comment=' || coalesce(obj_description(con.oid, 'pg_constraint'), '')
   FROM pg_constraint con
   WHERE con.oid >= 16384 AND con.contype = 'n' AND con.contypid <> 0 AND con.connamespace = ANY(${USER_NS})`,
  ),
  // indexes (including those backing constraints: their definition is part of the schema)
  fact(
    `SELECT 1 FROM pg_index WHERE indexrelid >= 16384`,
    `SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' clustered=' || i.indisclustered
     || ' comment=' || coalesce(obj_description(i.indexrelid, 'pg_class'), '')
   FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
   WHERE i.indexrelid >= 16384 AND c.oid >= 16384 AND c.relnamespace = ANY(${USER_NS}) AND ${notOurs('c')} AND ${notExt('pg_class', 'c.oid')}`,
  ),
  // triggers
  fact(
    `SELECT 1 FROM pg_trigger WHERE oid >= 16384`,
    `SELECT 'trigger ' || pg_get_triggerdef(t.oid, true) || ' enabled=' || t.tgenabled::text
     || ' comment=' || coalesce(obj_description(t.oid, 'pg_trigger'), '')
   FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE t.oid >= 16384 AND NOT t.tgisinternal AND c.relnamespace = ANY(${USER_NS}) AND ${notOurs('c')}`,
  ),
  // policies
  fact(
    `SELECT 1 FROM pg_policy WHERE oid >= 16384`,
    `SELECT 'policy ' || c.oid::regclass::text || ' ' || quote_ident(p.polname) || ' cmd=' || p.polcmd::text
     || ' permissive=' || p.polpermissive
     || ' roles=' || (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END, ',' ORDER BY 1) FROM unnest(p.polroles) r)
     || ' using=' || coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' check=' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
     || ' comment=' || coalesce(obj_description(p.oid, 'pg_policy'), '')
   FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.oid >= 16384 AND c.relnamespace = ANY(${USER_NS})`,
  ),
  // views and materialized views: their queries
  fact(
    `SELECT 1 FROM pg_class WHERE oid >= 16384 AND relkind IN ('v', 'm')`,
    `SELECT 'viewdef ' || c.oid::regclass::text || ' ' || pg_get_viewdef(c.oid, true)
   FROM pg_class c WHERE c.oid >= 16384 AND c.relkind IN ('v','m') AND c.relnamespace = ANY(${USER_NS}) AND ${notExt('pg_class', 'c.oid')}`,
  ),
  // sequences (identity and serial sequences included: their options are schema too)
  fact(
    `SELECT 1 FROM pg_sequence WHERE seqrelid >= 16384`,
    `SELECT 'sequence ' || c.oid::regclass::text || ' type=' || format_type(s.seqtypid, NULL) || ' start=' || s.seqstart
     || ' inc=' || s.seqincrement || ' min=' || s.seqmin || ' max=' || s.seqmax || ' cache=' || s.seqcache || ' cycle=' || s.seqcycle
     || ' owned=' || coalesce((SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname) || '/' || d.deptype::text
                                FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                                  AND d.deptype IN ('a','i') LIMIT 1), '')
     || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')
   FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
   WHERE s.seqrelid >= 16384 AND c.relnamespace = ANY(${USER_NS}) AND ${notOurs('c')} AND ${notExt('pg_class', 'c.oid')}`,
  ),
  // types: enums, domains, composites, ranges
  fact(
    `SELECT 1 FROM pg_type WHERE oid >= 16384`,
    `SELECT 'type ' || format_type(t.oid, NULL) || ' typtype=' || t.typtype::text
     || ' base=' || CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE '' END
     || ' notnull=' || t.typnotnull || ' default=' || coalesce(t.typdefault, '')
     || ' collation=' || CASE WHEN t.typtype = 'd' AND t.typcollation <> coalesce((SELECT bt.typcollation FROM pg_type bt WHERE bt.oid = t.typbasetype), 0) THEN coalesce((SELECT collname FROM pg_collation WHERE oid = t.typcollation), '') ELSE '' END
     || ' labels=' || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')
     || ' comment=' || coalesce(obj_description(t.oid, 'pg_type'), '')
   FROM pg_type t WHERE t.oid >= 16384 AND t.typnamespace = ANY(${USER_NS})
     AND (t.typtype IN ('e','d','c','r') OR (t.typtype = 'p' AND NOT t.typisdefined))
     AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
     AND ${notExt('pg_type', 't.oid')}`,
  ),
  // functions and procedures
  fact(
    `SELECT 1 FROM pg_proc WHERE oid >= 16384`,
    `SELECT 'function ' || pg_get_functiondef(p.oid) || ' comment=' || coalesce(obj_description(p.oid, 'pg_proc'), '')
   FROM pg_proc p WHERE p.oid >= 16384 AND p.pronamespace = ANY(${USER_NS}) AND p.prokind IN ('f','p') AND ${notExt('pg_proc', 'p.oid')}`,
  ),
  // an object marked as depending on an extension (ALTER ... DEPENDS ON EXTENSION: dropped with it); the probe reads
  // the extensions' range of pg_depend's reference index (deptype alone has no index: a scan of all of pg_depend)
  fact(
    `SELECT 1 FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'x'`,
    `SELECT 'depends-on-extension ' || pg_describe_object(d.classid, d.objid, d.objsubid) || ' ' || e.extname
   FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'x'`,
  ),
  // default privileges (ALTER DEFAULT PRIVILEGES: global or IN SCHEMA, the role's own entry included)
  fact(
    `SELECT 1 FROM pg_default_acl`,
    `SELECT 'default-acl ' || d.defaclrole::regrole::text || ' ' || coalesce(quote_ident(n.nspname), '*') || ' '
     || d.defaclobjtype::text || ' ' || d.defaclacl::text
   FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace`,
  ),
  // inheritance (partitions show through their bound above)
  fact(
    `SELECT 1 FROM pg_inherits WHERE inhrelid >= 16384`,
    `SELECT 'inherits ' || i.inhrelid::regclass::text || ' <- ' || i.inhparent::regclass::text || ' #' || i.inhseqno
   FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhrelid >= 16384 AND c.relnamespace = ANY(${USER_NS}) AND c.relkind IN ('r','p','f')`,
  ),
  ...OBJECT_QUERIES,
];

/**
 * PROBES asks, in one query, the user namespaces and each fact's probe (column pN for QUERIES[N]; the facts sharing a
 * probe share its column).
 */
const PROBE_SQLS = [...new Set(QUERIES.flatMap((q) => (q.probe === null ? [] : [q.probe])))];
const PROBES = `SELECT (${USER_NS_LIST}) AS ns, ${PROBE_SQLS.map((p, i) => `EXISTS (${p}) AS p${i}`).join(', ')}`;

/** catalogFingerprint returns PostgreSQL's own description of every user object, one sorted line per fact. */
export async function catalogFingerprint(db: Driver): Promise<string[]> {
  const [, [found]] = await queryAll(db, ['SET search_path = public', PROBES]);
  const ns = String(found?.['ns'] ?? '');
  if (!/^\{[0-9,]*\}$/.test(ns)) throw new Error(`catalog fingerprint: unexpected namespace list ${ns}`);
  const list = `${quoteLiteral(ns)}::oid[]`;
  const asked = QUERIES.filter((q) => q.probe === null || found?.[`p${PROBE_SQLS.indexOf(q.probe)}`] === true);
  // one round trip for all of them (a script of plain SELECTs; wrapping each in json_agg made them slower)
  const results = await queryAll(
    db,
    asked.map((q) => `SELECT line FROM (${q.sql.replaceAll(USER_NS, list)}) AS f(line)`),
  );
  const lines: string[] = [];
  for (const rows of results) for (const r of rows) if (typeof r['line'] === 'string') lines.push(r['line']);
  return lines.sort();
}

/** fingerprintDiff lists what `expected` has that `actual` lacks (`- ...`) and the reverse (`+ ...`). */
export function fingerprintDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const l of expected) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of actual) count.set(l, (count.get(l) ?? 0) - 1);
  const out: string[] = [];
  for (const [l, n] of count) {
    if (n > 0) out.push(`- expected: ${l}`);
    else if (n < 0) out.push(`+ actual:   ${l}`);
  }
  return out.sort((a, b) => a.slice(12).localeCompare(b.slice(12)) || a.localeCompare(b));
}
