/** Catalog reader for indexes (CREATE INDEX and the indexes behind PK / UNIQUE / EXCLUDE constraints). */
import type { ExclusionConstraint, Index, IndexElement } from '../../model/types.js';
import { qid } from '../../model/ids.js';
import { type Ctx, rows, commentOf, collationNames, inRels, collationName, relOptions, unsupported } from './util.js';
import type { ColRow, ConRow } from './relations.js';

/** IndexKeyRow is one key or INCLUDE column of an index. */
export interface IndexKeyRow {
  readonly col: string | null;
  readonly expr: string | null;
  readonly opc: string | null;
  readonly opcnsp: string | null;
  readonly coll: string | null;
  readonly collnsp: string | null;
  readonly opt: number | null;
  /** params: the key's operator class parameters (pg_attribute.attoptions of the index column), null for none. */
  readonly params: readonly string[] | null;
  /** stats: the key's statistics target (ALTER INDEX ... ALTER COLUMN n SET STATISTICS), null for the default. */
  readonly stats: number | null;
  readonly key: boolean;
}

/** IndexRow is one index of a user table or materialized view. */
export interface IndexRow {
  readonly rel: string;
  readonly oid: string;
  readonly name: string;
  readonly am: string;
  readonly uniq: boolean;
  readonly nnd: boolean;
  readonly keys: IndexKeyRow[];
  readonly pred: string | null;
  readonly options: string[] | null;
  readonly comment: string | null;
  readonly contype: string | null;
  readonly attached: boolean;
  readonly tablespace: string | null;
  readonly clustered: boolean;
  /** valid: pg_index.indisvalid (false: a failed CREATE INDEX CONCURRENTLY, or ON ONLY with partitions unattached). */
  readonly valid: boolean;
  /** unattached: of an invalid partitioned index (ON ONLY), the partitions with no index attached to it. */
  readonly unattached: string[] | null;
}

/** UNATTACHED: of an invalid partitioned index (index alias `i`, its class `ic`), the partitions none of whose indexes is attached to it. */
const UNATTACHED = `CASE WHEN NOT i.indisvalid AND ic.relkind = 'I' THEN array(
  SELECT pc.oid::regclass::text FROM pg_inherits ih JOIN pg_class pc ON pc.oid = ih.inhrelid
  WHERE ih.inhparent = i.indrelid AND NOT EXISTS (SELECT 1 FROM pg_inherits ii
    JOIN pg_index pi ON pi.indexrelid = ii.inhrelid WHERE ii.inhparent = i.indexrelid AND pi.indrelid = pc.oid)
  ORDER BY 1) END`;

/**
 * KEY_STATISTICS reads the statistics targets of an index's expression keys (PostgreSQL takes none on a plain column
 * key), looked up only for indexes with an expression; not for partitioned indexes and partitions' attached ones,
 * which marks.ts reports instead. PostgreSQL 17+ reads a target never set as NULL, older versions as -1.
 */
const KEY_STATISTICS = `CASE WHEN 0 = ANY (i.indkey::int2[]) AND ic.relkind = 'i'
    AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid)
  THEN (SELECT json_object_agg(a.attnum, a.attstattarget) FROM pg_attribute a
    WHERE a.attrelid = i.indexrelid AND coalesce(a.attstattarget, -1) <> -1) END`;

/** readIndexes lists every index of user relations with its keys decoded (`cols` maps `rel:attnum` to columns). */
export async function readIndexes(ctx: Ctx, cols: ReadonlyMap<string, ColRow>): Promise<IndexRow[]> {
  const nnd = ctx.version >= 150000 ? 'i.indnullsnotdistinct' : 'false';
  // operator class parameters (13 and later) are the index columns' attoptions; such a key names its operator class
  // even when it is the default one, since `(siglen = 100)` cannot be written without it. Looked up only for the
  // access methods whose operator classes take parameters (gist, gin, spgist, brin: no btree class in PostgreSQL or
  // its contrib modules does), which keeps the read of a catalog of btree indexes as it was (a per-index lookup cost
  // ~30 us an index in PGlite); the catalog fingerprint, which prints pg_get_indexdef, would see one missed
  const params =
    ctx.version >= 130000
      ? `CASE WHEN am.amname <> 'btree' THEN (SELECT json_agg(json_build_object('n', a.attnum, 'o', a.attoptions,
           'c', oc.opcname, 's', ocn.nspname))
         FROM pg_attribute a JOIN pg_opclass oc ON oc.oid = i.indclass[a.attnum - 1]
           JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
         WHERE a.attrelid = i.indexrelid AND a.attnum > 0 AND a.attoptions IS NOT NULL) END`
      : 'NULL';
  const list = await rows<RawIndexRow>(
    ctx,
    `
    SELECT i.indrelid::text AS rel, ic.oid::text AS oid, ic.relname::text AS name, am.amname::text AS am,
      i.indisunique AS uniq, ${nnd} AS nnd, i.indnkeyatts::int AS nkey,
      i.indkey::int2[]::int[] AS keys, i.indclass::oid[]::text[] AS classes,
      i.indcollation::oid[]::text[] AS colls, i.indoption::int2[]::int[] AS opts,
      CASE WHEN 0 = ANY (i.indkey::int2[]) THEN array(
        SELECT CASE WHEN k.n = 0 THEN pg_get_indexdef(i.indexrelid, k.ord::int, true) END
        FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, ord) ORDER BY k.ord) END AS exprs,
      pg_get_expr(i.indpred, i.indrelid, true) AS pred, ic.reloptions::text[] AS options,
      (SELECT co.contype::text FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid
         AND co.contype IN ('p', 'u', 'x') LIMIT 1) AS contype,
      EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) AS attached,
      (SELECT spcname FROM pg_tablespace WHERE oid = ic.reltablespace)::text AS tablespace, i.indisclustered AS clustered,
      i.indisvalid AS valid, ${params} AS params, ${UNATTACHED} AS unattached, ${KEY_STATISTICS} AS stats
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam
    WHERE c.relkind IN ('r', 'p', 'm') AND ${inRels(ctx)}
    ORDER BY i.indrelid, ic.relname`,
  );
  const opclasses = new Map(
    (
      await rows<{ oid: string; name: string; nsp: string }>(
        ctx,
        `
        SELECT oc.oid::text AS oid, oc.opcname::text AS name, n.nspname::text AS nsp
        FROM pg_opclass oc JOIN pg_namespace n ON n.oid = oc.opcnamespace WHERE NOT oc.opcdefault`,
      )
    ).map((r) => [r.oid, r] as const),
  );
  const DEFAULT_COLLATION = '100';
  const wanted: string[] = [];
  for (const r of list) {
    r.colls.forEach((c, p) => {
      const n = r.keys[p] ?? 0;
      const natural = n > 0 ? cols.get(`${r.rel}:${n}`)?.collid : DEFAULT_COLLATION;
      if (c !== '0' && c !== natural) wanted.push(c);
    });
  }
  const colls = await collationNames(ctx, wanted);
  return list.map(({ nkey, keys, classes, colls: kc, opts, exprs, params, stats, ...r }) => ({
    ...r,
    comment: commentOf(ctx, 'pg_class', r.oid),
    keys: keys.map((n, p): IndexKeyRow => {
      const col = n > 0 ? cols.get(`${r.rel}:${n}`) : undefined;
      const withParams = p < nkey ? params?.find((x) => x.n === p + 1) : undefined;
      const opc = withParams
        ? { name: withParams.c, nsp: withParams.s }
        : p < nkey
          ? opclasses.get(classes[p] ?? '')
          : undefined;
      const natural = n > 0 ? col?.collid : DEFAULT_COLLATION;
      const c = p < nkey && kc[p] !== '0' && kc[p] !== natural ? colls.get(kc[p] ?? '') : undefined;
      return {
        col: n > 0 ? (col?.name ?? `#${n}`) : null,
        expr: n > 0 ? null : (exprs?.[p] ?? ''),
        opc: opc?.name ?? null,
        opcnsp: opc?.nsp ?? null,
        coll: c?.name ?? null,
        collnsp: c?.nsp ?? null,
        opt: p < nkey ? (opts[p] ?? 0) : null,
        params: withParams?.o ?? null,
        stats: stats?.[String(p + 1)] ?? null,
        key: p < nkey,
      };
    }),
  }));
}

interface RawIndexRow extends Omit<IndexRow, 'keys' | 'comment'> {
  readonly nkey: number;
  readonly keys: number[];
  readonly classes: string[];
  readonly colls: string[];
  readonly opts: number[];
  readonly exprs: (string | null)[] | null;
  /** params: the keys with operator class parameters: position (1-based), attoptions, operator class and its schema. */
  readonly params: { n: number; o: string[]; c: string; s: string }[] | null;
  /** stats: the statistics targets of an expression index's keys, by position (1-based); null for none. */
  readonly stats: Readonly<Record<string, number>> | null;
}

/** elementOf decodes one key of an index into a model element. */
function elementOf(k: IndexKeyRow): IndexElement {
  const el: { -readonly [K in keyof IndexElement]: IndexElement[K] } = {};
  if (k.col !== null) el.column = k.col;
  else el.expression = k.expr ?? '';
  const coll = collationName(k.collnsp, k.coll);
  if (coll) el.collation = coll;
  if (k.opc) el.opclass = k.opcnsp && k.opcnsp !== 'pg_catalog' ? qid(k.opcnsp, k.opc) : k.opc;
  const params = relOptions(k.params);
  if (params) el.opclassParams = params;
  const opt = k.opt ?? 0;
  const desc = (opt & 1) !== 0;
  const nullsFirst = (opt & 2) !== 0;
  if (desc) el.order = 'desc';
  if (desc && !nullsFirst) el.nulls = 'last';
  if (!desc && nullsFirst) el.nulls = 'first';
  if (k.stats !== null && el.expression !== undefined) el.statistics = k.stats;
  return el;
}

/** indexOf builds a model index from an index row (for indexes that back no constraint). */
export function indexOf(ctx: Ctx, relId: string, r: IndexRow): Index {
  const keys = r.keys.filter((k) => k.key);
  const include = r.keys.filter((k) => !k.key).map((k) => k.col ?? '');
  const idx: { -readonly [K in keyof Index]: Index[K] } = {
    kind: 'index',
    name: r.name,
    elements: keys.map(elementOf),
  };
  if (r.uniq) idx.unique = true;
  if (r.am !== 'btree') idx.using = r.am;
  if (include.length) idx.include = include;
  if (r.pred !== null) idx.where = r.pred;
  const w = relOptions(r.options);
  if (w) idx.with = w;
  if (r.nnd) idx.nullsNotDistinct = true;
  if (r.comment !== null) idx.comment = r.comment;
  if (r.tablespace !== null) idx.tablespace = r.tablespace;
  return idx;
}

/** includeOf returns the INCLUDE columns of a constraint's index. */
export function includeOf(r: IndexRow | undefined): string[] {
  return r ? r.keys.filter((k) => !k.key).map((k) => k.col ?? '') : [];
}

/** exclusionOf builds a model EXCLUDE constraint from its constraint row and index. */
export function exclusionOf(ctx: Ctx, relId: string, c: ConRow, r: IndexRow | undefined): ExclusionConstraint {
  const keys = r ? r.keys.filter((k) => k.key) : [];
  const ops = c.exclops ?? [];
  const elements = keys.map((k, i) => {
    const el = elementOf(k);
    if (el.order || el.nulls || el.collation)
      unsupported(ctx, `ordering or collation on an element of exclusion constraint ${c.name} on ${relId}`);
    return {
      ...(el.column !== undefined ? { column: el.column } : { expression: el.expression ?? '' }),
      ...(el.opclass ? { opclass: el.opclass } : {}),
      ...(el.opclassParams ? { opclassParams: el.opclassParams } : {}),
      operator: ops[i] ?? '=',
    };
  });
  const include = includeOf(r);
  const w = relOptions(r?.options);
  return {
    kind: 'exclusion',
    name: c.name,
    using: r?.am ?? 'gist',
    elements,
    ...(r?.pred ? { where: r.pred } : {}),
    ...(include.length ? { include } : {}),
    ...(w ? { with: w } : {}),
    ...(c.deferrable ? { deferrable: true } : {}),
    ...(c.deferred ? { initiallyDeferred: true } : {}),
    ...(c.comment !== null ? { comment: c.comment } : {}),
  };
}
