/**
 * The project root, found without loading the store's modules: bin/run.js asks it before the CLI loads, to size the
 * verification worker's first database by schema/ (pg/offload.ts startEarlyVerifier).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** findProjectRoot returns the nearest directory at or above `start` holding `.schemaver/`, or `start` when none does. */
export function findProjectRoot(start: string = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.schemaver', 'HEAD')) || existsSync(join(dir, '.schemaver', 'refs'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(start);
    dir = up;
  }
}
