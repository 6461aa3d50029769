/**
 * semanticDiff: a model-aware, attribute-level difference between two schemas for people and for `--json`
 * (`status`, `diff`, `show`). Objects are matched by id, columns by name (never by position), constraints,
 * indexes, triggers and policies by name; rename hints that apply (src/diff/renames) show as renames.
 * Both sides are compared in canonical form, so an empty diff means equal schema hashes.
 */
import type { Schema } from '../model/types.js';
import { canonicalize, stableJson } from '../canon/index.js';
import { applyRenames, findRenames } from './renames.js';

/** Colours are the styles renderSemDiff paints with (cli/term.ts's Paint fits). */
export type Colours = Record<'green' | 'red' | 'yellow' | 'cyan' | 'bold', (s: string) => string>;

/** SemOp is what happened to an object or attribute. */
export type SemOp = 'add' | 'drop' | 'change' | 'rename';

/** SemChange is one difference: `path` walks the model (`['tables','users','columns','email','type']`). */
export interface SemChange {
  readonly op: SemOp;
  readonly path: readonly string[];
  /** object: the object the change is about, for people (`column users.email`). */
  readonly object: string;
  /** attr: the attribute of `object` that changed (change ops only), dotted (`identity.mode`). */
  readonly attr?: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

const SECTION_KIND: Readonly<Record<string, string>> = {
  extensions: 'extension',
  schemas: 'schema',
  enums: 'enum',
  composites: 'composite type',
  domains: 'domain',
  sequences: 'sequence',
  tables: 'table',
  views: 'view',
  functions: 'function',
};

const SUB_KIND: Readonly<Record<string, string>> = {
  columns: 'column',
  primaryKey: 'primary key',
  uniques: 'unique',
  checks: 'check',
  foreignKeys: 'foreign key',
  exclusions: 'exclusion',
  indexes: 'index',
  triggers: 'trigger',
  policies: 'policy',
};

const RENAME_PATH: Readonly<Record<string, string>> = {
  column: 'columns',
  index: 'indexes',
  unique: 'uniques',
  check: 'checks',
  foreign_key: 'foreignKeys',
  exclusion: 'exclusions',
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEntity = (v: unknown): v is Obj => isObj(v) && (typeof v.kind === 'string' || typeof v.name === 'string');
const same = (a: unknown, b: unknown): boolean => stableJson(a) === stableJson(b);

/** semanticDiff lists the differences from `from` to `to`: renames first, then object by object, attribute by attribute. */
export function semanticDiff(from: Schema, to: Schema): SemChange[] {
  const out: SemChange[] = [];
  const renames = findRenames(from, to);
  for (const r of renames.changes) {
    if (r.kind === 'table' || r.kind === 'view' || r.kind === 'enum') {
      const section = r.kind === 'table' ? 'tables' : r.kind === 'view' ? 'views' : 'enums';
      out.push({
        op: 'rename',
        path: [section, r.id],
        object: `${SECTION_KIND[section]} ${r.fromId}`,
        from: r.fromId,
        to: r.id,
      });
    } else {
      const path =
        r.kind === 'primary_key'
          ? ['tables', r.table!, 'primaryKey']
          : ['tables', r.table!, RENAME_PATH[r.kind]!, r.id];
      out.push({
        op: 'rename',
        path,
        object: `${r.kind.replace('_', ' ')} ${r.table}.${r.fromId}`,
        from: r.fromId,
        to: r.id,
      });
    }
  }
  for (const v of renames.values) {
    out.push({
      op: 'rename',
      path: ['enums', v.enumId, 'values', v.to],
      object: `enum ${v.enumId} value '${v.from}'`,
      from: v.from,
      to: v.to,
    });
  }
  const a = canonicalize(applyRenames(from, renames)) as unknown as Obj;
  const b = canonicalize(to) as unknown as Obj;
  for (const section of Object.keys(SECTION_KIND)) {
    diffMap(out, [section], SECTION_KIND[section]!, '', (a[section] ?? {}) as Obj, (b[section] ?? {}) as Obj);
  }
  return out;
}

/** diffMap compares two maps of objects keyed by id/name. */
function diffMap(out: SemChange[], path: string[], kind: string, owner: string, a: Obj, b: Obj): void {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const object = `${kind} ${owner ? `${owner}.` : ''}${k}`;
    if (!(k in a)) out.push({ op: 'add', path: [...path, k], object, to: b[k] });
    else if (!(k in b)) out.push({ op: 'drop', path: [...path, k], object, from: a[k] });
    else diffEntity(out, [...path, k], object, owner ? owner : k, a[k] as Obj, b[k] as Obj);
  }
}

/** diffEntity compares two definitions of one object attribute by attribute; sub-objects recurse. */
function diffEntity(out: SemChange[], path: string[], object: string, tableId: string, a: Obj, b: Obj): void {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'kind').sort();
  for (const k of keys) {
    const av = a[k];
    const bv = b[k];
    if (same(av, bv)) continue;
    const sub = SUB_KIND[k];
    if (sub && k === 'columns' && (Array.isArray(av) || Array.isArray(bv))) {
      const byName = (xs: unknown) =>
        Object.fromEntries(((xs as Obj[] | undefined) ?? []).map((c) => [String(c.name), c]));
      diffMap(out, [...path, k], sub, tableId, byName(av), byName(bv));
    } else if (sub && k === 'primaryKey') {
      const name = String(((bv ?? av) as Obj).name);
      if (av === undefined) out.push({ op: 'add', path: [...path, k], object: `${sub} ${tableId}.${name}`, to: bv });
      else if (bv === undefined)
        out.push({ op: 'drop', path: [...path, k], object: `${sub} ${tableId}.${String((av as Obj).name)}`, from: av });
      else diffEntity(out, [...path, k], `${sub} ${tableId}.${name}`, tableId, av as Obj, bv as Obj);
    } else if ((isObj(av) || isObj(bv)) && isEntityMap(av) && isEntityMap(bv)) {
      diffMap(out, [...path, k], sub ?? singular(k), tableId, (av ?? {}) as Obj, (bv ?? {}) as Obj);
    } else {
      diffAttr(out, [...path, k], object, k, av, bv);
    }
  }
}

/** diffAttr records a changed attribute, descending into plain nested objects (identity options, defaults) by key. */
function diffAttr(out: SemChange[], path: string[], object: string, attr: string, a: unknown, b: unknown): void {
  if (
    isObj(a) &&
    isObj(b) &&
    !isEntity(a) &&
    !isEntity(b) &&
    !('sql' in a || 'sql' in b || 'literal' in a || 'literal' in b)
  ) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!same(a[k], b[k])) diffAttr(out, [...path, k], object, `${attr}.${k}`, a[k], b[k]);
    }
    return;
  }
  out.push({ op: 'change', path, object, attr, from: a, to: b });
}

/** isEntityMap tells whether a value is a (possibly absent or empty) map whose values are named objects. */
function isEntityMap(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isObj(v) || isEntity(v)) return false;
  return Object.values(v).every(isEntity);
}

/** singular turns a map attribute name into a kind label (`checks` -> `check`). */
function singular(k: string): string {
  return k
    .replace(/ies$/, 'y')
    .replace(/es$/, (m) => (k.endsWith('xes') || k.endsWith('ses') ? '' : m))
    .replace(/s$/, '');
}

/** formatValue writes an attribute value compactly for people (`(none)` when absent). */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (typeof v === 'string') return /^[\w.,:()\[\] -]*$/.test(v) && v.trim() === v && v !== '' ? v : JSON.stringify(v);
  if (isObj(v) && 'sql' in v && Object.keys(v).length === 1) return `sql(${String(v.sql)})`;
  if (isObj(v) && 'literal' in v && Object.keys(v).length === 1) return JSON.stringify(v.literal);
  return stableJson(v);
}

/** summarize writes a one-line description of an added or dropped object. */
export function summarize(v: unknown): string {
  if (!isObj(v)) return formatValue(v);
  switch (v.kind) {
    case 'column': {
      const parts = [String(v.type)];
      if (v.nullable === false) parts.push('not null');
      if (v.default !== undefined) parts.push(`default ${formatValue(v.default)}`);
      if (v.identity) parts.push(`identity ${(v.identity as Obj).mode}`);
      if (v.generated) parts.push(`generated ${JSON.stringify(v.generated)}`);
      return parts.join(' ');
    }
    case 'table':
      return `(${((v.columns as Obj[]) ?? []).map((c) => `${String(c.name)} ${String(c.type)}`).join(', ')})`;
    default: {
      const rest: Obj = {};
      for (const [k, x] of Object.entries(v)) if (!['kind', 'name', 'schema'].includes(k)) rest[k] = x;
      const text = stableJson(rest);
      return text === 'null' ? '' : text;
    }
  }
}

/** renderSemDiff writes changes as `+`/`-`/`~`/`>` lines grouped under their table, coloured when `color` paints. */
export function renderSemDiff(changes: readonly SemChange[], color?: Colours): string {
  const id = (s: string) => s;
  const c = color ?? ({ green: id, red: id, yellow: id, cyan: id, bold: id } as Colours);
  const lines: string[] = [];
  let header = '';
  for (const ch of changes) {
    const nested = ch.path.length >= 3 && SUB_KIND[ch.path[2]!] !== undefined;
    const indent = nested ? '    ' : '';
    if (nested) {
      const owner = `${SECTION_KIND[ch.path[0]!]} ${ch.path[1]}`;
      if (owner !== header) lines.push(c.bold(`~ ${owner}`));
      header = owner;
    } else {
      header = ch.op === 'change' ? `${SECTION_KIND[ch.path[0]!]} ${ch.path[1]}` : '';
    }
    switch (ch.op) {
      case 'add':
        lines.push(c.green(`${indent}+ ${ch.object} ${summarize(ch.to)}`.trimEnd()));
        break;
      case 'drop':
        lines.push(c.red(`${indent}- ${ch.object} ${summarize(ch.from)}`.trimEnd()));
        break;
      case 'rename':
        lines.push(c.cyan(`${indent}> rename ${ch.object} -> ${String(ch.to)}`));
        break;
      case 'change':
        lines.push(c.yellow(`${indent}~ ${ch.object}: ${ch.attr} ${formatValue(ch.from)} -> ${formatValue(ch.to)}`));
        break;
    }
  }
  return lines.join('\n');
}
