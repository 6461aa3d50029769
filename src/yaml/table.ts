/** One table as a YAML tree: columns with their column-level constraints, then the table-level lists. */
import { makeObjectName, referencedColumns } from '../canon/names.js';
import { idPart } from '../model/ids.js';
import type {
  CheckConstraint,
  Column,
  ExclusionConstraint,
  ForeignKey,
  NotNullConstraint,
  Table,
  UniqueConstraint,
} from '../model/types.js';
import { parseElementText } from '../parse/common.js';
import { nameKey } from './names.js';
import {
  defaultTree,
  flag,
  grantsTree,
  indexTree,
  mapOf,
  named,
  paramValue,
  paramsTree,
  policyTree,
  put,
  putGrants,
  seqOptions,
  timing,
  triggerTree,
  type Emitter,
  type Obj,
  type YamlTree,
} from './tree.js';

/** Omitted tells, per kind, whether an object's name is PostgreSQL's default and may be left out. */
type Omitted = (kind: string) => (x: { name: string }) => boolean;

/** tableTree writes one table. */
export function tableTree(e: Emitter, id: string, t: Table): Obj {
  const o: Obj = {};
  put(o, 'comment', t.comment);
  put(o, 'renamed_from', t.renamedFrom);
  const omitted: Omitted = (kind) => (x) => e.omit.has(nameKey(id, kind, x.name));
  const colNames = t.columns.map((c) => c.name);
  const { colExtra, pk, pkTable, tableUniques, tableChecks, tableFks } = columnLevel(e, id, t, omitted);
  const cols: Obj = {};
  for (const c of t.columns) cols[c.name] = columnTree(c, colExtra.get(c.name), !!pk?.columns.includes(c.name), t.name);
  if (!t.partitionOf || t.columns.length) o['columns'] = cols;
  put(o, 'primary_key', pkTable);
  putConstraints(o, omitted, tableUniques, tableChecks, tableFks);
  put(
    o,
    'exclusions',
    named(Object.values(t.exclusions), omitted('exclusion'), (x) => exclusionTree(x, colNames)),
  );
  put(
    o,
    'indexes',
    named(Object.values(t.indexes), omitted('index'), (ix) => indexTree(ix, colNames)),
  );
  put(o, 'triggers', mapOf(t.triggers, triggerTree));
  put(o, 'policies', mapOf(t.policies, policyTree));
  flag(o, 'row_level_security', t.rowLevelSecurity);
  flag(o, 'force_row_level_security', t.forceRowLevelSecurity);
  if (t.partitionBy) o['partition_by'] = `${t.partitionBy.strategy} (${t.partitionBy.key})`;
  if (t.partitionOf) o['partition_of'] = { parent: t.partitionOf.parent, bound: t.partitionOf.bound };
  put(o, 'inherits', t.inherits ? [...t.inherits] : undefined);
  put(o, 'inherited_not_valid', t.inheritedNotValid ? [...t.inheritedNotValid] : undefined);
  put(o, 'key_names', t.keyNames ? { ...t.keyNames } : undefined);
  flag(o, 'unlogged', t.unlogged);
  put(o, 'tablespace', t.tablespace);
  if (t.with) o['with'] = Object.fromEntries(Object.entries(t.with).map(([k, v]) => [k, paramValue(v)]));
  if (t.replicaIdentity === 'index' && t.replicaIdentityIndex !== undefined)
    o['replica_identity'] = { index: t.replicaIdentityIndex };
  else if (t.replicaIdentity === 'full' || t.replicaIdentity === 'nothing') o['replica_identity'] = t.replicaIdentity;
  put(o, 'cluster_on', t.clusterOn);
  put(o, 'owner', t.owner);
  putGrants(o, t.grants);
  return o;
}

/**
 * columnLevel moves what can be written on a column (single-column primary key, unique, check and foreign key in
 * their short forms) into per-column extras; the rest stays for the table-level lists.
 */
function columnLevel(
  e: Emitter,
  id: string,
  t: Table,
  omitted: Omitted,
): {
  colExtra: Map<string, Obj>;
  pk: Table['primaryKey'];
  pkTable: YamlTree | undefined;
  tableUniques: UniqueConstraint[];
  tableChecks: CheckConstraint[];
  tableFks: ForeignKey[];
} {
  const colNames = t.columns.map((c) => c.name);
  // a column inherited from a parent (INHERITS) is not among the table's own columns: what names it stays table-level
  const own = new Set(colNames);
  const colExtra = new Map<string, Obj>();
  const extra = (c: string): Obj => {
    let x = colExtra.get(c);
    if (!x) colExtra.set(c, (x = {}));
    return x;
  };
  // primary key
  let pkTable: YamlTree | undefined;
  const pk = t.primaryKey;
  if (pk) {
    const plain =
      !pk.include?.length &&
      !pk.with &&
      !pk.withoutOverlaps &&
      !pk.deferrable &&
      !pk.initiallyDeferred &&
      !pk.comment &&
      pk.indexComment === undefined &&
      !pk.renamedFrom;
    const pkOmit = omitted('pk')(pk);
    if (plain && pk.columns.length === 1 && own.has(pk.columns[0]!))
      extra(pk.columns[0]!)['primary_key'] = pkOmit ? true : pk.name;
    else if (plain && pkOmit) pkTable = [...pk.columns];
    else {
      const p: Obj = {};
      if (!pkOmit) p['name'] = pk.name;
      p['columns'] = [...pk.columns];
      flag(p, 'without_overlaps', pk.withoutOverlaps);
      put(p, 'include', pk.include ? [...pk.include] : undefined);
      if (pk.with) p['with'] = { ...pk.with };
      timing(p, pk);
      put(p, 'comment', pk.comment);
      put(p, 'index_comment', pk.indexComment);
      put(p, 'renamed_from', pk.renamedFrom);
      pkTable = p;
    }
  }
  // uniques
  const tableUniques: UniqueConstraint[] = [];
  for (const u of Object.values(t.uniques)) {
    const plain = u.columns.length === 1 && own.has(u.columns[0]!) && bareUnique(u);
    if (plain && !('unique' in extra(u.columns[0]!)))
      extra(u.columns[0]!)['unique'] = omitted('unique')(u) ? true : u.name;
    else tableUniques.push(u);
  }
  // checks: column-level when they mention exactly one column and keep the default name
  const tableChecks: CheckConstraint[] = [];
  for (const c of Object.values(t.checks)) {
    const cols = referencedColumns(c.expression, colNames);
    const plain = !c.noInherit && !c.notValid && !c.notEnforced && !c.comment && !c.renamedFrom && omitted('check')(c);
    if (plain && cols.length === 1 && !('check' in extra(cols[0]!))) extra(cols[0]!)['check'] = c.expression;
    else tableChecks.push(c);
  }
  const tableFks = columnLevelFks(e, t, omitted, extra, own);
  return { colExtra, pk, pkTable, tableUniques, tableChecks, tableFks };
}

/** columnLevelFks writes single-column foreign keys without comment or hint on their own column; returns the others. */
function columnLevelFks(
  e: Emitter,
  t: Table,
  omitted: Omitted,
  extra: (c: string) => Obj,
  own: ReadonlySet<string>,
): ForeignKey[] {
  const tableFks: ForeignKey[] = [];
  const fkOrder = Object.values(t.foreignKeys).sort((a, b) => Number(omitted('fk')(b)) - Number(omitted('fk')(a)));
  for (const fk of fkOrder) {
    const target = fkTarget(e, fk);
    const col = fk.columns[0]!;
    const inline = !fk.comment && !fk.renamedFrom && !fk.onDeleteColumns && !fk.period;
    if (fk.columns.length !== 1 || !own.has(col) || !target || !inline || 'references' in extra(col)) {
      tableFks.push(fk);
      continue;
    }
    const x = extra(col);
    const simple =
      omitted('fk')(fk) && !fk.match && !fk.deferrable && !fk.initiallyDeferred && !fk.notValid && !fk.notEnforced;
    if (simple) x['references'] = target;
    else {
      const r: Obj = { table: fk.refTable, column: fk.refColumns[0]! };
      if (!omitted('fk')(fk)) r['name'] = fk.name;
      put(r, 'match', fk.match);
      timing(r, fk);
      flag(r, 'not_valid', fk.notValid);
      flag(r, 'not_enforced', fk.notEnforced);
      x['references'] = r;
    }
    put(x, 'on_delete', fk.onDelete);
    put(x, 'on_update', fk.onUpdate);
  }
  return tableFks;
}

/** putConstraints writes the table-level `unique`, `checks` and `foreign_keys`. */
function putConstraints(
  o: Obj,
  omitted: Omitted,
  tableUniques: readonly UniqueConstraint[],
  tableChecks: readonly CheckConstraint[],
  tableFks: readonly ForeignKey[],
): void {
  put(
    o,
    'unique',
    named(tableUniques, omitted('unique'), (u) => {
      if (bareUnique(u)) return [...u.columns];
      const x: Obj = { columns: [...u.columns] };
      flag(x, 'without_overlaps', u.withoutOverlaps);
      put(x, 'include', u.include ? [...u.include] : undefined);
      flag(x, 'nulls_not_distinct', u.nullsNotDistinct);
      if (u.with) x['with'] = { ...u.with };
      timing(x, u);
      put(x, 'comment', u.comment);
      put(x, 'index_comment', u.indexComment);
      put(x, 'renamed_from', u.renamedFrom);
      return x;
    }),
  );
  put(
    o,
    'checks',
    named(
      tableChecks,
      omitted('check'),
      (c) => {
        if (!c.noInherit && !c.notValid && !c.notEnforced && !c.comment && !c.renamedFrom) return c.expression;
        const x: Obj = { expression: c.expression };
        flag(x, 'no_inherit', c.noInherit);
        flag(x, 'not_valid', c.notValid);
        flag(x, 'not_enforced', c.notEnforced);
        put(x, 'comment', c.comment);
        put(x, 'renamed_from', c.renamedFrom);
        return x;
      },
      'expression',
    ),
  );
  put(
    o,
    'foreign_keys',
    named(tableFks, omitted('fk'), (fk) => {
      const x: Obj = { columns: [...fk.columns], references: { table: fk.refTable, columns: [...fk.refColumns] } };
      flag(x, 'period', fk.period);
      put(x, 'on_delete', fk.onDelete);
      if (fk.onDeleteColumns) x['on_delete_columns'] = [...fk.onDeleteColumns];
      put(x, 'on_update', fk.onUpdate);
      put(x, 'match', fk.match);
      timing(x, fk);
      flag(x, 'not_valid', fk.notValid);
      flag(x, 'not_enforced', fk.notEnforced);
      put(x, 'comment', fk.comment);
      put(x, 'renamed_from', fk.renamedFrom);
      return x;
    }),
  );
}

/** fkTarget is the `table.column` short form of a single-column foreign key's target, if it has one. */
function fkTarget(e: Emitter, fk: ForeignKey): string | undefined {
  if (fk.refColumns.length !== 1) return undefined;
  const target = e.schema.tables[fk.refTable];
  if (!target) return undefined;
  const col = idPart(fk.refColumns[0]!);
  return `${fk.refTable}.${col}`;
}

/** exclusionTree writes one exclusion constraint. */
function exclusionTree(x: ExclusionConstraint, columns: readonly string[]): Obj {
  const o: Obj = {};
  if (x.using !== 'gist') o['using'] = x.using;
  o['elements'] = x.elements.map((el) => {
    const base = el.column !== undefined ? idPart(el.column) : el.expression!;
    const text = `${base} WITH ${el.operator}`;
    if (!el.opclass && !/\s/.test(el.operator)) {
      const back = parseElementText(base, 'either', columns);
      if (back.column === el.column && back.expression === el.expression && !back.order && !back.nulls) return text;
    }
    const e: Obj = {};
    put(e, 'column', el.column);
    put(e, 'expression', el.expression);
    put(e, 'opclass', el.opclass);
    put(e, 'opclass_params', paramsTree(el.opclassParams));
    e['operator'] = el.operator;
    return e;
  });
  put(o, 'where', x.where);
  put(o, 'include', x.include ? [...x.include] : undefined);
  if (x.with) o['with'] = { ...x.with };
  timing(o, x);
  put(o, 'comment', x.comment);
  put(o, 'renamed_from', x.renamedFrom);
  return o;
}

const SERIAL_NAME: Readonly<Record<string, string>> = {
  integer: 'serial',
  bigint: 'bigserial',
  smallint: 'smallserial',
};

/** columnTree writes one column: its type alone when nothing else is set. */
function columnTree(c: Column, extra: Obj | undefined, inPk: boolean, table: string): YamlTree {
  const o: Obj = {};
  const serialShort = c.serial && SERIAL_NAME[c.type] !== undefined;
  o['type'] = serialShort ? SERIAL_NAME[c.type]! : c.type;
  if (c.serial && !serialShort) o['serial'] = true;
  const impliedNotNull = inPk || !!c.identity || (!!c.serial && !c.nullable) || !!c.notNull;
  if (!c.nullable && !impliedNotNull) o['nullable'] = false;
  if (c.serial && c.nullable) o['nullable'] = true;
  if (c.default) o['default'] = defaultTree(c.default);
  if (c.identity) {
    if ((c.identity.options && Object.keys(c.identity.options).length) || c.identity.sequence !== undefined) {
      const i: Obj = { mode: c.identity.mode };
      if (c.identity.sequence !== undefined) i['sequence'] = c.identity.sequence;
      seqOptions(c.identity.options ?? {}, i, false);
      o['identity'] = i;
    } else o['identity'] = c.identity.mode;
  }
  put(o, 'generated', c.generated);
  if (c.virtual) o['virtual'] = true;
  if (c.inherited) o['inherited'] = true;
  put(o, 'storage', c.storage);
  put(o, 'compression', c.compression);
  if (c.statistics !== undefined) o['statistics'] = c.statistics;
  put(o, 'options', mapOf(c.options, paramValue));
  put(o, 'collation', c.collation);
  if (extra) Object.assign(o, extra);
  put(o, 'comment', c.comment);
  if (c.notNull) o['not_null'] = notNullTree(c.notNull, makeObjectName(table, c.name, 'not_null'));
  putGrants(o, c.grants);
  const sg = grantsTree(c.sequenceGrants);
  if (sg !== undefined) o['sequence_grants'] = sg;
  put(o, 'sequence_comment', c.sequenceComment);
  put(o, 'renamed_from', c.renamedFrom);
  put(o, 'using', c.convertUsing);
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o['type'] === 'string') return o['type'];
  return o;
}

/** notNullTree writes a column's named NOT NULL: its name alone, or a map leaving out PostgreSQL's own name `own`. */
function notNullTree(n: NotNullConstraint, own: string): YamlTree {
  if (!n.notValid && !n.noInherit && n.comment === undefined) return n.name;
  const x: Obj = {};
  if (n.name !== own) x['name'] = n.name;
  flag(x, 'not_valid', n.notValid);
  flag(x, 'no_inherit', n.noInherit);
  put(x, 'comment', n.comment);
  return x;
}

/** bareUnique: a unique constraint with nothing but its columns (and an omittable name), written in its short form. */
function bareUnique(u: UniqueConstraint): boolean {
  return (
    !u.include?.length &&
    !u.with &&
    !u.withoutOverlaps &&
    !u.nullsNotDistinct &&
    !u.deferrable &&
    !u.initiallyDeferred &&
    !u.comment &&
    u.indexComment === undefined &&
    !u.renamedFrom
  );
}
