/**
 * Paths that lose nothing the endpoints keep (issue 12 item 4). The shortest way through the commit graph may go
 * down one branch and up another, or through an intermediate snapshot narrower than both ends (a varchar(200)
 * between two varchar(300)/text ends), and lose data that a direct migration between the two snapshots keeps.
 * chooseWay compares the two: when the commit path loses something the direct migration does not (and loses
 * nothing the path keeps), the direct migration is planned — with the renames every edge on the way recorded — and
 * proven in PGlite, and runs instead. Hand-edited edges (data migrations) on the path keep the path: they must run
 * in order. Either way the choice and its reason are reported (`upgrade --sql` writes them in its header).
 */
import type { Migration } from '../model/plan.js';
import { emptySchema, type Schema } from '../model/types.js';
import { chainHints } from '../diff/chain.js';
import { planMigration, renderDown, renderUp, summarizeSteps } from '../plan/index.js';
import { reverseHints } from '../plan/reverse.js';
import { BASE, edgeLabel, hazards, short, type DeployStore, type DownClassifier, type PathEdge } from './path.js';

/** ProveDirect proves a planned direct migration in PGlite: true when it verified. */
export type ProveDirect = (job: {
  from: Schema;
  to: Schema;
  up: string;
  down: string | null;
  allowDataLoss: boolean;
}) => Promise<{ ok: boolean; problems: readonly string[] }>;

/** Way is the path a move takes and why (`kind` path: the commit edges; direct: one planned migration). */
export interface Way {
  readonly kind: 'path' | 'direct';
  readonly reason: string;
}

async function schemaAt(store: DeployStore, node: string): Promise<Schema> {
  return node === BASE ? emptySchema() : (await store.readSnapshot(node)).schema;
}

/** chainedTarget returns the target schema with the renames of every edge of the path as hints from the source's names. */
async function chainedTarget(store: DeployStore, edges: readonly PathEdge[]): Promise<{ from: Schema; to: Schema }> {
  const schemas: Schema[] = [await schemaAt(store, edges[0]!.from)];
  for (const e of edges) {
    const child = await schemaAt(store, e.child);
    schemas.push(e.direction === 'up' ? child : reverseHints(child, await schemaAt(store, e.parent)));
  }
  return { from: schemas[0]!, to: chainHints(schemas) };
}

/** lossesOf lists `object: what` for the destructive steps of a path. */
async function lossesOf(store: DeployStore, edges: readonly PathEdge[], classify: DownClassifier) {
  return (await hazards(store, edges, classify)).destructive;
}

/**
 * chooseWay returns the edges a move runs: the commit path, or one direct migration when the path loses data the
 * direct migration keeps (and `prove` verifies it). `command` gives the direct edge's direction in the history.
 */
export async function chooseWay(
  store: DeployStore,
  edges: readonly PathEdge[],
  command: 'upgrade' | 'downgrade',
  classify: DownClassifier,
  prove?: ProveDirect,
): Promise<{ edges: readonly PathEdge[]; way?: Way }> {
  if (edges.length < 2) return { edges };
  const labels = edges.map(edgeLabel).join(', ');
  const lost = await lossesOf(store, edges, classify);
  if (!lost.length) return { edges, way: { kind: 'path', reason: `the commit path (${labels}) loses nothing` } };
  if (edges[0]!.from === BASE)
    return { edges, way: { kind: 'path', reason: 'the database is empty: the commit path has no data to lose' } };
  if (!prove) return { edges, way: { kind: 'path', reason: 'no verifier to prove a direct migration' } };
  const hand = edges.find((e) => e.migration.handEdited);
  const first = edges[0]!;
  const last = edges[edges.length - 1]!;
  if (hand)
    return {
      edges,
      way: {
        kind: 'path',
        reason: `the commit path keeps hand-written edge ${edgeLabel(hand)}, which must run in order (it loses data: ${lost.map((l) => l.what).join('; ')})`,
      },
    };
  const { from, to } = await chainedTarget(store, edges);
  const plan = planMigration(from, to);
  const direct = summarizeSteps(plan);
  const pathObjects = new Set(lost.map((l) => l.object));
  const directLost = direct.filter((s) => s.destructive);
  if (directLost.length >= lost.length || directLost.some((s) => !pathObjects.has(s.object)))
    return {
      edges,
      way: { kind: 'path', reason: `a direct migration would lose as much as the commit path (${labels})` },
    };
  const up = renderUp(plan);
  const reversible = plan.steps.every((s) => s.reverse !== null);
  const down = renderDown(plan);
  const r = await prove({ from, to, up, down: reversible ? down : null, allowDataLoss: directLost.length > 0 });
  if (!r.ok)
    return {
      edges,
      way: { kind: 'path', reason: `the direct migration did not verify in PGlite (${r.problems[0] ?? 'no detail'})` },
    };
  const migration: Migration = {
    parent: first.from,
    fromHash: first.fromHash,
    toHash: last.toHash,
    up,
    down,
    steps: direct,
  };
  const edge: PathEdge = {
    from: first.from,
    to: last.to,
    direction: command === 'upgrade' ? 'up' : 'down',
    fromHash: first.fromHash,
    toHash: last.toHash,
    sql: up,
    child: last.to,
    parent: first.from,
    migration,
    message: `direct migration ${short(first.from)} -> ${short(last.to)}`,
    direct: { from, to },
  };
  const reason = `direct migration ${short(first.from)} -> ${short(last.to)} (proven in PGlite): the commit path (${labels}) would lose data: ${lost.map((l) => l.what).join('; ')}; the direct migration ${directLost.length ? `loses only: ${directLost.map((s) => s.what).join('; ')}` : 'loses nothing'}`;
  return { edges: [edge], way: { kind: 'direct', reason } };
}
