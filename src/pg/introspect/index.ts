/**
 * introspect: reads a database's catalog into the schemaver model with a fixed, small number of set-based
 * queries (no per-table round trips). Runs with search_path = public so that types and expressions print
 * public objects unqualified and everything else qualified, matching the model's ids.
 * Every object the model cannot express is reported in `unsupported`; nothing is dropped silently.
 */
import { quoteIdent } from '../../sql/quote.js';
import type {
  Column,
  Index,
  Schema,
  Sequence,
  Table,
  Trigger,
  View,
  Policy,
  ExclusionConstraint,
} from '../../model/types.js';
import { parseQid, qid } from '../../model/ids.js';
import { indexColumnNames, keyCopyName, makeObjectName, nameAddition } from '../../canon/names.js';
import type { Issue } from '../../errors.js';
import { envFailure } from '../../errors.js';
import type { Driver } from '../driver.js';
import {
  type Ctx,
  absent,
  batcher,
  concurrently,
  groupBy,
  commentOf,
  loadComments,
  loadUserNamespaces,
  loadUserRels,
  prefetch,
  relOptions,
  rows,
  unsupported,
} from './util.js';
import {
  type ColRow,
  type ConRow,
  applyConstraint,
  columnOf,
  readColumns,
  readConstraints,
  readInherits,
  readRelations,
  readSequences,
  sortSequences,
  tableOf,
  viewOf,
} from './relations.js';
import { exclusionOf, includeOf, indexOf, readIndexes } from './indexes.js';
import { readExtensions, readNamespaces, readTypes } from './types.js';
import { policyOf, readFunctions, readPolicies, readTriggers, triggerOf, type TriggerRow } from './routines.js';
import { scanUnsupported } from './unsupported.js';
import { scanIndexStatistics } from './marks.js';
import { applyExtensionMarks, readExtensionMarks } from './extmarks.js';
import { presentKinds, readCoreObjects, type ObjectSink } from './objects.js';
import { readForeignObjects } from './foreign.js';
import { readOperatorClasses } from './opclasses.js';
import type { Unmanaged } from '../../model/objects.js';
import type { UnsupportedIssue } from './util.js';
import { aclSql, readPrivileges } from './privileges.js';
import { ownersQuery, readOwners, type OwnerMode } from './owners.js';
export type { OwnerMode } from './owners.js';

/** IntrospectResult is the model read from a database plus every object the model cannot express. */
export interface IntrospectResult {
  readonly schema: Schema;
  readonly unsupported: readonly Issue[];
}

/** IntrospectOptions tune introspect. */
export interface IntrospectOptions {
  /** unsupported: look for objects the model cannot express (default true; verification, comparing models only, skips it). */
  readonly unsupported?: boolean;
  /** owners: which owners the model records (default `others`: every owner but the connecting role; see OwnerMode). */
  readonly owners?: OwnerMode;
}

/** introspect reads the catalog of a database (user schemas only; schemaver_* bookkeeping excluded) into the model. */
export async function introspect(db: Driver, opts: IntrospectOptions = {}): Promise<IntrospectResult> {
  // The session's settings are read, and its search_path switched to `public`, by the first statement of the first
  // round trip: the queries after it in that round trip (which do not need the server's version) run under `public`
  const send = batcher(db);
  const first = { db, unsupported: [], send };
  const session = rows<{ v: number; sp: string }>(first as unknown as Ctx, SESSION_SQL);
  const round = Promise.all([loadComments(first), loadUserRels(first), loadUserNamespaces(first), presentKinds(first)]);
  round.catch(() => {}); // a session that cannot be read is reported below; these fail with it
  let version: number;
  let oldPath: string;
  try {
    const [row] = await session;
    version = Number(row!.v);
    oldPath = row!.sp;
  } catch (e) {
    throw envFailure(
      'introspect-failed',
      `could not read the catalog of ${db.label}: ${(e as Error).message}`,
      undefined,
      e,
    );
  }
  // a session whose search_path was `public` already (the conformance runner's fingerprint leaves it so) keeps it
  const switched = oldPath !== 'public';
  try {
    const base = { db, version, unsupported: [], send, prefetched: new Map() };
    const [comments, rels, nsps, has] = await round;
    const ctx: Ctx = { ...base, comments, rels, nsps, has };
    const scan = opts.unsupported !== false;
    const owners = opts.owners ?? 'others';
    // privileges and owners are read after the rest is put together; their queries join the first round trip
    prefetch(ctx, aclSql(ctx));
    prefetch(ctx, ownersQuery(ctx, owners));
    const schema = await readOwners(ctx, await readPrivileges(ctx, await readAll(ctx, scan)), owners);
    const unmanaged = scan ? unmanagedOf(ctx.unsupported) : {};
    return { schema: Object.keys(unmanaged).length ? { ...schema, unmanaged } : schema, unsupported: ctx.unsupported };
  } finally {
    if (switched) await db.query(`SELECT set_config('search_path', $1, false)`, [oldPath]).catch(() => {});
  }
}

/**
 * SESSION_SQL reads the server's version and the session's search_path, and sets search_path to `public` (so that
 * types and expressions print public objects unqualified and everything else qualified, as the model's ids are).
 */
const SESSION_SQL = `SELECT current_setting('server_version_num')::int AS v, current_setting('search_path') AS sp,
  set_config('search_path', 'public', false) IS NOT NULL AS public`;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** unmanagedOf turns the objects the model cannot express into the schema's `unmanaged` section. */
export function unmanagedOf(issues: readonly Issue[]): Record<string, Unmanaged> {
  const out: Record<string, Unmanaged> = {};
  for (const i of issues) {
    const u = i as Partial<UnsupportedIssue>;
    const what = u.what ?? i.message.replace(/^not supported: /, '');
    out[what] = { kind: 'unmanaged', what, state: u.state ?? '' };
  }
  return out;
}

/** readAll reads the catalog and puts each relation together: tables with their parts, views, sequences. */
async function readAll(ctx: Ctx, scan: boolean): Promise<Schema> {
  const cat = await readCatalog(ctx, scan);
  const rels = relParts(ctx, cat);
  const tables: Record<string, Table> = {};
  const views: Record<string, View> = {};
  for (const r of cat.rels) {
    const id = rels.ids.get(r.oid)!;
    if (r.kind === 'r' || r.kind === 'p') tables[id] = tableFrom(ctx, id, r, rels);
    else if (r.kind === 'v' || r.kind === 'm') views[id] = viewFrom(ctx, id, r, rels);
    // 'f' (foreign tables, with their triggers) are definition objects (./foreign.ts), 'c' (composite types) are
    // read by readTypes.
  }

  applyExtensionMarks(ctx, cat.marks, rels.ids, { tables, views, functions: cat.functions }, scan);
  const sequences: Record<string, Sequence> = rels.seqPass.sequences;
  const { extensions, schemas, types, functions, objects } = cat;
  return {
    kind: 'schema',
    extensions,
    schemas,
    enums: types.enums,
    composites: types.composites,
    domains: types.domains,
    sequences,
    tables,
    views,
    functions,
    ...(Object.keys(objects).length ? { objects } : {}),
  };
}

/** Catalog is what the set-based catalog queries of one introspection return, before it is put together. */
type Catalog = Awaited<ReturnType<typeof readCatalog>>;

/**
 * readCatalog runs the catalog queries, one set-based query per kind (no per-table round trips); the readers run at
 * the same time, so the queries that do not wait for another's answer share one round trip.
 */
async function readCatalog(ctx: Ctx, scan: boolean) {
  let colsRead!: Promise<ColRow[]>;
  let columns: Promise<ColumnIndex> | undefined;
  const cols = () => (columns ??= colsRead.then(columnIndex));
  const sinks: ObjectSink[] = [{}, {}, {}];
  const [rels, colIx, seqs, cons, idxs, inherits, trigs, pols, extensions, schemas, types, functions, marks] =
    await concurrently(ctx, [
      readRelations,
      async (c: Ctx) => ((colsRead = readColumns(c)), cols()),
      readSequences,
      async (c: Ctx) => readConstraints(c, (await cols()).colName),
      async (c: Ctx) => readIndexes(c, (await cols()).colByKey),
      readInherits,
      readTriggers,
      readPolicies,
      readExtensions,
      readNamespaces,
      async (c: Ctx) => readTypes(c, (await cols()).colsByRel),
      readFunctions,
      readExtensionMarks,
      (c: Ctx) => readCoreObjects(c, sinks[0]!, c.has ?? {}),
      (c: Ctx) => readForeignObjects(c, sinks[1]!, c.has ?? {}),
      async (c: Ctx) => (absent(c, 'opf') ? undefined : readOperatorClasses(c, sinks[2]!)),
      async (c: Ctx) => (scan && !absent(c, 'other') ? scanUnsupported(c) : undefined),
      async (c: Ctx) => (scan ? scanIndexStatistics(c) : undefined),
    ] as const);
  const objects: ObjectSink = Object.assign({}, ...sinks) as ObjectSink;
  const { colByKey, colsByRel } = colIx;
  return {
    rels,
    colByKey,
    colsByRel,
    seqs,
    cons,
    idxs,
    inherits,
    trigs,
    pols,
    extensions,
    schemas,
    types,
    functions,
    marks,
    objects,
  };
}

/** ColumnIndex is the columns of every relation, by `rel:num` and by relation. */
interface ColumnIndex {
  readonly colByKey: Map<string, ColRow>;
  readonly colName: (rel: string, num: number) => string;
  readonly colsByRel: Map<string, ColRow[]>;
}

/** columnIndex indexes the column rows (colName: a column's name, `#n` for one not read). */
function columnIndex(cols: readonly ColRow[]): ColumnIndex {
  const colByKey = new Map<string, ColRow>();
  for (const c of cols) colByKey.set(`${c.rel}:${c.num}`, c);
  const colName = (rel: string, num: number) => colByKey.get(`${rel}:${num}`)?.name ?? `#${num}`;
  return { colByKey, colName, colsByRel: groupBy(cols, (c) => c.rel) };
}

/** clonedTrigger reports a partition's clone of its parent's trigger (read only when enabled differently) and says yes. */
function clonedTrigger(ctx: Ctx, ids: ReadonlyMap<string, string>, t: TriggerRow): boolean {
  if (!t.clone) return false;
  unsupported(
    ctx,
    `trigger ${t.name} on partition ${ids.get(t.rel) ?? t.rel} enabled otherwise than on its parent table (tgenabled ${t.enabled})`,
    'enable or disable the trigger on the partitioned table (that reaches every partition), or exclude the partition',
    t.enabled,
  );
  return true;
}

/** RelParts are the catalog's rows grouped by the relation they belong to (by oid), with each relation's id and
 * the sequences sorted into serial, identity and free-standing ones. */
type RelParts = ReturnType<typeof relParts>;

/** relParts groups the catalog's rows by relation. */
function relParts(ctx: Ctx, cat: Catalog) {
  const ids = new Map<string, string>();
  for (const r of cat.rels) ids.set(r.oid, qid(r.schema, r.name));
  const tableIds = new Map<string, string>();
  for (const r of cat.rels) if (r.kind === 'r' || r.kind === 'p') tableIds.set(r.oid, ids.get(r.oid)!);
  return {
    ids,
    seqPass: sortSequences(ctx, cat.seqs, cat.colByKey, tableIds),
    cols: cat.colsByRel,
    cons: groupBy(
      cat.cons.filter((c) => c.parentname === null),
      (c) => c.rel,
    ),
    keyCopies: groupBy(
      cat.cons.filter((c) => c.parentname !== null),
      (c) => c.rel,
    ),
    idxs: groupBy(cat.idxs, (i) => i.rel),
    idxByOid: new Map(cat.idxs.map((i) => [i.oid, i])),
    inhs: groupBy(cat.inherits, (i) => i.child),
    trigs: groupBy(
      cat.trigs.filter((t) => !clonedTrigger(ctx, ids, t)),
      (t) => t.rel,
    ),
    pols: groupBy(cat.pols, (p) => p.rel),
  };
}

/** tableFrom puts a table (or partitioned table) together: columns, parents, constraints, indexes, triggers, policies. */
function tableFrom(ctx: Ctx, id: string, r: Catalog['rels'][number], rels: RelParts): Table {
  const t = tableOf(ctx, id, r);
  const columns: Column[] = [];
  const parentCols = r.bound !== null ? parentColumns(rels.inhs.get(r.oid), rels.cols) : undefined;
  const ownPk = new Set(rels.cons.get(r.oid)?.find((c) => c.type === 'p' && c.local)?.cols ?? []);
  const inhParents = r.bound === null ? rels.inhs.get(r.oid) : undefined;
  for (const c of rels.cols.get(r.oid) ?? []) {
    // inherited from a parent (partitions, INHERITS children): kept only as a partition's own NOT NULL or DEFAULT,
    // or an INHERITS child's own default or comment (marked inherited)
    const ownOnChild = !c.local && !parentCols && inheritedOwn(c, inhParents, rels.cols);
    if (!c.local && !ownOnChild && !(parentCols && overridesParent(c, parentCols.get(c.name), ownPk))) continue;
    const key = `${r.oid}:${c.num}`;
    const col = columnOf(ctx, id, c, {
      serial: rels.seqPass.serial.has(key),
      identity: rels.seqPass.identity.get(key),
      comment: rels.seqPass.comments.get(key),
    });
    columns.push(ownOnChild ? { ...col, inherited: true } : col);
  }
  t.columns = columns;
  const parents = (rels.inhs.get(r.oid) ?? []).map((p) => qid(p.schema, p.name));
  if (r.bound !== null) {
    t.partitionOf = { parent: parents[0] ?? '', bound: r.bound };
    if (parents.length !== 1) unsupported(ctx, `partition ${id} with ${parents.length} parents`);
  } else if (parents.length) t.inherits = parents;
  if (r.bound !== null) {
    const names = keyNamesOf(r.name, rels.keyCopies.get(r.oid), rels.idxByOid);
    if (names) t.keyNames = names;
  }
  const exclusions: Record<string, ExclusionConstraint> = {};
  for (const c of rels.cons.get(r.oid) ?? []) {
    const ix = c.index !== '0' ? rels.idxByOid.get(c.index) : undefined;
    if (c.type === 'x') exclusions[c.name] = exclusionOf(ctx, id, c, ix);
    else {
      const keyed = c.type === 'p' || c.type === 'u';
      const w = keyed ? relOptions(ix?.options) : undefined;
      applyConstraint(ctx, id, t, c, {
        include: keyed ? includeOf(ix) : [],
        nnd: Boolean(ix?.nnd),
        ...(w ? { with: w } : {}),
        ...(keyed && ix && commentOf(ctx, 'pg_class', ix.oid) !== null
          ? { indexComment: commentOf(ctx, 'pg_class', ix.oid)! }
          : {}),
      });
    }
  }
  t.exclusions = exclusions;
  const indexes = indexesOf(ctx, id, rels.idxs.get(r.oid));
  const parent = r.bound !== null ? rels.inhs.get(r.oid) : undefined;
  if (parent?.length === 1)
    for (const twin of unattachedTwins(ctx, id, rels.idxs.get(r.oid), parents[0]!, rels.idxs.get(parent[0]!.parent)))
      if (indexes[twin]) indexes[twin] = { ...indexes[twin], local: true };
  t.indexes = indexes;
  // CLUSTER ON: any index of the table, a key's or an exclusion's too (at most one is marked)
  const clustered = rels.idxs.get(r.oid)?.find((x) => x.clustered);
  if (clustered) t.clusterOn = clustered.name;
  t.triggers = triggersOf(ctx, id, r.oid, rels);
  const policies: Record<string, Policy> = {};
  for (const p of rels.pols.get(r.oid) ?? []) policies[p.name] = policyOf(ctx, p);
  t.policies = policies;
  return t;
}

/**
 * keyNamesOf is a partition's `keyNames`: its copies of its parent's primary key and unique constraints whose name is
 * not the one PostgreSQL gives a copy, by the parent constraint's name; undefined when every copy has its default name.
 */
function keyNamesOf(
  table: string,
  copies: readonly ConRow[] | undefined,
  idxByOid: ReadonlyMap<string, import('./indexes.js').IndexRow>,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const c of copies ?? []) {
    const ix = c.index !== '0' ? idxByOid.get(c.index) : undefined;
    const kind = c.type === 'p' ? 'primary_key' : 'unique';
    if (c.name !== keyCopyName(table, { kind, columns: c.cols, include: includeOf(ix) })) out[c.parentname!] = c.name;
  }
  return Object.keys(out).length ? out : undefined;
}

/** viewFrom puts a view or materialized view together (a materialized view's indexes; triggers, when it has any). */
function viewFrom(ctx: Ctx, id: string, r: Catalog['rels'][number], rels: RelParts): View {
  const v = viewOf(ctx, id, r, rels.cols.get(r.oid) ?? []) as Mutable<View>;
  if (r.kind === 'm') {
    const ix = indexesOf(ctx, id, rels.idxs.get(r.oid));
    if (Object.keys(ix).length) v.indexes = ix;
    const clustered = rels.idxs.get(r.oid)?.find((x) => x.clustered);
    if (clustered) unsupported(ctx, `CLUSTER ON index ${clustered.name} of materialized view ${id}`);
  }
  const triggers = triggersOf(ctx, id, r.oid, rels);
  if (Object.keys(triggers).length) v.triggers = triggers;
  return v;
}

/** triggersOf is a relation's triggers by name. */
function triggersOf(ctx: Ctx, id: string, oid: string, rels: RelParts): Record<string, Trigger> {
  const triggers: Record<string, Trigger> = {};
  for (const tr of rels.trigs.get(oid) ?? []) triggers[tr.name] = triggerOf(ctx, id, tr);
  return triggers;
}

/** indexesOf is a relation's own indexes by name (not those that back a constraint or copy a parent's index). */
function indexesOf(
  ctx: Ctx,
  relId: string,
  rows: readonly import('./indexes.js').IndexRow[] | undefined,
): Record<string, Index> {
  const out: Record<string, Index> = {};
  for (const r of rows ?? []) {
    if (r.contype !== null) {
      // backs a constraint, modelled with it; an invalid one (ALTER TABLE ONLY on a partitioned table whose
      // partitions have no key attached yet) holds no key PostgreSQL enforces, and would read as a whole one
      if (!r.valid)
        unsupported(
          ctx,
          `invalid index ${r.name} on ${relId}`,
          invalidIndexHint(r.name, r.unattached, r.contype),
          'INVALID',
        );
      continue;
    }
    if (!r.valid) {
      // an index PostgreSQL does not use: a CREATE INDEX CONCURRENTLY that failed, or a partitioned table's index
      // made ON ONLY whose partitions are not all attached; modelled, it would read as one that works
      unsupported(ctx, `invalid index ${r.name} on ${relId}`, invalidIndexHint(r.name, r.unattached), 'INVALID');
      continue;
    }
    const ix = indexOf(ctx, relId, r);
    if (r.attached && isCopyName(relId, ix)) continue; // a partition's copy of a parent index
    out[r.name] = ix;
  }
  return out;
}

/**
 * unattachedTwins lists a partition's plain indexes that have the definition of an index of its parent without being
 * attached to it (made after the parent's, whose own copy the partition has too: pg-schema-diff's 'local keys',
 * pagila 2020's payment partitions). The model reads a partition's index of a parent index's definition as the one
 * attached to it (CREATE INDEX on the parent adopts it), so these are marked `local` (Index.local).
 */
function unattachedTwins(
  ctx: Ctx,
  id: string,
  own: readonly import('./indexes.js').IndexRow[] | undefined,
  parentId: string,
  ofParent: readonly import('./indexes.js').IndexRow[] | undefined,
): string[] {
  const shape = (relId: string, x: import('./indexes.js').IndexRow): string => {
    const ix = indexOf(ctx, relId, x);
    return JSON.stringify([
      !!ix.unique,
      ix.using ?? 'btree',
      ix.elements,
      ix.include ?? [],
      ix.where ?? '',
      !!ix.nullsNotDistinct,
    ]);
  };
  const parentShapes = new Map<string, string>();
  for (const x of ofParent ?? []) if (x.contype === null && x.valid) parentShapes.set(shape(parentId, x), x.name);
  const out: string[] = [];
  if (parentShapes.size === 0) return out;
  for (const x of own ?? []) {
    if (x.contype !== null || x.attached || !x.valid) continue;
    if (parentShapes.has(shape(id, x))) out.push(x.name);
  }
  return out;
}

/**
 * invalidIndexHint says how to make index `name` valid: a partitioned index made ON ONLY (pg-schema-diff's first step)
 * is INVALID until each partition has an index attached to it, which the model cannot hold (its partitioned indexes
 * are whole: the plan's CREATE INDEX attaches or builds each partition's); any other is a failed CONCURRENTLY build.
 */
function invalidIndexHint(name: string, unattached: readonly string[] | null, contype: string | null = null): string {
  if (unattached === null)
    return 'PostgreSQL marks it INVALID (a CREATE INDEX CONCURRENTLY that failed): REINDEX INDEX CONCURRENTLY or drop it, then read the schema again';
  const make =
    contype === null
      ? 'CREATE INDEX [CONCURRENTLY] the same index'
      : `add the same ${contype === 'p' ? 'PRIMARY KEY' : contype === 'u' ? 'UNIQUE' : 'EXCLUDE'} constraint (ALTER TABLE ... ADD CONSTRAINT ... USING INDEX takes a unique index built first)`;
  return (
    `it was made ON ONLY and ${unattached.length ? `partition${unattached.length > 1 ? 's' : ''} ${unattached.join(', ')} ha${unattached.length > 1 ? 've' : 's'}` : 'a partition has'} no index attached to it: ` +
    `on each, ${make} and ALTER INDEX ${quoteIdent(name)} ATTACH PARTITION <that index> ` +
    '(PostgreSQL marks the parent valid once all are attached), or drop it; then read the schema again'
  );
}

/**
 * isCopyName tells whether a partition's attached index has the name PostgreSQL gives the copy of a parent index
 * (`<table>_<columns>_idx`, numbered when taken); one with a name of its own was made by hand and then attached.
 */
function isCopyName(relId: string, ix: Index): boolean {
  const table = parseQid(relId)?.name ?? relId;
  const add = nameAddition(indexColumnNames([...ix.elements, ...(ix.include ?? []).map((column) => ({ column }))]));
  if (ix.name === makeObjectName(table, add, 'idx')) return true;
  const m = /^(.*?)(\d+)$/.exec(ix.name);
  return m !== null && ix.name === makeObjectName(table, add, `idx${m[2]}`);
}

/** parentColumns maps the columns of a partition's parent by name (none when it has no single parent). */
function parentColumns(
  parents: readonly { parent: string }[] | undefined,
  colsByRel: ReadonlyMap<string, ColRow[]>,
): ReadonlyMap<string, ColRow> | undefined {
  if (parents?.length !== 1) return undefined;
  return new Map((colsByRel.get(parents[0]!.parent) ?? []).map((c) => [c.name, c] as const));
}

/**
 * inheritedOwn tells whether an INHERITS child's inherited column carries something of the child's own: a default
 * other than its first parent's with the column (CREATE TABLE ... INHERITS copies the parent's), or a comment.
 */
function inheritedOwn(
  c: ColRow,
  parents: readonly { readonly parent: string }[] | undefined,
  colsByRel: ReadonlyMap<string, readonly ColRow[]>,
): boolean {
  if (!parents?.length || c.identity || c.generated) return false;
  if (c.comment !== null) return true;
  const p = parents.map((x) => colsByRel.get(x.parent)?.find((y) => y.name === c.name)).find((y) => y);
  return !!p && !p.identity && !p.generated && (c.def ?? null) !== (p.def ?? null);
}

/**
 * overridesParent tells whether an inherited partition column has its own NOT NULL or DEFAULT
 * (`PARTITION OF p (v DEFAULT 'x' NOT NULL)`): a NOT NULL its own primary key implies is not one.
 */
function overridesParent(c: ColRow, p: ColRow | undefined, ownPk: ReadonlySet<string>): boolean {
  if (!p || c.identity || c.generated || p.identity || p.generated) return false;
  return (c.notnull && !p.notnull && !ownPk.has(c.name)) || (c.def ?? null) !== (p.def ?? null);
}
