/** The service behind the `upgrade` and `downgrade` commands: open the project and target, move or print the script. */
import { SchemaverError, envFailure } from '../errors.js';
import { move, type MoveResult } from '../deploy/engine.js';
import { emptySchema } from '../model/types.js';
import type { StepSummary } from '../model/plan.js';
import { schemaHash } from '../canon/index.js';
import { proveEdges, type EdgeJob } from '../pg/prove.js';
import { cacheDir } from '../store/index.js';
import { describeFailure, failingSteps, type FailingStep } from './datafail.js';
import type { Store } from '../store/index.js';
import { withDeploy, type DeploySession } from '../deploy/session.js';
import { onlineSettings, type OnlineSettings } from './config.js';
import { moveOnline, type OnlineRun } from '../deploy/online.js';
import { renderOnlineScript } from '../deploy/online-script.js';
import { nodeOut } from '../deploy/engine.js';
import type { ProveDirect } from '../deploy/direct.js';

/** MoveFlags are the parsed flags of upgrade/downgrade. */
export interface MoveFlags {
  readonly rev?: string;
  readonly url?: string;
  readonly 'allow-destructive'?: boolean;
  readonly sql?: boolean;
  readonly from?: string;
  /** online: --online / --no-online (default: `online:` in schemaver.yaml). */
  readonly online?: boolean;
}

/** checkRevs resolves the revisions named on the command line (exit 2 when unknown) before anything is opened. */
async function checkRevs(store: Store, command: 'upgrade' | 'downgrade', f: MoveFlags): Promise<void> {
  for (const rev of [f.rev ?? (command === 'upgrade' ? 'HEAD' : undefined), f.from]) {
    if (rev === undefined || rev === 'base' || /^[-+]\d+$/.test(rev)) continue;
    if (rev === 'HEAD' && !(await store.head())) {
      throw new SchemaverError({
        code: 'no-commits',
        message: 'there are no commits to deploy yet',
        hint: 'commit the schema first: `schemaver commit -m "..."`',
        exit: 2,
      });
    }
    await store.resolve(rev);
  }
}

/** runMove opens the project and target and runs (or with --sql, prints) an upgrade or downgrade. */
export async function runMove(
  start: string,
  command: 'upgrade' | 'downgrade',
  f: MoveFlags,
  note: (line: string) => void,
  onStatement?: (done: number, total: number) => void,
): Promise<MoveOutcome> {
  if (f.from !== undefined && !f.sql) {
    // checked before anything is opened: bad input writes nothing (not even the local database)
    throw new SchemaverError({
      code: 'bad-usage',
      message: '--from only goes with --sql (offline mode)',
      hint: 'online, schemaver reads where the database is from schemaver_version',
      exit: 2,
    });
  }
  const revs = [f.rev && !/^[-+]\d+$/.test(f.rev) && f.rev !== 'base' ? f.rev : 'HEAD'];
  // --sql never creates the local database; an absent one is empty.
  return withDeploy(
    {
      start,
      url: f.url,
      create: !f.sql,
      revs,
      onWait: note,
      offline: Boolean(f.sql) && f.from !== undefined,
      check: (store) => checkRevs(store, command, f),
    },
    async (s) => {
      if (!s.target.db && !f.sql) throw envFailure('no-database', `no database to ${command}`);
      const settings = await onlineSettings(s.root, f.online);
      if (settings.enabled) return runOnline(s, command, f, settings, note);
      const r = await move(
        {
          store: s.store,
          proveDirect: directProver(cacheDir(s.root)),
          db: f.from !== undefined ? undefined : s.target.db,
          label: s.target.label,
          // progress on stderr: the waiting notice always, one line per edge on multi-edge runs
          onProgress: (l) => {
            const m = /^\w+ \d+\/(\d+):/.exec(l);
            if (!m || Number(m[1]) > 1) note(l);
          },
          ...(onStatement ? { onStatement } : {}),
        },
        {
          command,
          rev: f.rev,
          allowDestructive: Boolean(f['allow-destructive']),
          sql: Boolean(f.sql),
          ...(f.from !== undefined ? { from: f.from } : {}),
        },
      );
      return f.sql ? withDataFailures(r, s.store, cacheDir(s.root)) : r;
    },
  );
}

/** MoveOutcome is a move's result; with --sql it also names the steps of the script that fail on tables holding rows. */
export type MoveOutcome = MoveResult & { readonly failsOnData?: readonly FailingStep[] };

/**
 * withDataFailures proves the script's edges (the verification cache answers for edges proven before) and, when
 * a step fails on tables holding rows, says so in the script's header and in the result, as commit does.
 */
async function withDataFailures(r: MoveResult, store: Store, cache: string): Promise<MoveOutcome> {
  const found = await pathFailures(r, store, cache);
  if (!found.length || r.sql === undefined) return r;
  const lines = found.map((f) => `--   ${describeFailure(f)}\n--     hint: ${f.hint}`).join('\n');
  const sql = r.sql.replace(
    '\nBEGIN;',
    `\n-- WARNING: these steps work on empty tables but fail on tables holding rows:\n${lines}\n\nBEGIN;`,
  );
  return { ...r, sql, failsOnData: found };
}

/** pathFailures proves each edge of a move and keeps the failures of the direction the move runs it in. */
async function pathFailures(r: MoveResult, store: Store, cache: string): Promise<FailingStep[]> {
  const edges: { parent: string; steps: StepSummary[]; direction: 'up' | 'down' }[] = [];
  const jobs: EdgeJob[] = [];
  for (const e of r.edges) {
    const child = e.direction === 'up' ? e.to : e.from;
    const parent = (e.direction === 'up' ? e.from : e.to) ?? '';
    if (!child) continue;
    const snap = await store.readSnapshot(child);
    const m = snap.migrations.find((x) => x.parent === parent);
    if (!m) continue;
    const from = parent ? (await store.readSnapshot(parent)).schema : emptySchema();
    const reversible = m.steps.every((x) => x.reversible);
    edges.push({ parent, steps: [...m.steps], direction: e.direction });
    jobs.push({
      from,
      to: snap.schema,
      up: m.up,
      down: reversible ? m.down : null,
      opts: {
        allowDataLoss: m.steps.some((x) => x.destructive),
        hashes: { from: schemaHash(from), to: schemaHash(snap.schema) },
      },
    });
  }
  if (!jobs.length) return [];
  const proofs = await proveEdges(jobs, { cacheDir: cache });
  return failingSteps(edges, proofs).filter((f, i, all) => {
    const edge = edges.find((e) => e.parent === f.edge);
    return edge !== undefined && f.phase === edge.direction && all.indexOf(f) === i;
  });
}

/** runOnline runs (or with --sql, prints) a move online: each re-planned edge proven first, each step recorded. */
async function runOnline(
  s: DeploySession,
  command: 'upgrade' | 'downgrade',
  f: MoveFlags,
  settings: OnlineSettings,
  note: (line: string) => void,
): Promise<MoveOutcome> {
  const t0 = performance.now();
  const cache = cacheDir(s.root);
  const run: OnlineRun = {
    lockTimeout: settings.lockTimeout,
    statementTimeout: settings.statementTimeout,
    retries: settings.retries,
    prove: (jobs) =>
      proveEdges(
        jobs.map((j) => ({ from: j.from, to: j.to, up: j.up, down: j.down, opts: { allowDataLoss: j.allowDataLoss } })),
        { cacheDir: cache },
      ),
  };
  const ctx = {
    store: s.store,
    label: s.target.label,
    onProgress: note,
    proveDirect: directProver(cache),
    ...(f.from === undefined && s.target.db ? { db: s.target.db } : {}),
  };
  const req = {
    command,
    rev: f.rev,
    allowDestructive: Boolean(f['allow-destructive']),
    sql: Boolean(f.sql),
    ...(f.from !== undefined ? { from: f.from } : {}),
  };
  if (!f.sql) return moveOnline(ctx, req, run);
  const script = await renderOnlineScript(ctx, req, run);
  const g = new Map<string, string>();
  for (const e of script.edges) g.set(e.edge.to, e.edge.toHash).set(e.edge.from, e.edge.fromHash);
  return {
    command,
    target: s.target.label,
    from: nodeOut(script.from, g.get(script.from)),
    to: nodeOut(script.to, g.get(script.to)),
    applied: false,
    upToDate: script.edges.length === 0,
    edges: script.edges.map((e) => ({
      from: nodeOut(e.edge.from, undefined).commit,
      to: nodeOut(e.edge.to, undefined).commit,
      direction: e.edge.direction,
      fromHash: e.edge.fromHash,
      toHash: e.edge.toHash,
      message: e.edge.message.split('\n')[0]!,
      statements: e.groups.reduce((n, x) => n + x.statements.length, 0),
      checksum: e.checksum,
    })),
    destructive: [],
    sql: script.sql,
    ms: Math.round(performance.now() - t0),
  };
}

/** directProver proves a direct migration chosen over a lossy commit path (deploy/direct.ts), with the verification cache. */
function directProver(cache: string): ProveDirect {
  return async (j) => {
    const [r] = await proveEdges(
      [{ from: j.from, to: j.to, up: j.up, down: j.down, opts: { allowDataLoss: j.allowDataLoss } }],
      { cacheDir: cache },
    );
    return { ok: r!.ok, problems: r!.problems };
  };
}
