/**
 * The show service: one commit (metadata, renames, the stored migration from each parent) or WORKING (schema/ as
 * it is: its hash, its changes since HEAD and the migration a commit would store now, from the edge recipe).
 */
import type { Migration } from '../model/plan.js';
import type { SemChange } from '../diff/semdiff.js';
import { semanticDiff } from '../diff/semdiff.js';
import { emptySchema } from '../model/types.js';
import type { Store } from '../store/index.js';
import { prepareEdge } from './edge.js';
import { headHash, isWorking, loadWorking, openProject } from './project.js';
import { decorations } from './refs.js';

/** ShowResult is what `show --json` prints. */
export interface ShowResult {
  readonly rev: string;
  readonly id: string | null;
  readonly parents: readonly string[];
  readonly message: string | null;
  readonly author: { readonly name: string; readonly email: string; readonly timestamp: number } | null;
  readonly schemaHash: string;
  readonly refs: readonly string[];
  readonly renames: readonly string[];
  readonly files: readonly string[];
  readonly migrations: readonly Migration[];
  /** changes: for WORKING, what differs from HEAD. */
  readonly changes?: readonly SemChange[];
}

/** showRev reads a revision (default HEAD) or WORKING as `show` prints it. */
export async function showRev(start: string, rev = 'HEAD'): Promise<ShowResult> {
  const { root, store } = await openProject(start);
  return isWorking(rev) ? showWorking(root, store, rev) : showCommit(store, rev);
}

/** showWorking describes schema/ as it is now: hash, files, changes since HEAD and the migration a commit would store. */
async function showWorking(root: string, store: Store, rev: string): Promise<ShowResult> {
  const w = await loadWorking(root);
  const head = await headHash(store);
  const base = head ? await store.readSchema(head.id) : emptySchema();
  const changes = head?.hash === w.hash ? [] : semanticDiff(base, w.schema);
  const migrations: Migration[] = [];
  if (head?.hash !== w.hash) {
    const edge = prepareEdge({ id: head?.id ?? '', schema: base, ...(head ? { hash: head.hash } : {}) }, w);
    migrations.push(edge.migration);
  }
  return {
    rev,
    id: null,
    parents: head ? [head.id] : [],
    message: null,
    author: null,
    schemaHash: w.hash,
    refs: [],
    renames: [],
    files: w.files.map((f) => f.path),
    migrations,
    changes,
  };
}

/** showCommit describes a stored commit with the migration from each of its parents (from nothing for a root). */
async function showCommit(store: Store, rev: string): Promise<ShowResult> {
  const id = await store.resolve(rev);
  const info = await store.readCommit(id);
  const migrations = await store.readMigrations(id);
  const refs = (await decorations(store)).get(id) ?? [];
  const files = [...(await store.schemaFileIds(id)).keys()].sort();
  return {
    rev,
    id,
    parents: info.parents,
    message: info.message,
    author: info.author,
    schemaHash: info.schemaHash,
    refs,
    renames: await store.renamesOf(id),
    files,
    migrations,
  };
}
