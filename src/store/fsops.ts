/**
 * The store's file writes, in one place: every write is durable (file fsynced before it is renamed in, the
 * directory fsynced after) and counted, so tests can stop a writer after its Nth operation. Temp files live in
 * `.schemaver/tmp/` (ignored by git, emptied by the next command), never beside a ref or a schema file.
 *
 * Fault injection: `SCHEMAVER_FAULT_AFTER=N` kills the process (SIGKILL) just before its (N+1)th operation;
 * in-process tests use setFaultLimit, after which every operation throws FaultInjected (a dead process does
 * nothing more either).
 */
import {
  closeSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeSync,
  readdirSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from '../proc.js';

/** FaultInjected is thrown by every file operation once the injected fault has fired. */
export class FaultInjected extends Error {
  constructor(readonly op: string) {
    super(`fault injected before ${op}`);
  }
}

/** faults is the counter state, on globalThis so every copy of this module (dist/ and src/ in tests) shares it. */
const faults: { count: number; limit: number | undefined; fired: boolean } = ((
  globalThis as { __schemaverFaults?: { count: number; limit: number | undefined; fired: boolean } }
).__schemaverFaults ??= {
  count: 0,
  limit: process.env.SCHEMAVER_FAULT_AFTER ? Number(process.env.SCHEMAVER_FAULT_AFTER) : undefined,
  fired: false,
});
/**
 * durable says whether writes are fsynced: SCHEMAVER_FSYNC=0 switches it off (for measuring its cost, and for the
 * fault-injection tests, which stop a process, never the OS, so no fsync can change what they see). Read at each
 * write, not once at load: a test process that set it runs its in-process commands without fsync too.
 */
const durable = (): boolean => process.env.SCHEMAVER_FSYNC !== '0';

/** setFaultLimit makes the (n+1)th file operation from now, and every one after it, throw FaultInjected (undefined: off). */
export function setFaultLimit(n: number | undefined): void {
  faults.count = 0;
  faults.limit = n;
  faults.fired = false;
}

/** faultCount is the number of file operations done since setFaultLimit (to learn how many a writer does). */
export function faultCount(): number {
  return faults.count;
}

/** step counts one operation, and fires the injected fault when its turn has come. */
function step(op: string): void {
  if (faults.fired) throw new FaultInjected(op);
  if (faults.limit !== undefined && faults.count >= faults.limit) {
    faults.fired = true;
    if (process.env.SCHEMAVER_FAULT_AFTER) process.kill(process.pid, 'SIGKILL');
    throw new FaultInjected(op);
  }
  faults.count++;
}

/** syncDir fsyncs a directory, so a rename or unlink in it survives an OS crash. */
export function syncDir(dir: string): void {
  if (!durable()) return;
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* some file systems cannot fsync a directory */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** tmpDirOf is the temp directory of the store at `gitdir`. */
export function tmpDirOf(gitdir: string): string {
  return join(gitdir, 'tmp');
}

/** tempName is a fresh temp file path in `dir`, carrying the pid so a later command knows whose it was. */
export function tempName(dir: string, hint: string): string {
  return join(
    dir,
    `${basename(hint)
      .replace(/[^A-Za-z0-9_.-]/g, '_')
      .slice(0, 40)}.${process.pid}.${randomBytes(4).toString('hex')}`,
  );
}

/** writeDurable writes a new file completely and fsyncs it (no rename: the caller renames it in). */
export function writeDurable(path: string, data: Uint8Array | string, mode?: number): void {
  step(`write ${path}`);
  const fd = openSync(path, 'wx', mode ?? 0o666);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (durable()) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * writeManyDurable writes new files (each counted as one operation) and then fsyncs them all at once: the
 * kernel commits concurrent fsyncs together, so 30 small files cost about one fsync instead of 30 (measured
 * ~200 ms -> ~15 ms on ext4). The caller renames them in afterwards (renameMany).
 */
export async function writeManyDurable(
  files: readonly { path: string; data: Uint8Array; mode?: number }[],
): Promise<void> {
  const fds: number[] = [];
  try {
    for (const f of files) {
      step(`write ${f.path}`);
      const fd = openSync(f.path, 'wx', f.mode ?? 0o666);
      fds.push(fd);
      let off = 0;
      while (off < f.data.length) off += writeSync(fd, f.data, off, f.data.length - off);
    }
    if (durable())
      await Promise.all(fds.map((fd) => new Promise<void>((res, rej) => fsync(fd, (e) => (e ? rej(e) : res())))));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/**
 * renameMany renames files into place (each counted), then fsyncs every target directory at once, with the
 * directories in `alsoSync` (ones another rename or a makeDir left to it) in the same round.
 */
export async function renameMany(
  moves: readonly { from: string; to: string }[],
  alsoSync: Iterable<string> = [],
): Promise<void> {
  const dirs = new Set<string>(alsoSync);
  for (const m of moves) {
    step(`rename ${m.to}`);
    renameSync(m.from, m.to);
    dirs.add(dirname(m.to));
  }
  if (!durable()) return;
  await Promise.all(
    [...dirs].map(
      (dir) =>
        new Promise<void>((res) => {
          let fd: number;
          try {
            fd = openSync(dir, 'r');
          } catch {
            return res();
          }
          fsync(fd, () => {
            closeSync(fd);
            res(); // some file systems cannot fsync a directory
          });
        }),
    ),
  );
}

/** renameLater renames a file into place (counted) and leaves the fsync of its directory to the caller (`syncLater`). */
export function renameLater(from: string, to: string, syncLater: Set<string>): void {
  step(`rename ${to}`);
  renameSync(from, to);
  syncLater.add(dirname(to));
}

/** renameDurable renames a file into place and fsyncs the target directory. */
export function renameDurable(from: string, to: string): void {
  step(`rename ${to}`);
  renameSync(from, to);
  syncDir(dirname(to));
}

/** removeDurable removes a file (absent is fine) and fsyncs its directory. */
export function removeDurable(path: string): void {
  step(`remove ${path}`);
  rmSync(path, { force: true });
  syncDir(dirname(path));
}

/**
 * makeDir creates a directory and its parents (counted as one operation when it creates anything) and fsyncs the
 * directory that got the new entry, or adds that directory to `syncLater` for the caller to fsync with others.
 */
export function makeDir(dir: string, syncLater?: Set<string>): void {
  const made = mkdirSync(dir, { recursive: true });
  if (made !== undefined) {
    step(`mkdir ${dir}`);
    if (syncLater) syncLater.add(dirname(made));
    else syncDir(dirname(made));
  }
}

/** removeEmptyDir removes a directory when it is empty; false when it is not (or is gone). */
export function removeEmptyDir(dir: string): boolean {
  try {
    if (readdirSync(dir).length) return false;
  } catch {
    return false;
  }
  step(`rmdir ${dir}`);
  try {
    rmdirSync(dir);
  } catch {
    return false;
  }
  return true;
}

/**
 * replaceFile writes `data` to `path` atomically and durably: a temp file in `tmpDir` (same file system),
 * fsynced, renamed over `path`, the directory fsynced. A reader sees the old or the new content, never a mix.
 */
export function replaceFile(path: string, data: Uint8Array | string, tmpDir: string, mode?: number): void {
  makeDir(tmpDir);
  makeDir(dirname(path));
  const tmp = tempName(tmpDir, path);
  writeDurable(tmp, data, mode);
  try {
    renameDurable(tmp, path);
  } catch (e) {
    if (!(e instanceof FaultInjected)) rmSync(tmp, { force: true });
    throw e;
  }
}

/** StagedFile is a new file written in full and fsynced under a temp name (stageFiles), to be renamed to `path` later. */
export interface StagedFile {
  readonly tmp: string;
  readonly path: string;
}

/** staged: the names of the temp files this process staged and has not renamed in or discarded yet (cleanTemp leaves them). */
const staged = new Set<string>();

/**
 * stageFiles writes new files under temp names in `tmpDir` (each counted) and fsyncs them all at once: the slow half
 * of a durable write, done while the caller still waits to know whether it keeps them (a commit during its proof).
 * The caller renames them in (renameMany, then unstage) or discards them; a killed process leaves them to the next
 * command's cleanTemp.
 */
export async function stageFiles(
  files: readonly { path: string; data: Uint8Array; mode?: number; hint?: string }[],
  tmpDir: string,
): Promise<StagedFile[]> {
  if (!files.length) return [];
  makeDir(tmpDir);
  const out = files.map((f) => ({ tmp: tempName(tmpDir, f.hint ?? f.path), path: f.path }));
  for (const f of out) staged.add(basename(f.tmp));
  try {
    await writeManyDurable(files.map((f, i) => ({ path: out[i]!.tmp, data: f.data, mode: f.mode })));
  } catch (e) {
    if (e instanceof FaultInjected)
      unstage(out); // a dead process cleans nothing: the next command does
    else discardStaged(out);
    throw e;
  }
  return out;
}

/** unstage forgets staged files that were renamed in (or are left for cleanTemp). */
export function unstage(files: readonly StagedFile[]): void {
  for (const f of files) staged.delete(basename(f.tmp));
}

/** discardStaged removes staged files that will not be used. */
export function discardStaged(files: readonly StagedFile[]): void {
  unstage(files);
  for (const f of files) rmSync(f.tmp, { force: true });
}

/** cleanTemp removes the temp files of processes that are gone from `tmpDir`; returns how many it removed. */
export function cleanTemp(tmpDir: string): number {
  let names: string[];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    const pid = Number(/\.(\d+)\.[0-9a-f]{8}$/.exec(name)?.[1]);
    // another live process may be writing it; this process only its staged files (its other writes are synchronous)
    if (pid && pid !== process.pid && pidAlive(pid)) continue;
    if (staged.has(name)) continue;
    rmSync(join(tmpDir, name), { force: true, recursive: true });
    n++;
  }
  return n;
}

/**
 * cleanLegacyRefTemps removes `*.tmp-<pid>-<hex>` files that versions before .schemaver/tmp left beside refs when
 * killed (they break `git fsck` and `git log --all`), when their process is gone; returns how many it removed.
 */
export function cleanLegacyRefTemps(gitdir: string): number {
  let n = 0;
  const walk = (dir: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else {
        const pid = Number(/\.tmp-(\d+)-[0-9a-f]+$/.exec(e.name)?.[1]);
        if (!pid || (pid !== process.pid && pidAlive(pid))) continue;
        rmSync(join(dir, e.name), { force: true });
        n++;
      }
    }
  };
  walk(join(gitdir, 'refs'));
  return n;
}
