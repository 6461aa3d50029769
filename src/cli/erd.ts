/**
 * Entity-relationship diagrams of a schema: tables with their columns and types, primary and foreign keys,
 * and one edge per foreign key. Mermaid (`erDiagram`) for Markdown and GitHub, Graphviz DOT for images.
 */
import type { Schema, Table } from '../model/types.js';

/** ErdFormat is an output format of `erd`. */
export type ErdFormat = 'mermaid' | 'dot';

interface Entity {
  readonly id: string;
  readonly table: Table;
  readonly pk: ReadonlySet<string>;
  readonly fk: ReadonlySet<string>;
}

/** entities lists the tables of a schema in id order with their key columns. */
function entities(schema: Schema): Entity[] {
  return Object.keys(schema.tables)
    .sort()
    .map((id) => {
      const t = schema.tables[id]!;
      const fk = new Set(Object.values(t.foreignKeys).flatMap((f) => f.columns));
      return { id, table: t, pk: new Set(t.primaryKey?.columns ?? []), fk };
    });
}

/** edgesOf lists every foreign key as an edge from the referencing table to the referenced one. */
function edgesOf(schema: Schema): { from: string; to: string; name: string; optional: boolean; oneToOne: boolean }[] {
  const out = [];
  for (const id of Object.keys(schema.tables).sort()) {
    const t = schema.tables[id]!;
    for (const name of Object.keys(t.foreignKeys).sort()) {
      const f = t.foreignKeys[name]!;
      const optional = f.columns.some(
        (c) => t.columns.find((x) => x.name === c)?.nullable !== false && !t.primaryKey?.columns.includes(c),
      );
      const key = [...f.columns].sort().join(',');
      const oneToOne =
        (t.primaryKey !== undefined && [...t.primaryKey.columns].sort().join(',') === key) ||
        Object.values(t.uniques).some((u) => [...u.columns].sort().join(',') === key);
      out.push({ from: id, to: f.refTable, name, optional, oneToOne });
    }
  }
  return out;
}

/** renderErd draws the tables and foreign keys of a schema. */
export function renderErd(schema: Schema, format: ErdFormat): string {
  return format === 'dot' ? renderDot(schema) : renderMermaid(schema);
}

/** mermaidName makes an id usable as a Mermaid entity name (unique, [A-Za-z0-9_-] only). */
function mermaidNames(ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const id of ids) {
    let base = id.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'table';
    if (!/^[A-Za-z_]/.test(base)) base = `t_${base}`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(id, name);
  }
  return out;
}

/** renderMermaid writes a Mermaid `erDiagram`. */
function renderMermaid(schema: Schema): string {
  const list = entities(schema);
  const names = mermaidNames([
    ...list.map((e) => e.id),
    ...edgesOf(schema)
      .map((e) => e.to)
      .filter((t) => !schema.tables[t]),
  ]);
  const lines = ['erDiagram'];
  for (const e of list) {
    const n = names.get(e.id)!;
    lines.push(n !== e.id ? `    ${n}["${e.id.replace(/"/g, "'")}"] {` : `    ${n} {`);
    for (const c of e.table.columns) {
      const type = c.type
        .replace(/\s+/g, '_')
        .replace(/[^A-Za-z0-9_()[\],.-]/g, '_')
        .replace(/,/g, '-');
      const keys = [e.pk.has(c.name) ? 'PK' : '', e.fk.has(c.name) ? 'FK' : ''].filter(Boolean).join(', ');
      const cname = /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name) ? c.name : c.name.replace(/[^A-Za-z0-9_]+/g, '_') || 'col';
      const note =
        cname !== c.name || c.nullable === false
          ? ` "${[cname !== c.name ? c.name.replace(/"/g, "'") : '', c.nullable === false && !e.pk.has(c.name) ? 'not null' : ''].filter(Boolean).join(', ')}"`
          : '';
      lines.push(`        ${type} ${cname}${keys ? ` ${keys}` : ''}${note === ' ""' ? '' : note}`);
    }
    lines.push('    }');
  }
  for (const edge of edgesOf(schema)) {
    const parent = names.get(edge.to) ?? edge.to;
    const card = `${edge.optional ? '|o' : '||'}--${edge.oneToOne ? 'o|' : 'o{'}`;
    lines.push(`    ${parent} ${card} ${names.get(edge.from)} : "${edge.name.replace(/"/g, "'")}"`);
  }
  return lines.join('\n') + '\n';
}

/** html escapes text for a Graphviz HTML-like label. */
function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** dotId quotes an id as a DOT string. */
function dotId(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** renderDot writes a Graphviz digraph with one HTML-table node per table. */
function renderDot(schema: Schema): string {
  const lines = [
    'digraph schema {',
    '  graph [rankdir=LR];',
    '  node [shape=plaintext, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const e of entities(schema)) {
    const rows = e.table.columns.map((c) => {
      const keys = [e.pk.has(c.name) ? 'PK' : '', e.fk.has(c.name) ? 'FK' : ''].filter(Boolean).join(' ');
      return `<tr><td port=${dotId(c.name)} align="left">${keys ? `<b>${html(c.name)}</b>` : html(c.name)}</td><td align="left">${html(c.type)}${c.nullable === false && !e.pk.has(c.name) ? ' not null' : ''}</td><td>${keys}</td></tr>`;
    });
    lines.push(
      `  ${dotId(e.id)} [label=<<table border="0" cellborder="1" cellspacing="0"><tr><td colspan="3" bgcolor="lightgrey"><b>${html(e.id)}</b></td></tr>${rows.join('')}</table>>];`,
    );
  }
  for (const edge of edgesOf(schema)) {
    lines.push(
      `  ${dotId(edge.from)} -> ${dotId(edge.to)} [label=${dotId(edge.name)}${edge.optional ? ', style=dashed' : ''}];`,
    );
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
