/**
 * Git objects written the crash-safe way: content hashed (SHA-1, as git), deflated, written to a temporary
 * file and renamed into place (loose objects, or one pack for a big batch, see ./pack.ts). A killed process
 * leaves at most a stray temp file, never a truncated object; an object that already exists is never
 * rewritten (unchanged objects share blobs). Reading goes through ./read.ts, which reads both, strictly.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp, rmSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { encodePack, packedOids, type EncodedPack } from './pack.js';
import {
  FaultInjected,
  discardStaged,
  makeDir,
  renameDurable,
  renameMany,
  stageFiles,
  tempName,
  tmpDirOf,
  unstage,
  writeDurable,
  type StagedFile,
} from './fsops.js';

/** ObjectType is the type of a git object. */
export type ObjectType = 'blob' | 'tree' | 'commit';

/** hashObject returns the git object id of `content` as an object of `type` (no I/O). */
export function hashObject(type: ObjectType, content: Uint8Array): string {
  const h = createHash('sha1');
  h.update(`${type} ${content.byteLength}\0`);
  h.update(content);
  return h.digest('hex');
}

/** blobId returns the git blob id of a UTF-8 text (what `git hash-object` prints for the file). */
export function blobId(text: string): string {
  return hashObject('blob', Buffer.from(text, 'utf8'));
}

/** PACK_THRESHOLD is the number of new objects from which a batch is written as one pack instead of loose files. */
export const PACK_THRESHOLD = 64;

/** Encoded is queued objects after encode(): one pack, or one loose object; `staged` once its files are written. */
interface Encoded {
  readonly oids: string[];
  readonly pack?: EncodedPack;
  readonly loose?: Buffer;
  /** staged: the entry's files written and fsynced under temp names (a pack's `.pack` only when it is new, its `.idx` last). */
  staged?: StagedFile[];
}

/**
 * ObjectWriter writes objects into one gitdir. Immediate mode writes each object loose at once; batch mode
 * (`{ batch: true }`) queues new objects until flush(), which writes them loose when few or as one pack when
 * many. Objects already in the store (loose or packed) are never written again.
 */
export class ObjectWriter {
  private readonly dirs = new Set<string>();
  private readonly queue = new Map<string, { type: ObjectType; content: Uint8Array }>();
  private encoded: Encoded[] = [];
  private readonly encodedOids = new Set<string>();
  private packed: Set<string> | undefined;
  /** written counts objects actually written (not already present). */
  written = 0;

  constructor(
    private readonly gitdir: string,
    private readonly opts: { batch?: boolean } = {},
  ) {}

  /** has tells whether an object is already stored (or queued, or encoded). */
  private has(oid: string): boolean {
    if (this.queue.has(oid)) return true;
    if (this.encodedOids.has(oid)) return true;
    if (existsSync(join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)))) return true;
    this.packed ??= packedOids(this.gitdir);
    return this.packed.has(oid);
  }

  /**
   * encode does the CPU work of flush() for the queued objects now (deflate; for a pack also CRC and SHA-1),
   * writing nothing, so a caller can prepare while it waits on something else. flush() writes the result.
   */
  encode(): void {
    if (this.queue.size === 0) return;
    const objects = [...this.queue].map(([oid, o]) => ({ oid, ...o }));
    this.queue.clear();
    for (const o of objects) this.encodedOids.add(o.oid);
    if (objects.length >= PACK_THRESHOLD)
      this.encoded.push({ oids: objects.map((o) => o.oid), pack: encodePack(objects) });
    else for (const o of objects) this.encoded.push({ oids: [o.oid], loose: deflateObject(o.type, o.content) });
  }

  /**
   * stage writes the encoded objects' files under temp names in `.schemaver/tmp` and fsyncs them all at once,
   * moving nothing into the store: the slow half of flush(), for a caller that does it while it waits to know
   * whether it keeps the objects (discard() then removes them). `extra` files of the caller's (a journal, a ref)
   * are staged in the same round and returned; the caller renames them in or discards them.
   */
  async stage(extra: readonly { path: string; data: Uint8Array }[] = []): Promise<StagedFile[]> {
    this.encode();
    const todo = this.encoded.filter((e) => !e.staged);
    const files: { entry: Encoded; path: string; data: Uint8Array; hint: string }[] = [];
    for (const e of todo) {
      if (e.pack) {
        const dir = join(this.gitdir, 'objects', 'pack');
        const pack = join(dir, `${e.pack.name}.pack`);
        if (!existsSync(pack)) files.push({ entry: e, path: pack, data: e.pack.pack, hint: `${e.pack.name}.pack` });
        files.push({ entry: e, path: join(dir, `${e.pack.name}.idx`), data: e.pack.idx, hint: `${e.pack.name}.idx` });
      } else if (e.loose) {
        const oid = e.oids[0]!;
        const path = join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
        files.push({ entry: e, path, data: e.loose, hint: `obj_${oid}` });
      }
    }
    const staged = await stageFiles(
      [...files.map((f) => ({ path: f.path, data: f.data, mode: 0o444, hint: f.hint })), ...extra],
      tmpDirOf(this.gitdir),
    );
    for (const e of todo) e.staged = [];
    files.forEach((f, i) => f.entry.staged!.push(staged[i]!));
    return staged.slice(files.length);
  }

  /**
   * discard removes what stage() wrote and forgets the queued and encoded objects (the caller keeps none of them);
   * `leaveFiles`: after an injected fault, which leaves them to the next command's cleanTemp as a dead process would.
   */
  discard(leaveFiles = false): void {
    for (const e of this.encoded) if (e.staged) (leaveFiles ? unstage : discardStaged)(e.staged);
    this.encoded = [];
    this.encodedOids.clear();
    this.queue.clear();
  }

  /**
   * flush writes queued and encoded objects (batch mode): loose when fewer than PACK_THRESHOLD, else one pack.
   * Their files are staged (fsynced under temp names) unless stage() did it, renamed in, and every directory that
   * got an entry fsynced in one round with the directories of `alsoSync` (a rename the caller made just before);
   * a pack's index is renamed in last, after its pack is durable (git only reads packs that have an index).
   */
  async flush(alsoSync: Iterable<string> = []): Promise<void> {
    await this.stage();
    const syncDirs = new Set<string>(alsoSync);
    const moves: { from: string; to: string }[] = [];
    const indexes: { from: string; to: string }[] = [];
    const all: StagedFile[] = [];
    for (const e of this.encoded) {
      for (const f of e.staged ?? []) {
        const dir = dirname(f.path);
        if (!this.dirs.has(dir)) {
          makeDir(dir, syncDirs);
          this.dirs.add(dir);
        }
        (f.path.endsWith('.idx') && e.pack ? indexes : moves).push({ from: f.tmp, to: f.path });
        all.push(f);
      }
    }
    try {
      await renameMany(moves, syncDirs);
      await renameMany(indexes);
    } finally {
      unstage(all); // renamed in, or left to the next command's cleanTemp
    }
    for (const e of this.encoded) {
      if (e.pack) for (const oid of e.oids) this.packed?.add(oid);
      this.written += e.oids.length;
    }
    this.encoded = [];
    this.encodedOids.clear();
  }

  /**
   * write stores an object and returns its id; existing objects are left untouched. Synchronous file calls on
   * purpose: a commit writes thousands of small files, and sync syscalls are several times faster than
   * the thread-pool round trips of the async API for that.
   */
  async write(type: ObjectType, content: Uint8Array): Promise<string> {
    const oid = hashObject(type, content);
    if (this.has(oid)) return oid;
    if (this.opts.batch) this.queue.set(oid, { type, content });
    else {
      this.writeLoose(oid, deflateObject(type, content));
      this.written++;
    }
    return oid;
  }

  /** writeLoose writes one deflated loose object to a temp file in `.schemaver/tmp`, fsynced, and renames it into place. */
  private writeLoose(oid: string, packed: Buffer): void {
    const dir = join(this.gitdir, 'objects', oid.slice(0, 2));
    const file = join(dir, oid.slice(2));
    const tmpDir = tmpDirOf(this.gitdir);
    if (!this.dirs.has(dir)) {
      makeDir(dir);
      makeDir(tmpDir);
      this.dirs.add(dir);
    }
    const tmp = tempName(tmpDir, `obj_${oid}`);
    writeDurable(tmp, packed, 0o444);
    try {
      renameDurable(tmp, file);
    } catch (e) {
      if (e instanceof FaultInjected) throw e;
      rmSync(tmp, { force: true });
      if (!existsSync(file)) throw e;
    }
  }

  /** writeText stores a UTF-8 text as a blob. */
  writeText(text: string): Promise<string> {
    return this.write('blob', Buffer.from(text, 'utf8'));
  }

  /** writeTree stores a tree built from a nested path map (see TreeNode) and returns its id. */
  async writeTree(node: TreeNode): Promise<string> {
    const entries: { name: string; mode: string; oid: string }[] = [];
    for (const [name, child] of node) {
      if (typeof child === 'string') entries.push({ name, mode: '100644', oid: child });
      else entries.push({ name, mode: '40000', oid: await this.writeTree(child) });
    }
    // git orders tree entries by name, comparing a sub-tree's name as if it ended in '/'.
    const key = (e: { name: string; mode: string }) => Buffer.from(e.mode === '40000' ? e.name + '/' : e.name, 'utf8');
    entries.sort((a, b) => Buffer.compare(key(a), key(b)));
    const parts: Buffer[] = [];
    for (const e of entries) {
      parts.push(Buffer.from(`${e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.oid, 'hex'));
    }
    return this.write('tree', Buffer.concat(parts));
  }
}

/** deflateObject is a loose object's file content: `<type> <size>\0<content>`, deflated. */
function deflateObject(type: ObjectType, content: Uint8Array): Buffer {
  return deflateSync(Buffer.concat([Buffer.from(`${type} ${content.byteLength}\0`), content]), { level: 1 });
}

/** TreeNode is a directory being built: name -> blob id (file) or a nested TreeNode (directory). */
export type TreeNode = Map<string, string | TreeNode>;

/** addPath puts blob `oid` at the slash-separated `path` below `root`, creating directories. */
export function addPath(root: TreeNode, path: string, oid: string): void {
  const parts = path.split('/');
  let node = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    let next = node.get(p);
    if (next === undefined) {
      next = new Map();
      node.set(p, next);
    } else if (typeof next === 'string') {
      throw new Error(`tree path conflict at ${parts.slice(0, i + 1).join('/')}`);
    }
    node = next;
  }
  const leaf = parts[parts.length - 1]!;
  if (node.get(leaf) instanceof Map) throw new Error(`tree path conflict at ${path}`);
  node.set(leaf, oid);
}

/** exists tells whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await fsp.access(path);
    return true;
  } catch {
    return false;
  }
}
