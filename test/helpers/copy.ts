/**
 * Copies of a project for fault-injection loops, which make one per interrupted run: git's and the store's object
 * files are hard links (content-addressed, never written in place — a new object is a new file renamed in — so a
 * run on the copy cannot change the original's), everything else is copied. Removing a hard link frees no disk
 * blocks, which on a busy disk is most of what removing a copy costs.
 */
import { cpSync, linkSync, mkdirSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';

/** OBJECT_FILE matches a loose object or a pack file under `.git/objects` or `.schemaver/objects` (relative path). */
const OBJECT_FILE =
  /^(\.git|\.schemaver)\/objects\/([0-9a-f]{2}\/[0-9a-f]{38,62}|pack\/pack-[0-9a-f]+\.(pack|idx|rev))$/;

/** copyProject copies the directory `from` to `to` (which may exist, empty), hard-linking object files. */
export function copyProject(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    filter: (src, dest) => {
      if (!OBJECT_FILE.test(relative(from, src).split(sep).join('/'))) return true;
      mkdirSync(dirname(dest), { recursive: true });
      linkSync(src, dest);
      return false;
    },
  });
}
