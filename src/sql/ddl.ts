/**
 * The DDL compiler: model objects -> PostgreSQL statements (each without a trailing semicolon).
 * Names only through quoteIdent/qualified, literals only through quoteLiteral. Expressions, types and
 * query text come from the model as SQL text and are written verbatim.
 */
import { num, seqOptions } from './sequences.js';
import { keepArrayCoercion } from './arraycast.js';
import { parseQid, splitId } from '../model/ids.js';
import type {
  CheckConstraint,
  Column,
  CompositeType,
  ConstraintTiming,
  Default,
  EnumType,
  ExclusionConstraint,
  Extension,
  FkAction,
  ForeignKey,
  Func,
  Index,
  IndexElement,
  Policy,
  PrimaryKey,
  Sequence,
  Table,
  Trigger,
  UniqueConstraint,
  View,
} from '../model/types.js';
import { qualified, quoteIdent, quoteLiteral } from './quote.js';
import { afterIndexSql, dependsOnSql } from './marks.js';
import { clusterOnSql, createGrants, createOwner, replicaIdentitySql, storageParamsSql } from './grants.js';
import { storageResetSql } from './storage.js';

/** rel writes an object id (`users`, `billing.invoices`, `"Odd"."Name"`) as a qualified SQL name. */
export function rel(id: string): string {
  const q = parseQid(id);
  if (!q) throw new Error(`malformed object id ${JSON.stringify(id)}`);
  return qualified(q.schema, q.name);
}

/** schemaOf returns the schema part of an object id. */
export function schemaOf(id: string): string {
  return parseQid(id)?.schema ?? 'public';
}

/** nameOf returns the name part of an object id. */
export function nameOf(id: string): string {
  return parseQid(id)?.name ?? id;
}

/** dottedName writes a possibly dotted name (collation, operator class, GUC) with each part quoted. */
export function dottedName(text: string): string {
  const parts = splitId(text);
  if (!parts) return quoteIdent(text);
  return parts.map(quoteIdent).join('.');
}

/** funcRef writes a function id without args (`touch`, `audit.log_change`) as a qualified SQL name. */
export function funcRef(id: string): string {
  return rel(id.replace(/\(.*\)$/s, ''));
}

/** TypeNamer writes a model type as SQL: user types quoted through the one quoting path, others verbatim. */
export type TypeNamer = (type: string) => string;

/** typeNamer builds a TypeNamer that knows which type ids are user-defined. */
export function typeNamer(userTypes: ReadonlySet<string>): TypeNamer {
  return (type: string) => {
    const arr = /(\[\])+$/.exec(type)?.[0] ?? '';
    const base = arr ? type.slice(0, -arr.length) : type;
    // a bare keyword (`integer`) is the built-in: PostgreSQL prints a user type so named quoted (`"integer"`)
    return userTypes.has(base) && !(quoteIdent(base) !== base && /^[a-z_]\w*$/.test(base)) ? rel(base) + arr : type;
  };
}

/** defaultSql compiles a default: a literal through quoteLiteral, an expression verbatim. */
export function defaultSql(d: Default): string {
  return 'literal' in d ? quoteLiteral(d.literal) : keepArrayCoercion(d.sql);
}

/** commentLiteral writes a comment value for COMMENT ON (NULL removes it). */
export function commentLiteral(c: string | undefined): string {
  return c === undefined ? 'NULL' : quoteLiteral(c);
}

export { restartNeeded, seqOptions } from './sequences.js';

/** columnDef writes one column of CREATE TABLE / ADD COLUMN. */
export function columnDef(c: Column, ty: TypeNamer): string {
  const parts = [quoteIdent(c.name)];
  if (c.serial && !c.identity && !c.generated) {
    const serialType = SERIAL_TYPES[c.type];
    parts.push(serialType ?? ty(c.type));
  } else {
    parts.push(ty(c.type));
  }
  if (c.collation) parts.push(`COLLATE ${dottedName(c.collation)}`);
  if (c.generated)
    parts.push(`GENERATED ALWAYS AS (${keepArrayCoercion(c.generated)}) ${c.virtual ? 'VIRTUAL' : 'STORED'}`);
  else if (c.identity) {
    const o = identitySequenceOptions(c.identity);
    parts.push(
      `GENERATED ${c.identity.mode === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${o.length ? ` (${o.join(' ')})` : ''}`,
    );
  } else if (c.default && !c.serial) parts.push(`DEFAULT ${defaultSql(c.default)}`);
  const nn = c.notNull; // a named NOT NULL (PostgreSQL 18); a NOT VALID one is added once the column exists
  if (!c.nullable && !nn?.notValid)
    parts.push(nn ? `CONSTRAINT ${quoteIdent(nn.name)} NOT NULL${nn.noInherit ? ' NO INHERIT' : ''}` : 'NOT NULL');
  return parts.join(' ');
}

/** identitySequenceOptions are the sequence options of GENERATED ... AS IDENTITY (...), its SEQUENCE NAME first. */
export function identitySequenceOptions(i: NonNullable<Column['identity']>): string[] {
  // an unqualified SEQUENCE NAME is created in the table's schema
  return [...(i.sequence !== undefined ? [`SEQUENCE NAME ${quoteIdent(i.sequence)}`] : []), ...seqOptions(i.options)];
}

/** SERIAL_TYPES maps an integer type to its serial pseudo-type. */
export const SERIAL_TYPES: Readonly<Record<string, string>> = {
  integer: 'serial',
  bigint: 'bigserial',
  smallint: 'smallserial',
};

function timing(t: ConstraintTiming): string {
  if (!t.deferrable) return '';
  return t.initiallyDeferred ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE';
}

const cols = (cs: readonly string[]): string => cs.map(quoteIdent).join(', ');

/** keyCols writes key columns, the last one marked (`WITHOUT OVERLAPS` after it, `PERIOD` before it) when `mark` is set. */
function keyCols(cs: readonly string[], mark: string | false | undefined): string {
  if (!mark || !cs.length) return cols(cs);
  const last = quoteIdent(cs[cs.length - 1]!);
  const head = cs.slice(0, -1).map(quoteIdent);
  return [...head, mark === 'PERIOD' ? `PERIOD ${last}` : `${last} ${mark}`].join(', ');
}

const ACTIONS: Readonly<Record<FkAction, string>> = {
  no_action: 'NO ACTION',
  restrict: 'RESTRICT',
  cascade: 'CASCADE',
  set_null: 'SET NULL',
  set_default: 'SET DEFAULT',
};

/** TableConstraint is any constraint that lives on a table. */
export type TableConstraint = PrimaryKey | UniqueConstraint | CheckConstraint | ForeignKey | ExclusionConstraint;

/** constraintDef writes `CONSTRAINT name ...` for CREATE TABLE or ADD CONSTRAINT (NOT ENFORCED kept, without NOT VALID). */
export function constraintDef(c: TableConstraint): string {
  const head = `CONSTRAINT ${quoteIdent(c.name)} `;
  switch (c.kind) {
    case 'primary_key':
      return `${head}PRIMARY KEY (${keyCols(c.columns, c.withoutOverlaps && 'WITHOUT OVERLAPS')})${c.include?.length ? ` INCLUDE (${cols(c.include)})` : ''}${indexParams(c.with)}${timing(c)}`;
    case 'unique':
      return `${head}UNIQUE${c.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''} (${keyCols(c.columns, c.withoutOverlaps && 'WITHOUT OVERLAPS')})${c.include?.length ? ` INCLUDE (${cols(c.include)})` : ''}${indexParams(c.with)}${timing(c)}`;
    case 'check':
      return `${head}CHECK (${keepArrayCoercion(c.expression)})${c.noInherit ? ' NO INHERIT' : ''}${enforced(c)}`;
    case 'foreign_key': {
      const p = c.period && 'PERIOD';
      let s = `${head}FOREIGN KEY (${keyCols(c.columns, p)}) REFERENCES ${rel(c.refTable)} (${keyCols(c.refColumns, p)})`;
      if (c.match === 'full') s += ' MATCH FULL';
      if (c.onUpdate && c.onUpdate !== 'no_action') s += ` ON UPDATE ${ACTIONS[c.onUpdate]}`;
      if (c.onDelete && c.onDelete !== 'no_action') s += ` ON DELETE ${ACTIONS[c.onDelete]}`;
      if (c.onDeleteColumns?.length) s += ` (${cols(c.onDeleteColumns)})`;
      return s + timing(c) + enforced(c);
    }
    case 'exclusion': {
      const els = c.elements.map((e) => {
        let s = e.column !== undefined ? quoteIdent(e.column) : `(${keepArrayCoercion(e.expression ?? '')})`;
        if (e.opclass) s += ` ${dottedName(e.opclass)}${opclassParams(e.opclassParams)}`;
        return `${s} WITH ${e.operator}`;
      });
      let s = `${head}EXCLUDE USING ${quoteIdent(c.using)} (${els.join(', ')})`;
      if (c.include?.length) s += ` INCLUDE (${cols(c.include)})`;
      s += indexParams(c.with);
      if (c.where) s += ` WHERE (${keepArrayCoercion(c.where)})`;
      return s + timing(c);
    }
  }
}

/** enforced writes ` NOT ENFORCED` for a check or foreign key PostgreSQL keeps but does not check (PostgreSQL 18). */
function enforced(c: CheckConstraint | ForeignKey): string {
  return c.notEnforced ? ' NOT ENFORCED' : '';
}

/** indexParams writes an index's storage parameters as ` WITH (name = 'value', ...)` ('' when there are none). */
const indexParams = (w: Readonly<Record<string, string>> | undefined): string =>
  w && Object.keys(w).length ? ` WITH${opclassParams(w)}` : '';

/** opclassParams writes an index key's operator class parameters, ` (siglen = '100')` ('' when there are none). */
function opclassParams(p: Readonly<Record<string, string>> | undefined): string {
  const list = Object.entries(p ?? {}).map(([k, v]) => `${quoteIdent(k)} = ${quoteLiteral(v)}`);
  return list.length ? ` (${list.join(', ')})` : '';
}

/** addConstraint writes ALTER TABLE ... ADD CONSTRAINT (NOT VALID kept). */
export function addConstraint(table: string, c: TableConstraint): string {
  const nv = (c.kind === 'check' || c.kind === 'foreign_key') && c.notValid && !c.notEnforced ? ' NOT VALID' : '';
  return `ALTER TABLE ${rel(table)} ADD ${constraintDef(c)}${nv}`;
}

/** dropConstraint writes ALTER TABLE ... DROP CONSTRAINT. */
export function dropConstraint(table: string, name: string): string {
  return `ALTER TABLE ${rel(table)} DROP CONSTRAINT ${quoteIdent(name)}`;
}

/** validateConstraint writes ALTER TABLE ... VALIDATE CONSTRAINT (a scan under SHARE UPDATE EXCLUSIVE: writes go on). */
export function validateConstraint(table: string, name: string): string {
  return `ALTER TABLE ${rel(table)} VALIDATE CONSTRAINT ${quoteIdent(name)}`;
}

/** commentOn writes COMMENT ON <what> <target> IS <literal|NULL>. */
export function commentOn(what: string, target: string, comment: string | undefined): string {
  return `COMMENT ON ${what} ${target} IS ${commentLiteral(comment)}`;
}

/** constraintComment writes the COMMENT ON CONSTRAINT of a table's constraint, and ON INDEX of its index, when it has them. */
export function constraintComment(table: string, c: TableConstraint): string[] {
  const own =
    c.comment !== undefined ? [commentOn('CONSTRAINT', `${quoteIdent(c.name)} ON ${rel(table)}`, c.comment)] : [];
  const ix = 'indexComment' in c && c.indexComment !== undefined ? c.indexComment : undefined;
  return ix !== undefined ? [...own, commentOn('INDEX', indexRef(table, c.name), ix)] : own;
}

/** inlineConstraints lists the constraints of a table that go inside CREATE TABLE (not FKs, not NOT VALID checks). */
export function inlineConstraints(t: Table): TableConstraint[] {
  const out: TableConstraint[] = [];
  if (t.primaryKey) out.push(t.primaryKey);
  out.push(...Object.values(t.uniques));
  out.push(...Object.values(t.checks).filter((c) => !c.notValid));
  out.push(...Object.values(t.exclusions));
  return out;
}

/**
 * createTable writes CREATE TABLE with its columns and inline constraints (no indexes, triggers, policies). Foreign
 * keys are written inline only when the planner passes them in `fks` (their target exists by then).
 */
export function createTable(
  id: string,
  t: Table,
  ty: TypeNamer,
  fks: readonly ForeignKey[] = [],
  parent?: Table,
): string {
  const body: string[] = [];
  if (t.partitionOf) {
    // columns come from the parent; only local constraints and column options are written (a NOT NULL of the
    // partition's own when the parent's column is nullable: `PARTITION OF p (bar NOT NULL)`). PARTITION OF copies
    // the parent's defaults: a partition column without one (a table attached after `ALTER TABLE ONLY parent ...
    // SET DEFAULT`, as GitLab's ci_builds under p_ci_builds) says DEFAULT NULL, which PostgreSQL stores as none.
    const items = inlineConstraints(t).map(constraintDef);
    for (const c of t.columns) {
      const opts: string[] = [];
      const from = parent?.columns.find((p) => p.name === c.name);
      if (c.default && !c.identity && !c.generated) opts.push(`DEFAULT ${defaultSql(c.default)}`);
      else if (
        !c.default &&
        !c.serial &&
        !c.identity &&
        !c.generated &&
        (from?.default || from?.serial) &&
        !from.identity &&
        !from.generated
      )
        opts.push('DEFAULT NULL');
      if (!c.nullable && from?.nullable) opts.push('NOT NULL');
      if (opts.length) items.unshift(`${quoteIdent(c.name)} WITH OPTIONS ${opts.join(' ')}`);
    }
    const head = `CREATE${t.unlogged ? ' UNLOGGED' : ''} TABLE ${rel(id)} PARTITION OF ${rel(t.partitionOf.parent)}`;
    const part = t.partitionBy ? ` PARTITION BY ${t.partitionBy.strategy.toUpperCase()} (${t.partitionBy.key})` : '';
    return `${head}${items.length ? ` (\n  ${items.join(',\n  ')}\n)` : ''} ${boundSql(t.partitionOf.bound)}${part}${tablespaceSql(t.tablespace)}`;
  }
  for (const c of t.columns) if (!c.inherited) body.push(columnDef(c, ty));
  for (const c of inlineConstraints(t)) body.push(constraintDef(c));
  for (const fk of fks) body.push(constraintDef(fk));
  let s = `CREATE${t.unlogged ? ' UNLOGGED' : ''} TABLE ${rel(id)} (\n  ${body.join(',\n  ')}\n)`;
  if (t.inherits?.length) s += ` INHERITS (${t.inherits.map(rel).join(', ')})`;
  if (t.partitionBy) s += ` PARTITION BY ${t.partitionBy.strategy.toUpperCase()} (${t.partitionBy.key})`;
  return s + tablespaceSql(t.tablespace);
}

/** tablespaceSql writes the ` TABLESPACE name` clause of a table, index or materialized view (nothing for the default). */
export function tablespaceSql(tablespace: string | undefined): string {
  return tablespace === undefined ? '' : ` TABLESPACE ${quoteIdent(tablespace)}`;
}

/** boundSql writes a partition bound: `FOR VALUES ...` or `DEFAULT`. */
export function boundSql(bound: string): string {
  const b = bound.trim();
  return /^(for\s+values|default)\b/i.test(b) ? b : `FOR VALUES ${b}`;
}

/**
 * columnSettings writes SET STORAGE / COMPRESSION / STATISTICS / attribute options of column `b` where they differ from `a` (a column
 * just created when `a` is undefined); separate statements, which PostgreSQL 14+ accepts. `retyped`: an ALTER COLUMN
 * ... TYPE ran first, which put storage and compression back to the new type's (statistics and options stay). A storage
 * reset names the type's strategy (storageResetSql): `SET STORAGE DEFAULT` needs 16+.
 */
export function columnSettings(table: string, a: Column | undefined, b: Column, retyped = false): string[] {
  const C = `ALTER TABLE ${rel(table)} ALTER COLUMN ${quoteIdent(b.name)}`;
  const out: string[] = [];
  const was = retyped ? undefined : a;
  if ((was?.storage ?? '') !== (b.storage ?? ''))
    out.push(b.storage ? `${C} SET STORAGE ${b.storage.toUpperCase()}` : storageResetSql(rel(table), b.name, b.type));
  if ((was?.compression ?? '') !== (b.compression ?? ''))
    out.push(`${C} SET COMPRESSION ${(b.compression ?? 'default').toUpperCase()}`);
  if ((a?.statistics ?? -1) !== (b.statistics ?? -1)) out.push(`${C} SET STATISTICS ${b.statistics ?? -1}`);
  out.push(...storageParamsSql('TABLE', `${rel(table)} ALTER COLUMN ${quoteIdent(b.name)}`, a?.options, b.options));
  return out;
}

/** tableExtras writes what follows CREATE TABLE: NOT VALID checks, indexes, RLS flags, comments. */
export function tableExtras(id: string, t: Table, ty: TypeNamer): string[] {
  const out: string[] = [];
  for (const c of Object.values(t.checks)) if (c.notValid) out.push(addConstraint(id, c));
  for (const ix of Object.values(t.indexes)) out.push(...createIndex(id, ix));
  if (t.rowLevelSecurity) out.push(`ALTER TABLE ${rel(id)} ENABLE ROW LEVEL SECURITY`);
  if (t.forceRowLevelSecurity) out.push(`ALTER TABLE ${rel(id)} FORCE ROW LEVEL SECURITY`);
  if (t.comment !== undefined) out.push(commentOn('TABLE', rel(id), t.comment));
  // a parent's column the child gives a default of its own, or none (CREATE TABLE copied the parent's); ONLY: not
  // the child's own children, which copy it when they are created
  for (const c of t.columns)
    if (c.inherited)
      out.push(
        `ALTER TABLE ONLY ${rel(id)} ALTER COLUMN ${quoteIdent(c.name)} ${c.default ? `SET DEFAULT ${defaultSql(c.default)}` : 'DROP DEFAULT'}`,
      );
  for (const c of t.columns) out.push(...columnSettings(id, undefined, c));
  for (const c of t.columns)
    if (c.comment !== undefined) out.push(commentOn('COLUMN', `${rel(id)}.${quoteIdent(c.name)}`, c.comment));
  for (const c of inlineConstraints(t)) out.push(...constraintComment(id, c));
  for (const c of Object.values(t.checks)) if (c.notValid) out.push(...constraintComment(id, c));
  out.push(...storageParamsSql('TABLE', rel(id), undefined, t.with));
  if (t.replicaIdentity) out.push(replicaIdentitySql(rel(id), t));
  if (t.clusterOn !== undefined) out.push(clusterOnSql(rel(id), t.clusterOn)); // after the indexes above
  out.push(...createOwner(`TABLE ${rel(id)}`, t.owner));
  out.push(...createGrants(`TABLE ${rel(id)}`, 'table', t.grants));
  for (const c of t.columns) out.push(...createGrants(`TABLE ${rel(id)}`, 'column', c.grants, c.name));
  void ty;
  return out;
}

/** indexElement writes one key of an index. */
function indexElement(e: IndexElement): string {
  let s = e.column !== undefined ? quoteIdent(e.column) : `(${keepArrayCoercion(e.expression ?? '')})`;
  if (e.collation) s += ` COLLATE ${dottedName(e.collation)}`;
  if (e.opclass) s += ` ${dottedName(e.opclass)}${opclassParams(e.opclassParams)}`;
  if (e.order === 'desc') s += ' DESC';
  if (e.nulls) s += ` NULLS ${e.nulls.toUpperCase()}`;
  return s;
}

/** createIndex writes CREATE INDEX (and its comment) for an index of table or materialized view `on`; `only`: ON ONLY (a partitioned table's own, its partitions' attached after). */
export function createIndex(on: string, ix: Index, only = false): string[] {
  let s = `CREATE${ix.unique ? ' UNIQUE' : ''} INDEX ${quoteIdent(ix.name)} ON ${only ? 'ONLY ' : ''}${rel(on)}`;
  if (ix.using && ix.using !== 'btree') s += ` USING ${quoteIdent(ix.using)}`;
  s += ` (${ix.elements.map(indexElement).join(', ')})`;
  if (ix.include?.length) s += ` INCLUDE (${cols(ix.include)})`;
  if (ix.nullsNotDistinct) s += ' NULLS NOT DISTINCT';
  s += indexParams(ix.with);
  s += tablespaceSql(ix.tablespace);
  if (ix.where) s += ` WHERE (${keepArrayCoercion(ix.where)})`;
  const out = [s, ...afterIndexSql(indexRef(on, ix.name), ix)];
  if (ix.comment !== undefined) out.push(commentOn('INDEX', indexRef(on, ix.name), ix.comment));
  return out;
}

/** indexRef writes the qualified name of an index (indexes live in their table's schema). */
export function indexRef(on: string, name: string): string {
  return qualified(schemaOf(on), name);
}

/** dropIndex writes DROP INDEX. */
export function dropIndex(on: string, name: string): string {
  return `DROP INDEX ${indexRef(on, name)}`;
}

const EVENT_SQL: Readonly<Record<string, string>> = {
  insert: 'INSERT',
  update: 'UPDATE',
  delete: 'DELETE',
  truncate: 'TRUNCATE',
};

/** createTrigger writes CREATE [CONSTRAINT] TRIGGER (plus ENABLE/DISABLE and comment). */
export function createTrigger(on: string, tr: Trigger): string[] {
  const events = tr.events.map((e) =>
    e === 'update' && tr.updateOf?.length ? `UPDATE OF ${cols(tr.updateOf)}` : EVENT_SQL[e]!,
  );
  let s = `CREATE${tr.constraint ? ' CONSTRAINT' : ''} TRIGGER ${quoteIdent(tr.name)} ${tr.timing === 'instead_of' ? 'INSTEAD OF' : tr.timing.toUpperCase()} ${events.join(' OR ')} ON ${rel(on)}`;
  if (tr.constraint) s += tr.deferrable ? timing(tr) : ' NOT DEFERRABLE';
  if (tr.referencing && (tr.referencing.oldTable || tr.referencing.newTable)) {
    s += ' REFERENCING';
    if (tr.referencing.oldTable) s += ` OLD TABLE AS ${quoteIdent(tr.referencing.oldTable)}`;
    if (tr.referencing.newTable) s += ` NEW TABLE AS ${quoteIdent(tr.referencing.newTable)}`;
  }
  s += ` FOR EACH ${tr.forEach.toUpperCase()}`;
  if (tr.when) s += ` WHEN (${keepArrayCoercion(tr.when)})`;
  s += ` EXECUTE FUNCTION ${funcRef(tr.function)}(${(tr.args ?? []).map((a) => quoteLiteral(a)).join(', ')})`;
  const out = [s, ...dependsOnSql(`TRIGGER ${quoteIdent(tr.name)} ON ${rel(on)}`, [], tr.dependsOnExtensions)];
  if (tr.enabled && tr.enabled !== 'origin') out.push(triggerEnable(on, tr.name, tr.enabled));
  if (tr.comment !== undefined) out.push(commentOn('TRIGGER', `${quoteIdent(tr.name)} ON ${rel(on)}`, tr.comment));
  return out;
}

/** triggerEnable writes ALTER TABLE ... ENABLE/DISABLE TRIGGER. */
export function triggerEnable(on: string, name: string, state: Trigger['enabled']): string {
  const verb = { origin: 'ENABLE', disabled: 'DISABLE', replica: 'ENABLE REPLICA', always: 'ENABLE ALWAYS' }[
    state ?? 'origin'
  ];
  return `ALTER TABLE ${rel(on)} ${verb} TRIGGER ${quoteIdent(name)}`;
}

/** dropTrigger writes DROP TRIGGER. */
export function dropTrigger(on: string, name: string): string {
  return `DROP TRIGGER ${quoteIdent(name)} ON ${rel(on)}`;
}

const ROLE_KEYWORDS = new Set(['public', 'current_user', 'session_user', 'current_role']);

/** roleSql writes a role name of GRANT/POLICY (PUBLIC and CURRENT_USER-like keywords bare). */
export function roleSql(role: string): string {
  return ROLE_KEYWORDS.has(role.toLowerCase()) ? role.toUpperCase() : quoteIdent(role);
}

/** createPolicy writes CREATE POLICY (and its comment). */
export function createPolicy(on: string, p: Policy): string[] {
  let s = `CREATE POLICY ${quoteIdent(p.name)} ON ${rel(on)} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${p.command.toUpperCase()}`;
  s += ` TO ${(p.roles.length ? p.roles : ['public']).map(roleSql).join(', ')}`;
  if (p.using) s += ` USING (${keepArrayCoercion(p.using)})`;
  if (p.withCheck) s += ` WITH CHECK (${keepArrayCoercion(p.withCheck)})`;
  const out = [s];
  if (p.comment !== undefined) out.push(commentOn('POLICY', `${quoteIdent(p.name)} ON ${rel(on)}`, p.comment));
  return out;
}

/** dropPolicy writes DROP POLICY. */
export function dropPolicy(on: string, name: string): string {
  return `DROP POLICY ${quoteIdent(name)} ON ${rel(on)}`;
}

/** viewKind is `VIEW` or `MATERIALIZED VIEW`. */
export function viewKind(v: View): string {
  return v.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
}

/** createView writes CREATE [MATERIALIZED] VIEW with its indexes, triggers and comments. */
export function createView(id: string, v: View): string[] {
  let s = `CREATE ${viewKind(v)} ${rel(id)}`;
  if (v.columns?.length) s += ` (${cols(v.columns)})`;
  if (v.options && Object.keys(v.options).length) {
    s += ` WITH (${Object.entries(v.options)
      .map(([k, val]) => `${quoteIdent(k)} = ${quoteLiteral(val)}`)
      .join(', ')})`;
  }
  if (v.materialized) s += tablespaceSql(v.tablespace);
  s += ` AS\n${keepArrayCoercion(v.query.trim().replace(/;+\s*$/, ''))}`;
  if (v.materialized && v.withNoData) s += '\nWITH NO DATA';
  const out = [s, ...dependsOnSql(`${viewKind(v)} ${rel(id)}`, [], v.dependsOnExtensions)];
  for (const ix of Object.values(v.indexes ?? {})) out.push(...createIndex(id, ix));
  for (const tr of Object.values(v.triggers ?? {})) out.push(...createTrigger(id, tr));
  for (const [c, d] of Object.entries(v.columnDefaults ?? {})) out.push(viewColumnDefault(id, c, d));
  if (v.comment !== undefined) out.push(commentOn(viewKind(v), rel(id), v.comment));
  for (const [c, text] of Object.entries(v.columnComments ?? {}))
    out.push(commentOn('COLUMN', `${rel(id)}.${quoteIdent(c)}`, text));
  out.push(...createOwner(`${viewKind(v)} ${rel(id)}`, v.owner));
  out.push(...createGrants(`TABLE ${rel(id)}`, 'table', v.grants));
  return out;
}

/** viewColumnDefault writes ALTER VIEW … ALTER COLUMN … SET DEFAULT, or DROP DEFAULT when `d` is undefined. */
export function viewColumnDefault(id: string, column: string, d: Default | undefined): string {
  const what = d === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${defaultSql(d)}`;
  return `ALTER VIEW ${rel(id)} ALTER COLUMN ${quoteIdent(column)} ${what}`;
}

/** dropView writes DROP [MATERIALIZED] VIEW. */
export function dropView(id: string, v: View): string {
  return `DROP ${viewKind(v)} ${rel(id)}`;
}

/** dollarQuote wraps a body in a $tag$ that does not occur in it. */
export function dollarQuote(body: string): string {
  let tag = '$body$';
  for (let i = 1; body.includes(tag); i++) tag = `$body${i}$`;
  return `${tag}${body}${tag}`;
}

/** funcSignature writes `name(identity args)` for DROP/COMMENT ON FUNCTION. */
export function funcSignature(f: Func): string {
  return `${qualified(f.schema, f.name)}(${f.identityArgs})`;
}

/** createFunction writes CREATE [OR REPLACE] FUNCTION/PROCEDURE with a collision-free dollar-quoted body. */
export function createFunction(f: Func, orReplace = false): string[] {
  const what = f.procedure ? 'PROCEDURE' : 'FUNCTION';
  let s = `CREATE${orReplace ? ' OR REPLACE' : ''} ${what} ${qualified(f.schema, f.name)}(${f.args})`;
  if (!f.procedure) s += ` RETURNS ${f.returns}`;
  s += ` LANGUAGE ${quoteIdent(f.language)}`;
  if (!f.procedure) {
    if (f.volatility) s += ` ${f.volatility.toUpperCase()}`;
    if (f.strict) s += ' STRICT';
    if (f.leakproof) s += ' LEAKPROOF';
    if (f.parallel) s += ` PARALLEL ${f.parallel.toUpperCase()}`;
    if (f.cost) s += ` COST ${num(f.cost)}`;
    if (f.rows) s += ` ROWS ${num(f.rows)}`;
  }
  if (f.securityDefiner) s += ' SECURITY DEFINER';
  for (const [k, v] of Object.entries(f.set ?? {})) s += ` SET ${dottedName(k)} TO ${gucValue(k, v)}`;
  if (f.support) s += ` SUPPORT ${dottedName(f.support)}`;
  const body = f.body;
  if (sqlStandardBody(f)) s += `\n${body.trim()}`;
  else s += `\nAS ${dollarQuote(body)}`;
  const out = [s];
  if (f.comment !== undefined) out.push(commentOn(what, funcSignature(f), f.comment));
  if (!orReplace) out.push(...createOwner(`${what} ${funcSignature(f)}`, f.owner));
  if (!orReplace) out.push(...createGrants(`${what} ${funcSignature(f)}`, 'function', f.grants));
  // CREATE OR REPLACE drops the routine's marks (pg_depend deptype 'x'; PostgreSQL 15 and 18 alike): written again
  out.push(...dependsOnSql(`${what} ${funcSignature(f)}`, [], f.dependsOnExtensions));
  return out;
}

/** sqlStandardBody tells whether routine `f` has an SQL-standard body (RETURN ..., BEGIN ATOMIC), which PostgreSQL parses at creation and records dependencies of. */
export function sqlStandardBody(f: Pick<Func, 'language' | 'body'>): boolean {
  return f.language.toLowerCase() === 'sql' && /^\s*(BEGIN\s+ATOMIC\b|RETURN\b)/i.test(f.body);
}

/** gucValue writes a SET value: list settings (search_path) as a list of literals, others as one literal. */
function gucValue(key: string, value: string): string {
  if (/^(search_path|temp_tablespaces|session_preload_libraries|local_preload_libraries)$/i.test(key)) {
    return value
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => quoteLiteral(p.replace(/^"(.*)"$/s, '$1').replace(/""/g, '"')))
      .join(', ');
  }
  return quoteLiteral(value);
}

/** dropFunction writes DROP FUNCTION/PROCEDURE by identity signature. */
export function dropFunction(f: Func): string {
  return `DROP ${f.procedure ? 'PROCEDURE' : 'FUNCTION'} ${funcSignature(f)}`;
}

/** createEnum writes CREATE TYPE ... AS ENUM. */
export function createEnum(id: string, e: EnumType): string[] {
  const out = [`CREATE TYPE ${rel(id)} AS ENUM (${e.values.map((v) => quoteLiteral(v)).join(', ')})`];
  if (e.comment !== undefined) out.push(commentOn('TYPE', rel(id), e.comment));
  out.push(...createOwner(`TYPE ${rel(id)}`, e.owner));
  out.push(...createGrants(`TYPE ${rel(id)}`, 'type', e.grants));
  return out;
}

/** createComposite writes CREATE TYPE ... AS (...). */
export function createComposite(id: string, c: CompositeType, ty: TypeNamer): string[] {
  const attrs = c.attributes.map(
    (a) => `${quoteIdent(a.name)} ${ty(a.type)}${a.collation ? ` COLLATE ${dottedName(a.collation)}` : ''}`,
  );
  const out = [`CREATE TYPE ${rel(id)} AS (${attrs.join(', ')})`];
  if (c.comment !== undefined) out.push(commentOn('TYPE', rel(id), c.comment));
  for (const a of c.attributes.filter((x) => x.comment !== undefined))
    out.push(commentOn('COLUMN', `${rel(id)}.${quoteIdent(a.name)}`, a.comment));
  return [...out, ...createOwner(`TYPE ${rel(id)}`, c.owner), ...createGrants(`TYPE ${rel(id)}`, 'type', c.grants)];
}

/** createSequence writes CREATE SEQUENCE (ownership is set separately, once the table exists). */
export function createSequence(id: string, s: Sequence): string[] {
  const o = seqOptions(s.options);
  const out = [`CREATE ${s.unlogged ? 'UNLOGGED ' : ''}SEQUENCE ${rel(id)}${o.length ? ' ' + o.join(' ') : ''}`];
  if (s.comment !== undefined) out.push(commentOn('SEQUENCE', rel(id), s.comment));
  if (!s.ownedBy) out.push(...createOwner(`SEQUENCE ${rel(id)}`, s.owner));
  out.push(...createGrants(`SEQUENCE ${rel(id)}`, 'sequence', s.grants));
  return out;
}

/** createExtension writes CREATE EXTENSION. */
export function createExtension(e: Extension): string[] {
  let s = `CREATE EXTENSION ${quoteIdent(e.name)}`;
  if (e.schema) s += ` SCHEMA ${quoteIdent(e.schema)}`;
  if (e.version) s += ` VERSION ${quoteLiteral(e.version)}`;
  const out = [s];
  if (e.comment !== undefined) out.push(commentOn('EXTENSION', quoteIdent(e.name), e.comment));
  return out;
}
