/**
 * Catalog reader for the foreign and operator-level definition objects: foreign-data wrappers, servers, user
 * mappings (options named like a password are never read into the model), foreign tables, operators and text
 * search parsers, templates, dictionaries and configurations. Same conventions as ./objects.ts.
 */
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { type Ctx, COLUMN_ATT_OPTIONS, rows, commentOf, inRels, notExtMember, unsupported } from './util.js';
import { addObject, optionList, qn, readEach, type ObjectReader, type ObjectSink, type Present } from './objects.js';

const proc = (v: string | null): string | undefined => (v && v !== '-' && v !== '0' ? v : undefined);

/** readWrappers rebuilds CREATE FOREIGN DATA WRAPPER (not those an extension such as postgres_fdw owns). */
async function readWrappers(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<{ oid: string; name: string; handler: string; validator: string; options: string[] | null }>(
    ctx,
    `SELECT w.oid::text AS oid, w.fdwname::text AS name, w.fdwhandler::regproc::text AS handler,
      w.fdwvalidator::regproc::text AS validator, w.fdwoptions AS options
    FROM pg_foreign_data_wrapper w WHERE ${notExtMember('pg_foreign_data_wrapper', 'w.oid')} ORDER BY 2`,
  );
  for (const r of list) {
    const name = quoteIdent(r.name);
    const h = proc(r.handler) ? ` HANDLER ${r.handler}` : '';
    const v = proc(r.validator) ? ` VALIDATOR ${r.validator}` : '';
    const sql = `CREATE FOREIGN DATA WRAPPER ${name}${h}${v}${optionList(r.options)}`;
    addObject(out, 'foreign data wrapper', name, [sql], commentOf(ctx, 'pg_foreign_data_wrapper', r.oid));
  }
}

/** readServers rebuilds CREATE SERVER. */
async function readServers(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<{
    oid: string;
    name: string;
    fdw: string;
    type: string | null;
    version: string | null;
    options: string[] | null;
  }>(
    ctx,
    `SELECT s.oid::text AS oid, s.srvname::text AS name, w.fdwname::text AS fdw, s.srvtype AS type,
      s.srvversion AS version, s.srvoptions AS options
    FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
    WHERE ${notExtMember('pg_foreign_server', 's.oid')} ORDER BY 2`,
  );
  for (const r of list) {
    const name = quoteIdent(r.name);
    const type = r.type !== null ? ` TYPE ${quoteLiteral(r.type)}` : '';
    const version = r.version !== null ? ` VERSION ${quoteLiteral(r.version)}` : '';
    const sql = `CREATE SERVER ${name}${type}${version} FOREIGN DATA WRAPPER ${quoteIdent(r.fdw)}${optionList(r.options)}`;
    addObject(out, 'server', name, [sql], commentOf(ctx, 'pg_foreign_server', r.oid));
  }
}

/** readUserMappings rebuilds CREATE USER MAPPING; a password option stays in the database, never in the model. */
async function readUserMappings(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<{ server: string; role: string | null; options: string[] | null }>(
    ctx,
    `SELECT m.srvname::text AS server, CASE WHEN m.umuser = 0 THEN NULL ELSE m.usename::text END AS role,
      m.umoptions AS options
    FROM pg_user_mappings m ORDER BY 1, 2`,
  );
  for (const r of list) {
    const name = `FOR ${r.role === null ? 'PUBLIC' : quoteIdent(r.role)} SERVER ${quoteIdent(r.server)}`;
    addObject(out, 'user mapping', name, [`CREATE USER MAPPING ${name}${optionList(r.options)}`]);
  }
}

interface ForeignTableRow {
  oid: string;
  schema: string;
  name: string;
  server: string;
  options: string[] | null;
  partition: boolean;
  inherits: boolean;
  cols: {
    name: string;
    type: string;
    notnull: boolean;
    def: string | null;
    coll: string | null;
    options: string[] | null;
    num: number;
    stats: number | null;
    storage: string | null;
    attoptions: string[] | null;
  }[];
  checks: { name: string; def: string }[] | null;
  triggers: { oid: string; name: string; def: string; enabled: string }[] | null;
}

/** readForeignTables rebuilds CREATE FOREIGN TABLE with columns, column options, checks and comments. */
async function readForeignTables(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<ForeignTableRow>(
    ctx,
    `SELECT c.oid::text AS oid, n.nspname::text AS schema, c.relname::text AS name, s.srvname::text AS server,
      ft.ftoptions AS options, c.relispartition AS partition,
      EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) AS inherits,
      coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
          'notnull', a.attnotnull, 'def', pg_get_expr(ad.adbin, ad.adrelid), 'num', a.attnum,
          'coll', CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
          'options', a.attfdwoptions, 'attoptions', ${COLUMN_ATT_OPTIONS},
          'stats', CASE WHEN coalesce(a.attstattarget, -1) <> -1 THEN a.attstattarget END,
          'storage', CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END) ORDER BY a.attnum)
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
          LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]'::json) AS cols,
      (SELECT json_agg(json_build_object('name', con.conname, 'def', pg_get_constraintdef(con.oid, true)) ORDER BY con.conname)
        FROM pg_constraint con WHERE con.conrelid = c.oid AND con.contype = 'c') AS checks,
      (SELECT json_agg(json_build_object('oid', t.oid::text, 'name', t.tgname, 'def', pg_get_triggerdef(t.oid, true),
          'enabled', t.tgenabled) ORDER BY t.tgname)
        FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers
    FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_foreign_server s ON s.oid = ft.ftserver
    WHERE ${inRels(ctx)} ORDER BY 2, 3`,
  );
  for (const r of list) {
    const name = qn(r.schema, r.name);
    if (r.partition || r.inherits) {
      unsupported(ctx, `foreign table ${name} as a partition or inheritance child`, undefined, r.server);
      continue;
    }
    const lines = r.cols.map((c) => {
      let l = `${quoteIdent(c.name)} ${c.type}${optionList(c.options)}`;
      if (c.coll) l += ` COLLATE ${c.coll}`;
      if (c.notnull) l += ' NOT NULL';
      if (c.def !== null) l += ` DEFAULT ${c.def}`;
      return l;
    });
    for (const k of r.checks ?? []) lines.push(`CONSTRAINT ${quoteIdent(k.name)} ${k.def}`);
    const body = lines.length ? `(\n  ${lines.join(',\n  ')}\n)` : '()';
    const sql = [`CREATE FOREIGN TABLE ${name} ${body} SERVER ${quoteIdent(r.server)}${optionList(r.options)}`];
    for (const c of r.cols) {
      // what ALTER FOREIGN TABLE ... ALTER COLUMN set: statistics target, storage, attribute options (n_distinct...)
      const col = `ALTER FOREIGN TABLE ${name} ALTER COLUMN ${quoteIdent(c.name)}`;
      if (c.stats !== null) sql.push(`${col} SET STATISTICS ${Number(c.stats)}`);
      if (c.storage !== null) sql.push(`${col} SET STORAGE ${FT_STORAGE[c.storage] ?? 'EXTENDED'}`);
      if (c.attoptions?.length) sql.push(`${col} SET (${c.attoptions.map(attOption).join(', ')})`);
    }
    // its triggers belong to its definition: made again with it, they would otherwise be lost when it is rebuilt
    for (const t of r.triggers ?? []) {
      sql.push(t.def);
      const how = TRIGGER_ENABLED[t.enabled];
      if (how) sql.push(`ALTER FOREIGN TABLE ${name} ${how} TRIGGER ${quoteIdent(t.name)}`);
      const cm = commentOf(ctx, 'pg_trigger', t.oid);
      if (cm !== null) sql.push(`COMMENT ON TRIGGER ${quoteIdent(t.name)} ON ${name} IS ${quoteLiteral(cm)}`);
    }
    for (const c of r.cols) {
      const cm = commentOf(ctx, 'pg_class', r.oid, c.num);
      if (cm !== null) sql.push(`COMMENT ON COLUMN ${name}.${quoteIdent(c.name)} IS ${quoteLiteral(cm)}`);
    }
    addObject(out, 'foreign table', name, sql, commentOf(ctx, 'pg_class', r.oid));
  }
}

/** TRIGGER_ENABLED: the ALTER FOREIGN TABLE words of a trigger's pg_trigger.tgenabled other than 'O' (enabled). */
const TRIGGER_ENABLED: Readonly<Record<string, string>> = { D: 'DISABLE', A: 'ENABLE ALWAYS', R: 'ENABLE REPLICA' };

/** FT_STORAGE names pg_attribute.attstorage as SET STORAGE spells it. */
const FT_STORAGE: Readonly<Record<string, string>> = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' };

/** attOption writes one of pg_attribute.attoptions (`n_distinct=5`) as SET (...) takes it: `n_distinct = '5'`. */
function attOption(o: string): string {
  const i = o.indexOf('=');
  return i < 0 ? quoteIdent(o) : `${quoteIdent(o.slice(0, i))} = ${quoteLiteral(o.slice(i + 1))}`;
}

interface OperRow {
  oid: string;
  schema: string;
  name: string;
  left: string | null;
  right: string | null;
  fn: string;
  com: string | null;
  neg: string | null;
  rest: string;
  join: string;
  hashes: boolean;
  merges: boolean;
}

/** readOperators rebuilds CREATE OPERATOR for user operators (shell operators are made by their partner). */
async function readOperators(ctx: Ctx, out: ObjectSink): Promise<void> {
  const ref = (alias: string) =>
    `(SELECT CASE WHEN x.oprnamespace IN ('pg_catalog'::regnamespace, 'public'::regnamespace) THEN x.oprname::text
        ELSE 'OPERATOR(' || quote_ident(xn.nspname) || '.' || x.oprname || ')' END
      FROM pg_operator x JOIN pg_namespace xn ON xn.oid = x.oprnamespace WHERE x.oid = o.${alias})`;
  const list = await rows<OperRow>(
    ctx,
    `SELECT o.oid::text AS oid, n.nspname::text AS schema, o.oprname::text AS name,
      CASE WHEN o.oprleft <> 0 THEN format_type(o.oprleft, NULL) END AS left,
      CASE WHEN o.oprright <> 0 THEN format_type(o.oprright, NULL) END AS right,
      o.oprcode::regprocedure::text AS fn, ${ref('oprcom')} AS com, ${ref('oprnegate')} AS neg,
      o.oprrest::regproc::text AS rest, o.oprjoin::regproc::text AS join, o.oprcanhash AS hashes, o.oprcanmerge AS merges
    FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
    WHERE o.oid >= 16384 AND o.oprnamespace = ANY(${ctx.nsps}) AND o.oprcode <> 0 AND ${notExtMember('pg_operator', 'o.oid')}
    ORDER BY 2, 3, 4, 5`,
  );
  for (const r of list) {
    const op = r.schema === 'public' ? r.name : `${quoteIdent(r.schema)}.${r.name}`;
    const name = `${op} (${r.left ?? 'NONE'}, ${r.right ?? 'NONE'})`;
    const opts = [`FUNCTION = ${r.fn.replace(/\(.*$/s, '')}`];
    if (r.left) opts.push(`LEFTARG = ${r.left}`);
    if (r.right) opts.push(`RIGHTARG = ${r.right}`);
    if (r.com) opts.push(`COMMUTATOR = ${r.com}`);
    if (r.neg) opts.push(`NEGATOR = ${r.neg}`);
    if (proc(r.rest)) opts.push(`RESTRICT = ${r.rest}`);
    if (proc(r.join)) opts.push(`JOIN = ${r.join}`);
    if (r.hashes) opts.push('HASHES');
    if (r.merges) opts.push('MERGES');
    addObject(
      out,
      'operator',
      name,
      [`CREATE OPERATOR ${op} (\n  ${opts.join(',\n  ')}\n)`],
      commentOf(ctx, 'pg_operator', r.oid),
    );
  }
}

/** tsName writes a text search object's name for a clause: unqualified in pg_catalog and public. */
const tsName = (ns: string, name: string) =>
  `CASE WHEN ${ns}.nspname IN ('pg_catalog', 'public') THEN quote_ident(${name}) ELSE quote_ident(${ns}.nspname) || '.' || quote_ident(${name}) END`;

/** readTextSearchParts rebuilds text search parsers and templates (their functions are C functions: built in or an extension's). */
async function readTextSearchParts(ctx: Ctx, out: ObjectSink): Promise<void> {
  const parsers = await rows<{ oid: string; schema: string; name: string; fns: (string | null)[] }>(
    ctx,
    `SELECT p.oid::text AS oid, n.nspname::text AS schema, p.prsname::text AS name,
      ARRAY[p.prsstart::regproc::text, p.prstoken::regproc::text, p.prsend::regproc::text,
        p.prslextype::regproc::text, p.prsheadline::regproc::text] AS fns
    FROM pg_ts_parser p JOIN pg_namespace n ON n.oid = p.prsnamespace
    WHERE p.oid >= 16384 AND p.prsnamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_ts_parser', 'p.oid')} ORDER BY 2, 3`,
  );
  for (const r of parsers) {
    const name = qn(r.schema, r.name);
    const opts = ['START', 'GETTOKEN', 'END', 'LEXTYPES', 'HEADLINE'].flatMap((k, i) =>
      proc(r.fns[i] ?? null) ? [`${k} = ${r.fns[i]}`] : [],
    );
    const sql = `CREATE TEXT SEARCH PARSER ${name} (\n  ${opts.join(',\n  ')}\n)`;
    addObject(out, 'text search parser', name, [sql], commentOf(ctx, 'pg_ts_parser', r.oid));
  }
  const templates = await rows<{ oid: string; schema: string; name: string; init: string; lexize: string }>(
    ctx,
    `SELECT t.oid::text AS oid, n.nspname::text AS schema, t.tmplname::text AS name,
      t.tmplinit::regproc::text AS init, t.tmpllexize::regproc::text AS lexize
    FROM pg_ts_template t JOIN pg_namespace n ON n.oid = t.tmplnamespace
    WHERE t.oid >= 16384 AND t.tmplnamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_ts_template', 't.oid')} ORDER BY 2, 3`,
  );
  for (const r of templates) {
    const name = qn(r.schema, r.name);
    const init = proc(r.init) ? `INIT = ${r.init}, ` : '';
    const sql = `CREATE TEXT SEARCH TEMPLATE ${name} (${init}LEXIZE = ${r.lexize})`;
    addObject(out, 'text search template', name, [sql], commentOf(ctx, 'pg_ts_template', r.oid));
  }
}

/** readTextSearch rebuilds text search dictionaries and configurations (with every token mapping). */
async function readTextSearch(ctx: Ctx, out: ObjectSink): Promise<void> {
  const dicts = await rows<{ oid: string; schema: string; name: string; template: string; init: string | null }>(
    ctx,
    `SELECT d.oid::text AS oid, n.nspname::text AS schema, d.dictname::text AS name,
      ${tsName('tn', 't.tmplname')} AS template,
      d.dictinitoption AS init
    FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
      JOIN pg_ts_template t ON t.oid = d.dicttemplate JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
    WHERE d.oid >= 16384 AND d.dictnamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_ts_dict', 'd.oid')} ORDER BY 2, 3`,
  );
  for (const r of dicts) {
    const name = qn(r.schema, r.name);
    const init = r.init ? `, ${r.init}` : '';
    const sql = `CREATE TEXT SEARCH DICTIONARY ${name} (TEMPLATE = ${r.template}${init})`;
    addObject(out, 'text search dictionary', name, [sql], commentOf(ctx, 'pg_ts_dict', r.oid));
  }
  const cfgs = await rows<{
    oid: string;
    schema: string;
    name: string;
    parser: string;
    maps: { token: string; dicts: string[] }[] | null;
  }>(
    ctx,
    `SELECT c.oid::text AS oid, n.nspname::text AS schema, c.cfgname::text AS name,
      ${tsName('pn', 'p.prsname')} AS parser,
      (SELECT json_agg(json_build_object('token', tt.alias, 'dicts', m.dicts) ORDER BY m.maptokentype)
        FROM (SELECT mm.maptokentype, array_agg(mm.mapdict::regdictionary::text ORDER BY mm.mapseqno) AS dicts
              FROM pg_ts_config_map mm WHERE mm.mapcfg = c.oid GROUP BY mm.maptokentype) m
        JOIN ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype) AS maps
    FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
      JOIN pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_namespace pn ON pn.oid = p.prsnamespace
    WHERE c.oid >= 16384 AND c.cfgnamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_ts_config', 'c.oid')} ORDER BY 2, 3`,
  );
  for (const r of cfgs) {
    const name = qn(r.schema, r.name);
    const sql = [`CREATE TEXT SEARCH CONFIGURATION ${name} (PARSER = ${r.parser})`];
    for (const m of r.maps ?? [])
      sql.push(
        `ALTER TEXT SEARCH CONFIGURATION ${name} ADD MAPPING FOR ${quoteIdent(m.token)} WITH ${m.dicts.join(', ')}`,
      );
    addObject(out, 'text search configuration', name, sql, commentOf(ctx, 'pg_ts_config', r.oid));
  }
}

/** readForeignObjects reads the definition objects of this file into `out`. */
export async function readForeignObjects(ctx: Ctx, out: ObjectSink, has: Present): Promise<void> {
  const readers: ObjectReader[] = [];
  if (has['fdw']) readers.push(readWrappers, readServers, readUserMappings, readForeignTables);
  if (has['op']) readers.push(readOperators);
  if (has['tsp']) readers.push(readTextSearchParts);
  if (has['ts']) readers.push(readTextSearch);
  await readEach(ctx, out, readers);
}
