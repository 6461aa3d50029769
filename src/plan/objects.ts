/**
 * Steps for schema-level objects: renames, extensions, schemas, composites and sequences, and the dispatch of
 * every non-table change. Enums and domains are in ./enums.ts, functions in ./routines.ts, tables and views in
 * ./build.ts.
 */
import { afterCreate } from './grants.js';
import type { Change } from '../model/changes.js';
import { assertNever, type Namespace, type Schema, type Sequence } from '../model/types.js';
import { fragmentKey } from '../diff/index.js';
import { STANDARD_PUBLIC_COMMENT } from '../model/privileges.js';
import {
  commentOn,
  createComposite,
  createExtension,
  createSequence,
  dottedName,
  indexRef,
  nameOf,
  rel,
  schemaOf,
  seqOptions,
  restartNeeded,
  viewKind,
} from '../sql/ddl.js';
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js';
import { createGrants, createOwner, ownerSql } from '../sql/grants.js';
import { bare, emit, PHASE, typeDropKey, typeKeys, type PlanContext } from './context.js';
import { planDomain, planEnum, planEnumValues } from './enums.js';
import { planFunction } from './routines.js';
import { planSerialRenames } from './serials.js';
import {
  columnRebuildSql,
  refuseRetypeInUse,
  dropsAttributes,
  foldedSql,
  rebuildSql,
  type CompositeRebuild,
} from './composites.js';

type ObjectChange<K extends Change['kind']> = Extract<Change, { op: 'add' | 'drop' | 'alter'; kind: K }>;

/** planObjects drafts the steps of every non-table, non-view change; `rebuilds`: compositeRebuilds of `all`. */
export function planObjects(
  ctx: PlanContext,
  all: readonly Change[],
  rebuilds: ReadonlyMap<string, CompositeRebuild>,
): void {
  const addValues = new Map<string, Extract<Change, { op: 'add_value' }>[]>();
  const droppedRels = new Set<string>();
  for (const c of all) if (c.op === 'drop' && (c.kind === 'view' || c.kind === 'table')) droppedRels.add(bare(c.id));
  for (const c of all) if (c.op === 'alter' && c.kind === 'view') droppedRels.add(bare(c.id));
  // an altered composite type: a dropped SQL function over it goes first (down re-creates it after the type is back)
  for (const c of all) if (c.op === 'alter' && c.kind === 'composite') droppedRels.add(bare(c.id));
  // a composite rebuilt takes the composites containing it along: a dropped routine over one of those goes first too
  for (const r of rebuilds.values()) for (const k of r.types) droppedRels.add(bare(k));
  const folded = new Set([...rebuilds.values()].flatMap((r) => [...r.folded]));
  for (const c of all) {
    if (c.op === 'rename') planRename(ctx, c);
    else if (c.op === 'rename_value') {
      const e = rel(c.id);
      emit(ctx, {
        phase: PHASE.rename + 0.4,
        what: `rename value ${JSON.stringify(c.from)} of enum ${c.id} to ${JSON.stringify(c.to)}`,
        object: c.id,
        sql: [`ALTER TYPE ${e} RENAME VALUE ${quoteLiteral(c.from)} TO ${quoteLiteral(c.to)}`],
        reverse: [`ALTER TYPE ${e} RENAME VALUE ${quoteLiteral(c.to)} TO ${quoteLiteral(c.from)}`],
      });
    } else if (c.op === 'add_value') {
      if (!addValues.has(c.id)) addValues.set(c.id, []);
      addValues.get(c.id)!.push(c);
    } else {
      switch (c.kind) {
        case 'extension':
        case 'namespace':
        case 'enum':
        case 'composite':
        case 'domain':
        case 'function':
        case 'sequence':
          if (c.kind === 'sequence' && c.op !== 'alter' && ctx.adoptedSequences.has(c.id)) break;
          if (c.kind === 'function' && folded.has(c.id)) break; // changed inside its composite's rebuild
          planObject(ctx, c, droppedRels, rebuilds);
          break;
        case 'table':
        case 'view':
        case 'column':
        case 'primary_key':
        case 'unique':
        case 'check':
        case 'foreign_key':
        case 'exclusion':
        case 'index':
        case 'trigger':
        case 'policy':
          break; // planViews and planTables
        case 'sql_object':
        case 'unmanaged':
          break; // planSqlObjects
        case 'default_privilege':
          break; // planGrants took them out
        default:
          assertNever(c);
      }
    }
  }
  planEnumValues(ctx, addValues);
  planSerialRenames(ctx, all);
}

function planRename(ctx: PlanContext, c: Extract<Change, { op: 'rename' }>): void {
  const sub = (order: number, what: string, sql: string, rev: string) =>
    emit(ctx, {
      phase: PHASE.rename + order,
      what,
      object: c.table ? `${c.table}.${c.id}` : c.id,
      sql: [sql],
      reverse: [rev],
    });
  switch (c.kind) {
    case 'table':
    case 'view':
    case 'enum': {
      const word =
        c.kind === 'table'
          ? 'TABLE'
          : c.kind === 'enum'
            ? 'TYPE'
            : viewKind(ctx.to.views[c.id] ?? ({ materialized: false } as never));
      const [os, on] = [schemaOf(c.fromId), nameOf(c.fromId)];
      const [ns, nn] = [schemaOf(c.id), nameOf(c.id)];
      const fwd: string[] = [];
      const back: string[] = [];
      if (os !== ns) fwd.push(`ALTER ${word} ${qualified(os, on)} SET SCHEMA ${quoteIdent(ns)}`);
      if (on !== nn) fwd.push(`ALTER ${word} ${qualified(ns, on)} RENAME TO ${quoteIdent(nn)}`);
      if (on !== nn) back.push(`ALTER ${word} ${qualified(ns, nn)} RENAME TO ${quoteIdent(on)}`);
      if (os !== ns) back.push(`ALTER ${word} ${qualified(ns, on)} SET SCHEMA ${quoteIdent(os)}`);
      const order = c.kind === 'table' ? 0 : c.kind === 'view' ? 0.1 : 0.2;
      emit(ctx, {
        phase: PHASE.rename + order,
        what: `rename ${c.kind} ${c.fromId} to ${c.id}`,
        object: c.id,
        sql: fwd,
        reverse: back,
      });
      return;
    }
    case 'column':
      sub(
        0.3,
        `rename column ${c.table}.${c.fromId} to ${c.id}`,
        `ALTER TABLE ${rel(c.table!)} RENAME COLUMN ${quoteIdent(c.fromId)} TO ${quoteIdent(c.id)}`,
        `ALTER TABLE ${rel(c.table!)} RENAME COLUMN ${quoteIdent(c.id)} TO ${quoteIdent(c.fromId)}`,
      );
      return;
    case 'index':
      sub(
        0.5,
        `rename index ${c.fromId} to ${c.id}`,
        `ALTER INDEX ${indexRef(c.table!, c.fromId)} RENAME TO ${quoteIdent(c.id)}`,
        `ALTER INDEX ${indexRef(c.table!, c.id)} RENAME TO ${quoteIdent(c.fromId)}`,
      );
      return;
    case 'primary_key':
    case 'unique':
    case 'check':
    case 'foreign_key':
    case 'exclusion':
      sub(
        0.6,
        `rename constraint ${c.table}.${c.fromId} to ${c.id}`,
        `ALTER TABLE ${rel(c.table!)} RENAME CONSTRAINT ${quoteIdent(c.fromId)} TO ${quoteIdent(c.id)}`,
        `ALTER TABLE ${rel(c.table!)} RENAME CONSTRAINT ${quoteIdent(c.id)} TO ${quoteIdent(c.fromId)}`,
      );
  }
}

/** TopLevelKind is a kind planObject handles (the rest go to planViews, planTables, planSqlObjects, planGrants). */
type TopLevelKind = 'extension' | 'namespace' | 'enum' | 'composite' | 'domain' | 'function' | 'sequence';

/** planObject dispatches one add, drop or alter of a schema-level object to its kind's planner. */
function planObject(
  ctx: PlanContext,
  c: Extract<Change, { op: 'add' | 'drop' | 'alter'; kind: TopLevelKind }>,
  droppedRels: ReadonlySet<string>,
  rebuilds: ReadonlyMap<string, CompositeRebuild>,
): void {
  switch (c.kind) {
    case 'extension':
      return planExtension(ctx, c);
    case 'namespace':
      return planNamespace(ctx, c);
    case 'enum':
      return planEnum(ctx, c);
    case 'composite':
      return planComposite(ctx, c, rebuilds.get(c.id));
    case 'domain':
      return planDomain(ctx, c);
    case 'function':
      return planFunction(ctx, c, droppedRels);
    case 'sequence':
      return planSequence(ctx, c);
    default:
      return assertNever(c);
  }
}

/** planExtension drafts the create, drop or alter (schema, version, comment) of one extension. */
function planExtension(ctx: PlanContext, c: ObjectChange<'extension'>): void {
  const drop = (name: string) => `DROP EXTENSION ${quoteIdent(name)}`;
  if (c.op === 'add')
    emit(ctx, {
      phase: PHASE.extension,
      what: `create extension ${c.id}`,
      object: c.id,
      sql: createExtension(c.def),
      reverse: [drop(c.def.name)],
      requires: c.def.schema ? [`ns:${c.def.schema}`] : [],
    });
  else if (c.op === 'drop')
    emit(ctx, {
      phase: PHASE.dropExtension,
      what: `drop extension ${c.id}`,
      object: c.id,
      sql: [drop(c.def.name)],
      reverse: createExtension(c.def),
    });
  else {
    const a = c.from;
    const b = c.to;
    const E = `ALTER EXTENSION ${quoteIdent(b.name)}`;
    const sql: string[] = [];
    const rev: string[] = [];
    // an omitted schema is `public` (introspection omits it there): moving back to it is a move too
    const [sa, sb] = [a.schema ?? 'public', b.schema ?? 'public'];
    if (sa !== sb) (sql.push(`${E} SET SCHEMA ${quoteIdent(sb)}`), rev.push(`${E} SET SCHEMA ${quoteIdent(sa)}`));
    if (a.version !== b.version) {
      // extensions ship upgrade scripts only: going back to an older version means re-creating it
      const recreate = (v: string) => [drop(b.name), ...createExtension({ ...b, version: v, comment: undefined })];
      const to = (v: string, from?: string) =>
        from && compareVersions(v, from) < 0 ? recreate(v) : [`${E} UPDATE TO ${quoteLiteral(v)}`];
      // no version is the default one: UPDATE without TO goes there; back from it to a pinned (older) one re-creates
      sql.push(...(b.version ? to(b.version, a.version) : [`${E} UPDATE`]));
      if (a.version) rev.push(...(b.version ? to(a.version, b.version) : recreate(a.version)).reverse());
    }
    if (a.comment !== b.comment)
      (sql.push(commentOn('EXTENSION', quoteIdent(b.name), b.comment)),
        rev.push(commentOn('EXTENSION', quoteIdent(b.name), a.comment)));
    emit(ctx, {
      phase: PHASE.extension,
      what: `alter extension ${c.id}`,
      object: c.id,
      sql,
      reverse: rev.reverse(),
      // the schema it moves to exists first (and, going back, the one it came from is dropped after it left)
      requires: sb !== sa && sb !== 'public' ? [`ns:${sb}`] : [],
    });
  }
}

/** planNamespace drafts the create, drop or comment of one schema. */
function planNamespace(ctx: PlanContext, c: ObjectChange<'namespace'>): void {
  const create = (n: Namespace) => [
    `CREATE SCHEMA ${quoteIdent(n.name)}`,
    ...(n.comment !== undefined ? [commentOn('SCHEMA', quoteIdent(n.name), n.comment)] : []),
    ...createOwner(`SCHEMA ${quoteIdent(n.name)}`, n.owner),
    ...createGrants(`SCHEMA ${quoteIdent(n.name)}`, 'schema', n.grants),
  ];
  if (c.op === 'add')
    emit(ctx, {
      phase: PHASE.namespace,
      what: `create schema ${c.id}`,
      object: c.id,
      sql: create(c.def),
      reverse: [`DROP SCHEMA ${quoteIdent(c.def.name)}`],
      provides: [`ns:${c.def.name}`],
    });
  else if (c.op === 'drop')
    emit(ctx, {
      phase: PHASE.dropNamespace,
      what: `drop schema ${c.id}`,
      object: c.id,
      sql: [`DROP SCHEMA ${quoteIdent(c.def.name)}`],
      reverse: create(c.def),
    });
  else
    emit(ctx, {
      phase: PHASE.comment,
      what: `comment on schema ${c.id}`,
      object: c.id,
      // `public` without a comment of its own has the one PostgreSQL gives it
      sql: [commentOn('SCHEMA', quoteIdent(c.to.name), schemaComment(c.to))],
      reverse: [commentOn('SCHEMA', quoteIdent(c.to.name), schemaComment(c.from))],
    });
}

/** schemaComment is the comment schema `n` has: its own, or for `public` without one, PostgreSQL's. */
function schemaComment(n: Namespace): string | undefined {
  return n.comment ?? (n.name === 'public' ? STANDARD_PUBLIC_COMMENT : undefined);
}

/**
 * planComposite drafts the create, drop or attribute changes of one composite type; `rebuild` (compositeRebuilds) is
 * what a direction that drops attributes rebuilds instead of altering.
 */
function planComposite(ctx: PlanContext, c: ObjectChange<'composite'>, rebuild?: CompositeRebuild): void {
  const { ty } = ctx;
  if (c.op === 'add')
    emit(ctx, {
      phase: PHASE.composite,
      what: `create type ${c.id}`,
      object: c.id,
      sql: createComposite(c.id, c.def, ty),
      reverse: [`DROP TYPE ${rel(c.id)}`],
      provides: [`type:${bare(c.id)}`],
      // a type of another kind by this name (an enum, range or domain) is dropped first
      requires: [...c.def.attributes.flatMap((x) => typeKeys(x.type)), typeDropKey(c.id)],
    });
  else if (c.op === 'drop')
    emit(ctx, {
      phase: PHASE.dropComposite,
      what: `drop type ${c.id}`,
      object: c.id,
      sql: [`DROP TYPE ${rel(c.id)}`],
      reverse: createComposite(c.id, c.def, ty),
      // a dropped composite whose attribute is of another dropped one goes first (`ctdrop:` keys)
      provides: [
        ...c.def.attributes
          .flatMap((x) => typeKeys(x.type).filter((k) => k.startsWith('type:')))
          .map((k) => `ctdrop:${k.slice(5)}`),
        typeDropKey(c.id),
      ],
      requires: [`ctdrop:${bare(c.id)}`],
    });
  else {
    const a = c.from;
    const b = c.to;
    const T = `ALTER TYPE ${rel(c.id)}`;
    const step = (x: typeof a, y: typeof b, xs: Schema, ys: Schema): string[] => {
      if (rebuild && dropsAttributes(x, y)) return rebuildSql(ctx, rebuild, xs, ys);
      const carried = columnRebuildSql(ctx, c.id, x, y);
      if (carried) return carried;
      refuseRetypeInUse(ctx, c.id, x, y);
      const out: string[] = [];
      for (const at of x.attributes)
        if (!y.attributes.some((z) => z.name === at.name)) out.push(`${T} DROP ATTRIBUTE ${quoteIdent(at.name)}`);
      for (const at of y.attributes) {
        const old = x.attributes.find((z) => z.name === at.name);
        const coll = at.collation ? ` COLLATE ${dottedName(at.collation)}` : '';
        if (!old) out.push(`${T} ADD ATTRIBUTE ${quoteIdent(at.name)} ${ty(at.type)}${coll}`);
        else if (old.type !== at.type || old.collation !== at.collation)
          out.push(`${T} ALTER ATTRIBUTE ${quoteIdent(at.name)} TYPE ${ty(at.type)}${coll}`);
        if (old?.comment !== at.comment && (old || at.comment !== undefined))
          out.push(commentOn('COLUMN', `${rel(c.id)}.${quoteIdent(at.name)}`, at.comment));
      }
      if (x.comment !== y.comment) out.push(commentOn('TYPE', rel(c.id), y.comment));
      return rebuild ? foldedSql(rebuild, xs, ys, out) : out;
    };
    const fnNames = (rebuild?.fns ?? []).map((k) => (ctx.from.functions[k] ?? ctx.to.functions[k])!.name.toLowerCase());
    emit(ctx, {
      phase: PHASE.composite,
      what: `${rebuild && dropsAttributes(a, b) ? 'rebuild' : 'alter'} type ${c.id}`,
      object: c.id,
      sql: step(a, b, ctx.from, ctx.to),
      reverse: step(b, a, ctx.to, ctx.from),
      destructive: a.attributes.some((x) => !b.attributes.some((y) => y.name === x.name)),
      // routines created over it come after; a dropped routine whose SQL-standard body calls one it drops goes first
      provides: [...(rebuild?.types ?? [c.id]).map((k) => `type:${bare(k)}`), ...fnNames.map((n) => `fn:${n}`)],
      requires: fnNames.map((n) => `dropfn:${n}`),
    });
  }
}

/** planSequence drafts the create, drop or alter of one sequence and its OWNED BY. */
function planSequence(ctx: PlanContext, c: ObjectChange<'sequence'>): void {
  const owned = (s: Sequence) => (s.ownedBy ? `${rel(s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)}` : 'NONE');
  // an owned sequence has its table's owner: a managed one is given to the sequence before OWNED BY, and taken back after
  const tableOwner = (s: Schema, sq: Sequence | undefined) =>
    sq?.ownedBy ? s.tables[sq.ownedBy.table]?.owner : undefined;
  const ownedStep = (id: string, a: Sequence | undefined, b: Sequence | undefined) => {
    const S = `SEQUENCE ${rel(id)}`;
    if (a?.ownedBy && fragmentKey(a.ownedBy) !== fragmentKey(b?.ownedBy)) {
      const was = tableOwner(ctx.from, a);
      emit(ctx, {
        phase: PHASE.detach,
        what: `disown sequence ${id}`,
        object: id,
        sql: [`ALTER SEQUENCE ${rel(id)} OWNED BY NONE`, ...(was !== undefined && b ? [ownerSql(S, b.owner)] : [])],
        reverse: [...(was !== undefined ? [ownerSql(S, was)] : []), `ALTER SEQUENCE ${rel(id)} OWNED BY ${owned(a)}`],
      });
    }
    if (b?.ownedBy && fragmentKey(a?.ownedBy) !== fragmentKey(b.ownedBy)) {
      const will = tableOwner(ctx.to, b);
      emit(ctx, {
        phase: PHASE.ownedBy,
        what: `sequence ${id} owned by ${b.ownedBy.table}.${b.ownedBy.column}`,
        object: id,
        sql: [...(will !== undefined ? [ownerSql(S, will)] : []), `ALTER SEQUENCE ${rel(id)} OWNED BY ${owned(b)}`],
        reverse: [`ALTER SEQUENCE ${rel(id)} OWNED BY NONE`, ...(will !== undefined ? [ownerSql(S, a?.owner)] : [])],
        requires: [`rel:${bare(b.ownedBy.table)}`],
      });
    }
  };
  // created where default privileges are in effect: they are taken back before its own grants
  const created = (d: Sequence) =>
    afterCreate(ctx, createSequence(c.id, d), `SEQUENCE ${rel(c.id)}`, d.schema, 'sequences', d.grants);
  if (c.op === 'add') {
    emit(ctx, {
      phase: PHASE.sequence,
      what: `create sequence ${c.id}`,
      object: c.id,
      sql: created(c.def),
      reverse: [`DROP SEQUENCE ${rel(c.id)}`],
      provides: [`rel:${bare(c.id)}`],
    });
    ownedStep(c.id, undefined, c.def);
  } else if (c.op === 'drop') {
    emit(ctx, {
      phase: PHASE.dropSequence,
      what: `drop sequence ${c.id}`,
      object: c.id,
      sql: [`DROP SEQUENCE ${rel(c.id)}`],
      // its counter is data: the reverse creates it at START, so ids handed out would be handed out again
      destructive: true,
      reverse: created(c.def),
    });
    ownedStep(c.id, c.def, undefined);
  } else {
    const a = c.from;
    const b = c.to;
    const sql: string[] = [];
    const rev: string[] = [];
    if (fragmentKey(a.options) !== fragmentKey(b.options)) {
      // a sequence still at its old start that the new range excludes must restart (at the new start)
      const restart = (x: typeof a.options, y: typeof a.options) => (restartNeeded(x, y) ? ' RESTART' : '');
      sql.push(
        `ALTER SEQUENCE ${rel(c.id)} ${seqOptions(b.options, { full: true, from: a.options ?? {} }).join(' ')}${restart(a.options, b.options)}`,
      );
      rev.push(
        `ALTER SEQUENCE ${rel(c.id)} ${seqOptions(a.options, { full: true, from: b.options ?? {} }).join(' ')}${restart(b.options, a.options)}`,
      );
    }
    if (!a.unlogged !== !b.unlogged) {
      const to = (u: boolean | undefined) => `ALTER SEQUENCE ${rel(c.id)} SET ${u ? 'UNLOGGED' : 'LOGGED'}`;
      sql.push(to(b.unlogged));
      rev.push(to(a.unlogged));
    }
    if (a.comment !== b.comment)
      (sql.push(commentOn('SEQUENCE', rel(c.id), b.comment)), rev.push(commentOn('SEQUENCE', rel(c.id), a.comment)));
    emit(ctx, { phase: PHASE.sequence, what: `alter sequence ${c.id}`, object: c.id, sql, reverse: rev });
    ownedStep(c.id, a, b);
  }
}

/** compareVersions orders dotted version strings numerically where they are numbers. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? +x - +y : x.localeCompare(y);
    if (d) return d;
  }
  return 0;
}
