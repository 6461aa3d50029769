/**
 * Semantic checks of a structurally merged schema (pure part): references that the two sides made
 * separately valid but that no longer hold together — a foreign key to a dropped table or column, a key,
 * index or trigger naming a dropped column, a trigger whose function was dropped, a column of a dropped type.
 * What only PostgreSQL can tell (a view or check expression on a dropped column) is left to the PGlite build.
 */
import type { Schema, Table } from '../model/types.js';
import type { Conflict } from './types.js';
import { getAt } from './util.js';

function userTypes(s: Schema): Set<string> {
  return new Set([...Object.keys(s.enums), ...Object.keys(s.domains), ...Object.keys(s.composites)]);
}

const elementType = (t: string) => t.replace(/(\[\])+$/, '');

/** semanticConflicts lists the dangling references of `merged`, each a conflict of kind 'semantic'. */
export function semanticConflicts(base: Schema, ours: Schema, theirs: Schema, merged: Schema): Conflict[] {
  const out: Conflict[] = [];
  const known = new Set([...userTypes(base), ...userTypes(ours), ...userTypes(theirs)]);
  const present = userTypes(merged);
  const add = (path: string[], object: string, message: string) =>
    out.push({
      path,
      object,
      kind: 'semantic',
      message,
      ...(getAt(base, path) !== undefined ? { base: getAt(base, path) } : {}),
      ...(getAt(ours, path) !== undefined ? { ours: getAt(ours, path) } : {}),
      ...(getAt(theirs, path) !== undefined ? { theirs: getAt(theirs, path) } : {}),
    });
  const funcNames = new Set(Object.keys(merged.functions).map((k) => k.slice(0, k.indexOf('('))));
  const c: Checker = { add, known, present, funcNames, merged };
  for (const [k, t] of Object.entries(merged.tables)) {
    columnRefs(c, k, t);
    outerRefs(c, k, t);
  }
  for (const [k, v] of Object.entries(merged.views)) {
    for (const [n, g] of Object.entries(v.triggers ?? {})) {
      if (!funcNames.has(g.function))
        add(
          ['views', k, 'triggers', n],
          `trigger ${n} on ${k}`,
          `trigger ${n} on view ${k} calls function ${g.function}, which no longer exists`,
        );
    }
  }
  for (const [k, s] of Object.entries(merged.sequences)) {
    if (!s.ownedBy) continue;
    const t = merged.tables[s.ownedBy.table];
    if (!t || !t.columns.some((c) => c.name === s.ownedBy!.column))
      add(
        ['sequences', k],
        `sequence ${k}`,
        `sequence ${k} is owned by ${s.ownedBy.table}.${s.ownedBy.column}, which no longer exists`,
      );
  }
  for (const [k, d] of Object.entries(merged.domains)) {
    const et = elementType(d.type);
    if (known.has(et) && !present.has(et))
      add(['domains', k], `domain ${k}`, `domain ${k} is based on type ${et}, which the other side dropped`);
  }
  for (const [k, c] of Object.entries(merged.composites)) {
    for (const a of c.attributes) {
      const et = elementType(a.type);
      if (known.has(et) && !present.has(et))
        add(
          ['composites', k],
          `type ${k}`,
          `type ${k} attribute ${a.name} has type ${et}, which the other side dropped`,
        );
    }
  }
  return out;
}

/** Checker is what the reference checks of one merged schema share. */
interface Checker {
  readonly add: (path: string[], object: string, message: string) => void;
  /** known: user types of any side; present: those of the merged schema. */
  readonly known: ReadonlySet<string>;
  readonly present: ReadonlySet<string>;
  readonly funcNames: ReadonlySet<string>;
  readonly merged: Schema;
}

/** missing lists the columns of `cols` that table `t` lacks. */
const missing = (t: Table, cols: readonly string[] | undefined): string[] => {
  const have = new Set(t.columns.map((c) => c.name));
  return (cols ?? []).filter((c) => !have.has(c));
};

/** list quotes names for a message. */
const list = (xs: string[]): string => xs.map((x) => `'${x}'`).join(', ');

/** columnRefs checks a table's column types and the columns its keys, indexes, foreign keys and triggers name. */
function columnRefs(c0: Checker, k: string, t: Table): void {
  const { add, known, present } = c0;
  for (const c of t.columns) {
    const et = elementType(c.type);
    if (known.has(et) && !present.has(et))
      add(
        ['tables', k, 'columns', c.name],
        `column ${k}.${c.name}`,
        `column ${k}.${c.name} has type ${et}, which the other side dropped`,
      );
  }
  if (t.primaryKey) {
    const m = missing(t, [...t.primaryKey.columns, ...(t.primaryKey.include ?? [])]);
    if (m.length)
      add(
        ['tables', k, 'primaryKey'],
        `primary key of ${k}`,
        `primary key of ${k} names column ${list(m)}, which no longer exists`,
      );
  }
  const named = <T>(
    field: 'uniques' | 'exclusions' | 'indexes' | 'foreignKeys' | 'triggers',
    what: string,
    cols: (x: T) => readonly string[],
  ) => {
    for (const [n, x] of Object.entries(t[field] as Record<string, T>)) {
      const m = missing(t, cols(x));
      if (m.length)
        add(
          ['tables', k, field, n],
          `${what} ${n} on ${k}`,
          `${what} ${n} on ${k} names column ${list(m)}, which no longer exists`,
        );
    }
  };
  named<Table['uniques'][string]>('uniques', 'unique constraint', (u) => [...u.columns, ...(u.include ?? [])]);
  named<Table['exclusions'][string]>('exclusions', 'exclusion constraint', (x) => [
    ...x.elements.flatMap((e) => (e.column ? [e.column] : [])),
    ...(x.include ?? []),
  ]);
  named<Table['indexes'][string]>('indexes', 'index', (x) => [
    ...x.elements.flatMap((e) => (e.column ? [e.column] : [])),
    ...(x.include ?? []),
  ]);
  named<Table['foreignKeys'][string]>('foreignKeys', 'foreign key', (f) => f.columns);
  named<Table['triggers'][string]>('triggers', 'trigger', (g) => g.updateOf ?? []);
}

/** outerRefs checks what a table points outside itself at: foreign key targets, trigger functions, parents. */
function outerRefs(c: Checker, k: string, t: Table): void {
  const { add, funcNames, merged } = c;
  for (const [n, f] of Object.entries(t.foreignKeys)) {
    const ref = merged.tables[f.refTable];
    if (!ref)
      add(
        ['tables', k, 'foreignKeys', n],
        `foreign key ${n} on ${k}`,
        `foreign key ${n} on ${k} references table ${f.refTable}, which no longer exists`,
      );
    else {
      const m = missing(ref, f.refColumns);
      if (m.length)
        add(
          ['tables', k, 'foreignKeys', n],
          `foreign key ${n} on ${k}`,
          `foreign key ${n} on ${k} references ${f.refTable} column ${list(m)}, which no longer exists`,
        );
    }
  }
  for (const [n, g] of Object.entries(t.triggers)) {
    if (!funcNames.has(g.function))
      add(
        ['tables', k, 'triggers', n],
        `trigger ${n} on ${k}`,
        `trigger ${n} on ${k} calls function ${g.function}, which no longer exists`,
      );
  }
  if (t.partitionOf && !merged.tables[t.partitionOf.parent])
    add(['tables', k], `table ${k}`, `table ${k} is a partition of ${t.partitionOf.parent}, which no longer exists`);
  for (const p of t.inherits ?? [])
    if (!merged.tables[p]) add(['tables', k], `table ${k}`, `table ${k} inherits from ${p}, which no longer exists`);
}
