/**
 * The deploy engine: move a database from the commit it records to another commit (upgrade/downgrade),
 * in ONE transaction under an advisory lock, or print the script instead (`--sql`).
 * Works on any Driver (PGlite or a server) and any DeployStore (the real store or a test fake).
 */
import { readFileSync } from 'node:fs';
import { SchemaverError, envFailure, negative } from '../errors.js';
import type { Driver } from '../pg/driver.js';
import { pinSettings } from '../pg/settings.js';
import { sqlComment } from '../sql/quote.js';
import {
  BASE,
  edgeLabel,
  nodeOut,
  firstParentBack,
  hazards,
  loadGraph,
  planPath,
  short,
  type DeployStore,
  type DownClassifier,
  type FlaggedStep,
  type Graph,
  type PathEdge,
} from './path.js';
import { buildScript, renderScript, type DeployScript } from './script.js';
import { deployFailure, type ScriptRun } from './failure.js';
import { LOCK_KEY, countUserObjects, readProgress, readRecorded, type Recorded } from './versions.js';
import { requireRoles } from './roles.js';
import { chooseWay, type ProveDirect, type Way } from './direct.js';
import { downHazards } from '../plan/hazards.js';

/** schemaverVersion is the version of this package (recorded in schemaver_history). */
export function schemaverVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** plannerClassifier classifies a down edge with the one hazard judge: child -> parent, with the child's renames reversed. */
export const plannerClassifier: DownClassifier = async (from, to) => {
  return downHazards(from, to);
};

/** DeployContext is what every deploy operation works with. */
export interface DeployContext {
  readonly store: DeployStore;
  /** db: the target; may be undefined only for `--sql` with no database to read (then it is taken as empty). */
  readonly db?: Driver;
  /** label: the target for messages (defaults to db.label). */
  readonly label?: string;
  readonly classifyDown?: DownClassifier;
  /** onProgress receives one line per edge (the command prints them on stderr). */
  readonly onProgress?: (line: string) => void;
  /** onStatement hears each statement of an edge's script finish: `done` of `total` in that edge. */
  readonly onStatement?: (done: number, total: number) => void;
  readonly version?: string;
  /** proveDirect proves a direct migration chosen instead of a lossy commit path (without it the path stays). */
  readonly proveDirect?: ProveDirect;
}

/** MoveRequest asks for an upgrade or a downgrade. */
export interface MoveRequest {
  readonly command: 'upgrade' | 'downgrade';
  /** rev: REV, `base`, (upgrade) `+N` or (downgrade) `-N`; upgrade defaults to HEAD. */
  readonly rev?: string;
  readonly allowDestructive?: boolean;
  /** sql: build and return the script without running anything. */
  readonly sql?: boolean;
  /** from: with `sql`, assume the database is at this revision instead of reading it (offline mode). */
  readonly from?: string;
}

/** EdgeReport is one edge of a move as reported to the user. */
export interface EdgeReport {
  readonly from: string | null;
  readonly to: string | null;
  readonly direction: 'up' | 'down';
  readonly fromHash: string;
  readonly toHash: string;
  readonly message: string;
  readonly statements: number;
  readonly checksum: string;
  readonly ms?: number;
}

/** MoveResult is the outcome of upgrade/downgrade. */
export interface MoveResult {
  readonly command: 'upgrade' | 'downgrade';
  readonly target: string;
  readonly from: { readonly commit: string | null; readonly hash: string | null };
  readonly to: { readonly commit: string | null; readonly hash: string | null };
  /** applied: true when statements ran and were committed; false for `--sql` and when already there. */
  readonly applied: boolean;
  readonly upToDate: boolean;
  readonly edges: readonly EdgeReport[];
  readonly destructive: readonly FlaggedStep[];
  /** sql: the script, with `--sql`. */
  readonly sql?: string;
  /** way: which way the move took through the commit graph and why, when it had a choice (deploy/direct.ts). */
  readonly way?: Way;
  readonly ms: number;
}

/** resolveTarget turns the user's revision into a node: `base`, `-N` (first parents back from `recorded`) or a store revision. */
export async function resolveTarget(
  store: DeployStore,
  g: Graph | undefined,
  rev: string,
  recorded: string,
  command: string,
): Promise<string> {
  if (rev === 'base') return BASE;
  const rel = /^-(\d+)$/.exec(rev);
  if (rel) {
    if (command !== 'downgrade') {
      throw new SchemaverError({
        code: 'bad-revision',
        message: `${command} takes a revision, not ${rev}`,
        hint: 'use `schemaver downgrade -N` to go back N commits',
        exit: 2,
      });
    }
    if (recorded === BASE) {
      throw negative(
        'nothing-recorded',
        'the database records no commit, so there is nothing to go back from',
        'see `schemaver current`; `schemaver upgrade` deploys HEAD',
      );
    }
    return firstParentBack(g ?? (await loadGraph(store, [recorded])), recorded, Number(rel[1]));
  }
  return store.resolve(rev);
}

/** refuseUnfinished stops a one-transaction deploy over an online deploy that stopped part-way through an edge. */
async function refuseUnfinished(db: Driver, command: string): Promise<void> {
  const p = await readProgress(db);
  if (!p) return;
  throw negative(
    'online-in-progress',
    `an online deploy stopped after step ${p.done} of ${p.steps} of the edge to ${short(p.to)}: the database is between two commits`,
    `continue it with \`schemaver upgrade ${short(p.to)} --online\` (it starts at step ${p.done + 1}), then ${command} as you meant to`,
    { progress: p },
  );
}

/** refuseNonEmpty stops an upgrade from nothing into a database that already has objects (it needs a baseline). */
export async function refuseNonEmpty(db: Driver, label: string, command: string): Promise<void> {
  const n = await countUserObjects(db);
  if (n > 0) {
    throw negative(
      'not-stamped',
      `${label} already holds ${n} object(s) but records no schemaver commit; ${command} would run the first migration over them`,
      'baseline it first: `schemaver import --url ...` (or check the schema matches a commit with `schemaver check REV`), then `schemaver stamp REV`',
      { objects: n },
    );
  }
}

/** leftBehind tells whether `recorded` is a commit no branch, tag or HEAD of the store reaches (read from the
 * app's git history by src/gitint/recover.ts): upgrading from it to HEAD may go down only. */
async function leftBehind(store: DeployContext['store'], g: Graph, recorded: string): Promise<boolean> {
  if (recorded === BASE) return false;
  const stack = [...(await store.branches()), ...(await store.tags())].map((r) => r.id);
  const head = await store.head();
  if (head) stack.push(head);
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === recorded) return false;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(g.commits.get(id)?.parents ?? []));
  }
  return true;
}

/** checkDirection refuses an upgrade that only goes down and a downgrade that only goes up. */
function checkDirection(command: 'upgrade' | 'downgrade', edges: readonly PathEdge[], rev: string): void {
  if (!edges.length) return;
  if (command === 'upgrade' && edges.every((e) => e.direction === 'down')) {
    throw new SchemaverError({
      code: 'wrong-direction',
      message: `${rev} is below the commit the database records; upgrade would go down`,
      hint: `use \`schemaver downgrade ${rev}\``,
      exit: 2,
    });
  }
  if (command === 'downgrade' && edges.every((e) => e.direction === 'up')) {
    throw new SchemaverError({
      code: 'wrong-direction',
      message: `${rev} is above the commit the database records; downgrade would go up`,
      hint: `use \`schemaver upgrade ${rev}\``,
      exit: 2,
    });
  }
}

/** scriptOf is the deploy script of a prepared path from the recorded commit `from` (the run and `--sql` alike). */
function scriptOf(from: string, p: Awaited<ReturnType<typeof prepare>>, version: string): DeployScript {
  return buildScript({ from, fromHash: p.fromHash, to: p.target, toHash: p.targetHash, edges: p.edges, version });
}

/** prepare reads the graph, resolves the target and plans the path and its hazards. */
export async function prepare(
  ctx: DeployContext,
  req: MoveRequest,
  recorded: string,
  recordedHash: string | undefined,
) {
  const rev = req.rev ?? (req.command === 'upgrade' ? 'HEAD' : undefined);
  if (rev === undefined)
    throw new SchemaverError({
      code: 'bad-usage',
      message: 'downgrade needs a revision: REV, -N or base',
      hint: 'e.g. `schemaver downgrade -1`',
      exit: 2,
    });
  const plus = /^\+(\d+)$/.exec(rev);
  let target = rev === 'base' || /^-\d+$/.test(rev) || plus ? undefined : await ctx.store.resolve(rev);
  const g = await loadGraph(
    ctx.store,
    [recorded, target ?? ''].filter((x) => x !== BASE && x !== undefined),
  );
  if (plus) {
    // +N: the first N edges of the way to HEAD (Alembic's relative upgrade)
    if (req.command !== 'upgrade')
      throw new SchemaverError({
        code: 'bad-revision',
        message: `downgrade takes -N, not ${rev}`,
        hint: 'use `schemaver upgrade +N`',
        exit: 2,
      });
    const head = await ctx.store.resolve('HEAD');
    const way = await planPath(ctx.store, g, recorded, head);
    const n = Number(plus[1]);
    if (n > way.length) {
      throw new SchemaverError({
        code: 'bad-revision',
        message: `cannot go ${n} step(s) up: HEAD is ${way.length} step(s) away`,
        hint: 'see `schemaver current`',
        exit: 2,
      });
    }
    target = n === 0 ? recorded : way[n - 1]!.to;
  }
  if (target === undefined) target = await resolveTarget(ctx.store, g, rev, recorded, req.command);
  const path = await planPath(ctx.store, g, recorded, target);
  // a path that loses what a direct migration between its ends keeps is replaced by that migration (direct.ts)
  const { edges, way } = await chooseWay(
    ctx.store,
    path,
    req.command,
    ctx.classifyDown ?? plannerClassifier,
    ctx.proveDirect,
  );
  // a database left on a commit no branch reaches any more (an app git branch checked out before) follows HEAD down
  if (!(req.command === 'upgrade' && (await leftBehind(ctx.store, g, recorded))))
    checkDirection(req.command, edges, rev);
  const flags = await hazards(ctx.store, edges, ctx.classifyDown ?? plannerClassifier);
  const targetHash =
    target === BASE
      ? undefined
      : (g.commits.get(target)?.schemaHash ?? (await ctx.store.readCommit(target)).schemaHash);
  const fromHash = recordedHash ?? (recorded === BASE ? undefined : g.commits.get(recorded)?.schemaHash);
  return { rev, target, targetHash, fromHash, edges, flags, way };
}

/** refuseHazards stops on irreversible steps always, and on destructive steps without consent. */
export function refuseHazards(
  flags: { destructive: FlaggedStep[]; irreversible: FlaggedStep[] },
  allow: boolean,
  command: string,
): void {
  const list = (xs: FlaggedStep[]) => xs.map((s) => `  ${s.edge}: ${s.what}`).join('\n');
  if (flags.irreversible.length) {
    throw negative(
      'irreversible',
      `${command} would have to undo irreversible step(s):\n${list(flags.irreversible)}`,
      'these migrations have no down script; restore from a backup or write the down SQL by hand',
      { steps: flags.irreversible },
    );
  }
  if (flags.destructive.length && !allow) {
    throw negative(
      'destructive',
      `${command} would lose data in ${flags.destructive.length} step(s):\n${list(flags.destructive)}`,
      'look at the script with --sql; rerun with --allow-destructive if the loss is intended',
      { steps: flags.destructive },
    );
  }
}

/** reportEdges describes the edges of a script for the result. */
function reportEdges(script: DeployScript, ms: number[] = []): EdgeReport[] {
  return script.edges.map((e, i) => ({
    from: nodeOut(e.from, undefined).commit,
    to: nodeOut(e.to, undefined).commit,
    direction: e.direction,
    fromHash: e.fromHash,
    toHash: e.toHash,
    message: e.message.split('\n')[0]!,
    statements: script.units.filter((u) => u.edge === i).length,
    checksum: script.checksums[i]!,
    ...(ms[i] !== undefined ? { ms: ms[i] } : {}),
  }));
}

/** move runs (or with `sql`, prints) an upgrade or downgrade of ctx.db from its recorded commit to req.rev. */
export async function move(ctx: DeployContext, req: MoveRequest): Promise<MoveResult> {
  const t0 = performance.now();
  const version = ctx.version ?? schemaverVersion();
  const label = ctx.label ?? ctx.db?.label ?? 'database';
  if (req.from !== undefined && !req.sql) {
    throw new SchemaverError({
      code: 'bad-usage',
      message: '--from only goes with --sql (offline mode)',
      hint: 'online, schemaver reads where the database is from schemaver_version',
      exit: 2,
    });
  }
  if (req.sql) return offlineScript(ctx, req, label, version, t0);
  const db = ctx.db;
  if (!db) throw envFailure('no-database', `${req.command} needs a database`, 'pass --url or set DATABASE_URL');
  const cached = db.cachedVersions?.();
  if (cached) {
    // The embedded database's recorded state is known without starting it: nothing to do needs no database.
    const recorded = cached.recorded as Recorded;
    const from = recorded.commit ?? BASE;
    const p = await prepare(ctx, req, from, recorded.hash);
    if (p.edges.length === 0) return upToDate(req, label, from, p, t0);
    // a move the database's run would refuse for its hazards is refused without starting it (from nothing, the
    // database is first asked whether it is empty: that refusal comes first)
    if (from !== BASE) refuseHazards(p.flags, Boolean(req.allowDestructive), req.command);
  }
  const run: ScriptRun = {};
  let inTx = false;
  try {
    await db.exec('BEGIN');
    inTx = true;
    await lockDeploys(db, ctx);
    const recorded = await readRecorded(db);
    await refuseUnfinished(db, req.command);
    const from = recorded.commit ?? BASE;
    const p = await prepare(ctx, req, from, recorded.hash);
    if (p.edges.length === 0) {
      await db.exec('ROLLBACK');
      inTx = false;
      return upToDate(req, label, from, p, t0);
    }
    if (from === BASE) await refuseNonEmpty(db, label, req.command);
    refuseHazards(p.flags, Boolean(req.allowDestructive), req.command);
    await requireRoles(db, ctx.store, p.edges, label, req.command);
    if (p.way?.kind === 'direct') ctx.onProgress?.(`${req.command}: ${p.way.reason}`);
    const script = scriptOf(from, p, version);
    run.script = script;
    const ms = await runUnits(db, ctx, req.command, script, run);
    await db.exec('COMMIT');
    inTx = false;
    return appliedResult(req, label, from, p, reportEdges(script, ms), t0);
  } catch (err) {
    if (inTx) await db.exec('ROLLBACK').catch(() => {});
    throw deployFailure(err, run, req.command, label);
  }
}

/** offlineScript is `--sql`: the script from the recorded commit (or --from) to the target, with nothing run. */
async function offlineScript(
  ctx: DeployContext,
  req: MoveRequest,
  label: string,
  version: string,
  t0: number,
): Promise<MoveResult> {
  const recorded = await offlineStart(ctx, req, label);
  const from = recorded.commit ?? BASE;
  const p = await prepare(ctx, req, from, recorded.hash);
  if (p.flags.irreversible.length)
    refuseHazards({ destructive: [], irreversible: p.flags.irreversible }, true, req.command);
  const script = scriptOf(from, p, version);
  let sql = renderScript(script, {
    command: req.command,
    version,
    ...(ctx.db ? { target: label } : {}),
    ...(p.way ? { way: p.way } : {}),
  });
  if (p.edges.length === 0)
    sql = `${sql.slice(0, sql.indexOf('\nBEGIN;'))}\n${sqlComment(`nothing to do: the database is already at ${short(from)}`)}\n`;
  if (p.flags.destructive.length) sql = withLossWarning(sql, p.flags.destructive);
  return {
    command: req.command,
    target: label,
    from: nodeOut(from, p.fromHash),
    to: nodeOut(p.target, p.targetHash),
    applied: false,
    upToDate: p.edges.length === 0,
    edges: reportEdges(script),
    destructive: p.flags.destructive,
    sql,
    ...(p.way ? { way: p.way } : {}),
    ms: Math.round(performance.now() - t0),
  };
}

/** offlineStart is where an offline script starts: --from, else what the database records (refusing a database
 * an online deploy left between two commits, or one with objects but no record), else nothing. */
async function offlineStart(ctx: DeployContext, req: MoveRequest, label: string): Promise<Recorded> {
  if (req.from !== undefined)
    return req.from === 'base' ? { tables: false } : { tables: true, commit: await ctx.store.resolve(req.from) };
  if (!ctx.db) return { tables: false };
  const recorded = await readRecorded(ctx.db);
  await refuseUnfinished(ctx.db, req.command);
  if (!recorded.commit) await refuseNonEmpty(ctx.db, label, req.command);
  return recorded;
}

/** withLossWarning puts a comment naming the steps that lose data above the script's BEGIN. */
function withLossWarning(sql: string, destructive: readonly FlaggedStep[]): string {
  const warn = sqlComment(
    [
      'WARNING: this script loses data (online it needs --allow-destructive):',
      ...destructive.map((s) => `  ${s.edge}: ${s.what}`),
    ].join('\n'),
  );
  const at = sql.indexOf('\nBEGIN;');
  return `${sql.slice(0, at)}\n${warn}\n${sql.slice(at)}`;
}

/** lockDeploys pins the session settings and takes the deploy lock of this transaction, saying so when it waits. */
async function lockDeploys(db: Driver, ctx: DeployContext): Promise<void> {
  await pinSettings(db, { local: true }); // before any generated SQL (a pooler may not keep session settings)
  const [got] = await db.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS ok`);
  if (!got?.ok) {
    ctx.onProgress?.('waiting for another schemaver deploy on this database to finish...');
    await db.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
  }
}

/** runUnits runs a script's units in order (the offline-only guard aside), reporting each edge and statement as it
 * goes; returns each edge's milliseconds. `run.unit` is the unit running, so a failure can name it. */
async function runUnits(
  db: Driver,
  ctx: DeployContext,
  command: string,
  script: DeployScript,
  run: ScriptRun,
): Promise<number[]> {
  const ms: number[] = [];
  let edge: number | undefined;
  let edgeStart = 0;
  for (const u of script.units) {
    if (u.offlineOnly) continue; // the guard: checked above, under the lock, in this transaction
    run.unit = u;
    if (u.edge !== undefined && u.edge !== edge) {
      edge = u.edge;
      edgeStart = performance.now();
      const e = script.edges[u.edge]!;
      ctx.onProgress?.(
        `${command} ${u.edge + 1}/${script.edges.length}: ${edgeLabel(e)}${e.message ? ' ' + e.message.split('\n')[0] : ''} (${u.statements} statement(s))`,
      );
    }
    await db.exec(u.sql);
    if (u.edge !== undefined && u.statement !== undefined && u.statements !== undefined)
      ctx.onStatement?.(u.statement, u.statements);
    if (u.edge !== undefined && u.statement === u.statements) ms[u.edge] = Math.round(performance.now() - edgeStart);
  }
  run.unit = undefined;
  return ms;
}

/** appliedResult is the result of a move whose statements ran and were committed (one transaction or online). */
export function appliedResult(
  req: MoveRequest,
  label: string,
  from: string,
  p: {
    fromHash?: string | undefined;
    target: string;
    targetHash?: string | undefined;
    flags: { destructive: FlaggedStep[] };
  },
  edges: readonly EdgeReport[],
  t0: number,
): MoveResult {
  return {
    command: req.command,
    target: label,
    from: nodeOut(from, p.fromHash),
    to: nodeOut(p.target, p.targetHash),
    applied: true,
    upToDate: false,
    edges,
    destructive: p.flags.destructive,
    ms: Math.round(performance.now() - t0),
  };
}

/** upToDate is the result of a move that found nothing to do. */
export function upToDate(
  req: MoveRequest,
  label: string,
  from: string,
  p: { fromHash?: string | undefined; target: string; targetHash?: string | undefined },
  t0: number,
): MoveResult {
  return {
    command: req.command,
    target: label,
    from: nodeOut(from, p.fromHash),
    to: nodeOut(p.target, p.targetHash),
    applied: false,
    upToDate: true,
    edges: [],
    destructive: [],
    ms: Math.round(performance.now() - t0),
  };
}

/** short writes a commit id for people (re-exported for commands). */
export { short };

/** nodeOut writes a node for JSON (re-exported for app/move.ts). */
export { nodeOut };
