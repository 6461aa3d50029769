/**
 * Catalog reader for definition objects (src/model/objects.ts): aggregates, range types, rules, event triggers,
 * publications, statistics objects, collations, casts and procedural languages. Each is rebuilt as the CREATE text PostgreSQL itself would
 * accept (pg_get_ruledef / pg_get_statisticsobjdef where PostgreSQL prints one, otherwise from the catalog columns,
 * the way pg_dump does), so reading the same database twice gives the same text. Foreign objects, operators and text
 * search objects are in ./foreign.ts.
 */
import { sqlObjectKey, SQL_OBJECT_KINDS, type SqlObject, type SqlObjectKind } from '../../model/objects.js';
import { qualified, quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { type Ctx, type Present, rows, commentOf, concurrently, inRels, notExtMember, unsupported } from './util.js';

/** ObjectSink collects definition objects by key. */
export type ObjectSink = Record<string, SqlObject>;

/** qn writes a schema-qualified name the way the model's ids do: public unqualified. */
export function qn(schema: string, name: string): string {
  return schema === 'public' ? quoteIdent(name) : qualified(schema, name);
}

/** addObject puts one object into the sink, with its comment (COMMENT ON) appended when there is one. */
export function addObject(
  out: ObjectSink,
  type: SqlObjectKind,
  name: string,
  statements: readonly string[],
  comment: string | null = null,
): void {
  const sql = [...statements];
  if (comment !== null && type !== 'user mapping')
    sql.push(`COMMENT ON ${SQL_OBJECT_KINDS[type]} ${name} IS ${quoteLiteral(comment)}`);
  out[sqlObjectKey(type, name)] = { kind: 'sql_object', type, name, sql: sql.join(';\n') };
}

/** optionList writes `OPTIONS (k 'v', ...)` from a `k=v` array; options named like a password are left out. */
export function optionList(opts: readonly string[] | null, redacted: string[] = []): string {
  const parts: string[] = [];
  for (const o of opts ?? []) {
    const i = o.indexOf('=');
    const k = i < 0 ? o : o.slice(0, i);
    if (/password/i.test(k)) {
      redacted.push(k);
      continue;
    }
    parts.push(`${quoteIdent(k)} ${quoteLiteral(i < 0 ? '' : o.slice(i + 1))}`);
  }
  return parts.length ? ` OPTIONS (${parts.join(', ')})` : '';
}

/** fn writes a regproc text for a clause, or undefined for none (`-`). */
const fn = (v: string | null): string | undefined => (v && v !== '-' && v !== '0' ? v : undefined);

interface AggRow {
  oid: string;
  schema: string;
  name: string;
  args: string;
  ident: string;
  aggkind: string;
  sfunc: string;
  stype: string;
  sspace: number;
  ffunc: string;
  fextra: boolean;
  fmodify: string;
  combine: string;
  serial: string;
  deserial: string;
  init: string | null;
  msfunc: string;
  minvfunc: string;
  mstype: string | null;
  msspace: number;
  mffunc: string;
  mfextra: boolean;
  mfmodify: string;
  minit: string | null;
  sortop: string | null;
  parallel: string;
}

/** readAggregates rebuilds CREATE AGGREGATE for user aggregates (plain, moving, ordered-set and hypothetical). */
async function readAggregates(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<AggRow>(
    ctx,
    `SELECT p.oid::text AS oid, n.nspname::text AS schema, p.proname::text AS name,
      pg_get_function_arguments(p.oid) AS args, pg_get_function_identity_arguments(p.oid) AS ident,
      a.aggkind::text AS aggkind, a.aggtransfn::regproc::text AS sfunc, format_type(a.aggtranstype, NULL) AS stype,
      a.aggtransspace AS sspace, a.aggfinalfn::regproc::text AS ffunc, a.aggfinalextra AS fextra,
      a.aggfinalmodify::text AS fmodify, a.aggcombinefn::regproc::text AS combine,
      a.aggserialfn::regproc::text AS serial, a.aggdeserialfn::regproc::text AS deserial, a.agginitval AS init,
      a.aggmtransfn::regproc::text AS msfunc, a.aggminvtransfn::regproc::text AS minvfunc,
      CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype, a.aggmtransspace AS msspace,
      a.aggmfinalfn::regproc::text AS mffunc, a.aggmfinalextra AS mfextra, a.aggmfinalmodify::text AS mfmodify,
      a.aggminitval AS minit,
      CASE WHEN a.aggsortop <> 0 THEN (SELECT CASE WHEN o.oprnamespace = 'pg_catalog'::regnamespace OR o.oprnamespace = 'public'::regnamespace
        THEN o.oprname::text ELSE 'OPERATOR(' || quote_ident(on2.nspname) || '.' || o.oprname || ')' END
        FROM pg_operator o JOIN pg_namespace on2 ON on2.oid = o.oprnamespace WHERE o.oid = a.aggsortop) END AS sortop,
      p.proparallel::text AS parallel
    FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE a.aggfnoid >= 16384 AND p.pronamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_proc', 'p.oid')}
    ORDER BY 2, 3, 5`,
  );
  for (const r of list) {
    const name = `${qn(r.schema, r.name)}(${r.ident || '*'})`;
    const ordered = r.aggkind !== 'n';
    const defModify = ordered ? 'w' : 'r';
    const modify = (m: string) => (m === 'r' ? 'READ_ONLY' : m === 's' ? 'SHAREABLE' : 'READ_WRITE');
    const opts = [`SFUNC = ${r.sfunc}`, `STYPE = ${r.stype}`];
    if (r.sspace) opts.push(`SSPACE = ${r.sspace}`);
    if (fn(r.ffunc)) opts.push(`FINALFUNC = ${r.ffunc}`);
    if (fn(r.ffunc) && r.fextra) opts.push('FINALFUNC_EXTRA');
    if (fn(r.ffunc) && r.fmodify !== defModify) opts.push(`FINALFUNC_MODIFY = ${modify(r.fmodify)}`);
    if (fn(r.combine)) opts.push(`COMBINEFUNC = ${r.combine}`);
    if (fn(r.serial)) opts.push(`SERIALFUNC = ${r.serial}`);
    if (fn(r.deserial)) opts.push(`DESERIALFUNC = ${r.deserial}`);
    if (r.init !== null) opts.push(`INITCOND = ${quoteLiteral(r.init)}`);
    if (fn(r.msfunc)) {
      opts.push(`MSFUNC = ${r.msfunc}`, `MINVFUNC = ${r.minvfunc}`, `MSTYPE = ${r.mstype}`);
      if (r.msspace) opts.push(`MSSPACE = ${r.msspace}`);
      if (fn(r.mffunc)) opts.push(`MFINALFUNC = ${r.mffunc}`);
      if (fn(r.mffunc) && r.mfextra) opts.push('MFINALFUNC_EXTRA');
      if (fn(r.mffunc) && r.mfmodify !== defModify) opts.push(`MFINALFUNC_MODIFY = ${modify(r.mfmodify)}`);
      if (r.minit !== null) opts.push(`MINITCOND = ${quoteLiteral(r.minit)}`);
    }
    if (r.sortop) opts.push(`SORTOP = ${r.sortop}`);
    if (r.parallel === 's') opts.push('PARALLEL = SAFE');
    else if (r.parallel === 'r') opts.push('PARALLEL = RESTRICTED');
    if (r.aggkind === 'h') opts.push('HYPOTHETICAL');
    const create = `CREATE AGGREGATE ${qn(r.schema, r.name)}(${r.args || '*'}) (\n  ${opts.join(',\n  ')}\n)`;
    addObject(out, 'aggregate', name, [create], commentOf(ctx, 'pg_proc', r.oid));
  }
}

interface RangeRow {
  oid: string;
  schema: string;
  name: string;
  subtype: string;
  opclass: string | null;
  coll: string | null;
  canonical: string;
  diff: string;
  multi: string | null;
}

/** readRanges rebuilds CREATE TYPE ... AS RANGE for user range types. */
async function readRanges(ctx: Ctx, out: ObjectSink): Promise<void> {
  const multi =
    ctx.version >= 140000
      ? `(SELECT CASE WHEN mn.nspname = 'public' THEN quote_ident(mt.typname) ELSE quote_ident(mn.nspname) || '.' || quote_ident(mt.typname) END
          FROM pg_type mt JOIN pg_namespace mn ON mn.oid = mt.typnamespace WHERE mt.oid = r.rngmultitypid)`
      : 'NULL';
  const list = await rows<RangeRow>(
    ctx,
    `SELECT t.oid::text AS oid, n.nspname::text AS schema, t.typname::text AS name,
      format_type(r.rngsubtype, NULL) AS subtype,
      CASE WHEN NOT oc.opcdefault THEN CASE WHEN ocn.nspname IN ('pg_catalog', 'public') THEN quote_ident(oc.opcname)
        ELSE quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END END AS opclass,
      CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN r.rngcollation::regcollation::text END AS coll,
      r.rngcanonical::regproc::text AS canonical, r.rngsubdiff::regproc::text AS diff, ${multi} AS multi
    FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = t.typnamespace
      JOIN pg_type st ON st.oid = r.rngsubtype
      JOIN pg_opclass oc ON oc.oid = r.rngsubopc JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
    WHERE r.rngtypid >= 16384 AND t.typnamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_type', 't.oid')}
    ORDER BY 2, 3`,
  );
  for (const r of list) {
    const name = qn(r.schema, r.name);
    if (fn(r.canonical)) {
      unsupported(ctx, `range type ${name} with a CANONICAL function`, undefined, r.canonical);
      continue;
    }
    const opts = [`SUBTYPE = ${r.subtype}`];
    if (r.opclass) opts.push(`SUBTYPE_OPCLASS = ${r.opclass}`);
    if (r.coll) opts.push(`COLLATION = ${r.coll}`);
    if (fn(r.diff)) opts.push(`SUBTYPE_DIFF = ${r.diff}`);
    if (r.multi) opts.push(`MULTIRANGE_TYPE_NAME = ${r.multi}`);
    addObject(
      out,
      'range type',
      name,
      [`CREATE TYPE ${name} AS RANGE (\n  ${opts.join(',\n  ')}\n)`],
      commentOf(ctx, 'pg_type', r.oid),
    );
  }
}

/** readRules reads rules on user relations as pg_get_ruledef prints them. */
async function readRules(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<{ oid: string; schema: string; rel: string; name: string; def: string; enabled: string }>(
    ctx,
    `SELECT r.oid::text AS oid, n.nspname::text AS schema, c.relname::text AS rel, r.rulename::text AS name,
      pg_get_ruledef(r.oid, true) AS def, r.ev_enabled::text AS enabled
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE r.oid >= 16384 AND r.rulename <> '_RETURN' AND ${inRels(ctx)} ORDER BY 2, 3, 4`,
  );
  for (const r of list) {
    const def = r.def.trim().replace(/;\s*$/, '');
    // ALTER TABLE ... DISABLE / ENABLE REPLICA / ENABLE ALWAYS RULE (pg_rewrite.ev_enabled; 'O', enabled, is CREATE's)
    const state = RULE_ENABLED[r.enabled];
    const sql = state ? [def, `ALTER TABLE ${qn(r.schema, r.rel)} ${state} RULE ${quoteIdent(r.name)}`] : [def];
    addObject(out, 'rule', `${quoteIdent(r.name)} ON ${qn(r.schema, r.rel)}`, sql, commentOf(ctx, 'pg_rewrite', r.oid));
  }
}

/** RULE_ENABLED is the ALTER TABLE words of a rule's firing state other than the default (pg_rewrite.ev_enabled). */
const RULE_ENABLED: Readonly<Record<string, string>> = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' };

/** readEventTriggers rebuilds CREATE EVENT TRIGGER (and its ENABLE/DISABLE state). */
async function readEventTriggers(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<{
    oid: string;
    name: string;
    event: string;
    fn: string;
    enabled: string;
    tags: string[] | null;
  }>(
    ctx,
    `SELECT e.oid::text AS oid, e.evtname::text AS name, e.evtevent::text AS event, e.evtfoid::regproc::text AS fn,
      e.evtenabled::text AS enabled, e.evttags::text[] AS tags
    FROM pg_event_trigger e WHERE ${notExtMember('pg_event_trigger', 'e.oid')} ORDER BY 2`,
  );
  for (const r of list) {
    const name = quoteIdent(r.name);
    const when = r.tags?.length ? `\n  WHEN TAG IN (${r.tags.map((t) => quoteLiteral(t)).join(', ')})` : '';
    const sql = [`CREATE EVENT TRIGGER ${name} ON ${quoteIdent(r.event)}${when}\n  EXECUTE FUNCTION ${r.fn}()`];
    const state = { D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' }[r.enabled];
    if (state) sql.push(`ALTER EVENT TRIGGER ${name} ${state}`);
    addObject(out, 'event trigger', name, sql, commentOf(ctx, 'pg_event_trigger', r.oid));
  }
}

interface PubRow {
  oid: string;
  name: string;
  alltables: boolean;
  ins: boolean;
  upd: boolean;
  del: boolean;
  trunc: boolean;
  viaroot: boolean;
  gencols: string | null;
  tables: { schema: string; name: string; cols: string[] | null; qual: string | null }[] | null;
  schemas: string[] | null;
}

/** readPublications rebuilds CREATE PUBLICATION: all tables, or tables (column lists, row filters) and schemas. */
async function readPublications(ctx: Ctx, out: ObjectSink): Promise<void> {
  const v15 = ctx.version >= 150000;
  const gencols = ctx.version >= 180000 ? 'p.pubgencols::text' : 'NULL';
  const list = await rows<PubRow>(
    ctx,
    `SELECT p.oid::text AS oid, p.pubname::text AS name, p.puballtables AS alltables, p.pubinsert AS ins,
      p.pubupdate AS upd, p.pubdelete AS del, p.pubtruncate AS trunc, p.pubviaroot AS viaroot, ${gencols} AS gencols,
      (SELECT json_agg(json_build_object('schema', n.nspname, 'name', c.relname,
          'cols', ${v15 ? `(SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY(pr.prattrs))` : 'NULL'},
          'qual', ${v15 ? 'pg_get_expr(pr.prqual, pr.prrelid)' : 'NULL'}) ORDER BY n.nspname, c.relname)
        FROM pg_publication_rel pr JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE pr.prpubid = p.oid) AS tables,
      ${v15 ? `(SELECT array_agg(n.nspname::text ORDER BY n.nspname) FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE pn.pnpubid = p.oid)` : 'NULL'} AS schemas
    FROM pg_publication p ORDER BY 2`,
  );
  for (const r of list) {
    const name = quoteIdent(r.name);
    const targets: string[] = [];
    for (const t of r.tables ?? []) {
      const cols = t.cols?.length ? ` (${t.cols.map(quoteIdent).join(', ')})` : '';
      const where = t.qual ? ` WHERE (${t.qual})` : '';
      targets.push(`TABLE ${qn(t.schema, t.name)}${cols}${where}`);
    }
    for (const s of r.schemas ?? []) targets.push(`TABLES IN SCHEMA ${quoteIdent(s)}`);
    const forClause = r.alltables ? ' FOR ALL TABLES' : targets.length ? ` FOR ${targets.join(',\n  ')}` : '';
    const ops = [r.ins && 'insert', r.upd && 'update', r.del && 'delete', r.trunc && 'truncate'].filter(Boolean);
    const withOpts: string[] = [];
    if (ops.length !== 4) withOpts.push(`publish = ${quoteLiteral(ops.join(', '))}`);
    if (r.viaroot) withOpts.push('publish_via_partition_root = true');
    if (r.gencols === 's') withOpts.push('publish_generated_columns = stored');
    const w = withOpts.length ? ` WITH (${withOpts.join(', ')})` : '';
    addObject(
      out,
      'publication',
      name,
      [`CREATE PUBLICATION ${name}${forClause}${w}`],
      commentOf(ctx, 'pg_publication', r.oid),
    );
  }
}

/** readStatistics reads extended statistics objects as pg_get_statisticsobjdef prints them (plus their target). */
async function readStatistics(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<{ oid: string; schema: string; name: string; def: string; target: number | null }>(
    ctx,
    `SELECT s.oid::text AS oid, n.nspname::text AS schema, s.stxname::text AS name,
      pg_get_statisticsobjdef(s.oid) AS def, s.stxstattarget::int AS target
    FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
    WHERE s.stxnamespace = ANY(${ctx.nsps}) AND ${inRels(ctx, 's.stxrelid')} ORDER BY 2, 3`,
  );
  for (const r of list) {
    const name = qn(r.schema, r.name);
    const sql = [r.def];
    if (r.target !== null && r.target >= 0) sql.push(`ALTER STATISTICS ${name} SET STATISTICS ${r.target}`);
    addObject(out, 'statistics', name, sql, commentOf(ctx, 'pg_statistic_ext', r.oid));
  }
}

interface CollRow {
  oid: string;
  schema: string;
  name: string;
  provider: string;
  deterministic: boolean;
  collate: string | null;
  ctype: string | null;
  locale: string | null;
  rules: string | null;
}

/** readCollations rebuilds CREATE COLLATION (libc, icu or builtin provider; version left to the server). */
async function readCollations(ctx: Ctx, out: ObjectSink): Promise<void> {
  const locale = ctx.version >= 170000 ? 'co.colllocale' : ctx.version >= 150000 ? 'co.colliculocale' : 'NULL::text';
  const rules = ctx.version >= 160000 ? 'co.collicurules' : 'NULL::text';
  const list = await rows<CollRow>(
    ctx,
    `SELECT co.oid::text AS oid, n.nspname::text AS schema, co.collname::text AS name, co.collprovider::text AS provider,
      co.collisdeterministic AS deterministic, co.collcollate AS collate, co.collctype AS ctype, ${locale} AS locale,
      ${rules} AS rules
    FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
    WHERE co.oid >= 16384 AND co.collnamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_collation', 'co.oid')} ORDER BY 2, 3`,
  );
  for (const r of list) {
    const name = qn(r.schema, r.name);
    const provider = r.provider === 'i' ? 'icu' : r.provider === 'b' ? 'builtin' : 'libc';
    const opts = [`provider = ${provider}`];
    if (provider === 'libc') {
      if (r.collate === r.ctype) opts.push(`locale = ${quoteLiteral(r.collate ?? '')}`);
      else opts.push(`lc_collate = ${quoteLiteral(r.collate ?? '')}`, `lc_ctype = ${quoteLiteral(r.ctype ?? '')}`);
    } else opts.push(`locale = ${quoteLiteral(r.locale ?? r.collate ?? '')}`);
    if (!r.deterministic) opts.push('deterministic = false');
    if (r.rules) opts.push(`rules = ${quoteLiteral(r.rules)}`);
    addObject(
      out,
      'collation',
      name,
      [`CREATE COLLATION ${name} (${opts.join(', ')})`],
      commentOf(ctx, 'pg_collation', r.oid),
    );
  }
}

/** readCasts rebuilds CREATE CAST for user casts (not built in, not an extension's). */
async function readCasts(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<{ oid: string; src: string; dst: string; func: string | null; ctx: string; method: string }>(
    ctx,
    `SELECT ca.oid::text AS oid, format_type(ca.castsource, NULL) AS src, format_type(ca.casttarget, NULL) AS dst,
      CASE WHEN ca.castfunc <> 0 THEN ca.castfunc::regprocedure::text END AS func, ca.castcontext::text AS ctx,
      ca.castmethod::text AS method
    FROM pg_cast ca WHERE ca.oid >= 16384 AND ${notExtMember('pg_cast', 'ca.oid')}
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = ca.oid AND d.deptype = 'i')
    ORDER BY 2, 3`,
  );
  for (const r of list) {
    const name = `(${r.src} AS ${r.dst})`;
    const how = r.method === 'i' ? 'WITH INOUT' : r.method === 'b' ? 'WITHOUT FUNCTION' : `WITH FUNCTION ${r.func}`;
    const as = r.ctx === 'a' ? ' AS ASSIGNMENT' : r.ctx === 'i' ? ' AS IMPLICIT' : '';
    addObject(out, 'cast', name, [`CREATE CAST ${name} ${how}${as}`], commentOf(ctx, 'pg_cast', r.oid));
  }
}

/** readLanguages rebuilds CREATE [TRUSTED] LANGUAGE for user procedural languages (not an extension's, such as plpgsql). */
async function readLanguages(ctx: Ctx, out: ObjectSink): Promise<void> {
  const list = await rows<{
    oid: string;
    name: string;
    trusted: boolean;
    handler: string;
    inline: string;
    validator: string;
  }>(
    ctx,
    `SELECT l.oid::text AS oid, l.lanname::text AS name, l.lanpltrusted AS trusted,
      l.lanplcallfoid::regproc::text AS handler, l.laninline::regproc::text AS inline,
      l.lanvalidator::regproc::text AS validator
    FROM pg_language l WHERE l.oid >= 16384 AND ${notExtMember('pg_language', 'l.oid')} ORDER BY 2`,
  );
  for (const r of list) {
    const name = quoteIdent(r.name);
    const inline = fn(r.inline) ? ` INLINE ${r.inline}` : '';
    const validator = fn(r.validator) ? ` VALIDATOR ${r.validator}` : '';
    const sql = `CREATE ${r.trusted ? 'TRUSTED ' : ''}LANGUAGE ${name} HANDLER ${r.handler}${inline}${validator}`;
    addObject(out, 'language', name, [sql], commentOf(ctx, 'pg_language', r.oid));
  }
}

export type { Present } from './util.js';

/** made is an SQL test: catalog `cat` holds a row made after initdb (oid >= 16384, FirstNormalObjectId) where `where`. */
const made = (cat: string, where = 'true', oid = 'oid') =>
  `EXISTS (SELECT 1 FROM ${cat} WHERE ${oid} >= 16384 AND ${where})`;

/**
 * USER_TYPE: a pg_type row (alias-free, for `made`) that readTypes would read, the schema and extension filters
 * aside: not a table's row type, not an array type PostgreSQL made for another type, not a multirange.
 */
const USER_TYPE = `(pg_type.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = pg_type.typrelid) = 'c')
  AND NOT (pg_type.typelem <> 0
    AND EXISTS (SELECT 1 FROM pg_type et WHERE et.oid = pg_type.typelem AND et.typarray = pg_type.oid))
  AND pg_type.typtype <> 'm'`;

/**
 * presentKinds asks, in one query of the first round trip, which catalogs hold anything made after initdb (the user's
 * objects or an extension's): a reader whose kind none holds is not asked (its query would return no row, and would
 * still be planned, which is most of a catalog read's cost in PGlite). Each test is implied by its readers' queries,
 * which all read the same catalog's `oid >= 16384` range (or, for the catalogs initdb leaves empty, any row).
 */
export async function presentKinds(ctx: Pick<Ctx, 'db' | 'unsupported' | 'send'>): Promise<Present> {
  const [r] = await rows<Record<string, boolean>>(
    ctx as Ctx,
    `SELECT ${made('pg_proc', "prokind = 'a'")} AS agg, ${made('pg_type', "typtype = 'r'")} AS rng,
      ${made('pg_rewrite', "rulename <> '_RETURN'")} AS rule,
      EXISTS (SELECT 1 FROM pg_event_trigger) AS evt, EXISTS (SELECT 1 FROM pg_publication) AS pub,
      EXISTS (SELECT 1 FROM pg_statistic_ext) AS stx, ${made('pg_collation')} AS coll,
      ${made('pg_cast')} AS cast, EXISTS (SELECT 1 FROM pg_foreign_data_wrapper) AS fdw,
      ${made('pg_operator')} AS op, ${made('pg_opfamily')} AS opf, ${made('pg_ts_dict')} OR ${made('pg_ts_config')} AS ts,
      ${made('pg_ts_parser')} OR ${made('pg_ts_template')} AS tsp, ${made('pg_language')} AS lang,
      ${made('pg_trigger')} AS trig, ${made('pg_policy')} AS pol, ${made('pg_sequence', 'true', 'seqrelid')} AS seq,
      ${made('pg_inherits', 'true', 'inhrelid')} AS inh, ${made('pg_proc')} AS proc,
      ${['pg_conversion', 'pg_am', 'pg_transform'].map((c) => made(c)).join(' OR ')} AS other,
      ${made('pg_class', 'relacl IS NOT NULL')} AS relacl, ${made('pg_attribute', 'attacl IS NOT NULL', 'attrelid')} AS attacl,
      ${made('pg_proc', 'proacl IS NOT NULL')} AS proacl, ${made('pg_type', 'typacl IS NOT NULL')} AS typacl,
      EXISTS (SELECT 1 FROM pg_default_acl) AS dacl, ${made('pg_type', USER_TYPE)} AS udt,
      ${made('pg_type', "typtype = 'd'")} AS dom, ${made('pg_attribute', 'coalesce(attstattarget, -1) <> -1', 'attrelid')} AS stat,
      EXISTS (SELECT 1 FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'x') AS extdep`,
  );
  return r ?? {};
}

/** readCoreObjects reads the definition objects of this file into `out`. */
export async function readCoreObjects(ctx: Ctx, out: ObjectSink, has: Present): Promise<void> {
  const readers: ObjectReader[] = [];
  if (has['agg']) readers.push(readAggregates);
  if (has['rng']) readers.push(readRanges);
  if (has['rule']) readers.push(readRules);
  if (has['evt']) readers.push(readEventTriggers);
  if (has['pub']) readers.push(readPublications);
  if (has['stx']) readers.push(readStatistics);
  if (has['coll']) readers.push(readCollations);
  if (has['cast']) readers.push(readCasts);
  if (has['lang']) readers.push(readLanguages);
  await readEach(ctx, out, readers);
}

/** ObjectReader reads one kind of definition object into a sink. */
export type ObjectReader = (ctx: Ctx, out: ObjectSink) => Promise<void>;

/**
 * readEach runs object readers at the same time (their queries share round trips), each into a sink of its own, and
 * then writes the sinks into `out` in the order given: the result of running them one after another.
 */
export async function readEach(ctx: Ctx, out: ObjectSink, readers: readonly ObjectReader[]): Promise<void> {
  const sinks = readers.map((): ObjectSink => ({}));
  await concurrently(
    ctx,
    readers.map((r, i) => (c: Ctx) => r(c, sinks[i]!)),
  );
  Object.assign(out, ...sinks);
}
