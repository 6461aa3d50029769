/**
 * What every deploy command starts with: the project's store and the target database, opened together
 * and closed together. Commands call withDeploy and stay thin.
 */
import type { Store } from '../store/index.js';
import type { Target } from './target.js';
import { openProject } from '../store/project.js';
import { recoveringStore } from '../gitint/recover.js';
import { openTarget, targetUrl } from './target.js';

/** DeployOpen says how to open a deploy session. */
export interface DeployOpen {
  /** start: the directory the command runs in. */
  readonly start: string;
  /** url: the --url flag (DATABASE_URL is used when absent). */
  readonly url?: string;
  /** create: make the local PGlite database when missing (upgrade/downgrade/stamp do; current/history/check don't). */
  readonly create: boolean;
  /** revs: revisions whose snapshots' extensions the local PGlite must load (e.g. the upgrade target). */
  readonly revs?: readonly string[];
  /** onWait is told when another process holds the local database. */
  readonly onWait?: (line: string) => void;
  /** check runs against the store before any database is opened (bad input must not create the local database). */
  readonly check?: (store: Store) => Promise<void>;
  /** offline: open no database at all (`--sql --from REV`). */
  readonly offline?: boolean;
}

/** DeploySession is an open store and target. */
export interface DeploySession {
  readonly root: string;
  readonly store: Store;
  readonly target: Target;
}

/** extensionsOf lists the extensions declared by the snapshots of some revisions (unknown revisions are skipped here). */
async function extensionsOf(store: Store, revs: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const rev of revs) {
    try {
      const id = await store.resolve(rev);
      const snap = await store.readSnapshot(id);
      for (const e of Object.values(snap.schema.extensions)) out.add(e.name);
    } catch {
      /* resolved (and reported) again by the operation itself */
    }
  }
  return [...out];
}

/** withDeploy opens the project's store and target, runs fn, and always closes the target. */
export async function withDeploy<T>(o: DeployOpen, fn: (s: DeploySession) => Promise<T>): Promise<T> {
  const opened = await openProject(o.start);
  const root = opened.root;
  // commits of app git branches checked out before (their objects left with the checkout) stay readable
  const store = recoveringStore(opened.store);
  if (o.check) await o.check(store);
  if (o.offline)
    return fn({
      root,
      store,
      target: { kind: targetUrl(o.url) === undefined ? 'pglite' : 'postgres', label: 'offline', close: async () => {} },
    });
  const local = targetUrl(o.url) === undefined;
  const extensions = local ? await extensionsOf(store, o.revs ?? ['HEAD']) : [];
  const target = await openTarget({
    root,
    url: o.url,
    create: o.create,
    extensions,
    ...(o.onWait ? { onWait: o.onWait } : {}),
  });
  try {
    return await fn({ root, store, target });
  } finally {
    await target.close();
  }
}
