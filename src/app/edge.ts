/**
 * The edge recipe: how every command turns two schemas into a migration and proves it. `prepareEdge` plans,
 * renders and judges one parent edge (hand-edited scripts replace the rendered ones); `proveEdgesOf` proves
 * edges in PGlite with the options the proof needs (data loss allowed where a step is destructive, the
 * creation-script shortcut only for generated scripts, the hashes of the cache key); `refuseDestructive` and
 * `refuseFailedProofs` are the refusals. `commit`, `merge`, `show WORKING` and `plan` go through here.
 */
import { negative } from '../errors.js';
import type { Change } from '../model/changes.js';
import type { Migration, StepSummary } from '../model/plan.js';
import type { Schema } from '../model/types.js';
import { schemaHash } from '../canon/index.js';
import { planMigration, renderDown, renderUp, summarizeSteps, type MigrationPlan } from '../plan/index.js';
import { onlinePlan, renderOnline } from '../plan/online.js';
import type { EdgeJob } from '../pg/prove.js';
import type { Verifier } from '../pg/offload.js';
import type { VerifyResult } from '../pg/verify.js';
import type { SourceFile } from '../parse/index.js';
import { withColumnLoc } from './locate.js';

/** EdgeEnd is one end of an edge: a commit's schema (`id` '' for nothing) and its hash when known. */
export interface EdgeEnd {
  readonly id: string;
  readonly schema: Schema;
  readonly hash?: string;
}

/** HandScripts are hand-edited scripts that replace the rendered ones (`commit --up FILE [--down FILE]`). */
export interface HandScripts {
  readonly up?: string;
  readonly down?: string;
}

/** PlannedEdge is one parent edge planned, rendered and judged, before its ends are hashed: ready to prove (planEdge). */
export interface PlannedEdge {
  readonly parent: string;
  readonly from: Schema;
  readonly to: Schema;
  readonly plan: MigrationPlan;
  readonly steps: readonly StepSummary[];
  readonly destructive: readonly StepSummary[];
  readonly reversible: boolean;
  readonly handEdited: boolean;
  readonly renames: readonly string[];
  readonly up: string;
  readonly down: string;
  /** proofDown: the down script the proof runs (null when the edge cannot be undone). */
  readonly proofDown: string | null;
}

/** PreparedEdge is one parent edge planned, rendered and judged, ready to store and to prove. */
export interface PreparedEdge extends PlannedEdge {
  readonly migration: Migration;
}

/**
 * prepareEdge plans `from` -> `to`, renders both scripts (or takes the hand-edited ones) and flags the steps. With
 * `files` (the YAML `to` was parsed from), a planner error about one column points at that column's line.
 */
export function prepareEdge(
  from: EdgeEnd,
  to: Omit<EdgeEnd, 'id'>,
  hand: HandScripts = {},
  files?: readonly SourceFile[],
  opts: { online?: boolean } = {},
): PreparedEdge {
  const planned = planEdge(from, to.schema, hand, files, opts);
  return hashedEdge(planned, from.hash ?? schemaHash(from.schema), to.hash ?? schemaHash(to.schema));
}

/** planEdge is prepareEdge without the hashes of the edge's ends (the migration a commit stores carries them: hashedEdge). */
export function planEdge(
  from: Omit<EdgeEnd, 'hash'>,
  to: Schema,
  hand: HandScripts = {},
  files?: readonly SourceFile[],
  opts: { online?: boolean } = {},
): PlannedEdge {
  const classic = files ? withColumnLoc(files, () => planMigration(from.schema, to)) : planMigration(from.schema, to);
  // --online: the same migration in steps that never block writers for long (plan/online.ts)
  const rewritten = opts.online ? onlinePlan(classic, from.schema, to) : undefined;
  const online = rewritten?.online === true;
  const plan: MigrationPlan = online ? rewritten! : classic;
  const steps = summarizeSteps(plan);
  const up = hand.up ?? (online ? renderOnline(plan, 'up') : renderUp(plan));
  const down = hand.down ?? (online ? renderOnline(plan, 'down') : renderDown(plan));
  const reversible = steps.every((s) => s.reversible);
  const renames = describeRenames(classic.changes);
  const handEdited = hand.up !== undefined;
  return {
    parent: from.id,
    from: from.schema,
    to,
    plan,
    steps,
    destructive: steps.filter((s) => s.destructive),
    reversible,
    handEdited,
    renames,
    up,
    down,
    proofDown: hand.down !== undefined || reversible ? down : null,
  };
}

/** hashedEdge is a planned edge with the migration it stores: its scripts and steps under the hashes of its ends. */
export function hashedEdge(e: PlannedEdge, fromHash: string, toHash: string): PreparedEdge {
  const migration: Migration = {
    parent: e.parent,
    fromHash,
    toHash,
    up: e.up,
    down: e.down,
    steps: e.steps,
    ...(e.handEdited ? { handEdited: true } : {}),
    ...(e.renames.length ? { renames: e.renames } : {}),
  };
  return { ...e, migration };
}

/**
 * describeRenames lists the renames `to`'s hints apply to `from`, e.g. `column users.nick -> users.nickname`: the
 * rename changes the differ put first in `changes` (planMigration's, which found them with findRenames).
 */
function describeRenames(changes: readonly Change[]): string[] {
  const out: string[] = [];
  for (const c of changes) {
    if (c.op !== 'rename') continue;
    const kind = c.kind.replace(/_/g, ' ');
    out.push(c.table ? `${kind} ${c.table}.${c.fromId} -> ${c.table}.${c.id}` : `${kind} ${c.fromId} -> ${c.id}`);
  }
  for (const c of changes)
    if (c.op === 'rename_value') out.push(`enum value ${c.id}.${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`);
  return out;
}

/** short is the 7-hex abbreviation of a commit id ('nothing' for a root edge). */
function short(id: string): string {
  return id ? id.slice(0, 7) : 'nothing';
}

/** refuseDestructive refuses (exit 1) when a step of any edge loses data and `allow` is off; `retry` ends the hint. */
export function refuseDestructive(edges: readonly PreparedEdge[], allow: boolean, retry: string): void {
  if (allow) return;
  const many = edges.length > 1;
  const lossy = edges.flatMap((e) => e.destructive.map((s) => ({ edge: e, step: s })));
  if (!lossy.length) return;
  const whats = lossy.map(({ edge, step }) => (many ? `${step.what} (from ${short(edge.parent)})` : step.what));
  throw negative(
    'destructive-change',
    `the ${many ? 'merge' : 'migration'} loses data in ${lossy.length} step(s): ${whats.join('; ')}`,
    many
      ? `check this is intended (a database at that parent loses these), then ${retry} with --allow-destructive`
      : `check this is intended, then ${retry} with --allow-destructive (or declare renames with renamed_from)`,
    { steps: many ? whats : lossy.map((l) => l.step) },
  );
}

/** ProveEdgesOptions: the cache directory, a worker started early, and statement progress. */
export interface ProveEdgesOptions {
  readonly cacheDir?: string;
  readonly started?: Verifier;
  /** helper: a second verifier for the target side of a small edge (prove.ts ProveOptions.helper). */
  readonly helper?: Verifier;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * UnhashedEdge is a planned edge whose ends' hashes are made when asked (`hashes`): its proof can be sent first, as
 * the proof runs its scripts and schemas; the hashes only key the verification cache.
 */
export interface UnhashedEdge extends PlannedEdge {
  readonly hashes: () => Promise<{ readonly from: string; readonly to: string }>;
}

/** proveEdgesOf proves prepared edges in PGlite (both at once on two cores for a merge); results in edge order. */
export async function proveEdgesOf(
  edges: readonly (PreparedEdge | UnhashedEdge)[],
  opts: ProveEdgesOptions = {},
): Promise<VerifyResult[]> {
  const jobs: EdgeJob[] = edges.map((e) => ({
    from: e.from,
    to: e.to,
    up: e.up,
    down: e.proofDown,
    ...('migration' in e ? {} : { hashes: e.hashes }),
    opts: {
      allowDataLoss: e.destructive.length > 0,
      ...('migration' in e ? { hashes: { from: e.migration.fromHash, to: e.migration.toHash } } : {}),
      generated: !e.handEdited,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    },
  }));
  // PGlite's side (the prover, its worker and caches) loads only for a command that proves: `plan` never does
  const { proveEdges } = await import('../pg/prove.js');
  return proveEdges(jobs, {
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.started ? { started: opts.started } : {}),
    ...(opts.helper ? { helper: opts.helper } : {}),
  });
}

/**
 * refuseFailedProofs refuses at the first edge whose proof failed: the user's schema when it does not compile
 * (exit 2, located in `files`), the hand-edited SQL, or a planner bug (pg/failure.ts says which and how to report it).
 */
export async function refuseFailedProofs(
  edges: readonly PreparedEdge[],
  proofs: readonly (VerifyResult | undefined)[],
  command: 'commit' | 'merge',
  files?: readonly SourceFile[],
): Promise<void> {
  for (const [i, e] of edges.entries()) {
    const res = proofs[i];
    if (!res || res.ok) continue;
    const { proofFailure } = await import('../pg/failure.js');
    throw await proofFailure(res, files ? { schema: e.to, files } : { schema: e.to }, {
      handEdited: e.handEdited,
      ...(e.parent ? { from: short(e.parent) } : {}),
      retry: command,
    });
  }
}
