/**
 * sqldef's rename hints: `-- @renamed from=old` or `/* @renamed from=old *\/` on a line of the target DDL, and
 * `-- @using expr` on a column line (the column's `using:`: how a type change without a cast converts).
 * The line is mapped to the object it declares (table, column, index, constraint, enum type, enum value, view)
 * and the hint is set as `renamedFrom` on that object of the model, the way a user would write it in YAML.
 */
import { qid } from '../model/ids.js';
import type { Schema } from '../model/types.js';

/** RenameHint is one hint found in DDL text. */
export interface RenameHint {
  readonly kind: 'table' | 'column' | 'index' | 'constraint' | 'enum' | 'enum_value' | 'view';
  /** target: the object id (table/enum/view), or the owning table/enum id for columns, indexes, constraints, values. */
  readonly target: string;
  /** name: the new name of a column, index, constraint or enum value. */
  readonly name?: string;
  readonly from: string;
  /** using: a `-- @using expr` hint on a column line instead: the column's `using:` (how a type change converts). */
  readonly using?: string;
}

const MARK =
  /--[ \t]*@renamed[ \t]+from=("(?:[^"]|"")*"|\S+)|\/\*[ \t]*@renamed[ \t]+from=("(?:[^"]|"")*"|\S+?)[ \t]*\*\/|--[ \t]*@using[ \t]+([^\n]*)/g;
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QNAME = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;

function unquote(s: string): string {
  return s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase();
}

/** parseName reads a possibly qualified SQL name into an object id. */
function parseName(text: string): string {
  const parts: string[] = [];
  const re = new RegExp(IDENT, 'g');
  for (const m of text.matchAll(re)) parts.push(unquote(m[0]));
  return parts.length === 2 ? qid(parts[0]!, parts[1]!) : qid('public', parts[0]!);
}

/** statementAt returns the start offset of the statement containing `pos` (statements end at `;` outside quotes). */
function statementStart(text: string, pos: number): number {
  let start = 0;
  let i = 0;
  while (i < pos) {
    const c = text[i]!;
    if (c === "'") {
      i = text.indexOf("'", i + 1) + 1 || text.length;
      continue;
    }
    if (c === '"') {
      i = text.indexOf('"', i + 1) + 1 || text.length;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      i = text.indexOf('\n', i);
      if (i < 0) i = text.length;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 2 || text.length;
      continue;
    }
    if (c === ';') start = i + 1;
    i++;
  }
  return start;
}

/** stripComments blanks out comments (keeping offsets) so keywords are not found inside them. */
function blankComments(s: string): string {
  return s.replace(/--[^\n]*/g, (m) => ' '.repeat(m.length)).replace(/\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length));
}

/** markOf reads a hint mark: the `@using` expression (from is empty then), or the `@renamed` old name. */
function markOf(m: RegExpMatchArray): [string | undefined, string] {
  const using = m[3]?.trim();
  return [using, using === undefined ? unquote(m[1] ?? m[2]!) : ''];
}

/** columnOrRename keeps a hint unless it is a `@using` hint on a line that declares no column. */
const columnOrRename = (h: RenameHint): boolean => h.using !== undefined || !(h.from === '' && h.kind !== 'column');

/** findRenameHints lists the rename hints of a DDL text, mapped to the objects they are attached to. */
export function findRenameHints(ddl: string): RenameHint[] {
  const out: RenameHint[] = [];
  for (const m of ddl.matchAll(MARK)) {
    const [using, from] = markOf(m);
    const pos = m.index!;
    const stStart = statementStart(ddl, pos);
    const head = blankComments(ddl.slice(stStart, pos)).trimStart();
    const lineStart = ddl.lastIndexOf('\n', pos - 1) + 1;
    const line = blankComments(ddl.slice(Math.max(lineStart, stStart), pos));
    let r: RegExpExecArray | null;
    if ((r = new RegExp(String.raw`^create\s+type\s+(${QNAME})\s+as\s+enum\s*\(([\s\S]*)$`, 'i').exec(head))) {
      const inside = r[2]!;
      const lits = [...inside.matchAll(/'((?:[^']|'')*)'/g)];
      const lineLits = [...line.matchAll(/'((?:[^']|'')*)'/g)];
      if (lits.length && lineLits.length)
        out.push({
          kind: 'enum_value',
          target: parseName(r[1]!),
          name: lits[lits.length - 1]![1]!.replace(/''/g, "'"),
          from,
        });
      else if (!lits.length) out.push({ kind: 'enum', target: parseName(r[1]!), from });
      continue;
    }
    if ((r = new RegExp(String.raw`^create\s+type\s+(${QNAME})\s*$`, 'i').exec(head))) {
      out.push({ kind: 'enum', target: parseName(r[1]!), from });
      continue;
    }
    if (
      (r = new RegExp(
        String.raw`^create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?(${IDENT})\s*(?:on\s+(?:only\s+)?(${QNAME}))?`,
        'i',
      ).exec(head))
    ) {
      const rest = blankComments(ddl.slice(stStart)).trimStart();
      const on = new RegExp(String.raw`\bon\s+(?:only\s+)?(${QNAME})`, 'i').exec(rest);
      if (on) out.push({ kind: 'index', target: parseName(on[1]!), name: unquote(r[1]!), from });
      continue;
    }
    if (
      (r = new RegExp(String.raw`^create\s+(?:or\s+replace\s+)?(?:materialized\s+)?view\s+(${QNAME})`, 'i').exec(head))
    ) {
      out.push({ kind: 'view', target: parseName(r[1]!), from });
      continue;
    }
    if (
      (r = new RegExp(String.raw`^alter\s+table\s+(?:only\s+)?(${QNAME})\s+add\s+constraint\s+(${IDENT})`, 'i').exec(
        head,
      ))
    ) {
      out.push({ kind: 'constraint', target: parseName(r[1]!), name: unquote(r[2]!), from });
      continue;
    }
    if (
      (r = new RegExp(
        String.raw`^create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?(${QNAME})\s*(\(?)([\s\S]*)$`,
        'i',
      ).exec(head))
    ) {
      const table = parseName(r[1]!);
      if (!r[2]) {
        out.push({ kind: 'table', target: table, from });
        continue;
      }
      const l = line.trim();
      if (l === '' || new RegExp(String.raw`^create\s`, 'i').test(l)) {
        out.push({ kind: 'table', target: table, from });
        continue;
      }
      const cons = new RegExp(String.raw`^,?\s*constraint\s+(${IDENT})`, 'i').exec(l);
      if (cons) {
        out.push({ kind: 'constraint', target: table, name: unquote(cons[1]!), from });
        continue;
      }
      const col = new RegExp(String.raw`^,?\s*(${IDENT})`).exec(l);
      if (col) out.push({ kind: 'column', target: table, name: unquote(col[1]!), from, ...(using ? { using } : {}) });
    }
  }
  return out.filter(columnOrRename);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** applyRenameHints returns a copy of `schema` with the hints set as `renamedFrom` (hints naming no object are ignored). */
export function applyRenameHints(schema: Schema, hints: readonly RenameHint[]): Schema {
  if (hints.length === 0) return schema;
  const s = structuredClone(schema) as Mutable<Schema>;
  for (const h of hints) {
    switch (h.kind) {
      case 'table': {
        const t = s.tables[h.target] as Mutable<Schema['tables'][string]> | undefined;
        if (t && !t.renamedFrom) t.renamedFrom = h.from;
        break;
      }
      case 'view': {
        const v = s.views[h.target] as Mutable<Schema['views'][string]> | undefined;
        if (v && !v.renamedFrom) v.renamedFrom = h.from;
        break;
      }
      case 'enum': {
        const e = s.enums[h.target] as Mutable<Schema['enums'][string]> | undefined;
        if (e && !e.renamedFrom) e.renamedFrom = h.from;
        break;
      }
      case 'enum_value': {
        const e = s.enums[h.target] as Mutable<Schema['enums'][string]> | undefined;
        if (e && h.name !== undefined && e.values.includes(h.name))
          e.valueRenames = { ...(e.valueRenames ?? {}), [h.name]: h.from };
        break;
      }
      case 'column': {
        const t = s.tables[h.target];
        const c = t?.columns.find((x) => x.name === h.name) as
          { renamedFrom?: string; convertUsing?: string } | undefined;
        if (c && h.using !== undefined) c.convertUsing = h.using;
        else if (c && !c.renamedFrom) c.renamedFrom = h.from;
        break;
      }
      case 'index': {
        const ix = s.tables[h.target]?.indexes[h.name!] as { renamedFrom?: string } | undefined;
        if (ix) ix.renamedFrom = h.from;
        else {
          // a unique/primary constraint declared as an index name
          setConstraintHint(s, h.target, h.name!, h.from);
        }
        break;
      }
      case 'constraint':
        if (!setConstraintHint(s, h.target, h.name!, h.from)) {
          const ix = s.tables[h.target]?.indexes[h.name!] as { renamedFrom?: string } | undefined;
          if (ix) ix.renamedFrom = h.from;
        }
        break;
    }
  }
  return s;
}

function setConstraintHint(s: Schema, table: string, name: string, from: string): boolean {
  const t = s.tables[table];
  if (!t) return false;
  const c =
    (t.primaryKey?.name === name ? t.primaryKey : undefined) ??
    t.uniques[name] ??
    t.checks[name] ??
    t.foreignKeys[name] ??
    t.exclusions[name];
  if (!c) return false;
  (c as { renamedFrom?: string }).renamedFrom = from;
  return true;
}
