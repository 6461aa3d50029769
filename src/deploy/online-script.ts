/**
 * `upgrade --sql --online`: the online deploy as a psql script. Each step is its own transaction (or, for
 * CONCURRENTLY and backfill steps, statements in autocommit) followed by the progress row update, so a failed run
 * leaves schemaver_version saying which steps ran, and `schemaver upgrade --online` continues after them.
 */
import { SchemaverError } from '../errors.js';
import { sqlComment } from '../sql/quote.js';
import { quoteLiteral } from '../sql/quote.js';
import { settingsSql } from '../sql/settings.js';
import { concurrentDetach, isLongRunning } from '../sql/online.js';
import { prepare, schemaverVersion, type DeployContext, type MoveRequest } from './engine.js';
import { onlineEdges, type OnlineEdge, type OnlineRun } from './online.js';
import { BASE, edgeLabel, short } from './path.js';
import {
  CREATE_TABLES,
  LOCK_KEY,
  PROGRESS_COLUMNS_SQL,
  clearProgressSql,
  guardSql,
  historySql,
  progressSql,
  readRecorded,
  setVersionSql,
  syncHistorySeqSql,
} from './versions.js';

/** OnlineScript is the rendered script with the facts `--json` reports. */
export interface OnlineScript {
  readonly sql: string;
  readonly from: string;
  readonly to: string;
  readonly edges: readonly OnlineEdge[];
  /** pathNote: why the path is what it is (item of the header). */
  readonly steps: number;
}

const stmt = (sql: string): string => (/--[^\n]*$/.test(sql) ? `${sql}\n;` : `${sql};`);

/**
 * psqlStatement is `stmt`, but a DETACH PARTITION ... CONCURRENTLY asks the database first: a detach an interrupted run
 * left pending cannot run again (PostgreSQL asks for FINALIZE, which finishes it), as the `--url` deploy does
 * (deploy/online.ts resumed). psql's \gset and \if choose between the two.
 */
function psqlStatement(sql: string): string {
  const d = concurrentDetach(sql);
  if (!d) return stmt(sql);
  return [
    `${d.pendingSql} \\gset schemaver_detach_`, // psql variable schemaver_detach_pending
    '\\if :schemaver_detach_pending',
    stmt(d.finalize),
    '\\else',
    stmt(sql),
    '\\endif',
  ].join('\n');
}

/** edgeLines writes one edge: each step with its bookkeeping, then the edge's record. */
function edgeLines(e: OnlineEdge, i: number, total: number, run: OnlineRun, version: string): string[] {
  const out = [
    '',
    sqlComment(
      `edge ${i + 1}/${total}: ${edgeLabel(e.edge)}${e.edge.message ? ` ${JSON.stringify(e.edge.message.split('\n')[0]!.trim())}` : ''}${e.replanned ? ' (online form, proven in PGlite)' : ''}`,
    ),
  ];
  const finish = [
    historySql({
      from: e.edge.from,
      to: e.edge.to,
      fromHash: e.edge.fromHash,
      toHash: e.edge.toHash,
      direction: e.edge.direction,
      checksum: e.checksum,
      version,
    }),
    ...setVersionSql(e.edge.to, e.edge.toHash),
    ...(e.edge.to === BASE ? [] : [clearProgressSql()]),
    syncHistorySeqSql(),
  ];
  e.groups.forEach((g, k) => {
    const last = k === e.groups.length - 1;
    const record = last
      ? []
      : [progressSql({ to: e.edge.to, checksum: e.checksum, done: k + 1, steps: e.groups.length })];
    out.push('', sqlComment(`${g.label}${g.transactional ? '' : ' (outside a transaction)'}`));
    const long = g.statements.some((s) => isLongRunning(s.sql));
    if (g.transactional) {
      out.push(
        'BEGIN;',
        ...(long ? ['SET LOCAL statement_timeout = 0;'] : []),
        ...g.statements.map((s) => stmt(s.sql)),
        ...record.map(stmt),
      );
      if (last) out.push(...finish.map(stmt));
      out.push('COMMIT;');
    } else {
      if (long) out.push('SET statement_timeout = 0;');
      out.push(...g.statements.map((s) => psqlStatement(s.sql)));
      if (long) out.push(`SET statement_timeout = ${quoteLiteral(run.statementTimeout)};`);
      out.push(...record.map(stmt));
      if (last) out.push('BEGIN;', ...finish.map(stmt), 'COMMIT;');
    }
  });
  if (!e.groups.length) out.push('BEGIN;', ...finish.map(stmt), 'COMMIT;');
  return out;
}

/** renderOnlineScript builds the `--sql --online` script of a move (the database, when given, is only read). */
export async function renderOnlineScript(ctx: DeployContext, req: MoveRequest, run: OnlineRun): Promise<OnlineScript> {
  const version = ctx.version ?? schemaverVersion();
  let from = BASE;
  let hash: string | undefined;
  if (req.from !== undefined) from = req.from === 'base' ? BASE : await ctx.store.resolve(req.from);
  else if (ctx.db) {
    const r = await readRecorded(ctx.db);
    from = r.commit ?? BASE;
    hash = r.hash;
  }
  const p = await prepare(ctx, req, from, hash);
  if (p.flags.irreversible.length)
    throw new SchemaverError({
      code: 'irreversible',
      message: `${req.command} would have to undo irreversible step(s)`,
      hint: 'these migrations have no down script',
      exit: 1,
      data: { steps: p.flags.irreversible },
    });
  const edges = await onlineEdges(ctx.store, p.edges, run);
  const lines = [
    sqlComment(
      [
        `schemaver ${req.command} script, online (schemaver ${version})`,
        `from: ${from === BASE ? 'nothing (empty database)' : from}`,
        `to:   ${p.target === BASE ? 'nothing' : p.target}`,
        `path: ${edges.length} edge(s)${edges.length ? ': ' + edges.map((e) => edgeLabel(e.edge)).join(', ') : ''}`,
        `lock_timeout ${run.lockTimeout}, statement_timeout ${run.statementTimeout} (none for CONCURRENTLY, VALIDATE and backfills)`,
        'Run it with psql -v ON_ERROR_STOP=1 -f FILE, NOT in a single transaction: each step commits on its own.',
        'After a failure the steps before it stay applied and schemaver_version records them (online_done);',
        '`schemaver upgrade --online` continues at the next step (it retries lock timeouts, this script does not).',
        ...(p.flags.destructive.length
          ? ['WARNING: this script loses data:', ...p.flags.destructive.map((s) => `  ${s.edge}: ${s.what}`)]
          : []),
      ].join('\n'),
    ),
    '',
    ...settingsSql(false).map(stmt),
    `SET lock_timeout = ${quoteLiteral(run.lockTimeout)};`,
    `SET statement_timeout = ${quoteLiteral(run.statementTimeout)};`,
    sqlComment('one deploy at a time (released at the end, or when the session ends)'),
    `SELECT pg_advisory_lock(${LOCK_KEY});`,
    ...CREATE_TABLES.map(stmt),
    stmt(PROGRESS_COLUMNS_SQL),
    sqlComment(`refuse to run unless the database is at ${short(from)}`),
    stmt(guardSql(from)),
  ];
  edges.forEach((e, i) => lines.push(...edgeLines(e, i, edges.length, run, version)));
  lines.push('', `SELECT pg_advisory_unlock(${LOCK_KEY});`, '');
  return { sql: lines.join('\n'), from, to: p.target, edges, steps: edges.reduce((n, e) => n + e.groups.length, 0) };
}
