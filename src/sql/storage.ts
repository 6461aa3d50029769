/**
 * A column's storage strategy put back to its type's own (pg_type.typstorage). `SET STORAGE DEFAULT` says that in
 * one word but exists only from PostgreSQL 16: a plan must also run on 14 and 15, so the strategy is named.
 */
import { quoteIdent, quoteLiteral } from './quote.js';

/** Storage is a strategy as SET STORAGE spells it (lower-case, as the model holds it). */
type Storage = 'plain' | 'external' | 'extended' | 'main';

/** BUILTIN lists pg_catalog's types (as format_type writes them, without type modifiers) whose storage is not `extended`. */
const BUILTIN: Readonly<Record<string, Storage>> = Object.fromEntries([
  ...['cidr', 'inet', 'numeric'].map((t) => [t, 'main'] as const),
  ...[
    'bigint',
    'smallint',
    'integer',
    'oid',
    'tid',
    'xid',
    'xid8',
    'cid',
    'boolean',
    '"char"',
    'name',
    'point',
    'lseg',
    'box',
    'line',
    'circle',
    'real',
    'double precision',
    'money',
    'macaddr',
    'macaddr8',
    'date',
    'time without time zone',
    'time with time zone',
    'timestamp without time zone',
    'timestamp with time zone',
    'interval',
    'uuid',
    'tsquery',
    'pg_lsn',
  ].map((t) => [t, 'plain'] as const),
]);

/** EXTENDED lists pg_catalog's types whose storage is `extended` (with arrays, whatever their element). */
const EXTENDED = new Set([
  'text',
  'character varying',
  'character',
  'bytea',
  'json',
  'jsonb',
  'jsonpath',
  'xml',
  'bit',
  'bit varying',
  'tsvector',
  'path',
  'polygon',
  'refcursor',
  'int4range',
  'int8range',
  'numrange',
  'tsrange',
  'tstzrange',
  'daterange',
  'int4multirange',
  'int8multirange',
  'nummultirange',
  'tsmultirange',
  'tstzmultirange',
  'datemultirange',
]);

/** builtinStorage is the storage of a pg_catalog type as the model spells it (undefined: not one this file knows). */
export function builtinStorage(type: string): Storage | undefined {
  const t = type
    .trim()
    .toLowerCase()
    .replace(/^pg_catalog\./, '');
  if (/\[\d*\]$/.test(t)) return 'extended'; // every array type is stored extended
  const bare = t.replace(/\s*\([^)]*\)/g, '').replace(/\s+/g, ' ');
  return BUILTIN[bare] ?? (EXTENDED.has(bare) ? 'extended' : undefined);
}

/**
 * storageResetSql puts column `column` of table `relSql` (a quoted relation) back to its type's storage. A pg_catalog
 * type's is known here; any other (a domain, enum, composite, an extension's type) is read from pg_type when the
 * statement runs: which one the type has is the database's to say.
 */
export function storageResetSql(relSql: string, column: string, type: string): string {
  const known = builtinStorage(type);
  if (known) return `ALTER TABLE ${relSql} ALTER COLUMN ${quoteIdent(column)} SET STORAGE ${known.toUpperCase()}`;
  const r = quoteLiteral(relSql);
  const c = quoteLiteral(column);
  return (
    `DO $sv$ BEGIN EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I SET STORAGE %s', ${r}, ${c}, ` +
    `(SELECT CASE t.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END ` +
    `FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid ` +
    `WHERE a.attrelid = ${r}::pg_catalog.regclass AND a.attname = ${c})); END $sv$`
  );
}
