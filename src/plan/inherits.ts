/**
 * A table joining or leaving an INHERITS parent where ALTER TABLE ... [NO] INHERIT cannot give the catalog the target
 * has: the table is re-created (build.ts expandChanges) and its rows carried across.
 */
import type { Change } from '../model/changes.js';
import type { Column, Schema } from '../model/types.js';
import { nameOf, rel } from '../sql/ddl.js';
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js';
import { counterPastRows, serialSequence, truncateName } from './columns.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';

/**
 * inheritsRebuilds tells whether table `id` joins or leaves an INHERITS parent in a way ALTER TABLE cannot give the
 * catalog the target has: INHERIT needs every column of the parent on the table already, and a column added for it
 * first stays the table's own (attislocal), which PostgreSQL has no statement to undo, while a table made with
 * INHERITS has them as the parent's only; NO INHERIT leaves the parent's columns behind as the table's own. So when
 * a joined parent has a column the table lacks, or a left parent one the table does not keep, the table is dropped
 * and created as the target has it, like a change of partitioning, its rows carried across (carryRows).
 */
export function inheritsRebuilds(ctx: PlanContext, id: string): boolean {
  const a = ctx.from.tables[id];
  const b = ctx.to.tables[id];
  if (!a || !b) return false;
  const pa = a.inherits ?? [];
  const pb = b.inherits ?? [];
  const joined = pb.filter((p) => !pa.includes(p));
  const left = pa.filter((p) => !pb.includes(p));
  const has = allColumns(ctx.from, id);
  const keeps = allColumns(ctx.to, id);
  return (
    joined.some((p) => [...allColumns(ctx.to, p)].some((n) => !has.has(n))) ||
    left.some((p) => [...allColumns(ctx.from, p)].some((n) => !keeps.has(n))) ||
    ownershipChanges(ctx, id)
  );
}

/**
 * ownershipChanges tells whether a column table `id` inherits on both sides becomes its own as well (`CREATE TABLE c
 * (aa text) INHERITS (a)` where `a` has `aa`: attislocal true) or stops being so. PostgreSQL has no statement that
 * sets attislocal: ADD COLUMN fails ("already exists"), DROP COLUMN refuses an inherited column, so only re-creating
 * the table gives the target's catalog.
 */
function ownershipChanges(ctx: PlanContext, id: string): boolean {
  const a = ctx.from.tables[id]!;
  const b = ctx.to.tables[id]!;
  const inherited = (s: Schema, parents: readonly string[]) => new Set(parents.flatMap((p) => [...allColumns(s, p)]));
  const ia = inherited(ctx.from, a.inherits ?? []);
  const ib = inherited(ctx.to, b.inherits ?? []);
  const own = (cols: readonly Column[], n: string) => cols.some((c) => c.name === n && !c.inherited);
  return [...ia].some((n) => ib.has(n) && own(a.columns, n) !== own(b.columns, n));
}

/**
 * inheritsRebuilt lists the tables `inheritsRebuilds` re-creates among those `changes` alter: a table's own alter,
 * or a change of one of its columns alone (which can turn an inherited column into the table's own).
 */
export function inheritsRebuilt(ctx: PlanContext, changes: readonly Change[]): Set<string> {
  const ids = new Set<string>();
  for (const c of changes) {
    if (c.op === 'alter' && c.kind === 'table') ids.add(c.id);
    else if (c.kind === 'column' && 'table' in c && c.table) ids.add(c.table);
  }
  return new Set([...ids].filter((id) => inheritsRebuilds(ctx, id)));
}

/** allColumns lists the names of the columns table `id` of `s` has: its own and those its INHERITS parents give it. */
function allColumns(s: Schema, id: string, seen = new Set<string>()): Set<string> {
  const t = s.tables[id];
  const out = new Set<string>();
  if (!t || seen.has(id)) return out;
  seen.add(id);
  for (const c of t.columns) out.add(c.name);
  for (const p of t.inherits ?? []) for (const n of allColumns(s, p, seen)) out.add(n);
  return out;
}

/** carryRows drafts, around each table `inheritsRebuilds` re-creates, the copy of its rows to a temporary table and back. */
export function carryRows(ctx: PlanContext, changes: readonly Change[]): void {
  for (const id of inheritsRebuilt(ctx, changes)) {
    const tmp = qualified('pg_temp', truncateName(`${nameOf(id)}__rows`));
    const shared = [...allColumns(ctx.from, id)].filter((n) => allColumns(ctx.to, id).has(n));
    if (!shared.length) continue;
    const stash = (s: Schema) => {
      const cols = shared.filter((n) => !columnOf(s, id, n)?.generated);
      return [`CREATE TEMPORARY TABLE ${tmp} AS SELECT ${cols.map(quoteIdent).join(', ')} FROM ONLY ${rel(id)}`];
    };
    const restore = (s: Schema) => {
      const cols = shared.filter((n) => !columnOf(s, id, n)?.generated).map(quoteIdent);
      const counters = s.tables[id]!.columns.flatMap((col) =>
        col.serial
          ? counterPastRows(id, col.name, `${quoteLiteral(serialSequence(id, col.name))}::regclass`, undefined)
          : col.identity
            ? counterPastRows(
                id,
                col.name,
                `pg_catalog.pg_get_serial_sequence(${quoteLiteral(rel(id))}, ${quoteLiteral(col.name)})`,
                col.identity.options,
              )
            : [],
      );
      return [
        `INSERT INTO ${rel(id)} (${cols.join(', ')}) OVERRIDING SYSTEM VALUE SELECT ${cols.join(', ')} FROM ${tmp}`,
        `DROP TABLE ${tmp}`,
        ...counters,
      ];
    };
    emit(ctx, {
      phase: PHASE.dropTable - 0.5,
      what: `keep the rows of ${id} while it is re-created`,
      object: id,
      sql: stash(ctx.from),
      reverse: restore(ctx.from),
      provides: [`rowsfrom:${id}`],
    });
    emit(ctx, {
      phase: PHASE.createTable + 0.1,
      what: `put the rows of ${id} back`,
      object: id,
      sql: restore(ctx.to),
      reverse: stash(ctx.to),
      requires: [`rowsfrom:${id}`, `rel:${bare(id)}`],
    });
  }
}

/** columnOf finds column `name` of table `id` in `s`: its own, or the one an INHERITS parent gives it. */
function columnOf(s: Schema, id: string, name: string, seen = new Set<string>()): Column | undefined {
  const t = s.tables[id];
  if (!t || seen.has(id)) return undefined;
  seen.add(id);
  const own = t.columns.find((c) => c.name === name && !c.inherited);
  if (own) return own;
  for (const p of t.inherits ?? []) {
    const c = columnOf(s, p, name, seen);
    if (c) return c;
  }
  return t.columns.find((c) => c.name === name);
}
