/**
 * References and names a table or sequence points at: columns of keys, indexes and triggers, foreign key targets,
 * trigger functions, partition and inheritance parents, `owned_by`, and types in undeclared schemas; each with a
 * did-you-mean hint where a close name exists.
 */
import { typeSchema } from '../canon/types.js';
import { keyCopyName } from '../canon/names.js';
import { qid } from '../model/ids.js';
import type { Trigger } from '../model/types.js';
import type { Ctx, Node } from './node.js';
import type { DraftSequence } from './objects.js';
import type { Draft, DraftFk, DraftTable } from './drafts.js';
import type { Collected } from './build.js';

/** checkType reports a type in a schema that is declared nowhere. */
export function checkType(ctx: Ctx, declared: ReadonlySet<string>, type: string, at: Node | undefined): void {
  const s = typeSchema(type);
  if (s !== undefined && !declared.has(s))
    ctx.error(
      'missing-reference',
      at,
      `type \`${type}\` is in schema \`${s}\`, which is declared nowhere`,
      `declare the schema (\`schemas: [${s}]\`) and the type, or fix the spelling`,
    );
}

/** checkTable checks a table's references and the columns its keys, indexes, triggers and foreign keys name. */
export function checkTable(ctx: Ctx, c: Collected, t: DraftTable, declared: ReadonlySet<string>): void {
  const cols = new Set(t.columns.map((x) => x.name));
  const needCols = (list: readonly string[] | undefined, at: Node, what: string): void => {
    for (const col of list ?? []) {
      if (!cols.has(col) && !t.rest.partitionOf && !t.rest.inherits) {
        ctx.error(
          'missing-column',
          at,
          `${what} names column \`${col}\`, which table \`${t.id}\` does not have`,
          hint(col, [...cols]),
        );
      }
    }
  };
  for (const col of t.columns) checkType(ctx, declared, col.type, t.typeAt.get(col.name));
  for (const extra of t.extraPrimaryKeys)
    ctx.error(
      'duplicate-primary-key',
      extra,
      `table \`${t.id}\` has more than one primary key`,
      'a table has one primary key; for a composite key write `primary_key: [a, b]` on the table',
      t.primaryKey?.at,
    );
  if (t.primaryKey) {
    needCols(t.primaryKey.columns, t.primaryKey.at, 'the primary key');
    needCols(t.primaryKey.include, t.primaryKey.at, 'the primary key');
    dupCols(ctx, t.primaryKey.columns, t.primaryKey.at, 'the primary key');
  }
  for (const u of t.uniques) {
    needCols(u.columns, u.at, 'a unique constraint');
    needCols(u.include, u.at, 'a unique constraint');
    dupCols(ctx, u.columns, u.at, 'a unique constraint');
  }
  for (const x of t.exclusions)
    needCols(
      [...x.elements.flatMap((e) => (e.column ? [e.column] : [])), ...(x.include ?? [])],
      x.at,
      'an exclusion constraint',
    );
  for (const i of t.indexes)
    needCols([...i.elements.flatMap((e) => (e.column ? [e.column] : [])), ...(i.include ?? [])], i.at, 'an index');
  for (const tr of t.triggers) needCols(tr.updateOf, tr.at, `trigger \`${tr.name}\``);
  for (const i of t.indexes)
    if (i.local && !t.rest.partitionOf)
      ctx.error(
        'invalid-value',
        i.at,
        `index \`${i.name ?? ''}\` of \`${t.id}\` is marked \`local\`, but \`${t.id}\` is no partition`,
        "remove `local: true`: it marks a partition's index of a parent index's definition that is not attached to it",
      );
  for (const fk of t.foreignKeys) {
    needCols(fk.columns, fk.at, 'a foreign key');
    resolveFk(ctx, c, t, fk);
  }
  if (t.rest.partitionOf && !c.tables.has(t.rest.partitionOf.parent)) {
    ctx.error(
      'missing-reference',
      t.partitionParentAt,
      `table \`${t.id}\` is a partition of \`${t.rest.partitionOf.parent}\`, which is not declared`,
      hint(t.rest.partitionOf.parent, [...c.tables.keys()]),
    );
  }
  for (const p of t.rest.inherits ?? []) {
    if (!c.tables.has(p))
      ctx.error(
        'missing-reference',
        t.inheritsAt,
        `table \`${t.id}\` inherits \`${p}\`, which is not declared`,
        hint(p, [...c.tables.keys()]),
      );
  }
  for (const col of t.columns) if (col.inherited) checkInherited(ctx, c, t, col.name);
  for (const name of t.rest.inheritedNotValid ?? []) checkInheritedNotValid(ctx, c, t, name);
  for (const tr of t.triggers) checkTriggerFunction(ctx, c, tr);
  if (t.primaryKey) {
    const pk = new Set(t.primaryKey.columns);
    for (const col of t.columns) if (pk.has(col.name)) col.nullable = false;
  }
}

/** checkInherited refuses `inherited: true` on a column that no table `t` inherits (INHERITS, at any depth) has. */
function checkInherited(ctx: Ctx, c: Collected, t: DraftTable, name: string): void {
  const seen = new Set<string>();
  const has = (id: string): boolean =>
    (c.tables.get(id)?.rest.inherits ?? []).some((p) => {
      if (seen.has(p)) return false;
      seen.add(p);
      return !!c.tables.get(p)?.columns.some((x) => x.name === name) || has(p);
    });
  if (!has(t.id))
    ctx.error(
      'invalid-value',
      t.typeAt.get(name) ?? t.at,
      t.rest.inherits?.length
        ? `column \`${name}\` of \`${t.id}\` is marked \`inherited\`, but no table it inherits has it`
        : `column \`${name}\` of \`${t.id}\` is marked \`inherited\`, but \`${t.id}\` inherits no table`,
      "remove `inherited: true` to make it the table's own column, or add the parent to `inherits:`",
    );
}

/**
 * checkInheritedNotValid refuses `inherited_not_valid: [name]` on table `t` unless it inherits a NOT VALID check
 * `name`: its parent has that check NOT VALID, or a NOT VALID copy of it (PostgreSQL keeps no NOT VALID copy under a
 * validated one: VALIDATE validates the copies below, ATTACH refuses it).
 */
function checkInheritedNotValid(ctx: Ctx, c: Collected, t: DraftTable, name: string): void {
  const parentOf = (x: DraftTable): DraftTable | undefined => {
    const p = x.rest.partitionOf?.parent ?? x.rest.inherits?.find((id) => c.tables.has(id));
    return p === undefined ? undefined : c.tables.get(p);
  };
  const seen = new Set<string>([t.id]);
  let p = parentOf(t);
  while (p && !seen.has(p.id)) {
    seen.add(p.id);
    const own = p.checks.find((x) => x.name === name);
    if (own?.notValid && !own.notEnforced) return;
    if (own || !p.rest.inheritedNotValid?.includes(name)) break;
    p = parentOf(p);
  }
  ctx.error(
    'invalid-value',
    t.at,
    `\`inherited_not_valid\` of \`${t.id}\` names check \`${name}\`, which its parent has not as a NOT VALID check`,
    "list only a parent's NOT VALID check (`not_valid: true` on the parent, or in the parent's own `inherited_not_valid`)",
  );
}

/**
 * checkKeyNames checks `key_names` of partition `t` (after default names are given): each names a primary key or
 * unique constraint of its parent; an entry giving PostgreSQL's own name for the copy is dropped (the model keeps
 * default names implicit, as the catalog reader does).
 */
export function checkKeyNames(ctx: Ctx, c: Collected, t: DraftTable): void {
  const names = t.rest.keyNames;
  if (!names) return;
  const parent = t.rest.partitionOf ? c.tables.get(t.rest.partitionOf.parent) : undefined;
  if (!t.rest.partitionOf) {
    ctx.error(
      'invalid-value',
      t.keyNamesAt,
      `\`key_names\` of \`${t.id}\` names copies of a parent's keys, but \`${t.id}\` is no partition`,
      'remove `key_names`, or add `partition_of:`',
    );
    return;
  }
  if (!parent) return; // reported with partition_of
  const keys = [...(parent.primaryKey ? [parent.primaryKey] : []), ...parent.uniques];
  const out: Record<string, string> = {};
  for (const [k, own] of Object.entries(names)) {
    const key = keys.find((x) => x.name === k);
    if (!key) {
      ctx.error(
        'missing-reference',
        t.keyNamesAt,
        `\`key_names\` of \`${t.id}\` names \`${k}\`, which is no primary key or unique constraint of \`${parent.id}\``,
        hint(
          k,
          keys.map((x) => x.name!),
        ),
      );
      continue;
    }
    const kind = key === parent.primaryKey ? 'primary_key' : 'unique';
    if (own !== keyCopyName(t.name, { kind, columns: key.columns ?? [], include: key.include })) out[k] = own;
  }
  t.rest = { ...t.rest, keyNames: Object.keys(out).length ? out : undefined };
  if (!t.rest.keyNames) delete t.rest.keyNames;
}

/** resolveOwnedBy resolves a sequence's `owned_by` to a declared table and column. */
export function resolveOwnedBy(ctx: Ctx, c: Collected, s: DraftSequence): void {
  if (!s.ownedParts) return;
  const p = s.ownedParts;
  const table = p.length === 2 ? qid('public', p[0]!) : qid(p[0]!, p[1]!);
  const column = p[p.length - 1]!;
  const t = c.tables.get(table);
  if (!t)
    ctx.error(
      'missing-reference',
      s.ownedAt,
      `sequence \`${qid(s.schema, s.name)}\` is owned by table \`${table}\`, which is not declared`,
      hint(table, [...c.tables.keys()]),
    );
  else if (!t.columns.some((x) => x.name === column))
    ctx.error(
      'missing-column',
      s.ownedAt,
      `sequence \`${qid(s.schema, s.name)}\` is owned by \`${table}.${column}\`, but the table has no such column`,
    );
  else s.ownedBy = { table, column };
}

/** dupCols reports a column listed twice. */
function dupCols(ctx: Ctx, cols: readonly string[], at: Node, what: string): void {
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c)) ctx.error('duplicate-column', at, `${what} lists column \`${c}\` twice`);
    seen.add(c);
  }
}

/** hint suggests the closest existing name. */
function hint(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = lev(name, c);
    if (d < bestD) ((best = c), (bestD = d));
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3))
    ? `did you mean \`${best}\`?`
    : undefined;
}

/** lev is the Levenshtein distance of two names (99 when their lengths differ by more than 5). */
function lev(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 5) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

const BUILTIN_TRIGGER_FUNCTIONS = new Set([
  'tsvector_update_trigger',
  'tsvector_update_trigger_column',
  'suppress_redundant_updates_trigger',
]);

/** checkTriggerFunction reports a trigger calling a function declared nowhere (built-ins and extensions aside). */
export function checkTriggerFunction(ctx: Ctx, c: Collected, tr: Draft<Trigger>): void {
  const fn = tr.function;
  if (fn.startsWith('pg_catalog.') || BUILTIN_TRIGGER_FUNCTIONS.has(fn)) return;
  for (const f of c.functions.values()) if (qid(f.schema, f.name) === fn) return;
  if (c.extensions.size > 0) return; // may come from an extension
  ctx.error(
    'missing-reference',
    tr.at,
    `trigger \`${tr.name}\` calls function \`${fn}\`, which is not declared`,
    hint(
      fn,
      [...c.functions.values()].map((f) => qid(f.schema, f.name)),
    ) ?? 'declare it under `functions:`',
  );
}

/** resolveFk resolves a foreign key's target table and columns (`table.column` forms, the primary key by default). */
function resolveFk(ctx: Ctx, c: Collected, t: DraftTable, fk: DraftFk): void {
  if (fk.refParts) {
    const p = fk.refParts;
    if (p.length === 1) fk.refTable = qid('public', p[0]!);
    else if (p.length === 3) {
      fk.refTable = qid(p[0]!, p[1]!);
      fk.refColumns = [p[2]!];
    } else {
      const asTableCol = qid('public', p[0]!);
      const asTable = qid(p[0]!, p[1]!);
      const tc = c.tables.get(asTableCol);
      if (tc && tc.columns.some((x) => x.name === p[1])) {
        fk.refTable = asTableCol;
        fk.refColumns = [p[1]!];
      } else if (c.tables.has(asTable)) fk.refTable = asTable;
      else {
        fk.refTable = asTableCol;
        fk.refColumns = [p[1]!];
      }
    }
    fk.refParts = undefined;
  }
  const target = fk.refTable === undefined ? undefined : c.tables.get(fk.refTable);
  if (!target) {
    ctx.error(
      'missing-reference',
      fk.refAt,
      `foreign key of table \`${t.id}\` references table \`${fk.refTable}\`, which is not declared`,
      hint(fk.refTable ?? '', [...c.tables.keys()]),
    );
    fk.refColumns = undefined;
    return;
  }
  if (fk.refColumns === undefined) {
    if (!target.primaryKey) {
      ctx.error(
        'missing-primary-key',
        fk.refAt,
        `foreign key of table \`${t.id}\` references \`${fk.refTable}\` without columns, but that table has no primary key`,
        'name the referenced columns',
      );
      return;
    }
    fk.refColumns = [...target.primaryKey.columns];
  }
  const tcols = new Set(target.columns.map((x) => x.name));
  for (const col of fk.refColumns) {
    // a partition's and an inheriting table's columns include ones they do not list (as checkTable's keys do)
    if (!tcols.has(col) && !target.rest.partitionOf && !target.rest.inherits)
      ctx.error(
        'missing-column',
        fk.refAt,
        `foreign key of table \`${t.id}\` references \`${fk.refTable}.${col}\`, which does not exist`,
        hint(col, [...tcols]),
      );
  }
  if (fk.refColumns.length !== fk.columns.length) {
    ctx.error(
      'fk-column-count',
      fk.refAt,
      `foreign key of table \`${t.id}\` has ${fk.columns.length} column(s) but references ${fk.refColumns.length}`,
      'list as many referenced columns as referencing ones',
    );
  }
}

/** NOT_CLUSTERABLE are the built-in and contrib index methods PostgreSQL cannot CLUSTER on (pg_am amclusterable). */
const NOT_CLUSTERABLE = new Set(['hash', 'gin', 'spgist', 'brin', 'bloom']);

/**
 * checkClusterOn reports a `cluster_on` that names no index of its table (its own indexes, its primary key's, a unique
 * constraint's or an exclusion's), or one PostgreSQL refuses to mark: of a partitioned table, a partial index, an
 * index method that cannot cluster. Run after default names are filled in (a key's index is named by then).
 */
export function checkClusterOn(ctx: Ctx, t: DraftTable): void {
  const name = t.rest.clusterOn;
  if (name === undefined) return;
  const at = t.clusterOnAt;
  const what = `\`cluster_on\` of table \`${t.id}\``;
  if (t.rest.partitionBy)
    return ctx.error(
      'invalid-value',
      at,
      `${what}: table \`${t.id}\` is partitioned, and PostgreSQL cannot mark an index of a partitioned table clustered`,
      'put `cluster_on` on its partitions instead',
    );
  const ix = t.indexes.find((i) => i.name === name);
  const excl = t.exclusions.find((x) => x.name === name);
  const using = ix ? (ix.using ?? 'btree') : excl?.using;
  if (using !== undefined && NOT_CLUSTERABLE.has(using))
    return ctx.error(
      'invalid-value',
      at,
      `${what} names index \`${name}\`, a ${using} index: PostgreSQL cannot cluster on that index method`,
      'cluster on a btree or gist index',
      ix?.at ?? excl?.at,
    );
  if (ix?.where !== undefined || excl?.where !== undefined)
    return ctx.error(
      'invalid-value',
      at,
      `${what} names index \`${name}\`, a partial index (with \`where\`): PostgreSQL cannot cluster on it`,
      'cluster on an index without `where`',
      ix?.at ?? excl?.at,
    );
  const keys = [
    ...(t.primaryKey ? [t.primaryKey.name!] : []),
    ...t.uniques.map((u) => u.name!),
    ...t.exclusions.map((x) => x.name!),
  ];
  if (ix || keys.includes(name)) return;
  missingIndex(ctx, t, name, at, what, keys);
}

/** missingIndex reports a table attribute naming an index the table does not have (a partition's own from its parent aside). */
function missingIndex(ctx: Ctx, t: DraftTable, name: string, at: Node | undefined, what: string, keys: string[]): void {
  if (t.rest.partitionOf) return; // the indexes a partition gets from its parent are not declared on it
  const names = [...t.indexes.map((i) => i.name!), ...keys];
  ctx.error(
    'missing-reference',
    at,
    `${what} names index \`${name}\`, which table \`${t.id}\` does not have`,
    hint(name, names) ??
      (names.length
        ? `name one of its indexes: ${names.map((n) => `\`${n}\``).join(', ')}`
        : `table \`${t.id}\` has no index: declare one under its \`indexes:\``),
  );
}

/**
 * checkReplicaIndex reports a `replica_identity: { index }` naming no index of its table, or one PostgreSQL refuses
 * for it: not unique (an exclusion's too), partial, on an expression, deferrable, or over a nullable column.
 */
export function checkReplicaIndex(ctx: Ctx, t: DraftTable): void {
  const name = t.rest.replicaIdentity === 'index' ? t.rest.replicaIdentityIndex : undefined;
  if (name === undefined) return;
  const at = t.replicaIdentityAt;
  const what = `\`replica_identity\` of table \`${t.id}\``;
  const refuse = (why: string, fix: string, related?: Node): void =>
    ctx.error('invalid-value', at, `${what} names index \`${name}\`, ${why}: PostgreSQL cannot use it`, fix, related);
  const ix = t.indexes.find((i) => i.name === name);
  const key = t.primaryKey?.name === name ? t.primaryKey : t.uniques.find((u) => u.name === name);
  const excl = t.exclusions.find((x) => x.name === name);
  let columns: readonly string[] = [];
  if (ix) {
    if (!ix.unique) return refuse('which is not unique', 'use a unique index, or `replica_identity: full`', ix.at);
    if (ix.where !== undefined) return refuse('a partial index', 'use a unique index without `where`', ix.at);
    if (ix.elements.some((e) => e.column === undefined))
      return refuse('an index on an expression', 'use a unique index on columns', ix.at);
    columns = ix.elements.map((e) => e.column!);
  } else if (key) {
    if (key.deferrable) return refuse('a deferrable key', 'use a key that is not deferrable', key.at);
    columns = key.columns;
  } else if (excl) return refuse('an exclusion, which is not unique', 'use a unique index or key', excl.at);
  else
    return missingIndex(ctx, t, name, at, what, [
      ...(t.primaryKey ? [t.primaryKey.name!] : []),
      ...t.uniques.map((u) => u.name!),
    ]);
  const nullable = columns.find((c) => t.columns.find((x) => x.name === c)?.nullable);
  if (nullable !== undefined)
    refuse(`over column \`${nullable}\`, which is nullable`, `declare \`${nullable}\` with \`nullable: false\``);
}
