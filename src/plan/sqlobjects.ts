/**
 * Steps for definition objects (src/model/objects.ts) and the guard for unmanaged ones. One code path for every
 * kind: CREATE is the object's own definition text, DROP is `DROP <KIND> <name>`, a changed definition is DROP then
 * CREATE (none of these kinds holds data). Early kinds (types, collations, operators, foreign servers...) are created
 * before tables and dropped after them; the others (rules, publications, statistics, event triggers...) are created
 * last and dropped first. An unchanged object that mentions a relation, function or type this plan drops or rebuilds
 * is dropped before and created again after it, because PostgreSQL would take it away with its dependency.
 */
import type { Change } from '../model/changes.js';
import type { Schema } from '../model/types.js';
import { parseQid } from '../model/ids.js';
import { EARLY_KINDS, SQL_OBJECT_KINDS, type SqlObject } from '../model/objects.js';
import { negative } from '../errors.js';
import { identifiersOf } from '../diff/sqltext.js';
import { splitStatements } from '../sql/split.js';
import {
  aclChangeSql,
  aclOfStatements,
  aclResetObjectSql,
  aclResetSql,
  createGrants,
  type AclTarget,
} from '../sql/grants.js';
import {
  columnsOf,
  droppedRoutineNames,
  elementType,
  emit,
  funcNeedsDrop,
  PHASE,
  textKeys,
  typeDropKey,
  type PlanContext,
} from './context.js';
import { alterInPlace, type InPlace } from './inplace.js';

/** OBJECT_PHASE holds the phases of definition-object steps (between the fixed phases of src/plan/context.ts). */
const OBJECT_PHASE = {
  firstCreate: PHASE.namespace + 0.5,
  earlyCreate: PHASE.domain + 0.5,
  aggregateCreate: PHASE.func + 0.5,
  foreignTableCreate: PHASE.createTable + 0.2,
  lateCreate: PHASE.trigger + 0.5,
  lateDrop: PHASE.dropTrigger - 0.5,
  foreignTableDrop: PHASE.dropTable + 0.5,
  aggregateDrop: PHASE.dropFunc - 0.5,
  earlyDrop: PHASE.dropEnum + 0.5,
  // an event trigger fires on the plan's own DDL (ddl_command_start...): dropped before anything, created after all
  eventTriggerDrop: PHASE.rename - 1,
  eventTriggerCreate: PHASE.dropNamespace + 10,
} as const;

/** statementsOf splits an object's definition text into statements. */
export function statementsOf(sql: string): string[] {
  return splitStatements(sql).map((s) => s.sql);
}

/** dropSqlOf is the DROP statement of a definition object. */
export function dropSqlOf(o: SqlObject): string {
  return `DROP ${SQL_OBJECT_KINDS[o.type]} ${o.name}`;
}

/** FIRST_KINDS need nothing but schemas (and each other), and types and domains may use them: created before types. */
const FIRST_KINDS: ReadonlySet<SqlObject['type']> = new Set<SqlObject['type']>([
  'collation',
  'text search dictionary',
  'text search configuration',
  'text search parser',
  'text search template',
  'language',
  'foreign data wrapper',
  'server',
  'user mapping',
]);

function createPhase(o: SqlObject): number {
  if (o.type === 'event trigger') return OBJECT_PHASE.eventTriggerCreate;
  if (FIRST_KINDS.has(o.type)) return OBJECT_PHASE.firstCreate;
  if (o.type === 'aggregate') return OBJECT_PHASE.aggregateCreate;
  if (o.type === 'foreign table') return OBJECT_PHASE.foreignTableCreate;
  // a class goes into its family (often of the same name, so names alone cannot order them): after it is made
  if (o.type === 'operator class') return OBJECT_PHASE.earlyCreate + 0.1;
  return EARLY_KINDS.has(o.type) ? OBJECT_PHASE.earlyCreate : OBJECT_PHASE.lateCreate;
}

function dropPhase(o: SqlObject): number {
  if (o.type === 'event trigger') return OBJECT_PHASE.eventTriggerDrop;
  if (o.type === 'aggregate') return OBJECT_PHASE.aggregateDrop;
  if (o.type === 'foreign table') return OBJECT_PHASE.foreignTableDrop;
  // before the functions they call (PostgreSQL refuses to drop a function an operator or a class uses); a class
  // before its family, which would take it along
  if (o.type === 'operator class') return PHASE.dropFunc - 0.7;
  if (o.type === 'operator family') return PHASE.dropFunc - 0.65;
  if (o.type === 'operator') return PHASE.dropFunc - 0.45;
  return EARLY_KINDS.has(o.type) ? OBJECT_PHASE.earlyDrop : OBJECT_PHASE.lateDrop;
}

/** ownNames are the lower-cased bare names an object is known by (the first identifier of its name). */
function ownNames(o: SqlObject): string[] {
  const first = [...identifiersOf(o.name.replace(/^\(|^FOR\s+/i, ''))];
  if (o.type === 'rule' || o.type === 'user mapping' || o.type === 'cast') return [];
  return first.length ? [first[o.name.includes('.') && first.length > 1 ? 1 : 0]!] : [];
}

function provided(o: SqlObject): string[] {
  const names = ownNames(o);
  const out = names.map((n) => `obj:${n}`);
  if (o.type === 'aggregate') out.push(...names.map((n) => `fn:${n}`));
  if (o.type === 'foreign table') out.push(...names.map((n) => `rel:${n}`));
  if (o.type === 'range type') {
    out.push(...names.map((n) => `type:${n}`));
    const multi = /multirange_type_name\s*=\s*("?[\w.$"]+)/i.exec(o.sql);
    // the multirange's own name only: its schema provided as a type made a cycle with a class of that schema the
    // range names as SUBTYPE_OPCLASS, and the range was created first (pg_dump's op_class_custom)
    const multiName = multi ? [...identifiersOf(multi[1]!)].pop() : undefined;
    if (multiName) out.push(`type:${multiName}`);
  }
  return out;
}

function required(o: SqlObject): string[] {
  // not its own names: an operator class and the family it made share one, and requiring each other they formed a
  // cycle, which the sort broke by phase, so a range type naming the class could come before both (the class
  // follows its family by phase alone)
  const own = new Set(ownNames(o));
  const ids = [...identifiersOf(o.sql)].filter((n) => !own.has(n));
  return [...textKeys(o.sql), ...ids.map((n) => `obj:${n}`)];
}

function create(ctx: PlanContext, id: string, o: SqlObject, why = 'create', afterDrop = false): void {
  emit(ctx, {
    phase: createPhase(o),
    what: `${why} ${id}`,
    object: id,
    sql: statementsOf(o.sql),
    reverse: [dropSqlOf(o)],
    provides: [...provided(o), `objcreate:${id}`],
    // recreated: after its own drop, whatever the phases say; a range type after the drop of a type of another kind
    // (enum, composite, domain) of its name
    requires: [
      ...(afterDrop ? [...required(o), ...ownNames(o).map((n) => `objdrop:${n}`), `objdrop:${id}`] : required(o)),
      ...typeDropKeys(o),
    ],
  });
}

/** familyOwn: `n` is the own name of an operator family, which its classes (often named alike) must be dropped before. */
function familyOwn(o: SqlObject, n: string): boolean {
  return o.type === 'operator family' && ownNames(o).includes(n);
}

function drop(ctx: PlanContext, id: string, o: SqlObject, why = 'drop', recreated = false): void {
  emit(ctx, {
    // an operator dropped to be created again goes once what uses it is dropped for the rebuild (views, checks,
    // defaults, indexes, policies, tables), not after the routines: its re-creation (early, before the tables' parts
    // are added back) must follow it; so does an aggregate, before a function it calls is dropped to be made again
    // under new parameter names (whose new version is made early, at PHASE.func)
    phase: recreated && (o.type === 'operator' || o.type === 'aggregate') ? PHASE.dropTable + 0.5 : dropPhase(o),
    what: `${why} ${id}`,
    object: id,
    sql: [dropSqlOf(o)],
    reverse: statementsOf(o.sql),
    provides: [
      ...[...identifiersOf(o.sql)].filter((n) => !familyOwn(o, n)).map((n) => `objdrop:${n}`),
      `objdrop:${id}`,
      ...typeDropKeys(o),
    ],
    requires: ownNames(o).map((n) => `objdrop:${n}`),
  });
}

/** typeDropKeys: the `typedrop:` keys of a range type (its name freed for a type of another kind), none for the rest. */
function typeDropKeys(o: SqlObject): string[] {
  return o.type === 'range type' ? [typeDropKey(o.name)] : [];
}

/** planSqlObjects drafts the steps of definition-object changes; a changed unmanaged object is a loud error. */
export function planSqlObjects(ctx: PlanContext, all: readonly Change[]): void {
  // a baseline (from nothing) adopts the unmanaged objects a database already holds: it records them, never makes them
  const baseline = isEmpty(ctx.from);
  const changedUnmanaged = all.filter((c) => c.kind === 'unmanaged' && !(baseline && c.op === 'add'));
  if (changedUnmanaged.length) {
    const names = changedUnmanaged.map(
      (c) => `${c.op === 'alter' ? 'changed' : c.op === 'add' ? 'added' : 'removed'}: ${c.id}`,
    );
    throw negative(
      'not-supported',
      `schemaver cannot plan a change to an object it does not model:\n  ${names.join('\n  ')}`,
      'make this change outside schemaver (a deploy script), or exclude the object (`--exclude KIND:PATTERN`, or `exclude:` in schemaver.yaml)',
      { unmanaged: changedUnmanaged.map((c) => c.id) },
    );
  }
  const touched = new Set<string>();
  for (const c of all) {
    if (c.kind !== 'sql_object') continue;
    touched.add(c.id);
    if (c.op === 'add') create(ctx, c.id, c.def);
    else if (c.op === 'drop') drop(ctx, c.id, c.def);
    else if (c.op === 'alter' && !planInPlace(ctx, c.id, c.from, c.to)) {
      refuseRangeInUse(ctx, c.id, c.from);
      drop(ctx, c.id, c.from, 'drop (to recreate)', true);
      create(ctx, c.id, c.to, 'recreate', true);
    }
  }
  rebuildDependents(ctx, touched);
}

/**
 * refuseRangeInUse refuses to drop and re-create range type `o` (its subtype, or another option ALTER TYPE cannot
 * change, differs) while a table column, a domain or a composite type is of it or of its multirange: PostgreSQL
 * refuses the DROP TYPE, and converting the stored ranges to the new type is the user's call, not a plan's.
 */
function refuseRangeInUse(ctx: PlanContext, id: string, o: SqlObject): void {
  if (o.type !== 'range type') return;
  const multi = /multirange_type_name\s*=\s*((?:"(?:[^"]|"")*"|[\w$]+)(?:\.(?:"(?:[^"]|"")*"|[\w$]+))?)/i.exec(
    o.sql,
  )?.[1];
  const names = new Set([o.name, ...(multi ? [multi] : [])].map((n) => n.replace(/^public\./, '')));
  const named = (type: string) => names.has(type.replace(/^public\./, ''));
  const isOf = (type: string) => named(elementType(type));
  const users = columnsOf(ctx.from, named, { arrays: true }).map((c) => `column ${c.table}.${c.column.name}`);
  for (const [did, d] of Object.entries(ctx.from.domains)) if (isOf(d.type)) users.push(`domain ${did}`);
  for (const [cid, ct] of Object.entries(ctx.from.composites))
    for (const at of ct.attributes) if (isOf(at.type)) users.push(`composite type ${cid}.${at.name}`);
  if (!users.length) return;
  throw negative(
    'not-supported',
    `not supported: ${id} changes in a way ALTER TYPE cannot make (it would be dropped and created again) while ${users.join(', ')} ${users.length > 1 ? 'are' : 'is'} of it`,
    'create the new range type under another name, move the columns to it (ALTER TABLE ... ALTER COLUMN ... TYPE new_range USING col::text::new_range) and drop the old type in a later commit',
    { object: id, usedBy: users },
  );
}

/** splitAcl splits an object's text into its definition statements and the GRANT/REVOKE statements that follow them. */
export function splitAcl(o: SqlObject): { body: string[]; acl: string[] } {
  const stmts = statementsOf(o.sql);
  let i = stmts.length;
  while (i > 0 && /^(GRANT|REVOKE)\s/i.test(stmts[i - 1]!)) i--;
  return { body: stmts.slice(0, i), acl: stmts.slice(i) };
}

/** commentPrefix is the head of the COMMENT ON statement introspection appends to an object's text (addObject). */
function commentPrefix(o: SqlObject): string {
  return `COMMENT ON ${SQL_OBJECT_KINDS[o.type]} ${o.name} IS `;
}

/** splitComment splits an object's definition statements into those that make it and its own trailing COMMENT ON. */
function splitComment(o: SqlObject, body: readonly string[]): { make: string[]; comment: string | undefined } {
  const last = body[body.length - 1];
  return last !== undefined && body.length > 1 && last.startsWith(commentPrefix(o))
    ? { make: body.slice(0, -1), comment: last }
    : { make: [...body], comment: undefined };
}

/**
 * planInPlace drafts a change of a definition object's comment and GRANTs (and what ./inplace.ts changes in place)
 * as COMMENT ON, GRANT/REVOKE and ALTER steps: the object is not dropped, which PostgreSQL refuses for one in use (a
 * collation a column uses, a range type a table uses, a server a foreign table uses) and which would lose what hangs
 * on it. False when more changed, or its ACL text is not createGrants' (see aclOfStatements): then it is dropped and
 * created again.
 */
function planInPlace(ctx: PlanContext, id: string, a: SqlObject, b: SqlObject): boolean {
  const x = splitAcl(a);
  const y = splitAcl(b);
  const cx = splitComment(a, x.body);
  const cy = splitComment(b, y.body);
  const alter = inPlaceAlter(a, b);
  if (!alter) return false;
  if (x.acl.join(';\n') !== y.acl.join(';\n') && !planAclChange(ctx, id, b, x.acl, y.acl)) return false;
  if (alter.up.length)
    emit(ctx, {
      phase: createPhase(b),
      what: `alter ${id}`,
      object: id,
      sql: alter.up,
      reverse: alter.down,
      // what the changed text names (a dictionary a mapping now uses) is made first
      requires: required(b),
    });
  if (cx.comment !== cy.comment) {
    const none = `${commentPrefix(a)}NULL`;
    emit(ctx, {
      phase: PHASE.comment,
      what: `comment on ${id}`,
      object: id,
      sql: [cy.comment ?? none],
      reverse: [cx.comment ?? none],
    });
  }
  return true;
}

/** inPlaceAlter: the ALTER statements (up and down) that change a definition object's text in place, none to change. */
function inPlaceAlter(a: SqlObject, b: SqlObject): InPlace | undefined {
  const cx = splitComment(a, splitAcl(a).body);
  const cy = splitComment(b, splitAcl(b).body);
  return cx.make.join(';\n') === cy.make.join(';\n') ? { up: [], down: [] } : alterInPlace(a, b, cx.make, cy.make);
}

/**
 * objectRecreated tells whether a changed definition object is dropped and created again (planInPlace cannot change
 * it in place): a view over it must then be dropped before and created after.
 */
export function objectRecreated(a: SqlObject, b: SqlObject): boolean {
  if (!inPlaceAlter(a, b)) return true;
  const x = splitAcl(a).acl;
  const y = splitAcl(b).acl;
  return x.join(';\n') !== y.join(';\n') && (!aclOfStatements(x) || !aclOfStatements(y));
}

/**
 * recreatedObjects lists the definition objects a plan drops and creates again that a view, check, default, index or
 * policy may use: each changed one planInPlace cannot alter, and each unchanged operator or aggregate over a routine
 * the plan drops or re-creates (rebuildDependents drops and creates it around that routine).
 */
export function recreatedObjects(ctx: PlanContext, all: readonly Change[]): { id: string; def: SqlObject }[] {
  const out: { id: string; def: SqlObject }[] = [];
  for (const c of all)
    if (c.kind === 'sql_object' && c.op === 'alter' && objectRecreated(c.from, c.to)) out.push({ id: c.id, def: c.to });
  const fns = droppedRoutineNames(all);
  const after = ctx.to.objects ?? {};
  for (const [id, o] of Object.entries(ctx.from.objects ?? {}))
    if (
      (o.type === 'operator' || o.type === 'aggregate') &&
      after[id] &&
      o.sql === after[id].sql &&
      [...identifiersOf(o.sql)].some((n) => fns.has(n))
    )
      out.push({ id, def: after[id] });
  return out;
}

/** OP_CHARS are the characters an operator's name is made of. */
const OP_CHARS = '+\\-*/<>=~!@#%^&|`?';

/**
 * objectReadBy tells whether a query (a view's) may use definition object `o`: an operator by its symbol standing
 * alone among operator characters (`a === b`, `OPERATOR(s.===)`), anything else by its own name. A false yes only
 * rebuilds a view that did not need it.
 */
export function objectReadBy(o: SqlObject, query: string): boolean {
  if (o.type === 'operator') {
    const sym = /^(?:(?:"(?:[^"]|"")*"|[^".\s(]+)\.)?(\S+) \(/.exec(o.name)?.[1];
    if (!sym) return false;
    const esc = sym.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![${OP_CHARS}])${esc}(?![${OP_CHARS}])`).test(query);
  }
  const names = ownNames(o);
  return names.length > 0 && names.some((n) => identifiersOf(query).has(n));
}

/**
 * planAclChange drafts a change of a definition object's GRANTs (ACL statements `fromAcl` to `toAcl`) as one
 * GRANT/REVOKE step, as planGrants does for the model's objects: the object (a range type a column uses, a foreign
 * table) is not dropped. False when its ACL text is not createGrants' (see aclOfStatements).
 */
function planAclChange(
  ctx: PlanContext,
  id: string,
  b: SqlObject,
  fromAcl: readonly string[],
  toAcl: readonly string[],
): boolean {
  const from = aclOfStatements(fromAcl);
  const to = aclOfStatements(toAcl);
  if (!from || !to) return false;
  const change = (p: readonly AclTarget[], q: readonly AclTarget[]): string[] => {
    const key = (t: AclTarget) => `${t.target}\0${t.column ?? ''}`;
    const targets = new Map([...p, ...q].map((t) => [key(t), t]));
    const sql: string[] = [];
    // columns first: a table-level REVOKE takes the privilege off every column, whose grants are then given back
    const order = [...targets.values()].sort((s, t) => Number(s.column === undefined) - Number(t.column === undefined));
    for (const t of order) {
      const g = (l: readonly AclTarget[]) => l.find((u) => key(u) === key(t))?.grants;
      sql.push(...aclChangeSql(t.target, t.cls, g(p), g(q), t.column));
      if (g(p) !== undefined && g(q) === undefined) sql.push(...aclResetOf(t, b));
    }
    const revoked = sql.some((s) => /^REVOKE /.test(s) && !/ \(/.test(s.split(' ON ')[0]!));
    if (revoked)
      for (const t of q) if (t.column !== undefined) sql.push(...createGrants(t.target, 'column', t.grants, t.column));
    return sql;
  };
  emit(ctx, {
    phase: PHASE.comment + 0.5,
    what: `change privileges on ${id}`,
    object: id,
    sql: change(from, to),
    reverse: change(to, from),
  });
  return true;
}

/**
 * aclResetOf: the statement that sets an ACL back to NULL once its grants are PostgreSQL's default again (see
 * aclResetSql), for the ACLs a catalog compare reads as text: a foreign table's and its columns', a range type's,
 * an aggregate's.
 */
function aclResetOf(t: AclTarget, o: SqlObject): string[] {
  if (o.type === 'foreign table') return [aclResetSql(o.name, t.column)];
  // an aggregate's name is `name(identity args)`, `*` for none: the parenthesis is the first one outside quotes
  const paren = o.type === 'aggregate' ? /^(?:"(?:[^"]|"")*"|[^"(])*\(/.exec(o.name) : null;
  const q = o.type === 'range type' ? parseQid(o.name) : paren ? parseQid(paren[0].slice(0, -1)) : undefined;
  if (!q) return [];
  if (o.type === 'range type') return [aclResetObjectSql('type', q.schema, q.name)];
  const args = o.name.slice(paren![0].length, -1);
  return [aclResetObjectSql('function', q.schema, q.name, args === '*' ? '' : args)];
}

/** isEmpty tells whether a schema holds no objects at all (the source of a root edge). */
function isEmpty(s: Schema): boolean {
  for (const [k, v] of Object.entries(s)) if (k !== 'kind' && v && Object.keys(v).length) return false;
  return true;
}

const DROPS =
  /\b(?:DROP\s+(?:MATERIALIZED\s+VIEW|VIEW|TABLE|FOREIGN\s+TABLE|FUNCTION|PROCEDURE|TYPE|DOMAIN|SERVER|FOREIGN\s+DATA\s+WRAPPER)\s+(?:IF\s+EXISTS\s+)?|ALTER\s+TABLE\s+(?:ONLY\s+)?)((?:"(?:[^"]|"")+"|[\w$]+)(?:\.(?:"(?:[^"]|"")+"|[\w$]+))?)/gi;

/** rebuiltNames lists the bare names of relations, routines, types, servers and wrappers this plan drops or alters in structure. */
function rebuiltNames(ctx: PlanContext): Set<string> {
  const out = new Set<string>();
  for (const d of ctx.drafts) {
    for (const s of d.step.sql) {
      DROPS.lastIndex = 0;
      for (const m of s.matchAll(DROPS)) {
        if (/^ALTER/i.test(m[0]) && !/\b(DROP\s+COLUMN|ALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE)\b/i.test(s))
          continue;
        const ids = [...identifiersOf(m[1]!)];
        const last = ids[ids.length - 1];
        if (last) out.add(last);
      }
    }
  }
  return out;
}

/** rebuildDependents drops and re-creates unchanged objects that mention something the plan drops or rebuilds. */
function rebuildDependents(ctx: PlanContext, touched: ReadonlySet<string>): void {
  const before = ctx.from.objects ?? {};
  const after = ctx.to.objects ?? {};
  if (!Object.keys(before).length) return;
  const names = rebuiltNames(ctx);
  if (!names.size) return;
  for (const [id, o] of Object.entries(before)) {
    if (touched.has(id) || !after[id] || o.type === 'event trigger') continue;
    if (![...identifiersOf(o.sql)].some((n) => names.has(n) && !ownNames(o).includes(n))) continue;
    drop(ctx, id, o, 'drop (rebuilt around a dependency)', true);
    create(ctx, id, after[id]!, 'recreate', true);
  }
}

/**
 * recreatedRoutines: the names (lower-cased) of the functions `all` drops and creates again (a changed signature or
 * result, a changed parameter name: the old one is dropped and the new one added) and the operators it does, which
 * whatever calls them (an SQL-standard body, a generated column, a trigger, a check, an index) must follow.
 */
export function recreatedRoutines(
  ctx: PlanContext,
  all: readonly Change[],
): { readonly fns: Set<string>; readonly ops: SqlObject[] } {
  const fns = new Set<string>();
  for (const c of all) {
    if (c.kind !== 'function') continue;
    if (c.op === 'alter' && funcNeedsDrop(c.from, c.to)) fns.add(c.to.name.toLowerCase());
    if (c.op === 'drop' && Object.values(ctx.to.functions).some((f) => f.name === c.def.name))
      fns.add(c.def.name.toLowerCase());
  }
  const ops = recreatedObjects(ctx, all)
    .map((o) => o.def)
    .filter((o) => o.type === 'operator');
  return { fns, ops };
}
