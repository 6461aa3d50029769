/** Finding a project: the directory holding `.schemaver/` (and `schema/`), and its store opened. */
import { openStore, type Store } from './index.js';
import { interruptedError } from './switch.js';

export { findProjectRoot } from './root.js';
import { findProjectRoot } from './root.js';

/**
 * openProject finds the project root from `start` and opens its store (exit 2 with a hint to run `init` when
 * there is none). An operation that was interrupted (a killed checkout) is refused by name with the command
 * that finishes or undoes it, unless `interrupted: 'allow'` (checkout --continue/--abort, fsck); an interrupted
 * commit settles itself (notes on stderr).
 */
export async function openProject(
  start: string = process.cwd(),
  opts: { interrupted?: 'refuse' | 'allow' } = {},
): Promise<{ root: string; store: Store }> {
  const root = findProjectRoot(start);
  const store = await openStore(root);
  const op = await store.interrupted();
  if (op?.operation === 'commit')
    await store.withLock(async () => undefined); // settles it
  else if (op && opts.interrupted !== 'allow') {
    throw interruptedError(op);
  }
  for (const n of store.notes.splice(0)) process.stderr.write(`note: ${n}\n`);
  return { root, store };
}
