/** Shared pieces of the catalog reader: SQL filters, id helpers, default and sequence-option decoding. */
import type { Issue } from '../../errors.js';
import type { Default, SequenceOptions } from '../../model/types.js';
import { qid } from '../../model/ids.js';
import { quoteLiteral } from '../../sql/quote.js';
import type { Driver } from '../driver.js';

/** Ctx is what every catalog query needs: the driver, the server version and the unsupported-object sink. */
export interface Ctx {
  readonly db: Driver;
  /** version is server_version_num (150000 for 15.0, 180006 for 18.6). */
  readonly version: number;
  readonly unsupported: Issue[];
  /** comments of user objects keyed by `catalog:oid:subid` (see loadComments). */
  readonly comments: Map<string, string>;
  /** rels: SQL array literal of the oids of every user relation (see loadUserRels); queries filter with `= ANY(rels)`. */
  readonly rels: string;
  /** nsps: SQL array literal of the oids of the user schemas (public included). */
  readonly nsps: string;
  /** send: runs one catalog query, sharing a round trip with the others started at the same time (see batcher). */
  readonly send?: (sql: string) => Promise<Record<string, unknown>[]>;
  /** prefetched: queries started ahead of the reader that needs them, by SQL text (see prefetch). */
  readonly prefetched?: Map<string, Promise<Record<string, unknown>[]>>;
  /** has: which catalogs hold rows made after initdb (objects.ts presentKinds); a reader of a kind none holds returns nothing. */
  readonly has?: Present;
}

/** Present says which catalogs hold user objects at all (one query), so a schema without them costs nothing more. */
export type Present = Readonly<Record<string, boolean>>;

/** absent tells whether the catalogs of kind `k` hold nothing made after initdb (false when not asked). */
export function absent(ctx: Ctx, k: string): boolean {
  return ctx.has?.[k] === false;
}

/** loadUserNamespaces lists the oids of user schemas (public included) as an SQL oid[] literal. */
export async function loadUserNamespaces(ctx: Pick<Ctx, 'db' | 'unsupported' | 'send'>): Promise<string> {
  const list = await rows<{ oid: string }>(
    ctx as Ctx,
    `SELECT n.oid::text AS oid FROM pg_namespace n WHERE ${USER_NS}`,
  );
  return `'{${list.map((r) => r.oid).join(',')}}'::oid[]`;
}

/** loadUserRels lists the oids of user relations (user schemas, not schemaver's, not extension members) as an SQL oid[] literal. */
export async function loadUserRels(ctx: Pick<Ctx, 'db' | 'unsupported' | 'send'>): Promise<string> {
  const list = await rows<{ oid: string }>(
    ctx as Ctx,
    // c.oid >= 16384 (FirstNormalObjectId: every relation made after initdb) scans an index range, not all of pg_class
    `SELECT c.oid::text AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid >= 16384 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c', 'S') AND ${USER_REL}`,
  );
  return `'{${list.map((r) => r.oid).join(',')}}'::oid[]`;
}

/** inRels is the SQL predicate `expr = ANY(<user relation oids>)`. */
export function inRels(ctx: Ctx, expr = 'c.oid'): string {
  return `${expr} = ANY(${ctx.rels})`;
}

/** loadComments reads every comment on a user object (oid >= FirstNormalObjectId) in one query. */
export async function loadComments(ctx: Pick<Ctx, 'db' | 'unsupported' | 'send'>): Promise<Map<string, string>> {
  const list = await rows<{ cat: string; oid: string; sub: number; text: string }>(
    ctx as Ctx,
    `SELECT d.classoid::regclass::text AS cat, d.objoid::text AS oid, d.objsubid AS sub, d.description AS text
     FROM pg_description d WHERE d.objoid >= 16384`,
  );
  const out = new Map<string, string>();
  for (const r of list) out.set(`${r.cat}:${r.oid}:${r.sub}`, r.text);
  return out;
}

/** commentOf returns the comment on an object (`catalog` is e.g. `pg_class`; `sub` a column number), or null. */
export function commentOf(ctx: Ctx, catalog: string, oid: string, sub = 0): string | null {
  return ctx.comments.get(`${catalog}:${oid}:${sub}`) ?? null;
}

/**
 * formatTypes runs format_type once per distinct (type oid, typmod) pair and returns `oid:typmod` -> spelling.
 * The typmod is always given, -1 too: format_type(bpchar, NULL) says `character`, which reads back as
 * character(1), while format_type(bpchar, -1) says `bpchar` (no length limit), as pg_dump writes it.
 */
export async function formatTypes(ctx: Ctx, pairs: Iterable<readonly [string, number]>): Promise<Map<string, string>> {
  const seen = new Map<string, readonly [string, number]>();
  for (const [oid, mod] of pairs) {
    if (!/^\d+$/.test(oid) || !Number.isInteger(mod)) continue;
    seen.set(`${oid}:${mod}`, [oid, mod]);
  }
  const out = new Map<string, string>();
  if (seen.size === 0) return out;
  const values = [...seen.values()].map(([o, m]) => `(${o}::oid, ${m})`).join(', ');
  const list = await rows<{ k: string; t: string }>(
    ctx,
    `SELECT v.o::text || ':' || v.m AS k, format_type(v.o, v.m) AS t FROM (VALUES ${values}) v(o, m)`,
  );
  for (const r of list) out.set(r.k, r.t);
  return out;
}

/** CollationRef is a collation's schema and name. */
export interface CollationRef {
  readonly nsp: string;
  readonly name: string;
}

/** collationNames looks up the names of collations by oid. */
export async function collationNames(ctx: Ctx, oids: Iterable<string>): Promise<Map<string, CollationRef>> {
  const set = [...new Set([...oids].filter((o) => /^\d+$/.test(o) && o !== '0'))];
  const out = new Map<string, CollationRef>();
  if (set.length === 0) return out;
  const list = await rows<{ oid: string; nsp: string; name: string }>(
    ctx,
    `SELECT co.oid::text AS oid, n.nspname::text AS nsp, co.collname::text AS name
     FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE co.oid IN (${set.join(', ')})`,
  );
  for (const r of list) out.set(r.oid, { nsp: r.nsp, name: r.name });
  return out;
}

/** unsupported records one object the model cannot express; `state` is PostgreSQL's text for what it holds. */
export function unsupported(ctx: Ctx, what: string, hint?: string, state?: string | null): void {
  const issue: UnsupportedIssue = {
    code: 'not-supported',
    message: `not supported: ${what}`,
    what,
    state: state ?? '',
    hint:
      hint ??
      'schemaver keeps it as an unmanaged object: it passes through while unchanged; change it outside schemaver, or exclude it',
  };
  ctx.unsupported.push(issue);
}

/** TYPED_TABLE_HINT is the hint of a typed table (CREATE TABLE ... OF type), kept unmanaged with its type's columns. */
export const TYPED_TABLE_HINT =
  'schemaver keeps it as an unmanaged object: it passes through while it and its type are unchanged; change them outside schemaver (ALTER TYPE ... CASCADE changes its columns), or exclude it';

/** UnsupportedIssue is the issue `unsupported` records: the object's name and PostgreSQL's text for its state. */
export interface UnsupportedIssue extends Issue {
  readonly what: string;
  readonly state: string;
}

/** USER_NS is a SQL predicate on namespace alias `n` selecting user schemas (system and schemaver's own excluded). */
export const USER_NS = `(n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'schemaver') AND n.nspname !~ '^pg_(toast_)?temp_')`;

/** notExtMember is a SQL predicate: the object `oidExpr` of catalog `catalog` does not belong to an extension. */
export function notExtMember(catalog: string, oidExpr: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend ext_d WHERE ext_d.classid = ${quoteLiteral(catalog)}::regclass AND ext_d.objid = ${oidExpr} AND ext_d.deptype = 'e')`;
}

/**
 * COLUMN_ATT_OPTIONS is a table or foreign-table column's attribute options (ALTER COLUMN SET (...)) as a text[]:
 * PostgreSQL's own two only, n_distinct and n_distinct_inherited. Other keys are not schema: an extension or a
 * patched server keeps its own there (seen: a PostgreSQL 15 build that stamps every column `pg_attver=<n>`), and
 * writing them back would fail where they are unknown. (An index column's attoptions are its operator class's
 * parameters instead: indexes.ts reads those.)
 */
export const COLUMN_ATT_OPTIONS = `ARRAY(SELECT o FROM unnest(a.attoptions) o WHERE o ~ '^n_distinct(_inherited)?=')`;

/** NOT_OURS is a SQL predicate on class alias `c` excluding schemaver's own bookkeeping relations. */
export const NOT_OURS = `(c.relname NOT LIKE 'schemaver\\_%')`;

/** USER_REL selects user relations (class alias `c`, namespace alias `n`): user schema, not ours, not an extension member. */
export const USER_REL = `${USER_NS} AND ${NOT_OURS} AND ${notExtMember('pg_class', 'c.oid')}`;

/** collationName writes a collation as the model keeps it: bare for pg_catalog (`C`, `en_US`), otherwise qid. */
export function collationName(nsp: string | null | undefined, name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  if (!nsp || nsp === 'pg_catalog') return name;
  return qid(nsp, name);
}

/** relOptions turns a reloptions array (`k=v`) into a record (undefined when empty). */
export function relOptions(opts: readonly string[] | null | undefined): Record<string, string> | undefined {
  if (!opts || opts.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const o of opts) {
    const i = o.indexOf('=');
    if (i < 0) out[o] = 'true';
    else out[o.slice(0, i)] = o.slice(i + 1);
  }
  return out;
}

const NUMERIC_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']);

/** stripTypmod removes a type modifier: `character varying(20)` -> `character varying`, `numeric(10,2)[]` -> `numeric[]`. */
export function stripTypmod(type: string): string {
  return type.replace(/\([^()]*\)/g, '');
}

/**
 * toDefault turns a default expression as pg_get_expr prints it into the model: a literal when the expression is
 * a plain constant of the column's type (`'pending'::order_status`, `42`, `true`), otherwise `{ sql }`.
 * The mapping depends only on the text and the type, so the same database always reads back the same model.
 */
export function toDefault(expr: string, type: string): Default {
  const e = expr.trim();
  if (e === 'true' || e === 'false') return { literal: e === 'true' };
  if (
    /^-?\d+(\.\d+)?$/.test(e) &&
    NUMERIC_TYPES.has(stripTypmod(type)) &&
    String(Number(e)) === e &&
    Number.isSafeInteger(Math.trunc(Number(e)))
  ) {
    return { literal: Number(e) };
  }
  const m = /^'((?:[^']|'')*)'::(.+)$/s.exec(e);
  if (m) {
    const castType = m[2]!;
    // A bare literal reads back cast to the type without its modifier (`'x'::character varying` for varchar(20),
    // `'{}'::numeric[]` for numeric(4,2)[]); a cast that keeps the modifier was written out and stays SQL.
    if (castType === stripTypmod(type)) {
      const text = m[1]!.replace(/''/g, "'");
      if (NUMERIC_TYPES.has(stripTypmod(type))) {
        // PostgreSQL prints `DEFAULT -1` as '-1'::integer, but `DEFAULT bigint '2'` as '2'::bigint while `DEFAULT 2`
        // prints 2: only a negative quoted number is what a plain literal reads back as; keep the others exact.
        if (
          /^-\d+(\.\d+)?$/.test(text) &&
          String(Number(text)) === text &&
          Number.isSafeInteger(Math.trunc(Number(text)))
        ) {
          return { literal: Number(text) };
        }
        return { sql: e };
      }
      return { literal: text };
    }
  }
  return { sql: e };
}

const INT_RANGE: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

/** RawSeq is a pg_sequence row with numbers as decimal text. */
export interface RawSeq {
  readonly type: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
}

/** seqOptions keeps only the options that differ from PostgreSQL's defaults for the type and direction. */
export function seqOptions(s: RawSeq, withType: boolean): SequenceOptions {
  const range = INT_RANGE[s.type] ?? INT_RANGE.bigint!;
  const asc = !s.increment.startsWith('-');
  const defMin = asc ? '1' : range[0];
  const defMax = asc ? range[1] : '-1';
  const defStart = asc ? s.min : s.max;
  const out: { -readonly [K in keyof SequenceOptions]: SequenceOptions[K] } = {};
  if (withType && s.type !== 'bigint') out.type = s.type;
  if (s.start !== defStart) out.start = s.start;
  if (s.increment !== '1') out.increment = s.increment;
  if (s.min !== defMin) out.min = s.min;
  if (s.max !== defMax) out.max = s.max;
  if (s.cache !== '1') out.cache = s.cache;
  if (s.cycle) out.cycle = true;
  return out;
}

/** isDefaultSeq tells whether a sequence has all default options for its type (serial detection). */
export function isDefaultSeq(s: RawSeq): boolean {
  return Object.keys(seqOptions(s, false)).length === 0;
}

/** stripParens removes one pair of parentheses that encloses the whole text: `(a > 0)` -> `a > 0`. */
export function stripParens(text: string): string {
  const t = text.trim();
  if (!t.startsWith('(') || !t.endsWith(')')) return t;
  const close = matchParen(t, 0);
  return close === t.length - 1 ? t.slice(1, -1).trim() : t;
}

/** matchParen returns the index of the parenthesis closing the one at `open`, skipping quoted text; -1 if none. */
export function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const q = ch;
      i++;
      while (i < text.length) {
        if (text[i] === q) {
          if (text[i + 1] === q) i += 2;
          else break;
        } else i++;
      }
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** groupBy groups rows into lists by `key`, keeping their order. */
export function groupBy<T, K extends string>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/**
 * rows runs a catalog query and returns its rows. The rows travel as one JSON document (json_agg), which is
 * several times faster than row-by-row transfer through PGlite's wire protocol on large catalogs.
 */
export async function rows<T>(ctx: Ctx, sql: string): Promise<T[]> {
  const ahead = ctx.prefetched?.get(sql);
  if (ahead) ctx.prefetched!.delete(sql);
  const r = await (ahead ?? send(ctx, sql));
  return JSON.parse(r[0]!['j'] as string) as T[];
}

/** send runs a catalog query wrapped as `rows` reads it (one text column `j`: the rows as a JSON array). */
function send(ctx: Pick<Ctx, 'db' | 'send'>, sql: string): Promise<Record<string, unknown>[]> {
  const wrapped = `SELECT coalesce(json_agg(q), '[]'::json)::text AS j FROM (${sql}) q`;
  return ctx.send ? ctx.send(wrapped) : ctx.db.query(wrapped);
}

/** prefetch starts a catalog query now that a reader will run later with `rows(ctx, sql)`, so it joins this round trip. */
export function prefetch(ctx: Ctx, sql: string): void {
  const p = send(ctx, sql);
  p.catch(() => {}); // a failure is reported to the reader that takes it (or nobody, when introspection stopped first)
  ctx.prefetched?.set(sql, p);
}

interface Pending {
  readonly sql: string;
  readonly resolve: (rows: Record<string, unknown>[]) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * batcher returns a `send` that gathers the queries started in one turn of the event loop and runs them in one
 * round trip (Driver.batch). When the batch fails, each query runs again alone, so each gets its own answer or error.
 */
export function batcher(db: Driver): (sql: string) => Promise<Record<string, unknown>[]> {
  let queue: Pending[] = [];
  const flush = async (): Promise<void> => {
    const q = queue;
    queue = [];
    if (q.length > 1 && db.batch) {
      const all = await db.batch(q.map((p) => p.sql)).catch(() => undefined);
      if (all) return q.forEach((p, i) => p.resolve(all[i]!));
    }
    for (const p of q) await db.query(p.sql).then(p.resolve, p.reject);
  };
  return (sql) =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(() => void flush());
      queue.push({ sql, resolve, reject });
    });
}

/**
 * concurrently runs catalog readers at the same time, so that their queries share round trips, each with its own
 * unsupported-object sink; the sinks then join ctx's in the order given, as if the readers had run one after another.
 * The first failure (in that order) is thrown.
 */
export async function concurrently<T extends readonly unknown[]>(
  ctx: Ctx,
  readers: { [K in keyof T]: (c: Ctx) => Promise<T[K]> },
): Promise<T> {
  const subs = readers.map((): Ctx => ({ ...ctx, unsupported: [] }));
  const settled = await Promise.allSettled(readers.map((r, i) => r(subs[i]!)));
  const out: unknown[] = [];
  for (const [i, s] of settled.entries()) {
    if (s.status === 'rejected') throw s.reason;
    ctx.unsupported.push(...subs[i]!.unsupported);
    out.push(s.value);
  }
  return out as unknown as T;
}
