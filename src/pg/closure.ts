/**
 * Edge closure: the part of a schema an edge can affect, so verification of a small change to a big schema builds
 * only that part. The closure holds every object that differs between A and B, every object the up/down scripts
 * name, the objects that refer to those (dependents: views, functions, referencing tables...), and, stripped to what
 * creating the others needs (columns, keys), the objects they refer to. Names are matched as identifier tokens in
 * canonical JSON and SQL text, which over-approximates: a spurious match only makes the closure bigger.
 */
import { deepEqual as same } from '../merge/util.js';
import { splitId } from '../model/ids.js';
import type { Schema, Table } from '../model/types.js';
import { KEYED_PART_FIELDS, SECTION_FACTS, SECTIONS, type SectionField } from '../model/sections.js';

type Section = SectionField;

/** WHOLE sections are copied whole into a partial schema (few, cheap, and everything may depend on them). */
const WHOLE: readonly Section[] = SECTIONS.filter((s) => SECTION_FACTS[s].closure === 'whole');
/** NODES are the sections whose objects are closure nodes. */
const NODES: readonly Section[] = SECTIONS.filter((s) => SECTION_FACTS[s].closure === 'node');

/** tokens returns the identifier-like words of a text, lower-cased (quoted identifiers and string contents included). */
export function tokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/[\p{L}_][\p{L}\p{N}_$]*/gu)) out.add(m[0].toLowerCase());
  for (const m of text.matchAll(/"((?:[^"]|"")+)"/g)) out.add(m[1]!.replace(/""/g, '"').toLowerCase());
  return out;
}

interface Node {
  readonly key: string; // section:id
  readonly section: Section;
  readonly id: string;
  /** names: lower-cased names by which SQL text can refer to this object (its own and its sub-objects'). */
  readonly names: readonly string[];
  readonly text: string; // canonical JSON (union of both sides)
}

function namesOf(section: Section, id: string, obj: unknown): string[] {
  const parts = splitId(id.replace(/\(.*\)$/s, '')) ?? [id];
  const out = [parts[parts.length - 1]!.toLowerCase()];
  if (section === 'tables' || section === 'views') {
    const t = obj as Partial<Table> & { indexes?: Record<string, unknown>; triggers?: Record<string, unknown> };
    for (const f of KEYED_PART_FIELDS) {
      for (const k of Object.keys((t as Record<string, object | undefined>)[f] ?? {})) out.push(k.toLowerCase());
    }
    if (t.primaryKey) out.push(t.primaryKey.name.toLowerCase());
  }
  return out;
}

/** EdgeClosure is the outcome: the keys of the objects verified in full, and those included stripped. */
export interface EdgeClosure {
  readonly full: ReadonlySet<string>;
  readonly stripped: ReadonlySet<string>;
  /** total: how many objects (all sections but extensions and schemas) the two schemas hold together. */
  readonly total: number;
}

/** edgeClosure computes the closure of an edge A -> B with scripts up/down. */
export function edgeClosure(a: Schema, b: Schema, up: string, down: string | null): EdgeClosure {
  const nodes = new Map<string, Node>();
  const changed = new Set<string>();
  for (const section of NODES) {
    const ids = new Set([...Object.keys(a[section] ?? {}), ...Object.keys(b[section] ?? {})]);
    for (const id of ids) {
      const oa = (a[section] as Record<string, unknown> | undefined)?.[id];
      const ob = (b[section] as Record<string, unknown> | undefined)?.[id];
      const key = `${section}:${id}`;
      // structural equality, key order ignored; a rename hint counts as a change (harmless over-approximation)
      const equal = oa !== undefined && ob !== undefined && (oa === ob || same(oa, ob));
      const text = equal
        ? JSON.stringify(oa)
        : `${oa === undefined ? '' : JSON.stringify(oa)}\n${ob === undefined ? '' : JSON.stringify(ob)}`;
      nodes.set(key, { key, section, id, names: namesOf(section, id, ob ?? oa), text });
      if (!equal) changed.add(key);
    }
  }
  // name -> nodes that carry it
  const byName = new Map<string, string[]>();
  for (const n of nodes.values()) for (const nm of n.names) byName.set(nm, [...(byName.get(nm) ?? []), n.key]);
  const refsOf = (text: string, self: string): Set<string> => {
    const out = new Set<string>();
    for (const t of tokens(text)) for (const k of byName.get(t) ?? []) if (k !== self) out.add(k);
    return out;
  };
  const deps = new Map<string, Set<string>>();
  const dependents = new Map<string, Set<string>>();
  for (const n of nodes.values()) {
    const d = refsOf(n.text, n.key);
    deps.set(n.key, d);
    for (const x of d) {
      let s = dependents.get(x);
      if (!s) dependents.set(x, (s = new Set()));
      s.add(n.key);
    }
  }
  // seeds: changed objects and objects the scripts name
  const full = new Set<string>(changed);
  for (const k of refsOf(`${up}\n${down ?? ''}`, '')) full.add(k);
  // dependents: transitive, but a table reached from a table is not expanded further (FK fan-out)
  const queue = [...full];
  const expanded = new Set<string>();
  while (queue.length) {
    const k = queue.shift()!;
    if (expanded.has(k)) continue;
    expanded.add(k);
    const from = nodes.get(k)!;
    for (const d of dependents.get(k) ?? []) {
      if (!full.has(d)) full.add(d);
      const dn = nodes.get(d)!;
      if (from.section === 'tables' && dn.section === 'tables' && !changed.has(d)) continue;
      queue.push(d);
    }
  }
  // dependencies needed to create the full objects: transitive; tables among them are stripped (so no FK chains)
  const stripped = new Set<string>();
  const need = [...full];
  const seen = new Set<string>(full);
  const needed = new Set<string>();
  while (need.length) {
    const k = need.shift()!;
    const node = nodes.get(k)!;
    const isStripped = stripped.has(k);
    for (const d of deps.get(k) ?? []) {
      if (seen.has(d)) continue;
      const dn = nodes.get(d)!;
      if (isStripped && dn.section === 'tables' && node.section === 'tables') {
        // a stripped table keeps only its partition parent / inheritance parents among tables
        const t = (b.tables[node.id] ?? a.tables[node.id]) as Table | undefined;
        const parents = new Set([...(t?.inherits ?? []), ...(t?.partitionOf ? [t.partitionOf.parent] : [])]);
        if (!parents.has(dn.id)) continue;
      }
      seen.add(d);
      if (dn.section === 'tables') stripped.add(d);
      else needed.add(d);
      need.push(d);
    }
  }
  for (const k of needed) full.add(k);
  return { full, stripped, total: nodes.size };
}

/** stripTable keeps what other objects need to be created against a table: columns (without defaults), keys. */
export function stripTable(t: Table): Table {
  const { rowLevelSecurity: _r, forceRowLevelSecurity: _f, comment: _c, ...rest } = t;
  return {
    ...rest,
    columns: t.columns.map(({ default: _d, generated: _g, comment: _cc, ...c }) => c),
    checks: {},
    foreignKeys: {},
    exclusions: {},
    indexes: {},
    triggers: {},
    policies: {},
  };
}

/** partialSchema keeps the closure's objects of `s` (stripped ones stripped), with every extension and schema. */
export function partialSchema(s: Schema, c: EdgeClosure): Schema {
  const out: Record<string, unknown> = { kind: 'schema' };
  for (const section of WHOLE) if (s[section] !== undefined) out[section] = s[section];
  for (const section of NODES) {
    const m: Record<string, unknown> = {};
    for (const [id, obj] of Object.entries(s[section] ?? {})) {
      const key = `${section}:${id}`;
      if (c.full.has(key)) m[id] = obj;
      else if (c.stripped.has(key)) m[id] = section === 'tables' ? stripTable(obj as unknown as Table) : obj;
    }
    out[section] = m;
  }
  return out as unknown as Schema;
}
