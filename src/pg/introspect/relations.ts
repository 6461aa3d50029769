/** Catalog reader for relations: tables (columns, constraints, partitioning, inheritance), views and sequences. */
import type {
  CheckConstraint,
  Column,
  Default,
  FkAction,
  ForeignKey,
  PrimaryKey,
  Sequence,
  Table,
  UniqueConstraint,
  View,
} from '../../model/types.js';
import { parseQid, qid } from '../../model/ids.js';
import { makeObjectName } from '../../canon/names.js';
import { emptyTable } from '../../model/types.js';
import { applyNotNull, inheritedCheck } from './notnull.js';
import {
  type Ctx,
  absent,
  COLUMN_ATT_OPTIONS,
  rows,
  commentOf,
  formatTypes,
  collationNames,
  type RawSeq,
  inRels,
  collationName,
  isDefaultSeq,
  relOptions,
  seqOptions,
  stripParens,
  toDefault,
  TYPED_TABLE_HINT,
  unsupported,
} from './util.js';

/** RelRow is one user relation from pg_class. */
export interface RelRow {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  readonly kind: string; // r p v m f c
  readonly persistence: string;
  readonly rls: boolean;
  readonly force_rls: boolean;
  readonly bound: string | null;
  readonly partkey: string | null;
  readonly comment: string | null;
  readonly options: string[] | null;
  readonly typed: string | null; // a typed table's `OF type (columns)`
  readonly replident: string;
  readonly tablespace: string | null;
  readonly am: string | null;
  readonly viewdef: string | null;
}

/**
 * readRelations lists user tables, views, materialized views, foreign tables and composite-type relations; `options`
 * holds the TOAST table's parameters too, as the table's own `toast.` ones (WITH (toast.autovacuum_enabled = ...)).
 */
export async function readRelations(ctx: Ctx): Promise<RelRow[]> {
  const list = await rows<RelRow>(
    ctx,
    `
    SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
      c.relpersistence::text AS persistence, c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls,
      CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid, true) END AS bound,
      CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey,
      array_cat(c.reloptions::text[], (SELECT array_agg('toast.' || o) FROM pg_class tc, unnest(tc.reloptions) o WHERE tc.oid = c.reltoastrelid)) AS options,
      CASE WHEN c.reloftype <> 0 THEN 'OF ' || format_type(c.reloftype, NULL) || ' (' || coalesce((SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')' END AS typed, c.relreplident::text AS replident, (SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace)::text AS tablespace, am.amname::text AS am,
      CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS viewdef
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_am am ON am.oid = c.relam
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND ${inRels(ctx)}
    ORDER BY n.nspname, c.relname`,
  );
  return list.map((r) => ({ ...r, comment: commentOf(ctx, 'pg_class', r.oid) }));
}

/** ColRow is one column (pg_attribute) of a user relation. */
export interface ColRow {
  readonly rel: string;
  readonly num: number;
  readonly name: string;
  readonly type: string;
  readonly collid: string;
  readonly notnull: boolean;
  readonly def: string | null;
  readonly identity: string;
  readonly generated: string;
  readonly coll: string | null;
  readonly collnsp: string | null;
  readonly comment: string | null;
  readonly local: boolean;
  readonly stats: number | null;
  readonly storage: string | null;
  readonly compression: string;
  /** attoptions: the n_distinct options only (COLUMN_ATT_OPTIONS: other keys there are not schema). */
  readonly attoptions: readonly string[] | null;
}

interface RawColRow extends Omit<ColRow, 'type' | 'coll' | 'collnsp' | 'comment'> {
  readonly typid: string;
  readonly typmod: number;
  readonly owncoll: boolean;
}

/** readColumns lists the columns of every user relation, in attnum order. */
export async function readColumns(ctx: Ctx): Promise<ColRow[]> {
  const list = await rows<RawColRow>(
    ctx,
    `
    SELECT a.attrelid::text AS rel, a.attnum::int AS num, a.attname::text AS name,
      a.atttypid::text AS typid, a.atttypmod::int AS typmod, a.attnotnull AS notnull,
      pg_get_expr(d.adbin, d.adrelid, true) AS def, a.attidentity::text AS identity, a.attgenerated::text AS generated,
      a.attcollation::text AS collid, (a.attcollation <> t.typcollation) AS owncoll, a.attislocal AS local,
      a.attstattarget::int AS stats, CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
      a.attcompression::text AS compression, ${COLUMN_ATT_OPTIONS} AS attoptions
    FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND ${inRels(ctx)}
    ORDER BY a.attrelid, a.attnum`,
  );
  const types = await formatTypes(
    ctx,
    list.map((r) => [r.typid, r.typmod] as const),
  );
  const colls = await collationNames(
    ctx,
    list.filter((r) => r.owncoll).map((r) => r.collid),
  );
  return list.map(({ typid, typmod, owncoll, ...r }) => {
    const coll = owncoll ? colls.get(r.collid) : undefined;
    return {
      ...r,
      type: types.get(`${typid}:${typmod}`) ?? 'unknown',
      coll: coll?.name ?? null,
      collnsp: coll?.nsp ?? null,
      comment: commentOf(ctx, 'pg_class', r.rel, r.num),
    };
  });
}

/** SeqRow is one sequence with its options and owner. */
export interface SeqRow extends RawSeq {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  readonly comment: string | null;
  readonly persistence: string;
  readonly owner_rel: string | null;
  readonly owner_col: number | null;
  readonly deptype: string | null;
  /** owner_persistence: relpersistence of the owning table (a serial or identity sequence follows it, PostgreSQL 15+). */
  readonly owner_persistence: string | null;
}

/** readSequences lists user sequences (identity and serial ones included; the caller sorts them out). */
export async function readSequences(ctx: Ctx): Promise<SeqRow[]> {
  if (absent(ctx, 'seq')) return [];
  const list = await rows<SeqRow>(
    ctx,
    `
    SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
      s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
      s.seqcache::text AS cache, s.seqcycle AS cycle,
      c.relpersistence::text AS persistence, d.refobjid::text AS owner_rel, d.refobjsubid::int AS owner_col, d.deptype::text AS deptype,
      (SELECT oc.relpersistence FROM pg_class oc WHERE oc.oid = d.refobjid)::text AS owner_persistence
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
      LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
        AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
    WHERE c.relkind = 'S' AND ${inRels(ctx)}
    ORDER BY n.nspname, c.relname`,
  );
  return list.map((r) => ({ ...r, comment: commentOf(ctx, 'pg_class', r.oid) }));
}

/** ConRow is one table constraint. */
export interface ConRow {
  readonly rel: string;
  readonly name: string;
  readonly type: string;
  readonly deferrable: boolean;
  readonly deferred: boolean;
  readonly validated: boolean;
  readonly noinherit: boolean;
  readonly local: boolean;
  readonly inhcount: number;
  readonly def: string;
  readonly cols: string[];
  readonly refcols: string[];
  readonly refschema: string | null;
  readonly reftable: string | null;
  readonly upd: string;
  readonly del: string;
  readonly match: string;
  readonly index: string;
  readonly comment: string | null;
  readonly exclops: string[] | null;
  readonly delsetcols: string[];
  readonly notenforced: boolean;
  readonly period: boolean;
  readonly parentname: string | null; // of a partition's copy of its parent's key: the parent key's name; null: own
}

/** readConstraints lists PK, UNIQUE, CHECK, FK, EXCLUDE (18+: NOT NULL) constraints, and partitions' key copies (parentname). */
export async function readConstraints(ctx: Ctx, colName: (rel: string, num: number) => string): Promise<ConRow[]> {
  const v15 = ctx.version >= 150000;
  const v18 = ctx.version >= 180000;
  type Raw = Omit<ConRow, 'delsetcols'> & { oid: string; keys: number[] | null; fkeys: number[] | null; frel: string };
  const list = await rows<Raw & { delcols: number[] | null }>(
    ctx,
    `
    SELECT co.oid::text AS oid, co.conrelid::text AS rel, co.conname::text AS name, co.contype::text AS type,
      co.condeferrable AS deferrable, co.condeferred AS deferred, co.convalidated AS validated,
      co.connoinherit AS noinherit, co.conislocal AS local, co.coninhcount AS inhcount,
      CASE WHEN co.contype = 'c' THEN pg_get_constraintdef(co.oid, true) END AS def,
      co.conkey::int[] AS keys, co.confkey::int[] AS fkeys, co.confrelid::text AS frel,
      rn.nspname::text AS refschema, rc.relname::text AS reftable, pco.conname::text AS parentname,
      co.confupdtype::text AS upd, co.confdeltype::text AS del, co.confmatchtype::text AS match, co.conindid::text AS index,
      CASE WHEN co.contype = 'x' THEN array(
        SELECT CASE WHEN opn.nspname IN ('pg_catalog', 'public') THEN o.oprname::text ELSE opn.nspname || '.' || o.oprname END
        FROM unnest(co.conexclop) WITH ORDINALITY k(op, ord) JOIN pg_operator o ON o.oid = k.op
        JOIN pg_namespace opn ON opn.oid = o.oprnamespace ORDER BY k.ord) END AS exclops,
      ${v15 ? 'co.confdelsetcols::int[]' : 'NULL::int[]'} AS delcols,
      ${v18 ? 'NOT co.conenforced' : 'false'} AS notenforced, ${v18 ? 'co.conperiod' : 'false'} AS period
    FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class rc ON rc.oid = co.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      LEFT JOIN pg_constraint pco ON pco.oid = co.conparentid
    WHERE (co.contype IN ('p', 'u', 'c', 'f', 'x') OR (co.contype = 'n' AND (co.connoinherit OR NOT co.convalidated
        OR co.conname !~ '_not_null[0-9]*$' OR EXISTS (SELECT 1 FROM pg_description d WHERE d.objoid = co.oid))))
      AND (co.conparentid = 0 OR co.contype IN ('p', 'u')) AND ${inRels(ctx)}
    ORDER BY co.conrelid, co.conname`,
  );
  return list.map(({ keys, fkeys, frel, delcols, ...r }) => ({
    ...r,
    delsetcols: (delcols ?? []).map((k) => colName(r.rel, k)),
    def: r.def ?? '',
    cols: (keys ?? []).map((k) => colName(r.rel, k)),
    refcols: (fkeys ?? []).map((k) => colName(frel, k)),
    comment: commentOf(ctx, 'pg_constraint', r.oid),
  }));
}

/** InheritRow is one pg_inherits edge between tables. */
export interface InheritRow {
  readonly child: string;
  /** parent: the parent table's oid. */
  readonly parent: string;
  readonly schema: string;
  readonly name: string;
}

/** readInherits lists table parents in inhseqno order (partitions and inheritance children alike). */
export async function readInherits(ctx: Ctx): Promise<InheritRow[]> {
  if (absent(ctx, 'inh')) return [];
  return rows<InheritRow>(
    ctx,
    `
    SELECT i.inhrelid::text AS child, i.inhparent::text AS parent, pn.nspname::text AS schema, pc.relname::text AS name
    FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE pc.relkind IN ('r', 'p')
    ORDER BY i.inhrelid, i.inhseqno`,
  );
}

const FK_ACTION: Record<string, FkAction> = {
  a: 'no_action',
  r: 'restrict',
  c: 'cascade',
  n: 'set_null',
  d: 'set_default',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** columnOf builds one model column; `serial` and `identity` come from the sequence pass. */
export function columnOf(
  ctx: Ctx,
  relId: string,
  r: ColRow,
  seq: { serial?: boolean; identity?: Column['identity']; comment?: string },
): Column {
  const col: Mutable<Column> = { kind: 'column', name: r.name, type: r.type, nullable: !r.notnull };
  if (seq.serial) col.serial = true;
  else if (r.identity === 'a' || r.identity === 'd') {
    col.identity = seq.identity ?? { mode: r.identity === 'a' ? 'always' : 'by_default' };
    if (seq.comment !== undefined) col.sequenceComment = seq.comment;
  } else if ((r.generated === 's' || r.generated === 'v') && r.def !== null) {
    col.generated = r.def;
    if (r.generated === 'v') col.virtual = true;
  } else if (r.def !== null) col.default = toDefault(r.def, r.type);
  const coll = collationName(r.collnsp, r.coll);
  if (coll) col.collation = coll;
  if (r.comment !== null) col.comment = r.comment;
  if (r.stats !== null && r.stats >= 0) col.statistics = r.stats;
  if (r.storage !== null) col.storage = STORAGE[r.storage];
  if (r.compression === 'p' || r.compression === 'l') col.compression = r.compression === 'p' ? 'pglz' : 'lz4';
  const options = relOptions(r.attoptions);
  if (options) col.options = options;
  return col;
}

/** STORAGE maps pg_attribute.attstorage to the model's storage names. */
const STORAGE: Record<string, NonNullable<Column['storage']>> = {
  p: 'plain',
  e: 'external',
  x: 'extended',
  m: 'main',
};

/** checkExpression extracts the expression of `CHECK (expr) [NO INHERIT] [NOT ENFORCED | NOT VALID]`. */
export function checkExpression(def: string): string {
  let d = def.trim();
  d = d.replace(/\s+NOT (VALID|ENFORCED)$/, '').replace(/\s+NO INHERIT$/, '');
  if (d.startsWith('CHECK ')) d = d.slice('CHECK '.length);
  return stripParens(d);
}

/** TableParts are the mutable pieces of a table while it is assembled. */
export interface TableParts {
  table: Mutable<Table>;
  uniques: Record<string, UniqueConstraint>;
  checks: Record<string, CheckConstraint>;
  foreignKeys: Record<string, ForeignKey>;
}

/** applyConstraint adds one constraint row to its table; exclusions are handled with indexes. */
export function applyConstraint(
  ctx: Ctx,
  relId: string,
  t: Mutable<Table>,
  r: ConRow,
  ix: {
    readonly include: readonly string[];
    readonly nnd: boolean;
    readonly with?: Record<string, string>;
    readonly indexComment?: string;
  },
): void {
  const { include, nnd } = ix;
  const params = {
    ...(ix.with ? { with: ix.with } : {}),
    ...(ix.indexComment !== undefined ? { indexComment: ix.indexComment } : {}),
  };
  const what = `constraint ${r.name} on ${relId}`;
  const { temporal, timing, comment } = conParts(r);
  switch (r.type) {
    case 'p': {
      const pk: PrimaryKey = {
        kind: 'primary_key',
        name: r.name,
        columns: r.cols,
        ...temporal,
        ...(include.length ? { include } : {}),
        ...params,
        ...timing,
        ...comment,
      };
      t.primaryKey = pk;
      return;
    }
    case 'u': {
      const u: UniqueConstraint = {
        kind: 'unique',
        name: r.name,
        columns: r.cols,
        ...temporal,
        ...(nnd ? { nullsNotDistinct: true } : {}),
        ...(include.length ? { include } : {}),
        ...params,
        ...timing,
        ...comment,
      };
      (t.uniques as Record<string, UniqueConstraint>)[r.name] = u;
      return;
    }
    case 'c': {
      if (!r.local) return inheritedCheck(ctx, relId, t, r); // modelled on its parent
      const c: CheckConstraint = {
        kind: 'check',
        name: r.name,
        expression: checkExpression(r.def),
        ...(r.noinherit ? { noInherit: true } : {}),
        ...validity(r),
        ...comment,
      };
      (t.checks as Record<string, CheckConstraint>)[r.name] = c;
      return;
    }
    case 'f':
      (t.foreignKeys as Record<string, ForeignKey>)[r.name] = foreignKeyOf(ctx, relId, r);
      return;
    case 'n':
      return applyNotNull(ctx, t, r.cols[0] ?? '', { ...r, what });
    default:
      return;
  }
}

/** validity is a check's or foreign key's NOT ENFORCED, or else its NOT VALID (PostgreSQL never validates a NOT ENFORCED one). */
function validity(r: ConRow): { notEnforced?: true; notValid?: true } {
  if (r.notenforced) return { notEnforced: true };
  return r.validated ? {} : { notValid: true };
}

/** conParts are what several constraint kinds share: PERIOD / WITHOUT OVERLAPS, DEFERRABLE timing, the comment. */
function conParts(r: ConRow) {
  return {
    temporal: r.period ? (r.type === 'f' ? { period: true } : { withoutOverlaps: true }) : {},
    timing: {
      ...(r.deferrable ? { deferrable: true } : {}),
      ...(r.deferred ? { initiallyDeferred: true } : {}),
    },
    comment: r.comment !== null ? { comment: r.comment } : {},
  };
}

/** foreignKeyOf reads a foreign key: columns, referenced table and columns, actions, MATCH FULL (PARTIAL is unsupported). */
function foreignKeyOf(ctx: Ctx, relId: string, r: ConRow): ForeignKey {
  const { temporal, timing, comment } = conParts(r);
  if (r.match === 'p') unsupported(ctx, `MATCH PARTIAL foreign key ${r.name} on ${relId}`);
  return {
    kind: 'foreign_key',
    name: r.name,
    columns: r.cols,
    refTable: qid(r.refschema ?? 'public', r.reftable ?? ''),
    refColumns: r.refcols,
    ...temporal,
    ...(r.del !== 'a' ? { onDelete: FK_ACTION[r.del] } : {}),
    ...(r.delsetcols.length ? { onDeleteColumns: r.delsetcols } : {}),
    ...(r.upd !== 'a' ? { onUpdate: FK_ACTION[r.upd] } : {}),
    ...(r.match === 'f' ? { match: 'full' as const } : {}),
    ...validity(r),
    ...timing,
    ...comment,
  };
}

/** tableOf starts a model table from its pg_class row. */
export function tableOf(ctx: Ctx, relId: string, r: RelRow): Mutable<Table> {
  const t: Mutable<Table> = emptyTable(r.schema, r.name);
  if (r.rls) t.rowLevelSecurity = true;
  if (r.force_rls) t.forceRowLevelSecurity = true;
  if (r.persistence === 'u') t.unlogged = true;
  if (r.comment !== null) t.comment = r.comment;
  if (r.partkey) {
    const m = /^(RANGE|LIST|HASH)\s*\((.*)\)$/s.exec(r.partkey.trim());
    if (m) t.partitionBy = { strategy: m[1]!.toLowerCase() as 'range' | 'list' | 'hash', key: m[2]! };
    else unsupported(ctx, `partition key ${r.partkey} of table ${relId}`);
  }
  const params = relOptions(r.options);
  if (params) t.with = params;
  // its columns follow its type: a change to either is refused (planned, PostgreSQL would refuse its ALTER TABLE)
  if (r.typed !== null) unsupported(ctx, `typed table ${relId} (OF type)`, TYPED_TABLE_HINT, r.typed);
  // relreplident f, n, i: REPLICA IDENTITY FULL, NOTHING, USING INDEX (the index: readPrivileges, it reads pg_index)
  const ident = ({ f: 'full', n: 'nothing', i: 'index' } as Record<string, Table['replicaIdentity']>)[r.replident];
  if (ident) t.replicaIdentity = ident;
  if (r.tablespace !== null) t.tablespace = r.tablespace;
  if (r.am && r.am !== 'heap') unsupported(ctx, `access method ${r.am} of table ${relId}`);
  return t;
}

/** viewOf builds a model view from its pg_class row and columns. */
export function viewOf(ctx: Ctx, relId: string, r: RelRow, cols: readonly ColRow[]): Mutable<View> {
  const query = (r.viewdef ?? '').trim().replace(/;\s*$/, '');
  const v: Mutable<View> = { kind: 'view', schema: r.schema, name: r.name, query };
  if (r.kind === 'm') v.materialized = true;
  // pg_class.relispopulated is not read into the model: whether a materialized view holds rows is data, not schema. pg_dump writes
  // every one WITH NO DATA (its rows come from a REFRESH in the data section), so reading it would turn `import --sql`
  // of any dump into `with_no_data` views that later rebuilds empty in production, and a REFRESH by the app into drift
  const opts = relOptions(r.options);
  if (opts) v.options = opts;
  const comments: Record<string, string> = {};
  const defaults: Record<string, Default> = {};
  for (const c of cols) {
    if (c.comment !== null) comments[c.name] = c.comment;
    if (c.def !== null) defaults[c.name] = toDefault(c.def, c.type);
    if (c.attoptions?.length) unsupported(ctx, `attribute options on column ${relId}.${c.name} of a view`);
  }
  if (Object.keys(comments).length) v.columnComments = comments;
  if (Object.keys(defaults).length) v.columnDefaults = defaults;
  if (r.comment !== null) v.comment = r.comment;
  if (r.tablespace !== null) v.tablespace = r.tablespace;
  return v;
}

/** SeqPass is the result of sorting sequences into identity options, serial columns and free-standing sequences. */
export interface SeqPass {
  /** identity options keyed by `relOid:attnum`. */
  readonly identity: Map<string, NonNullable<Column['identity']>>;
  /** serial columns keyed by `relOid:attnum`. */
  readonly serial: Set<string>;
  /** comments on identity sequences (COMMENT ON SEQUENCE), keyed by their column's `relOid:attnum`. */
  readonly comments: Map<string, string>;
  readonly sequences: Record<string, Sequence>;
}

/** sortSequences decides which sequences belong to identity or serial columns and which stand alone. */
export function sortSequences(
  ctx: Ctx,
  seqs: readonly SeqRow[],
  cols: ReadonlyMap<string, ColRow>,
  relIds: ReadonlyMap<string, string>,
): SeqPass {
  const identity = new Map<string, NonNullable<Column['identity']>>();
  const serial = new Set<string>();
  const comments = new Map<string, string>();
  const sequences: Record<string, Sequence> = {};
  for (const s of seqs) {
    const id = qid(s.schema, s.name);
    const key = s.owner_rel !== null ? `${s.owner_rel}:${s.owner_col}` : '';
    const col = key ? cols.get(key) : undefined;
    if (s.deptype === 'i' && col) {
      const options = seqOptions(s, false);
      const table = parseQid(relIds.get(s.owner_rel!) ?? '');
      if (table && s.schema !== table.schema)
        unsupported(ctx, `identity sequence ${id} outside its table's schema ${table.schema}`);
      const own = table !== undefined && s.name === makeObjectName(table.name, col.name, 'seq');
      identity.set(key, {
        mode: col.identity === 'a' ? 'always' : 'by_default',
        ...(Object.keys(options).length ? { options } : {}),
        ...(own ? {} : { sequence: s.name }),
      });
      if (s.comment !== null) comments.set(key, s.comment);
      if (s.persistence !== s.owner_persistence) unsupported(ctx, `identity sequence ${id} logged unlike its table`);
      continue;
    }
    const sameAsTable = s.persistence === s.owner_persistence; // PostgreSQL 15+ gives a serial's sequence its table's
    if (
      col &&
      sameAsTable &&
      s.deptype === 'a' &&
      isDefaultSeq(s) &&
      col.type === s.type &&
      col.notnull &&
      s.comment === null
    ) {
      const relName = relIds.get(s.owner_rel!);
      // not SQL we run: PostgreSQL's own rendering of a serial default (quotes doubled; search_path and
      // standard_conforming_strings are pinned, so a backslash stays as it is), to recognise it
      const expected = `nextval('${id.replace(/'/g, "''")}'::regclass)`;
      // a serial column's sequence has its default name in the table's schema: one with another name (made by
      // hand, or kept through a table or column rename) is a sequence of its own that the column's default names
      const table = relName === undefined ? undefined : parseQid(relName);
      const ownName =
        table !== undefined && s.schema === table.schema && s.name === makeObjectName(table.name, col.name, 'seq');
      if (ownName && col.def === expected && ['smallint', 'integer', 'bigint'].includes(col.type)) {
        serial.add(key);
        continue;
      }
    }
    const options = seqOptions(s, true);
    const seq: Mutable<Sequence> = { kind: 'sequence', schema: s.schema, name: s.name, options };
    if (col && s.deptype === 'a') {
      const table = relIds.get(s.owner_rel!);
      if (table) seq.ownedBy = { table, column: col.name };
    }
    if (s.persistence === 'u') seq.unlogged = true;
    if (s.comment !== null) seq.comment = s.comment;
    sequences[id] = seq;
  }
  return { identity, serial, comments, sequences };
}
