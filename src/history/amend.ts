/**
 * `commit --amend`: the edge a commit is made on. Normally HEAD -> schema/; when amending, HEAD's parent ->
 * schema/, and the new commit replaces HEAD on its branch (the store checks HEAD is still the amended commit).
 */
import { SchemaverError } from '../errors.js';
import type { Store } from '../store/index.js';

/** EdgeBase is where a commit's migration starts: `head` (undefined for a root commit), the amended commit, the message. */
export interface EdgeBase {
  readonly head: { readonly id: string; readonly hash: string } | undefined;
  readonly amended: string | undefined;
  readonly message: string;
}

/** edgeBase resolves the parent of the commit about to be written (HEAD, or HEAD's parent with --amend). */
export async function edgeBase(
  store: Store,
  tip: { id: string; hash: string } | undefined,
  amend: boolean,
  message: string | undefined,
): Promise<EdgeBase> {
  if (!amend) return { head: tip, amended: undefined, message: message ?? '' };
  if (!tip)
    throw new SchemaverError({
      code: 'nothing-to-amend',
      message: 'there is no commit to amend yet',
      hint: 'make the first commit with `schemaver commit -m MSG`',
      exit: 2,
    });
  const info = await store.readCommit(tip.id);
  if (info.parents.length > 1)
    throw new SchemaverError({
      code: 'amend-merge',
      message: `HEAD ${tip.id.slice(0, 7)} is a merge commit; amending it would drop the proof of one parent's edge`,
      hint: 'commit the change on top of the merge instead (`schemaver commit -m ...`)',
      exit: 2,
    });
  const parent = info.parents[0];
  const head = parent ? { id: parent, hash: (await store.readCommit(parent)).schemaHash } : undefined;
  return { head, amended: tip.id, message: message ?? info.message };
}

/** amendedSql returns the hand-edited SQL of the amended commit's edge, kept by `--amend` when the schema is unchanged. */
export async function amendedSql(
  store: Store,
  amended: string,
  workingHash: string,
): Promise<{ up: string; down: string } | undefined> {
  const [m] = await store.readMigrations(amended);
  if (!m?.handEdited) return undefined;
  if ((await store.readCommit(amended)).schemaHash !== workingHash) {
    throw new SchemaverError({
      code: 'amend-hand-edited',
      message: `the migration of ${amended.slice(0, 7)} was hand-edited and schema/ changed since`,
      hint: 'pass the SQL again with --up FILE [--down FILE], or drop it with `schemaver reset --soft HEAD~1` and commit anew',
      exit: 2,
    });
  }
  return { up: m.up, down: m.down };
}
