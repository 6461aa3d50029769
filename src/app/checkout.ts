/**
 * The checkout service: switch HEAD to a branch or commit (or a new branch, -b) and rewrite schema/ from its
 * snapshot in one journaled operation, carrying over edits that the switch does not touch or that change no
 * schema (history/carry.ts); or finish/undo an interrupted checkout from its journal.
 */
import { SchemaverError, negative } from '../errors.js';
import type { SourceFile } from '../parse/index.js';
import { readSchemaDir } from '../parse/files.js';
import { listSchemaFiles, type Store } from '../store/index.js';
import { checkRefName, readHead } from '../store/refs.js';
import { describeOperation, resumeOperation, switchFiles } from '../store/switch.js';
import { carryEdits } from '../history/carry.js';
import { mergeInProgress } from '../gitint/mergestate.js';
import { cachedWorkingHash, fileDirt, isWorking, loadWorking, openProject, rememberWorkingHash } from './project.js';

/** CheckoutResult is what `checkout --json` prints. */
export interface CheckoutResult {
  readonly branch: string | null;
  readonly head: string | null;
  readonly detached: boolean;
  readonly created: boolean;
  readonly files: number;
}

/** CheckoutRequest is what the command asks for: a revision, a branch to create (-b), --force, or --continue/--abort. */
export interface CheckoutRequest {
  readonly rev?: string;
  readonly branch?: string;
  readonly force?: boolean;
  readonly resume?: 'continue' | 'abort';
}

/** CheckoutOutcome is the result plus what the human summary needs beyond --json. */
export type CheckoutOutcome =
  | {
      readonly kind: 'switched';
      readonly result: CheckoutResult;
      /** carried: edits in schema/ were carried over to the target's files. */
      readonly carried: boolean;
      /** stayed: the branch asked for is the one HEAD was on. */
      readonly stayed: boolean;
      /** subject: the first line of the target commit's message (a detached HEAD). */
      readonly subject?: string;
    }
  | {
      readonly kind: 'resumed';
      readonly result: CheckoutResult;
      readonly how: 'continue' | 'abort';
      readonly described: string;
      /** kept: files left as they are, changed since the interruption. */
      readonly kept: readonly string[];
    };

/** runCheckout switches as asked (or resumes an interrupted checkout); exit 1 over edits it would lose, exit 2 on bad usage. */
export async function runCheckout(
  start: string,
  req: CheckoutRequest,
  note: (t: string) => void,
): Promise<CheckoutOutcome> {
  if (req.resume) return resumeCheckout(start, req.resume);
  if (!req.branch && !req.rev) {
    throw new SchemaverError({
      code: 'bad-usage',
      message: 'checkout needs a branch or revision (or -b NAME)',
      hint: 'e.g. `schemaver checkout main` or `schemaver checkout -b feature`',
      exit: 2,
    });
  }
  const { root, store } = await openProject(start);
  if (req.rev && isWorking(req.rev)) {
    throw new SchemaverError({
      code: 'bad-usage',
      message: 'WORKING is schema/ itself; there is nothing to check out',
      hint: 'give a branch, tag or commit',
      exit: 2,
    });
  }
  return store.withLock(() => switchTo(root, store, req, note));
}

/** switchTo runs the switch under the store lock. */
async function switchTo(
  root: string,
  store: Store,
  req: CheckoutRequest,
  note: (t: string) => void,
): Promise<CheckoutOutcome> {
  if (!req.force && (await mergeInProgress(root, store, note))) {
    throw new SchemaverError({
      code: 'merge-in-progress',
      message: 'a merge is in progress; switching now would lose it',
      hint: 'finish it with `schemaver merge --continue`, drop it with `schemaver merge --abort`, or pass --force',
      exit: 2,
    });
  }
  const head = await store.head();
  const branchNow = await store.currentBranch();
  const { target, branch } = await targetOf(store, req, head, branchNow);
  // refuse over edits HEAD does not hold (semantic or textual: checkout rewrites the text)
  const carried = !req.force && target !== head ? await checkClean(root, store, head, target) : undefined;
  if (req.branch) await refuseBranchName(store, req.branch);
  const created = req.branch !== undefined;
  // --force rewrites schema/ even when HEAD does not move: that is how edits are discarded
  const rewrite = target !== undefined && (target !== head || req.force);
  const snapshot = rewrite ? (carried ?? (await store.readFiles(target))) : undefined;
  // crash-safe: pre-images stored, journal written, files rewritten, HEAD moved, journal removed
  await switchFiles(store, root, {
    operation: 'checkout',
    files: snapshot ?? (await readSchemaDir(root)),
    headBefore: await readHead(store.gitdir),
    headAfter: branch ? { branch } : { detached: target! },
    from: head ?? null,
    to: target ?? null,
    ...(created && target ? { createBranch: req.branch! } : {}),
  });
  if (snapshot && !carried) await rememberWorkingHash(root, snapshot, (await store.readCommit(target!)).schemaHash);
  const subject = branch ? undefined : (await store.readCommit(target!)).message.split('\n')[0];
  return {
    kind: 'switched',
    result: { branch: branch ?? null, head: target ?? null, detached: !branch, created, files: snapshot?.length ?? 0 },
    carried: carried !== undefined && snapshot !== undefined,
    stayed: !created && branch !== undefined && branch === branchNow,
    ...(subject !== undefined ? { subject } : {}),
  };
}

/** targetOf resolves what to switch to: the commit, and the branch HEAD will be on (none: detached). */
async function targetOf(
  store: Store,
  req: CheckoutRequest,
  head: string | undefined,
  branchNow: string | undefined,
): Promise<{ target: string | undefined; branch: string | undefined }> {
  if (req.branch) return { target: req.rev ? await store.resolve(req.rev) : head, branch: req.branch };
  const rev = req.rev!;
  const isBranch = (await store.branches()).some((b) => b.name === rev);
  const target = await store.resolve(rev);
  if (isBranch) return { target, branch: rev };
  // as in git: `checkout HEAD` stays on the branch
  return { target, branch: rev === 'HEAD' && branchNow ? branchNow : undefined };
}

/** refuseBranchName refuses a new branch name that is not a valid ref name or names an existing branch (exit 2).
 * Before the first commit the new branch is born with that commit, as in git. */
async function refuseBranchName(store: Store, name: string): Promise<void> {
  checkRefName(name, 'branch');
  if ((await store.branches()).some((b) => b.name === name)) {
    throw new SchemaverError({
      code: 'branch-exists',
      message: `a branch named '${name}' already exists`,
      hint: `switch to it with \`schemaver checkout ${name}\``,
      exit: 2,
    });
  }
}

/** resumeCheckout finishes or undoes an interrupted checkout from its journal. */
async function resumeCheckout(start: string, how: 'continue' | 'abort'): Promise<CheckoutOutcome> {
  const { root, store } = await openProject(start, { interrupted: 'allow' });
  const done = await store.withLock(() => resumeOperation(store, root, how));
  if (!done) {
    throw new SchemaverError({
      code: 'nothing-to-resume',
      message: `there is no interrupted operation to ${how === 'continue' ? 'finish' : 'undo'}`,
      hint: '`schemaver status` shows where HEAD and schema/ are',
      exit: 2,
    });
  }
  const op = done.operation;
  const after = how === 'continue' ? op.headAfter : op.headBefore;
  const branch = after && 'branch' in after ? after.branch : null;
  const head = (await store.head()) ?? null;
  return {
    kind: 'resumed',
    result: { branch, head, detached: !branch, created: false, files: op.files?.length ?? 0 },
    how,
    described: describeOperation(op),
    kept: done.kept,
  };
}

/** checkClean returns undefined when schema/ is HEAD's files, the files to write when its edits can be carried
 * over to `target` (src/history/carry.ts), and throws `uncommitted-changes` (exit 1) when they would be lost. */
async function checkClean(
  root: string,
  store: Store,
  head: string | undefined,
  target: string | undefined,
): Promise<SourceFile[] | undefined> {
  if (!head) {
    const present = await listSchemaFiles(root);
    if (present.length) {
      throw negative(
        'uncommitted-changes',
        `schema/ has files that were never committed: ${present.join(', ')}`,
        'commit them first, or pass --force to discard them',
      );
    }
    return undefined;
  }
  const files = await readSchemaDir(root);
  const dirt = await fileDirt(store, head, files);
  const edited = [...dirt.modified, ...dirt.added, ...dirt.removed];
  if (!edited.length || !target) return undefined;
  const hash = (await cachedWorkingHash(root))?.hash ?? (await loadWorking(root).catch(() => undefined))?.hash;
  const r = await carryEdits(store, head, target, files, hash);
  if ('files' in r) return r.files;
  throw negative(
    'uncommitted-changes',
    `schema/ has edits that HEAD does not hold (${edited.join(', ')}); checkout would overwrite them`,
    'commit them (`schemaver commit -m ...`, also for comment-only edits), or pass --force to discard them',
    { ...dirt, blocked: r.blocked },
  );
}
