/**
 * Schema -> plain YAML tree in the format's short forms: `name: text`, column-level primary_key/unique/references
 * when single-column, names left out when PostgreSQL would choose them anyway.
 */
import { referencedColumns } from '../canon/names.js';
import { idPart, qid } from '../model/ids.js';
import type {
  Grants,
  CheckConstraint,
  Column,
  CompositeType,
  Default,
  Domain,
  EnumType,
  ExclusionConstraint,
  ForeignKey,
  Func,
  Index,
  IndexElement,
  Policy,
  Schema,
  Sequence,
  SequenceOptions,
  Table,
  Trigger,
  UniqueConstraint,
  View,
} from '../model/types.js';
import { parseElementText } from '../parse/common.js';
import { nameKey } from './names.js';
import { NONE } from '../model/privileges.js';

/** YamlTree is a plain JSON-like value that stringifyYaml writes. */
export type YamlTree = string | number | boolean | null | YamlTree[] | { [key: string]: YamlTree };
type Obj = { [key: string]: YamlTree };

/** Emitter holds what the tree builder needs across objects: which names may be left out. */
export interface Emitter {
  readonly omit: ReadonlySet<string>;
  readonly schema: Schema;
}

function put(o: Obj, key: string, v: YamlTree | undefined): void {
  if (v === undefined) return;
  if (Array.isArray(v) && v.length === 0) return;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return;
  o[key] = v;
}

/** grantsTree writes a Grants map: `role: [privileges]`, `all`, `{ privileges, with_grant_option }`, `public: []`. */
export function grantsTree(g: Grants | undefined): Obj | undefined {
  if (g === undefined) return undefined;
  const out: Obj = {};
  for (const [role, list] of Object.entries(g)) {
    const plain = list.filter((p) => !p.endsWith('*') && p !== NONE);
    const opt = list.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
    if (opt.length === 0) out[role] = plain.length === 1 && plain[0] === 'all' ? 'all' : plain;
    else
      out[role] = {
        privileges: [...plain, ...opt],
        with_grant_option: plain.length === 0 ? true : opt,
      };
  }
  return out;
}

/** paramValue writes a storage parameter: a number when YAML reads it back as the same text, else a string. */
function paramValue(v: string): YamlTree {
  return /^-?(0|[1-9]\d{0,14})(\.\d*[1-9])?$/.test(v) && String(Number(v)) === v ? Number(v) : v;
}

function putGrants(o: Obj, g: Grants | undefined): void {
  const t = grantsTree(g);
  if (t !== undefined) o['grants'] = t; // `public: []` must survive, so not through put()
}

function flag(o: Obj, key: string, v: boolean | undefined): void {
  if (v) o[key] = true;
}

function defaultTree(d: Default): YamlTree {
  return 'sql' in d ? { sql: d.sql } : d.literal;
}

function seqOptions(o: SequenceOptions | undefined, target: Obj, withType: boolean): void {
  if (!o) return;
  if (withType) put(target, 'type', o.type);
  for (const k of ['start', 'increment', 'min', 'max', 'cache'] as const) {
    const v = o[k];
    if (v !== undefined) target[k] = /^-?\d{1,15}$/.test(v) ? Number(v) : v;
  }
  flag(target, 'cycle', o.cycle);
}

function timing(o: Obj, t: { deferrable?: boolean; initiallyDeferred?: boolean }): void {
  if (t.initiallyDeferred) o['initially_deferred'] = true;
  else flag(o, 'deferrable', t.deferrable);
}

/** named writes a collection of named objects as a map (all named), a list (none named) or a list with `name` where needed. */
function named<T extends { name: string }>(
  items: readonly T[],
  omitted: (x: T) => boolean,
  body: (x: T) => YamlTree,
  scalarKey = 'columns',
): YamlTree | undefined {
  if (items.length === 0) return undefined;
  if (items.every((x) => !omitted(x))) {
    const o: Obj = {};
    for (const x of items) o[x.name] = body(x);
    return o;
  }
  return items.map((x) => {
    const b = body(x);
    if (omitted(x)) return b;
    const asMap: Obj = typeof b === 'object' && b !== null && !Array.isArray(b) ? b : { [scalarKey]: b };
    return { name: x.name, ...asMap };
  });
}

function elementText(el: IndexElement, columns: readonly string[], mode: 'column' | 'expression' | 'either'): YamlTree {
  const base = el.column ?? el.expression!;
  let text =
    el.column !== undefined && mode !== 'column' && !/^[A-Za-z_][A-Za-z0-9_$]*$/.test(base) ? idPart(base) : base;
  if (el.order) text += ' desc';
  if (el.nulls) text += ` nulls ${el.nulls}`;
  if (!el.collation && !el.opclass) {
    const back = parseElementText(text, mode, columns);
    if (
      back.column === el.column &&
      back.expression === el.expression &&
      back.order === el.order &&
      back.nulls === el.nulls
    )
      return text;
  }
  const o: Obj = {};
  put(o, 'column', el.column);
  put(o, 'expression', el.expression);
  put(o, 'collation', el.collation);
  put(o, 'opclass', el.opclass);
  put(o, 'order', el.order);
  put(o, 'nulls', el.nulls);
  return o;
}

/** indexTree writes an index in its shortest exact form. */
function indexTree(ix: Index, columns: readonly string[]): YamlTree {
  const o: Obj = {};
  const els = ix.elements;
  const simple =
    !ix.unique &&
    !ix.using &&
    !ix.include?.length &&
    !ix.where &&
    !ix.with &&
    !ix.nullsNotDistinct &&
    !ix.comment &&
    !ix.renamedFrom;
  if (els.every((e) => e.column !== undefined)) {
    const list = els.map((e) => elementText(e, columns, 'column'));
    if (simple && list.every((x) => typeof x === 'string')) return list;
    o['columns'] = list;
  } else if (els.every((e) => e.expression !== undefined))
    o['expressions'] = els.map((e) => elementText(e, columns, 'expression'));
  else o['elements'] = els.map((e) => elementText(e, columns, 'either'));
  flag(o, 'unique', ix.unique);
  put(o, 'using', ix.using);
  put(o, 'include', ix.include ? [...ix.include] : undefined);
  put(o, 'where', ix.where);
  put(o, 'with', ix.with ? { ...ix.with } : undefined);
  flag(o, 'nulls_not_distinct', ix.nullsNotDistinct);
  put(o, 'comment', ix.comment);
  put(o, 'renamed_from', ix.renamedFrom);
  return o;
}

function triggerTree(t: Trigger): Obj {
  const o: Obj = { timing: t.timing, events: [...t.events] };
  put(o, 'update_of', t.updateOf ? [...t.updateOf] : undefined);
  if (t.forEach !== 'statement') o['for_each'] = t.forEach;
  o['function'] = t.function;
  put(o, 'args', t.args ? [...t.args] : undefined);
  put(o, 'when', t.when);
  flag(o, 'constraint', t.constraint);
  timing(o, t);
  if (t.referencing) {
    const r: Obj = {};
    put(r, 'old_table', t.referencing.oldTable);
    put(r, 'new_table', t.referencing.newTable);
    put(o, 'referencing', r);
  }
  if (t.enabled && t.enabled !== 'origin') o['enabled'] = t.enabled;
  put(o, 'comment', t.comment);
  return o;
}

function policyTree(p: Policy): Obj {
  const o: Obj = {};
  if (p.command !== 'all') o['command'] = p.command;
  if (!p.permissive) o['permissive'] = false;
  if (!(p.roles.length === 1 && p.roles[0] === 'public')) o['roles'] = [...p.roles];
  put(o, 'using', p.using);
  put(o, 'with_check', p.withCheck);
  put(o, 'comment', p.comment);
  return o;
}

function fkTarget(e: Emitter, fk: ForeignKey): string | undefined {
  if (fk.refColumns.length !== 1) return undefined;
  const target = e.schema.tables[fk.refTable];
  if (!target) return undefined;
  const col = idPart(fk.refColumns[0]!);
  return `${fk.refTable}.${col}`;
}

/** tableTree writes one table. */
export function tableTree(e: Emitter, id: string, t: Table): Obj {
  const o: Obj = {};
  put(o, 'comment', t.comment);
  put(o, 'renamed_from', t.renamedFrom);
  const omitted = (kind: string) => (x: { name: string }) => e.omit.has(nameKey(id, kind, x.name));
  const colNames = t.columns.map((c) => c.name);
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
    const plain = !pk.include?.length && !pk.deferrable && !pk.initiallyDeferred && !pk.comment && !pk.renamedFrom;
    const pkOmit = omitted('pk')(pk);
    if (plain && pk.columns.length === 1) extra(pk.columns[0]!)['primary_key'] = pkOmit ? true : pk.name;
    else if (plain && pkOmit) pkTable = [...pk.columns];
    else {
      const p: Obj = {};
      if (!pkOmit) p['name'] = pk.name;
      p['columns'] = [...pk.columns];
      put(p, 'include', pk.include ? [...pk.include] : undefined);
      timing(p, pk);
      put(p, 'comment', pk.comment);
      put(p, 'renamed_from', pk.renamedFrom);
      pkTable = p;
    }
  }
  // uniques
  const tableUniques: UniqueConstraint[] = [];
  for (const u of Object.values(t.uniques)) {
    const plain =
      u.columns.length === 1 &&
      !u.include?.length &&
      !u.nullsNotDistinct &&
      !u.deferrable &&
      !u.initiallyDeferred &&
      !u.comment &&
      !u.renamedFrom;
    if (plain && !('unique' in extra(u.columns[0]!)))
      extra(u.columns[0]!)['unique'] = omitted('unique')(u) ? true : u.name;
    else tableUniques.push(u);
  }
  // checks: column-level when they mention exactly one column and keep the default name
  const tableChecks: CheckConstraint[] = [];
  for (const c of Object.values(t.checks)) {
    const cols = referencedColumns(c.expression, colNames);
    const plain = !c.noInherit && !c.notValid && !c.comment && !c.renamedFrom && omitted('check')(c);
    if (plain && cols.length === 1 && !('check' in extra(cols[0]!))) extra(cols[0]!)['check'] = c.expression;
    else tableChecks.push(c);
  }
  // foreign keys: column-level for single-column ones without comment/hint
  const tableFks: ForeignKey[] = [];
  const fkOrder = Object.values(t.foreignKeys).sort((a, b) => Number(omitted('fk')(b)) - Number(omitted('fk')(a)));
  for (const fk of fkOrder) {
    const target = fkTarget(e, fk);
    const col = fk.columns[0]!;
    if (fk.columns.length !== 1 || !target || fk.comment || fk.renamedFrom || 'references' in extra(col)) {
      tableFks.push(fk);
      continue;
    }
    const x = extra(col);
    const simple = omitted('fk')(fk) && !fk.match && !fk.deferrable && !fk.initiallyDeferred && !fk.notValid;
    if (simple) x['references'] = target;
    else {
      const r: Obj = { table: fk.refTable, column: fk.refColumns[0]! };
      if (!omitted('fk')(fk)) r['name'] = fk.name;
      put(r, 'match', fk.match);
      timing(r, fk);
      flag(r, 'not_valid', fk.notValid);
      x['references'] = r;
    }
    put(x, 'on_delete', fk.onDelete);
    put(x, 'on_update', fk.onUpdate);
  }
  const cols: Obj = {};
  for (const c of t.columns) cols[c.name] = columnTree(c, colExtra.get(c.name), !!pk?.columns.includes(c.name));
  if (!t.partitionOf || t.columns.length) o['columns'] = cols;
  put(o, 'primary_key', pkTable);
  put(
    o,
    'unique',
    named(tableUniques, omitted('unique'), (u) => {
      const plain =
        !u.include?.length &&
        !u.nullsNotDistinct &&
        !u.deferrable &&
        !u.initiallyDeferred &&
        !u.comment &&
        !u.renamedFrom;
      if (plain) return [...u.columns];
      const x: Obj = { columns: [...u.columns] };
      put(x, 'include', u.include ? [...u.include] : undefined);
      flag(x, 'nulls_not_distinct', u.nullsNotDistinct);
      timing(x, u);
      put(x, 'comment', u.comment);
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
        if (!c.noInherit && !c.notValid && !c.comment && !c.renamedFrom) return c.expression;
        const x: Obj = { expression: c.expression };
        flag(x, 'no_inherit', c.noInherit);
        flag(x, 'not_valid', c.notValid);
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
      put(x, 'on_delete', fk.onDelete);
      put(x, 'on_update', fk.onUpdate);
      put(x, 'match', fk.match);
      timing(x, fk);
      flag(x, 'not_valid', fk.notValid);
      put(x, 'comment', fk.comment);
      put(x, 'renamed_from', fk.renamedFrom);
      return x;
    }),
  );
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
  flag(o, 'unlogged', t.unlogged);
  if (t.with) o['with'] = Object.fromEntries(Object.entries(t.with).map(([k, v]) => [k, paramValue(v)]));
  if (t.replicaIdentity === 'index' && t.replicaIdentityIndex !== undefined)
    o['replica_identity'] = { index: t.replicaIdentityIndex };
  else if (t.replicaIdentity === 'full' || t.replicaIdentity === 'nothing') o['replica_identity'] = t.replicaIdentity;
  putGrants(o, t.grants);
  return o;
}

function mapOf<T>(m: Readonly<Record<string, T>> | undefined, f: (x: T) => YamlTree): Obj | undefined {
  if (!m) return undefined;
  const o: Obj = {};
  for (const [k, v] of Object.entries(m)) o[k] = f(v);
  return o;
}

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
    e['operator'] = el.operator;
    return e;
  });
  put(o, 'where', x.where);
  put(o, 'include', x.include ? [...x.include] : undefined);
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

function columnTree(c: Column, extra: Obj | undefined, inPk: boolean): YamlTree {
  const o: Obj = {};
  const serialShort = c.serial && SERIAL_NAME[c.type] !== undefined;
  o['type'] = serialShort ? SERIAL_NAME[c.type]! : c.type;
  if (c.serial && !serialShort) o['serial'] = true;
  const impliedNotNull = inPk || !!c.identity || (!!c.serial && !c.nullable);
  if (!c.nullable && !impliedNotNull) o['nullable'] = false;
  if (c.serial && c.nullable) o['nullable'] = true;
  if (c.default) o['default'] = defaultTree(c.default);
  if (c.identity) {
    if (c.identity.options && Object.keys(c.identity.options).length) {
      const i: Obj = { mode: c.identity.mode };
      seqOptions(c.identity.options, i, false);
      o['identity'] = i;
    } else o['identity'] = c.identity.mode;
  }
  put(o, 'generated', c.generated);
  put(o, 'collation', c.collation);
  if (extra) Object.assign(o, extra);
  put(o, 'comment', c.comment);
  putGrants(o, c.grants);
  put(o, 'renamed_from', c.renamedFrom);
  put(o, 'using', c.convertUsing);
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o['type'] === 'string') return o['type'];
  return o;
}

/** enumTree writes an enum: a plain list of values when it has no comment or hints. */
export function enumTree(en: EnumType): YamlTree {
  const values: YamlTree[] = en.values.map((v) =>
    en.valueRenames?.[v] !== undefined ? { value: v, renamed_from: en.valueRenames[v]! } : v,
  );
  if (!en.comment && !en.renamedFrom && !en.grants) return values;
  const o: Obj = { values };
  put(o, 'comment', en.comment);
  putGrants(o, en.grants);
  put(o, 'renamed_from', en.renamedFrom);
  return o;
}

/** compositeTree writes a composite type. */
export function compositeTree(c: CompositeType): YamlTree {
  const attrs: Obj = {};
  for (const a of c.attributes) attrs[a.name] = a.collation ? { type: a.type, collation: a.collation } : a.type;
  if (!c.comment && !c.grants && !('attributes' in attrs) && c.attributes.length > 0) return attrs;
  const o: Obj = { attributes: attrs };
  put(o, 'comment', c.comment);
  putGrants(o, c.grants);
  return o;
}

/** domainTree writes a domain. */
export function domainTree(e: Emitter, id: string, d: Domain): YamlTree {
  const o: Obj = { type: d.type };
  if (!d.nullable) o['nullable'] = false;
  if (d.default) o['default'] = defaultTree(d.default);
  put(o, 'collation', d.collation);
  const checks = Object.values(d.checks);
  const omitted = (c: { name: string }): boolean => e.omit.has(nameKey(id, 'dcheck', c.name));
  if (checks.length === 1 && omitted(checks[0]!) && !checks[0]!.notValid) o['check'] = checks[0]!.expression;
  else {
    put(
      o,
      'checks',
      named(
        checks,
        omitted,
        (c) => (c.notValid ? { expression: c.expression, not_valid: true } : c.expression),
        'expression',
      ),
    );
  }
  put(o, 'comment', d.comment);
  putGrants(o, d.grants);
  return Object.keys(o).length === 1 ? d.type : o;
}

/** sequenceTree writes a free-standing sequence. */
export function sequenceTree(s: Sequence): YamlTree {
  const o: Obj = {};
  seqOptions(s.options, o, true);
  if (s.ownedBy) o['owned_by'] = `${s.ownedBy.table}.${idPart(s.ownedBy.column)}`;
  put(o, 'comment', s.comment);
  putGrants(o, s.grants);
  return o;
}

/** viewTree writes a view or materialized view. */
export function viewTree(e: Emitter, id: string, v: View): YamlTree {
  const o: Obj = { query: v.query };
  flag(o, 'materialized', v.materialized);
  put(o, 'columns', v.columns ? [...v.columns] : undefined);
  put(o, 'options', v.options ? { ...v.options } : undefined);
  const cols = v.columns ?? [];
  if (v.indexes)
    put(
      o,
      'indexes',
      named(
        Object.values(v.indexes),
        (x) => e.omit.has(nameKey(id, 'index', x.name)),
        (ix) => indexTree(ix, cols),
      ),
    );
  put(o, 'triggers', mapOf(v.triggers, triggerTree));
  put(o, 'column_comments', v.columnComments ? { ...v.columnComments } : undefined);
  put(o, 'comment', v.comment);
  putGrants(o, v.grants);
  put(o, 'renamed_from', v.renamedFrom);
  return o;
}

/** functionTree writes a function or procedure. */
export function functionTree(f: Func): Obj {
  const o: Obj = {};
  if (f.args !== '') o['args'] = f.args;
  if (f.procedure) o['procedure'] = true;
  else o['returns'] = f.returns;
  o['language'] = f.language;
  put(o, 'volatility', f.volatility);
  flag(o, 'strict', f.strict);
  flag(o, 'security_definer', f.securityDefiner);
  flag(o, 'leakproof', f.leakproof);
  put(o, 'parallel', f.parallel);
  if (f.cost !== undefined) o['cost'] = /^\d{1,15}$/.test(f.cost) ? Number(f.cost) : f.cost;
  if (f.rows !== undefined) o['rows'] = /^\d{1,15}$/.test(f.rows) ? Number(f.rows) : f.rows;
  put(o, 'set', f.set ? { ...f.set } : undefined);
  put(o, 'comment', f.comment);
  putGrants(o, f.grants);
  o['body'] = f.body;
  return o;
}

/** functionKey is the YAML key of a function: its name, with argument types when the name is overloaded. */
export function functionKey(f: Func, overloaded: boolean): string {
  const base = qid(f.schema, f.name);
  return overloaded ? `${base}(${f.identityArgs})` : base;
}
