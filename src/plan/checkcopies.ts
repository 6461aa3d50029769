/**
 * The copies of a parent's check on its partitions and inheriting tables, and which of them are NOT VALID
 * (Table.inheritedNotValid). PostgreSQL gives a table made after its parent's NOT VALID check (CREATE TABLE ...
 * PARTITION OF / INHERITS) a validated copy, and every table that exists when the check is added a NOT VALID one; a
 * validated parent check has validated copies only (VALIDATE recurses, ATTACH refuses a NOT VALID copy under it).
 * A copy goes from NOT VALID to valid with ALTER TABLE ... VALIDATE CONSTRAINT; the other way has no statement: the
 * parent's check is dropped and added again NOT VALID (no row is read), and the copies meant to stay valid are
 * validated again (their rows are known to pass). ATTACH PARTITION adopts the table's own check of the same name
 * and expression, with its validity; DETACH leaves the copy on the table as its own, with its validity.
 */
import type { CheckConstraint, Schema, Table } from '../model/types.js';
import { quoteIdent } from '../sql/quote.js';
import { addConstraint, commentOn, constraintComment, dropConstraint, rel } from '../sql/ddl.js';
import { bare, emit, PHASE, type PlanContext } from './context.js';
import { childrenOf } from './partindex.js';

const validate = (table: string, name: string): string =>
  `ALTER TABLE ${rel(table)} VALIDATE CONSTRAINT ${quoteIdent(name)}`;

/** notValidCopy tells whether table `id` of `s` lists its copy of check `name` as NOT VALID. */
const notValidCopy = (s: Schema, id: string, name: string): boolean =>
  !!s.tables[id]?.inheritedNotValid?.includes(name);

/**
 * validateCopies writes the VALIDATE of check `name` of `table` on its partitions and children in `s` whose copy is
 * valid there (VALIDATE recurses: below a NOT VALID copy each table is looked at); `skip`: tables not there yet.
 */
export function validateCopies(
  s: Schema,
  table: string,
  name: string,
  skip: (id: string) => boolean = () => false,
  seen = new Set<string>([table]),
): string[] {
  const out: string[] = [];
  for (const id of childrenOf(s, table)) {
    if (seen.has(id) || skip(id)) continue;
    seen.add(id);
    if (notValidCopy(s, id, name)) out.push(...validateCopies(s, id, name, skip, seen));
    else out.push(validate(id, name));
  }
  return out;
}

/** notValidCopies validates the copies of constraint `def` of `t` that `s` has valid, when it is a NOT VALID check. */
export const notValidCopies = (s: Schema, t: string, def: { kind: string; name: string }): string[] => {
  const c = def as CheckConstraint;
  return def.kind === 'check' && c.notValid && !c.notEnforced ? validateCopies(s, t, def.name) : [];
};

/** descendants lists the partitions and children of `table` in `s` at any depth, parents first. */
function descendants(s: Schema, table: string, seen = new Set<string>([table])): string[] {
  const out: string[] = [];
  for (const id of childrenOf(s, table)) {
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id, ...descendants(s, id, seen));
  }
  return out;
}

/** reAddSql makes every copy of check `c` of `parent` NOT VALID (drop, add NOT VALID), then validates those `s` keeps valid. */
function reAddSql(s: Schema, parent: string, c: CheckConstraint, skip?: (id: string) => boolean): string[] {
  return [
    dropConstraint(parent, c.name),
    addConstraint(parent, c),
    ...constraintComment(parent, c),
    ...validateCopies(s, parent, c.name, skip),
  ];
}

/** notValidChecks lists the NOT VALID checks of table `t` its partitions and children inherit. */
const notValidChecks = (t: Table | undefined): CheckConstraint[] =>
  Object.values(t?.checks ?? {}).filter((c) => c.notValid && !c.notEnforced && !c.noInherit);

const sameCheck = (a: CheckConstraint | undefined, b: CheckConstraint | undefined): boolean =>
  !!a && !!b && a.expression === b.expression && !!a.notValid === !!b.notValid && !!a.noInherit === !!b.noInherit;

/**
 * fixCopies writes what turns the copies of NOT VALID check `c` of `parent` from `was` (true: NOT VALID, per table)
 * into what `s` lists, for tables `ids` (parents first): VALIDATE where a copy becomes valid, the re-add when one
 * becomes NOT VALID.
 */
function fixCopies(
  s: Schema,
  parent: string,
  c: CheckConstraint,
  ids: readonly string[],
  was: (id: string) => boolean,
  skip?: (id: string) => boolean,
): string[] {
  if (ids.some((id) => notValidCopy(s, id, c.name) && !was(id))) return reAddSql(s, parent, c, skip);
  const out: string[] = [];
  const done = new Set<string>();
  for (const id of ids) {
    const under = childrenOf(s, id);
    if (done.has(id)) {
      for (const x of under) done.add(x);
      continue;
    }
    if (!notValidCopy(s, id, c.name) && was(id)) {
      out.push(validate(id, c.name)); // and every copy below it
      for (const x of under) done.add(x);
    }
  }
  return out;
}

/**
 * planCheckCopies drafts, for each NOT VALID check of a parent that the plan keeps (or creates with its table), the
 * copies' validity where the plan leaves it other than the target says: a table created under the parent (a valid
 * copy), a table whose copy changes. The reverse does the same for tables on both sides; a table created or dropped
 * here is a table's own step (its drop's reverse, tableCopiesSql), one attached or detached its ATTACH/DETACH's.
 */
export function planCheckCopies(ctx: PlanContext): void {
  for (const [parent, t] of Object.entries(ctx.to.tables)) {
    for (const c of notValidChecks(t)) {
      const kept = sameCheck(ctx.from.tables[parent]?.checks[c.name], c);
      if (!kept && !ctx.createdTables.has(parent)) continue; // added here: the ADD validates the copies per `to`
      const inBoth = (id: string) => !ctx.createdTables.has(id) && !ctx.droppedTables.has(id);
      const under = (s: Schema) => new Set(descendants(s, parent));
      const [fromUnder, toUnder] = [under(ctx.from), under(ctx.to)];
      const stays = (id: string) => kept && inBoth(id) && fromUnder.has(id) && toUnder.has(id);
      // a created table has a valid copy; an attached one is set in its ATTACH step
      const ids = descendants(ctx.to, parent).filter((id) => ctx.createdTables.has(id) || stays(id));
      const sql = fixCopies(ctx.to, parent, c, ids, (id) => stays(id) && notValidCopy(ctx.from, id, c.name));
      const back = kept
        ? fixCopies(
            ctx.from,
            parent,
            c,
            descendants(ctx.from, parent).filter(stays),
            (id) => notValidCopy(ctx.to, id, c.name),
            (id) => !stays(id),
          )
        : [];
      emit(ctx, {
        phase: PHASE.attach + 0.1,
        what: `set which copies of check ${c.name} of ${parent} are NOT VALID`,
        object: `${parent}.${c.name}`,
        sql,
        reverse: back,
        requires: ids.map((id) => `rel:${bare(id)}`),
      });
    }
  }
}

/**
 * tableCopiesSql writes what follows the CREATE TABLE of partition or child `id` (as `s` has it) made again by a
 * drop's reverse: its copies of its parents' NOT VALID checks it lists (made valid by that CREATE) made NOT VALID.
 * The other tables the plan drops (`dropped`) are made again too: those that are NOT VALID there are left so (made
 * before or after), those that are valid come after this one (dropRequires), with a valid copy.
 */
export function tableCopiesSql(s: Schema, other: Schema, id: string, dropped: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const name of s.tables[id]?.inheritedNotValid ?? []) {
    const owner = ownerOf(s, id, name);
    if (!owner) continue;
    const c = s.tables[owner]!.checks[name]!;
    if (!dropped.has(owner) && !sameCheck(other.tables[owner]?.checks[name], c)) continue; // its ADD comes later
    out.push(...reAddSql(s, owner, c, (x) => dropped.has(x)));
  }
  return out;
}

/**
 * dropRequires lists the drops table `id`'s drop comes after so that its reverse (tableCopiesSql) runs before the
 * tables dropped here that have a valid copy of a check whose copy on `id` is NOT VALID (made again after it, valid).
 */
export function dropRequires(s: Schema, id: string, dropped: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const name of s.tables[id]?.inheritedNotValid ?? []) {
    const owner = ownerOf(s, id, name);
    if (!owner) continue;
    const above = new Set<string>();
    for (let x: string | undefined = id; x !== undefined && !above.has(x);) {
      above.add(x);
      const t: Table | undefined = s.tables[x];
      x = t?.partitionOf?.parent ?? t?.inherits?.[0];
    }
    for (const x of descendants(s, owner))
      if (dropped.has(x) && !above.has(x) && !notValidCopy(s, x, name)) out.add(`tdrop:${x}`);
  }
  return [...out];
}

/** ownerOf is the table whose own check `name` table `id` of `s` inherits (up its partition or first parent chain). */
function ownerOf(s: Schema, id: string, name: string, seen = new Set<string>()): string | undefined {
  const t = s.tables[id];
  if (!t || seen.has(id)) return undefined;
  seen.add(id);
  for (const p of [...(t.partitionOf ? [t.partitionOf.parent] : []), ...(t.inherits ?? [])]) {
    if (s.tables[p]?.checks[name]) return p;
    const up = ownerOf(s, p, name, seen);
    if (up) return up;
  }
  return undefined;
}

/**
 * AcrossSql is what goes with a table joining partitioned `parent` (or leaving it) for the parent's checks: added
 * before ATTACH (which needs the table to have each), set right after it, or set right after DETACH.
 */
export interface AcrossSql {
  readonly beforeAttach: string[];
  readonly afterAttach: string[];
  readonly afterDetach: string[];
}

/**
 * checksAcross: partition `id` of `parent` as `s` has it (`part`), and the same table standing alone (`alone`, its
 * own checks). ATTACH needs each of the parent's checks on the table (one of the same name and expression is
 * adopted, with its validity and without its comment); DETACH leaves each copy as the table's own.
 */
export function checksAcross(s: Schema, parent: string, id: string, part: Table, alone: Table | undefined): AcrossSql {
  const out: AcrossSql = { beforeAttach: [], afterAttach: [], afterDetach: [] };
  for (const c of Object.values(s.tables[parent]?.checks ?? {})) {
    if (c.noInherit) continue;
    const own = alone?.checks[c.name];
    const copyNV = !!c.notValid && !c.notEnforced && notValidCopy(s, id, c.name);
    const { comment: _comment, ...copy } = c;
    if (!own || own.expression !== c.expression || !!own.notEnforced !== !!c.notEnforced) {
      out.beforeAttach.push(addConstraint(id, { ...copy, notValid: copyNV || undefined }));
      out.afterDetach.push(dropConstraint(id, c.name));
      continue;
    }
    const ownNV = !!own.notValid && !own.notEnforced;
    if (copyNV && !ownNV) out.afterAttach.push(...reAddSql(s, parent, c));
    if (!copyNV && ownNV) out.afterAttach.push(validate(id, c.name));
    if (own.comment !== undefined)
      out.afterAttach.push(commentOn('CONSTRAINT', `${quoteIdent(c.name)} ON ${rel(id)}`, undefined));
    if (copyNV && !ownNV) out.afterDetach.push(validate(id, c.name));
    if (!copyNV && ownNV)
      out.afterDetach.push(dropConstraint(id, c.name), addConstraint(id, { ...copy, notValid: true }));
    out.afterDetach.push(...constraintComment(id, own));
  }
  return out;
}

/**
 * keptAcross tells whether check `def` of table `t` (as `side` has it: the side where `t` stands alone) is the one
 * the table has as a partition on the other side: ATTACH adopts it, DETACH leaves it; neither is dropped or added.
 */
export function keptAcross(side: Schema, other: Schema, t: string, def: CheckConstraint): boolean {
  const alone = side.tables[t];
  const parent = other.tables[t]?.partitionOf?.parent;
  if (!alone || alone.partitionOf || parent === undefined || alone.inherits?.length) return false;
  const c = other.tables[parent]?.checks[def.name];
  return !!c && !c.noInherit && c.expression === def.expression && !!c.notEnforced === !!def.notEnforced;
}
