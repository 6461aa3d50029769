/**
 * Composite types rebuilt instead of altered. `ALTER TYPE ... DROP ATTRIBUTE` leaves PostgreSQL's dropped-attribute
 * placeholder in pg_attribute, which the type built from nothing lacks; so a composite that loses attributes is dropped
 * and created again when no data can be of it and nothing PostgreSQL refuses to drop with it uses it. Routines are the
 * exception: those whose signature or SQL-standard body names it (or names a routine that does) are dropped before and
 * created after, and so are the composites containing it, with their routines. A table column of it (directly, in an
 * array, through a containing composite or a domain) keeps ALTER TYPE: rebuilding the type would drop the column's
 * data. A view or materialized view whose query names it or one of those routines is rebuilt with it (views.ts: dropped
 * before, created after, in both directions, with the views over it). A default, check, index, trigger or definition
 * object naming it keeps ALTER TYPE.
 */
import type { Change } from '../model/changes.js';
import { negative } from '../errors.js';
import type { Func, Schema } from '../model/types.js';
import { sameValue } from '../diff/index.js';
import { identifiersOf } from '../diff/sqltext.js';
import { createComposite, createFunction, dropFunction, nameOf, rel, sqlStandardBody } from '../sql/ddl.js';
import { bare, columnsOf, type PlanContext } from './context.js';
import { qid } from '../model/ids.js';
import { quoteIdent } from '../sql/quote.js';
import { truncateName } from './columns.js';

/** CompositeRebuild is what rebuilding one composite type takes with it. */
export interface CompositeRebuild {
  /** types: the rebuilt composite first, then the unchanged composites containing it, each after those it contains. */
  readonly types: readonly string[];
  /** fns: ids of the routines dropped and created around it, each after those its body calls. */
  readonly fns: readonly string[];
  /** folded: the altered routines among `fns`, changed inside the rebuild instead of by a step of their own. */
  readonly folded: ReadonlySet<string>;
  /** words: the lower-case names of `types` and `fns`; a view whose query names one is rebuilt around it. */
  readonly words: readonly string[];
}

/**
 * jsonEscaped tells whether JSON spells the name of type `id` otherwise (a quote, a backslash, a control character):
 * the searches of a schema's JSON text for the name would miss it.
 */
const jsonEscaped = (id: string): boolean => /["\\\u0000-\u001f]/.test(nameOf(id));

/** depNames lists the names whose objects routine `f` depends on in PostgreSQL's catalog: its signature's and an SQL-standard body's. */
function depNames(f: Func): ReadonlySet<string> {
  return identifiersOf(`${f.args} ${f.returns} ${sqlStandardBody(f) ? f.body : ''}`);
}

/**
 * compositeRebuild tells what rebuilding altered composite `id` takes (see the file comment), or undefined when it
 * keeps ALTER TYPE: something other than a routine or an unchanged composite may name it or one of those routines.
 */
export function compositeRebuild(ctx: PlanContext, id: string): CompositeRebuild | undefined {
  if (jsonEscaped(id)) return undefined;
  const { from, to } = ctx;
  const types = [id];
  const names = new Set([bare(id)]);
  const fns: string[] = [];
  const folded = new Set<string>();
  const fnNames = new Set<string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const k of new Set([...Object.keys(from.composites), ...Object.keys(to.composites)])) {
      if (types.includes(k)) continue;
      const ct = from.composites[k] ?? to.composites[k]!;
      if (!ct.attributes.some((a) => [...identifiersOf(a.type)].some((n) => names.has(n)))) continue;
      if (!from.composites[k] || !sameValue(from.composites[k], to.composites[k])) return undefined;
      types.push(k);
      names.add(bare(k));
      grew = true;
    }
    for (const k of new Set([...Object.keys(from.functions), ...Object.keys(to.functions)])) {
      if (fns.includes(k)) continue;
      const f = from.functions[k];
      const g = to.functions[k];
      if (!f || !g) continue; // dropped before (an early drop) or created after (its keys) by its own step
      const hits = (x: Func) => [...depNames(x)].some((n) => names.has(n) || fnNames.has(n));
      const same = sameValue(f, g);
      // an altered routine over the type is changed inside: its old body may need the old attributes, its new the new
      const over = (x: Func) => hits(x) || (!same && [...identifiersOf(x.body)].some((n) => names.has(n)));
      if (!over(f) && !over(g)) continue;
      fns.push(k);
      fnNames.add(f.name.toLowerCase());
      if (!same) folded.add(k);
      grew = true;
    }
  }
  const words = [...names, ...fnNames];
  if (usedElsewhere(from, types, words) || usedElsewhere(to, types, words)) return undefined;
  return { types: createOrder(ctx, types), fns: callOrder(ctx, fns), folded, words };
}

/** wordPattern matches any of `words` (or a type's array type, `_name`) as a whole word, case-insensitively. */
function wordPattern(words: readonly string[]): RegExp {
  const alt = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}$])_?(?:${alt})(?![\\p{L}\\p{N}_$])`, 'iu');
}

/**
 * usedElsewhere tells whether anything in `schema` but its routines, composites `types` and view queries (rebuilt with
 * them, viewsOverRebuilds) may name one of `words`: any word of its JSON equal to one (or to a type's array type,
 * `_name`) counts, so a column or a string that merely shares the name answers yes too.
 */
function usedElsewhere(schema: Schema, types: readonly string[], words: readonly string[]): boolean {
  const composites = Object.fromEntries(Object.entries(schema.composites).filter(([k]) => !types.includes(k)));
  const views = Object.fromEntries(Object.entries(schema.views).map(([k, v]) => [k, { ...v, query: '' }]));
  return wordPattern(words).test(JSON.stringify({ ...schema, composites, views, functions: {} }));
}

/**
 * viewsOverRebuilds lists the views (materialized or not) of side `schema` whose query names a type or routine one of
 * `rebuilds` drops and creates again: PostgreSQL refuses to drop those under a view, so the view is rebuilt around it.
 */
export function viewsOverRebuilds(schema: Schema, rebuilds: Iterable<CompositeRebuild>): string[] {
  const words = [...rebuilds].flatMap((r) => r.words);
  if (!words.length) return [];
  const re = wordPattern(words);
  return Object.entries(schema.views)
    .filter(([, v]) => re.test(v.query))
    .map(([k]) => k);
}

/** createOrder sorts composites so that each comes after those its attributes use. */
function createOrder(ctx: PlanContext, types: readonly string[]): string[] {
  const out: string[] = [];
  const uses = (k: string, other: string) =>
    (ctx.from.composites[k] ?? ctx.to.composites[k])!.attributes.some((a) => identifiersOf(a.type).has(bare(other)));
  while (out.length < types.length) {
    const next =
      types.find((k) => !out.includes(k) && types.every((o) => o === k || out.includes(o) || !uses(k, o))) ??
      types.find((k) => !out.includes(k))!;
    out.push(next);
  }
  return out;
}

/** callOrder sorts routines so that each comes after those its SQL-standard body calls. */
function callOrder(ctx: PlanContext, fns: readonly string[]): string[] {
  const fn = (k: string) => (ctx.from.functions[k] ?? ctx.to.functions[k])!;
  const calls = (k: string, other: string) =>
    k !== other && fn(k).name !== fn(other).name && depNames(fn(k)).has(fn(other).name.toLowerCase());
  const out: string[] = [];
  while (out.length < fns.length) {
    const next =
      fns.find((k) => !out.includes(k) && fns.every((o) => out.includes(o) || !calls(k, o))) ??
      fns.find((k) => !out.includes(k))!;
    out.push(next);
  }
  return out;
}

/** dropsAttributes tells whether turning composite `x` into `y` drops one of its attributes. */
export function dropsAttributes(x: Schema['composites'][string], y: Schema['composites'][string]): boolean {
  return x.attributes.some((at) => !y.attributes.some((z) => z.name === at.name));
}

/**
 * rebuildSql writes the rebuild of `r` from side `x` to side `y`: its routines dropped (callers first), its composites
 * dropped (containing ones first) and created as `y` has them, then its routines as `y` has them.
 */
export function rebuildSql(ctx: PlanContext, r: CompositeRebuild, x: Schema, y: Schema): string[] {
  return [
    ...[...r.fns].reverse().map((k) => dropFunction(x.functions[k]!)),
    ...[...r.types].reverse().map((k) => `DROP TYPE ${rel(k)}`),
    ...r.types.flatMap((k) => createComposite(k, y.composites[k]!, ctx.ty)),
    ...r.fns.flatMap((k) => createFunction(y.functions[k]!)),
  ];
}

/** foldedSql writes the change of `r`'s altered routines around ALTER TYPE statements `alter` (from side `x` to `y`). */
export function foldedSql(r: CompositeRebuild, x: Schema, y: Schema, alter: readonly string[]): string[] {
  const folded = r.fns.filter((k) => r.folded.has(k));
  return [
    ...[...folded].reverse().map((k) => dropFunction(x.functions[k]!)),
    ...alter,
    ...folded.flatMap((k) => createFunction(y.functions[k]!)),
  ];
}

/** compositeRebuilds finds the rebuild of every altered composite of `all` that drops attributes in either direction. */
export function compositeRebuilds(ctx: PlanContext, all: readonly Change[]): Map<string, CompositeRebuild> {
  const out = new Map<string, CompositeRebuild>();
  for (const c of all) {
    if (c.kind !== 'composite' || c.op !== 'alter') continue;
    if (!dropsAttributes(c.from, c.to) && !dropsAttributes(c.to, c.from)) continue;
    const r = compositeRebuild(ctx, c.id);
    if (r) out.set(c.id, r);
  }
  return out;
}

type Composite = Schema['composites'][string];

/** reorders tells whether `y` cannot be reached from `x` by ALTER TYPE: kept attributes change order, or one is added before a kept one. */
function reorders(x: Composite, y: Composite): boolean {
  const kept = x.attributes.map((a) => a.name).filter((n) => y.attributes.some((b) => b.name === n));
  const order = y.attributes.map((a) => a.name);
  const last = Math.max(-1, ...kept.map((n) => order.indexOf(n)));
  return kept.some((n, i) => order.indexOf(n) !== i) || order.slice(0, last + 1).some((n) => !kept.includes(n));
}

/** retypes tells whether an attribute both sides have changes type or collation. */
function retypes(x: Composite, y: Composite): boolean {
  return y.attributes.some((b) => {
    const a = x.attributes.find((z) => z.name === b.name);
    return !!a && (a.type !== b.type || a.collation !== b.collation);
  });
}

/**
 * columnRebuildSql rebuilds composite `id` from `x` to `y` with the table columns of it carried across, when ALTER
 * TYPE cannot: PostgreSQL refuses ALTER ATTRIBUTE ... TYPE while a column uses the type, and no ALTER reorders
 * attributes. The new type is made under a free name, each column of it converted (the source's columns, tables the
 * plan drops aside: in both directions the step runs on the source's tables, which are dropped before it and whose
 * columns are added, dropped or retyped after it) attribute by attribute (`ROW((c).a, (c).b::new_type)`, a NULL staying NULL), the old type dropped
 * and the new one renamed to its name (its array type follows). Undefined when that is not needed, or when anything
 * but those columns may use the type (a routine, view, domain, default, another composite...), or a view reads such a
 * column, or a policy, trigger or generated column of it names the column, or the table is a partition or child:
 * then the plan keeps ALTER TYPE.
 */
export function columnRebuildSql(ctx: PlanContext, id: string, x: Composite, y: Composite): string[] | undefined {
  if (jsonEscaped(id)) return undefined;
  const cols = columnsOf(ctx.from, (t) => t === id, { skip: (t) => ctx.droppedTables.has(t) }).map((c) => ({
    table: c.table,
    column: c.column.name,
  }));
  if (!reorders(x, y) && !(cols.length && retypes(x, y))) return undefined;
  for (const s of [ctx.from, ctx.to]) {
    const tables = Object.fromEntries(
      Object.entries(s.tables).map(([k, t]) => [
        k,
        { ...t, columns: t.columns.map((col) => (col.type === id ? { ...col, type: '' } : col)) },
      ]),
    );
    const composites = Object.fromEntries(Object.entries(s.composites).filter(([k]) => k !== id));
    if (wordPattern([bare(id)]).test(JSON.stringify({ ...s, tables, composites }))) return undefined;
    for (const { table, column } of cols) {
      const t = s.tables[table];
      if (!t) continue;
      if (t.partitionOf || t.inherits?.length || Object.values(s.tables).some((o) => o.inherits?.includes(table)))
        return undefined;
      if (Object.values(s.tables).some((o) => o.partitionOf?.parent === table)) return undefined;
      const names = wordPattern([column.toLowerCase()]);
      const exprs = [
        ...t.columns.map((col) => col.generated ?? ''),
        JSON.stringify(t.policies),
        JSON.stringify(t.triggers),
      ];
      if (exprs.some((e) => names.test(e))) return undefined;
      // PostgreSQL refuses to change the type of a column a view reads (a view's query names its columns)
      const reads = (q: string) => identifiersOf(q).has(bare(table)) && identifiersOf(q).has(column.toLowerCase());
      if (Object.values(s.views).some((v) => reads(v.query))) return undefined;
    }
  }
  const { schema, name } = { schema: y.schema, name: y.name };
  const taken = (n: string) =>
    [ctx.from, ctx.to].some((s) =>
      [s.composites, s.enums, s.domains, s.tables, s.views].some((m) => m[qid(schema, n)] !== undefined),
    );
  let tmp = truncateName(`${name}_rebuilt`);
  for (let i = 2; taken(tmp) || tmp === name; i++) tmp = truncateName(`${name}_rebuilt${i}`);
  const tmpId = qid(schema, tmp);
  const T = rel(tmpId);
  const convert = (column: string) => {
    const c = quoteIdent(column);
    const parts = y.attributes.map((b) => {
      const a = x.attributes.find((z) => z.name === b.name);
      if (!a) return 'NULL';
      const read = `(${c}).${quoteIdent(b.name)}`;
      return a.type === b.type && a.collation === b.collation ? read : `${read}::${ctx.ty(b.type)}`;
    });
    return `CASE WHEN ${c} IS NOT DISTINCT FROM NULL THEN NULL ELSE ROW(${parts.join(', ')})::${T} END`;
  };
  return [
    ...createComposite(tmpId, { ...y, name: tmp }, ctx.ty),
    ...cols.map(
      ({ table, column }) =>
        `ALTER TABLE ${rel(table)} ALTER COLUMN ${quoteIdent(column)} TYPE ${T} USING ${convert(column)}`,
    ),
    `DROP TYPE ${rel(id)}`,
    `ALTER TYPE ${T} RENAME TO ${quoteIdent(name)}`,
  ];
}

/**
 * refuseRetypeInUse refuses ALTER ATTRIBUTE ... TYPE of composite `id` (`x` to `y`) while a table column is of it, or
 * of an array of it (PostgreSQL: "cannot alter type because column uses it"), when columnRebuildSql could not carry
 * the columns across (a routine, view or other object also uses the type): the step would fail half-way.
 */
export function refuseRetypeInUse(ctx: PlanContext, id: string, x: Composite, y: Composite): void {
  if (!retypes(x, y)) return;
  const users = columnsOf(ctx.from, (t) => t === id, { arrays: true, skip: (t) => ctx.droppedTables.has(t) }).map(
    (c) => `${c.table}.${c.column.name}`,
  );
  if (!users.length) return;
  throw negative(
    'not-supported',
    `not supported: an attribute of composite type ${id} changes type while column ${users.join(', ')} ${users.length > 1 ? 'are' : 'is'} of it, and other objects use the type too (PostgreSQL refuses ALTER ATTRIBUTE ... TYPE there)`,
    'add the attribute under a new name instead (and drop the old one in a later commit), or drop the routines and views over the type in one commit and change it in the next',
    { object: id, columns: users },
  );
}
