/**
 * Shared spellings for a big normalisation build (normalize.ts): PostgreSQL spells a column default, a check
 * constraint or an index of a plain table by what it says and by the columns and objects it names, never by the
 * table's name or by its other parts. A generated schema of 1000 tables says `DEFAULT now()` on `timestamptz`
 * hundreds of times and indexes `created_at DESC` on hundreds of tables: each such text is built once. sharedBuild
 * plans a schema that holds the objects of a build that cannot share (views, functions, tables with generated
 * columns, exclusions, policies, trigger conditions, partitions or inheritance, an expression naming its own table)
 * as normcache.ts builds them (with what they refer to), and, for every other table, one instance of each distinct
 * spelling problem in a table of its own ("bin") of the same PostgreSQL schema:
 * - a default: a column of the same type and collation with the same default (a default cannot name a column; one
 *   naming a sequence function is not shared: a serial column reads back by its sequence);
 * - a check or an index: the same definition (but its name) on columns of the same names, types and collations as
 *   the ones its text names (identifier words, closure.ts tokens(): a spurious match only makes it more specific).
 * Everything an expression can name besides columns (types, functions, sequences, other tables) is built too (the
 * table's needs, objectPlan). A build that fails is no answer: the caller builds the usual way, which decides.
 * An index of plain column keys (no expression, no predicate, nothing but `desc`: plainKeys) is not built at all:
 * PostgreSQL reads such a key back as the column's name and its order (the default operator class, collation and
 * NULLS order are left out by the reader, pg/introspect/indexes.ts), so its text is its own answer (`known`). The
 * bench's 1000 tables have 161 such distinct indexes, which cost ~0.15-0.2 s of the first build's CPU.
 */
import { qid, splitId } from '../model/ids.js';
import type { Column, IndexElement, Schema, Table } from '../model/types.js';
import { SECTION_FACTS, SECTIONS } from '../model/sections.js';
import { tokens } from './closure.js';
import type { ObjectPlan } from './normcache.js';

/** SharedBuild: the schema to build and, for each slot it answers by a shared instance, the slot to read instead. */
export interface SharedBuild {
  readonly schema: Schema;
  /** direct: the objects built as themselves (their slots read back under their own ids). */
  readonly direct: ReadonlySet<string>;
  /** via: slot of a shared table -> the slot of the bin that answers it. */
  readonly via: ReadonlyMap<string, string>;
  /** known: slots of shared tables answered by their own text, built nowhere (an index of plain column keys). */
  readonly known: ReadonlySet<string>;
}

/**
 * plainKeys tells whether index elements are plain column keys PostgreSQL reads back exactly as written: a column
 * and at most `order: desc` (its default operator class, its column's collation and the order's NULLS default are
 * what a key without them gets, and the catalog reader leaves each out).
 */
export function plainKeys(elements: unknown): boolean {
  return (
    Array.isArray(elements) &&
    elements.length > 0 &&
    elements.every(
      (e) =>
        e !== null &&
        typeof e === 'object' &&
        typeof (e as IndexElement).column === 'string' &&
        Object.entries(e as object).every(([k, v]) => k === 'column' || (k === 'order' && v === 'desc')),
    )
  );
}

/** BIN_COLUMNS bounds a bin's columns (PostgreSQL allows 1600). */
const BIN_COLUMNS = 400;

/** SEQUENCE_FUNCTIONS: a default calling one of them is not shared (a serial column is read back by its default). */
const SEQUENCE_FUNCTIONS = /\b(nextval|currval|setval|lastval)\b/i;

/** Unit is one distinct spelling problem: a default column, or a check or an index with the columns it names. */
interface Unit {
  readonly kind: 'default' | 'check' | 'index';
  readonly schema: string;
  readonly column?: Omit<Column, 'name'>;
  readonly part?: Record<string, unknown>;
  readonly columns: readonly Column[];
  /** slot suffixes of the part: `default`, `check`, `elements`, `where`. */
  readonly slots: readonly string[];
}

/** strings lists the strings in a model value (each a text of its own: tokens() reads quoted names, which JSON escapes). */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** binColumn is a column of a bin: what PostgreSQL's analysis of a text naming it can see (name, type, collation). */
function binColumn(c: Column): Column {
  return {
    kind: 'column',
    name: c.name,
    type: c.type,
    nullable: true,
    ...(c.collation ? { collation: c.collation } : {}),
  };
}

/** unnamed is a check's or index's definition without its name and INERT keys. */
function unnamed(p: object): Record<string, unknown> {
  const { name: _n, comment: _c, renamedFrom: _r, ...rest } = p as Record<string, unknown>;
  return rest;
}

/**
 * tableUnits lists the units answering every slot of table `id` (`slots`: its slot ids), each under a signature of
 * everything its spelling depends on, and the slots its own text answers (`known`: plainKeys); undefined when the
 * table cannot share (see the file comment).
 */
function tableUnits(
  id: string,
  t: Table,
  slots: ReadonlySet<string>,
): { units: Map<string, [string, Unit]>; known: Set<string> } | undefined {
  if (t.partitionBy || t.partitionOf || t.inherits?.length) return undefined;
  const self = t.name.toLowerCase();
  const at = `table ${id}`;
  const out = new Map<string, [string, Unit]>(); // slot -> [signature, unit]
  const known = new Set<string>();
  const named = (part: unknown): Column[] | undefined => {
    const words = new Set<string>();
    for (const text of strings(part)) for (const w of tokens(text)) words.add(w);
    if (words.has(self)) return undefined; // a whole-row or qualified reference to the table itself
    return t.columns.filter((c) => words.has(c.name.toLowerCase())).map(binColumn);
  };
  for (const c of t.columns) {
    if (c.default === undefined) continue;
    const text = strings(c.default).join(' ');
    if (c.identity || c.serial || c.generated !== undefined || SEQUENCE_FUNCTIONS.test(text)) return undefined;
    if (tokens(text).has(self)) return undefined;
    const column = { kind: 'column' as const, type: c.type, nullable: true, default: c.default };
    const def = { ...column, ...(c.collation ? { collation: c.collation } : {}) };
    const unit: Unit = { kind: 'default', schema: t.schema, column: def, columns: [], slots: ['default'] };
    out.set(`${at} column ${c.name} default`, [JSON.stringify(['default', t.schema, def]), unit]);
  }
  const parts: [Unit['kind'], string, object, [string, string][]][] = [
    ...Object.entries(t.checks).map(([k, p]): [Unit['kind'], string, object, [string, string][]] => [
      'check',
      k,
      p,
      [[`${at} check ${k}`, 'check']],
    ]),
    ...Object.entries(t.indexes).flatMap(([k, ix]): [Unit['kind'], string, object, [string, string][]][] => {
      const slot = `${at} index ${k} elements`;
      if (ix.where === undefined && plainKeys(ix.elements)) return (known.add(slot), []);
      return [
        [
          'index',
          k,
          ix,
          [
            [slot, 'elements'],
            ...(ix.where !== undefined ? [[`${at} index ${k} where`, 'where'] as [string, string]] : []),
          ],
        ],
      ];
    }),
  ];
  for (const [kind, , p, pairs] of parts) {
    const part = unnamed(p);
    const columns = named(part);
    if (!columns) return undefined;
    const sig = JSON.stringify([kind, t.schema, part, columns]);
    const unit: Unit = { kind, schema: t.schema, part, columns, slots: pairs.map(([, x]) => x) };
    for (const [slot] of pairs) out.set(slot, [sig, unit]);
  }
  // every slot of the table must be answered by a unit or its own text (a generated column, an exclusion... is not)
  if (out.size + known.size !== slots.size || [...slots].some((s) => !out.has(s) && !known.has(s))) return undefined;
  return { units: out, known };
}

/** Bin is one table of shared instances being filled. */
interface Bin {
  readonly schema: string;
  readonly columns: Map<string, Column>;
  readonly checks: Record<string, unknown>;
  readonly indexes: Record<string, unknown>;
  readonly defaults: boolean;
}

/** fits tells whether `cols` can join `bin` (same name: same type and collation; a bounded width). */
function fits(bin: Bin, cols: readonly Column[]): boolean {
  let added = 0;
  for (const c of cols) {
    const have = bin.columns.get(c.name);
    if (!have) added++;
    else if (have.type !== c.type || have.collation !== c.collation) return false;
  }
  return bin.columns.size + added <= BIN_COLUMNS;
}

/** prefixFor is a prefix of names no object of `s` (nor a named part of a table or view) starts with: the bins' names. */
function prefixFor(s: Schema): string {
  const names: string[] = [];
  for (const section of SECTIONS) {
    if (SECTION_FACTS[section].closure !== 'node') continue;
    for (const [id, o] of Object.entries((s[section] ?? {}) as Record<string, unknown>)) {
      const parts = splitId(id.replace(/\(.*\)$/s, '')) ?? [id];
      names.push(parts[parts.length - 1]!.toLowerCase());
      if (section === 'tables' || section === 'views') {
        const t = o as Record<string, unknown>;
        for (const f of ['indexes', 'checks', 'uniques', 'exclusions', 'foreignKeys'])
          for (const k of Object.keys((t[f] as object | undefined) ?? {})) names.push(k.toLowerCase());
        const pk = (t as Partial<Table>).primaryKey;
        if (pk) names.push(pk.name.toLowerCase());
      }
    }
  }
  let prefix = 'sv_shared_';
  while (names.some((n) => n.startsWith(prefix))) prefix += 'x';
  return prefix;
}

/** fillBins puts one instance of each unit (by signature) in bins per PostgreSQL schema, named from `prefix`. */
function fillBins(
  units: ReadonlyMap<string, Unit>,
  prefix: string,
): { bins: Bin[]; where: Map<string, { bin: number; name: string }> } {
  const bins: Bin[] = [];
  const where = new Map<string, { bin: number; name: string }>(); // signature -> bin and part name
  let n = 0;
  for (const [sig, u] of units) {
    const cols = u.kind === 'default' ? [] : u.columns;
    let b = bins.findIndex(
      (x) =>
        x.schema === u.schema &&
        x.defaults === (u.kind === 'default') &&
        (u.kind === 'default' ? x.columns.size < BIN_COLUMNS : fits(x, cols)),
    );
    if (b < 0) {
      bins.push({ schema: u.schema, columns: new Map(), checks: {}, indexes: {}, defaults: u.kind === 'default' });
      b = bins.length - 1;
    }
    const bin = bins[b]!;
    const name = `${prefix}${n++}`;
    if (u.kind === 'default') bin.columns.set(name, { ...u.column!, name } as Column);
    else {
      for (const c of cols) if (!bin.columns.has(c.name)) bin.columns.set(c.name, c);
      (u.kind === 'check' ? bin.checks : bin.indexes)[name] = { ...u.part, name };
    }
    where.set(sig, { bin: b, name });
  }
  return { bins, where };
}

/** UNITS_PER_OBJECT: about how many shared parts (a column, a check, an index) cost what creating one object does. */
const UNITS_PER_OBJECT = 4;

/**
 * sharedBuild plans the build of `owners` (`section:id` of objects of `s` with slots: `byObject`) with shared
 * instances (see the file comment), or undefined when no table can share or it would not cost less than building
 * `budget` objects (what the caller's other way costs).
 */
export function sharedBuild(
  s: Schema,
  byObject: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
  plan: ObjectPlan,
  owners: ReadonlySet<string>,
  budget: number,
): SharedBuild | undefined {
  const direct = new Set<string>();
  const shared = new Set<string>();
  const units = new Map<string, Unit>(); // signature -> unit
  const slotSig = new Map<string, string>(); // slot -> signature
  const known = new Set<string>();
  for (const o of owners) {
    const slots = byObject.get(o);
    if (!slots) continue;
    const id = o.startsWith('tables:') ? o.slice('tables:'.length) : undefined;
    const t = id !== undefined ? s.tables[id] : undefined;
    const mine = t ? tableUnits(id!, t, new Set(slots.keys())) : undefined;
    if (!mine) {
      direct.add(o);
      continue;
    }
    shared.add(o);
    for (const slot of mine.known) known.add(slot);
    for (const [slot, [sig, unit]] of mine.units) {
      slotSig.set(slot, sig);
      if (!units.has(sig)) units.set(sig, unit);
    }
  }
  if (shared.size === 0 || direct.size + units.size / UNITS_PER_OBJECT >= budget) return undefined;
  const prefix = prefixFor(s);
  const { bins, where } = fillBins(units, prefix);
  // what the bins need: what their parts name (each distinct one once), not all their tables' other parts name
  const base = plan.build(direct, undefined, [...units.keys()]);
  const tables: Record<string, Table> = { ...base.tables };
  const binIds = bins.map((bin, i) => {
    const id = qid(bin.schema, `${prefix}t${i}`);
    tables[id] = {
      kind: 'table',
      schema: bin.schema,
      name: `${prefix}t${i}`,
      columns: [...bin.columns.values()],
      uniques: {},
      checks: bin.checks,
      foreignKeys: {},
      exclusions: {},
      indexes: bin.indexes,
      triggers: {},
      policies: {},
    } as unknown as Table;
    return id;
  });
  const via = new Map<string, string>();
  for (const [slot, sig] of slotSig) {
    const { bin, name } = where.get(sig)!;
    const at = `table ${binIds[bin]!}`;
    const unit = units.get(sig)!;
    const suffix = slot.slice(slot.lastIndexOf(' ') + 1); // default, elements, where, or a check's name
    via.set(
      slot,
      unit.kind === 'default'
        ? `${at} column ${name} default`
        : unit.kind === 'check'
          ? `${at} check ${name}`
          : `${at} index ${name} ${suffix}`,
    );
  }
  return { schema: { ...base, tables }, direct, via, known };
}
