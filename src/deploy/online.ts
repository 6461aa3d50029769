/**
 * Online deploys (`upgrade --online`, `downgrade --online`): the path's edges in their online-safe form
 * (plan/online.ts), each step in a transaction of its own under `lock_timeout` and `statement_timeout`, with bounded
 * retries when a lock is not granted in time. Steps that cannot run in a transaction (CONCURRENTLY, batched
 * backfills) run statement by statement. schemaver_version records, step by step, how far the current edge got
 * (online_to, online_checksum, online_done of online_steps); a finished edge moves commit_id and appends its history
 * row. A run that stops part-way leaves the steps before the failing one applied and recorded; the next run checks
 * that it is continuing the same script and starts at the next step. Classic deploys refuse to start over it.
 */
import { SchemaverError, envFailure, negative } from '../errors.js';
import { emptySchema, type Schema } from '../model/types.js';
import type { Driver } from '../pg/driver.js';
import type { VerifyResult } from '../pg/verify.js';
import { pinSettings } from '../pg/settings.js';
import { planMigration } from '../plan/index.js';
import { onlinePlan, renderOnline } from '../plan/online.js';
import { concurrentDetach, isLongRunning, onlineGroups, type OnlineGroup } from '../sql/online.js';
import { quoteLiteral } from '../sql/quote.js';
import {
  appliedResult,
  prepare,
  refuseHazards,
  refuseNonEmpty,
  schemaverVersion,
  upToDate,
  type DeployContext,
  type EdgeReport,
  type MoveRequest,
  type MoveResult,
} from './engine.js';
import { describeDbError } from './failure.js';
import { BASE, edgeLabel, nodeOut, short, type DeployStore, type PathEdge } from './path.js';
import { requireRoles } from './roles.js';
import { sha256 } from './script.js';
import {
  CREATE_TABLES,
  LOCK_KEY,
  PROGRESS_COLUMNS_SQL,
  clearProgressSql,
  historySql,
  progressSql,
  readProgress,
  readRecorded,
  setVersionSql,
  syncHistorySeqSql,
  type Progress,
} from './versions.js';

/** OnlineRun is how an online deploy runs: the timeouts (PostgreSQL interval text) and retries on lock timeouts. */
export interface OnlineRun {
  readonly lockTimeout: string;
  readonly statementTimeout: string;
  readonly retries: number;
  /** prove proves re-planned online edges in PGlite (with the verification cache) before any of them runs. */
  readonly prove?: (jobs: readonly ProofJob[]) => Promise<readonly VerifyResult[]>;
  /** backoffMs: the first wait before a retry (doubled each time; default 200). */
  readonly backoffMs?: number;
}

/** ProofJob is one online edge to prove: parent -> child with its online up and down. */
export interface ProofJob {
  readonly from: Schema;
  readonly to: Schema;
  readonly up: string;
  readonly down: string | null;
  /** allowDataLoss: the edge has destructive steps (lost sample rows are expected, not a failed proof). */
  readonly allowDataLoss: boolean;
}

/** OnlineEdge is one edge of an online deploy: its script, the steps it runs, and the script's checksum. */
export interface OnlineEdge {
  readonly edge: PathEdge;
  readonly sql: string;
  readonly groups: readonly OnlineGroup[];
  readonly checksum: string;
  /** replanned: the script is the online form planned now (not the stored one). */
  readonly replanned: boolean;
}

/** OnlineMoveResult is a move's result with what the online run did. */
export type OnlineMoveResult = MoveResult & {
  readonly online: { readonly steps: number; readonly resumedAt?: number; readonly retries: number };
};

async function schemaAt(store: DeployStore, node: string): Promise<Schema> {
  return node === BASE ? emptySchema() : (await store.readSnapshot(node)).schema;
}

/**
 * onlineEdges gives each edge its online script: generated edges are re-planned in their online form from the two
 * snapshots (and proven before anything runs); hand-edited ones and edges with nothing to improve run as stored,
 * one transaction each. An edge from nothing (the first deploy) is one transaction too: nothing uses its tables yet.
 */
export async function onlineEdges(
  store: DeployStore,
  edges: readonly PathEdge[],
  run: OnlineRun,
): Promise<OnlineEdge[]> {
  const out: OnlineEdge[] = [];
  const jobs: ProofJob[] = [];
  const proofOf: number[] = [];
  for (const e of edges) {
    let sql = e.sql;
    let replanned = false;
    if (!e.migration.handEdited && e.parent !== BASE) {
      const parent = e.direct?.from ?? (await schemaAt(store, e.parent));
      const child = e.direct?.to ?? (await schemaAt(store, e.child));
      const plan = onlinePlan(planMigration(parent, child), parent, child);
      if (plan.online) {
        const up = renderOnline(plan, 'up');
        const reversible = plan.steps.every((s) => s.reverse !== null);
        const down = reversible ? renderOnline(plan, 'down') : null;
        sql = e.direction === 'up' || e.direct ? up : (down ?? e.sql);
        replanned = true;
        proofOf.push(out.length);
        jobs.push({ from: parent, to: child, up, down, allowDataLoss: e.migration.steps.some((x) => x.destructive) });
      }
    }
    const groups = onlineGroups(sql);
    const whole =
      e.from === BASE || e.to === BASE
        ? [
            {
              label: 'the whole edge',
              statements: groups.flatMap((g) => g.statements),
              transactional: groups.every((g) => g.transactional),
            },
          ]
        : groups;
    out.push({ edge: e, sql, groups: whole.filter((g) => g.statements.length > 0), checksum: sha256(sql), replanned });
  }
  if (jobs.length && run.prove) {
    const proofs = await run.prove(jobs);
    proofs.forEach((r, i) => {
      if (r.ok) return;
      const e = out[proofOf[i]!]!.edge;
      throw negative(
        'online-proof-failed',
        `the online form of ${edgeLabel(e)} does not verify in PGlite:\n  ${r.problems.slice(0, 5).join('\n  ')}`,
        'deploy without --online (one transaction), or report the edge: the online rewrite of a generated migration must prove like the migration itself',
        { edge: { from: e.from, to: e.to }, problems: r.problems },
      );
    });
  }
  return out;
}

/** sleep waits `ms` milliseconds. */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** LOCK_NOT_AVAILABLE is the SQLSTATE of a lock wait ended by lock_timeout. */
export const LOCK_NOT_AVAILABLE = '55P03';

/** StepRun is one step to run with what to record when it has run. */
interface StepRun {
  readonly group: OnlineGroup;
  readonly index: number;
  readonly edge: OnlineEdge;
  readonly edgeIndex: number;
  /** after: bookkeeping statements that commit with the step (a transactional step) or right after it. */
  readonly after: readonly string[];
}

/** timeoutSql writes the SET of statement_timeout for a step: none for the long, non-blocking ones. */
function timeoutSql(group: OnlineGroup, run: OnlineRun, local: boolean): string[] {
  if (!group.statements.some((s) => isLongRunning(s.sql))) return [];
  return [`SET ${local ? 'LOCAL ' : ''}statement_timeout = 0`];
}

/**
 * resumed is a statement as this run must send it: a DETACH PARTITION ... CONCURRENTLY that an interrupted run (this
 * tool's, or anyone's) left pending cannot run again, PostgreSQL asks for DETACH PARTITION ... FINALIZE, which
 * finishes the same detach; any other statement as it is.
 */
async function resumed(db: Driver, sql: string): Promise<string> {
  const d = concurrentDetach(sql);
  if (!d) return sql;
  const rows = await db.query<{ pending: boolean }>(d.pendingSql);
  return rows[0]?.pending ? d.finalize : sql;
}

/** runStep runs one step (retrying lock timeouts); returns how many retries it took. */
async function runStep(db: Driver, s: StepRun, run: OnlineRun, note: (l: string) => void): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    let inTx = false;
    try {
      if (s.group.transactional) {
        await db.exec('BEGIN');
        inTx = true;
        for (const x of timeoutSql(s.group, run, true)) await db.exec(x);
        for (const st of s.group.statements) await db.exec(st.sql);
        for (const x of s.after) await db.exec(x);
        await db.exec('COMMIT');
        inTx = false;
      } else {
        for (const x of timeoutSql(s.group, run, false)) await db.exec(x);
        try {
          for (const st of s.group.statements) await db.exec(await resumed(db, st.sql));
        } finally {
          await db.exec(`SET statement_timeout = ${quoteLiteral(run.statementTimeout)}`);
        }
        for (const x of s.after) await db.exec(x);
      }
      return attempt;
    } catch (e) {
      if (inTx) await db.exec('ROLLBACK').catch(() => {});
      const code = describeDbError(e).code;
      if (code !== LOCK_NOT_AVAILABLE || attempt >= run.retries) throw e;
      const wait = Math.min(10_000, (run.backoffMs ?? 200) * 2 ** attempt);
      note(
        `step ${s.index + 1}/${s.edge.groups.length} of ${edgeLabel(s.edge.edge)}: lock not granted within lock_timeout ${run.lockTimeout}; retry ${attempt + 1}/${run.retries} in ${wait} ms`,
      );
      await sleep(wait);
    }
  }
}

/** finishSql records a finished edge: its history row, the version row, no progress. */
function finishSql(e: OnlineEdge, version: string): string[] {
  const x = e.edge;
  return [
    historySql({
      from: x.from,
      to: x.to,
      fromHash: x.fromHash,
      toHash: x.toHash,
      direction: x.direction,
      checksum: e.checksum,
      version,
    }),
    ...setVersionSql(x.to, x.toHash),
    ...(x.to === BASE ? [] : [clearProgressSql()]),
    syncHistorySeqSql(),
  ];
}

/** stepsOf lists the steps to run, from `skip` steps into the first edge, each with its bookkeeping. */
function stepsOf(edges: readonly OnlineEdge[], skip: number, version: string): StepRun[] {
  const out: StepRun[] = [];
  edges.forEach((e, ei) => {
    const n = e.groups.length;
    e.groups.forEach((group, index) => {
      if (ei === 0 && index < skip) return;
      const last = index === n - 1;
      const progress = progressSql({ to: e.edge.to, checksum: e.checksum, done: index + 1, steps: n });
      out.push({
        group,
        index,
        edge: e,
        edgeIndex: ei,
        after: last ? (group.transactional ? finishSql(e, version) : []) : [progress],
      });
      if (last && !group.transactional)
        out.push({
          group: { label: 'record', statements: [], transactional: true },
          index,
          edge: e,
          edgeIndex: ei,
          after: finishSql(e, version),
        });
    });
    if (n === 0)
      out.push({
        group: { label: 'record', statements: [], transactional: true },
        index: 0,
        edge: e,
        edgeIndex: ei,
        after: finishSql(e, version),
      });
  });
  return out;
}

/** checkResume refuses to start unless a recorded unfinished edge is the first edge of this run, with the same script. */
function checkResume(progress: Progress | undefined, edges: readonly OnlineEdge[], command: string): number {
  if (!progress) return 0;
  const first = edges[0];
  if (!first || first.edge.to !== progress.to || first.checksum !== progress.checksum) {
    throw negative(
      'online-in-progress',
      `an online deploy stopped after step ${progress.done} of ${progress.steps} of the edge to ${short(progress.to)}; ${command} ${first ? `would run ${edgeLabel(first.edge)}${first.edge.to === progress.to ? ' with a different script' : ''}` : 'has nothing to run'} instead`,
      `finish it first: \`schemaver upgrade ${short(progress.to)} --online\` continues at step ${progress.done + 1} (the same schemaver version writes the same script)`,
      { progress },
    );
  }
  return progress.done;
}

/** lockOnline takes the deploy advisory lock for the session (classic deploys take the same key per transaction). */
async function lockOnline(db: Driver, note: (l: string) => void): Promise<void> {
  const [got] = await db.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`);
  if (got?.ok) return;
  note('waiting for another schemaver deploy on this database to finish...');
  await db.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
}

/** moveOnline runs an upgrade or downgrade online (see the file comment); `--sql` goes through renderOnlineScript. */
export async function moveOnline(ctx: DeployContext, req: MoveRequest, run: OnlineRun): Promise<OnlineMoveResult> {
  const t0 = performance.now();
  const version = ctx.version ?? schemaverVersion();
  const db = ctx.db;
  const label = ctx.label ?? db?.label ?? 'database';
  if (!db) throw envFailure('no-database', `${req.command} needs a database`, 'pass --url or set DATABASE_URL');
  const note = (l: string) => ctx.onProgress?.(l);
  await pinSettings(db);
  await db.exec(
    `SET lock_timeout = ${quoteLiteral(run.lockTimeout)}; SET statement_timeout = ${quoteLiteral(run.statementTimeout)}`,
  );
  await lockOnline(db, note);
  let current: StepRun | undefined;
  try {
    for (const sql of [...CREATE_TABLES, PROGRESS_COLUMNS_SQL]) await db.exec(sql);
    const recorded = await readRecorded(db);
    const progress = await readProgress(db);
    const from = recorded.commit ?? BASE;
    const p = await prepare(ctx, req, from, recorded.hash);
    if (p.edges.length === 0 && !progress)
      return { ...upToDate(req, label, from, p, t0), online: { steps: 0, retries: 0 } };
    if (from === BASE) await refuseNonEmpty(db, label, req.command);
    refuseHazards(p.flags, Boolean(req.allowDestructive), req.command);
    await requireRoles(db, ctx.store, p.edges, label, req.command);
    const edges = await onlineEdges(ctx.store, p.edges, run);
    const skip = checkResume(progress, edges, req.command);
    if (skip)
      note(
        `continuing the online ${req.command} of ${edgeLabel(edges[0]!.edge)} at step ${skip + 1} of ${edges[0]!.groups.length}`,
      );
    let retries = 0;
    const ms: number[] = [];
    let steps = 0;
    for (const s of stepsOf(edges, skip, version)) {
      current = s;
      const t = performance.now();
      if (s.group.statements.length)
        note(
          `${req.command} ${s.edgeIndex + 1}/${edges.length} step ${s.index + 1}/${s.edge.groups.length}: ${s.group.label.replace(/^step \d+\/\d+: /, '')}`,
        );
      retries += await runStep(db, s, run, note);
      if (s.group.statements.length) steps++;
      ms[s.edgeIndex] = Math.round((ms[s.edgeIndex] ?? 0) + performance.now() - t);
    }
    current = undefined;
    return {
      ...appliedResult(
        req,
        label,
        from,
        p,
        edges.map((e, i) => report(e, ms[i])),
        t0,
      ),
      online: { steps, retries, ...(skip ? { resumedAt: skip + 1 } : {}) },
    };
  } catch (err) {
    if (err instanceof SchemaverError) throw err;
    throw stepFailure(err, current, req.command, label);
  } finally {
    await db.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`).catch(() => {});
  }
}

/** report describes one edge of an online run. */
function report(e: OnlineEdge, ms: number | undefined): EdgeReport {
  const x = e.edge;
  return {
    from: nodeOut(x.from, undefined).commit,
    to: nodeOut(x.to, undefined).commit,
    direction: x.direction,
    fromHash: x.fromHash,
    toHash: x.toHash,
    message: x.message.split('\n')[0]!,
    statements: e.groups.reduce((n, g) => n + g.statements.length, 0),
    checksum: e.checksum,
    ...(ms !== undefined ? { ms } : {}),
  };
}

/** stepFailure is the exit-3 error of a failed step: which step, what ran before it (recorded), how to continue. */
function stepFailure(err: unknown, s: StepRun | undefined, command: string, label: string): SchemaverError {
  const pg = describeDbError(err);
  if (!s)
    return envFailure(
      'database-failed',
      `${command} of ${label} failed: ${pg.message}`,
      'nothing was changed',
      undefined,
      { postgres: pg },
    );
  const n = s.edge.groups.length;
  const where = `step ${s.index + 1}/${n} of ${edgeLabel(s.edge.edge)} (${s.group.label.replace(/^step \d+\/\d+: /, '')})`;
  const state = s.group.transactional
    ? `the step was rolled back; steps 1-${s.index} of this edge ran and are recorded in schemaver_version`
    : `the step ran outside a transaction and may be half done (its statements are safe to run again: an index left INVALID is dropped first); steps 1-${s.index} are recorded`;
  const timeout =
    pg.code === LOCK_NOT_AVAILABLE
      ? ' (a lock was not granted within lock_timeout after every retry: long transactions hold it)'
      : '';
  return envFailure(
    'migration-failed',
    `${command} --online of ${label} failed in ${where}${timeout}:\n  PostgreSQL: ${pg.message}${pg.code ? ` (${pg.code})` : ''}`,
    `${state}; \`schemaver ${command} --online\` continues at step ${s.index + 1}`,
    undefined,
    {
      edge: { from: s.edge.edge.from || null, to: s.edge.edge.to || null },
      step: s.index + 1,
      steps: n,
      label: s.group.label,
      postgres: pg,
    },
  );
}
