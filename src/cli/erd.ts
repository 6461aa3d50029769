/**
 * Entity-relationship diagrams of a schema: tables with their columns and types (as PostgreSQL spells them),
 * primary, foreign and unique keys (PK, FK, UK), and one edge per foreign key. Mermaid (`erDiagram`) for Markdown and GitHub, Graphviz DOT for images.
 */
import type { Schema, Table } from '../model/types.js';

/** ErdFormat is an output format of `erd`. */
export type ErdFormat = 'mermaid' | 'dot';

interface Entity {
  readonly id: string;
  readonly table: Table;
  readonly pk: ReadonlySet<string>;
  readonly fk: ReadonlySet<string>;
  readonly uk: ReadonlySet<string>;
}

/** entities lists the tables of a schema in id order with their key columns (PK, FK, and UK: unique keys). */
function entities(schema: Schema): Entity[] {
  return Object.keys(schema.tables)
    .sort()
    .map((id) => {
      const t = schema.tables[id]!;
      const fk = new Set(Object.values(t.foreignKeys).flatMap((f) => f.columns));
      // a unique constraint, or a unique index over plain columns that holds for every row (no WHERE)
      const uniqueIndexes = Object.values(t.indexes).filter(
        (i) => i.unique && i.where === undefined && i.elements.every((e) => e.column !== undefined),
      );
      const uk = new Set([
        ...Object.values(t.uniques).flatMap((u) => u.columns),
        ...uniqueIndexes.flatMap((i) => i.elements.map((e) => e.column!)),
      ]);
      return { id, table: t, pk: new Set(t.primaryKey?.columns ?? []), fk, uk };
    });
}

/** keysOf lists the key marks of a column: `PK`, `FK`, `UK`. */
function keysOf(e: Entity, column: string): string[] {
  return [e.pk.has(column) && 'PK', e.fk.has(column) && 'FK', e.uk.has(column) && 'UK'].filter(
    (k): k is string => typeof k === 'string',
  );
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

/**
 * SHORT_TYPES are PostgreSQL's own one-word names of its multi-word types (`varchar` is `character varying`), so
 * a type needs no quoting in Mermaid and still reads as PostgreSQL spells it.
 */
const SHORT_TYPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^character varying\b/, 'varchar'],
  [/^character\b/, 'char'],
  [/^bit varying\b/, 'varbit'],
  [/^double precision\b/, 'float8'],
  [/^timestamp(\(\d+\))? with time zone\b/, 'timestamptz$1'],
  [/^timestamp(\(\d+\))? without time zone\b/, 'timestamp$1'],
  [/^time(\(\d+\))? with time zone\b/, 'timetz$1'],
  [/^time(\(\d+\))? without time zone\b/, 'time$1'],
];

/**
 * MERMAID_WORD is an attribute word of Mermaid's erDiagram grammar (packages/mermaid/src/diagrams/er/parser/
 * erDiagram.jison, ATTRIBUTE_WORD: letters, digits, `-_[]().,*`), one that its lexer does not read as a key
 * (`PK`/`FK`/`UK`, case-insensitive, matched first) or as a generic (`~T~`).
 */
const MERMAID_WORD = /^[*A-Za-z_\u00C0-\uFFFF][A-Za-z0-9\-_[\]().,\u00C0-\uFFFF*]*$/;

/** mermaidWord writes a type or column name as one attribute word: bare when the grammar allows it, else in backticks. */
function mermaidWord(text: string): string {
  if (MERMAID_WORD.test(text) && !/^(pk|fk|uk)\b/i.test(text)) return text;
  return `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;
}

/** mermaidType spells a column type for Mermaid: PostgreSQL's spelling, its one-word alias where there is one. */
function mermaidType(type: string): string {
  let t = type;
  for (const [re, short] of SHORT_TYPES) t = t.replace(re, short);
  return mermaidWord(t);
}

/** mermaidText makes text usable inside a Mermaid quoted string (no `"`, and for entity labels no `%` or `\`). */
function mermaidText(s: string): string {
  return s
    .replace(/"/g, "'")
    .replace(/[%\\]/g, '_')
    .replace(/[\r\n]+/g, ' ');
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
    lines.push(n !== e.id ? `    ${n}["${mermaidText(e.id)}"] {` : `    ${n} {`);
    for (const c of e.table.columns) {
      const keys = keysOf(e, c.name).join(', ');
      const note = c.nullable === false && !e.pk.has(c.name) ? ' "not null"' : '';
      lines.push(`        ${mermaidType(c.type)} ${mermaidWord(c.name)}${keys ? ` ${keys}` : ''}${note}`);
    }
    lines.push('    }');
  }
  for (const edge of edgesOf(schema)) {
    const parent = names.get(edge.to) ?? edge.to;
    const card = `${edge.optional ? '|o' : '||'}--${edge.oneToOne ? 'o|' : 'o{'}`;
    lines.push(`    ${parent} ${card} ${names.get(edge.from)} : "${mermaidText(edge.name)}"`);
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
      const keys = keysOf(e, c.name).join(' ');
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
