/**
 * Type names: every `type:` must be one PostgreSQL type name — built in (the catalog list in pg-types.ts, read from
 * a real pg_type) or declared in schema/ (enum, domain, composite, table or view row type). Types are pasted into
 * DDL, so a text that is not exactly one type name is refused too.
 */
import { parseQid, qid } from '../model/ids.js';
import type { Schema } from '../model/types.js';
import { normalizeType } from '../canon/types.js';
import { suggest, type SqlRef } from '../parse/node.js';
import { PG_TYPE_NAMES, PG_TYPE_SPELLINGS } from './pg-types.js';
import { nodeType, parseSql, strings } from './sqlparse.js';
import type { Report } from './report.js';

const BUILTIN_NAMES = new Set(PG_TYPE_NAMES);
const BUILTIN_SPELLINGS = new Set(PG_TYPE_SPELLINGS);

/** COMMON_TYPES are the spellings offered as "did you mean" for a misspelt type. */
const COMMON_TYPES = [
  ...['integer', 'bigint', 'smallint', 'numeric', 'real', 'double precision', 'boolean', 'text', 'varchar'],
  ...['char', 'uuid', 'date', 'timestamp', 'timestamptz', 'time', 'interval', 'json', 'jsonb', 'bytea', 'inet'],
  ...['cidr', 'money', 'serial', 'bigserial', 'tsvector', 'xml', 'int', 'int4', 'int8', 'int2', 'float8', 'bool'],
];

/** EXTENSION_TYPES are types of widely used extensions: never reported when the schema declares extensions. */
const EXTENSION_TYPES = new Set(
  (
    'citext hstore ltree lquery ltxtquery cube seg isbn isbn13 issn issn13 ismn ismn13 ean13 upc geometry ' +
    'geography box2d box3d raster vector halfvec sparsevec'
  ).split(' '),
);

/** TypeContext is what type checks need from the whole schema, computed once. */
export interface TypeContext {
  readonly declared: ReadonlySet<string>;
  /** declaredLower: the declared ids without quotes, in lower case (SQL folds unquoted names; YAML names are exact). */
  readonly declaredLower: ReadonlySet<string>;
  readonly schemas: ReadonlySet<string>;
  readonly extensions: boolean;
  /** incomplete: what parse errors may have dropped (ParseResult.incomplete); such names are not reported. */
  readonly incomplete: ReadonlySet<string>;
}

/** typeContext collects the declared type ids (and their lower-case forms) of a schema. */
export function typeContext(schema: Schema, incomplete: ReadonlySet<string> = new Set()): TypeContext {
  const declared = new Set<string>();
  for (const sec of [schema.enums, schema.composites, schema.domains, schema.tables, schema.views])
    for (const id of Object.keys(sec)) declared.add(id);
  for (const id of rangeTypeIds(schema)) declared.add(id);
  return {
    declared,
    declaredLower: new Set([...declared].map((d) => d.replace(/"/g, '').toLowerCase())),
    schemas: new Set(['public', ...Object.keys(schema.schemas)]),
    extensions: Object.keys(schema.extensions).length > 0,
    incomplete,
  };
}

/**
 * rangeTypeIds lists the ids of the range types `objects:` declares and of their multirange types (named by
 * MULTIRANGE_TYPE_NAME, else PostgreSQL's default: `range` in the name becomes `multirange`, or `_multirange` appended).
 */
function rangeTypeIds(schema: Schema): string[] {
  const out: string[] = [];
  for (const o of Object.values(schema.objects ?? {})) {
    if (o.type !== 'range type') continue;
    const q = parseQid(o.name);
    if (!q) continue;
    out.push(qid(q.schema, q.name));
    const named = /MULTIRANGE_TYPE_NAME\s*=\s*((?:"(?:[^"]|"")*"|[\w$]+)(?:\.(?:"(?:[^"]|"")*"|[\w$]+))?)/i.exec(o.sql);
    const m = named ? parseQid(named[1]!) : undefined;
    if (m) out.push(qid(named![1]!.includes('.') ? m.schema : q.schema, m.name));
    else
      out.push(
        qid(q.schema, q.name.includes('range') ? q.name.replace('range', 'multirange') : `${q.name}_multirange`),
      );
  }
  return out;
}

/** isPlainType is the fast path: a type spelling that is a built-in or declared type, arrays and typmods aside. */
export function isPlainType(raw: string, tc: TypeContext): boolean {
  const base = normalizeType(raw.trim())
    .replace(/(\[\])+$/, '')
    .replace(/\(\s*\d+\s*(,\s*-?\d+\s*)?\)/, '')
    .trim();
  if (!/^[a-z_][a-z0-9_ ]*$/.test(base) && !tc.declared.has(base)) return false;
  return BUILTIN_SPELLINGS.has(base) || BUILTIN_NAMES.has(base) || tc.declared.has(base);
}

/** checkType reports a `type:` that is not one type name, or names a type that exists nowhere. */
export function checkType(ref: SqlRef, tc: TypeContext, report: Report): void {
  const raw = ref.text.trim();
  if (raw === '') return; // reported by the parser
  if (isPlainType(raw, tc)) return;
  const p = parseSql(`SELECT NULL::${raw}`);
  const names = p.ok ? typeNames(p.stmts) : undefined;
  if (!names) {
    report(
      'invalid-type',
      ref.at,
      `\`${raw}\` is not a type name`,
      'write one PostgreSQL type, e.g. `integer`, `text`, `numeric(10,2)`, `timestamptz`, `text[]`, or a declared enum/domain',
    );
    return;
  }
  if (known(names, tc) || mayBeDropped(names, tc.incomplete)) return;
  const name = names[names.length - 1]!;
  const guess = suggest(name, [...COMMON_TYPES, ...tc.declared]);
  if (tc.extensions && (EXTENSION_TYPES.has(name) || !guess)) return; // may come from an extension: unsure
  report(
    'unknown-type',
    ref.at,
    `type \`${raw}\` is not a PostgreSQL type and is not declared in schema/`,
    guess
      ? `did you mean \`${guess}\`?`
      : 'declare it under `enums:`, `domains:` or `composites:`, or fix the spelling',
  );
}

/** typeNames returns the name parts of `SELECT NULL::<type>` when the statements are exactly that. */
function typeNames(stmts: readonly Record<string, unknown>[]): string[] | undefined {
  if (stmts.length !== 1) return undefined;
  const s = nodeType(stmts[0]);
  if (!s || s[0] !== 'SelectStmt') return undefined;
  for (const k of Object.keys(s[1])) if (!['targetList', 'limitOption', 'op'].includes(k)) return undefined;
  const list = s[1].targetList;
  if (!Array.isArray(list) || list.length !== 1) return undefined;
  const rt = nodeType(list[0]);
  const cast = rt && rt[0] === 'ResTarget' && !('name' in rt[1]) ? nodeType(rt[1].val) : undefined;
  if (!cast || cast[0] !== 'TypeCast') return undefined;
  const arg = nodeType(cast[1].arg);
  if (!arg || arg[0] !== 'A_Const' || arg[1].isnull !== true) return undefined;
  const tn = cast[1].typeName as Record<string, unknown> | undefined;
  return tn && !tn.setof && !tn.pct_type ? strings(tn.names) : undefined;
}

/** TYPE_SECTIONS are the sections whose objects are types; an error in one may have dropped a type. */
const TYPE_SECTIONS = ['*', 'section:enums', 'section:composites', 'section:domains', 'section:views'];

function mayBeDropped(names: readonly string[], incomplete: ReadonlySet<string>): boolean {
  if (TYPE_SECTIONS.some((s) => incomplete.has(s))) return true;
  const id = names.length === 2 ? qid(names[0]!, names[1]!) : names[0]!;
  return incomplete.has(`table:${id}`) || incomplete.has('section:tables');
}

function known(names: readonly string[], tc: TypeContext): boolean {
  if (names.length === 1) {
    const n = names[0]!;
    return BUILTIN_NAMES.has(n) || tc.declared.has(n) || tc.declaredLower.has(n.toLowerCase());
  }
  if (names.length !== 2) return true; // database.schema.type: not ours to judge
  const [schema, n] = names as [string, string];
  if (schema === 'pg_catalog') return BUILTIN_NAMES.has(n);
  if (!tc.schemas.has(schema)) return true; // the parser reports an undeclared schema already
  const id = qid(schema, n);
  return tc.declared.has(id) || tc.declaredLower.has(`${schema}.${n}`.toLowerCase()) || tc.extensions;
}
