/**
 * Crash-safe rewrites of schema/ and HEAD (checkout; the primitive for reset, merge and git hooks): every
 * blob involved — the target files and the pre-images of the files about to change — is stored as a git
 * object first, the journal (./journal.ts) lists each file's blob before and after, then files change one by
 * one (temp file in .schemaver/tmp, fsync, rename), refs and HEAD move last and the journal goes. An
 * interruption at any point is finished (resume 'continue') or undone (resume 'abort') from the journal with
 * no edit lost: pre-images are in the object store, and a file whose content is neither side is never touched.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SchemaverError } from '../errors.js';
import type { SourceFile } from '../parse/index.js';
import { SCHEMA_DIR, listSchemaFiles, type Store } from './index.js';
import { ObjectWriter, hashObject } from './objects.js';
import { removeDurable, removeEmptyDir, replaceFile, tmpDirOf } from './fsops.js';
import {
  beginOperation,
  endOperation,
  readOperation,
  type JournalFile,
  type JournalState,
  type Operation,
} from './journal.js';
import { deleteRef, readHead, readRef, writeHead, writeRef, type HeadState } from './refs.js';
import { checkFilePath } from './layout.js';

/** SwitchRequest is one rewrite of schema/ and HEAD. */
export interface SwitchRequest {
  /** operation names it in the journal and in messages (`checkout`); step says which part (merge's `conflict`). */
  readonly operation: string;
  readonly step?: string;
  /** files: schema/ afterwards (schema files not listed are removed; other files are kept). */
  readonly files: readonly SourceFile[];
  readonly headBefore: HeadState;
  readonly headAfter: HeadState;
  readonly from: string | null;
  readonly to: string | null;
  /** createBranch: a new branch at `to`. */
  readonly createBranch?: string;
  /** ref/refTo: a ref moved to `refTo` (reset); undefined for checkout, which moves HEAD only. */
  readonly ref?: string;
  /** states: gitdir state files (MERGE_HEAD, ...) to write (text) or remove (undefined) with the files. */
  readonly states?: readonly { readonly name: string; readonly text: string | undefined }[];
}

/** STATE_FILE is what a state file name must look like (upper case, no path). */
const STATE_FILE = /^[A-Z][A-Z_]*$/;

/** stateText reads a gitdir state file (null when absent). */
function stateText(gitdir: string, name: string): string | null {
  if (!STATE_FILE.test(name) || name === 'HEAD') throw new Error(`not a state file name: ${name}`);
  try {
    return readFileSync(join(gitdir, name), 'utf8');
  } catch {
    return null;
  }
}

/** currentBlob is the blob id of a project file now (null when absent). */
function currentBlob(root: string, path: string): { id: string | null; bytes?: Buffer } {
  try {
    const bytes = readFileSync(join(root, ...path.split('/')));
    return { id: hashObject('blob', bytes), bytes };
  } catch {
    return { id: null };
  }
}

/** switchFiles performs a SwitchRequest crash-safely (run it under the store lock); returns the files it changed. */
export async function switchFiles(store: Store, root: string, req: SwitchRequest): Promise<number> {
  for (const f of req.files) checkFilePath(f);
  const w = new ObjectWriter(store.gitdir);
  // blobs this switch adds to the store (pre-images, and texts no commit holds such as conflict blocks) are needed
  // only while its journal exists: removed once it is complete (else they stay as untracked files in an app
  // repository that tracks .schemaver, and go into its next commit)
  const added = new Set<string>();
  const keep = async (bytes: Buffer): Promise<string> => {
    const before = w.written;
    const oid = await w.write('blob', bytes);
    if (w.written > before) added.add(oid);
    return oid;
  };
  const plan: JournalFile[] = [];
  const wanted = new Map(req.files.map((f) => [f.path, f.text]));
  for (const [path, text] of wanted) {
    const now = currentBlob(root, path);
    const after = await keep(Buffer.from(text, 'utf8'));
    if (now.id === after) continue;
    if (now.bytes) await keep(now.bytes); // the pre-image, so nothing is lost whatever happens next
    plan.push({ path, before: now.id, after });
  }
  for (const path of await listSchemaFiles(root)) {
    if (wanted.has(path)) continue;
    const now = currentBlob(root, path);
    if (now.bytes) await keep(now.bytes);
    plan.push({ path, before: now.id, after: null });
  }
  const states: JournalState[] = (req.states ?? [])
    .map((s) => ({ name: s.name, before: stateText(store.gitdir, s.name), after: s.text ?? null }))
    .filter((s) => s.before !== s.after);
  const op = beginOperation(store.gitdir, {
    operation: req.operation,
    ...(req.step ? { step: req.step } : {}),
    ...(req.ref ? { ref: req.ref } : {}),
    from: req.from,
    to: req.to,
    headBefore: req.headBefore,
    headAfter: req.headAfter,
    ...(req.createBranch ? { createdBranch: req.createBranch } : {}),
    files: plan,
    ...(states.length ? { states } : {}),
  });
  await finish(store, root, op, 'continue');
  for (const oid of added) removeDurable(join(store.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
  return plan.length;
}

/** resumeOperation finishes ('continue') or undoes ('abort') the interrupted operation in the journal. */
export async function resumeOperation(
  store: Store,
  root: string,
  how: 'continue' | 'abort',
): Promise<{ operation: Operation; kept: string[] } | undefined> {
  const op = readOperation(store.gitdir);
  if (!op) return undefined;
  if (op.operation === 'commit') return { operation: op, kept: [] }; // settled when the lock was taken
  const kept = await finish(store, root, op, how);
  return { operation: op, kept };
}

/** finish moves every file of the journal to one side, then refs and HEAD, then removes the journal. */
async function finish(store: Store, root: string, op: Operation, how: 'continue' | 'abort'): Promise<string[]> {
  const tmp = tmpDirOf(store.gitdir);
  const kept: string[] = [];
  const schemaRoot = join(root, SCHEMA_DIR);
  for (const f of op.files ?? []) {
    const [want, other] = how === 'continue' ? [f.after, f.before] : [f.before, f.after];
    const abs = join(root, ...f.path.split('/'));
    const now = currentBlob(root, f.path).id;
    if (now === want) continue;
    if (now !== null && now !== other) {
      kept.push(f.path); // neither side: written by someone since; never overwrite or delete it
      continue;
    }
    if (want === null) {
      removeDurable(abs);
      for (let dir = dirname(abs); dir.startsWith(schemaRoot) && dir !== schemaRoot; dir = dirname(dir))
        if (!removeEmptyDir(dir)) break;
    } else {
      replaceFile(abs, await store.readBlob(want, { path: f.path }), tmp);
    }
  }
  for (const s of op.states ?? []) {
    const want = how === 'continue' ? s.after : s.before;
    if (stateText(store.gitdir, s.name) === want) continue;
    if (want === null) removeDurable(join(store.gitdir, s.name));
    else replaceFile(join(store.gitdir, s.name), want, tmp);
  }
  const [head, refId] = how === 'continue' ? [op.headAfter, op.to] : [op.headBefore, op.from];
  if (op.createdBranch) {
    const ref = `refs/heads/${op.createdBranch}`;
    if (how === 'continue' && op.to && (await readRef(store.gitdir, ref)) !== op.to)
      await writeRef(store.gitdir, ref, op.to);
    if (how === 'abort' && (await readRef(store.gitdir, ref)) === op.to) await deleteRef(store.gitdir, ref);
  }
  if (op.ref && op.ref !== 'HEAD' && (await readRef(store.gitdir, op.ref)) !== (refId ?? undefined)) {
    if (refId) await writeRef(store.gitdir, op.ref, refId);
    else await deleteRef(store.gitdir, op.ref);
  }
  if (head && JSON.stringify(await readHead(store.gitdir)) !== JSON.stringify(head))
    await writeHead(store.gitdir, head);
  endOperation(store.gitdir);
  return kept;
}

/** describeOperation writes `checkout main -> feature (3 files)` for messages. */
export function describeOperation(op: Operation): string {
  const side = (h: HeadState | undefined, id: string | null) =>
    h && 'branch' in h ? h.branch : id ? id.slice(0, 7) : 'nothing';
  const files = op.files ? ` (${op.files.length} file${op.files.length === 1 ? '' : 's'} to rewrite)` : '';
  return `${op.operation}${op.step ? ` (${op.step})` : ''} ${side(op.headBefore, op.from)} -> ${side(op.headAfter, op.to)}${files}, started ${op.started} by process ${op.pid}`;
}

/** interruptedError is the error every command gives while an interrupted operation waits to be finished or undone. */
export function interruptedError(op: Operation): SchemaverError {
  const cmd =
    op.operation === 'checkout' || op.operation === 'merge' || op.operation === 'reset' ? op.operation : 'checkout';
  return new SchemaverError({
    code: 'interrupted-operation',
    message: `an interrupted ${describeOperation(op)} left schema/ and HEAD part-way (journal: .schemaver/OPERATION_IN_PROGRESS)`,
    hint:
      op.operation === 'merge' && op.step === 'abort'
        ? 'run `schemaver merge --abort` to finish aborting the merge; edits in schema/ you made since are kept'
        : `run \`schemaver ${cmd} --continue\` to finish it, or \`schemaver ${cmd} --abort\` to go back; edits in schema/ are kept either way`,
    data: { operation: op },
    exit: 3,
  });
}
