/**
 * words: model values as a PostgreSQL user reads them. Definitions read like the clauses of their DDL
 * (`(assignee_id) -> users(id) on delete set null`, `unique using gin (lower(email)) where (active)`), attributes by
 * the keyword that sets them (`on delete`, `not null`), flags as `added`/`dropped`. Every renderer of the differ's
 * changes (status, diff, show, review, check drift, verification mismatches, merge conflicts) writes values here.
 * Pure: no I/O.
 */
import type {
  CheckConstraint,
  Column,
  CompositeType,
  Default,
  DefaultPrivilege,
  Domain,
  EnumType,
  ExclusionConstraint,
  Extension,
  ForeignKey,
  Func,
  Grants,
  Index,
  IndexElement,
  NotNullConstraint,
  Policy,
  PrimaryKey,
  Sequence,
  SequenceOptions,
  Table,
  Trigger,
  UniqueConstraint,
  View,
} from '../model/types.js';
import type { SqlObject, Unmanaged } from '../model/objects.js';
import { quoteLiteral } from '../sql/quote.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (xs: readonly string[] | undefined): string => `(${(xs ?? []).join(', ')})`;
const words = (s: string): string => s.replace(/_/g, ' ');
const join = (...parts: (string | number | false | undefined)[]): string => parts.filter(Boolean).join(' ');

/** oneLine collapses the whitespace of SQL text so it fits a line (the JSON output keeps it whole). */
function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** defaultText writes a default as SQL: a literal quoted as PostgreSQL reads it, an expression as written. */
function defaultText(d: Default | undefined): string {
  if (!d) return '(none)';
  if ('sql' in d) return oneLine(d.sql);
  return typeof d.literal === 'string' ? quoteLiteral(d.literal) : String(d.literal);
}

/** grantsText writes an ACL as `grantee: privileges; ...` (`*` = with grant option), `(default)` when absent. */
function grantsText(g: Grants | undefined): string {
  if (!g) return '(default)';
  const keys = Object.keys(g).sort();
  return keys.length ? keys.map((k) => `${k}: ${(g[k] ?? []).join(', ')}`).join('; ') : '(none)';
}

/** elementText writes one index key: `lower(email) desc nulls last`, `name text_pattern_ops`. */
function elementText(e: IndexElement): string {
  const key = e.column ?? exprKey(e.expression ?? '');
  const opc = e.opclass && e.opclass + paramsText(e.opclassParams);
  return join(
    key,
    e.collation && `collate ${e.collation}`,
    opc,
    e.order,
    e.nulls && `nulls ${e.nulls}`,
    e.statistics !== undefined && `statistics ${e.statistics}`,
  );
}

/** paramsText writes operator class parameters: `(siglen=100)`, '' for none. */
function paramsText(p: Readonly<Record<string, string>> | undefined): string {
  return p
    ? `(${Object.entries(p)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`
    : '';
}

/** exprKey writes an expression key as pg_get_indexdef does: a function call bare, anything else in parentheses. */
function exprKey(expr: string): string {
  const x = oneLine(expr);
  return /^[\w.]+\([^()]*(\([^()]*\)[^()]*)*\)$/.test(x) ? x : `(${x})`;
}

/** keyList writes a key's columns, the last one marked as a temporal key does (`WITHOUT OVERLAPS`, `PERIOD`). */
function keyList(cols: readonly string[], mark: string | false | undefined): string {
  if (!mark || !cols.length) return list(cols);
  const last = cols[cols.length - 1]!;
  return mark === 'period' ? list([...cols.slice(0, -1), `period ${last}`]) : `(${cols.join(', ')} ${mark})`;
}

/** timingText writes DEFERRABLE / INITIALLY DEFERRED. */
function timingText(t: { deferrable?: boolean; initiallyDeferred?: boolean }): string {
  return join(t.deferrable && 'deferrable', t.initiallyDeferred && 'initially deferred');
}

/** sequenceText writes sequence options as the clauses of CREATE SEQUENCE. */
function sequenceText(o: SequenceOptions | undefined): string {
  if (!o) return '';
  return join(
    o.type && `as ${o.type}`,
    o.start !== undefined && `start ${o.start}`,
    o.increment !== undefined && `increment ${o.increment}`,
    o.min !== undefined && `minvalue ${o.min}`,
    o.max !== undefined && `maxvalue ${o.max}`,
    o.cache !== undefined && `cache ${o.cache}`,
    o.cycle && 'cycle',
  );
}

/** columnText writes a column's type and clauses: `bigint not null generated always as identity`. */
function columnText(c: Column): string {
  return join(
    c.type,
    c.collation && `collate ${c.collation}`,
    c.nullable === false && (c.notNull ? notNullText(c.notNull) : 'not null'),
    c.default && `default ${defaultText(c.default)}`,
    c.identity && `generated ${words(c.identity.mode)} as identity`,
    c.identity?.options && `(${sequenceText(c.identity.options)})`,
    c.serial && 'serial',
    c.generated !== undefined && `generated always as (${oneLine(c.generated)}) ${c.virtual ? 'virtual' : 'stored'}`,
  );
}

/** notNullText writes a column's named NOT NULL: `constraint users_email_required not null not valid`. */
function notNullText(n: NotNullConstraint): string {
  return join(
    `constraint ${n.name} not null`,
    n.noInherit && 'no inherit',
    n.notValid && 'not valid',
    n.comment !== undefined && `comment ${quoteLiteral(n.comment)}`,
  );
}

/** fkText writes a foreign key: `(assignee_id) -> users(id) on delete set null`. */
function fkText(f: ForeignKey): string {
  return join(
    `${keyList(f.columns, f.period && 'period')} -> ${f.refTable}${keyList(f.refColumns, f.period && 'period')}`,
    f.match && f.match !== 'simple' && `match ${f.match}`,
    f.onDelete && f.onDelete !== 'no_action' && `on delete ${words(f.onDelete)}`,
    f.onDeleteColumns?.length && list(f.onDeleteColumns),
    f.onUpdate && f.onUpdate !== 'no_action' && `on update ${words(f.onUpdate)}`,
    timingText(f),
    f.notValid && 'not valid',
    f.notEnforced && 'not enforced',
  );
}

/** indexText writes an index: `unique using gin (lower(email)) include (id) where (active)`. */
function indexText(i: Index): string {
  return join(
    i.unique && 'unique',
    i.using && i.using !== 'btree' && `using ${i.using}`,
    `(${i.elements.map(elementText).join(', ')})`,
    i.include?.length && `include ${list(i.include)}`,
    i.nullsNotDistinct && 'nulls not distinct',
    i.with && Object.keys(i.with).length && `with (${mapText(i.with)})`,
    i.where !== undefined && `where (${oneLine(i.where)})`,
    i.local && 'local (not attached to the parent index)',
  );
}

/** exclusionText writes an EXCLUDE constraint: `using gist (room with =, during with &&)`. */
function exclusionText(x: ExclusionConstraint): string {
  const els = x.elements.map(
    (e) =>
      `${e.column ?? exprKey(e.expression ?? '')}${e.opclass ? ` ${e.opclass}${paramsText(e.opclassParams)}` : ''} with ${e.operator}`,
  );
  return join(
    `using ${x.using} (${els.join(', ')})`,
    x.include?.length && `include ${list(x.include)}`,
    x.with && Object.keys(x.with).length && `with (${mapText(x.with)})`,
    x.where !== undefined && `where (${oneLine(x.where)})`,
    timingText(x),
  );
}

/** triggerText writes a trigger: `before insert or update for each row execute touch_updated_at()`. */
function triggerText(t: Trigger): string {
  return join(
    t.constraint && 'constraint',
    words(t.timing),
    t.events.map((e) => (e === 'update' && t.updateOf?.length ? `update of ${t.updateOf.join(', ')}` : e)).join(' or '),
    `for each ${t.forEach}`,
    t.when !== undefined && `when (${oneLine(t.when)})`,
    `execute ${t.function}(${(t.args ?? []).map((a) => quoteLiteral(a)).join(', ')})`,
    t.enabled && t.enabled !== 'origin' && enabledText(t.enabled),
    timingText(t),
  );
}

/** enabledText writes a trigger's firing state as ALTER TABLE ... ENABLE/DISABLE TRIGGER sets it. */
function enabledText(e: string | undefined): string {
  return e === undefined || e === 'origin' ? 'enabled' : e === 'disabled' ? 'disabled' : `enabled ${e}`;
}

/** policyText writes a policy: `as restrictive for select to alice using (owner = current_user)`. */
function policyText(p: Policy): string {
  return join(
    p.permissive === false && 'as restrictive',
    `for ${p.command}`,
    `to ${p.roles.join(', ')}`,
    p.using !== undefined && `using (${oneLine(p.using)})`,
    p.withCheck !== undefined && `with check (${oneLine(p.withCheck)})`,
  );
}

/** mapText writes a string map as `k=v, k2=v2` (storage parameters, view options, SET clauses). */
function mapText(m: Readonly<Record<string, string>>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(', ');
}

type Describer = (def: never) => string;

/** DESCRIBE writes each kind's definition without its kind word and name (the label says those). */
const DESCRIBE: Readonly<Record<string, Describer>> = {
  extension: (e: Extension) => join(e.version && `version ${e.version}`, e.schema && `schema ${e.schema}`),
  namespace: () => '',
  enum: (e: EnumType) => `(${e.values.map((v) => quoteLiteral(v)).join(', ')})`,
  composite: (c: CompositeType) => `(${c.attributes.map((a) => `${a.name} ${a.type}`).join(', ')})`,
  domain: (d: Domain) =>
    join(
      d.type,
      d.nullable === false && 'not null',
      d.default && `default ${defaultText(d.default)}`,
      ...Object.values(d.checks ?? {}).map((c) => `check (${oneLine(c.expression)})`),
    ),
  domain_check: (c: { expression: string; notValid?: boolean }) =>
    join(`(${oneLine(c.expression)})`, c.notValid && 'not valid'),
  sequence: (s: Sequence) =>
    join(sequenceText(s.options), s.ownedBy && `owned by ${s.ownedBy.table}.${s.ownedBy.column}`),
  table: (t: Table) => `(${t.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`,
  column: columnText,
  primary_key: (p: PrimaryKey) =>
    join(
      keyList(p.columns, p.withoutOverlaps && 'without overlaps'),
      p.include?.length && `include ${list(p.include)}`,
      p.with && Object.keys(p.with).length && `with (${mapText(p.with)})`,
      timingText(p),
    ),
  unique: (u: UniqueConstraint) =>
    join(
      u.nullsNotDistinct && 'nulls not distinct',
      keyList(u.columns, u.withoutOverlaps && 'without overlaps'),
      u.include?.length && `include ${list(u.include)}`,
      u.with && Object.keys(u.with).length && `with (${mapText(u.with)})`,
      timingText(u),
    ),
  check: (c: CheckConstraint) =>
    join(
      `(${oneLine(c.expression)})`,
      c.noInherit && 'no inherit',
      c.notValid && 'not valid',
      c.notEnforced && 'not enforced',
    ),
  foreign_key: fkText,
  exclusion: exclusionText,
  index: indexText,
  trigger: triggerText,
  policy: policyText,
  view: (v: View) => join(v.materialized && 'materialized', `as ${clip(oneLine(v.query), 60)}`),
  function: (f: Func) =>
    join(f.procedure ? 'procedure' : `returns ${f.returns}`, `language ${f.language}`, f.volatility),
  sql_object: (o: SqlObject) => clip(oneLine(o.sql), 80),
  unmanaged: (u: Unmanaged) => clip(oneLine(u.state), 80),
  default_privilege: (d: DefaultPrivilege) => grantsText(d.grants),
};

/** clip shortens long text to `max` characters with an ellipsis. */
function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** describeDef writes an object's definition as PostgreSQL users read it, without its kind and name. */
export function describeDef(kind: string, def: unknown): string {
  const f = DESCRIBE[kind];
  if (f && isObj(def)) {
    try {
      return (f as (d: unknown) => string)(def);
    } catch {
      /* a partial definition (a merge side): fall back to the generic form */
    }
  }
  return valueText(def);
}

/** KIND_WORDS is how each kind is named before its definition (`foreign key (a) -> t(id)`). */
const KIND_WORDS: Readonly<Record<string, string>> = {
  namespace: 'schema',
  composite: 'composite type',
  primary_key: 'primary key',
  foreign_key: 'foreign key',
  domain_check: 'check',
  sql_object: '',
  default_privilege: 'default privileges',
};

/** kindWord names a kind for people (`foreign_key` -> `foreign key`). */
export function kindWord(kind: string): string {
  return KIND_WORDS[kind] ?? words(kind);
}

/** Flag names the two states of a boolean attribute: `on` when true, `off` when false or absent. */
interface Flag {
  readonly on: string;
  readonly off: string;
}

/** FLAGS are the boolean attributes, each by the keywords that set and unset it. */
const FLAGS: Readonly<Record<string, Flag>> = {
  nullable: { on: 'nullable', off: 'not null' },
  notValid: { on: 'not valid', off: 'valid' },
  notEnforced: { on: 'not enforced', off: 'enforced' },
  noInherit: { on: 'no inherit', off: 'inherit' },
  deferrable: { on: 'deferrable', off: 'not deferrable' },
  initiallyDeferred: { on: 'initially deferred', off: 'initially immediate' },
  unique: { on: 'unique', off: 'not unique' },
  nullsNotDistinct: { on: 'nulls not distinct', off: 'nulls distinct' },
  rowLevelSecurity: { on: 'row level security', off: 'no row level security' },
  forceRowLevelSecurity: { on: 'force row level security', off: 'no force row level security' },
  unlogged: { on: 'unlogged', off: 'logged' },
  materialized: { on: 'materialized', off: 'not materialized' },
  withNoData: { on: 'with no data', off: 'populated' },
  strict: { on: 'strict', off: 'called on null input' },
  securityDefiner: { on: 'security definer', off: 'security invoker' },
  leakproof: { on: 'leakproof', off: 'not leakproof' },
  serial: { on: 'serial', off: 'not serial' },
  permissive: { on: 'permissive', off: 'restrictive' },
  constraint: { on: 'constraint trigger', off: 'plain trigger' },
  procedure: { on: 'procedure', off: 'function' },
  cycle: { on: 'cycle', off: 'no cycle' },
  virtual: { on: 'virtual', off: 'stored' },
  local: { on: 'local (not attached to the parent index)', off: 'attached to the parent index' },
  withoutOverlaps: { on: 'without overlaps', off: 'with overlaps' },
  period: { on: 'period', off: 'no period' },
};

/** ATTR_NAMES are attributes by the keyword that sets them. */
const ATTR_NAMES: Readonly<Record<string, string>> = {
  onDelete: 'on delete',
  onUpdate: 'on update',
  onDeleteColumns: 'on delete columns',
  refTable: 'references',
  refColumns: 'referenced columns',
  withCheck: 'with check',
  updateOf: 'update of',
  forEach: 'for each',
  partitionBy: 'partition by',
  partitionOf: 'partition of',
  replicaIdentity: 'replica identity',
  replicaIdentityIndex: 'replica identity index',
  clusterOn: 'cluster on',
  identityArgs: 'identity arguments',
  ownedBy: 'owned by',
  columnComments: 'column comments',
  columnDefaults: 'column defaults',
  columnGrants: 'column grants',
  notNull: 'not-null constraint',
  min: 'minvalue',
  max: 'maxvalue',
};

/** attrName names an attribute for people; nested ones (`identity.mode`) by their last keyword with context. */
export function attrName(attr: string): string {
  const parts = attr.split('.');
  const last = parts[parts.length - 1]!;
  const head = parts.slice(0, -1);
  if (head[0] === 'grants') return `grants to ${last}`;
  if (head[0] === 'identity' && last === 'mode') return 'identity';
  const named = ATTR_NAMES[last] ?? FLAGS[last]?.on ?? last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const ctx = head.filter((h) => h !== 'options').map((h) => ATTR_NAMES[h] ?? h);
  return [...ctx, named].join(' ');
}

/** ENUM_ATTRS are attributes whose values are keywords written with `_` in the model (`set_null`). */
const ENUM_ATTRS = new Set(['onDelete', 'onUpdate', 'timing', 'mode', 'replicaIdentity', 'enabled', 'match']);

/** DEFAULT_WORDS is what an absent value of an attribute means in PostgreSQL. */
const DEFAULT_WORDS: Readonly<Record<string, string>> = {
  onDelete: 'no action',
  onUpdate: 'no action',
  match: 'simple',
  volatility: 'volatile',
  parallel: 'unsafe',
  replicaIdentity: 'default',
  owner: '(not managed)',
};

/** attrValue writes one attribute value for people: keywords with spaces, lists in parentheses, SQL on one line. */
export function attrValue(attr: string, v: unknown): string {
  const last = attr.split('.').pop()!;
  if (last === 'enabled' && (v === undefined || typeof v === 'string')) return enabledText(v);
  if (attr.startsWith('grants.')) return v === undefined ? '(none)' : (v as string[]).join(', ');
  if (FLAGS[last] && (v === undefined || v === null || typeof v === 'boolean')) {
    const on = v ?? (last === 'nullable' || last === 'permissive');
    return on ? FLAGS[last].on : FLAGS[last].off;
  }
  if (v === undefined || v === null) return DEFAULT_WORDS[last] ?? (last === 'grants' ? '(default)' : '(none)');
  if (last === 'default' && isObj(v) && ('sql' in v || 'literal' in v)) return defaultText(v as Default);
  if (last === 'grants' && isObj(v)) return grantsText(v as Grants);
  if (last === 'elements' && Array.isArray(v)) return `(${(v as IndexElement[]).map(elementText).join(', ')})`;
  if (last === 'events' && Array.isArray(v)) return (v as string[]).join(' or ');
  if (last === 'values' && Array.isArray(v)) return `(${(v as string[]).map((x) => quoteLiteral(x)).join(', ')})`;
  if (last === 'identity' && isObj(v)) return `generated ${words(String(v.mode))} as identity`;
  if (last === 'notNull' && isObj(v)) return notNullText(v as unknown as NotNullConstraint);
  if (last === 'partitionBy' && isObj(v)) return `${String(v.strategy)} (${String(v.key)})`;
  if (last === 'partitionOf' && isObj(v)) return `${String(v.parent)} ${String(v.bound)}`;
  if (last === 'ownedBy' && isObj(v)) return `${String(v.table)}.${String(v.column)}`;
  if (typeof v === 'string') return ENUM_ATTRS.has(last) ? words(v) : oneLine(v) || "''";
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return list(v as string[]);
  return valueText(v);
}

/** valueText writes any model value compactly: scalars as they are, maps as `k=v`, the rest as sorted JSON. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (typeof v === 'string') return oneLine(v);
  if (typeof v !== 'object') return String(v);
  if (isObj(v) && Object.values(v).every((x) => typeof x === 'string')) return mapText(v as Record<string, string>);
  return JSON.stringify(v, (_k, x: unknown) =>
    isObj(x) && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );
}

/** isFlag tells whether an attribute is a boolean with keywords for both states. */
export function isFlag(attr: string, from: unknown, to: unknown): boolean {
  const last = attr.split('.').pop()!;
  const ok = (v: unknown) => v === undefined || v === null || typeof v === 'boolean';
  return FLAGS[last] !== undefined && ok(from) && ok(to);
}

/**
 * changeText writes one attribute change the way status and diff print it: `type text -> varchar(20)`,
 * `not null: added`, `on delete no action -> set null`, `default (none) -> now()`.
 */
export function changeText(attr: string, from: unknown, to: unknown): string {
  const last = attr.split('.').pop()!;
  if (isFlag(attr, from, to)) {
    const flag = FLAGS[last]!;
    const isOn = (v: unknown) => (last === 'nullable' || last === 'permissive' ? v !== false : v === true);
    // nullable and permissive are true by default: their keyword is the `off` one (`not null`, `restrictive`)
    const inverted = last === 'nullable' || last === 'permissive';
    const word = inverted ? flag.off : flag.on;
    const added = inverted ? !isOn(to) : isOn(to);
    return `${word}: ${added ? 'added' : 'dropped'}`;
  }
  return `${attrName(attr)} ${attrValue(attr, from)} -> ${attrValue(attr, to)}`;
}
