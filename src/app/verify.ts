/** Re-verification of stored commit edges (`schemaver verify`): which commits a revision spec names, and proving each edge again. */
import { SchemaverError } from '../errors.js';
import { emptySchema, type Schema } from '../model/types.js';
import type { Store } from '../store/index.js';
import type { VerifyData } from '../pg/verify.js';
import { proveEdges, type EdgeJob } from '../pg/prove.js';
import type { Verifier } from '../pg/offload.js';
import { schemaHash } from '../canon/index.js';
import { failingSteps, type FailingStep } from './datafail.js';

/** EdgeCheck is the outcome of re-verifying one stored edge (parent -> commit). */
export interface EdgeCheck {
  readonly commit: string;
  /** parent commit id, or '' for a root commit's edge from nothing. */
  readonly parent: string;
  readonly ok: boolean;
  readonly cached: boolean;
  readonly ms: number;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
  /** failsOnData: steps that fail on tables holding rows (each with its table, PostgreSQL's error and a hint). */
  readonly failsOnData: readonly FailingStep[];
  /** partial: proven on the edge's closure of `objects` of `of` objects (see closure.ts). */
  readonly partial?: { readonly objects: number; readonly of: number };
  /** timings: wall milliseconds per verification phase. */
  readonly timings?: Record<string, number>;
}

/** commitsToVerify resolves `REV`, `A..B` (reachable from B, not from A) or every commit (`all`), oldest first. */
export async function commitsToVerify(store: Store, spec: { rev?: string; all?: boolean }): Promise<string[]> {
  if (spec.all) {
    const tips = new Set<string>();
    const head = await store.head();
    if (head) tips.add(head);
    for (const b of await store.branches()) tips.add(b.id);
    for (const t of await store.tags()) tips.add(t.id);
    const seen = new Set<string>();
    const out: string[] = [];
    for (const tip of tips) {
      for (const c of await store.log(tip)) {
        if (!seen.has(c.id)) {
          seen.add(c.id);
          out.push(c.id);
        }
      }
    }
    return out.reverse();
  }
  const rev = spec.rev ?? 'HEAD';
  const range = /^(.*?)\.\.(.*)$/.exec(rev);
  if (range) {
    const from = await store.resolve(range[1] || 'HEAD');
    const to = await store.resolve(range[2] || 'HEAD');
    const exclude = new Set((await store.log(from)).map((c) => c.id));
    return (await store.log(to))
      .map((c) => c.id)
      .filter((id) => !exclude.has(id))
      .reverse();
  }
  if ((await store.head()) === undefined && rev === 'HEAD') {
    throw new SchemaverError({
      code: 'no-commits',
      message: 'there are no commits to verify yet',
      hint: 'commit first: `schemaver commit -m "..."`',
      exit: 2,
    });
  }
  return [await store.resolve(rev)];
}

/** verifyCommits proves every stored edge into each commit again (cached edges are skipped unless `force`), two at a time on two cores. */
export async function verifyCommits(
  store: Store,
  ids: readonly string[],
  opts: {
    cacheDir?: string;
    force?: boolean;
    started?: Verifier;
    onEdge?: (done: number, total: number, edge: EdgeCheck) => void;
  } = {},
): Promise<EdgeCheck[]> {
  const schemas = new Map<string, Schema>();
  const schemaOf = async (id: string): Promise<Schema> => {
    if (!id) return emptySchema();
    let s = schemas.get(id);
    if (!s) {
      s = await store.readSchema(id);
      schemas.set(id, s);
    }
    return s;
  };
  const work: { commit: string; migration: Awaited<ReturnType<Store['readMigrations']>>[number] }[] = [];
  for (const id of ids) for (const m of await store.readMigrations(id)) work.push({ commit: id, migration: m });
  const hashes = new Map<string, string>();
  const hashOf = async (id: string): Promise<string> => {
    // the hash of the schema as read, not the one the commit records: the cache key must follow the content
    let h = hashes.get(id);
    if (h === undefined) hashes.set(id, (h = schemaHash(await schemaOf(id))));
    return h;
  };
  const jobs: EdgeJob[] = [];
  for (const { commit, migration: m } of work) {
    const reversible = m.steps.every((s) => s.reversible);
    jobs.push({
      from: await schemaOf(m.parent),
      to: await schemaOf(commit),
      up: m.up,
      down: reversible ? m.down : null,
      opts: {
        allowDataLoss: m.steps.some((s) => s.destructive),
        hashes: { from: await hashOf(m.parent), to: await hashOf(commit) },
      },
    });
  }
  const out: EdgeCheck[] = new Array(work.length);
  let done = 0;
  await proveEdges(jobs, {
    cacheDir: opts.cacheDir,
    force: opts.force,
    ...(opts.started ? { started: opts.started } : {}),
    onEdge: (i, r) => {
      const { commit, migration: m } = work[i]!;
      const data = r.data as Partial<VerifyData> | undefined;
      const edge: EdgeCheck = {
        commit,
        parent: m.parent,
        ok: r.ok,
        cached: Boolean(data?.cached),
        ms: r.ms,
        problems: r.problems,
        warnings: data?.warnings ?? [],
        failsOnData: failingSteps([{ parent: m.parent, steps: m.steps }], [r]),
        ...(data?.partial ? { partial: data.partial } : {}),
        ...(data?.timings && !data.cached ? { timings: data.timings } : {}),
      };
      out[i] = edge;
      opts.onEdge?.(++done, work.length, edge);
    },
  });
  return out;
}
