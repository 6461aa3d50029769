/**
 * The status service: where HEAD is, whether a merge waits, and what schema/ changes since HEAD — semantically (the
 * differ's changes) and as text (files whose bytes differ from HEAD's). `schemaver status` prints its result.
 */
import type { SemChange } from '../diff/semdiff.js';
import { semanticDiff } from '../diff/semdiff.js';
import { emptySchema } from '../model/types.js';
import { readSchemaDir } from '../parse/files.js';
import { schemaHashOf, type Store } from '../store/index.js';
import { mergeInProgress } from '../gitint/mergestate.js';
import {
  cachedWorkingHash,
  fileDirt,
  headHash,
  loadWorking,
  normalizedCommit,
  openProject,
  readSchemaModules,
} from './project.js';

/** FileDirt lists schema files that differ from HEAD's text (edits, including comment/format-only ones). */
export interface FileDirt {
  readonly added: string[];
  readonly removed: string[];
  readonly modified: string[];
}

/** StatusResult is what `status --json` prints. */
export interface StatusResult {
  readonly branch: string | null;
  readonly head: string | null;
  readonly headHash: string | null;
  /** workingHash: null while conflict blocks are left in schema/ (it does not parse as a schema then). */
  readonly workingHash: string | null;
  readonly clean: boolean;
  readonly changes: readonly SemChange[];
  /** files: schema files that differ from HEAD's text (edits, including comment/format-only ones). */
  readonly files: FileDirt;
  readonly merge: {
    readonly inProgress: boolean;
    readonly mergeHead?: string;
    /** unresolved: where `<<<conflict` blocks are left in schema/ (file:line:col), while a merge waits. */
    readonly unresolved?: readonly { readonly file: string; readonly line: number; readonly col: number }[];
  };
}

/** StatusOutcome is the result plus what the human summary needs beyond --json (HEAD's message). */
export interface StatusOutcome {
  readonly result: StatusResult;
  /** headMessage: the first line of HEAD's commit message; undefined before the first commit. */
  readonly headMessage?: string;
}

/** workingStatus reads the project at `start`: HEAD, a merge in progress, and schema/ compared with HEAD (exit 2 with every issue when schema/ does not validate). */
export async function workingStatus(start: string, note: (text: string) => void): Promise<StatusOutcome> {
  const { root, store } = await openProject(start);
  const branch = (await store.currentBranch()) ?? null;
  const head = await headHash(store);
  const mergeHead = await mergeInProgress(root, store, note);
  const headMessage = head ? (await store.readCommit(head.id)).message.split('\n')[0] : undefined;
  const where = { branch, head: head?.id ?? null, headHash: head?.hash ?? null };
  const withMessage = (result: StatusResult): StatusOutcome =>
    headMessage === undefined ? { result } : { result, headMessage };
  if (mergeHead) {
    const { findMarkers } = await readSchemaModules();
    const files = await readSchemaDir(root);
    const unresolved = await findMarkers(files);
    if (unresolved.length) {
      return withMessage({
        ...where,
        workingHash: null,
        clean: false,
        changes: [],
        files: head ? await fileDirt(store, head.id, files) : { added: [], removed: [], modified: [] },
        merge: { inProgress: true, mergeHead, unresolved },
      });
    }
  }
  const working = await compareWorking(root, store, head);
  return withMessage({
    ...where,
    ...working,
    merge: mergeHead ? { inProgress: true, mergeHead } : { inProgress: false },
  });
}

/** compareWorking hashes schema/ (without parsing when its bytes are those last hashed) and diffs it with HEAD's schema when the hashes differ. */
async function compareWorking(
  root: string,
  store: Store,
  head: { id: string; hash: string } | undefined,
): Promise<Pick<StatusResult, 'workingHash' | 'clean' | 'changes' | 'files'>> {
  // fast path: schema/ holds the bytes last parsed and they hash to HEAD's schema -> clean, no parse
  const cached = head ? await cachedWorkingHash(root) : undefined;
  const working = cached && cached.hash === head?.hash ? { ...cached, schema: undefined } : await loadWorking(root); // exit 2 with every issue when invalid
  let clean = head ? head.hash === working.hash : isEmpty(working.schema!);
  let changes: SemChange[] = [];
  if (!clean) {
    // a commit made before expressions were hashed in PostgreSQL's spelling stores the hash of the words as written:
    // compare with HEAD's schema normalised the same way (cached), so an unchanged schema/ reads as unchanged
    const base = head ? await normalizedCommit(root, store, head.id) : emptySchema();
    if (head && (await schemaHashOf(base)) === working.hash) clean = true;
    else changes = semanticDiff(base, working.schema!);
  }
  const files = head
    ? await fileDirt(store, head.id, working.files)
    : { added: working.files.map((f) => f.path), removed: [], modified: [] };
  return { workingHash: working.hash, clean, changes, files };
}

/** isEmpty tells whether a schema declares no objects at all. */
function isEmpty(s: object): boolean {
  return Object.entries(s).every(([k, v]) => k === 'kind' || Object.keys(v as object).length === 0);
}
