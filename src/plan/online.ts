/**
 * Online-safe plans: the same migration as planMigration, rewritten so that no step holds a lock that blocks writes
 * for longer than a catalog update while live traffic runs (the squawk linter's rules):
 *
 * - indexes are created and dropped CONCURRENTLY, outside any transaction; a create first drops what a failed run
 *   may have left under its name (an INVALID index: the index does not exist in the source snapshot);
 * - foreign keys and checks are added NOT VALID, then validated in a step of their own (SHARE UPDATE EXCLUSIVE);
 * - SET NOT NULL goes through a validated CHECK (c IS NOT NULL), so PostgreSQL skips its scan, then the check goes;
 * - a UNIQUE or PRIMARY KEY constraint gets its index built CONCURRENTLY under the constraint's name, then becomes
 *   the constraint with ADD CONSTRAINT ... USING INDEX (a catalog update; a primary key's columns are NOT NULL by
 *   then, through the validated check above, so PostgreSQL does not scan for NULLs under its lock);
 * - a column type change that rewrites the table (int -> bigint) is left as it is, flagged `changing-column-type`:
 *   the online form of it is expand/contract over several deploys with the application in between (see
 *   keyRewrites and the README), which one migration cannot do for the application.
 * - a column with a volatile default (a volatile built-in, or a function of the schema not declared stable or
 *   immutable) is added without it, the default set for new rows, and existing rows filled in batches that each
 *   commit (a DO block outside a transaction), then made NOT NULL as above; an identity column the same way from a
 *   sequence of its own, then made the identity (identityRewrite);
 * - a partition's own indexes are built and dropped CONCURRENTLY, and DETACH PARTITION runs CONCURRENTLY
 *   (detachRewrites);
 * - a partitioned table's new index is made ON ONLY the table (invalid, no scan), then each partition's is built
 *   CONCURRENTLY (or its own matching one taken) and attached, which makes the parent's valid (partitionedIndex).
 *
 * Each step of an online script runs in a transaction of its own (deploy/online.ts records each one), so the
 * rendered script starts with ONLINE_MARKER and numbers its steps. Tables created by the same plan are left alone:
 * nothing reads or writes them yet.
 */
import type { Plan, Step } from '../model/plan.js';
import type {
  CheckConstraint,
  Column,
  ForeignKey,
  Index,
  PrimaryKey,
  Schema,
  Table,
  UniqueConstraint,
} from '../model/types.js';
import {
  SERIAL_TYPES,
  addConstraint,
  constraintComment,
  createIndex,
  defaultSql,
  identitySequenceOptions,
  indexRef,
  nameOf,
  rel,
  schemaOf,
  seqOptions,
  validateConstraint,
} from '../sql/ddl.js';
import { qualified, quoteIdent, quoteLiteral, sqlComment } from '../sql/quote.js';
import { ONLINE_MARKER } from '../sql/online.js';
import { makeObjectName } from '../canon/names.js';
import { addColumn } from './columns.js';
import { newContext } from './context.js';
import { callsVolatile } from './volatile.js';
import { indexMarks } from './cluster.js';
import { attachedTo, copyName, partitionsOf } from './partindex.js';

/** BACKFILL_BATCH is how many rows one batch of a backfill updates before it commits. */
export const BACKFILL_BATCH = 5000;

type Rewrite = (s: Step) => Step[] | undefined;

/** partitioned tells whether CONCURRENTLY / NOT VALID cannot be used on a table (partitioned, partition, inheritance). */
function special(t: Table | undefined): boolean {
  return !t || !!t.partitionBy || !!t.partitionOf || !!t.inherits?.length;
}

/** step builds an online step from a classic one: no long lock, no rewrite. */
function step(base: Step, what: string, sql: string[], reverse: string[] | null, transactional = true): Step {
  return {
    what,
    object: base.object,
    sql,
    reverse,
    destructive: false,
    rewrite: false,
    lock: false,
    ...(transactional ? {} : { transactional: false }),
  };
}

/** concurrentIndex writes CREATE INDEX CONCURRENTLY (after dropping a leftover of a failed run) and its comment. */
export function concurrentIndex(table: string, ix: Index): string[] {
  const [create, ...rest] = createIndex(table, ix);
  const head = ix.unique ? 'CREATE UNIQUE INDEX ' : 'CREATE INDEX ';
  return [
    `DROP INDEX CONCURRENTLY IF EXISTS ${indexRef(table, ix.name)}`,
    `${head}CONCURRENTLY ${create!.slice(head.length)}`,
    ...rest,
  ];
}

/** keptMark is the marks of index `name` (CLUSTER ON, REPLICA IDENTITY: src/plan/cluster.ts) the classic step's SQL holds, for its online form. */
function keptMark(sql: readonly string[] | null, table: string, name: string): string[] {
  return indexMarks(table, name).filter((m) => sql?.includes(m));
}

/** dropConcurrently writes DROP INDEX CONCURRENTLY IF EXISTS (a rerun after a failure finds it gone). */
export function dropConcurrently(table: string, name: string): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${indexRef(table, name)}`;
}

/** helperCheck names the temporary CHECK (c IS NOT NULL) of a column (not PostgreSQL 18's own `_not_null` name). */
function helperCheck(table: string, t: Table | undefined, column: string): string {
  let name = makeObjectName(nameOf(table), column, 'nn_check');
  for (let i = 1; t && (t.checks[name] || t.foreignKeys[name] || t.uniques[name]); i++)
    name = makeObjectName(nameOf(table), column, `nn_check${i}`);
  return name;
}

/** notNullSteps sets NOT NULL without a long scan under ACCESS EXCLUSIVE: a validated check first. */
function notNullSteps(
  base: Step,
  table: string,
  t: Table | undefined,
  column: string,
  pre: string[],
  post: string[],
  reverse: readonly string[] | null,
): Step[] {
  const check = helperCheck(table, t, column);
  const T = `ALTER TABLE ${rel(table)}`;
  const col = quoteIdent(column);
  return [
    step(
      base,
      `add check ${check} on ${table} (${column} IS NOT NULL, not valid)`,
      [...pre, `${T} ADD CONSTRAINT ${quoteIdent(check)} CHECK (${col} IS NOT NULL) NOT VALID`],
      reverse ? [`${T} DROP CONSTRAINT IF EXISTS ${quoteIdent(check)}`, ...reverse] : null,
    ),
    step(base, `validate check ${check} on ${table}`, [validateConstraint(table, check)], []),
    step(
      base,
      `set not null ${table}.${column} (the validated check spares the scan)`,
      [`${T} ALTER COLUMN ${col} SET NOT NULL`, `${T} DROP CONSTRAINT ${quoteIdent(check)}`, ...post],
      [],
    ),
  ];
}

/** backfillSql fills a new column's NULLs with its default in batches that each commit (runs outside a transaction). */
export function backfillSql(table: string, column: string): string {
  const r = rel(table);
  const c = quoteIdent(column);
  const body = `
DECLARE
  n bigint;
  left_ bigint := (SELECT count(*) FROM ${r} WHERE ${c} IS NULL);
BEGIN
  -- bounded: a default that yields NULL cannot loop for ever
  FOR i IN 0 .. left_ / ${BACKFILL_BATCH} + 1 LOOP
    UPDATE ${r} SET ${c} = DEFAULT WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${r} WHERE ${c} IS NULL LIMIT ${BACKFILL_BATCH}));
    GET DIAGNOSTICS n = ROW_COUNT;
    EXIT WHEN n = 0;
    COMMIT;
  END LOOP;
END`;
  let tag = '$backfill$';
  for (let i = 1; body.includes(tag); i++) tag = `$backfill${i}$`;
  return `DO ${tag}${body}\n${tag}`;
}

/** REWRITE_NOTE ends the `what` of a step an online plan keeps although it rewrites the table (a column type change). */
export const REWRITE_NOTE = '(rewrites the table: no online form, see changing-column-type)';

/** rewriters builds the step rewrites for one plan, keyed by each classic step's `what`. */
function rewriters(from: Schema, to: Schema, created: ReadonlySet<string>): Map<string, Rewrite> {
  const out = new Map<string, Rewrite>();
  const ty = newContext(from, to).ty;
  const live = (tid: string) => !created.has(tid) && !special(to.tables[tid]);
  for (const [tid, t] of Object.entries(to.tables)) {
    if (!live(tid) && (created.has(tid) || !partitionLeaf(t))) continue;
    for (const ix of Object.values(t.indexes)) {
      if (ix.kind !== 'index') continue;
      out.set(`create index ${ix.name} on ${tid}`, (s) => [
        step(
          s,
          `create index ${ix.name} on ${tid} (concurrently)`,
          [...concurrentIndex(tid, ix), ...keptMark(s.sql, tid, ix.name)],
          [dropConcurrently(tid, ix.name)],
          false,
        ),
      ]);
    }
    if (!live(tid)) continue; // a partition: its own indexes only (constraints follow the parent's)
    const constraint = (kind: string, c: ForeignKey | CheckConstraint) =>
      out.set(`add ${kind} ${c.name} on ${tid}`, (s) => {
        if (c.notValid || c.notEnforced) return undefined; // nothing to validate: the plain step scans no rows
        return [
          step(
            s,
            `add ${kind} ${c.name} on ${tid} (not valid)`,
            [addConstraint(tid, { ...c, notValid: true }), ...constraintComment(tid, c)],
            s.reverse ? [...s.reverse] : null,
          ),
          step(s, `validate ${kind} ${c.name} on ${tid}`, [validateConstraint(tid, c.name)], []),
        ];
      });
    keyRewrites(out, tid, t);
    for (const fk of Object.values(t.foreignKeys)) constraint('foreign key', fk);
    for (const ck of Object.values(t.checks)) constraint('check', ck);
    for (const col of t.columns) columnRewrites(out, tid, t, col, to, ty);
  }
  for (const [tid, t] of Object.entries(to.tables)) {
    if (!t.partitionBy || t.partitionOf || t.inherits?.length || created.has(tid)) continue;
    for (const ix of Object.values(t.indexes))
      if (ix.kind === 'index') out.set(`create index ${ix.name} on ${tid}`, (s) => partitionedIndex(s, to, tid, ix));
  }
  // an index dropped and created again under its name (a changed definition): undoing the drop builds the source's
  // definition, so the source tables come last and win
  for (const [tid, t] of [...Object.entries(to.tables), ...Object.entries(from.tables)]) {
    if ((special(t) && !partitionLeaf(t)) || created.has(tid)) continue;
    for (const ix of Object.values(t.indexes)) {
      if (ix.kind !== 'index') continue;
      out.set(`drop index ${ix.name} on ${tid}`, (s) => [
        step(
          s,
          `drop index ${ix.name} on ${tid} (concurrently)`,
          [dropConcurrently(tid, ix.name)],
          [...concurrentIndex(tid, ix), ...keptMark(s.reverse, tid, ix.name)],
          false,
        ),
      ]);
    }
  }
  detachRewrites(out, from);
  return out;
}

/**
 * detachRewrites registers DETACH PARTITION ... CONCURRENTLY (outside a transaction: the parent is locked SHARE UPDATE
 * EXCLUSIVE, not ACCESS EXCLUSIVE), then drops the CHECK it leaves on the table (PostgreSQL adds one equal to the
 * partition bound, under a name it chooses), then what the detach leaves as the classic step does. PostgreSQL refuses
 * CONCURRENTLY when the parent has a DEFAULT partition: that detach stays as it is.
 */
function detachRewrites(out: Map<string, Rewrite>, from: Schema): void {
  for (const [tid, t] of Object.entries(from.tables)) {
    const parent = t.partitionOf?.parent;
    if (!parent || t.inherits?.length) continue;
    const withDefault = Object.values(from.tables).some(
      (x) => x.partitionOf?.parent === parent && /^\s*DEFAULT\s*$/i.test(x.partitionOf.bound),
    );
    if (withDefault) continue;
    out.set(`detach partition ${tid}`, (s) => {
      const [detach, ...rest] = s.sql;
      if (detach !== `ALTER TABLE ${rel(parent)} DETACH PARTITION ${rel(tid)}`) return undefined;
      return [
        step(
          s,
          `detach partition ${tid} (concurrently; if interrupted, finish it with DETACH PARTITION ... FINALIZE)`,
          [`${detach} CONCURRENTLY`],
          s.reverse ? [...s.reverse] : null,
          false,
        ),
        step(s, `drop the check detaching ${tid} added`, [dropAddedChecks(tid, Object.keys(t.checks))], []),
        ...(rest.length ? [step(s, `keep what detaching ${tid} leaves on it`, rest, [])] : []),
      ];
    });
  }
}

/** dropAddedChecks writes a DO block dropping every CHECK of `table` but `keep` (the one DETACH ... CONCURRENTLY added). */
function dropAddedChecks(table: string, keep: readonly string[]): string {
  const r = quoteLiteral(rel(table));
  const names = keep.length ? `ARRAY[${keep.map(quoteLiteral).join(', ')}]` : `'{}'::text[]`;
  return `DO $detach$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
    WHERE conrelid = ${r}::regclass AND contype = 'c' AND NOT conname = ANY (${names}) LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', ${r}, c.conname);
  END LOOP;
END
$detach$`;
}

/**
 * partitionedIndex builds new index `ix` of partitioned table `tid` as pg-schema-diff does: CREATE INDEX ON ONLY the
 * table (invalid, no scan), then per partition its own matching index or key (what the classic CREATE INDEX would
 * attach too), or a copy under the name PostgreSQL would give it, built CONCURRENTLY, attached: the parent's index is
 * valid once every partition's is. Undefined (the classic step stays) when a partition is partitioned itself.
 */
function partitionedIndex(s: Step, to: Schema, tid: string, ix: Index): Step[] | undefined {
  const parts = partitionsOf(to, tid);
  if (parts.some((p) => !partitionLeaf(to.tables[p]))) return undefined;
  // the classic step does more (partitions' own indexes a re-created parent index took along): it stays
  const plain = new Set([...createIndex(tid, ix), ...indexMarks(tid, ix.name)]);
  if (s.sql.some((x) => !plain.has(x))) return undefined;
  const own = new Map(attachedTo(to, tid, ix).map((a) => [a.table, (a.index ?? a.key)!.name]));
  const attach = (p: string, name: string) =>
    `ALTER INDEX ${indexRef(tid, ix.name)} ATTACH PARTITION ${indexRef(p, name)}`;
  return [
    step(
      s,
      `create index ${ix.name} on only ${tid} (valid once each partition's is attached)`,
      [...createIndex(tid, ix, true), ...keptMark(s.sql, tid, ix.name)],
      s.reverse ? [...s.reverse] : null,
    ),
    ...parts.map((p) => {
      const mine = own.get(p);
      if (mine) return step(s, `attach index ${mine} of ${p} to ${ix.name}`, [attach(p, mine)], []);
      const copy = copyName(p, ix);
      const [drop, create] = concurrentIndex(p, { ...ix, name: copy, comment: undefined });
      return step(
        s,
        `create index ${copy} on ${p} (concurrently) and attach it to ${ix.name}`,
        [drop!, create!, attach(p, copy)],
        [],
        false,
      );
    }),
  ];
}

/** partitionLeaf tells whether a table is a partition that is not itself partitioned: its own indexes can be built and dropped CONCURRENTLY. */
function partitionLeaf(t: Table | undefined): boolean {
  return !!t?.partitionOf && !t.partitionBy && !t.inherits?.length;
}

/** usingIndex writes ALTER TABLE ... ADD CONSTRAINT <name> UNIQUE|PRIMARY KEY USING INDEX <name> (timing kept). */
export function usingIndex(table: string, c: PrimaryKey | UniqueConstraint): string {
  const kind = c.kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY';
  const timing = c.deferrable ? (c.initiallyDeferred ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE') : '';
  const name = quoteIdent(c.name);
  return `ALTER TABLE ${rel(table)} ADD CONSTRAINT ${name} ${kind} USING INDEX ${name}${timing}`;
}

/**
 * keyRewrites registers the online form of adding a UNIQUE or PRIMARY KEY constraint to a live table: the unique
 * index built CONCURRENTLY under the constraint's name (what PostgreSQL would name it), then attached with USING
 * INDEX. Temporal keys (WITHOUT OVERLAPS) need a GiST index, which USING INDEX does not take: they stay as they are.
 */
function keyRewrites(out: Map<string, Rewrite>, tid: string, t: Table): void {
  const keys: (PrimaryKey | UniqueConstraint)[] = [
    ...(t.primaryKey ? [t.primaryKey] : []),
    ...Object.values(t.uniques),
  ];
  for (const c of keys) {
    const kind = c.kind === 'unique' ? 'unique' : 'primary key';
    out.set(`add ${kind} ${c.name} on ${tid}`, (s) => {
      if (c.withoutOverlaps) return undefined;
      const ix: Index = {
        kind: 'index',
        name: c.name,
        unique: true,
        elements: c.columns.map((column) => ({ column })),
        ...(c.include?.length ? { include: c.include } : {}),
        ...(c.kind === 'unique' && c.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
      };
      return [
        step(
          s,
          `create unique index ${c.name} on ${tid} (concurrently, for the ${kind})`,
          concurrentIndex(tid, ix),
          [dropConcurrently(tid, c.name)],
          false,
        ),
        step(
          s,
          `add ${kind} ${c.name} on ${tid} (using index ${c.name})`,
          [usingIndex(tid, c), ...constraintComment(tid, c), ...keptMark(s.sql, tid, c.name)],
          s.reverse ? [...s.reverse] : null,
        ),
      ];
    });
  }
}

/** columnRewrites registers the online forms of `add column` (volatile default) and `alter column` (SET NOT NULL). */
function columnRewrites(
  out: Map<string, Rewrite>,
  tid: string,
  t: Table,
  col: Column,
  to: Schema,
  ty: ReturnType<typeof newContext>['ty'],
): void {
  const setNotNull = `ALTER TABLE ${rel(tid)} ALTER COLUMN ${quoteIdent(col.name)} SET NOT NULL`;
  const alterKey = `alter column ${tid}.${col.name} (`;
  out.set(alterKey, (s) => {
    // a rewriting type change holds ACCESS EXCLUSIVE while it copies the table, SET NOT NULL included: it has no
    // online form in one migration (expand/contract spans deploys of the application). It runs as it is, in a
    // step of its own under the deploy's lock_timeout and statement_timeout, and says so.
    if (s.rewrite) return [{ ...s, what: `${s.what} ${REWRITE_NOTE}` }];
    const at = s.sql.indexOf(setNotNull);
    if (at < 0) return undefined;
    const pre = s.sql.slice(0, at);
    const post = s.sql.slice(at + 1);
    const steps = notNullSteps(s, tid, t, col.name, pre, post, s.reverse);
    return steps;
  });
  if (col.identity && !col.generated) identityRewrite(out, tid, t, col, ty);
  const d = col.default && 'sql' in col.default ? col.default.sql : '';
  if (!d || !callsVolatile(d, to) || col.generated || col.identity || col.serial || col.notNull) return;
  out.set(`add column ${tid}.${col.name}`, (s) => {
    const bare = addColumn(tid, { ...col, default: undefined, nullable: true }, ty);
    const C = `ALTER TABLE ${rel(tid)} ALTER COLUMN ${quoteIdent(col.name)}`;
    const steps = [
      step(s, `add column ${tid}.${col.name} (no default yet)`, bare.sql, s.reverse ? [...s.reverse] : null),
      step(
        s,
        `set default of ${tid}.${col.name} (new rows)`,
        [`${C} SET DEFAULT ${defaultSql(col.default!)}`],
        [`${C} DROP DEFAULT`],
      ),
      step(s, `backfill ${tid}.${col.name} in batches of ${BACKFILL_BATCH}`, [backfillSql(tid, col.name)], [], false),
    ];
    if (!col.nullable) steps.push(...notNullSteps(s, tid, t, col.name, [], [], []));
    return steps;
  });
}

/**
 * identityRewrite registers the online form of adding an identity column to a live table (ADD COLUMN ... AS IDENTITY
 * numbers every row under ACCESS EXCLUSIVE, a rewrite): the column is added bare, numbered for new rows by a
 * sequence of its own (same type and options) and for existing rows in batches, made NOT NULL through a validated
 * check, then made the identity (PostgreSQL takes only a NOT NULL column), whose sequence continues where the
 * temporary one stopped; the temporary sequence goes.
 */
function identityRewrite(
  out: Map<string, Rewrite>,
  tid: string,
  t: Table,
  col: Column,
  ty: ReturnType<typeof newContext>['ty'],
): void {
  const id = col.identity!;
  const seqName = makeObjectName(nameOf(tid), col.name, 'online_seq');
  const seq = qualified(schemaOf(tid), seqName);
  const C = `ALTER TABLE ${rel(tid)} ALTER COLUMN ${quoteIdent(col.name)}`;
  const as = SERIAL_TYPES[col.type] ? ` AS ${col.type}` : '';
  const opts = seqOptions(id.options, { withType: false });
  const mode = id.mode === 'always' ? 'ALWAYS' : 'BY DEFAULT';
  const options = identitySequenceOptions(id);
  out.set(`add column ${tid}.${col.name}`, (s) => {
    const bare = addColumn(tid, { ...col, identity: undefined, default: undefined, nullable: true }, ty);
    return [
      step(
        s,
        `add column ${tid}.${col.name} (numbered by ${seqName} until it is an identity)`,
        [
          `CREATE SEQUENCE ${seq}${as}${opts.length ? ` ${opts.join(' ')}` : ''}`,
          bare.sql[0]!,
          `${C} SET DEFAULT nextval(${quoteLiteral(seq)}::regclass)`,
          ...bare.sql.slice(1),
        ],
        s.reverse ? [...s.reverse, `DROP SEQUENCE IF EXISTS ${seq}`] : null,
      ),
      step(s, `backfill ${tid}.${col.name} in batches of ${BACKFILL_BATCH}`, [backfillSql(tid, col.name)], [], false),
      ...notNullSteps(s, tid, t, col.name, [], [], []),
      step(
        s,
        `make ${tid}.${col.name} an identity column (its sequence goes on from ${seqName})`,
        [
          `${C} DROP DEFAULT`,
          `${C} ADD GENERATED ${mode} AS IDENTITY${options.length ? ` (${options.join(' ')})` : ''}`,
          `SELECT setval(pg_get_serial_sequence(${quoteLiteral(rel(tid))}, ${quoteLiteral(col.name)}), last_value, is_called) FROM ${seq}`,
          `DROP SEQUENCE ${seq}`,
        ],
        [],
      ),
    ];
  });
}

/** onlinePlan rewrites a plan from `from` to `to` into its online-safe form (see the file comment); steps it cannot improve stay as they are. */
export function onlinePlan<P extends Plan>(plan: P, from: Schema, to: Schema): P & { readonly online: boolean } {
  const created = new Set(plan.steps.filter((s) => s.what.startsWith('create table ')).map((s) => s.object));
  const rw = rewriters(from, to, created);
  const steps: Step[] = [];
  let changed = false;
  for (const s of plan.steps) {
    const key = s.what.startsWith('alter column ') ? s.what.slice(0, s.what.indexOf(' (') + 2) : s.what;
    const r = rw.get(key)?.(s);
    if (r) {
      steps.push(...r);
      changed = true;
    } else steps.push(s);
  }
  return { ...plan, steps, online: changed };
}

/** renderOnline writes the steps of an online plan (up, or down: the reverses in reverse order) under ONLINE_MARKER, numbered. */
export function renderOnline(plan: Plan, direction: 'up' | 'down'): string {
  const list =
    direction === 'up'
      ? plan.steps.map((s) => ({ what: s.what, sql: s.sql as readonly string[] | null }))
      : [...plan.steps].reverse().map((s) => ({ what: `undo ${s.what}`, sql: s.reverse }));
  const out = [
    `${ONLINE_MARKER}\n${sqlComment('each step commits on its own; CONCURRENTLY and backfill steps run outside a transaction')}\n`,
  ];
  const shown = list.filter((s) => s.sql === null || s.sql.length > 0); // a step with nothing to undo is left out
  shown.forEach((s, i) => {
    const head = sqlComment(`step ${i + 1}/${shown.length}: ${s.sql === null ? 'irreversible: ' : ''}${s.what}`, true);
    out.push(`${head}\n${(s.sql ?? []).map((x) => `${x};\n`).join('')}`);
  });
  return out.join('\n');
}
