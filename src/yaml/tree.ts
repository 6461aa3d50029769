/**
 * Schema -> plain YAML tree in the format's short forms: `name: text`, column-level primary_key/unique/references
 * when single-column, names left out when PostgreSQL would choose them anyway.
 */
import { idPart, qid } from '../model/ids.js';
import type {
  Grants,
  CompositeType,
  Default,
  Domain,
  DomainCheck,
  EnumType,
  Func,
  Index,
  IndexElement,
  Policy,
  Schema,
  Sequence,
  SequenceOptions,
  Trigger,
  View,
} from '../model/types.js';
import { parseElementText } from '../parse/common.js';
import { nameKey } from './names.js';
import { NONE } from '../model/privileges.js';

/** YamlTree is a plain JSON-like value that stringifyYaml writes. */
export type YamlTree = string | number | boolean | null | YamlTree[] | { [key: string]: YamlTree };
/** Obj is a YAML map under construction. */
export type Obj = { [key: string]: YamlTree };

/** Emitter holds what the tree builder needs across objects: which names may be left out. */
export interface Emitter {
  readonly omit: ReadonlySet<string>;
  readonly schema: Schema;
}

/** put sets `key` unless the value is undefined, an empty list or an empty map. */
export function put(o: Obj, key: string, v: YamlTree | undefined): void {
  if (v === undefined) return;
  if (Array.isArray(v) && v.length === 0) return;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return;
  o[key] = v;
}

/** grantsTree writes a Grants map: `role: [privileges]`, `all`, `{ privileges, with_grant_option }`, `public: []`. */
export function grantsTree(g: Grants | undefined): Obj | undefined {
  if (g === undefined) return undefined;
  const out: Obj = {};
  for (const [role, list] of Object.entries(g)) {
    const plain = list.filter((p) => !p.endsWith('*') && p !== NONE);
    const opt = list.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
    if (opt.length === 0) out[role] = plain.length === 1 && plain[0] === 'all' ? 'all' : plain;
    else
      out[role] = {
        privileges: [...plain, ...opt],
        with_grant_option: plain.length === 0 ? true : opt,
      };
  }
  return out;
}

/** paramValue writes a storage parameter: a number when YAML reads it back as the same text, else a string. */
export function paramValue(v: string): YamlTree {
  return /^-?(0|[1-9]\d{0,14})(\.\d*[1-9])?$/.test(v) && String(Number(v)) === v ? Number(v) : v;
}

/** paramsTree writes a parameter list (`opclass_params`) with its numbers as numbers; undefined for none. */
export function paramsTree(p: Readonly<Record<string, string>> | undefined): YamlTree | undefined {
  return p && Object.fromEntries(Object.entries(p).map(([k, v]) => [k, paramValue(v)]));
}

/** putGrants writes `grants` (an empty `public: []` kept: it revokes the default). */
export function putGrants(o: Obj, g: Grants | undefined): void {
  const t = grantsTree(g);
  if (t !== undefined) o['grants'] = t; // `public: []` must survive, so not through put()
}

/** flag sets `key: true` when `v` is true. */
export function flag(o: Obj, key: string, v: boolean | undefined): void {
  if (v) o[key] = true;
}

/** defaultTree writes a column default: `{ sql }` or the literal. */
export function defaultTree(d: Default): YamlTree {
  return 'sql' in d ? { sql: d.sql } : d.literal;
}

/** seqOptions writes sequence options into `target` (numbers where YAML keeps them exact). */
export function seqOptions(o: SequenceOptions | undefined, target: Obj, withType: boolean): void {
  if (!o) return;
  if (withType) put(target, 'type', o.type);
  for (const k of ['start', 'increment', 'min', 'max', 'cache'] as const) {
    const v = o[k];
    if (v !== undefined) target[k] = /^-?\d{1,15}$/.test(v) ? Number(v) : v;
  }
  flag(target, 'cycle', o.cycle);
}

/** timing writes `initially_deferred` or `deferrable`. */
export function timing(o: Obj, t: { deferrable?: boolean; initiallyDeferred?: boolean }): void {
  if (t.initiallyDeferred) o['initially_deferred'] = true;
  else flag(o, 'deferrable', t.deferrable);
}

/** named writes a collection of named objects as a map (all named), a list (none named) or a list with `name` where needed. */
export function named<T extends { name: string }>(
  items: readonly T[],
  omitted: (x: T) => boolean,
  body: (x: T) => YamlTree,
  scalarKey = 'columns',
): YamlTree | undefined {
  if (items.length === 0) return undefined;
  if (items.every((x) => !omitted(x))) {
    const o: Obj = {};
    for (const x of items) o[x.name] = body(x);
    return o;
  }
  return items.map((x) => {
    const b = body(x);
    if (omitted(x)) return b;
    const asMap: Obj = typeof b === 'object' && b !== null && !Array.isArray(b) ? b : { [scalarKey]: b };
    return { name: x.name, ...asMap };
  });
}

function elementText(el: IndexElement, columns: readonly string[], mode: 'column' | 'expression' | 'either'): YamlTree {
  const base = el.column ?? el.expression!;
  let text =
    el.column !== undefined && mode !== 'column' && !/^[A-Za-z_][A-Za-z0-9_$]*$/.test(base) ? idPart(base) : base;
  if (el.order) text += ' desc';
  if (el.nulls) text += ` nulls ${el.nulls}`;
  if (!el.collation && !el.opclass && el.statistics === undefined) {
    const back = parseElementText(text, mode, columns);
    if (
      back.column === el.column &&
      back.expression === el.expression &&
      back.order === el.order &&
      back.nulls === el.nulls
    )
      return text;
  }
  const o: Obj = {};
  put(o, 'column', el.column);
  put(o, 'expression', el.expression);
  put(o, 'collation', el.collation);
  put(o, 'opclass', el.opclass);
  put(o, 'opclass_params', paramsTree(el.opclassParams));
  put(o, 'order', el.order);
  put(o, 'nulls', el.nulls);
  put(o, 'statistics', el.statistics);
  return o;
}

/** indexTree writes an index in its shortest exact form. */
export function indexTree(ix: Index, columns: readonly string[]): YamlTree {
  const o: Obj = {};
  const els = ix.elements;
  const simple =
    !ix.unique &&
    !ix.using &&
    !ix.include?.length &&
    !ix.where &&
    !ix.with &&
    !ix.nullsNotDistinct &&
    !ix.tablespace &&
    !ix.local &&
    !ix.comment &&
    !ix.dependsOnExtensions &&
    !ix.renamedFrom;
  if (els.every((e) => e.column !== undefined)) {
    const list = els.map((e) => elementText(e, columns, 'column'));
    if (simple && list.every((x) => typeof x === 'string')) return list;
    o['columns'] = list;
  } else if (els.every((e) => e.expression !== undefined))
    o['expressions'] = els.map((e) => elementText(e, columns, 'expression'));
  else o['elements'] = els.map((e) => elementText(e, columns, 'either'));
  flag(o, 'unique', ix.unique);
  put(o, 'using', ix.using);
  put(o, 'include', ix.include ? [...ix.include] : undefined);
  put(o, 'where', ix.where);
  put(o, 'with', ix.with ? { ...ix.with } : undefined);
  flag(o, 'nulls_not_distinct', ix.nullsNotDistinct);
  put(o, 'tablespace', ix.tablespace);
  flag(o, 'local', ix.local);
  put(o, 'comment', ix.comment);
  put(o, 'depends_on_extensions', ix.dependsOnExtensions ? [...ix.dependsOnExtensions] : undefined);
  put(o, 'renamed_from', ix.renamedFrom);
  return o;
}

/** triggerTree writes one trigger. */
export function triggerTree(t: Trigger): Obj {
  const o: Obj = { timing: t.timing, events: [...t.events] };
  put(o, 'update_of', t.updateOf ? [...t.updateOf] : undefined);
  if (t.forEach !== 'statement') o['for_each'] = t.forEach;
  o['function'] = t.function;
  put(o, 'args', t.args ? [...t.args] : undefined);
  put(o, 'when', t.when);
  flag(o, 'constraint', t.constraint);
  timing(o, t);
  if (t.referencing) {
    const r: Obj = {};
    put(r, 'old_table', t.referencing.oldTable);
    put(r, 'new_table', t.referencing.newTable);
    put(o, 'referencing', r);
  }
  if (t.enabled && t.enabled !== 'origin') o['enabled'] = t.enabled;
  put(o, 'comment', t.comment);
  put(o, 'depends_on_extensions', t.dependsOnExtensions ? [...t.dependsOnExtensions] : undefined);
  return o;
}

/** policyTree writes one policy. */
export function policyTree(p: Policy): Obj {
  const o: Obj = {};
  if (p.command !== 'all') o['command'] = p.command;
  if (!p.permissive) o['permissive'] = false;
  if (!(p.roles.length === 1 && p.roles[0] === 'public')) o['roles'] = [...p.roles];
  put(o, 'using', p.using);
  put(o, 'with_check', p.withCheck);
  put(o, 'comment', p.comment);
  return o;
}

/** mapOf writes a map of objects through `f` (undefined stays undefined). */
export function mapOf<T>(m: Readonly<Record<string, T>> | undefined, f: (x: T) => YamlTree): Obj | undefined {
  if (!m) return undefined;
  const o: Obj = {};
  for (const [k, v] of Object.entries(m)) o[k] = f(v);
  return o;
}

/** enumTree writes an enum: a plain list of values when it has no comment or hints. */
export function enumTree(en: EnumType): YamlTree {
  const values: YamlTree[] = en.values.map((v) =>
    en.valueRenames?.[v] !== undefined ? { value: v, renamed_from: en.valueRenames[v]! } : v,
  );
  if (!en.comment && !en.renamedFrom && !en.grants && !en.owner) return values;
  const o: Obj = { values };
  put(o, 'owner', en.owner);
  put(o, 'comment', en.comment);
  putGrants(o, en.grants);
  put(o, 'renamed_from', en.renamedFrom);
  return o;
}

/** compositeTree writes a composite type. */
export function compositeTree(c: CompositeType): YamlTree {
  const attrs: Obj = {};
  for (const a of c.attributes) {
    if (!a.collation && a.comment === undefined) attrs[a.name] = a.type;
    else {
      const at: Obj = { type: a.type };
      put(at, 'collation', a.collation);
      put(at, 'comment', a.comment);
      attrs[a.name] = at;
    }
  }
  if (!c.comment && !c.grants && !c.owner && !('attributes' in attrs) && c.attributes.length > 0) return attrs;
  const o: Obj = { attributes: attrs };
  put(o, 'owner', c.owner);
  put(o, 'comment', c.comment);
  putGrants(o, c.grants);
  return o;
}

/** domainTree writes a domain. */
export function domainTree(e: Emitter, id: string, d: Domain): YamlTree {
  const o: Obj = { type: d.type };
  if (!d.nullable) {
    if (d.notNullName !== undefined) o['not_null'] = d.notNullName;
    else o['nullable'] = false;
  }
  if (d.default) o['default'] = defaultTree(d.default);
  put(o, 'collation', d.collation);
  const checks = Object.values(d.checks);
  const omitted = (c: { name: string }): boolean => e.omit.has(nameKey(id, 'dcheck', c.name));
  const plain = (c: DomainCheck): boolean => !c.notValid && c.comment === undefined;
  if (checks.length === 1 && omitted(checks[0]!) && plain(checks[0]!)) o['check'] = checks[0]!.expression;
  else {
    const tree = (c: DomainCheck): YamlTree => {
      if (plain(c)) return c.expression;
      const x: Obj = { expression: c.expression };
      if (c.notValid) x['not_valid'] = true;
      put(x, 'comment', c.comment);
      return x;
    };
    put(o, 'checks', named(checks, omitted, tree, 'expression'));
  }
  put(o, 'owner', d.owner);
  put(o, 'comment', d.comment);
  putGrants(o, d.grants);
  return Object.keys(o).length === 1 ? d.type : o;
}

/** sequenceTree writes a free-standing sequence. */
export function sequenceTree(s: Sequence): YamlTree {
  const o: Obj = {};
  seqOptions(s.options, o, true);
  if (s.ownedBy) o['owned_by'] = `${s.ownedBy.table}.${idPart(s.ownedBy.column)}`;
  flag(o, 'unlogged', s.unlogged);
  put(o, 'owner', s.owner);
  put(o, 'comment', s.comment);
  putGrants(o, s.grants);
  return o;
}

/** viewTree writes a view or materialized view. */
export function viewTree(e: Emitter, id: string, v: View): YamlTree {
  const o: Obj = { query: v.query };
  flag(o, 'materialized', v.materialized);
  flag(o, 'with_no_data', v.withNoData);
  put(o, 'tablespace', v.tablespace);
  put(o, 'columns', v.columns ? [...v.columns] : undefined);
  put(o, 'options', v.options ? { ...v.options } : undefined);
  const cols = v.columns ?? [];
  if (v.indexes)
    put(
      o,
      'indexes',
      named(
        Object.values(v.indexes),
        (x) => e.omit.has(nameKey(id, 'index', x.name)),
        (ix) => indexTree(ix, cols),
      ),
    );
  put(o, 'triggers', mapOf(v.triggers, triggerTree));
  put(o, 'column_comments', v.columnComments ? { ...v.columnComments } : undefined);
  put(o, 'column_defaults', mapOf(v.columnDefaults, defaultTree));
  put(
    o,
    'column_grants',
    mapOf(v.columnGrants, (g) => grantsTree(g)!),
  );
  put(o, 'owner', v.owner);
  put(o, 'comment', v.comment);
  put(o, 'depends_on_extensions', v.dependsOnExtensions ? [...v.dependsOnExtensions] : undefined);
  putGrants(o, v.grants);
  put(o, 'renamed_from', v.renamedFrom);
  return o;
}

/** functionTree writes a function or procedure. */
export function functionTree(f: Func): Obj {
  const o: Obj = {};
  if (f.args !== '') o['args'] = f.args;
  if (f.procedure) o['procedure'] = true;
  else o['returns'] = f.returns;
  o['language'] = idPart(f.language); // quoted when SQL would fold it (a language named "Odd Lang")
  put(o, 'volatility', f.volatility);
  flag(o, 'strict', f.strict);
  flag(o, 'security_definer', f.securityDefiner);
  flag(o, 'leakproof', f.leakproof);
  put(o, 'parallel', f.parallel);
  if (f.cost !== undefined) o['cost'] = /^\d{1,15}$/.test(f.cost) ? Number(f.cost) : f.cost;
  if (f.rows !== undefined) o['rows'] = /^\d{1,15}$/.test(f.rows) ? Number(f.rows) : f.rows;
  put(o, 'set', f.set ? { ...f.set } : undefined);
  put(o, 'support', f.support);
  put(o, 'owner', f.owner);
  put(o, 'comment', f.comment);
  put(o, 'depends_on_extensions', f.dependsOnExtensions ? [...f.dependsOnExtensions] : undefined);
  putGrants(o, f.grants);
  o['body'] = f.body;
  return o;
}

/** functionKey is the YAML key of a function: its name, with argument types when the name is overloaded. */
export function functionKey(f: Func, overloaded: boolean): string {
  const base = qid(f.schema, f.name);
  return overloaded ? `${base}(${f.identityArgs})` : base;
}
