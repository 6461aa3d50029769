/** A table's keys, checks, foreign keys, exclusion constraints and indexes (table level; column-level forms are in column.ts). */
import { readTablespace } from './grants.js';
import type { FkAction, IndexElement } from '../model/types.js';
import { KEYS } from './keys.js';
import type { Ctx, Keyed, Node } from './node.js';
import {
  columnOf,
  isNull,
  parseElementText,
  readBool,
  readElement,
  readExpr,
  readOpclassParams,
  readName,
  readText,
  readExtensionMarks,
  refId,
} from './common.js';
import { undef, type Draft, type DraftFk, type DraftTable, type Mutable } from './drafts.js';
import { timing } from './triggers.js';
import type { CheckConstraint, ExclusionConstraint, Index, UniqueConstraint } from '../model/types.js';

const FK_ACTIONS = ['no_action', 'restrict', 'cascade', 'set_null', 'set_default'] as const;

/** readFkOptions reads a foreign key's actions, match, timing and validation. */
export function readFkOptions(ctx: Ctx, fk: DraftFk, k: Keyed): void {
  if (k.has('on_delete')) fk.onDelete = ctx.oneOf<FkAction>(k.get('on_delete')!.value, FK_ACTIONS, '`on_delete`');
  if (k.has('on_update')) fk.onUpdate = ctx.oneOf<FkAction>(k.get('on_update')!.value, FK_ACTIONS, '`on_update`');
  if (k.has('match')) {
    const m = ctx.oneOf(k.get('match')!.value, ['simple', 'full'] as const, '`match`');
    if (m) fk.match = m;
  }
  if (k.has('deferrable')) fk.deferrable = readBool(ctx, k, 'deferrable');
  if (k.has('initially_deferred')) fk.initiallyDeferred = readBool(ctx, k, 'initially_deferred');
  if (k.has('not_valid')) fk.notValid = readBool(ctx, k, 'not_valid');
  if (k.has('not_enforced')) fk.notEnforced = readBool(ctx, k, 'not_enforced');
  if (fk.notEnforced) fk.notValid = undefined; // PostgreSQL never validates a NOT ENFORCED key
  timing(ctx, fk, k);
}

/** parsePrimaryKey reads `primary_key` (a column list or a map). */
export function parsePrimaryKey(ctx: Ctx, t: DraftTable, n: Node): void {
  if (isNull(n)) return;
  let draft: Draft<import('../model/types.js').PrimaryKey> | undefined;
  if (n.t === 'map') {
    const k = ctx.keys(n, KEYS.primaryKey, '`primary_key`');
    const colsE = k.get('columns');
    if (!colsE) return ctx.error('missing-key', n, '`primary_key` needs `columns`');
    const columns = ctx.texts(colsE.value, '`primary_key.columns`');
    if (!columns) return;
    draft = { kind: 'primary_key', columns, at: n };
    draft.name = readName(ctx, k, 'name', 'primary key name');
    const include = k.has('include') ? ctx.texts(k.get('include')!.value, '`include`') : undefined;
    if (include) draft.include = include;
    draft.with = readIndexParams(ctx, k);
    draft.withoutOverlaps = readBool(ctx, k, 'without_overlaps');
    timing(ctx, draft, k);
    draft.comment = readText(ctx, k, 'comment');
    draft.indexComment = readText(ctx, k, 'index_comment');
    draft.renamedFrom = readName(ctx, k, 'renamed_from');
  } else {
    const columns = ctx.texts(n, '`primary_key`');
    if (!columns) return;
    draft = { kind: 'primary_key', columns, at: n };
  }
  if (columns0(draft.columns)) return ctx.error('invalid-value', n, '`primary_key` lists no columns');
  if (t.primaryKey) {
    t.extraPrimaryKeys.push(n);
    return;
  }
  t.primaryKey = undef(draft);
}

function columns0(c: readonly string[]): boolean {
  return c.length === 0;
}

/** parseUniques reads `unique` (a map of named column lists or a list). */
export function parseUniques(ctx: Ctx, t: DraftTable, n: Node): void {
  const one = (v: Node, name: string | undefined, at: Node): void => {
    let u: Draft<UniqueConstraint> | undefined;
    if (v.t === 'map') {
      const k = ctx.keys(v, KEYS.unique, 'a unique constraint');
      const colsE = k.get('columns');
      if (!colsE) return ctx.error('missing-key', v, 'a unique constraint needs `columns`');
      const columns = ctx.texts(colsE.value, '`columns`');
      if (!columns) return;
      u = { kind: 'unique', columns, at };
      u.name = name ?? readName(ctx, k, 'name', 'unique constraint name');
      if (name !== undefined && k.has('name'))
        ctx.error('conflicting-attributes', k.get('name')!.keyNode, 'the constraint is already named by its key');
      const include = k.has('include') ? ctx.texts(k.get('include')!.value, '`include`') : undefined;
      if (include) u.include = include;
      u.with = readIndexParams(ctx, k);
      u.nullsNotDistinct = readBool(ctx, k, 'nulls_not_distinct');
      u.withoutOverlaps = readBool(ctx, k, 'without_overlaps');
      timing(ctx, u, k);
      u.comment = readText(ctx, k, 'comment');
      u.indexComment = readText(ctx, k, 'index_comment');
      u.renamedFrom = readName(ctx, k, 'renamed_from');
    } else {
      const columns = ctx.texts(v, 'a unique constraint');
      if (!columns) return;
      u = { kind: 'unique', columns, at };
      if (name !== undefined) u.name = name;
    }
    if (u.columns.length === 0) return ctx.error('invalid-value', v, 'a unique constraint lists no columns');
    t.uniques.push(undef(u));
  };
  if (isNull(n)) return;
  if (n.t === 'map') {
    for (const e of n.entries) {
      const name = ctx.name(e.keyNode, 'unique constraint name');
      if (name !== undefined) one(e.value, name, e.keyNode);
    }
  } else if (n.t === 'seq') {
    for (const item of n.items) one(item, undefined, item);
  } else ctx.error('wrong-type', n, '`unique` must be a map (name: [columns]) or a list of column lists');
}

/** parseCheck reads one check constraint (an expression or a map). */
export function parseCheck(ctx: Ctx, t: DraftTable, n: Node, name: string | undefined, at?: Node): void {
  const c: Draft<CheckConstraint> = { kind: 'check', expression: '', at: at ?? n };
  if (n.t === 'map') {
    const k = ctx.keys(n, KEYS.check, 'a check constraint');
    const expr = readExpr(ctx, k, 'expression');
    if (expr === undefined) return ctx.error('missing-key', n, 'a check constraint needs `expression`');
    c.expression = expr;
    const inner = readName(ctx, k, 'name', 'check constraint name');
    if (name !== undefined && inner !== undefined)
      ctx.error('conflicting-attributes', k.get('name')!.keyNode, 'the constraint is already named by its key');
    c.name = name ?? inner;
    c.noInherit = readBool(ctx, k, 'no_inherit');
    c.notValid = readBool(ctx, k, 'not_valid');
    c.notEnforced = readBool(ctx, k, 'not_enforced');
    if (c.notEnforced) c.notValid = undefined; // PostgreSQL never validates a NOT ENFORCED check
    c.comment = readText(ctx, k, 'comment');
    c.renamedFrom = readName(ctx, k, 'renamed_from');
  } else {
    const expr = ctx.text(n, 'a check expression');
    if (expr === undefined) return;
    c.expression = expr.trim();
    if (c.expression) ctx.noteSql('expr', 'check', c.expression, n);
    c.name = name;
  }
  if (c.expression === '') return ctx.error('invalid-value', n, 'a check constraint has an empty expression');
  t.checks.push(undef(c));
}

/** parseForeignKey reads one table-level foreign key. */
export function parseForeignKey(ctx: Ctx, t: DraftTable, n: Node, name: string | undefined): void {
  const m = ctx.map(n, 'a foreign key');
  if (!m) return;
  const k = ctx.keys(m, KEYS.foreignKey, 'a foreign key');
  const colsE = k.get('columns');
  const refE = k.get('references');
  if (!colsE || !refE)
    return ctx.error(
      'missing-key',
      m,
      'a foreign key needs `columns` and `references`',
      'e.g. `{ columns: [team_id], references: { table: teams, columns: [id] } }`',
    );
  const columns = ctx.texts(colsE.value, '`columns`');
  if (!columns) return;
  const fk: DraftFk = { kind: 'foreign_key', columns, at: m, refAt: refE.value };
  const inner = readName(ctx, k, 'name', 'foreign key name');
  if (name !== undefined && inner !== undefined)
    ctx.error('conflicting-attributes', k.get('name')!.keyNode, 'the constraint is already named by its key');
  fk.name = name ?? inner;
  const v = refE.value;
  if (v.t === 'scalar') {
    const s = ctx.text(v, '`references`');
    if (s === undefined) return;
    const paren = /^(.*?)\s*\((.*)\)\s*$/s.exec(s);
    const table = refId(ctx, { ...v, value: paren ? paren[1]! : s }, '`references`');
    if (table === undefined) return;
    fk.refTable = table;
    if (paren) fk.refColumns = paren[2]!.split(',').map((x) => x.trim().replace(/^"(.*)"$/, '$1'));
  } else {
    const rm = ctx.map(v, '`references`');
    if (!rm) return;
    const rk = ctx.keys(rm, KEYS.fkTarget, '`references`');
    const tableE = rk.get('table');
    if (!tableE) return ctx.error('missing-key', rm, '`references` needs `table`');
    const table = refId(ctx, tableE.value, '`references.table`');
    if (table === undefined) return;
    fk.refTable = table;
    if (rk.has('columns')) fk.refColumns = ctx.texts(rk.get('columns')!.value, '`references.columns`');
  }
  readFkOptions(ctx, fk, k);
  readOnDeleteColumns(ctx, fk, k, columns);
  fk.period = readBool(ctx, k, 'period');
  fk.comment = readText(ctx, k, 'comment');
  fk.renamedFrom = readName(ctx, k, 'renamed_from');
  t.foreignKeys.push(undef(fk));
}

/** parseExclusion reads one exclusion constraint. */
export function parseExclusion(
  ctx: Ctx,
  t: DraftTable,
  n: Node,
  name: string | undefined,
  columns: readonly string[],
): void {
  const m = ctx.map(n, 'an exclusion constraint');
  if (!m) return;
  const k = ctx.keys(m, KEYS.exclusion, 'an exclusion constraint');
  const elsE = k.get('elements');
  if (!elsE)
    return ctx.error(
      'missing-key',
      m,
      'an exclusion constraint needs `elements`',
      'e.g. `elements: ["room WITH =", "during WITH &&"]`',
    );
  const seq = ctx.seq(elsE.value, '`elements`');
  if (!seq) return;
  const elements: Mutable<ExclusionConstraint['elements'][number]>[] = [];
  for (const item of seq.items) {
    const el = readExclusionElement(ctx, item, columns);
    if (el) elements.push(el);
  }
  const x: Draft<ExclusionConstraint> = {
    kind: 'exclusion',
    using: (readText(ctx, k, 'using') ?? 'gist').trim().toLowerCase(),
    elements,
    at: m,
  };
  const inner = readName(ctx, k, 'name', 'exclusion constraint name');
  x.name = name ?? inner;
  x.where = readExpr(ctx, k, 'where');
  if (k.has('include')) x.include = ctx.texts(k.get('include')!.value, '`include`');
  x.with = readIndexParams(ctx, k);
  timing(ctx, x, k);
  x.comment = readText(ctx, k, 'comment');
  x.renamedFrom = readName(ctx, k, 'renamed_from');
  t.exclusions.push(undef(x));
}

/** readExclusionElement reads one exclusion element: `column WITH operator` or `{ column | expression, operator, opclass }`. */
function readExclusionElement(
  ctx: Ctx,
  item: Node,
  columns: readonly string[],
): Mutable<ExclusionConstraint['elements'][number]> | undefined {
  if (item.t === 'scalar') {
    const s = ctx.text(item, 'an exclusion element');
    if (s === undefined) return undefined;
    const w = /^(.*)\s+with\s+(\S+)$/is.exec(s.trim());
    if (!w) {
      ctx.error(
        'invalid-value',
        item,
        `exclusion element \`${s}\` has no operator`,
        'write `column WITH operator`, e.g. `during WITH &&`',
      );
      return undefined;
    }
    const el = parseElementText(w[1]!, 'either', columns);
    if (el.expression) ctx.noteSql('expr', 'exclusion element', el.expression, item);
    ctx.noteClause(
      'exclusion operator',
      w[2]!,
      item,
      'CREATE TABLE t (x int, EXCLUDE USING gist (x WITH {}))',
      'CreateStmt',
    );
    return undef({ column: el.column, expression: el.expression, operator: w[2]! });
  } else {
    const em = ctx.map(item, 'an exclusion element');
    if (!em) return undefined;
    const ek = ctx.keys(em, KEYS.exclusionElement, 'an exclusion element');
    const op = readText(ctx, ek, 'operator');
    const column = readText(ctx, ek, 'column');
    const expression = readExpr(ctx, ek, 'expression');
    if (op === undefined || (column === undefined) === (expression === undefined)) {
      ctx.error('missing-key', em, 'an exclusion element needs `operator` and one of `column`/`expression`');
      return undefined;
    }
    ctx.noteClause(
      'exclusion operator',
      op.trim(),
      ek.get('operator')!.value,
      'CREATE TABLE t (x int, EXCLUDE USING gist (x WITH {}))',
      'CreateStmt',
    );
    const named = expression === undefined ? undefined : columnOf(expression, columns);
    const opclass = readText(ctx, ek, 'opclass');
    return undef({
      column: column ?? named,
      expression: named === undefined ? expression : undefined,
      opclass,
      opclassParams: readOpclassParams(ctx, ek, opclass, 'an exclusion element'),
      operator: op.trim(),
    });
  }
}

/** parseIndex reads one index: a map, a column list, or a single column. */
export function parseIndex(
  ctx: Ctx,
  n: Node,
  name: string | undefined,
  columns: readonly string[],
  what: string,
): Draft<Index> | undefined {
  if (n.t !== 'map') {
    const list = ctx.texts(n, what);
    if (!list) return undefined;
    if (list.length === 0) return (ctx.error('invalid-value', n, `${what} lists no columns`), undefined);
    return undef<Draft<Index>>({
      kind: 'index',
      name,
      elements: list.map((s) => parseElementText(s, 'column', columns)),
      at: n,
    });
  }
  const k = ctx.keys(n, KEYS.index, what);
  const elements: IndexElement[] = [];
  const add = (key: string, mode: 'column' | 'expression' | 'either'): void => {
    const e = k.get(key);
    if (!e) return;
    const items = e.value.t === 'seq' ? e.value.items : [e.value];
    for (const item of items) {
      const el = readElement(ctx, item, mode, columns);
      if (el) elements.push(el);
    }
  };
  add('columns', 'column');
  add('expressions', 'expression');
  add('elements', 'either');
  if (elements.length === 0)
    return (ctx.error('missing-key', n, `${what} needs \`columns\`, \`expressions\` or \`elements\``), undefined);
  const ix: Draft<Index> = { kind: 'index', elements, at: n };
  const inner = readName(ctx, k, 'name', 'index name');
  if (name !== undefined && inner !== undefined)
    ctx.error('conflicting-attributes', k.get('name')!.keyNode, 'the index is already named by its key');
  ix.name = name ?? inner;
  ix.unique = readBool(ctx, k, 'unique');
  const using = readText(ctx, k, 'using');
  if (using !== undefined) ix.using = using.trim().toLowerCase();
  if (k.has('include')) ix.include = ctx.texts(k.get('include')!.value, '`include`');
  ix.where = readExpr(ctx, k, 'where');
  ix.with = readIndexParams(ctx, k);
  ix.nullsNotDistinct = readBool(ctx, k, 'nulls_not_distinct');
  ix.tablespace = readTablespace(ctx, k, 'an index');
  if (readBool(ctx, k, 'local')) ix.local = true;
  ix.comment = readText(ctx, k, 'comment');
  ix.dependsOnExtensions = readExtensionMarks(ctx, k, what);
  ix.renamedFrom = readName(ctx, k, 'renamed_from');
  return undef(ix);
}

/** readOnDeleteColumns reads `on_delete_columns` (ON DELETE SET NULL / SET DEFAULT (columns)) of a table-level foreign key. */
function readOnDeleteColumns(ctx: Ctx, fk: DraftFk, k: Keyed, columns: readonly string[]): void {
  const e = k.get('on_delete_columns');
  const dc = e ? ctx.texts(e.value, '`on_delete_columns`') : undefined;
  if (!e || !dc) return;
  if (fk.onDelete !== 'set_null' && fk.onDelete !== 'set_default')
    ctx.error(
      'invalid-value',
      e.keyNode,
      '`on_delete_columns` needs `on_delete: set_null` or `on_delete: set_default`',
      'add `on_delete: set_null`, or remove `on_delete_columns`',
    );
  else if (dc.some((c) => !columns.includes(c)))
    ctx.error(
      'invalid-value',
      e.value,
      `every column of \`on_delete_columns\` must be one of the foreign key's \`columns\` (${columns.join(', ')})`,
    );
  else fk.onDeleteColumns = dc;
}

/** readIndexParams reads `with:`, an index's storage parameters (`{ fillfactor: 80 }`); undefined when absent. */
function readIndexParams(ctx: Ctx, k: Keyed): Record<string, string> | undefined {
  const e = k.get('with');
  if (!e) return undefined;
  const wm = ctx.map(e.value, '`with`');
  if (!wm) return undefined;
  const w: Record<string, string> = {};
  for (const x of wm.entries) {
    const v = ctx.text(x.value, `\`with.${x.key}\``);
    if (v !== undefined) w[x.key.toLowerCase()] = v;
  }
  return w;
}
