/**
 * Column transitions: the ALTER TABLE statements that turn one column definition into another, with hazards.
 * The same function written the other way round is the reverse, so up and down stay mirror images.
 */
import { createGrants } from '../sql/grants.js';
import {
  pgNotNullName,
  type Column,
  type NotNullConstraint,
  type Schema,
  type Sequence,
  type SequenceOptions,
} from '../model/types.js';
import { callsVolatile } from './volatile.js';
import { qid } from '../model/ids.js';
import {
  columnSettings,
  columnDef,
  commentOn,
  defaultSql,
  rel,
  schemaOf,
  nameOf,
  seqOptions,
  identitySequenceOptions,
  restartNeeded,
  SERIAL_TYPES,
  type TypeNamer,
} from '../sql/ddl.js';
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js';
import { SchemaverError } from '../errors.js';
import { castKnownMissing } from './casts.js';
import { elementType } from './context.js';
import { fragmentKey } from '../diff/index.js';

/** ColumnSql is the statements of a column transition and its hazards. */
export interface ColumnSql {
  readonly sql: string[];
  readonly destructive: boolean;
  readonly rewrite: boolean;
  readonly lock: boolean;
}

/** truncateName cuts a name to PostgreSQL's 63-byte identifier limit without splitting a character. */
export function truncateName(s: string, max = 63): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/** makeObjectName imitates PostgreSQL's makeObjectName: `<name1>_<name2>_<label>`, shortening the longer part. */
export function makeObjectName(name1: string, name2: string | undefined, label: string): string {
  let a = name1;
  let b = name2 ?? '';
  const overhead = (b ? 1 : 0) + (label ? label.length + 1 : 0);
  const avail = 63 - overhead;
  while (Buffer.byteLength(a) + Buffer.byteLength(b) > avail) {
    if (Buffer.byteLength(a) > Buffer.byteLength(b)) a = truncateName(a, Buffer.byteLength(a) - 1);
    else b = truncateName(b, Buffer.byteLength(b) - 1);
  }
  return [a, b, label].filter((x) => x !== '').join('_');
}

/** serialSequence is the id of the sequence a serial column owns (`<table>_<column>_seq`). */
export function serialSequence(table: string, column: string): string {
  const name = makeObjectName(nameOf(table), column, 'seq');
  return qualified(schemaOf(table), name);
}

const INT_RANK: Readonly<Record<string, number>> = { smallint: 1, integer: 2, bigint: 3, numeric: 4 };

/** typeWidens tells whether every value of type `a` fits type `b` unchanged (so the change loses nothing). */
export function typeWidens(a: string, b: string): boolean {
  if (a === b) return true;
  if (b === 'text' && !a.endsWith('[]')) return true;
  const ma = /^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?$/.exec(a);
  const mb = /^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?$/.exec(b);
  if (!ma || !mb) return false;
  const [, ba, pa, sa] = ma;
  const [, bb, pb, sb] = mb;
  if (INT_RANK[ba!] && INT_RANK[bb!] && INT_RANK[ba!]! < INT_RANK[bb!]! && !pb) return true;
  if (ba === 'character varying' && bb === 'character varying')
    return pb === undefined || (pa !== undefined && +pb >= +pa);
  if (ba === 'character' && (bb === 'character varying' || bb === 'text'))
    return pb === undefined || (pa !== undefined && +pb >= +pa);
  if (ba === 'numeric' && bb === 'numeric')
    return pb === undefined || (pa !== undefined && +pb - +(sb ?? 0) >= +pa - +(sa ?? 0) && +(sb ?? 0) >= +(sa ?? 0));
  if (ba === 'real' && bb === 'double precision') return true;
  if (ba === 'timestamp without time zone' && bb === 'timestamp with time zone') return true;
  return false;
}

/** typeNeedsNoRewrite tells whether PostgreSQL changes the type without rewriting the table. */
function typeNeedsNoRewrite(a: string, b: string): boolean {
  if (a === b) return true;
  if ((a.startsWith('character varying') || a === 'text') && (b === 'text' || b === 'character varying')) return true;
  if (a.startsWith('character varying(') && b.startsWith('character varying(')) return typeWidens(a, b);
  if (a.startsWith('numeric(') && b === 'numeric') return true;
  return false;
}

const baseOf = (t: string): string => elementType(t.replace(/\(.*\)/, ''));

/** usingClause writes the USING of a type change, or '' when PostgreSQL converts by itself. */
function usingClause(
  col: string,
  a: string,
  b: string,
  ty: TypeNamer,
  enums: ReadonlySet<string>,
  using?: string,
): string {
  if (using !== undefined) return ` USING (${using})`;
  const arrA = a.endsWith('[]');
  const arrB = b.endsWith('[]');
  const ea = enums.has(elementType(a));
  const eb = enums.has(elementType(b));
  if (ea || eb) return ` USING ${quoteIdent(col)}::text${arrA ? '[]' : ''}::${ty(b)}`;
  if (baseOf(a) === baseOf(b) && arrA === arrB) return '';
  return ` USING ${quoteIdent(col)}::${ty(b)}`;
}

/** NO_CAST is the error code of a type change PostgreSQL cannot convert without a `using:` expression. */
export const NO_CAST = 'type-change-needs-using';

/** noCast is the error for a type change from `from` that has no cast and no `using:`. */
function noCast(table: string, b: Column, from: string, reverse: boolean): SchemaverError {
  return new SchemaverError({
    code: NO_CAST,
    message: `column ${table}.${b.name} changes type from ${from} to ${b.type}, and PostgreSQL has no cast between them`,
    hint: `say how existing values convert: \`using: "..."\` on column ${b.name} of table ${table}, an expression over the old value${usingExample(from, b.type, quoteIdent(b.name))}; or drop and re-add the column`,
    data: { table, column: b.name, from, to: b.type, reverse },
    exit: 2,
  });
}

/** usingExample suggests a conversion for common type changes that have no cast (empty when there is no obvious one). */
function usingExample(from: string, to: string, col: string): string {
  const stamp = /^timestamp|^date/.test(to);
  if (stamp && /^(smallint|integer|bigint|numeric|real|double precision)/.test(from))
    return ` (e.g. \`to_timestamp(${col})\` for seconds since 1970)`;
  if (stamp && /^time /.test(from + ' ')) return ` (e.g. \`date '2000-01-01' + ${col}\`)`;
  return '';
}

/** effectiveDefault is a column's explicit default (serial and identity columns have none of their own). */
function effectiveDefault(c: Column): Column['default'] {
  return c.serial || c.identity || c.generated ? undefined : c.default;
}

/** SerialSequences names free sequences that a serial column's own sequence turns into (freeTo) or comes from (freeFrom). */
export interface SerialSequences {
  readonly freeFrom?: Sequence;
  readonly freeTo?: Sequence;
}

/** serialSequenceId is the model id of the sequence a serial column owns. */
export function serialSequenceId(table: string, column: string): string {
  return qid(schemaOf(table), makeObjectName(nameOf(table), column, 'seq'));
}

/**
 * recreatesColumn: does turning column `a` into `b` drop and re-add it? A generation expression cannot be added or
 * changed in place on every version, nor made stored or virtual, and a virtual column has no DROP EXPRESSION.
 */
export function recreatesColumn(a: Column, b: Column): boolean {
  if (b.generated) return a.generated !== b.generated || !!a.virtual !== !!b.virtual;
  return !!a.generated && !!a.virtual;
}

/** alterColumn writes the statements turning column `a` into `b` (same name) on `table`. */
export function alterColumn(
  table: string,
  a: Column,
  b: Column,
  ty: TypeNamer,
  enums: ReadonlySet<string>,
  seqs: SerialSequences = {},
  reverse = false,
): ColumnSql {
  // `using:` is for the commit that declares it: one the parent already had is stale, and a reverse has none
  const using = !reverse && b.convertUsing !== a.convertUsing ? b.convertUsing : undefined;
  const T = `ALTER TABLE ${rel(table)}`;
  const C = `${T} ALTER COLUMN ${quoteIdent(b.name)}`;
  const comment =
    a.comment !== b.comment ? [commentOn('COLUMN', `${rel(table)}.${quoteIdent(b.name)}`, b.comment)] : [];
  if (recreatesColumn(a, b)) {
    // a generation expression cannot be added or changed in place on every version (nor made stored or
    // virtual): drop and add (with the column's comment and privileges; planRebuilds re-creates what is over it)
    return {
      sql: [`${T} DROP COLUMN ${quoteIdent(a.name)}`, ...addColumn(table, b, ty).sql],
      destructive: !a.generated || !!(a.virtual && !b.generated), // a virtual column's computed values do not stay behind
      rewrite: true,
      lock: true,
    };
  }
  const sql: string[] = [];
  const typeChanged = a.type !== b.type || (a.collation ?? '') !== (b.collation ?? '');
  const da = effectiveDefault(a);
  const db = effectiveDefault(b);
  const defaultChanged = fragmentKey(da) !== fragmentKey(db);
  if (a.generated && !b.generated) sql.push(`${C} DROP EXPRESSION`);
  if (a.identity && !b.identity) sql.push(`${C} DROP IDENTITY`);
  if (a.serial && !b.serial) {
    const seq = serialSequence(table, a.name);
    sql.push(`${C} DROP DEFAULT`);
    if (seqs.freeTo) {
      // the sequence stays; still owned by this column when the target says so (a serial whose default was
      // replaced keeps its sequence and OWNED BY, as pg_dump of such a database shows)
      const by = seqs.freeTo.ownedBy;
      const stays = by?.table === table && by.column === b.name;
      sql.push(
        `ALTER SEQUENCE ${seq} OWNED BY ${stays ? `${rel(table)}.${quoteIdent(b.name)}` : 'NONE'}`,
        `ALTER SEQUENCE ${seq} ${seqOptions(seqs.freeTo.options, { full: true }).join(' ')}`,
      );
    } else sql.push(`DROP SEQUENCE ${seq}`);
  }
  if (da && (typeChanged || (defaultChanged && !db))) sql.push(`${C} DROP DEFAULT`);
  if (typeChanged) {
    const coll = b.collation ? ` COLLATE ${quoteIdentDotted(b.collation)}` : a.collation ? ' COLLATE "default"' : '';
    if (using === undefined && castKnownMissing(a.type, b.type)) throw noCast(table, b, a.type, reverse);
    sql.push(`${C} TYPE ${ty(b.type)}${coll}${usingClause(b.name, a.type, b.type, ty, enums, using)}`);
  }
  if (typeChanged && a.serial && b.serial && a.type !== b.type && SERIAL_TYPES[b.type]) {
    sql.push(`ALTER SEQUENCE ${serialSequence(table, b.name)} AS ${b.type}`);
  }
  sql.push(...notNullChange(table, a, b));
  if (db && (defaultChanged || typeChanged)) sql.push(`${C} SET DEFAULT ${defaultSql(db)}`);
  if (!a.serial && b.serial) {
    const seq = serialSequence(table, b.name);
    const type = b.type === 'smallint' || b.type === 'integer' ? ` AS ${b.type}` : '';
    if (seqs.freeFrom)
      sql.push(
        `ALTER SEQUENCE ${seq} ${seqOptions({ type: b.type }, { full: true }).join(' ')} OWNED BY ${rel(table)}.${quoteIdent(b.name)}`,
      );
    else sql.push(`CREATE SEQUENCE ${seq}${type} OWNED BY ${rel(table)}.${quoteIdent(b.name)}`);
    sql.push(`${C} SET DEFAULT nextval(${quoteLiteral(seq)}::regclass)`);
    if (!seqs.freeFrom) sql.push(...counterPastRows(table, b.name, `${quoteLiteral(seq)}::regclass`, undefined));
  }
  sql.push(...identityChange(C, a, b), ...identityRename(table, a, b), ...identityComment(table, a, b));
  if (!a.identity && b.identity) {
    const seq = `pg_catalog.pg_get_serial_sequence(${quoteLiteral(rel(table))}, ${quoteLiteral(b.name)})`;
    sql.push(...counterPastRows(table, b.name, seq, b.identity.options));
  }
  sql.push(...columnSettings(table, a, b, typeChanged), ...comment);
  const rewrite = typeChanged && !typeNeedsNoRewrite(a.type, b.type);
  return {
    sql,
    destructive: typeChanged && !typeWidens(a.type, b.type),
    rewrite,
    lock: rewrite || (a.nullable && !b.nullable) || (!a.identity && !!b.identity),
  };
}

/** addNotNull writes ALTER TABLE ... ADD CONSTRAINT name NOT NULL column [NO INHERIT] [NOT VALID] and its comment. */
export function addNotNull(table: string, column: string, n: NotNullConstraint): string[] {
  const valid = n.notValid ? ' NOT VALID' : '';
  return [
    `ALTER TABLE ${rel(table)} ADD CONSTRAINT ${quoteIdent(n.name)} NOT NULL ${quoteIdent(column)}${n.noInherit ? ' NO INHERIT' : ''}${valid}`,
    ...notNullComment(table, n),
  ];
}

/** notNullComment writes the COMMENT ON CONSTRAINT of a column's named NOT NULL, when it has a comment. */
export function notNullComment(table: string, n: NotNullConstraint | undefined): string[] {
  return n?.comment !== undefined ? [commentOn('CONSTRAINT', `${quoteIdent(n.name)} ON ${rel(table)}`, n.comment)] : [];
}

/**
 * notNullAfterCreate writes what a column's NOT NULL needs once the column exists (CREATE TABLE or ADD COLUMN wrote
 * the rest): a NOT VALID one is added then (PostgreSQL validates any NOT NULL written inline), and its comment.
 */
export function notNullAfterCreate(table: string, c: Column): string[] {
  if (c.nullable || !c.notNull) return [];
  return c.notNull.notValid ? addNotNull(table, c.name, c.notNull) : notNullComment(table, c.notNull);
}

/**
 * notNullChange writes the statements turning column `a`'s NOT NULL into `b`'s: SET / DROP NOT NULL, or for a named
 * one (PostgreSQL 18) ADD CONSTRAINT ... NOT NULL, RENAME CONSTRAINT, ALTER CONSTRAINT ... [NO] INHERIT, VALIDATE
 * CONSTRAINT and its comment. A plain NOT NULL's name is PostgreSQL's, which renames may have left stale, so one that
 * gets a name, NOT VALID, NO INHERIT or a comment is dropped and added again; so is a valid one that becomes NOT VALID.
 */
function notNullChange(table: string, a: Column, b: Column): string[] {
  const C = `ALTER TABLE ${rel(table)} ALTER COLUMN ${quoteIdent(b.name)}`;
  if (b.nullable) return a.nullable ? [] : [`${C} DROP NOT NULL`];
  const y = b.notNull;
  if (a.nullable) return y ? addNotNull(table, b.name, y) : [`${C} SET NOT NULL`];
  const x = a.notNull;
  if (fragmentKey(x) === fragmentKey(y)) return [];
  if (!x || (y?.notValid && !x.notValid)) return [`${C} DROP NOT NULL`, ...(y ? addNotNull(table, b.name, y) : [])];
  const T = `ALTER TABLE ${rel(table)}`;
  // the target's name: its own, or PostgreSQL's when it is a plain NOT NULL again (a `_not_null` name may stay)
  const name = y?.name ?? (pgNotNullName(x.name) ? x.name : makeObjectName(nameOf(table), b.name, 'not_null'));
  const sql: string[] = [];
  if (x.name !== name) sql.push(`${T} RENAME CONSTRAINT ${quoteIdent(x.name)} TO ${quoteIdent(name)}`);
  if (!!x.noInherit !== !!y?.noInherit)
    sql.push(`${T} ALTER CONSTRAINT ${quoteIdent(name)} ${y?.noInherit ? 'NO INHERIT' : 'INHERIT'}`);
  if (x.notValid && !y?.notValid) sql.push(`${T} VALIDATE CONSTRAINT ${quoteIdent(name)}`);
  if (x.comment !== y?.comment) sql.push(commentOn('CONSTRAINT', `${quoteIdent(name)} ON ${rel(table)}`, y?.comment));
  return sql;
}

/**
 * identityComment writes the COMMENT ON SEQUENCE of identity column `b`'s sequence where it differs from `a`'s (`a`
 * undefined: the column was just created); a sequence that goes away with its identity takes its comment along.
 */
export function identityComment(table: string, a: Column | undefined, b: Column): string[] {
  if (!b.identity) return [];
  const had = a?.identity ? a.sequenceComment : undefined;
  if (had === b.sequenceComment) return [];
  const seq = qualified(schemaOf(table), b.identity.sequence ?? makeObjectName(nameOf(table), b.name, 'seq'));
  return [commentOn('SEQUENCE', seq, b.sequenceComment)];
}

/** identityRename renames an identity sequence whose declared name changed (PostgreSQL's default name when none). */
function identityRename(table: string, a: Column, b: Column): string[] {
  if (!a.identity || !b.identity) return [];
  const own = makeObjectName(nameOf(table), b.name, 'seq');
  const from = a.identity.sequence ?? makeObjectName(nameOf(table), a.name, 'seq');
  const to = b.identity.sequence ?? own;
  return from === to ? [] : [`ALTER SEQUENCE ${qualified(schemaOf(table), from)} RENAME TO ${quoteIdent(to)}`];
}

/** identityChange writes the statements that add an identity to column `b` or change its mode and options. */
function identityChange(C: string, a: Column, b: Column): string[] {
  if (!b.identity) return [];
  const sql: string[] = [];
  if (!a.identity) {
    const o = identitySequenceOptions(b.identity);
    sql.push(
      `${C} ADD GENERATED ${b.identity.mode === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${o.length ? ` (${o.join(' ')})` : ''}`,
    );
  } else {
    if (a.identity.mode !== b.identity.mode)
      sql.push(`${C} SET GENERATED ${b.identity.mode === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`);
    if (fragmentKey(a.identity.options ?? {}) !== fragmentKey(b.identity.options ?? {}))
      sql.push(
        `${C} ${identityOptions(b.identity.options)}${restartNeeded(a.identity.options, b.identity.options, b.type) ? ' RESTART' : ''}`,
      );
  }
  return sql;
}

/**
 * counterPastRows moves a column's new sequence (serial or identity, made for a column that already holds values) past
 * the values its rows hold, as a sequence made with the table would be: without it the first insert takes 1 again and
 * fails on a primary key. Nothing when the table is empty or every value is below the sequence's start (it keeps its
 * START), nor for a descending sequence.
 */
export function counterPastRows(table: string, column: string, seq: string, o: SequenceOptions | undefined): string[] {
  const step = o?.increment !== undefined ? Number(o.increment) : 1;
  if (!(step > 0)) return [];
  const start = o?.start !== undefined ? String(o.start) : o?.min !== undefined ? String(o.min) : '1';
  if (!/^-?\d+$/.test(start)) return [];
  const col = quoteIdent(column);
  return [
    `SELECT pg_catalog.setval(${seq}, max(${col})) FROM ${rel(table)} HAVING max(${col}) >= ${quoteLiteral(start)}`,
  ];
}

function identityOptions(o: SequenceOptions | undefined): string {
  return seqOptions(o, { full: true, withType: false })
    .map((x) => `SET ${x}`)
    .join(' ');
}

function quoteIdentDotted(c: string): string {
  return c
    .split('.')
    .map((p) => quoteIdent(p.replace(/^"(.*)"$/s, '$1')))
    .join('.');
}

/**
 * addColumn writes ADD COLUMN (and the column's comment). `schema` is the schema the column is added in: its
 * functions decide whether a default is volatile (callsVolatile), which rewrites the table.
 */
export function addColumn(table: string, c: Column, ty: TypeNamer, schema?: Pick<Schema, 'functions'>): ColumnSql {
  const sql = [`ALTER TABLE ${rel(table)} ADD COLUMN ${columnDef(c, ty)}`, ...columnSettings(table, undefined, c)];
  if (c.comment !== undefined) sql.push(commentOn('COLUMN', `${rel(table)}.${quoteIdent(c.name)}`, c.comment));
  sql.push(...notNullAfterCreate(table, c), ...identityComment(table, undefined, c));
  sql.push(...createGrants(`TABLE ${rel(table)}`, 'column', c.grants, c.name));
  const d = c.default && 'sql' in c.default ? c.default.sql : '';
  const rewrite = !!c.generated || !!c.serial || !!c.identity || (d !== '' && callsVolatile(d, schema));
  return { sql, destructive: false, rewrite, lock: rewrite };
}

/** dropColumn writes DROP COLUMN. */
export function dropColumn(table: string, c: Column): ColumnSql {
  return {
    sql: [`ALTER TABLE ${rel(table)} DROP COLUMN ${quoteIdent(c.name)}`],
    destructive: true,
    rewrite: false,
    lock: false,
  };
}
