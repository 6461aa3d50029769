/**
 * The plan service: the migration between two revisions (either may be WORKING), up or down, with each step
 * flagged by the one hazard judge (plan/hazards.ts) — down steps are judged as a downgrade judges them.
 */
import type { Step, StepSummary } from '../model/plan.js';
import type { Schema } from '../model/types.js';
import { applyExcludes } from '../model/exclude.js';
import type { MigrationPlan } from '../plan/index.js';
import { withRecordedRenames } from './chain.js';
import { excludeRules, onlineSettings } from './config.js';
import { downSteps } from '../plan/hazards.js';
import { prepareEdge } from './edge.js';
import { isOnlineScript } from '../sql/online.js';
import type { Finding } from '../lint/index.js';
import { startLint, type LintJob } from '../lint/offload.js';
import { loadRevOrEmpty, openProject, type LoadedRev } from './project.js';

/** PlanStepJson is one step as `plan --json` prints it. */
export interface PlanStepJson {
  readonly what: string;
  readonly object: string;
  readonly destructive: boolean;
  readonly rewrite: boolean;
  readonly lock: boolean;
  readonly reversible: boolean;
  readonly transactional: boolean;
  readonly sql: readonly string[];
  readonly reverse: readonly string[] | null;
}

/** PlanResult is what `plan --json` prints. */
export interface PlanResult {
  readonly from: { readonly rev: string; readonly id: string | null; readonly hash: string };
  readonly to: { readonly rev: string; readonly id: string | null; readonly hash: string };
  readonly direction: 'up' | 'down';
  readonly destructive: boolean;
  readonly steps: readonly PlanStepJson[];
  readonly sql: string;
  /** irreversible: the steps with no down SQL (what --down cannot undo). */
  readonly irreversible: readonly string[];
  /** online: the plan is the online-safe form (each step commits on its own). */
  readonly online: boolean;
  /** hazards: what the script does to a database under live traffic, by squawk rule name (lint/index.ts). */
  readonly hazards: readonly Finding[];
}

/**
 * planRevisions plans `a` -> `b` (HEAD before the first commit is the empty schema); `down` gives b -> a as the
 * down script runs it. Objects the `exclude` rules (and `exclude:` in schemaver.yaml) name are left out of both
 * sides; renames the commits between a and b recorded apply even when b's YAML no longer carries the hints.
 */
export async function planRevisions(
  start: string,
  a: string,
  b: string,
  opts: { down: boolean; exclude?: readonly string[]; online?: boolean },
): Promise<PlanResult> {
  // the linter's parser loads and warms on another thread while this one reads and plans
  const linting = startLint();
  try {
    return await planWith(linting, start, a, b, opts);
  } finally {
    await linting.close();
  }
}

async function planWith(
  linting: LintJob,
  start: string,
  a: string,
  b: string,
  opts: { down: boolean; exclude?: readonly string[]; online?: boolean },
): Promise<PlanResult> {
  const down = opts.down;
  const { root, store } = await openProject(start);
  const rules = await excludeRules(root, opts.exclude ?? []);
  const load = async (rev: string): Promise<LoadedRev> => {
    const r = await loadRevOrEmpty(root, rev, store);
    return rules.length ? { ...r, schema: applyExcludes(r.schema, rules) } : r;
  };
  const from = await load(a);
  const loaded = await load(b);
  const to = { ...loaded, schema: await withRecordedRenames(store, from, loaded) };
  const online = (await onlineSettings(root, opts.online)).enabled;
  const edge = prepareEdge({ id: from.id ?? '', schema: from.schema, hash: from.hash }, to, {}, to.files, { online });
  const plan = edge.plan;
  const flags = down ? downFlags(plan, to.schema, from.schema) : edge.steps;
  const ordered: readonly Step[] = down ? [...plan.steps].reverse() : plan.steps;
  const steps: PlanStepJson[] = ordered.map((s, i) => ({
    ...flags[i]!,
    transactional: s.transactional !== false,
    sql: down ? (s.reverse ?? []) : s.sql,
    reverse: down ? s.sql : s.reverse,
  }));
  const sql = down ? edge.migration.down : edge.migration.up;
  return {
    hazards: await linting.lint(sql),
    from: side(from),
    to: side(to),
    direction: down ? 'down' : 'up',
    destructive: steps.some((s) => s.destructive),
    steps,
    sql,
    irreversible: plan.steps.filter((s) => s.reverse === null).map((s) => s.what),
    online: isOnlineScript(edge.migration.up),
  };
}

/** downFlags flags the down steps; when B -> A cannot be planned (a type with no cast back) nothing is called lossy. */
function downFlags(plan: MigrationPlan, child: Schema, parent: Schema): StepSummary[] {
  try {
    return downSteps(plan, child, parent);
  } catch {
    return [...plan.steps].reverse().map((s) => ({
      what: `undo ${s.what}`,
      object: s.object,
      destructive: false,
      rewrite: s.rewrite,
      lock: s.lock,
      reversible: s.reverse !== null,
    }));
  }
}

function side(r: LoadedRev): PlanResult['from'] {
  return { rev: r.rev, id: r.id ?? null, hash: r.hash };
}
