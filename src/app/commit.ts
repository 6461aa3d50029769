/**
 * The commit service: schema/ as a new commit with a migration from HEAD, planned and judged by the edge recipe
 * (edge.ts) and proven in PGlite on the worker the command started early. The commit's store objects are
 * prepared while the proof runs and written only after it passed.
 */
import { SchemaverError, negative } from '../errors.js';
import type { StepSummary } from '../model/plan.js';
import { emptySchema, type Schema } from '../model/types.js';
import { cacheDir, schemaHashOf, type PreparedCommit, type Store } from '../store/index.js';
import { amendedSql, edgeBase } from '../history/amend.js';
import { YAML_BYTES_PER_OBJECT, type Verifier } from '../pg/offload.js';
import type { VerifyResult } from '../pg/verify.js';
import { objectCount } from '../pg/images.js';
import { lockWeight } from '../pg/weight.js';
import { SPLIT_BELOW } from '../pg/prove.js';
import { failingSteps, refuseFailingOnData, type FailingStep } from './datafail.js';
import type { HandScripts, PlannedEdge, PreparedEdge, ProveEdgesOptions } from './edge.js';
import { onlineSettings } from './config.js';
import {
  fileDirt,
  headHash,
  loadWorking,
  openProject,
  readSchemaModules,
  rememberNormalizedCommit,
  shortId,
  type EarlyRev,
  type LoadedRev,
} from './project.js';
import { mergeInProgress } from '../gitint/mergestate.js';
import { defaultJsTierUp } from '../proc.js';

/** CommitResult is what `commit --json` prints. */
export interface CommitResult {
  readonly id: string;
  readonly branch: string | null;
  readonly message: string;
  readonly schemaHash: string;
  readonly parents: readonly string[];
  readonly migrations: readonly {
    readonly parent: string;
    readonly steps: readonly StepSummary[];
    readonly renames: readonly string[];
    readonly handEdited: boolean;
    readonly verified: boolean;
    readonly verifyMs?: number;
    /** failsOnData: steps that fail on tables holding rows, accepted with --allow-empty-only. */
    readonly failsOnData?: readonly FailingStep[];
    /** online: the edge's online form (`upgrade --online` runs it), proven with the commit; absent when it equals the stored one. */
    readonly online?: { readonly steps: readonly StepSummary[]; readonly verified: boolean };
  }[];
}

/** CommitRequest is what the command asks for: the message, consent flags, hand-edited scripts and the early verifier (none with --no-verify). */
export interface CommitRequest {
  /** message: required unless `amend` (which keeps the amended commit's message by default). */
  readonly message?: string;
  /** amend: replace HEAD by a commit of schema/ migrated from HEAD's parent. */
  readonly amend?: boolean;
  readonly allowDestructive: boolean;
  /** allowEmptyOnly: accept steps that fail on tables holding rows (tables empty in every database). */
  readonly allowEmptyOnly?: boolean;
  /** online: also plan and prove the edge's online form (--online; default `online:` in schemaver.yaml). */
  readonly online?: boolean;
  readonly hand: HandScripts;
  readonly verifier?: Verifier;
  /** helper: a second verifier started early; a small edge's target side runs there (closed by the caller). */
  readonly helper?: Verifier;
  /** note tells people what is happening (stderr); onProgress ticks statements of the proof. */
  readonly note?: (line: string) => void;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
  /** onProofEnd runs when the proof has settled (the command clears its progress line). */
  readonly onProofEnd?: () => void;
}

/** CommitOutcome is the result plus what the human summary needs beyond --json. */
export interface CommitOutcome {
  readonly result: CommitResult;
  /** amended: the commit replaced by --amend. */
  readonly amended?: string;
  /** textOnly: the schema equals its parent's (comments or formatting only): no migration was proven. */
  readonly textOnly: boolean;
}

/** CommitEdge is what a commit of schema/ stores: its parent, message, files and the edge from the parent (with
 * its online form when that differs, to be proven with it). */
interface CommitEdge {
  readonly head: { id: string; hash: string } | undefined;
  readonly amended: string | undefined;
  readonly message: string;
  readonly working: LoadedRev;
  /** textOnly: the schema equals its parent's (comments or formatting only): no migration is proven. */
  readonly textOnly: boolean;
  readonly edge: PreparedEdge;
  readonly edges: PreparedEdge[];
  /** helper: the second verifier, when the edge is small enough to split its proof (prove.ts: splitTarget). */
  readonly helper: Verifier | undefined;
  /** confirmed: schema/ was loaded early (loadWorking): whether its normalisation kept `working.schema`. */
  readonly confirmed?: Promise<boolean>;
  /** resume lets that normalisation's later rounds run (once the proof is sent: they take this thread). */
  readonly resume?: () => void;
  /** proof: the proof of `edges`, sent before the model was hashed (a root commit's: sendRootProof). */
  readonly proof?: Promise<VerifyResult[]>;
}

/** EdgeModule is the planner's side of a commit (edge.ts: plan/ and diff/ with it, a third of the command's modules). */
type EdgeModule = typeof import('./edge.js');

/**
 * edgeModule loads edge.ts on first use: commit asks for it once schema/ is read and the proof's target side is on its
 * way to the verifier (commitEdge), so that loading the planner overlaps that build instead of delaying its start.
 * `edgeLoaded` is the module once loaded.
 */
function edgeModule(): Promise<EdgeModule> {
  edgeLoading ??= import('./edge.js').then((m) => (edgeLoaded = m));
  edgeLoading.catch(() => undefined); // awaited where it is used
  return edgeLoading;
}

let edgeLoading: Promise<EdgeModule> | undefined;
let edgeLoaded: EdgeModule | undefined;

/** withPlanner starts loading edge.ts (edgeModule) as the normalisation's first build is sent, whose answer this thread then waits for; returns `sent`. */
function withPlanner<T>(sent: T): T {
  void edgeModule();
  return sent;
}

/** commitWorking commits schema/ under the store lock: refuses what it must (exit 1/2), proves, then writes. */
export async function commitWorking(start: string, req: CommitRequest): Promise<CommitOutcome> {
  const { root, store } = await openProject(start);
  return store.withLock(async () => {
    if (await mergeInProgress(root, store, req.note)) {
      throw new SchemaverError({
        code: 'merge-in-progress',
        message: 'a merge is in progress',
        hint: 'finish it with `schemaver merge --continue` or drop it with `schemaver merge --abort`',
        exit: 2,
      });
    }
    // with a proof to run, schema/'s normalisation answers after its first build and confirms it while the proof
    // runs; when PostgreSQL respelled its own text again, the commit is planned and proven once more with the final form
    let c = await commitEdge(root, store, req, Boolean(req.verifier));
    let outcome = await proveAndPrepare(root, store, req, c);
    if (!outcome.confirmed) {
      await outcome.prepared.discard();
      c = await commitEdge(root, store, { ...req, helper: undefined }, false);
      outcome = await proveAndPrepare(root, store, req, c);
    }
    const { prepared, results } = outcome;
    let failsOnData: FailingStep[];
    try {
      if (results) await (await edgeModule()).refuseFailedProofs(c.edges, results, 'commit', c.working.files);
      failsOnData = results ? failingSteps([c.edge], results.slice(0, 1)) : [];
      refuseFailingOnData(failsOnData, Boolean(req.allowEmptyOnly), 'commit again');
      if (c.amended) await store.writeState('ORIG_HEAD', c.amended + '\n');
    } catch (e) {
      await prepared.discard(); // what it staged during the proof: a refused commit writes nothing
      throw e;
    }
    const id = await prepared.write();
    await rememberNormalizedCommit(root, id, c.working.schema); // the next status finds HEAD's normal form by its id
    const branch = (await store.currentBranch()) ?? null;
    const result = commitResult(id, branch, c, results, failsOnData);
    return { result, textOnly: c.textOnly, ...(c.amended ? { amended: c.amended } : {}) };
  });
}

/**
 * proveAndPrepare proves the commit's edges on the verifier while this thread prepares its store objects (and
 * confirms schema/'s normalisation when it was loaded early); `confirmed` false: the schema was respelled, nothing
 * of this round may be used.
 */
async function proveAndPrepare(
  root: string,
  store: Store,
  req: CommitRequest,
  c: CommitEdge,
): Promise<{ confirmed: boolean; prepared: PreparedCommit; results: VerifyResult[] | undefined }> {
  if (req.verifier) req.note?.(`verifying the migration from ${c.head ? shortId(c.head.id) : 'nothing'} in PGlite...`);
  // The proof runs on the worker thread while this one prepares the commit's objects
  // a small edge's target side runs on a second worker (prove.ts: splitTarget)
  const { proveEdgesOf } = await edgeModule();
  const proof =
    c.proof ?? (req.verifier && !c.textOnly ? proveEdgesOf(c.edges, proofOptions(root, req, c.helper)) : undefined);
  proof?.catch(() => undefined); // awaited below; this only keeps an early throw here from leaving it unhandled
  // the worker starts proving before this thread prepares the objects (a cached or failed proof sends nothing)
  if (proof && req.verifier)
    await Promise.race([
      req.verifier.sent,
      proof.then(
        () => undefined,
        () => undefined,
      ),
    ]);
  defaultJsTierUp(); // the proof runs: its JavaScript tiers up as V8 does by default (proc.ts slowJsTierUp)
  c.resume?.(); // the normalisation's later rounds may take this thread now
  const prepared = await store
    .prepareCommit({
      message: c.message,
      parents: c.head ? [c.head.id] : [],
      ...(c.amended ? { replaces: c.amended } : {}),
      schema: c.working.schema,
      files: c.working.files,
      migrations: [c.edge.migration],
      // loadWorking's model is the normalisation of these very files (kept: a fresh clone loads it without a build)
      normal: (await readSchemaModules()).normalIdentity(),
    })
    .catch((e: unknown) => {
      req.onProofEnd?.(); // the error starts on a clean line
      throw e;
    });
  // its files are written (fsynced under temp names) while the proof runs: after it, write() only renames them in
  const staged = proof ? prepared.stage() : undefined;
  staged?.catch(() => undefined); // awaited below
  try {
    const results = proof ? await proof.finally(() => req.onProofEnd?.()) : undefined;
    const confirmed = c.confirmed ? await c.confirmed : true;
    await staged;
    return { confirmed, prepared, results };
  } catch (e) {
    await prepared.discard();
    throw e;
  }
}

/** proofOptions are the options of a commit's proof on `req`'s verifier (a small edge's target side on `helper`). */
function proofOptions(root: string, req: CommitRequest, helper: Verifier | undefined): ProveEdgesOptions {
  return {
    cacheDir: cacheDir(root),
    ...(req.verifier ? { started: req.verifier } : {}),
    ...(helper ? { helper } : {}),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
  };
}

/**
 * commitEdge reads schema/ and plans the edge a commit stores, refusing what needs consent (destructive steps) or
 * has nothing to commit. The verifier restores the proof's source database meanwhile: a small edge is proven on two
 * workers, the first restoring the source as an earlier proof built it (its image) while schema/ is read, the
 * helper building the target; otherwise the first worker restores an empty database, as the proof starts there.
 */
async function commitEdge(root: string, store: Store, req: CommitRequest, early: boolean): Promise<CommitEdge> {
  const tip = await headHash(store);
  // the edge starts at HEAD, or at HEAD's parent when HEAD is being amended
  const { head, amended, message } = await edgeBase(store, tip, Boolean(req.amend), req.message);
  const parentSchema = head ? await store.readSchema(head.id) : emptySchema();
  const helper = req.verifier && head && objectCount(parentSchema) < SPLIT_BELOW ? req.helper : undefined;
  if (!helper) void req.helper?.close(); // its spare database would only take CPU from the proof
  const spareKey = helper ? head?.hash : undefined;
  req.verifier?.prepare(cacheDir(root), spareKey, lockWeight(parentSchema));
  // the verifier's thread, idle until the proof, builds the normalisation's first shared build (or half of a whole one)
  // and, at once after it, its second round, on the database the proof then takes (a big root commit's too: its
  // worker's PGlite tiers up from the start, pg/worker.ts, so these builds warm the optimized code the proof runs)
  const verifier = req.verifier;
  let resume: (() => void) | undefined;
  const resumed = new Promise<void>((r) => (resume = r));
  const loaded = early
    ? await loadWorking(root, {
        early: true,
        resume: resumed,
        ...(verifier
          ? {
              helper: (s) => withPlanner(verifier.readback(s)),
              reread: () => verifier.reread(),
              // sized by schema/'s bytes before the parse (~0.6 s for 1000 tables): a big schema's spare is restored
              // with the big lock table meanwhile, and the normalisation's first build on the worker takes it
              read: (files) =>
                verifier.prepare(cacheDir(root), spareKey, lockWeight(parentSchema) + yamlObjects(files)),
            }
          : {}),
      })
    : await loadWorking(root);
  req.verifier?.prepare(cacheDir(root), spareKey, lockWeight(parentSchema) + lockWeight(loaded.schema)); // the lock table both need
  // of the snapshot as read (the cache key must follow the content)
  const fromHash = await schemaHashOf(parentSchema);
  // a root commit's proof is sent as soon as its scripts are planned, before the model is hashed
  const root0 =
    !head && !amended && req.verifier && isEarly(loaded)
      ? await sendRootProof(root, req, loaded, parentSchema, fromHash)
      : undefined;
  const working: LoadedRev & { confirmed?: Promise<boolean> } = isEarly(loaded)
    ? { ...loaded, hash: await loaded.hash() }
    : loaded;
  // a small edge proven on one thread: its target side is built there now, while this thread plans the edge
  const small = objectCount(parentSchema) > 0 && objectCount(parentSchema) < SPLIT_BELOW;
  if (req.verifier && head && !helper && working.hash !== fromHash && small)
    req.verifier.expect(parentSchema, working.schema, { from: fromHash, to: working.hash }, cacheDir(root));
  void edgeModule(); // loads while the target side builds
  let hand = req.hand;
  const kept = amended && hand.up === undefined ? await amendedSql(store, amended, working.hash) : undefined;
  if (kept) hand = kept;
  const textOnly =
    head && head.hash === working.hash
      ? await sameSchemaKind(store, head.id, working, hand.up, amended, message)
      : false;
  if (!head && working.hash === fromHash && hand.up === undefined) {
    throw negative(
      'nothing-to-commit',
      'nothing to commit: schema/ declares no objects yet',
      'declare some objects in schema/*.yaml first',
    );
  }
  const { hashedEdge, prepareEdge, refuseDestructive } = await edgeModule();
  const edge = root0
    ? hashedEdge(root0.edge, fromHash, working.hash)
    : prepareEdge(
        { id: head?.id ?? '', schema: parentSchema, hash: fromHash },
        { schema: working.schema, hash: working.hash },
        hand,
        working.files,
      );
  refuseDestructive([edge], req.allowDestructive, 'commit again');
  // the online form upgrade --online will run is proven with the commit (the store keeps the one-transaction form)
  const edges =
    !root0 && (await onlineSettings(root, req.online)).enabled ? withOnlineForm(edge, hand, working.files) : [edge];
  const confirmed = working.confirmed;
  return {
    ...(root0 ? { proof: root0.proof } : {}),
    head,
    amended,
    message,
    working,
    textOnly,
    edge,
    edges,
    helper: textOnly ? undefined : helper,
    ...(confirmed ? { confirmed, resume: resume! } : {}),
  };
}

/**
 * sendRootProof plans a root commit's edge (nothing -> schema/) and sends its proof before the model is hashed (~0.1 s
 * for 1000 tables, then on this thread while the proof runs; the hashes only key the verification cache). Undefined,
 * nothing sent, where the commit may yet be refused before its proof (destructive steps, nothing to commit: no step
 * and no --up) or proves more than this edge (its online form): commitEdge then plans as for any commit.
 */
async function sendRootProof(
  root: string,
  req: CommitRequest,
  loaded: EarlyRev,
  parent: Schema,
  fromHash: string,
): Promise<{ edge: PlannedEdge; proof: Promise<VerifyResult[]> } | undefined> {
  if ((await onlineSettings(root, req.online)).enabled) return undefined;
  const { planEdge, proveEdgesOf } = await edgeModule();
  const edge = planEdge({ id: '', schema: parent }, loaded.schema, req.hand, loaded.files);
  if (edge.destructive.length || (edge.steps.length === 0 && req.hand.up === undefined)) return undefined;
  // the cache key's hashes, when proveEdges asks: before the proof only when the cache holds an edge it could answer
  const hashes = async () => ({ from: fromHash, to: await loaded.hash() });
  const proof = proveEdgesOf([{ ...edge, hashes }], proofOptions(root, req, undefined));
  const settled = proof.then(
    () => undefined,
    () => undefined, // awaited by proveAndPrepare
  );
  await Promise.race([req.verifier?.sent, settled]); // handed to the worker before this thread hashes the model
  defaultJsTierUp(); // the proof runs: its JavaScript tiers up as V8 does by default (proc.ts slowJsTierUp)
  return { edge, proof };
}

/** isEarly tells a WORKING loaded early (its hash made when asked) from one loaded whole. */
function isEarly(rev: EarlyRev | LoadedRev): rev is EarlyRev {
  return typeof rev.hash === 'function';
}

/** yamlObjects estimates how many model objects schema/'s files declare, from their size alone. */
function yamlObjects(files: readonly { readonly text: string }[]): number {
  let bytes = 0;
  for (const f of files) bytes += f.text.length;
  return Math.floor(bytes / YAML_BYTES_PER_OBJECT);
}

/** commitResult is the --json result of a written commit: its edge, and how its proof went. */
function commitResult(
  id: string,
  branch: string | null,
  c: CommitEdge,
  results: readonly VerifyResult[] | undefined,
  failsOnData: readonly FailingStep[],
): CommitResult {
  const res = results?.[0];
  const { edge, edges } = c;
  return {
    id,
    branch,
    message: c.message,
    schemaHash: c.working.hash,
    parents: c.head ? [c.head.id] : [],
    migrations: [
      {
        parent: edge.parent,
        steps: edge.steps,
        renames: edge.renames,
        handEdited: edge.handEdited,
        verified: res !== undefined,
        ...(res ? { verifyMs: res.ms } : {}),
        ...(failsOnData.length ? { failsOnData } : {}),
        ...(edges[1] ? { online: { steps: edges[1].steps, verified: results?.[1] !== undefined } } : {}),
      },
    ],
  };
}

/** withOnlineForm adds the edge's online form (plan/online.ts) when it differs from the stored one, to be proven with it. */
function withOnlineForm(edge: PreparedEdge, hand: HandScripts, files: LoadedRev['files']): PreparedEdge[] {
  // edge.ts has loaded: commitEdge awaited it before planning
  const online = edgeLoaded!.prepareEdge(
    { id: edge.parent, schema: edge.from, hash: edge.migration.fromHash },
    { schema: edge.to, hash: edge.migration.toHash },
    hand,
    files,
    { online: true },
  );
  return online.migration.up !== edge.migration.up ? [edge, online] : [edge];
}

/**
 * sameSchemaKind decides a commit whose schema equals its parent's: a data-only commit (--up SQL given: false,
 * it is proven like any edge), a comments/formatting-only commit (true: no migration), or nothing to commit.
 */
async function sameSchemaKind(
  store: Store,
  parent: string,
  working: LoadedRev,
  upText: string | undefined,
  amended: string | undefined,
  message: string,
): Promise<boolean> {
  if (upText !== undefined) return false;
  const d = await fileDirt(store, parent, working.files);
  const edited = [...d.added, ...d.removed, ...d.modified];
  if (edited.length) return true;
  if (amended && (await store.readCommit(amended)).message !== message) return true; // a new message for HEAD
  throw negative(
    'nothing-to-commit',
    amended
      ? `nothing to amend: schema/ and the message are those of ${shortId(amended)}'s parent`
      : `nothing to commit: schema/ matches HEAD (${shortId(parent)}) byte for byte`,
    amended
      ? 'to drop HEAD altogether use `schemaver reset --hard HEAD~1`'
      : 'edit schema/*.yaml first (a comment-only edit is a commit too); a data-only commit takes --up FILE',
    { head: parent },
  );
}
