/**
 * Git objects written the crash-safe way: content hashed (SHA-1, as git), deflated, written to a temporary
 * file and renamed into place (loose objects, or one pack for a big batch, see ./pack.ts). A killed process
 * leaves at most a stray temp file, never a truncated object; an object that already exists is never
 * rewritten (unchanged objects share blobs). Reading goes through ./read.ts, which reads both, strictly.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp, rmSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { encodePack, packedOids, storePack, type EncodedPack } from './pack.js';
import {
  FaultInjected,
  makeDir,
  renameDurable,
  renameMany,
  tempName,
  tmpDirOf,
  writeDurable,
  writeManyDurable,
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

/**
 * ObjectWriter writes objects into one gitdir. Immediate mode writes each object loose at once; batch mode
 * (`{ batch: true }`) queues new objects until flush(), which writes them loose when few or as one pack when
 * many. Objects already in the store (loose or packed) are never written again.
 */
export class ObjectWriter {
  private readonly dirs = new Set<string>();
  private readonly queue = new Map<string, { type: ObjectType; content: Uint8Array }>();
  private readonly encoded: { oids: string[]; pack?: EncodedPack; loose?: Buffer }[] = [];
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

  /** flush writes queued and encoded objects (batch mode): loose when fewer than PACK_THRESHOLD, else one pack. */
  async flush(): Promise<void> {
    this.encode();
    const loose: { oid: string; data: Buffer }[] = [];
    for (const e of this.encoded) {
      if (e.pack) {
        storePack(this.gitdir, e.pack);
        for (const oid of e.oids) this.packed?.add(oid);
      } else if (e.loose) loose.push({ oid: e.oids[0]!, data: e.loose });
      this.written += e.oids.length;
    }
    await this.writeLooseMany(loose);
    this.encoded.length = 0;
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

  /**
   * writeLooseMany writes loose objects together: every temp file written, all fsynced at once, renamed into
   * place, the object directories fsynced at once (one journal commit instead of one per object).
   */
  private async writeLooseMany(objects: readonly { oid: string; data: Buffer }[]): Promise<void> {
    if (!objects.length) return;
    const tmpDir = tmpDirOf(this.gitdir);
    makeDir(tmpDir);
    const files = objects.map((o) => ({ ...o, path: tempName(tmpDir, `obj_${o.oid}`), mode: 0o444 }));
    const moves: { from: string; to: string }[] = [];
    for (const f of files) {
      const dir = join(this.gitdir, 'objects', f.oid.slice(0, 2));
      if (!this.dirs.has(dir)) {
        makeDir(dir);
        this.dirs.add(dir);
      }
      moves.push({ from: f.path, to: join(dir, f.oid.slice(2)) });
    }
    await writeManyDurable(files);
    await renameMany(moves);
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
