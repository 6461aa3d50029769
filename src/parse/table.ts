/** The `tables:` section: columns (short and long forms) and everything that hangs off a table. */
import { SERIAL_TYPES, normalizeCollation, normalizeType } from '../canon/types.js';
import type { FkAction, IndexElement, TriggerEvent } from '../model/types.js';
import { KEYS } from './keys.js';
import { readGrants, readReplicaIdentity, readStorageParams } from './grants.js';
import type { Ctx, Keyed, Entry, MapNode, Node, Scalar } from './node.js';
import {
  columnOf,
  isNull,
  mapOrNothing,
  parseElementText,
  readBool,
  readDefault,
  readElement,
  readExpr,
  readName,
  readSeqOptions,
  readText,
  refId,
  splitRef,
  type ParsedId,
} from './common.js';
import { undef, type Draft, type DraftColumn, type DraftFk, type DraftTable, type Mutable } from './drafts.js';
import { parsePolicy, parseTrigger, timing } from './triggers.js';
import type { CheckConstraint, ExclusionConstraint, Index, Policy, Trigger, UniqueConstraint } from '../model/types.js';

const FK_ACTIONS = ['no_action', 'restrict', 'cascade', 'set_null', 'set_default'] as const;

/** parseTable reads one entry of `tables:`. */
export function parseTable(ctx: Ctx, id: ParsedId, keyNode: Scalar, value: Node): DraftTable | undefined {
  const m = mapOrNothing(ctx, value, `table \`${id.id}\``);
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.table, `table \`${id.id}\``);
  const t: DraftTable = {
    ...id,
    at: keyNode,
    columns: [],
    typeAt: new Map(),
    extraPrimaryKeys: [],
    uniques: [],
    checks: [],
    foreignKeys: [],
    exclusions: [],
    indexes: [],
    triggers: [],
    policies: [],
    rest: {},
  };
  const cols = k.get('columns');
  if (cols && !isNull(cols.value)) {
    const cm = ctx.map(cols.value, `\`columns\` of table \`${id.id}\``);
    if (cm) for (const e of cm.entries) ctx.within({ column: e.key }, () => parseColumn(ctx, t, e));
  } else if (!k.has('partition_of')) {
    ctx.error(
      'missing-key',
      keyNode,
      `table \`${id.id}\` has no \`columns\``,
      'add `columns:` with at least one `name: type`',
    );
  }
  const names = t.columns.map((c) => c.name);
  const pk = k.get('primary_key');
  if (pk) parsePrimaryKey(ctx, t, pk.value);
  if (k.has('unique')) parseUniques(ctx, t, k.get('unique')!.value);
  if (k.has('checks')) eachNamed(ctx, k.get('checks')!.value, '`checks`', (n, name) => parseCheck(ctx, t, n, name));
  if (k.has('foreign_keys'))
    eachNamed(ctx, k.get('foreign_keys')!.value, '`foreign_keys`', (n, name) => parseForeignKey(ctx, t, n, name));
  if (k.has('exclusions'))
    eachNamed(ctx, k.get('exclusions')!.value, '`exclusions`', (n, name) => parseExclusion(ctx, t, n, name, names));
  if (k.has('indexes')) {
    eachNamed(ctx, k.get('indexes')!.value, '`indexes`', (n, name) => {
      const ix = parseIndex(ctx, n, name, names, `index of table \`${id.id}\``);
      if (ix) t.indexes.push(ix);
    });
  }
  if (k.has('triggers')) {
    eachNamed(ctx, k.get('triggers')!.value, '`triggers`', (n, name, nameNode) => {
      if (name === undefined)
        return ctx.error(
          'missing-key',
          n,
          'a trigger needs a name',
          'write triggers as a map: `name: { timing, events, function }`',
        );
      const tr = parseTrigger(ctx, n, name, nameNode!);
      if (tr) t.triggers.push(tr);
    });
  }
  if (k.has('policies')) {
    eachNamed(ctx, k.get('policies')!.value, '`policies`', (n, name, nameNode) => {
      if (name === undefined)
        return ctx.error(
          'missing-key',
          n,
          'a policy needs a name',
          'write policies as a map: `name: { command, using }`',
        );
      const p = parsePolicy(ctx, n, name, nameNode!);
      if (p) t.policies.push(p);
    });
  }
  const r = t.rest;
  r.rowLevelSecurity = readBool(ctx, k, 'row_level_security');
  r.forceRowLevelSecurity = readBool(ctx, k, 'force_row_level_security');
  r.unlogged = readBool(ctx, k, 'unlogged');
  if (k.has('with')) r.with = readStorageParams(ctx, k.get('with')!.value, `table \`${id.id}\``);
  if (k.has('replica_identity')) Object.assign(r, readReplicaIdentity(ctx, k.get('replica_identity')!.value));
  r.comment = readText(ctx, k, 'comment');
  r.grants = readGrants(ctx, k, 'table', `table \`${id.id}\``);
  r.renamedFrom = readName(ctx, k, 'renamed_from');
  if (k.has('partition_by')) r.partitionBy = parsePartitionBy(ctx, k.get('partition_by')!.value);
  if (r.partitionBy?.key)
    ctx.noteClause(
      'partition key',
      r.partitionBy.key,
      k.get('partition_by')!.value,
      'CREATE TABLE t (x int) PARTITION BY RANGE ({})',
      'CreateStmt',
    );
  if (k.has('partition_of')) {
    const e = k.get('partition_of')!;
    const pm = ctx.map(e.value, '`partition_of`');
    if (pm) {
      const pk2 = ctx.keys(pm, KEYS.partitionOf, '`partition_of`');
      const parentE = pk2.get('parent');
      const parent = parentE ? refId(ctx, parentE.value, '`partition_of.parent`') : undefined;
      let bound = readText(ctx, pk2, 'bound')?.trim();
      if (!parentE || bound === undefined)
        ctx.error(
          'missing-key',
          pm,
          '`partition_of` needs `parent` and `bound`',
          "e.g. `{ parent: events, bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\" }`",
        );
      if (bound !== undefined && /^default$/i.test(bound)) bound = 'DEFAULT';
      if (bound) {
        const sql = /^(for\s+values|default)\b/i.test(bound) ? bound : `FOR VALUES ${bound}`;
        const at = pk2.get('bound')!.value;
        ctx.noteClause('partition bound', sql, at, 'CREATE TABLE t PARTITION OF p {}', 'CreateStmt');
      }
      if (parent !== undefined && bound !== undefined) {
        r.partitionOf = { parent, bound };
        t.partitionParentAt = parentE!.value;
      }
    }
  }
  if (k.has('inherits')) {
    const e = k.get('inherits')!;
    const list = ctx.texts(e.value, '`inherits`');
    if (list) {
      r.inherits = list.map(
        (s) => refId(ctx, { ...(e.value as Scalar), t: 'scalar', value: s, source: s }, '`inherits`') ?? s,
      );
      t.inheritsAt = e.value;
    }
  }
  t.rest = undef(r);
  return t;
}

/** eachNamed walks a map (name -> definition) or a list (unnamed definitions). */
function eachNamed(
  ctx: Ctx,
  n: Node,
  what: string,
  f: (n: Node, name: string | undefined, nameNode?: Node) => void,
): void {
  if (isNull(n)) return;
  if (n.t === 'map') {
    for (const e of n.entries) {
      const name = ctx.name(e.keyNode, `a name in ${what}`);
      if (name !== undefined) f(e.value, name, e.keyNode);
    }
  } else if (n.t === 'seq') for (const item of n.items) f(item, undefined);
  else ctx.error('wrong-type', n, `${what} must be a map (name: definition) or a list`);
}

function parseColumn(ctx: Ctx, t: DraftTable, e: Entry): void {
  const name = ctx.name(e.keyNode, `column name in table \`${t.id}\``);
  if (name === undefined) return;
  const what = `column \`${t.id}.${name}\``;
  const col: DraftColumn = { kind: 'column', name, type: '', nullable: true };
  if (e.value.t === 'scalar') {
    const ty = e.value.value === null ? undefined : ctx.text(e.value, `type of ${what}`);
    if (ty === undefined) {
      if (e.value.value === null)
        ctx.error(
          'missing-key',
          e.keyNode,
          `${what} has no type`,
          `write \`${name}: text\` or \`${name}: { type: text }\``,
        );
      return;
    }
    setType(ctx, t, col, ty, e.value);
    t.columns.push(col);
    return;
  }
  const m = ctx.map(e.value, what);
  if (!m) return;
  if (quickColumn(ctx, t, col, m)) return;
  const k = ctx.keys(m, KEYS.column, what);
  const typeE = k.get('type');
  const ty = typeE ? ctx.text(typeE.value, `type of ${what}`) : undefined;
  const serial = readBool(ctx, k, 'serial');
  if (ty !== undefined) setType(ctx, t, col, ty, typeE!.value);
  else if (!typeE && serial) col.type = 'integer';
  else if (!typeE) ctx.error('missing-key', m, `${what} has no \`type\``, 'add `type: text` (or any PostgreSQL type)');
  if (serial) {
    if (!['integer', 'bigint', 'smallint'].includes(col.type) && col.type !== '') {
      ctx.error(
        'invalid-value',
        k.get('serial')!.value,
        `${what}: \`serial\` needs type smallint, integer or bigint, not \`${col.type}\``,
      );
    }
    col.serial = true;
  }
  const nullableE = k.get('nullable');
  const nullable = nullableE ? ctx.bool(nullableE.value, '`nullable`') : undefined;
  if (nullable !== undefined) col.nullable = nullable;
  if (k.has('default')) {
    const d = readDefault(ctx, k.get('default')!.value);
    if (d) col.default = d;
  }
  if (k.has('identity')) {
    const idn = k.get('identity')!.value;
    if (idn.t === 'scalar') {
      const mode = ctx.oneOf(idn, ['always', 'by_default'] as const, '`identity`');
      if (mode) col.identity = { mode };
    } else {
      const im = ctx.map(idn, '`identity`');
      if (im) {
        const ik = ctx.keys(im, KEYS.identity, '`identity`');
        const modeE = ik.get('mode');
        const mode = modeE
          ? ctx.oneOf(modeE.value, ['always', 'by_default'] as const, '`identity.mode`')
          : 'by_default';
        const options = readSeqOptions(ctx, ik, false);
        if (mode) col.identity = Object.keys(options).length ? { mode, options } : { mode };
      }
    }
  }
  const generated = readExpr(ctx, k, 'generated');
  if (generated !== undefined) col.generated = generated;
  const collation = readText(ctx, k, 'collation');
  if (collation !== undefined) col.collation = normalizeCollation(collation);
  col.comment = readText(ctx, k, 'comment');
  col.grants = readGrants(ctx, k, 'column', `column \`${col.name}\``);
  col.renamedFrom = readName(ctx, k, 'renamed_from');
  const using = readExpr(ctx, k, 'using');
  if (using !== undefined) col.convertUsing = using;
  const special = [
    col.identity && 'identity',
    col.serial && 'serial',
    col.generated !== undefined && 'generated',
    col.default && 'default',
  ].filter(Boolean);
  if (special.length > 1)
    ctx.error(
      'conflicting-attributes',
      m,
      `${what} has both ${special.join(' and ')}`,
      'keep only one: they all define where the value comes from',
    );
  if (col.identity && col.type !== '' && !['smallint', 'integer', 'bigint'].includes(col.type)) {
    ctx.error(
      'invalid-value',
      k.get('identity')!.value,
      `${what}: an identity column must be smallint, integer or bigint, not \`${col.type}\``,
    );
  }
  if (col.identity) {
    if (nullable === true)
      ctx.error('conflicting-attributes', nullableE!.value, `${what} is an identity column and cannot be nullable`);
    col.nullable = false;
  } else if (col.serial) col.nullable = nullable ?? false;
  // column-level constraints
  const pkE = k.get('primary_key');
  if (pkE) {
    const v = pkE.value;
    const on = isNameValue(v) ? true : ctx.bool(v, '`primary_key`');
    if (on) {
      if (nullable === true)
        ctx.error(
          'conflicting-attributes',
          nullableE!.value,
          `${what} is part of the primary key and cannot be nullable`,
        );
      if (t.primaryKey) t.extraPrimaryKeys.push(pkE.keyNode);
      else {
        t.primaryKey = { kind: 'primary_key', columns: [name], at: pkE.keyNode };
        if (v.t === 'scalar' && typeof v.value === 'string' && ctx.checkName(v, v.value, 'primary key name'))
          t.primaryKey.name = v.value;
      }
    }
  }
  const uqE = k.get('unique');
  if (uqE) {
    const v = uqE.value;
    const on = isNameValue(v) ? true : ctx.bool(v, '`unique`');
    if (on) {
      const u: Draft<UniqueConstraint> = { kind: 'unique', columns: [name], at: uqE.keyNode };
      if (v.t === 'scalar' && typeof v.value === 'string' && ctx.checkName(v, v.value, 'unique constraint name'))
        u.name = v.value;
      t.uniques.push(u);
    }
  }
  const ckE = k.get('check');
  if (ckE) parseCheck(ctx, t, ckE.value, undefined, ckE.keyNode);
  const refE = k.get('references');
  if (refE) parseColumnReference(ctx, t, name, refE, k);
  else
    for (const key of ['on_delete', 'on_update']) {
      if (k.has(key))
        ctx.error(
          'invalid-value',
          k.get(key)!.keyNode,
          `\`${key}\` on ${what} needs \`references\``,
          'add `references: table.column`',
        );
    }
  t.columns.push(undef(col));
}

/** isNameValue tells whether `primary_key: x` / `unique: x` gives a constraint name (not a YAML 1.1 boolean like `yes`). */
function isNameValue(v: Node): boolean {
  return v.t === 'scalar' && typeof v.value === 'string' && !/^(y|yes|n|no|on|off)$/i.test(v.value);
}

function setType(ctx: Ctx, t: DraftTable, col: DraftColumn, raw: string, at: Node): void {
  const lower = raw.trim().toLowerCase();
  if (SERIAL_TYPES[lower]) {
    col.type = SERIAL_TYPES[lower]!;
    col.serial = true;
    col.nullable = false;
  } else if (raw.trim() === '') {
    ctx.error('invalid-value', at, `column \`${col.name}\` has an empty type`);
  } else {
    col.type = normalizeType(raw);
    ctx.noteSql('type', 'type', raw, at);
  }
  t.typeAt.set(col.name, at);
}

/**
 * quickColumn handles the commonest long form, `{ type, nullable, default, comment }`, in one pass; returns false
 * (having done nothing) for anything else, which the general path then reads.
 */
function quickColumn(ctx: Ctx, t: DraftTable, col: DraftColumn, m: MapNode): boolean {
  let typeN: Node | undefined;
  let nullableN: Node | undefined;
  let defaultN: Node | undefined;
  let commentN: Node | undefined;
  for (const e of m.entries) {
    switch (e.key) {
      case 'type':
        typeN = e.value;
        break;
      case 'nullable':
        nullableN = e.value;
        break;
      case 'default':
        defaultN = e.value;
        break;
      case 'comment':
        commentN = e.value;
        break;
      default:
        return false;
    }
  }
  if (!typeN || typeN.t !== 'scalar' || typeof typeN.value !== 'string') return false;
  if (nullableN && (nullableN.t !== 'scalar' || typeof nullableN.value !== 'boolean')) return false;
  if (commentN && (commentN.t !== 'scalar' || typeof commentN.value !== 'string')) return false;
  if (SERIAL_TYPES[typeN.value.trim().toLowerCase()] && defaultN) return false; // serial + default: the general path reports it
  setType(ctx, t, col, typeN.value, typeN);
  if (nullableN) col.nullable = nullableN.value as boolean;
  if (col.serial && nullableN === undefined) col.nullable = false;
  if (defaultN) {
    const d = readDefault(ctx, defaultN);
    if (d) col.default = d;
  }
  if (commentN) col.comment = commentN.value as string;
  t.columns.push(col);
  return true;
}

function parseColumnReference(ctx: Ctx, t: DraftTable, column: string, refE: Entry, k: Keyed): void {
  const fk: DraftFk = { kind: 'foreign_key', columns: [column], at: refE.keyNode, refAt: refE.value };
  const v = refE.value;
  if (v.t === 'scalar') {
    const s = ctx.text(v, '`references`');
    if (s === undefined) return;
    const parts = splitRef(ctx, v, s, '`references`');
    if (!parts) return;
    if (parts.length > 3)
      return ctx.error(
        'invalid-name',
        v,
        `\`references: ${s}\` has too many parts`,
        'write `table.column` or `schema.table.column`',
      );
    fk.refParts = parts;
  } else {
    const m = ctx.map(v, '`references`');
    if (!m) return;
    const rk = ctx.keys(m, KEYS.columnReference, '`references`');
    const tableE = rk.get('table');
    if (!tableE) return ctx.error('missing-key', m, '`references` needs `table`');
    const table = refId(ctx, tableE.value, '`references.table`');
    if (table === undefined) return;
    fk.refTable = table;
    const col = readText(ctx, rk, 'column');
    if (col !== undefined) fk.refColumns = [col];
    fk.name = readName(ctx, rk, 'name', 'foreign key name');
    readFkOptions(ctx, fk, rk);
  }
  readFkOptions(ctx, fk, k);
  t.foreignKeys.push(undef(fk));
}

function readFkOptions(ctx: Ctx, fk: DraftFk, k: Keyed): void {
  if (k.has('on_delete')) fk.onDelete = ctx.oneOf<FkAction>(k.get('on_delete')!.value, FK_ACTIONS, '`on_delete`');
  if (k.has('on_update')) fk.onUpdate = ctx.oneOf<FkAction>(k.get('on_update')!.value, FK_ACTIONS, '`on_update`');
  if (k.has('match')) {
    const m = ctx.oneOf(k.get('match')!.value, ['simple', 'full'] as const, '`match`');
    if (m) fk.match = m;
  }
  if (k.has('deferrable')) fk.deferrable = readBool(ctx, k, 'deferrable');
  if (k.has('initially_deferred')) fk.initiallyDeferred = readBool(ctx, k, 'initially_deferred');
  if (k.has('not_valid')) fk.notValid = readBool(ctx, k, 'not_valid');
  timing(ctx, fk, k);
}

function parsePrimaryKey(ctx: Ctx, t: DraftTable, n: Node): void {
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
    timing(ctx, draft, k);
    draft.comment = readText(ctx, k, 'comment');
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

function parseUniques(ctx: Ctx, t: DraftTable, n: Node): void {
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
      u.nullsNotDistinct = readBool(ctx, k, 'nulls_not_distinct');
      timing(ctx, u, k);
      u.comment = readText(ctx, k, 'comment');
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

function parseCheck(ctx: Ctx, t: DraftTable, n: Node, name: string | undefined, at?: Node): void {
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

function parseForeignKey(ctx: Ctx, t: DraftTable, n: Node, name: string | undefined): void {
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
  fk.comment = readText(ctx, k, 'comment');
  fk.renamedFrom = readName(ctx, k, 'renamed_from');
  t.foreignKeys.push(undef(fk));
}

function parseExclusion(ctx: Ctx, t: DraftTable, n: Node, name: string | undefined, columns: readonly string[]): void {
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
    if (item.t === 'scalar') {
      const s = ctx.text(item, 'an exclusion element');
      if (s === undefined) continue;
      const w = /^(.*)\s+with\s+(\S+)$/is.exec(s.trim());
      if (!w) {
        ctx.error(
          'invalid-value',
          item,
          `exclusion element \`${s}\` has no operator`,
          'write `column WITH operator`, e.g. `during WITH &&`',
        );
        continue;
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
      elements.push(undef({ column: el.column, expression: el.expression, operator: w[2]! }));
    } else {
      const em = ctx.map(item, 'an exclusion element');
      if (!em) continue;
      const ek = ctx.keys(em, KEYS.exclusionElement, 'an exclusion element');
      const op = readText(ctx, ek, 'operator');
      const column = readText(ctx, ek, 'column');
      const expression = readExpr(ctx, ek, 'expression');
      if (op === undefined || (column === undefined) === (expression === undefined)) {
        ctx.error('missing-key', em, 'an exclusion element needs `operator` and one of `column`/`expression`');
        continue;
      }
      ctx.noteClause(
        'exclusion operator',
        op.trim(),
        ek.get('operator')!.value,
        'CREATE TABLE t (x int, EXCLUDE USING gist (x WITH {}))',
        'CreateStmt',
      );
      const named = expression === undefined ? undefined : columnOf(expression, columns);
      elements.push(
        undef({
          column: column ?? named,
          expression: named === undefined ? expression : undefined,
          opclass: readText(ctx, ek, 'opclass'),
          operator: op.trim(),
        }),
      );
    }
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
  timing(ctx, x, k);
  x.comment = readText(ctx, k, 'comment');
  x.renamedFrom = readName(ctx, k, 'renamed_from');
  t.exclusions.push(undef(x));
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
  if (k.has('with')) {
    const wm = ctx.map(k.get('with')!.value, '`with`');
    if (wm) {
      const w: Record<string, string> = {};
      for (const e of wm.entries) {
        const v = ctx.text(e.value, `\`with.${e.key}\``);
        if (v !== undefined) w[e.key.toLowerCase()] = v;
      }
      ix.with = w;
    }
  }
  ix.nullsNotDistinct = readBool(ctx, k, 'nulls_not_distinct');
  ix.comment = readText(ctx, k, 'comment');
  ix.renamedFrom = readName(ctx, k, 'renamed_from');
  return undef(ix);
}

function parsePartitionBy(ctx: Ctx, n: Node): { strategy: 'range' | 'list' | 'hash'; key: string } | undefined {
  const strategies = ['range', 'list', 'hash'] as const;
  if (n.t === 'scalar') {
    const s = ctx.text(n, '`partition_by`');
    if (s === undefined) return undefined;
    const m = /^\s*(\w+)\s*\((.*)\)\s*$/s.exec(s);
    if (!m)
      return (
        ctx.error(
          'invalid-value',
          n,
          `\`partition_by: ${s}\` is not \`strategy (key)\``,
          'e.g. `partition_by: range (created_at)`',
        ),
        undefined
      );
    const strategy = m[1]!.toLowerCase();
    if (!(strategies as readonly string[]).includes(strategy))
      return (
        ctx.error('invalid-value', n, `partition strategy \`${m[1]}\` is not one of range, list, hash`),
        undefined
      );
    return { strategy: strategy as 'range', key: m[2]!.trim() };
  }
  const m = ctx.map(n, '`partition_by`');
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.partitionBy, '`partition_by`');
  const sE = k.get('strategy');
  const kE = k.get('key');
  if (!sE || !kE) return (ctx.error('missing-key', m, '`partition_by` needs `strategy` and `key`'), undefined);
  const strategy = ctx.oneOf(sE.value, strategies, '`strategy`');
  const keys = ctx.texts(kE.value, '`key`');
  if (!strategy || !keys) return undefined;
  let key = keys.join(', ').trim();
  if (key.startsWith('(') && key.endsWith(')')) key = key.slice(1, -1).trim();
  return { strategy, key };
}
