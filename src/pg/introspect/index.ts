/**
 * introspect: reads a database's catalog into the schemaver model with a fixed, small number of set-based
 * queries (no per-table round trips). Runs with search_path = public so that types and expressions print
 * public objects unqualified and everything else qualified, matching the model's ids.
 * Every object the model cannot express is reported in `unsupported`; nothing is dropped silently.
 */
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
import { indexColumnNames, makeObjectName, nameAddition } from '../../canon/names.js';
import type { Issue } from '../../errors.js';
import { envFailure } from '../../errors.js';
import type { Driver } from '../driver.js';
import { type Ctx, groupBy, loadComments, loadUserNamespaces, loadUserRels, unsupported } from './util.js';
import {
  type ColRow,
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
import { policyOf, readFunctions, readPolicies, readTriggers, triggerOf } from './routines.js';
import { scanUnsupported } from './unsupported.js';
import { presentKinds, readCoreObjects, type ObjectSink } from './objects.js';
import { readForeignObjects } from './foreign.js';
import { readOperatorClasses } from './opclasses.js';
import type { Unmanaged } from '../../model/objects.js';
import type { UnsupportedIssue } from './util.js';
import { readPrivileges } from './privileges.js';
import { readOwners, type OwnerMode } from './owners.js';
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
  let version: number;
  let oldPath: string;
  try {
    const [row] = await db.query<{ v: number; sp: string }>(
      `SELECT current_setting('server_version_num')::int AS v, current_setting('search_path') AS sp`,
    );
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
  await db.query(`SELECT set_config('search_path', 'public', false)`);
  try {
    const base = { db, version, unsupported: [] };
    const ctx: Ctx = {
      ...base,
      comments: await loadComments(base),
      rels: await loadUserRels(base),
      nsps: await loadUserNamespaces(base),
    };
    const scan = opts.unsupported !== false;
    const schema = await readOwners(ctx, await readPrivileges(ctx, await readAll(ctx, scan)), opts.owners ?? 'others');
    const unmanaged = scan ? unmanagedOf(ctx.unsupported) : {};
    return { schema: Object.keys(unmanaged).length ? { ...schema, unmanaged } : schema, unsupported: ctx.unsupported };
  } finally {
    await db.query(`SELECT set_config('search_path', $1, false)`, [oldPath]).catch(() => {});
  }
}

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

async function readAll(ctx: Ctx, scan: boolean): Promise<Schema> {
  const rels = await readRelations(ctx);
  const cols = await readColumns(ctx);
  const colByKey = new Map<string, ColRow>();
  for (const c of cols) colByKey.set(`${c.rel}:${c.num}`, c);
  const colName = (rel: string, num: number) => colByKey.get(`${rel}:${num}`)?.name ?? `#${num}`;
  const seqs = await readSequences(ctx);
  const cons = await readConstraints(ctx, colName);
  const idxs = await readIndexes(ctx, colByKey);
  const inherits = await readInherits(ctx);
  const trigs = await readTriggers(ctx);
  const pols = await readPolicies(ctx);
  const extensions = await readExtensions(ctx);
  const schemas = await readNamespaces(ctx);
  const colsByRel = groupBy(cols, (c) => c.rel);
  const types = await readTypes(ctx, colsByRel);
  const functions = await readFunctions(ctx);
  const objects: ObjectSink = {};
  const present = await presentKinds(ctx);
  await readCoreObjects(ctx, objects, present);
  await readForeignObjects(ctx, objects, present);
  if (present['opf']) await readOperatorClasses(ctx, objects);
  if (scan) await scanUnsupported(ctx);

  const relIds = new Map<string, string>();
  for (const r of rels) relIds.set(r.oid, qid(r.schema, r.name));
  const tableIds = new Map<string, string>();
  for (const r of rels) if (r.kind === 'r' || r.kind === 'p') tableIds.set(r.oid, relIds.get(r.oid)!);
  const seqPass = sortSequences(ctx, seqs, colByKey, tableIds);

  const consByRel = groupBy(cons, (c) => c.rel);
  const idxByRel = groupBy(idxs, (i) => i.rel);
  const idxByOid = new Map(idxs.map((i) => [i.oid, i]));
  const inhByRel = groupBy(inherits, (i) => i.child);
  const trigByRel = groupBy(trigs, (t) => t.rel);
  const polByRel = groupBy(pols, (p) => p.rel);

  const tables: Record<string, Table> = {};
  const views: Record<string, View> = {};
  for (const r of rels) {
    const id = relIds.get(r.oid)!;
    const relCols = colsByRel.get(r.oid) ?? [];
    if (r.kind === 'r' || r.kind === 'p') {
      const t = tableOf(ctx, id, r);
      const columns: Column[] = [];
      const parentCols = r.bound !== null ? parentColumns(inhByRel.get(r.oid), colsByRel) : undefined;
      const ownPk = new Set(consByRel.get(r.oid)?.find((c) => c.type === 'p' && c.local)?.cols ?? []);
      for (const c of relCols) {
        // inherited from a parent (partitions, INHERITS children): kept only as a partition's own NOT NULL or DEFAULT
        if (!c.local && !(parentCols && overridesParent(c, parentCols.get(c.name), ownPk))) continue;
        const key = `${r.oid}:${c.num}`;
        columns.push(columnOf(ctx, id, c, { serial: seqPass.serial.has(key), identity: seqPass.identity.get(key) }));
      }
      t.columns = columns;
      const parents = (inhByRel.get(r.oid) ?? []).map((p) => qid(p.schema, p.name));
      if (r.bound !== null) {
        t.partitionOf = { parent: parents[0] ?? '', bound: r.bound };
        if (parents.length !== 1) unsupported(ctx, `partition ${id} with ${parents.length} parents`);
      } else if (parents.length) t.inherits = parents;
      const exclusions: Record<string, ExclusionConstraint> = {};
      for (const c of consByRel.get(r.oid) ?? []) {
        const ix = c.index !== '0' ? idxByOid.get(c.index) : undefined;
        if (c.type === 'x') exclusions[c.name] = exclusionOf(ctx, id, c, ix);
        else applyConstraint(ctx, id, t, c, c.type === 'p' || c.type === 'u' ? includeOf(ix) : [], Boolean(ix?.nnd));
      }
      t.exclusions = exclusions;
      t.indexes = indexesOf(ctx, id, idxByRel.get(r.oid));
      const triggers: Record<string, Trigger> = {};
      for (const tr of trigByRel.get(r.oid) ?? []) triggers[tr.name] = triggerOf(ctx, id, tr);
      t.triggers = triggers;
      const policies: Record<string, Policy> = {};
      for (const p of polByRel.get(r.oid) ?? []) policies[p.name] = policyOf(ctx, p);
      t.policies = policies;
      tables[id] = t;
    } else if (r.kind === 'v' || r.kind === 'm') {
      const v = viewOf(ctx, id, r, relCols) as Mutable<View>;
      if (r.kind === 'm') {
        const ix = indexesOf(ctx, id, idxByRel.get(r.oid));
        if (Object.keys(ix).length) v.indexes = ix;
      }
      const triggers: Record<string, Trigger> = {};
      for (const tr of trigByRel.get(r.oid) ?? []) triggers[tr.name] = triggerOf(ctx, id, tr);
      if (Object.keys(triggers).length) v.triggers = triggers;
      views[id] = v;
    } else if (r.kind === 'f') {
      // foreign tables are definition objects (./foreign.ts); a trigger on one is not part of that definition
      for (const tr of trigByRel.get(r.oid) ?? []) {
        const { oid: _o, rel: _r, ...def } = tr;
        unsupported(ctx, `trigger ${tr.name} on foreign table ${id}`, undefined, JSON.stringify(def));
      }
    }
    // 'c' (composite types) are read by readTypes.
  }

  const sequences: Record<string, Sequence> = seqPass.sequences;
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

function indexesOf(
  ctx: Ctx,
  relId: string,
  rows: readonly import('./indexes.js').IndexRow[] | undefined,
): Record<string, Index> {
  const out: Record<string, Index> = {};
  for (const r of rows ?? []) {
    if (r.contype !== null) continue; // backs a constraint
    const ix = indexOf(ctx, relId, r);
    if (r.attached && isCopyName(relId, ix)) continue; // a partition's copy of a parent index
    out[r.name] = ix;
  }
  return out;
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
 * overridesParent tells whether an inherited partition column has its own NOT NULL or DEFAULT
 * (`PARTITION OF p (v DEFAULT 'x' NOT NULL)`): a NOT NULL its own primary key implies is not one.
 */
function overridesParent(c: ColRow, p: ColRow | undefined, ownPk: ReadonlySet<string>): boolean {
  if (!p || c.identity || c.generated || p.identity || p.generated) return false;
  return (c.notnull && !p.notnull && !ownPk.has(c.name)) || (c.def ?? null) !== (p.def ?? null);
}
