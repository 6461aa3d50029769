/**
 * Steps for the parts of an existing table or view: columns, constraints, indexes, triggers, policies,
 * foreign keys and table-level attributes (RLS, partition attach/detach, inheritance, logging, comment).
 */
import type { AddChange, AlterChange, DropChange, TablePartChange } from '../model/changes.js';
import {
  assertNever,
  type Column,
  type ForeignKey,
  type Index,
  type Policy,
  type Table,
  type Trigger,
} from '../model/types.js';
import {
  addConstraint,
  commentOn,
  createIndex,
  createPolicy,
  createTrigger,
  dropConstraint,
  dropPolicy,
  dropTrigger,
  constraintComment,
  indexRef,
  rel,
  type TableConstraint,
} from '../sql/ddl.js';
import { quoteIdent } from '../sql/quote.js';
import { columnRequires, generatedOverRetyped, splitRecreatedColumn } from './generated.js';
import { addColumn, alterColumn, dropColumn, NO_CAST, serialSequenceId, type ColumnSql } from './columns.js';
import { SchemaverError } from '../errors.js';
import { bare, elementType, emit, PHASE, textKeys, type PlanContext } from './context.js';
import { addDropAlter, commentStep, keyCommentStep, paramsStep, planInPlace } from './partsteps.js';
import { markOnCreate, markOnRecreate } from './cluster.js';
import { checksAcross, keptAcross, notValidCopies } from './checkcopies.js';
import { copyNameOf, keyRenamesAfterAttach } from './keynames.js';
import { planValidity } from './validity.js';
import {
  boundText,
  childrenOf,
  keptCopy,
  adoptedCopy,
  inheritedForm,
  partitionCopies,
  partitionDefaults,
  createReverse,
  droppedWithParent,
  dropIndexSql,
  parentIndexRequires,
  keyNotNullDrops,
  recreatedChildren,
} from './partindex.js';

/** fkDrop drafts dropping a foreign key. */
export function fkDrop(ctx: PlanContext, table: string, fk: ForeignKey): void {
  emit(ctx, {
    phase: PHASE.dropFk,
    what: `drop foreign key ${fk.name} on ${table}`,
    object: `${table}.${fk.name}`,
    sql: [dropConstraint(table, fk.name)],
    reverse: [addConstraint(table, fk), ...constraintComment(table, fk)],
  });
}

/** fkAdd drafts adding a foreign key. */
export function fkAdd(ctx: PlanContext, table: string, fk: ForeignKey, existing: boolean): void {
  emit(ctx, {
    phase: PHASE.addFk,
    what: `add foreign key ${fk.name} on ${table}`,
    object: `${table}.${fk.name}`,
    sql: [addConstraint(table, fk), ...constraintComment(table, fk)],
    reverse: [dropConstraint(table, fk.name)],
    lock: existing && !fk.notValid && !fk.notEnforced,
    requires: [`rel:${bare(fk.refTable)}`],
  });
}

/**
 * partitionOverride drafts a partition's own NOT NULL / DEFAULT on an inherited column (the model lists such a
 * column on the partition), or an INHERITS child's own default or comment on its parent's column (`inherited`), as
 * ALTER COLUMN from or back to the parent's, since the table has no column of its own to add or drop; returns false
 * when the change is a real column's.
 */
function partitionOverride(ctx: PlanContext, t: string, c: AddChange | DropChange): boolean {
  const col = c.def as Column;
  const there = inheritedForm(ctx, c.op, t, col);
  if (!there || ctx.createdTables.has(t) || ctx.droppedTables.has(t)) return false;
  const [a, b] = c.op === 'add' ? [there, col] : [col, there];
  emit(ctx, {
    phase: c.op === 'add' ? PHASE.alterTable : PHASE.dropColumn,
    what: `${c.op === 'add' ? 'set' : 'reset'} ${col.inherited ? 'inherited' : 'partition'} column ${t}.${col.name}`,
    object: `${t}.${col.name}`,
    // SET/DROP DEFAULT reaches the table's own children: their own defaults are given back
    sql: [...alterColumn(t, a, b, ctx.ty, ctx.enums).sql, ...partitionDefaults(ctx, 'to', t, col.name)],
    reverse: [...alterColumn(t, b, a, ctx.ty, ctx.enums).sql, ...partitionDefaults(ctx, 'from', t, col.name)],
  });
  return true;
}

/** planSubObject drafts a change of a column, constraint, index, trigger or policy of an existing table/view. */
export function planSubObject(ctx: PlanContext, c: TablePartChange): void {
  const t = c.table!;
  const obj = `${t}.${c.id}`;
  switch (c.kind) {
    case 'column':
      if ((c.op === 'add' || c.op === 'drop') && partitionOverride(ctx, t, c)) return;
      return planColumnChange(ctx, c, t, obj);
    case 'primary_key':
    case 'unique':
    case 'check':
    case 'exclusion':
    case 'foreign_key':
      return planConstraintChange(ctx, c, t, obj);
    case 'index':
      return planIndexChange(ctx, c, t, obj);
    case 'trigger':
      return planTriggerChange(ctx, c, t, obj);
    case 'policy':
      return planPolicyChange(ctx, c, t, obj);
    default:
      assertNever(c);
  }
}

/** planColumnChange drafts adding, dropping or altering one column of an existing table. */
function planColumnChange(
  ctx: PlanContext,
  c: Extract<TablePartChange, { kind: 'column' }>,
  t: string,
  obj: string,
): void {
  if (c.op === 'add') {
    const s = addColumn(t, c.def, ctx.ty, ctx.to);
    emit(ctx, {
      phase: PHASE.alterTable,
      what: `add column ${obj}`,
      object: obj,
      sql: s.sql,
      reverse: dropColumn(t, c.def).sql,
      rewrite: s.rewrite,
      lock: s.lock,
      requires: columnRequires(c.def),
      provides: [`cols:${bare(t)}`], // SQL routine bodies naming the table's columns come after
    });
  } else if (c.op === 'drop') {
    const s = dropColumn(t, c.def);
    emit(ctx, {
      phase: PHASE.dropColumn,
      what: `drop column ${obj}`,
      object: obj,
      sql: s.sql,
      reverse: addColumn(t, c.def, ctx.ty).sql,
      destructive: true,
    });
  } else if (c.op === 'alter') {
    let a = c.from as Column;
    const b = c.to as Column;
    if (ctx.recreatedEnums.has(elementType(a.type)) && a.type === b.type) {
      // the enum's recreate step already reset this column's default to the target one
      const { default: _old, ...rest } = a;
      a = (b.default ? { ...rest, default: b.default } : rest) as Column;
    }
    const seqId = serialSequenceId(t, b.name);
    const seqs = ctx.adoptedSequences.has(seqId)
      ? { freeFrom: ctx.from.sequences[seqId], freeTo: ctx.to.sequences[seqId] }
      : {};
    if (generatedOverRetyped(ctx, t, a, b)) return splitRecreatedColumn(ctx, t, a, b);
    const s = alterColumn(t, a, b, ctx.ty, ctx.enums, seqs);
    // a type change back that PostgreSQL cannot cast (and no `using:` can say) makes the step irreversible
    const r = reverseColumn(() =>
      alterColumn(t, b, a, ctx.ty, ctx.enums, { freeFrom: seqs.freeTo, freeTo: seqs.freeFrom }, true),
    );
    // a partitioned table's SET/DROP DEFAULT reaches its partitions' own defaults too: they are given back
    const resets = c.attrs.some((x) => ['default', 'type', 'collation', 'serial', 'identity'].includes(x.attr));
    const own = (side: 'from' | 'to') => (resets ? partitionDefaults(ctx, side, t, b.name) : []);
    emit(ctx, {
      phase: PHASE.alterTable,
      what: `alter column ${obj} (${c.attrs.map((x) => x.attr).join(', ')})`,
      object: obj,
      sql: [...s.sql, ...own('to')],
      reverse: r ? [...r.sql, ...own('from')] : null,
      destructive: s.destructive,
      rewrite: s.rewrite,
      lock: s.lock,
      requires: columnRequires(b),
      provides: [`cols:${bare(t)}`],
    });
  }
}

/** planConstraintChange drafts one change of a primary key, unique, check, exclusion or foreign key. */
function planConstraintChange(
  ctx: PlanContext,
  c: Extract<TablePartChange, { kind: 'primary_key' | 'unique' | 'check' | 'exclusion' | 'foreign_key' }>,
  t: string,
  obj: string,
): void {
  const fk = c.kind === 'foreign_key';
  const indexed = c.kind === 'primary_key' || c.kind === 'unique' || c.kind === 'exclusion';
  const add = (def: TableConstraint) => {
    if (keptByDetach(ctx, t, def) || (def.kind === 'check' && keptAcross(ctx.to, ctx.from, t, def))) return;
    const sql = [
      addConstraint(t, def),
      ...notValidCopies(ctx.to, t, def),
      ...constraintComment(t, def),
      ...(indexed ? markOnCreate(ctx.from, ctx.to, t, def.name) : []),
    ];
    emit(ctx, {
      phase: fk ? PHASE.addFk : PHASE.addConstraint,
      what: `add ${c.kind.replace('_', ' ')} ${def.name} on ${t}`,
      object: `${t}.${def.name}`,
      sql,
      reverse: [dropConstraint(t, def.name), ...keyNotNullDrops(ctx.from, t, def)],
      lock: true, // on an existing table
      provides: def.kind === 'primary_key' || def.kind === 'unique' ? [`ixon:${t}`] : [],
      requires:
        def.kind === 'foreign_key'
          ? [`rel:${bare(def.refTable)}`]
          : def.kind === 'check'
            ? [...textKeys(def.expression), ...childrenOf(ctx.to, t).map((id) => `rel:${bare(id)}`)]
            : [],
    });
  };
  const drop = (def: TableConstraint) => {
    // a table joining a partitioned parent keeps its share of the parent's key: ATTACH adopts it
    if (keptByDetach(ctx, t, def, true) || (def.kind === 'check' && keptAcross(ctx.from, ctx.to, t, def))) return;
    const rev = [
      addConstraint(t, def),
      ...notValidCopies(ctx.from, t, def),
      ...constraintComment(t, def),
      ...(indexed ? markOnRecreate(ctx.from, t, def.name) : []),
    ];
    emit(ctx, {
      phase: fk ? PHASE.dropFk : PHASE.dropConstraint,
      what: `drop ${c.kind.replace('_', ' ')} ${def.name} on ${t}`,
      object: `${t}.${def.name}`,
      sql: [dropConstraint(t, def.name), ...keyNotNullDrops(ctx.to, t, def)],
      reverse: rev,
    });
  };
  if (c.op === 'alter' && (c.kind === 'check' || c.kind === 'foreign_key') && planValidity(ctx, c, t, obj)) return;
  addDropAlter<TableConstraint>(
    c,
    add,
    drop,
    keyCommentStep(ctx, obj, t, c.id),
    indexed ? paramsStep<TableConstraint>(ctx, 'constraint', obj, indexRef(t, c.id)) : undefined,
  );
}

/** planIndexChange drafts one change of an index of an existing table or materialized view. */
function planIndexChange(
  ctx: PlanContext,
  c: Extract<TablePartChange, { kind: 'index' }>,
  t: string,
  obj: string,
): void {
  const partitioned = (side: 'from' | 'to') => !!ctx[side].tables[t]?.partitionBy;
  // a partition's local index comes after its parent's indexes (which would adopt it) and goes before them
  const parentOf = (side: 'from' | 'to') => ctx[side].tables[t]?.partitionOf?.parent;
  const add = (ix: Index) => {
    if (ix.kind !== 'index' || keptCopy(ctx, t, ix)) return;
    const local = ix.local && parentOf('to') !== undefined;
    emit(ctx, {
      phase: PHASE.addIndex,
      what: `create index ${ix.name} on ${t}`,
      object: obj,
      sql: [...createIndex(t, ix), ...markOnCreate(ctx.from, ctx.to, t, ix.name)],
      reverse: createReverse(ctx, t, ix),
      lock: true,
      provides: local ? [] : [`ixon:${t}`],
      requires: [
        ...ix.elements.flatMap((e) => textKeys(e.expression)),
        ...(partitioned('to') ? parentIndexRequires(ctx.to, t, bare) : []),
        ...(local ? [`ixon:${parentOf('to')}`, `attach:${t}`] : []),
      ],
    });
  };
  const drop = (ix: Index) => {
    if (ix.kind !== 'index' || droppedWithParent(ctx, t, ix) || adoptedCopy(ctx, t, ix)) return;
    const local = ix.local && parentOf('from') !== undefined;
    emit(ctx, {
      phase: PHASE.dropConstraint,
      what: `drop index ${ix.name} on ${t}`,
      object: obj,
      sql: dropIndexSql(ctx, t, ix),
      reverse: [
        ...(partitioned('from') ? [...recreatedChildren(ctx, t, ix), ...createIndex(t, ix)] : createIndex(t, ix)),
        ...markOnRecreate(ctx.from, t, ix.name),
      ],
      provides: local ? [`localdrop:${parentOf('from')}`] : [],
      requires: partitioned('from') ? [`localdrop:${t}`] : [],
    });
  };
  addDropAlter<Index>(
    planInPlace(ctx, c, t, obj),
    add,
    drop,
    commentStep(ctx, 'index', obj, 'INDEX', indexRef(t, c.id)),
    paramsStep<Index>(ctx, 'index', obj, indexRef(t, c.id)),
  );
}

/**
 * planTriggerChange drafts one change of a trigger: a comment alone is COMMENT ON TRIGGER (pg-schema-diff's comment
 * cases recreated the trigger for it), its enabled state is ALTER TABLE (planInPlace), any other change recreates it.
 */
function planTriggerChange(
  ctx: PlanContext,
  c: Extract<TablePartChange, { kind: 'trigger' }>,
  t: string,
  obj: string,
): void {
  const add = (tr: Trigger) => {
    if (tr.kind !== 'trigger') return;
    emit(ctx, {
      phase: PHASE.trigger,
      what: `create trigger ${tr.name} on ${t}`,
      object: obj,
      sql: createTrigger(t, tr),
      reverse: [dropTrigger(t, tr.name)],
      requires: [`fn:${bare(tr.function)}`],
    });
  };
  const drop = (tr: Trigger) => {
    if (tr.kind !== 'trigger') return;
    emit(ctx, {
      phase: PHASE.dropTrigger,
      what: `drop trigger ${tr.name} on ${t}`,
      object: obj,
      sql: [dropTrigger(t, tr.name)],
      reverse: createTrigger(t, tr),
    });
  };
  const target = `${quoteIdent(c.id)} ON ${rel(t)}`;
  addDropAlter<Trigger>(planInPlace(ctx, c, t, obj), add, drop, commentStep(ctx, 'trigger', obj, 'TRIGGER', target));
}

/** planPolicyChange drafts one change of a row-level security policy. */
function planPolicyChange(
  ctx: PlanContext,
  c: Extract<TablePartChange, { kind: 'policy' }>,
  t: string,
  obj: string,
): void {
  const add = (p: Policy) => {
    if (p.kind !== 'policy') return;
    emit(ctx, {
      phase: PHASE.trigger,
      what: `create policy ${p.name} on ${t}`,
      object: obj,
      sql: createPolicy(t, p),
      reverse: [dropPolicy(t, p.name)],
      requires: [...textKeys(p.using), ...textKeys(p.withCheck)],
    });
  };
  const drop = (p: Policy) => {
    if (p.kind !== 'policy') return;
    emit(ctx, {
      phase: PHASE.dropTrigger,
      what: `drop policy ${p.name} on ${t}`,
      object: obj,
      sql: [dropPolicy(t, p.name)],
      reverse: createPolicy(t, p),
    });
  };
  const target = `${quoteIdent(c.id)} ON ${rel(t)}`;
  addDropAlter<Policy>(c, add, drop, commentStep(ctx, 'policy', obj, 'POLICY', target));
}

/** planTableAlter drafts table-level attribute changes (RLS, partition attach/detach, inheritance, logging, comment). */
export function planTableAlter(ctx: PlanContext, c: AlterChange & { kind: 'table' }): void {
  const id = c.id;
  const T = `ALTER TABLE ${rel(id)}`;
  const a = c.from;
  const b = c.to;
  for (const attr of c.attrs) {
    switch (attr.attr) {
      case 'comment':
        emit(ctx, {
          phase: PHASE.comment,
          what: `comment on table ${id}`,
          object: id,
          sql: [commentOn('TABLE', rel(id), b.comment)],
          reverse: [commentOn('TABLE', rel(id), a.comment)],
        });
        break;
      case 'rowLevelSecurity': {
        const on = `${T} ENABLE ROW LEVEL SECURITY`;
        const off = `${T} DISABLE ROW LEVEL SECURITY`;
        emit(ctx, {
          phase: PHASE.alterTable,
          what: `${b.rowLevelSecurity ? 'enable' : 'disable'} row level security on ${id}`,
          object: id,
          sql: [b.rowLevelSecurity ? on : off],
          reverse: [b.rowLevelSecurity ? off : on],
        });
        break;
      }
      case 'forceRowLevelSecurity': {
        const on = `${T} FORCE ROW LEVEL SECURITY`;
        const off = `${T} NO FORCE ROW LEVEL SECURITY`;
        emit(ctx, {
          phase: PHASE.alterTable,
          what: `${b.forceRowLevelSecurity ? 'force' : 'no force'} row level security on ${id}`,
          object: id,
          sql: [b.forceRowLevelSecurity ? on : off],
          reverse: [b.forceRowLevelSecurity ? off : on],
        });
        break;
      }
      case 'unlogged': {
        const sql = `${T} SET ${b.unlogged ? 'UNLOGGED' : 'LOGGED'}`;
        const rev = `${T} SET ${a.unlogged ? 'UNLOGGED' : 'LOGGED'}`;
        emit(ctx, {
          phase: PHASE.alterTable,
          what: `set ${b.unlogged ? 'unlogged' : 'logged'} ${id}`,
          object: id,
          sql: [sql],
          reverse: [rev],
          rewrite: true,
          lock: true,
        });
        break;
      }
      case 'partitionOf':
        planPartitionOf(ctx, id, a, b);
        break;
      case 'inherits':
        planInherits(ctx, id, a, b);
        break;
      default:
        break;
    }
  }
}

/** planPartitionOf drafts detaching a table from its old partitioned parent and attaching it to the new one. */
function planPartitionOf(ctx: PlanContext, id: string, a: Table, b: Table): void {
  if (a.partitionOf) {
    const detach = `ALTER TABLE ${rel(a.partitionOf.parent)} DETACH PARTITION ${rel(id)}`;
    const attach = `ALTER TABLE ${rel(a.partitionOf.parent)} ATTACH PARTITION ${rel(id)} ${boundText(a.partitionOf.bound)}`;
    const checks = checksAcross(ctx.from, a.partitionOf.parent, id, a, b);
    emit(ctx, {
      phase: PHASE.detach,
      what: `detach partition ${id}`,
      object: id,
      sql: [detach, ...partitionCopies(ctx.from, a.partitionOf.parent, id, b, true), ...checks.afterDetach],
      reverse: [...checks.beforeAttach, attach, ...checks.afterAttach, ...keyRenamesAfterAttach(ctx.from, ctx.to, id)],
    });
  }
  if (b.partitionOf) {
    const attach = `ALTER TABLE ${rel(b.partitionOf.parent)} ATTACH PARTITION ${rel(id)} ${boundText(b.partitionOf.bound)}`;
    const detach = `ALTER TABLE ${rel(b.partitionOf.parent)} DETACH PARTITION ${rel(id)}`;
    const checks = checksAcross(ctx.to, b.partitionOf.parent, id, b, a);
    emit(ctx, {
      phase: PHASE.attach,
      what: `attach partition ${id}`,
      object: id,
      sql: [...checks.beforeAttach, attach, ...checks.afterAttach, ...keyRenamesAfterAttach(ctx.to, ctx.from, id)],
      reverse: [detach, ...partitionCopies(ctx.to, b.partitionOf.parent, id, a), ...checks.afterDetach],
      lock: true,
      provides: [`attach:${id}`],
    });
  }
}

/** planInherits drafts NO INHERIT for parents a table leaves and INHERIT for those it joins. */
function planInherits(ctx: PlanContext, id: string, a: Table, b: Table): void {
  const T = `ALTER TABLE ${rel(id)}`;
  const pa = a.inherits ?? [];
  const pb = b.inherits ?? [];
  for (const p of pa.filter((x) => !pb.includes(x))) {
    emit(ctx, {
      phase: PHASE.detach,
      what: `no inherit ${p} on ${id}`,
      object: id,
      sql: [`${T} NO INHERIT ${rel(p)}`],
      reverse: [`${T} INHERIT ${rel(p)}`],
    });
  }
  for (const p of pb.filter((x) => !pa.includes(x))) {
    emit(ctx, {
      phase: PHASE.attach,
      what: `inherit ${p} on ${id}`,
      object: id,
      sql: [`${T} INHERIT ${rel(p)}`],
      reverse: [`${T} NO INHERIT ${rel(p)}`],
    });
  }
}

/** reverseColumn runs the reverse of a column change; undefined when it is a type change PostgreSQL cannot cast. */
function reverseColumn(f: () => ColumnSql): ColumnSql | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof SchemaverError && e.code === NO_CAST) return undefined;
    throw e;
  }
}

/**
 * keptByDetach tells whether constraint `def` of table `t` already exists once `t` is detached from its partitioned
 * parent: a partition's share of the parent's primary key or unique constraint stays on it as its own, under the
 * copy's name (Table.keyNames, else PostgreSQL's default), so adding it again would fail. With `attach`, the same for
 * a table that becomes a partition: its own key of that shape and the copy's name is adopted by ATTACH PARTITION.
 */
function keptByDetach(ctx: PlanContext, t: string, def: TableConstraint, attach = false): boolean {
  const [was, is] = attach ? [ctx.to, ctx.from] : [ctx.from, ctx.to];
  const ft = was.tables[t];
  if (!ft?.partitionOf || is.tables[t]?.partitionOf) return false;
  const parent = was.tables[ft.partitionOf.parent];
  if (!parent) return false;
  if (def.kind !== 'primary_key' && def.kind !== 'unique') return false;
  return copyNameOf(was, t, def) === def.name;
}
