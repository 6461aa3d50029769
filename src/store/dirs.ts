/** The store's place in a project: directory names, where caches live, and what an app repository must not track. */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

/** STORE_DIR is the name of the store directory inside a project. */
export const STORE_DIR = '.schemaver';

/** SCHEMA_DIR is the name of the declared-schema directory inside a project. */
export const SCHEMA_DIR = 'schema';

/** STORE_IGNORES are the store entries an app repository should not track: the local PGlite database, caches, the lock. */
export const STORE_IGNORES = [
  'local/',
  'local.lock',
  'cache/',
  'schemaver.lock',
  'MERGE_HEAD',
  'MERGE_STATE',
  'ORIG_HEAD',
  'OPERATION_IN_PROGRESS',
  'tmp/',
  '*.tmp-*',
  'tmp_obj_*',
  'tmp_pack_*',
];

/** cacheDir is where derived, rebuildable data lives (`<root>/.schemaver/cache`: verified edges, WORKING's hash); ignored by git. */
export function cacheDir(root: string): string {
  return join(root, STORE_DIR, 'cache');
}

/**
 * ensureIgnored adds the store's ignore patterns (STORE_IGNORES) that `.schemaver/.gitignore` and
 * `.schemaver/info/exclude` lack, so stores made by older versions also keep `tmp/` and the journal out of the
 * application repository. Best effort: a read-only store is left as it is.
 */
export async function ensureIgnored(gitdir: string): Promise<void> {
  for (const file of [join(gitdir, '.gitignore'), join(gitdir, 'info', 'exclude')]) {
    try {
      const text = await fsp.readFile(file, 'utf8');
      const have = new Set(text.split('\n').map((l) => l.trim()));
      const missing = STORE_IGNORES.filter((p) => !have.has(p));
      if (missing.length) await fsp.appendFile(file, (text.endsWith('\n') ? '' : '\n') + missing.join('\n') + '\n');
    } catch {
      /* absent or read-only */
    }
  }
}
