/**
 * Paths through the commit graph: from the commit a database records to the commit asked for.
 * Every commit edge (child, parent) stores its migration; walking up an edge runs its up SQL, walking down
 * runs its down SQL. The path is the shortest one in the undirected parent graph, so it may go down one
 * branch and up another across a merge. `''` (BASE) is the empty database before any commit; it may only
 * be an end of a path, never a way between unrelated histories.
 */
import { SchemaverError, negative } from '../errors.js';
import { corruptStore } from '../store/read.js';
import { blobId } from '../store/objects.js';
import type { Migration, StepSummary } from '../model/plan.js';
import type { Schema } from '../model/types.js';
import { emptySchema } from '../model/types.js';
import type { CommitInfo, Store } from '../store/index.js';

/** DeployStore is the part of the Store that deploys read. */
export type DeployStore = Pick<
  Store,
  'resolve' | 'readCommit' | 'readSnapshot' | 'log' | 'branches' | 'tags' | 'head' | 'currentBranch'
>;

/** BASE is the node of the empty database (nothing applied). */
export const BASE = '';

/** short writes a commit id for people (`base` for nothing). */
export function short(id: string): string {
  return id === BASE ? 'base' : id.slice(0, 7);
}

/** PathEdge is one migration run on the way: an edge of the commit graph walked up or down. */
export interface PathEdge {
  readonly from: string;
  readonly to: string;
  readonly direction: 'up' | 'down';
  readonly fromHash: string;
  readonly toHash: string;
  /** sql: the script to run (the migration's up or down). */
  readonly sql: string;
  /** child / parent: the stored edge (child's migration from parent). */
  readonly child: string;
  readonly parent: string;
  readonly migration: Migration;
  /** message: the commit message of the child (what the edge is about). */
  readonly message: string;
  /** direct: a migration planned between the path's two ends (deploy/direct.ts), from and to with the path's renames. */
  readonly direct?: { readonly from: Schema; readonly to: Schema };
}

/** DownClassifier returns the step flags of going from `from` back to `to` (the planner's view of a down edge). */
export type DownClassifier = (from: Schema, to: Schema) => Promise<readonly StepSummary[]> | readonly StepSummary[];

/** Graph is the part of the commit graph a deploy can see, with both directions of each edge. */
export interface Graph {
  readonly commits: ReadonlyMap<string, CommitInfo>;
  readonly children: ReadonlyMap<string, readonly string[]>;
}

/** loadGraph collects every commit reachable from branches, tags, HEAD and `extra` tips. */
export async function loadGraph(store: DeployStore, extra: readonly string[] = []): Promise<Graph> {
  const tips = new Set<string>();
  for (const b of await store.branches()) tips.add(b.id);
  for (const t of await store.tags()) tips.add(t.id);
  const head = await store.head();
  if (head) tips.add(head);
  const commits = new Map<string, CommitInfo>();
  for (const tip of [...tips].sort()) {
    if (commits.has(tip)) continue;
    for (const c of await store.log(tip)) commits.set(c.id, c);
  }
  for (const x of extra) {
    if (!x || commits.has(x)) continue;
    let found: CommitInfo[];
    try {
      found = await store.log(x);
    } catch (e) {
      // a commit the store does not have (the database's record): planPath reports it; damage is refused
      const d = (e as { code?: string; data?: { object?: string; problem?: string } }).code;
      const data = (e as { data?: { object?: string; problem?: string } }).data;
      if (d === 'corrupt-store' && !(data?.object === x && data.problem === 'missing')) throw e;
      continue;
    }
    for (const c of found) commits.set(c.id, c);
  }
  const children = new Map<string, string[]>();
  for (const c of commits.values()) {
    const parents = c.parents.length ? c.parents : [BASE];
    for (const p of parents) {
      const list = children.get(p) ?? [];
      list.push(c.id);
      children.set(p, list);
    }
  }
  for (const list of children.values()) list.sort();
  return { commits, children };
}

/** neighbours lists (node, direction, child, parent) moves from a node; BASE only when allowed. */
function neighbours(
  g: Graph,
  node: string,
  allowBase: boolean,
): { node: string; direction: 'up' | 'down'; child: string; parent: string }[] {
  const out: { node: string; direction: 'up' | 'down'; child: string; parent: string }[] = [];
  if (node !== BASE) {
    const c = g.commits.get(node);
    const parents = c ? (c.parents.length ? c.parents : [BASE]) : [];
    for (const p of parents) {
      if (p === BASE && !allowBase) continue;
      out.push({ node: p, direction: 'down', child: node, parent: p });
    }
  }
  for (const ch of g.children.get(node) ?? []) out.push({ node: ch, direction: 'up', child: ch, parent: node });
  return out;
}

/** findPath returns the moves of the shortest path from `from` to `to` (commit ids or BASE); undefined when none. */
export function findPath(
  g: Graph,
  from: string,
  to: string,
): { direction: 'up' | 'down'; child: string; parent: string; from: string; to: string }[] | undefined {
  if (from === to) return [];
  const prev = new Map<string, { at: string; direction: 'up' | 'down'; child: string; parent: string }>();
  const seen = new Set<string>([from]);
  let frontier = [from];
  while (frontier.length) {
    const next: string[] = [];
    for (const n of frontier) {
      // BASE is only an end of a path: leaving it at the start, or arriving at it as the target.
      for (const m of neighbours(g, n, to === BASE)) {
        if (seen.has(m.node)) continue;
        seen.add(m.node);
        prev.set(m.node, { at: n, direction: m.direction, child: m.child, parent: m.parent });
        if (m.node === to) {
          const moves: { direction: 'up' | 'down'; child: string; parent: string; from: string; to: string }[] = [];
          let cur = to;
          while (cur !== from) {
            const p = prev.get(cur)!;
            moves.unshift({ direction: p.direction, child: p.child, parent: p.parent, from: p.at, to: cur });
            cur = p.at;
          }
          return moves;
        }
        if (m.node !== BASE) next.push(m.node);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** planPath resolves a path into runnable edges with their migrations; SchemaverError when there is none. */
export async function planPath(store: DeployStore, g: Graph, from: string, to: string): Promise<PathEdge[]> {
  if (from !== BASE && !g.commits.has(from)) {
    throw negative(
      'unknown-recorded-commit',
      `the database records commit ${from}, which this store does not have`,
      "neither .schemaver/ nor the app's git history (any branch, the reflog, or objects kept by `schemaver git install`'s checkout hook) holds it: fetch the branch or store that deployed it, or re-baseline with `schemaver stamp REV --force` after checking the schema with `schemaver check REV`",
      { commit: from },
    );
  }
  const moves = findPath(g, from, to);
  if (!moves) {
    throw negative(
      'no-path',
      `no migration path from ${short(from)} to ${short(to)}: the two snapshots share no history`,
      `schemaver does not guess between unrelated histories; downgrade to base first (loses data) or, if the database already matches, record it with \`schemaver stamp ${short(to)}\``,
      { from, to },
    );
  }
  const edges: PathEdge[] = [];
  for (const m of moves) {
    const snap = await store.readSnapshot(m.child);
    const mig = snap.migrations.find((x) => x.parent === m.parent);
    if (!mig) {
      throw corruptStore(
        `commit ${short(m.child)} stores no migration from ${short(m.parent)} (migrations/${m.parent || 'root'}/ is missing from its tree)`,
        { commit: m.child, parent: m.parent, path: `migrations/${m.parent || 'root'}`, problem: 'missing-migration' },
      );
    }
    checkScripts(m.child, m.parent, mig);
    const childHash = snap.schemaHash || mig.toHash;
    const parentHash = m.parent === BASE ? mig.fromHash : (g.commits.get(m.parent)?.schemaHash ?? mig.fromHash);
    const up = m.direction === 'up';
    edges.push({
      from: m.from,
      to: m.to,
      direction: m.direction,
      fromHash: up ? parentHash : childHash,
      toHash: up ? childHash : parentHash,
      sql: up ? mig.up : mig.down,
      child: m.child,
      parent: m.parent,
      migration: mig,
      message: snap.message,
    });
  }
  return edges;
}

/**
 * checkScripts checks a stored migration's scripts against the blob ids its commit's tree recorded for them,
 * right before a deploy uses them: a script that is not byte for byte what was committed never runs.
 */
function checkScripts(child: string, parent: string, mig: Migration): void {
  const dir = `migrations/${parent || 'root'}`;
  if (!mig.scriptIds) {
    throw corruptStore(`the scripts of ${dir} of commit ${short(child)} carry no recorded checksum`, {
      commit: child,
      path: dir,
      problem: 'unverifiable',
    });
  }
  for (const which of ['up', 'down'] as const) {
    if (blobId(mig[which]) !== mig.scriptIds[which]) {
      throw corruptStore(`${dir}/${which}.sql of commit ${short(child)} does not match its recorded checksum`, {
        commit: child,
        path: `${dir}/${which}.sql`,
        problem: 'hash-mismatch',
      });
    }
  }
}

/** FlaggedStep is a step of an edge that needs the user's consent (destructive or irreversible). */
export interface FlaggedStep {
  readonly edge: string; // `abc1234 -> def5678 (down)`
  readonly what: string;
  readonly object: string;
}

/** edgeLabel writes `abc1234 -> def5678 (up)`. */
export function edgeLabel(e: Pick<PathEdge, 'from' | 'to' | 'direction'>): string {
  return `${short(e.from)} -> ${short(e.to)} (${e.direction})`;
}

/** schemaOf reads a node's schema (empty for BASE). */
async function schemaOf(store: DeployStore, node: string): Promise<Schema> {
  return node === BASE ? emptySchema() : (await store.readSnapshot(node)).schema;
}

/** hazards lists the destructive steps and the irreversible steps a path would run. */
export async function hazards(
  store: DeployStore,
  edges: readonly PathEdge[],
  classifyDown: DownClassifier,
): Promise<{ destructive: FlaggedStep[]; irreversible: FlaggedStep[] }> {
  const destructive: FlaggedStep[] = [];
  const irreversible: FlaggedStep[] = [];
  for (const e of edges) {
    const label = edgeLabel(e);
    if (e.direction === 'up' || e.direct) {
      for (const s of e.migration.steps)
        if (s.destructive) destructive.push({ edge: label, what: s.what, object: s.object });
      continue;
    }
    for (const s of e.migration.steps)
      if (!s.reversible) irreversible.push({ edge: label, what: s.what, object: s.object });
    const steps = await classifyDown(await schemaOf(store, e.child), await schemaOf(store, e.parent));
    for (const s of steps) if (s.destructive) destructive.push({ edge: label, what: s.what, object: s.object });
  }
  return { destructive, irreversible };
}

/** firstParentBack walks `n` first-parent steps back from `start`; one step past a root reaches BASE. */
export function firstParentBack(g: Graph, start: string, n: number): string {
  let cur = start;
  for (let i = 0; i < n; i++) {
    if (cur === BASE) {
      throw new SchemaverError({
        code: 'bad-revision',
        message: `cannot go ${n} steps back from ${short(start)}: history has only ${i - 1} commit(s) below it`,
        hint: 'use `schemaver downgrade base` to remove everything, or `schemaver history` to see where the database is',
        exit: 2,
      });
    }
    const c = g.commits.get(cur);
    if (!c)
      throw negative(
        'unknown-recorded-commit',
        `the database records commit ${cur}, which this store does not have`,
        'pull the .schemaver store that deployed it',
      );
    cur = c.parents[0] ?? BASE;
  }
  return cur;
}

/** nodeOut writes a node for JSON (null for nothing). */
export function nodeOut(commit: string, hash: string | undefined): { commit: string | null; hash: string | null } {
  return { commit: commit === BASE ? null : commit, hash: commit === BASE ? null : (hash ?? null) };
}
