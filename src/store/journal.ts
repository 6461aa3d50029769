/**
 * The operation journal: `.schemaver/OPERATION_IN_PROGRESS`, written (durably) before an operation touches
 * anything and removed last, after the ref moved. Whoever finds it while no live process holds the store lock
 * knows an operation was interrupted, which one, and what it was doing, and can finish or roll it back.
 * See src/ARCHITECTURE.md ("Crash safety") for the protocol other writers (reset, amend, git hooks) follow.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HeadState } from './refs.js';
import { removeDurable, replaceFile, tmpDirOf } from './fsops.js';
import { corruptStore } from './read.js';

/** OPERATION_FILE is the journal's name inside the gitdir (ignored by the app repository's git). */
export const OPERATION_FILE = 'OPERATION_IN_PROGRESS';

/** JournalFile is one schema file an operation rewrites: its blob id before and after (null: absent). */
export interface JournalFile {
  readonly path: string;
  readonly before: string | null;
  readonly after: string | null;
}

/** JournalState is one small state file of the gitdir (MERGE_HEAD, MERGE_STATE) an operation writes or removes:
 * its text before and after (null: absent). */
export interface JournalState {
  readonly name: string;
  readonly before: string | null;
  readonly after: string | null;
}

/** Operation is what the journal records. */
export interface Operation {
  /** operation: `commit`, `checkout` (or another writer's name: reset, merge, ...). */
  readonly operation: string;
  /** step: which part of the operation (merge: `fast-forward`, `conflict`, `commit`, `abort`), for messages. */
  readonly step?: string;
  readonly pid: number;
  readonly started: string; // ISO time
  /** ref: the ref that moves last (`refs/heads/main`, or `HEAD` when detached). */
  readonly ref?: string;
  /** from / to: the commit the ref held before and will hold (null: none). */
  readonly from: string | null;
  readonly to: string | null;
  /** headBefore / headAfter: what HEAD says before and after (checkout switches it). */
  readonly headBefore?: HeadState;
  readonly headAfter?: HeadState;
  /** createdBranch: a branch the operation creates (at `to`); abort deletes it again. */
  readonly createdBranch?: string;
  /** files: the schema files rewritten; every `before` and `after` blob is in the object store before any file changes. */
  readonly files?: readonly JournalFile[];
  /** states: state files of the gitdir the operation writes or removes (set to one side with the files). */
  readonly states?: readonly JournalState[];
}

/** beginOperation writes the journal (durably); it must not exist already. */
export function beginOperation(gitdir: string, op: Omit<Operation, 'pid' | 'started'>): Operation {
  const { operation, file } = journalFile(gitdir, op);
  replaceFile(file.path, file.data, tmpDirOf(gitdir));
  return operation;
}

/**
 * journalFile is the journal of `op` as the file beginOperation writes, for a writer that stages it with its other
 * files (a commit, during its proof) and renames it in itself before anything else moves.
 */
export function journalFile(
  gitdir: string,
  op: Omit<Operation, 'pid' | 'started'>,
): { operation: Operation; file: { path: string; data: Buffer } } {
  const operation: Operation = { ...op, pid: process.pid, started: new Date().toISOString() };
  const data = Buffer.from(JSON.stringify(operation, null, 2) + '\n', 'utf8');
  return { operation, file: { path: join(gitdir, OPERATION_FILE), data } };
}

/** endOperation removes the journal: the operation is complete (or rolled back). */
export function endOperation(gitdir: string): void {
  removeDurable(join(gitdir, OPERATION_FILE));
}

/** readOperation reads the journal, if any; corrupt-store when it is not a journal. */
export function readOperation(gitdir: string): Operation | undefined {
  let text: string;
  try {
    text = readFileSync(join(gitdir, OPERATION_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const op = JSON.parse(text) as Operation;
    if (op && typeof op.operation === 'string') return op;
  } catch {
    /* below */
  }
  throw corruptStore(
    `.schemaver/${OPERATION_FILE} (the journal of an interrupted operation) does not parse`,
    { path: OPERATION_FILE, problem: 'unparseable' },
    `look at it; if HEAD and schema/ are as you want them, delete .schemaver/${OPERATION_FILE}`,
  );
}

/** pendingRoot is the commit id an interrupted first commit may have left without a ref (so it is not "history"). */
export async function pendingRoot(gitdir: string): Promise<string | undefined> {
  try {
    const op = readOperation(gitdir);
    return op && op.operation === 'commit' && op.from === null && op.to ? op.to : undefined;
  } catch {
    return undefined;
  }
}
