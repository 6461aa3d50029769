/**
 * Store objects that git took away. In an app repository `.schemaver/objects` is tracked by git, so
 * `git checkout main` removes the objects of schemaver commits made on another git branch — while the embedded
 * dev database may still record one of them. They are kept reachable in `.schemaver/cache/recovered` (a bare
 * object store, ignored by git): the post-checkout hook copies the objects the checkout removed, and a deploy
 * that meets a commit the store lacks looks for it in the app's git history (every ref and the reflog, so a
 * deleted branch is still found until git prunes it). Deploys read through recoveringStore.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { SchemaverError } from '../errors.js';
import { cacheDir, type Store } from '../store/index.js';
import { git, workTreeOf, type WorkTree } from './git.js';
import { GitStore } from '../store/repo.js';

/** recoveredDir is the bare object store of recovered objects: `<root>/.schemaver/cache/recovered`. */
export function recoveredDir(root: string): string {
  return join(cacheDir(root), 'recovered');
}

/** keepObjects copies the store files `paths` (work-tree paths under `.schemaver/objects/`) as they are in git
 * revision `rev` into the recovered store; returns how many it wrote. */
export async function keepObjects(root: string, wt: WorkTree, rev: string, paths: readonly string[]): Promise<number> {
  const base = `${wt.prefix}.schemaver/objects/`;
  const wanted: string[] = [];
  for (const p of paths) {
    if (!p.startsWith(base)) continue;
    const dest = join(recoveredDir(root), 'objects', p.slice(base.length));
    if (!(await exists(dest))) wanted.push(p);
  }
  if (!wanted.length) return 0;
  const r = git(wt.top, ['cat-file', '--batch'], wanted.map((p) => `${rev}:${p}`).join('\n') + '\n');
  if (r.code !== 0) return 0;
  await fsp.mkdir(join(recoveredDir(root), 'refs', 'heads'), { recursive: true });
  await fsp.writeFile(join(recoveredDir(root), 'HEAD'), 'ref: refs/heads/main\n');
  let at = 0;
  let n = 0;
  for (const p of wanted) {
    const nl = r.bytes.indexOf(10, at);
    const header = r.bytes.subarray(at, nl).toString('utf8');
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!m) {
      at = nl + 1; // `<object> missing`
      continue;
    }
    const size = Number(m[1]);
    const body = r.bytes.subarray(nl + 1, nl + 1 + size);
    at = nl + 1 + size + 1;
    const dest = join(recoveredDir(root), 'objects', p.slice(base.length));
    await fsp.mkdir(join(dest, '..'), { recursive: true });
    await fsp.writeFile(dest, body);
    n++;
  }
  return n;
}

/** keepRemovedObjects is the post-checkout step: objects present in `prev` but not in `next` are kept. */
export async function keepRemovedObjects(root: string, prev: string, next: string): Promise<number> {
  const wt = workTreeOf(root);
  if (!wt || /^0+$/.test(prev) || prev === next) return 0;
  const r = git(wt.top, [
    'diff',
    '--name-only',
    '-z',
    '--no-renames',
    '--diff-filter=D',
    prev,
    next,
    '--',
    `${wt.prefix}.schemaver/objects`,
  ]);
  if (r.code !== 0 || !r.out.split('\0').some(Boolean)) return 0;
  // the recovered store must hold every object of prev's commits, also those still shared with the new checkout
  return keepTree(root, wt, prev);
}

/** keepTree copies every store object of git revision `rev` that the recovered store lacks. */
async function keepTree(root: string, wt: WorkTree, rev: string): Promise<number> {
  const list = git(wt.top, [
    'ls-tree',
    '-r',
    '-z',
    '--name-only',
    '--full-tree',
    rev,
    '--',
    `${wt.prefix}.schemaver/objects`,
  ]);
  if (list.code !== 0) return 0;
  return keepObjects(root, wt, rev, list.out.split('\0').filter(Boolean));
}

/** findInHistory imports the objects of the newest git commit (any ref, or the reflog) whose tree holds commit `id`. */
async function findInHistory(root: string, id: string): Promise<boolean> {
  const wt = workTreeOf(root);
  if (!wt || !/^[0-9a-f]{40}$/.test(id)) return false;
  const path = `${wt.prefix}.schemaver/objects/${id.slice(0, 2)}/${id.slice(2)}`;
  const found = git(wt.top, ['log', '--all', '--reflog', '--format=%H', '-1', '--', path]).out.trim();
  if (!found) return false;
  // the commit that last touched the path may be the one that deleted it: take the tree of its parent then
  const inTree = git(wt.top, ['cat-file', '-e', `${found}:${path}`]).code === 0 ? found : `${found}^`;
  return (await keepTree(root, wt, inTree)) > 0;
}

/** READS are the Store reads a deploy makes that may meet a recovered commit. */
const READS = new Set(['readCommit', 'readSnapshot', 'readSchema', 'readFiles', 'readMigrations', 'log', 'renamesOf']);

/**
 * recoveringStore wraps a store so reads of a commit it does not have fall back to the recovered objects
 * (looking in the app's git history once when those lack it too). Writes and refs are the store's own.
 */
export function recoveringStore(store: Store): Store {
  let recovered: Store | undefined;
  const open = async (id: unknown): Promise<Store | undefined> => {
    if (typeof id !== 'string') return undefined;
    const dir = recoveredDir(store.root);
    const has = async () => exists(join(dir, 'objects', id.slice(0, 2), id.slice(2))) || hasPacks(dir);
    if (!(await has()) && !(await findInHistory(store.root, id))) return undefined;
    recovered ??= new GitStore(store.root, dir);
    return recovered;
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !READS.has(prop) || typeof value !== 'function') {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (e) {
          if (!missing(e)) throw e;
          const other = await open(args[0]);
          if (!other) throw e;
          return (other as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[prop]!(...args);
        }
      };
    },
  });
}

/** missing tells whether a store error says a commit or object is absent (not damaged). */
function missing(e: unknown): boolean {
  if (!(e instanceof SchemaverError)) return false;
  return e.code === 'unknown-revision' || (e.code === 'corrupt-store' && / is missing\b/.test(e.message));
}

/** hasPacks tells whether the recovered store holds pack files (whose contents are not visible by path). */
async function hasPacks(dir: string): Promise<boolean> {
  try {
    return (await fsp.readdir(join(dir, 'objects', 'pack'))).some((f) => f.endsWith('.pack'));
  } catch {
    return false;
  }
}

/** exists tells whether a path exists. */
async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}
