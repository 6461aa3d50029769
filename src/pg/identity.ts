/**
 * The identity of the running schemaver build, part of every cache key whose answer depends on schemaver's code
 * (read-backs, images, normalisations). Apart from readback.ts so that offload.ts can hand it to the verification
 * worker without loading PGlite's side on the command's thread: computing it stats every module (~25 ms of CPU), and
 * a worker that is given it does not do that again while a proof waits for it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let codeId: string | undefined;

/**
 * codeIdentity fingerprints the schemaver build that is running: path, size and mtime of each of its modules (the
 * `.js` files: declarations and maps change nothing that runs; ~280 stats, half the files of dist/).
 */
export function codeIdentity(): string {
  if (codeId !== undefined) return codeId;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const h = createHash('sha256');
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`, `${rel}${e.name}/`);
      else if (e.name.endsWith('.js') || (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))) {
        const s = statSync(`${dir}/${e.name}`);
        h.update(`${rel}${e.name} ${s.size} ${s.mtimeMs}\n`);
      }
    }
  };
  walk(root, '');
  codeId = h.digest('hex');
  return codeId;
}

/**
 * adoptCodeIdentity takes the identity another thread of this process computed (the same files: the verification
 * worker is given its command's), unless this thread has one already.
 */
export function adoptCodeIdentity(id: string): void {
  codeId ??= id;
}
