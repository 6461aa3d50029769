/**
 * Steps for schema-level objects: renames, extensions, schemas, enums (values and recreation), composites,
 * domains, functions and sequences. Tables and views are in ./build.ts.
 */
import type { AlterChange, Change } from '../model/changes.js';
import type { Column, Default, Domain, EnumType, Func, Namespace, Sequence } from '../model/types.js';
import { stableJson } from '../diff/index.js';
import { identifiersOf } from '../diff/sqltext.js';
import {
  addConstraint,
  commentOn,
  createComposite,
  createIndex,
  createPolicy,
  createTrigger,
  dropConstraint,
  dropIndex,
  dropPolicy,
  dropTrigger,
  createDomain,
  createEnum,
  createExtension,
  createFunction,
  createSequence,
  defaultSql,
  dottedName,
  dropFunction,
  funcSignature,
  indexRef,
  nameOf,
  rel,
  schemaOf,
  seqOptions,
  restartNeeded,
  viewKind,
} from '../sql/ddl.js';
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js';
import { createGrants } from '../sql/grants.js';
import { emit, funcNeedsDrop, PHASE, textKeys, typeKeys, type PlanContext } from './context.js';
import { truncateName, typeWidens } from './columns.js';
import { signatureNames } from './viewfuncs.js';

const bare = (id: string) => nameOf(id).toLowerCase();

/** planObjects drafts the steps of every non-table, non-view change. */
export function planObjects(ctx: PlanContext, all: readonly Change[]): void {
  const addValues = new Map<string, Extract<Change, { op: 'add_value' }>[]>();
  const droppedRels = new Set<string>();
  for (const c of all) if (c.op === 'drop' && (c.kind === 'view' || c.kind === 'table')) droppedRels.add(bare(c.id));
  for (const c of all) if (c.op === 'alter' && c.kind === 'view') droppedRels.add(bare(c.id));
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
          planObject(ctx, c as Extract<Change, { op: 'add' | 'drop' | 'alter' }>, droppedRels);
          break;
        default:
          break;
      }
    }
  }
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
      if (!reads(ck.expression) || !tt.checks[ck.name] || stableJson(tt.checks[ck.name]) !== stableJson(ck)) continue;
      drop.push(dropConstraint(tid, ck.name));
      add.push(addConstraint(tid, ck));
    }
    for (const ix of Object.values(ft.indexes)) {
      if (
        !(reads(ix.where) || ix.elements.some((x) => reads(x.expression))) ||
        !tt.indexes[ix.name] ||
        stableJson(tt.indexes[ix.name]) !== stableJson(ix)
      )
        continue;
      drop.push(dropIndex(tid, ix.name));
      add.push(...createIndex(tid, ix));
    }
    for (const p of Object.values(ft.policies)) {
      if (
        !(reads(p.using) || reads(p.withCheck)) ||
        !tt.policies[p.name] ||
        stableJson(tt.policies[p.name]) !== stableJson(p)
      )
        continue;
      drop.push(dropPolicy(tid, p.name));
      add.push(...createPolicy(tid, p));
    }
    for (const tr of Object.values(ft.triggers)) {
      if (
        !(reads(tr.when) || (tr.updateOf ?? []).some((c) => cols.has(c.toLowerCase()))) ||
        !tt.triggers[tr.name] ||
        stableJson(tt.triggers[tr.name]) !== stableJson(tr)
      )
        continue;
      drop.push(dropTrigger(tid, tr.name));
      add.push(...createTrigger(tid, tr));
    }
  }
  return { drop, add };
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
    default:
      sub(
        0.6,
        `rename constraint ${c.table}.${c.fromId} to ${c.id}`,
        `ALTER TABLE ${rel(c.table!)} RENAME CONSTRAINT ${quoteIdent(c.fromId)} TO ${quoteIdent(c.id)}`,
        `ALTER TABLE ${rel(c.table!)} RENAME CONSTRAINT ${quoteIdent(c.id)} TO ${quoteIdent(c.fromId)}`,
      );
  }
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
    ]);
    for (const [tid, t] of Object.entries(ctx.from.tables)) {
      if (ctx.droppedTables.has(tid)) continue;
      for (const c of t.columns) {
        const base = c.type.endsWith(']') ? c.type.replace(/(\[\])+$/, '') : c.type;
        if (!enums.has(base)) continue;
        const tc = ctx.to.tables[tid]?.columns.find((x) => x.name === c.name);
        if (!byEnum.has(base)) byEnum.set(base, []);
        byEnum.get(base)!.push({ table: tid, from: c, to: tc && tc.type === c.type ? tc : undefined });
      }
    }
  }
  return byEnum.get(id) ?? [];
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
  const def = (c: { from: Column; to?: Column }, side: 'from' | 'to'): Default | undefined => {
    const col = side === 'from' ? c.from : c.to;
    return col && !col.serial && !col.identity && !col.generated ? col.default : undefined;
  };
  const e = ctx.from.enums[id] ?? ctx.to.enums[id]!;
  // routines taking or returning the type would follow it to the old name: drop them first, create them after
  const fns = typedFunctions(ctx, id, before);
  const sql = [
    ...fns.map((f) => dropFunction(f)),
    `ALTER TYPE ${rel(id)} RENAME TO ${quoteIdent(tmp)}`,
    ...createEnum(id, { ...e, values, comment: (after === 'to' ? ctx.to.enums[id] : e)?.comment }),
  ];
  for (const c of enumColumns(ctx, id)) {
    const C = `ALTER TABLE ${rel(c.table)} ALTER COLUMN ${quoteIdent(c.from.name)}`;
    const arr = /(\[\])+$/.exec(c.from.type)?.[0] ?? '';
    if (def(c, before)) sql.push(`${C} DROP DEFAULT`);
    sql.push(`${C} TYPE ${rel(id)}${arr} USING ${quoteIdent(c.from.name)}::text${arr}::${rel(id)}${arr}`);
    const d = def(c, after);
    if (d) sql.push(`${C} SET DEFAULT ${defaultSql(d)}`);
  }
  sql.push(`DROP TYPE ${qualified(schema, tmp)}`);
  const other = after === 'from' ? ctx.from : ctx.to;
  for (const f of fns) sql.push(...createFunction(other.functions[funcKey(ctx, f, before)] ?? f));
  return sql;
}

/** typedFunctions lists the routines of one side whose arguments or result name type `id`. */
function typedFunctions(ctx: PlanContext, id: string, side: 'from' | 'to'): Func[] {
  const name = bare(id);
  const fns = Object.values((side === 'from' ? ctx.from : ctx.to).functions);
  return fns.filter((f) => identifiersOf(`${f.args} ${f.returns}`).has(name));
}

/** funcKey finds the id under which `f` is stored on its side. */
function funcKey(ctx: PlanContext, f: Func, side: 'from' | 'to'): string {
  const all = (side === 'from' ? ctx.from : ctx.to).functions;
  return Object.keys(all).find((k) => all[k] === f) ?? '';
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
  const def = (c: { from: Column; to?: Column }, side: 'from' | 'to'): Default | undefined => {
    const col = side === 'from' ? c.from : c.to;
    return col && !col.serial && !col.identity && !col.generated ? col.default : undefined;
  };
  const sql = [`ALTER DOMAIN ${rel(id)} RENAME TO ${quoteIdent(tmp)}`, ...createDomain(id, d, ctx.ty)];
  for (const c of enumColumns(ctx, id)) {
    const C = `ALTER TABLE ${rel(c.table)} ALTER COLUMN ${quoteIdent(c.from.name)}`;
    const arr = /(\[\])+$/.exec(c.from.type)?.[0] ?? '';
    if (def(c, before)) sql.push(`${C} DROP DEFAULT`);
    sql.push(`${C} TYPE ${rel(id)}${arr} USING ${quoteIdent(c.from.name)}::${ctx.ty(d.type)}${arr}::${rel(id)}${arr}`);
    const dd = def(c, after);
    if (dd) sql.push(`${C} SET DEFAULT ${defaultSql(dd)}`);
  }
  sql.push(`DROP DOMAIN ${qualified(schemaOf(id), tmp)}`);
  return sql;
}

function planObject(
  ctx: PlanContext,
  c: Extract<Change, { op: 'add' | 'drop' | 'alter' }>,
  droppedRels: ReadonlySet<string>,
): void {
  const { ty } = ctx;
  switch (c.kind) {
    case 'extension': {
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
        if (a.schema !== b.schema && b.schema)
          (sql.push(`${E} SET SCHEMA ${quoteIdent(b.schema)}`),
            a.schema && rev.push(`${E} SET SCHEMA ${quoteIdent(a.schema)}`));
        if (a.version !== b.version && b.version) {
          // extensions ship upgrade scripts only: going back to an older version means re-creating it
          const to = (v: string, from?: string) =>
            from && compareVersions(v, from) < 0
              ? [drop(b.name), ...createExtension({ ...b, version: v, comment: undefined })]
              : [`${E} UPDATE TO ${quoteLiteral(v)}`];
          sql.push(...to(b.version, a.version));
          if (a.version) rev.push(...to(a.version, b.version).reverse());
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
        });
      }
      return;
    }
    case 'namespace': {
      const create = (n: Namespace) => [
        `CREATE SCHEMA ${quoteIdent(n.name)}`,
        ...(n.comment !== undefined ? [commentOn('SCHEMA', quoteIdent(n.name), n.comment)] : []),
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
          sql: [commentOn('SCHEMA', quoteIdent(c.to.name), c.to.comment)],
          reverse: [commentOn('SCHEMA', quoteIdent(c.to.name), c.from.comment)],
        });
      return;
    }
    case 'enum': {
      if (c.op === 'add')
        emit(ctx, {
          phase: PHASE.enum,
          what: `create enum ${c.id}`,
          object: c.id,
          sql: createEnum(c.id, c.def),
          reverse: [`DROP TYPE ${rel(c.id)}`],
          provides: [`type:${bare(c.id)}`],
        });
      else if (c.op === 'drop')
        emit(ctx, {
          phase: PHASE.dropEnum,
          what: `drop enum ${c.id}`,
          object: c.id,
          sql: [`DROP TYPE ${rel(c.id)}`],
          reverse: createEnum(c.id, c.def),
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
      return;
    }
    case 'composite': {
      if (c.op === 'add')
        emit(ctx, {
          phase: PHASE.composite,
          what: `create type ${c.id}`,
          object: c.id,
          sql: createComposite(c.id, c.def, ty),
          reverse: [`DROP TYPE ${rel(c.id)}`],
          provides: [`type:${bare(c.id)}`],
          requires: c.def.attributes.flatMap((x) => typeKeys(x.type)),
        });
      else if (c.op === 'drop')
        emit(ctx, {
          phase: PHASE.dropComposite,
          what: `drop type ${c.id}`,
          object: c.id,
          sql: [`DROP TYPE ${rel(c.id)}`],
          reverse: createComposite(c.id, c.def, ty),
        });
      else {
        const a = c.from;
        const b = c.to;
        const T = `ALTER TYPE ${rel(c.id)}`;
        const step = (x: typeof a, y: typeof b): string[] => {
          const out: string[] = [];
          for (const at of x.attributes)
            if (!y.attributes.some((z) => z.name === at.name)) out.push(`${T} DROP ATTRIBUTE ${quoteIdent(at.name)}`);
          for (const at of y.attributes) {
            const old = x.attributes.find((z) => z.name === at.name);
            const coll = at.collation ? ` COLLATE ${dottedName(at.collation)}` : '';
            if (!old) out.push(`${T} ADD ATTRIBUTE ${quoteIdent(at.name)} ${ty(at.type)}${coll}`);
            else if (old.type !== at.type || old.collation !== at.collation)
              out.push(`${T} ALTER ATTRIBUTE ${quoteIdent(at.name)} TYPE ${ty(at.type)}${coll}`);
          }
          if (x.comment !== y.comment) out.push(commentOn('TYPE', rel(c.id), y.comment));
          return out;
        };
        emit(ctx, {
          phase: PHASE.composite,
          what: `alter type ${c.id}`,
          object: c.id,
          sql: step(a, b),
          reverse: step(b, a),
          destructive: a.attributes.some((x) => !b.attributes.some((y) => y.name === x.name)),
        });
      }
      return;
    }
    case 'domain': {
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
          requires: requires(c.def),
        });
      else if (c.op === 'drop')
        emit(ctx, {
          phase: PHASE.dropDomain,
          what: `drop domain ${c.id}`,
          object: c.id,
          sql: [`DROP DOMAIN ${rel(c.id)}`],
          reverse: createDomain(c.id, c.def, ty),
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
      return;
    }
    case 'function': {
      // an SQL body is checked when it is created: the tables it names, with their new columns, come first
      const requires = (f: Func) => [
        ...textKeys(f.args),
        ...textKeys(f.returns),
        ...(f.language.toLowerCase() === 'sql' ? [...textKeys(f.body), ...colKeys(f.body)] : []),
      ];
      const fid = c.op === 'alter' ? c.to : c.def;
      const provides = [`fn:${fid.name.toLowerCase()}`];
      if (c.op === 'add')
        emit(ctx, {
          phase: PHASE.func,
          what: `create function ${c.id}`,
          object: c.id,
          sql: createFunction(c.def),
          reverse: [dropFunction(c.def)],
          provides,
          requires: requires(c.def),
        });
      else if (c.op === 'drop') {
        // an SQL function over relations that go away is dropped before them (its body is checked when re-created on down)
        const early =
          (c.def.language.toLowerCase() === 'sql' && [...identifiersOf(c.def.body)].some((n) => droppedRels.has(n))) ||
          [...droppedRels].some((n) => signatureNames(c.def, n));
        // a function whose argument names change is a new function of the same signature: drop the old one first
        const clash = Object.values(ctx.to.functions).some((f) => f !== c.def && sameSignature(f, c.def));
        emit(ctx, {
          phase: early ? PHASE.dropTrigger + 0.5 : clash ? PHASE.func - 0.5 : PHASE.dropFunc,
          what: `drop function ${c.id}`,
          object: c.id,
          sql: [dropFunction(c.def)],
          reverse: createFunction(c.def),
        });
      } else {
        const a = c.from;
        const b = c.to;
        if ((c as AlterChange).attrs.every((x) => x.attr === 'comment')) {
          const w = b.procedure ? 'PROCEDURE' : 'FUNCTION';
          emit(ctx, {
            phase: PHASE.comment,
            what: `comment on function ${c.id}`,
            object: c.id,
            sql: [commentOn(w, funcSignature(b), b.comment)],
            reverse: [commentOn(w, funcSignature(a), a.comment)],
          });
        } else if (funcNeedsDrop(a, b)) {
          emit(ctx, {
            phase: PHASE.func,
            what: `recreate function ${c.id}`,
            object: c.id,
            sql: [dropFunction(a), ...createFunction(b)],
            reverse: [dropFunction(b), ...createFunction(a)],
            provides,
            requires: requires(b),
          });
        } else {
          const rep = (x: Func, y: Func) => [
            ...createFunction(y, true),
            ...(x.comment !== y.comment && y.comment === undefined
              ? [commentOn(y.procedure ? 'PROCEDURE' : 'FUNCTION', funcSignature(y), undefined)]
              : []),
          ];
          emit(ctx, {
            phase: PHASE.func,
            what: `replace function ${c.id}`,
            object: c.id,
            sql: rep(a, b),
            reverse: rep(b, a),
            provides,
            requires: requires(b),
          });
        }
      }
      return;
    }
    case 'sequence': {
      const owned = (s: Sequence) => (s.ownedBy ? `${rel(s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)}` : 'NONE');
      const ownedStep = (id: string, a: Sequence | undefined, b: Sequence | undefined) => {
        if (a?.ownedBy && stableJson(a.ownedBy) !== stableJson(b?.ownedBy)) {
          emit(ctx, {
            phase: PHASE.detach,
            what: `disown sequence ${id}`,
            object: id,
            sql: [`ALTER SEQUENCE ${rel(id)} OWNED BY NONE`],
            reverse: [`ALTER SEQUENCE ${rel(id)} OWNED BY ${owned(a)}`],
          });
        }
        if (b?.ownedBy && stableJson(a?.ownedBy) !== stableJson(b.ownedBy)) {
          emit(ctx, {
            phase: PHASE.ownedBy,
            what: `sequence ${id} owned by ${b.ownedBy.table}.${b.ownedBy.column}`,
            object: id,
            sql: [`ALTER SEQUENCE ${rel(id)} OWNED BY ${owned(b)}`],
            reverse: [`ALTER SEQUENCE ${rel(id)} OWNED BY NONE`],
            requires: [`rel:${bare(b.ownedBy.table)}`],
          });
        }
      };
      if (c.op === 'add') {
        emit(ctx, {
          phase: PHASE.sequence,
          what: `create sequence ${c.id}`,
          object: c.id,
          sql: createSequence(c.id, c.def),
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
          reverse: createSequence(c.id, c.def),
        });
        ownedStep(c.id, c.def, undefined);
      } else {
        const a = c.from;
        const b = c.to;
        const sql: string[] = [];
        const rev: string[] = [];
        if (stableJson(a.options) !== stableJson(b.options)) {
          // a sequence still at its old start that the new range excludes must restart (at the new start)
          const restart = (x: typeof a.options, y: typeof a.options) => (restartNeeded(x, y) ? ' RESTART' : '');
          sql.push(
            `ALTER SEQUENCE ${rel(c.id)} ${seqOptions(b.options, true).join(' ')}${restart(a.options, b.options)}`,
          );
          rev.push(
            `ALTER SEQUENCE ${rel(c.id)} ${seqOptions(a.options, true).join(' ')}${restart(b.options, a.options)}`,
          );
        }
        if (a.comment !== b.comment)
          (sql.push(commentOn('SEQUENCE', rel(c.id), b.comment)),
            rev.push(commentOn('SEQUENCE', rel(c.id), a.comment)));
        emit(ctx, { phase: PHASE.sequence, what: `alter sequence ${c.id}`, object: c.id, sql, reverse: rev });
        ownedStep(c.id, a, b);
      }
      return;
    }
    default:
      return;
  }
}

/** colKeys lists the `cols:` keys (a table's added or altered columns) of the names a text mentions. */
function colKeys(text: string): string[] {
  return [...identifiersOf(text)].map((n) => `cols:${n}`);
}

/** sameSignature tells whether two functions have one name and one list of argument types (names and modes aside). */
function sameSignature(a: Func, b: Func): boolean {
  if (a.schema !== b.schema || a.name !== b.name || !!a.procedure !== !!b.procedure) return false;
  const xs = splitArgs(a.identityArgs);
  const ys = splitArgs(b.identityArgs);
  return xs.length === ys.length && xs.every((x, i) => argTypeOf(x).some((t) => argTypeOf(ys[i]!).includes(t)));
}

/** splitArgs splits an argument list at top-level commas. */
function splitArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of args) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) (out.push(cur.trim()), (cur = ''));
    else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** argTypeOf gives the readings of one argument's type: as written, and without a leading name (mode dropped). */
function argTypeOf(arg: string): string[] {
  const t = arg.replace(/^(IN|OUT|INOUT|VARIADIC)\s+/i, '').trim();
  const m = /^("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s+(.+)$/.exec(t);
  return m ? [t, m[2]!.trim()] : [t];
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

/** alterDomain writes the statements turning domain `a` into `b`. */
function alterDomain(ctx: PlanContext, id: string, a: Domain, b: Domain): string[] {
  const D = `ALTER DOMAIN ${rel(id)}`;
  if (a.type !== b.type || (a.collation ?? '') !== (b.collation ?? ''))
    return [`DROP DOMAIN ${rel(id)}`, ...createDomain(id, b, ctx.ty)];
  const out: string[] = [];
  if (stableJson(a.default) !== stableJson(b.default))
    out.push(b.default ? `${D} SET DEFAULT ${defaultSql(b.default)}` : `${D} DROP DEFAULT`);
  if (a.nullable !== b.nullable) out.push(`${D} ${b.nullable ? 'DROP' : 'SET'} NOT NULL`);
  for (const [name, ch] of Object.entries(a.checks)) {
    const nb = b.checks[name];
    if (!nb || stableJson(nb) !== stableJson(ch)) out.push(`${D} DROP CONSTRAINT ${quoteIdent(name)}`);
  }
  for (const [name, ch] of Object.entries(b.checks)) {
    const na = a.checks[name];
    if (!na || stableJson(na) !== stableJson(ch))
      out.push(`${D} ADD CONSTRAINT ${quoteIdent(name)} CHECK (${ch.expression})${ch.notValid ? ' NOT VALID' : ''}`);
  }
  if (a.comment !== b.comment) out.push(commentOn('DOMAIN', rel(id), b.comment));
  return out;
}
