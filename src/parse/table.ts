/** The `tables:` section: columns (short and long forms) and everything that hangs off a table. */
import { KEYS } from './keys.js';
import { readGrants, readOwner, readReplicaIdentity, readStorageParams, readTablespace } from './grants.js';
import type { Ctx, Keyed, Entry, Node, Scalar } from './node.js';
import { isNull, mapOrNothing, readBool, readName, readText, refId, type ParsedId } from './common.js';
import { undef, type DraftTable } from './drafts.js';
import { parsePolicy, parseTrigger } from './triggers.js';
import { parseColumn } from './column.js';
import {
  parseCheck,
  parseExclusion,
  parseForeignKey,
  parseIndex,
  parsePrimaryKey,
  parseUniques,
} from './constraints.js';

export { parseIndex } from './constraints.js';

/** parseTable reads one entry of `tables:`. */
export function parseTable(ctx: Ctx, id: ParsedId, keyNode: Scalar, value: Node): DraftTable | undefined {
  const m = mapOrNothing(ctx, value, `table \`${id.id}\``);
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.table, `table \`${id.id}\``);
  const t: DraftTable = {
    ...id,
    at: keyNode,
    columns: [],
    typeAt: new Map(),
    extraPrimaryKeys: [],
    uniques: [],
    checks: [],
    foreignKeys: [],
    exclusions: [],
    indexes: [],
    triggers: [],
    policies: [],
    rest: {},
  };
  const cols = k.get('columns');
  if (cols && !isNull(cols.value)) {
    const cm = ctx.map(cols.value, `\`columns\` of table \`${id.id}\``);
    if (cm) for (const e of cm.entries) ctx.within({ column: e.key }, () => parseColumn(ctx, t, e));
  } else if (!k.has('partition_of')) {
    ctx.error(
      'missing-key',
      keyNode,
      `table \`${id.id}\` has no \`columns\``,
      'add `columns:` with at least one `name: type`',
    );
  }
  readParts(ctx, t, k);
  const r = t.rest;
  r.rowLevelSecurity = readBool(ctx, k, 'row_level_security');
  r.forceRowLevelSecurity = readBool(ctx, k, 'force_row_level_security');
  r.unlogged = readBool(ctx, k, 'unlogged');
  if (k.has('with')) r.with = readStorageParams(ctx, k.get('with')!.value, `table \`${id.id}\``);
  if (k.has('replica_identity')) {
    Object.assign(r, readReplicaIdentity(ctx, k.get('replica_identity')!.value));
    if (r.replicaIdentityIndex !== undefined) t.replicaIdentityAt = k.get('replica_identity')!.value;
  }
  r.clusterOn = readName(ctx, k, 'cluster_on');
  if (r.clusterOn !== undefined) t.clusterOnAt = k.get('cluster_on')!.value;
  r.comment = readText(ctx, k, 'comment');
  r.grants = readGrants(ctx, k, 'table', `table \`${id.id}\``);
  r.owner = readOwner(ctx, k, `table \`${id.id}\``);
  r.tablespace = readTablespace(ctx, k, `table \`${id.id}\``);
  r.renamedFrom = readName(ctx, k, 'renamed_from');
  if (k.has('partition_by')) r.partitionBy = parsePartitionBy(ctx, k.get('partition_by')!.value);
  if (r.partitionBy) refusePartitionedStatistics(ctx, t);
  if (r.partitionBy?.key)
    ctx.noteClause(
      'partition key',
      r.partitionBy.key,
      k.get('partition_by')!.value,
      'CREATE TABLE t (x int) PARTITION BY RANGE ({})',
      'CreateStmt',
    );
  if (k.has('partition_of')) readPartitionOf(ctx, t, k.get('partition_of')!);
  if (k.has('inherits')) {
    const e = k.get('inherits')!;
    const list = ctx.texts(e.value, '`inherits`');
    if (list) {
      r.inherits = list.map(
        (s) => refId(ctx, { ...(e.value as Scalar), t: 'scalar', value: s, source: s }, '`inherits`') ?? s,
      );
      t.inheritsAt = e.value;
    }
  }
  if (k.has('inherited_not_valid')) {
    const list = ctx.texts(k.get('inherited_not_valid')!.value, '`inherited_not_valid`');
    if (list?.length) r.inheritedNotValid = [...new Set(list)].sort();
  }
  if (k.has('key_names')) readKeyNames(ctx, t, k.get('key_names')!.value);
  t.rest = undef(r);
  return t;
}

/** readKeyNames reads `key_names: { <parent key>: <name> }`: a partition's names for its copies of its parent's keys. */
function readKeyNames(ctx: Ctx, t: DraftTable, n: Node): void {
  const m = mapOrNothing(ctx, n, `\`key_names\` of table \`${t.id}\``);
  if (!m) return;
  const out: Record<string, string> = {};
  for (const e of m.entries) {
    if (!ctx.checkName(e.keyNode, e.key, 'a parent key in `key_names`')) continue;
    const v = ctx.name(e.value, `the name of \`${e.key}\`'s copy in \`key_names\``);
    if (v !== undefined) out[e.key] = v;
  }
  t.rest.keyNames = out;
  t.keyNamesAt = n;
}

/** refusePartitionedStatistics refuses a key's `statistics` on an index of a partitioned table. */
function refusePartitionedStatistics(ctx: Ctx, t: DraftTable): void {
  for (const ix of t.indexes)
    if (ix.elements?.some((e) => e.statistics !== undefined))
      ctx.error(
        'invalid-value',
        ix.at,
        `index of partitioned table \`${t.id}\`: a key's \`statistics\` cannot be managed on a partitioned index (PostgreSQL sets it on the partitions' indexes of the moment only)`,
        "remove `statistics`, and set it on each partition's index outside schemaver",
      );
}

/** readParts reads what hangs off a table: keys, checks, foreign keys, exclusions, indexes, triggers, policies. */
function readParts(ctx: Ctx, t: DraftTable, k: Keyed): void {
  const names = t.columns.map((c) => c.name);
  const pk = k.get('primary_key');
  if (pk) parsePrimaryKey(ctx, t, pk.value);
  if (k.has('unique')) parseUniques(ctx, t, k.get('unique')!.value);
  if (k.has('checks')) eachNamed(ctx, k.get('checks')!.value, '`checks`', (n, name) => parseCheck(ctx, t, n, name));
  if (k.has('foreign_keys'))
    eachNamed(ctx, k.get('foreign_keys')!.value, '`foreign_keys`', (n, name) => parseForeignKey(ctx, t, n, name));
  if (k.has('exclusions'))
    eachNamed(ctx, k.get('exclusions')!.value, '`exclusions`', (n, name) => parseExclusion(ctx, t, n, name, names));
  if (k.has('indexes')) {
    eachNamed(ctx, k.get('indexes')!.value, '`indexes`', (n, name) => {
      const ix = parseIndex(ctx, n, name, names, `index of table \`${t.id}\``);
      if (ix) t.indexes.push(ix);
    });
  }
  if (k.has('triggers')) {
    eachNamed(ctx, k.get('triggers')!.value, '`triggers`', (n, name, nameNode) => {
      if (name === undefined)
        return ctx.error(
          'missing-key',
          n,
          'a trigger needs a name',
          'write triggers as a map: `name: { timing, events, function }`',
        );
      const tr = parseTrigger(ctx, n, name, nameNode!);
      if (tr) t.triggers.push(tr);
    });
  }
  if (k.has('policies')) {
    eachNamed(ctx, k.get('policies')!.value, '`policies`', (n, name, nameNode) => {
      if (name === undefined)
        return ctx.error(
          'missing-key',
          n,
          'a policy needs a name',
          'write policies as a map: `name: { command, using }`',
        );
      const p = parsePolicy(ctx, n, name, nameNode!);
      if (p) t.policies.push(p);
    });
  }
}

/** readPartitionOf reads `partition_of: { parent, bound }` (the bound checked by PostgreSQL's grammar). */
function readPartitionOf(ctx: Ctx, t: DraftTable, e: Entry): void {
  const r = t.rest;
  const pm = ctx.map(e.value, '`partition_of`');
  if (pm) {
    const pk2 = ctx.keys(pm, KEYS.partitionOf, '`partition_of`');
    const parentE = pk2.get('parent');
    const parent = parentE ? refId(ctx, parentE.value, '`partition_of.parent`') : undefined;
    let bound = readText(ctx, pk2, 'bound')?.trim();
    if (!parentE || bound === undefined)
      ctx.error(
        'missing-key',
        pm,
        '`partition_of` needs `parent` and `bound`',
        "e.g. `{ parent: events, bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\" }`",
      );
    if (bound !== undefined && /^default$/i.test(bound)) bound = 'DEFAULT';
    if (bound) {
      const sql = /^(for\s+values|default)\b/i.test(bound) ? bound : `FOR VALUES ${bound}`;
      const at = pk2.get('bound')!.value;
      ctx.noteClause('partition bound', sql, at, 'CREATE TABLE t PARTITION OF p {}', 'CreateStmt');
    }
    if (parent !== undefined && bound !== undefined) {
      r.partitionOf = { parent, bound };
      t.partitionParentAt = parentE!.value;
    }
  }
}

/** eachNamed walks a map (name -> definition) or a list (unnamed definitions). */
export function eachNamed(
  ctx: Ctx,
  n: Node,
  what: string,
  f: (n: Node, name: string | undefined, nameNode?: Node) => void,
): void {
  if (isNull(n)) return;
  if (n.t === 'map') {
    for (const e of n.entries) {
      const name = ctx.name(e.keyNode, `a name in ${what}`);
      if (name !== undefined) f(e.value, name, e.keyNode);
    }
  } else if (n.t === 'seq') for (const item of n.items) f(item, undefined);
  else ctx.error('wrong-type', n, `${what} must be a map (name: definition) or a list`);
}

/** parsePartitionBy reads `partition_by`: `strategy (key)` or `{ strategy, key }`. */
function parsePartitionBy(ctx: Ctx, n: Node): { strategy: 'range' | 'list' | 'hash'; key: string } | undefined {
  const strategies = ['range', 'list', 'hash'] as const;
  if (n.t === 'scalar') {
    const s = ctx.text(n, '`partition_by`');
    if (s === undefined) return undefined;
    const m = /^\s*(\w+)\s*\((.*)\)\s*$/s.exec(s);
    if (!m)
      return (
        ctx.error(
          'invalid-value',
          n,
          `\`partition_by: ${s}\` is not \`strategy (key)\``,
          'e.g. `partition_by: range (created_at)`',
        ),
        undefined
      );
    const strategy = m[1]!.toLowerCase();
    if (!(strategies as readonly string[]).includes(strategy))
      return (
        ctx.error('invalid-value', n, `partition strategy \`${m[1]}\` is not one of range, list, hash`),
        undefined
      );
    return { strategy: strategy as 'range', key: m[2]!.trim() };
  }
  const m = ctx.map(n, '`partition_by`');
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.partitionBy, '`partition_by`');
  const sE = k.get('strategy');
  const kE = k.get('key');
  if (!sE || !kE) return (ctx.error('missing-key', m, '`partition_by` needs `strategy` and `key`'), undefined);
  const strategy = ctx.oneOf(sE.value, strategies, '`strategy`');
  const keys = ctx.texts(kE.value, '`key`');
  if (!strategy || !keys) return undefined;
  let key = keys.join(', ').trim();
  if (key.startsWith('(') && key.endsWith(')')) key = key.slice(1, -1).trim();
  return { strategy, key };
}
