/** Catalog reader for indexes (CREATE INDEX and the indexes behind PK / UNIQUE / EXCLUDE constraints). */
import type { ExclusionConstraint, Index, IndexElement } from '../../model/types.js';
import { qid } from '../../model/ids.js';
import { type Ctx, USER_REL, collationName, relOptions, unsupported } from './util.js';
import type { ConRow } from './relations.js';

/** IndexKeyRow is one key or INCLUDE column of an index. */
export interface IndexKeyRow {
  readonly col: string | null;
  readonly expr: string | null;
  readonly opc: string | null;
  readonly opcnsp: string | null;
  readonly coll: string | null;
  readonly collnsp: string | null;
  readonly opt: number | null;
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
  readonly tablespace: boolean;
  readonly clustered: boolean;
}

/** readIndexes lists every index of user relations with its keys decoded. */
export async function readIndexes(ctx: Ctx): Promise<IndexRow[]> {
  const nnd = ctx.version >= 150000 ? 'i.indnullsnotdistinct' : 'false';
  return ctx.db.query<IndexRow>(`
    SELECT i.indrelid::text AS rel, ic.oid::text AS oid, ic.relname::text AS name, am.amname::text AS am,
      i.indisunique AS uniq, ${nnd} AS nnd,
      coalesce((SELECT json_agg(json_build_object(
          'col', a.attname::text,
          'expr', CASE WHEN k.n = 0 THEN pg_get_indexdef(i.indexrelid, k.ord::int, true) END,
          'opc', CASE WHEN oc.opcdefault THEN NULL ELSE oc.opcname::text END,
          'opcnsp', ocn.nspname::text,
          'coll', CASE WHEN k.coll <> 0 AND k.coll IS DISTINCT FROM coalesce(a.attcollation, it.typcollation) THEN co.collname::text END,
          'collnsp', con.nspname::text,
          'opt', k.opt,
          'key', k.ord <= i.indnkeyatts) ORDER BY k.ord)
        FROM unnest(i.indkey::int2[], i.indclass::oid[], i.indcollation::oid[], i.indoption::int2[]) WITH ORDINALITY k(n, cls, coll, opt, ord)
          LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n AND k.n > 0
          LEFT JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k.ord
          LEFT JOIN pg_type it ON it.oid = ia.atttypid
          LEFT JOIN pg_opclass oc ON oc.oid = k.cls LEFT JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
          LEFT JOIN pg_collation co ON co.oid = k.coll LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
      ), '[]'::json) AS keys,
      pg_get_expr(i.indpred, i.indrelid, true) AS pred, ic.reloptions::text[] AS options,
      obj_description(ic.oid, 'pg_class') AS comment,
      (SELECT co.contype::text FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid
         AND co.contype IN ('p', 'u', 'x') LIMIT 1) AS contype,
      EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) AS attached,
      ic.reltablespace <> 0 AS tablespace, i.indisclustered AS clustered
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam
    WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_REL}
    ORDER BY i.indrelid, ic.relname`);
}

/** elementOf decodes one key of an index into a model element. */
function elementOf(k: IndexKeyRow): IndexElement {
  const el: { -readonly [K in keyof IndexElement]: IndexElement[K] } = {};
  if (k.col !== null) el.column = k.col;
  else el.expression = k.expr ?? '';
  const coll = collationName(k.collnsp, k.coll);
  if (coll) el.collation = coll;
  if (k.opc) el.opclass = k.opcnsp && k.opcnsp !== 'pg_catalog' ? qid(k.opcnsp, k.opc) : k.opc;
  const opt = k.opt ?? 0;
  const desc = (opt & 1) !== 0;
  const nullsFirst = (opt & 2) !== 0;
  if (desc) el.order = 'desc';
  if (desc && !nullsFirst) el.nulls = 'last';
  if (!desc && nullsFirst) el.nulls = 'first';
  return el;
}

/** indexOf builds a model index from an index row (for indexes that back no constraint). */
export function indexOf(ctx: Ctx, relId: string, r: IndexRow): Index {
  const keys = r.keys.filter((k) => k.key);
  const include = r.keys.filter((k) => !k.key).map((k) => k.col ?? '');
  const idx: { -readonly [K in keyof Index]: Index[K] } = { kind: 'index', name: r.name, elements: keys.map(elementOf) };
  if (r.uniq) idx.unique = true;
  if (r.am !== 'btree') idx.using = r.am;
  if (include.length) idx.include = include;
  if (r.pred !== null) idx.where = r.pred;
  const w = relOptions(r.options);
  if (w) idx.with = w;
  if (r.nnd) idx.nullsNotDistinct = true;
  if (r.comment !== null) idx.comment = r.comment;
  if (r.tablespace) unsupported(ctx, `tablespace of index ${r.name} on ${relId}`);
  if (r.clustered) unsupported(ctx, `CLUSTER ON index ${r.name} of ${relId}`);
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
    if (el.order || el.nulls || el.collation) unsupported(ctx, `ordering or collation on an element of exclusion constraint ${c.name} on ${relId}`);
    return {
      ...(el.column !== undefined ? { column: el.column } : { expression: el.expression ?? '' }),
      ...(el.opclass ? { opclass: el.opclass } : {}),
      operator: ops[i] ?? '=',
    };
  });
  const include = includeOf(r);
  const w = relOptions(r?.options);
  if (w) unsupported(ctx, `storage parameters of exclusion constraint ${c.name} on ${relId}`);
  return {
    kind: 'exclusion',
    name: c.name,
    using: r?.am ?? 'gist',
    elements,
    ...(r?.pred ? { where: r.pred } : {}),
    ...(include.length ? { include } : {}),
    ...(c.deferrable ? { deferrable: true } : {}),
    ...(c.deferred ? { initiallyDeferred: true } : {}),
    ...(c.comment !== null ? { comment: c.comment } : {}),
  };
}
