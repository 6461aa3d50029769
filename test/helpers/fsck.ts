/**
 * `git fsck --strict` of a project's store, for the fault-injection tests, which run it after every interrupted
 * command. By default fsck also spawns `git commit-graph verify` and `git multi-pack-index verify`; a store that has
 * neither file (schemaver writes neither) gives them nothing to verify, so they are switched off then: two processes
 * fewer per fsck (~4 ms of CPU and ~20 ms of a loaded machine's time each). A store that has one is verified whole.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** GRAPH_FILES are the files `git commit-graph verify` and `git multi-pack-index verify` read (relative to the git dir). */
const GRAPH_FILES = ['objects/info/commit-graph', 'objects/info/commit-graphs', 'objects/pack/multi-pack-index'];

/** fsckStore runs `git fsck --strict --no-dangling` on `<dir>/.schemaver`; throws with git's output when it fails. */
export function fsckStore(dir: string): void {
  const gitdir = join(dir, '.schemaver');
  const none = !GRAPH_FILES.some((f) => existsSync(join(gitdir, f)));
  const off = none ? ['-c', 'core.commitGraph=false', '-c', 'core.multiPackIndex=false'] : [];
  execFileSync('git', [...off, '--git-dir', gitdir, 'fsck', '--strict', '--no-dangling'], { stdio: 'pipe' });
}
