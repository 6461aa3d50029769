/**
 * Schema -> readable YAML files (used by import, checkout of generated schemas and merge conflict output).
 * Round trip: parseSchemaFiles(writeSchemaYaml(s)) has the same canonical JSON as s.
 */
import { Document, isMap, isScalar, isSeq, visit, type Node as YNode } from 'yaml';
import { safeFileName } from '../canon/canonical.js';
import { qid } from '../model/ids.js';
import type { Schema } from '../model/types.js';
import { SECTION_FACTS, SECTIONS, type SectionField, type SectionYaml } from '../model/sections.js';
import type { SourceFile } from '../parse/index.js';
import { omittableNames } from './names.js';
import {
  compositeTree,
  domainTree,
  enumTree,
  functionKey,
  grantsTree,
  functionTree,
  sequenceTree,
  viewTree,
  type Emitter,
  type YamlTree,
} from './tree.js';
import { tableTree } from './table.js';

export type { YamlTree } from './tree.js';

/** WriteOptions choose the file layout: one file per schema (default) or one file per table. */
export interface WriteOptions {
  readonly layout?: 'per-schema' | 'per-table';
}

/** YamlFileTree is one output file before stringification: its path and plain tree (see schemaToYamlDoc). */
export interface YamlFileTree {
  readonly path: string;
  readonly tree: { [section: string]: YamlTree };
}

interface Placed {
  readonly schema: string; // namespace the object lives in (`public` for extensions)
  readonly table?: string; // table name, for the per-table layout
  readonly section: SectionYaml;
  readonly key: string;
  readonly value: YamlTree;
}

function sortedEntries<T>(m: Readonly<Record<string, T>>): Array<[string, T]> {
  return Object.keys(m)
    .sort()
    .map((k) => [k, m[k]!]);
}

/** Placer lists the placed objects of one section. */
type Placer = (e: Emitter, schema: Schema) => Array<Omit<Placed, 'section'>>;

/** PLACERS writes each section's objects as trees (a Record: a new section is not written until it has one). */
const PLACERS: Readonly<Record<SectionField, Placer>> = {
  extensions: (_e, schema) =>
    sortedEntries(schema.extensions).map(([name, x]) => {
      const v: { [k: string]: YamlTree } = { name };
      if (x.schema) v['schema'] = x.schema;
      if (x.version) v['version'] = x.version;
      if (x.comment) v['comment'] = x.comment;
      return { schema: 'public', key: name, value: Object.keys(v).length === 1 ? name : v };
    }),
  schemas: (_e, schema) =>
    sortedEntries(schema.schemas).map(([name, n]) => {
      const v: { [k: string]: YamlTree } = { name };
      if (n.owner) v['owner'] = n.owner;
      if (n.comment !== undefined) v['comment'] = n.comment; // '' is public's without any (model/privileges.ts)
      const g = grantsTree(n.grants);
      if (g) v['grants'] = g;
      return { schema: name, key: name, value: Object.keys(v).length === 1 ? name : v };
    }),
  enums: (_e, schema) =>
    sortedEntries(schema.enums).map(([id, x]) => ({ schema: x.schema, key: id, value: enumTree(x) })),
  composites: (_e, schema) =>
    sortedEntries(schema.composites).map(([id, x]) => ({ schema: x.schema, key: id, value: compositeTree(x) })),
  domains: (e, schema) =>
    sortedEntries(schema.domains).map(([id, x]) => ({ schema: x.schema, key: id, value: domainTree(e, id, x) })),
  sequences: (_e, schema) =>
    sortedEntries(schema.sequences).map(([id, x]) => ({ schema: x.schema, key: id, value: sequenceTree(x) })),
  tables: (e, schema) =>
    sortedEntries(schema.tables).map(([id, x]) => ({
      schema: x.schema,
      table: x.name,
      key: id,
      value: tableTree(e, id, x),
    })),
  views: (e, schema) =>
    sortedEntries(schema.views).map(([id, x]) => ({ schema: x.schema, key: id, value: viewTree(e, id, x) })),
  functions: (_e, schema) => {
    const counts = new Map<string, number>();
    for (const f of Object.values(schema.functions))
      counts.set(qid(f.schema, f.name), (counts.get(qid(f.schema, f.name)) ?? 0) + 1);
    return sortedEntries(schema.functions).map(([, f]) => {
      const overloaded = (counts.get(qid(f.schema, f.name)) ?? 0) > 1;
      return { schema: f.schema, key: functionKey(f, overloaded), value: functionTree(f) };
    });
  },
  // definition and unmanaged objects live in the public file: many are not in a schema (publications, servers...)
  objects: (_e, schema) =>
    sortedEntries(schema.objects ?? {}).map(([id, x]) => ({ schema: 'public', key: id, value: x.sql })),
  unmanaged: (_e, schema) =>
    sortedEntries(schema.unmanaged ?? {}).map(([id, x]) => ({ schema: 'public', key: id, value: x.state })),
  defaultPrivileges: (_e, schema) =>
    sortedEntries(schema.defaultPrivileges ?? {}).map(([id, d]) => {
      const v: { [k: string]: YamlTree } = { role: d.role };
      if (d.schema !== undefined) v['schema'] = d.schema;
      v['on'] = d.on;
      v['grants'] = grantsTree(d.grants) ?? {};
      return { schema: d.schema ?? 'public', key: id, value: v };
    }),
};

function place(schema: Schema): Placed[] {
  const e: Emitter = { omit: omittableNames(schema), schema };
  return SECTIONS.flatMap((s) => PLACERS[s](e, schema).map((p) => ({ ...p, section: SECTION_FACTS[s].yaml })));
}

function treeOf(items: readonly Placed[]): { [section: string]: YamlTree } {
  const tree: { [section: string]: YamlTree } = {};
  for (const s of SECTIONS) {
    const { yaml: section, yamlList } = SECTION_FACTS[s];
    const mine = items.filter((p) => p.section === section);
    if (mine.length === 0) continue;
    if (yamlList) tree[section] = mine.map((p) => p.value);
    else {
      const o: { [k: string]: YamlTree } = {};
      for (const p of mine) o[p.key] = p.value;
      tree[section] = o;
    }
  }
  return tree;
}

/** schemaToYamlDoc returns the whole schema as one plain YAML tree (sections -> objects), before stringification. */
export function schemaToYamlDoc(schema: Schema): { [section: string]: YamlTree } {
  return treeOf(place(schema));
}

/** schemaToYamlFiles splits the tree into output files (paths like `schema/billing.yaml`), so callers can splice in extra blocks. */
export function schemaToYamlFiles(schema: Schema, opts: WriteOptions = {}): YamlFileTree[] {
  const placed = place(schema);
  const groups = new Map<string, Placed[]>();
  const used = new Set<string>();
  const fileFor = new Map<string, string>();
  const unique = (base: string): string => {
    let p = `${base}.yaml`;
    for (let i = 2; used.has(p.toLowerCase()); i++) p = `${base}-${i}.yaml`;
    used.add(p.toLowerCase());
    return p;
  };
  const pathOf = (p: Placed): string => {
    const dir = safeFileName(p.schema);
    const key =
      opts.layout === 'per-table'
        ? p.table !== undefined
          ? `${p.schema}\u0000${p.table}`
          : `${p.schema}\u0000`
        : p.schema;
    let path = fileFor.get(key);
    if (path === undefined) {
      if (opts.layout === 'per-table')
        path = unique(p.table !== undefined ? `schema/${dir}/${safeFileName(p.table)}` : `schema/${dir}/_types`);
      else path = unique(`schema/${dir}`);
      fileFor.set(key, path);
    }
    return path;
  };
  // reserve type files first so that a table called `_types` does not take their name
  for (const p of placed) if (p.table === undefined) pathOf(p);
  for (const p of placed) {
    const path = pathOf(p);
    let g = groups.get(path);
    if (!g) groups.set(path, (g = []));
    g.push(p);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, items]) => ({ path, tree: treeOf(items) }));
}

/** schemaRefHeader is the first line of a written file: the editor hint pointing at schemaver.schema.json in the project root. */
export function schemaRefHeader(path: string): string {
  const depth = path.split('/').length - 1;
  return `# yaml-language-server: $schema=${'../'.repeat(depth)}schemaver.schema.json\n`;
}

/** writeSchemaYaml writes a schema as readable YAML files under `schema/`, each starting with the JSON Schema hint. */
export function writeSchemaYaml(schema: Schema, opts: WriteOptions = {}): SourceFile[] {
  return schemaToYamlFiles(schema, opts).map((f) => ({
    path: f.path,
    text: schemaRefHeader(f.path) + stringifyYaml(f.tree),
  }));
}

function inlineLength(v: unknown, depth: number): number {
  if (v === null || v === undefined) return 4;
  if (typeof v === 'string') return v.includes('\n') ? Infinity : v.length + 2;
  if (typeof v !== 'object') return String(v).length;
  if (depth > 2) return Infinity;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + inlineLength(x, depth + 1) + 2, 2);
  return Object.entries(v as Record<string, unknown>).reduce(
    (n, [k, x]) => n + k.length + 2 + inlineLength(x, depth + 1) + 2,
    2,
  );
}

/** stringifyYaml writes a plain tree as YAML: block style for structure, flow style (`{ type: text }`, `[a, b]`) for short leaves. */
export function stringifyYaml(tree: unknown): string {
  const doc = new Document(tree);
  visit(doc, {
    Map(_key, node, path) {
      const keys = keyPath(path, node);
      if (flowable(keys, node.toJSON(), 'map')) node.flow = true;
    },
    Seq(_key, node, path) {
      const keys = keyPath(path, node);
      if (flowable(keys, node.toJSON(), 'seq')) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, blockQuote: 'literal', flowCollectionPadding: true });
}

function keyPath(path: readonly unknown[], _node: YNode): string[] {
  const keys: string[] = [];
  for (const p of path) {
    const pair = p as { key?: unknown };
    if (pair && typeof pair === 'object' && 'key' in pair && isScalar(pair.key)) keys.push(String(pair.key.value));
    else if (isSeq(p)) keys.push('[]');
  }
  return keys.filter((k, i) => !(k === '[]' && i === 0) || true);
}

function flowable(keys: readonly string[], json: unknown, kind: 'map' | 'seq'): boolean {
  const named = keys.filter((k) => k !== '[]');
  if (named.length < 2 && !(kind === 'seq' && named.length >= 1)) return false;
  const section = named[0];
  if (section === 'tables' && named.length === 2 && kind === 'map') return false; // a table body
  if (kind === 'map' && named[named.length - 1] === 'columns' && section === 'tables' && named.length === 3)
    return false;
  if (section === 'functions' && named.length === 2 && kind === 'map') return inlineLength(json, 0) <= 60;
  if (section === 'views' && named.length === 2 && kind === 'map') return inlineLength(json, 0) <= 60;
  return inlineLength(json, 0) <= 100;
}

void isMap;
