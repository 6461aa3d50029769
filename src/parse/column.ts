/** A table's columns: the short form (`name: type`), the quick long form and the general one with its column-level constraints. */
import { SERIAL_TYPES, normalizeCollation, normalizeType } from '../canon/types.js';
import { KEYS } from './keys.js';
import { readGrants, readGrantsNode } from './grants.js';
import type { Ctx, Keyed, Entry, MapNode, Node } from './node.js';
import {
  readBool,
  readDefault,
  readExpr,
  readName,
  readSeqOptions,
  readText,
  refId,
  refuseNullableNotNull,
  refusePgNotNullName,
  splitRef,
} from './common.js';
import { undef, type Draft, type DraftColumn, type DraftFk, type DraftTable, type Mutable } from './drafts.js';
import { pgNotNullName, type NotNullConstraint, type UniqueConstraint } from '../model/types.js';
import { makeObjectName } from '../canon/names.js';
import { parseCheck, readFkOptions } from './constraints.js';

/** parseColumn reads one entry of a table's `columns:` into `t`. */
export function parseColumn(ctx: Ctx, t: DraftTable, e: Entry): void {
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
  if (readBool(ctx, k, 'inherited')) col.inherited = true;
  const nullableE = k.get('nullable');
  const nullable = nullableE ? ctx.bool(nullableE.value, '`nullable`') : undefined;
  if (nullable !== undefined) col.nullable = nullable;
  if (k.has('default')) {
    const d = readDefault(ctx, k.get('default')!.value);
    if (d) col.default = d;
  }
  if (k.has('identity')) readIdentity(ctx, col, k.get('identity')!.value);
  const generated = readExpr(ctx, k, 'generated');
  if (generated !== undefined) col.generated = generated;
  const virtualE = k.get('virtual');
  if (virtualE && ctx.bool(virtualE.value, '`virtual`')) {
    if (generated === undefined)
      ctx.error(
        'invalid-value',
        virtualE.keyNode,
        `${what}: \`virtual\` needs \`generated\``,
        'add `generated: <expression>`, or remove `virtual`',
      );
    else col.virtual = true;
  }
  readNotNull(ctx, t, k, col, what, nullable, nullableE);
  readColumnSettings(ctx, k, col);
  const collation = readText(ctx, k, 'collation');
  if (collation !== undefined) col.collation = normalizeCollation(collation);
  col.comment = readText(ctx, k, 'comment');
  col.grants = readGrants(ctx, k, 'column', `column \`${col.name}\``);
  readOwnSequence(ctx, k, col, what);
  col.renamedFrom = readName(ctx, k, 'renamed_from');
  const using = readExpr(ctx, k, 'using');
  if (using !== undefined) col.convertUsing = using;
  checkSources(ctx, k, m, col, what, nullable, nullableE);
  columnConstraints(ctx, t, k, name, what, nullable, nullableE);
  t.columns.push(undef(col));
}

/**
 * readNotNull reads `not_null`, the column's NOT NULL constraint (PostgreSQL 18): its name (`not_null: name`) or
 * `{ name, not_valid, no_inherit, comment }`. It makes the column NOT NULL; the name defaults to PostgreSQL's.
 */
function readNotNull(
  ctx: Ctx,
  t: DraftTable,
  k: Keyed,
  col: DraftColumn,
  what: string,
  nullable: boolean | undefined,
  nullableE: Entry | undefined,
): void {
  const e = k.get('not_null');
  if (!e) return;
  const own = makeObjectName(t.name, col.name, 'not_null');
  let nn: Mutable<NotNullConstraint>;
  if (e.value.t === 'scalar') {
    const name = ctx.name(e.value, 'not-null constraint name');
    if (name === undefined) return;
    nn = { name };
  } else {
    const m = ctx.map(e.value, '`not_null`');
    if (!m) return;
    const nk = ctx.keys(m, KEYS.notNull, '`not_null`');
    nn = { name: readName(ctx, nk, 'name', 'not-null constraint name') ?? own };
    if (readBool(ctx, nk, 'not_valid')) nn.notValid = true;
    if (readBool(ctx, nk, 'no_inherit')) nn.noInherit = true;
    const comment = readText(ctx, nk, 'comment');
    if (comment !== undefined) nn.comment = comment;
  }
  if (nullable === true) return refuseNullableNotNull(ctx, nullableE!.value, what);
  col.nullable = false;
  const plain = !nn.notValid && !nn.noInherit && nn.comment === undefined;
  if (plain && nn.name === own) return; // PostgreSQL's own name: the same as `nullable: false`
  if (plain && pgNotNullName(nn.name)) return refusePgNotNullName(ctx, e.value, what, nn.name, own);
  col.notNull = nn;
}

/** readOwnSequence reads what a serial or identity column's own sequence has: `sequence_grants`, `sequence_comment`. */
function readOwnSequence(ctx: Ctx, k: Keyed, col: DraftColumn, what: string): void {
  const sg = k.get('sequence_grants');
  if (sg) col.sequenceGrants = readGrantsNode(ctx, sg.value, 'sequence', `the sequence of column \`${col.name}\``);
  const sc = k.get('sequence_comment');
  if (sc && !col.identity)
    ctx.error(
      'invalid-value',
      sc.keyNode,
      `${what}: \`sequence_comment\` is the comment of an identity column's sequence, and the column has no \`identity\``,
      'add `identity: always` (or `by_default`), or declare the sequence under `sequences:` with its `comment`',
    );
  else if (sc) col.sequenceComment = readText(ctx, k, 'sequence_comment');
}

/** readIdentity reads `identity`: `always` / `by_default`, or `{ mode, ...sequence options }`. */
function readIdentity(ctx: Ctx, col: DraftColumn, idn: Node): void {
  if (idn.t === 'scalar') {
    const mode = ctx.oneOf(idn, ['always', 'by_default'] as const, '`identity`');
    if (mode) col.identity = { mode };
  } else {
    const im = ctx.map(idn, '`identity`');
    if (im) {
      const ik = ctx.keys(im, KEYS.identity, '`identity`');
      const modeE = ik.get('mode');
      const mode = modeE ? ctx.oneOf(modeE.value, ['always', 'by_default'] as const, '`identity.mode`') : 'by_default';
      const options = readSeqOptions(ctx, ik, false);
      const sequence = readName(ctx, ik, 'sequence', '`identity.sequence`');
      if (mode)
        col.identity = {
          mode,
          ...(Object.keys(options).length ? { options } : {}),
          ...(sequence !== undefined ? { sequence } : {}),
        };
    }
  }
}

/** checkSources refuses two sources of one column's value and a wrong-typed or nullable identity; settles identity/serial NOT NULL. */
function checkSources(
  ctx: Ctx,
  k: Keyed,
  m: MapNode,
  col: DraftColumn,
  what: string,
  nullable: boolean | undefined,
  nullableE: Entry | undefined,
): void {
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
}

/** columnConstraints reads a column's own `primary_key`, `unique`, `check` and `references`. */
function columnConstraints(
  ctx: Ctx,
  t: DraftTable,
  k: Keyed,
  name: string,
  what: string,
  nullable: boolean | undefined,
  nullableE: Entry | undefined,
): void {
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

/** ATTRIBUTE_OPTIONS are the attribute options PostgreSQL has for a table column (ALTER COLUMN ... SET (...)). */
const ATTRIBUTE_OPTIONS = ['n_distinct', 'n_distinct_inherited'] as const;

/** readColumnOptions reads `options:`, a column's attribute options (`{ n_distinct: -0.02 }`). */
function readColumnOptions(ctx: Ctx, k: Keyed, col: DraftColumn): void {
  const e = k.get('options');
  const m = e && ctx.map(e.value, '`options`');
  if (!m) return;
  const o: Record<string, string> = {};
  for (const x of m.entries) {
    const key = x.key.toLowerCase();
    if (!(ATTRIBUTE_OPTIONS as readonly string[]).includes(key)) {
      ctx.error(
        'unknown-key',
        x.keyNode,
        `\`options\` of column \`${col.name}\` has no option \`${x.key}\``,
        `PostgreSQL's attribute options are ${ATTRIBUTE_OPTIONS.map((a) => `\`${a}\``).join(' and ')}`,
      );
      continue;
    }
    const v = ctx.text(x.value, `\`options.${x.key}\``);
    if (v === undefined) continue;
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.trim()))
      ctx.error(
        'invalid-value',
        x.value,
        `\`options.${x.key}\` must be a number, not \`${v}\``,
        'write e.g. `-0.05` (a fraction of the rows) or `1000` (a count)',
      );
    else o[key] = v.trim();
  }
  if (Object.keys(o).length) col.options = o;
}

/** readColumnSettings reads a column's `storage`, `compression`, `statistics` and `options` (SET STORAGE / COMPRESSION / STATISTICS / SET (...)). */
function readColumnSettings(ctx: Ctx, k: Keyed, col: DraftColumn): void {
  const storage = k.get('storage');
  if (storage) {
    const v = ctx.oneOf(storage.value, ['plain', 'external', 'extended', 'main'] as const, '`storage`');
    if (v) col.storage = v;
  }
  const compression = k.get('compression');
  if (compression) {
    const v = ctx.oneOf(compression.value, ['pglz', 'lz4'] as const, '`compression`');
    if (v) col.compression = v;
  }
  const stats = k.get('statistics');
  const n = stats ? ctx.num(stats.value, '`statistics`', 0n) : undefined;
  if (stats && n !== undefined) {
    if (Number(n) > 10000) ctx.error('invalid-value', stats.value, '`statistics` must be at most 10000');
    else col.statistics = Number(n);
  }
  readColumnOptions(ctx, k, col);
}
