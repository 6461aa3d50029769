/**
 * Steps for enums and domains: create, drop, alter, added values, and the rebuild of a type whose values or
 * base type change (columns converted through text, dependent checks, indexes, policies, triggers and routines
 * re-created around it).
 */
import type { Change } from '../model/changes.js';
import type { Column, CompositeType, Default, Domain, DomainCheck, EnumType, Func } from '../model/types.js';
import { fragmentKey, sameValue } from '../diff/index.js';
import { identifiersOf } from '../diff/sqltext.js';
import {
  addConstraint,
  commentOn,
  createComposite,
  createEnum,
  createFunction,
  createIndex,
  createPolicy,
  createTrigger,
  defaultSql,
  dropConstraint,
  dropFunction,
  dropIndex,
  dropPolicy,
  dropTrigger,
  nameOf,
  rel,
  schemaOf,
} from '../sql/ddl.js';
import { addDomainCheck, createDomain, domainCheckComment } from '../sql/domains.js';
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js';
import {
  bare,
  columnsOf,
  elementType,
  emit,
  PHASE,
  textKeys,
  typeDropKey,
  typeKeys,
  type PlanContext,
} from './context.js';
import { makeObjectName, truncateName, typeWidens } from './columns.js';
import { callersClosure } from './callers.js';
import { signatureNames } from './viewfuncs.js';

type ObjectChange<K extends Change['kind']> = Extract<Change, { op: 'add' | 'drop' | 'alter'; kind: K }>;

/** planEnumValues drafts the added values of each enum: ALTER TYPE ADD VALUE, or a rebuild when the type is used in this migration. */
export function planEnumValues(
  ctx: PlanContext,
  addValues: ReadonlyMap<string, Extract<Change, { op: 'add_value' }>[]>,
): void {
  for (const [id, adds] of addValues) {
    const e = rel(id);
    const fromEnum = ctx.from.enums[id]!;
    if (ctx.recreatedEnums.has(id)) {
      if (ctx.drafts.some((d) => d.step.object === id && d.phase === PHASE.enum)) continue; // already recreated for other reasons
      emit(ctx, {
        phase: PHASE.enum,
        what: `recreate enum ${id} (adds ${adds.map((a) => JSON.stringify(a.value)).join(', ')}, used in this migration)`,
        object: id,
        sql: recreateEnumSql(ctx, id, ctx.to.enums[id]!.values, 'from', 'to'),
        reverse: recreateEnumSql(ctx, id, fromEnum.values, 'to', 'from'),
        rewrite: true,
        lock: true,
        provides: [`type:${bare(id)}`],
      });
      continue;
    }
    // undoing it recreates the type: checks and partial indexes over its columns are rebuilt around that
    const deps = enumDependents(ctx, id);
    const sql = adds.map(
      (a) =>
        `ALTER TYPE ${e} ADD VALUE ${quoteLiteral(a.value)}${a.before !== undefined ? ` BEFORE ${quoteLiteral(a.before)}` : a.after !== undefined ? ` AFTER ${quoteLiteral(a.after)}` : ''}`,
    );
    emit(ctx, {
      phase: PHASE.enum + 0.5,
      what: `add value${adds.length > 1 ? 's' : ''} ${adds.map((a) => JSON.stringify(a.value)).join(', ')} to enum ${id}`,
      object: id,
      sql,
      reverse: [...deps.drop, ...recreateEnumSql(ctx, id, fromEnum.values, 'from', 'from'), ...deps.add],
      provides: [`type:${bare(id)}`],
    });
  }
}

/** planEnum drafts the create, drop, rebuild (values dropped or reordered) or comment of one enum. */
export function planEnum(ctx: PlanContext, c: ObjectChange<'enum'>): void {
  if (c.op === 'add')
    emit(ctx, {
      phase: PHASE.enum,
      what: `create enum ${c.id}`,
      object: c.id,
      sql: createEnum(c.id, c.def),
      reverse: [`DROP TYPE ${rel(c.id)}`],
      provides: [`type:${bare(c.id)}`],
      // a type of another kind by this name (a composite, range or domain) is dropped first
      requires: [typeDropKey(c.id)],
    });
  else if (c.op === 'drop')
    emit(ctx, {
      phase: PHASE.dropEnum,
      what: `drop enum ${c.id}`,
      object: c.id,
      sql: [`DROP TYPE ${rel(c.id)}`],
      reverse: createEnum(c.id, c.def),
      provides: [typeDropKey(c.id)],
    });
  else {
    const a = c.from as EnumType;
    const b = c.to as EnumType;
    if (c.attrs.some((x) => x.attr === 'values')) {
      const lost = a.values.filter((v) => !b.values.includes(v));
      emit(ctx, {
        phase: PHASE.enum,
        what: `recreate enum ${c.id}${lost.length ? ` (drops ${lost.map((v) => JSON.stringify(v)).join(', ')})` : ' (reorders values)'}`,
        object: c.id,
        sql: recreateEnumSql(ctx, c.id, b.values, 'from', 'to'),
        reverse: recreateEnumSql(ctx, c.id, a.values, 'to', 'from'),
        destructive: lost.length > 0,
        rewrite: true,
        lock: true,
        provides: [`type:${bare(c.id)}`],
      });
    } else if (a.comment !== b.comment) {
      emit(ctx, {
        phase: PHASE.comment,
        what: `comment on enum ${c.id}`,
        object: c.id,
        sql: [commentOn('TYPE', rel(c.id), b.comment)],
        reverse: [commentOn('TYPE', rel(c.id), a.comment)],
      });
    }
  }
}

/** planDomain drafts the create, drop, rebuild (base type or collation changed) or alter of one domain. */
export function planDomain(ctx: PlanContext, c: ObjectChange<'domain'>): void {
  const { ty } = ctx;
  const requires = (d: Domain) => [
    ...typeKeys(d.type),
    ...Object.values(d.checks).flatMap((x) => textKeys(x.expression)),
  ];
  if (c.op === 'add')
    emit(ctx, {
      phase: PHASE.domain,
      what: `create domain ${c.id}`,
      object: c.id,
      sql: createDomain(c.id, c.def, ty),
      reverse: [`DROP DOMAIN ${rel(c.id)}`],
      provides: [`type:${bare(c.id)}`],
      requires: [...requires(c.def), typeDropKey(c.id)],
    });
  else if (c.op === 'drop')
    emit(ctx, {
      phase: PHASE.dropDomain,
      what: `drop domain ${c.id}`,
      object: c.id,
      sql: [`DROP DOMAIN ${rel(c.id)}`],
      reverse: createDomain(c.id, c.def, ty),
      // a function its checks call is dropped after it (`dropfn:` keys, required by function drops)
      provides: [
        ...requires(c.def)
          .filter((k) => k.startsWith('fn:'))
          .map((k) => `drop${k}`),
        typeDropKey(c.id),
      ],
    });
  else if (ctx.recreatedEnums.has(c.id)) {
    emit(ctx, {
      phase: PHASE.domain,
      what: `recreate domain ${c.id} (type ${c.from.type} -> ${c.to.type})`,
      object: c.id,
      sql: recreateDomainSql(ctx, c.id, c.to, 'from', 'to'),
      reverse: recreateDomainSql(ctx, c.id, c.from, 'to', 'from'),
      destructive: !typeWidens(c.from.type, c.to.type),
      rewrite: true,
      lock: true,
      provides: [`type:${bare(c.id)}`],
      requires: requires(c.to),
    });
  } else
    emit(ctx, {
      phase: PHASE.domain,
      what: `alter domain ${c.id}`,
      object: c.id,
      sql: alterDomain(ctx, c.id, c.from, c.to),
      reverse: alterDomain(ctx, c.id, c.to, c.from),
      provides: [`type:${bare(c.id)}`],
      requires: requires(c.to),
    });
}

/** enumDependents writes the drop and re-create of unchanged checks and partial/expression indexes over columns of enum `id`. */
function enumDependents(ctx: PlanContext, id: string): { drop: string[]; add: string[] } {
  const drop: string[] = [];
  const add: string[] = [];
  const byTable = new Map<string, Set<string>>();
  for (const c of enumColumns(ctx, id)) {
    if (!byTable.has(c.table)) byTable.set(c.table, new Set());
    byTable.get(c.table)!.add(c.from.name.toLowerCase());
  }
  for (const [tid, cols] of byTable) {
    const ft = ctx.from.tables[tid];
    const tt = ctx.to.tables[tid];
    if (!ft || !tt) continue;
    const reads = (text: string | undefined) => !!text && [...identifiersOf(text)].some((n) => cols.has(n));
    for (const ck of Object.values(ft.checks)) {
      if (!reads(ck.expression) || !tt.checks[ck.name] || fragmentKey(tt.checks[ck.name]) !== fragmentKey(ck)) continue;
      drop.push(dropConstraint(tid, ck.name));
      add.push(addConstraint(tid, ck));
    }
    for (const ix of Object.values(ft.indexes)) {
      if (
        !(reads(ix.where) || ix.elements.some((x) => reads(x.expression))) ||
        !tt.indexes[ix.name] ||
        fragmentKey(tt.indexes[ix.name]) !== fragmentKey(ix)
      )
        continue;
      drop.push(dropIndex(tid, ix.name));
      add.push(...createIndex(tid, ix));
    }
    for (const p of Object.values(ft.policies)) {
      if (
        !(reads(p.using) || reads(p.withCheck)) ||
        !tt.policies[p.name] ||
        fragmentKey(tt.policies[p.name]) !== fragmentKey(p)
      )
        continue;
      drop.push(dropPolicy(tid, p.name));
      add.push(...createPolicy(tid, p));
    }
    for (const tr of Object.values(ft.triggers)) {
      if (
        !(reads(tr.when) || (tr.updateOf ?? []).some((c) => cols.has(c.toLowerCase()))) ||
        !tt.triggers[tr.name] ||
        fragmentKey(tt.triggers[tr.name]) !== fragmentKey(tr)
      )
        continue;
      drop.push(dropTrigger(tid, tr.name));
      add.push(...createTrigger(tid, tr));
    }
  }
  return { drop, add };
}

/** enumColumns lists the columns of existing tables whose type is enum `id` (or an array of it). */
const enumColumnCache = new WeakMap<PlanContext, Map<string, { table: string; from: Column; to?: Column }[]>>();

function enumColumns(ctx: PlanContext, id: string): { table: string; from: Column; to?: Column }[] {
  let byEnum = enumColumnCache.get(ctx);
  if (!byEnum) {
    byEnum = new Map();
    enumColumnCache.set(ctx, byEnum);
    const enums = new Set([
      ...Object.keys(ctx.from.enums),
      ...Object.keys(ctx.to.enums),
      ...Object.keys(ctx.from.domains),
      ...Object.keys(ctx.to.domains),
      ...Object.keys(ctx.from.composites),
      ...Object.keys(ctx.to.composites),
    ]);
    const skip = (t: string) => ctx.droppedTables.has(t);
    for (const { table, column: c, type } of columnsOf(ctx.from, (t) => enums.has(t), { arrays: true, skip })) {
      const tc = ctx.to.tables[table]?.columns.find((x) => x.name === c.name);
      if (!byEnum.has(type)) byEnum.set(type, []);
      byEnum.get(type)!.push({ table, from: c, to: tc && tc.type === c.type ? tc : undefined });
    }
  }
  return byEnum.get(id) ?? [];
}

/** plainDefault is a column's default on `side` that a type rebuild drops and sets again (not a serial's, identity's or generated one's). */
function plainDefault(c: { from: Column; to?: Column }, side: 'from' | 'to'): Default | undefined {
  const col = side === 'from' ? c.from : c.to;
  return col && !col.serial && !col.identity && !col.generated ? col.default : undefined;
}

/**
 * retypeColumns converts the columns of type `t` (or of arrays of it: enumColumns) to the type just built under that
 * name, through type `via` (text for an enum, the base type for a domain): the default they have on side `before` is
 * dropped first, the one of side `after` set after.
 */
function retypeColumns(
  ctx: PlanContext,
  t: string,
  via: string,
  before: 'from' | 'to',
  after: 'from' | 'to',
): string[] {
  const sql: string[] = [];
  for (const c of enumColumns(ctx, t)) {
    const C = `ALTER TABLE ${rel(c.table)} ALTER COLUMN ${quoteIdent(c.from.name)}`;
    const arr = /(\[\])+$/.exec(c.from.type)?.[0] ?? '';
    if (plainDefault(c, before)) sql.push(`${C} DROP DEFAULT`);
    sql.push(`${C} TYPE ${rel(t)}${arr} USING ${quoteIdent(c.from.name)}::${via}${arr}::${rel(t)}${arr}`);
    const d = plainDefault(c, after);
    if (d) sql.push(`${C} SET DEFAULT ${defaultSql(d)}`);
  }
  return sql;
}

/**
 * recreateEnumSql rebuilds enum `id` with `values`: rename the old type away, create the new one, convert every
 * column through text, drop the old type. `before`/`after` say which side's defaults the columns have
 * before and get after ('from' = the source model, 'to' = the target model).
 */
function recreateEnumSql(
  ctx: PlanContext,
  id: string,
  values: readonly string[],
  before: 'from' | 'to',
  after: 'from' | 'to',
): string[] {
  const name = nameOf(id);
  const schema = schemaOf(id);
  const tmp = truncateName(`${name}__old`);
  const e = ctx.from.enums[id] ?? ctx.to.enums[id]!;
  const other = after === 'from' ? ctx.from : ctx.to;
  // domains and composites over the enum (transitively) would keep the old type and block its DROP TYPE: each is
  // rebuilt the same way (renamed away, created again over the new type, its columns converted through text)
  const deps = typesOver(ctx, id, other);
  // routines taking or returning the type would follow it to the old name: drop them first, create them after
  const fns = [...new Map([id, ...deps.map((d) => d.id)].flatMap((t) => typedFunctions(ctx, t, before)))];
  const sql = [
    ...[...fns].reverse().map(([, f]) => dropFunction(f)),
    `ALTER TYPE ${rel(id)} RENAME TO ${quoteIdent(tmp)}`,
    ...createEnum(id, { ...e, values, comment: (after === 'to' ? ctx.to.enums[id] : e)?.comment }),
  ];
  // each is parked under one name while its successor is built, and dropped by that name at the end
  const word = (d: TypeOver) => (d.kind === 'domain' ? 'DOMAIN' : 'TYPE');
  const parked = (d: TypeOver) => truncateName(`${nameOf(d.id)}__old`);
  for (const d of deps) {
    sql.push(`ALTER ${word(d)} ${rel(d.id)} RENAME TO ${quoteIdent(parked(d))}`);
    sql.push(...(d.kind === 'domain' ? createDomain(d.id, d.def, ctx.ty) : createComposite(d.id, d.def, ctx.ty)));
  }
  for (const t of [id, ...deps.map((d) => d.id)]) sql.push(...retypeColumns(ctx, t, 'text', before, after));
  for (const d of [...deps].reverse()) sql.push(`DROP ${word(d)} ${qualified(schemaOf(d.id), parked(d))}`);
  sql.push(`DROP TYPE ${qualified(schema, tmp)}`);
  for (const [k, f] of fns) sql.push(...createFunction(other.functions[k] ?? f));
  return sql;
}

type TypeOver =
  | { readonly kind: 'domain'; readonly id: string; readonly def: Domain }
  | { readonly kind: 'composite'; readonly id: string; readonly def: CompositeType };

/**
 * typesOver lists the domains and composite types built on type `id` (a domain's base type, a composite's attribute,
 * arrays of it too), transitively, in creation order, as `side` defines them; only those alike on both sides, as a
 * changed one is planned on its own.
 */
function typesOver(ctx: PlanContext, id: string, side: typeof ctx.from): TypeOver[] {
  const out: TypeOver[] = [];
  const seen = new Set([id]);
  for (let i = -1; i < out.length; i++) {
    const on = i < 0 ? id : out[i]!.id;
    for (const [did, d] of Object.entries(side.domains)) {
      if (seen.has(did) || elementType(d.type) !== on) continue;
      if (fragmentKey(ctx.from.domains[did]) !== fragmentKey(ctx.to.domains[did])) continue;
      seen.add(did);
      out.push({ kind: 'domain', id: did, def: d });
    }
    for (const [cid, c] of Object.entries(side.composites)) {
      if (seen.has(cid) || !c.attributes.some((a) => elementType(a.type) === on)) continue;
      if (fragmentKey(ctx.from.composites[cid]) !== fragmentKey(ctx.to.composites[cid])) continue;
      seen.add(cid);
      out.push({ kind: 'composite', id: cid, def: c });
    }
  }
  return out;
}

/**
 * typedFunctions lists the routines of one side whose arguments or result name type `id`, then the unchanged ones
 * whose SQL-standard body calls one of those (PostgreSQL records that dependency: the DROP FUNCTION would fail), each
 * after those it calls: drop them in reverse, create them in order.
 */
function typedFunctions(ctx: PlanContext, id: string, side: 'from' | 'to'): [string, Func][] {
  const name = bare(id);
  const all = (side === 'from' ? ctx.from : ctx.to).functions;
  const entries = Object.entries(all);
  const typed = entries.filter(([, f]) => signatureNames(f, name));
  const unchanged = (key: string) => sameValue(ctx.from.functions[key], ctx.to.functions[key]);
  return [...callersClosure(entries, { routines: typed }, unchanged).keys()].map((k) => [k, all[k]!]);
}

/** recreateDomainSql rebuilds domain `id` as `d` (a base type or collation change): rename away, create, convert columns, drop. */
function recreateDomainSql(
  ctx: PlanContext,
  id: string,
  d: Domain,
  before: 'from' | 'to',
  after: 'from' | 'to',
): string[] {
  const tmp = truncateName(`${nameOf(id)}__old`);
  // routines taking or returning the domain would follow it to the old name: drop them first, create them after
  const fns = typedFunctions(ctx, id, before);
  const sql = [
    ...[...fns].reverse().map(([, f]) => dropFunction(f)),
    `ALTER DOMAIN ${rel(id)} RENAME TO ${quoteIdent(tmp)}`,
    ...createDomain(id, d, ctx.ty),
  ];
  sql.push(...retypeColumns(ctx, id, ctx.ty(d.type), before, after));
  sql.push(`DROP DOMAIN ${qualified(schemaOf(id), tmp)}`);
  const other = after === 'from' ? ctx.from : ctx.to;
  for (const [k, f] of fns) sql.push(...createFunction(other.functions[k] ?? f));
  return sql;
}

/** checkKey compares domain checks as constraints: a comment alone is changed in place, not by a new constraint. */
export const checkKey = (c: DomainCheck): string => fragmentKey({ ...c, comment: undefined });

/** alterDomain writes the statements turning domain `a` into `b`. */
function alterDomain(ctx: PlanContext, id: string, a: Domain, b: Domain): string[] {
  const D = `ALTER DOMAIN ${rel(id)}`;
  if (a.type !== b.type || (a.collation ?? '') !== (b.collation ?? ''))
    return [`DROP DOMAIN ${rel(id)}`, ...createDomain(id, b, ctx.ty)];
  const out: string[] = [];
  if (fragmentKey(a.default) !== fragmentKey(b.default))
    out.push(b.default ? `${D} SET DEFAULT ${defaultSql(b.default)}` : `${D} DROP DEFAULT`);
  if (b.nullable) {
    if (!a.nullable) out.push(`${D} DROP NOT NULL`);
  } else if (a.nullable)
    out.push(
      b.notNullName !== undefined ? `${D} ADD CONSTRAINT ${quoteIdent(b.notNullName)} NOT NULL` : `${D} SET NOT NULL`,
    );
  else if (a.notNullName === undefined && b.notNullName !== undefined)
    // PostgreSQL's own name may be a renamed domain's old one: the constraint is made again under the declared name
    out.push(`${D} DROP NOT NULL`, `${D} ADD CONSTRAINT ${quoteIdent(b.notNullName)} NOT NULL`);
  else if (a.notNullName !== undefined && a.notNullName !== b.notNullName) {
    const own = makeObjectName(nameOf(id), undefined, 'not_null'); // the name CREATE DOMAIN ... NOT NULL gives it
    out.push(`${D} RENAME CONSTRAINT ${quoteIdent(a.notNullName)} TO ${quoteIdent(b.notNullName ?? own)}`);
  }
  for (const [name, ch] of Object.entries(a.checks)) {
    const nb = b.checks[name];
    if (!nb || checkKey(nb) !== checkKey(ch)) out.push(`${D} DROP CONSTRAINT ${quoteIdent(name)}`);
  }
  for (const [name, ch] of Object.entries(b.checks)) {
    const na = a.checks[name];
    if (!na || checkKey(na) !== checkKey(ch)) out.push(...addDomainCheck(id, ch));
    else if (na.comment !== ch.comment) out.push(domainCheckComment(id, name, ch.comment));
  }
  if (a.comment !== b.comment) out.push(commentOn('DOMAIN', rel(id), b.comment));
  return out;
}
