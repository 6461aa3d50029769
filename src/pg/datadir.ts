/**
 * Writing a data directory into a starting PGlite's in-memory file system, the cheap way. PGlite's own `loadDataDir`
 * reads the tarball through a Blob, untars it into new arrays and writes each file by path, checking every parent
 * directory of every file by path again (~400 files: ~2,000 path walks); on the verification worker, whose proof
 * waits for its database, that was ~70 ms of a cold start. Here the tarball is indexed once per thread, and each
 * start copies it once and makes each file a node of its directory, holding its slice of the copy: the same files,
 * bytes, modes and times that `loadDataDir` writes (PGlite then finds the cluster and starts it, as after its own
 * load). A tarball holding anything else than plain files and directories with short names is left to PGlite.
 * Also here: the ustar helpers and the tarball edits (editTar; the template databases and the WAL a restore does not
 * read left out) pglite.ts makes its images with.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Extension, PGliteOptions } from '@electric-sql/pglite';

/** DataFile is one regular file of a data-directory tarball: its directory, its name and its bytes' place. */
interface DataFile {
  readonly dir: string;
  readonly name: string;
  readonly start: number;
  readonly size: number;
  /** mtime: milliseconds (PGlite's loader sets each file's times from the tarball). */
  readonly mtime: number;
}

/** DataDir is a tarball's index: its directories (relative, `/`-led, parents first) and its files. */
interface DataDir {
  readonly dirs: readonly string[];
  readonly files: readonly DataFile[];
}

/** FILE_MODE is the mode PGlite's loader gives the files it writes (FS.writeFile's 0666; directories get FS.mkdir's 0777 here too). */
const FILE_MODE = 0o100666;
/** BUNDLE_MODE is the mode Emscripten's createDataFile leaves a readable, writable file with (FS_getMode: rwx). */
const BUNDLE_MODE = 0o100777;

/** MemNode is the part of an Emscripten MEMFS node this module touches. */
interface MemNode {
  contents: Uint8Array;
  usedBytes: number;
  atime: number;
  mtime: number;
  ctime: number;
  readonly node_ops: { mknod(parent: MemNode, name: string, mode: number, dev: number): MemNode };
}

/** EmscriptenFs is the part of PGlite's Emscripten file system this module uses. */
interface EmscriptenFs {
  mkdirTree(path: string): void;
  lookupPath(path: string): { node: MemNode | null };
}

const indexes = new WeakMap<Uint8Array, DataDir | null>();

/** dataDirOf indexes a tarball (once per tarball), or null when PGlite's own loader should read it. */
export function dataDirOf(tar: Uint8Array): DataDir | null {
  let d = indexes.get(tar);
  if (d === undefined) {
    d = indexTar(tar);
    indexes.set(tar, d);
  }
  return d;
}

/** indexTar lists the directories and files of a ustar tarball; null for any other entry or a name with a prefix. */
function indexTar(tar: Uint8Array): DataDir | null {
  const dec = new TextDecoder();
  const field = (at: number, len: number) => {
    const b = tar.subarray(at, at + len);
    const end = b.indexOf(0);
    return dec.decode(end < 0 ? b : b.subarray(0, end));
  };
  const dirs = new Set<string>();
  const files: DataFile[] = [];
  const addDir = (dir: string) => {
    const parts = dir.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) dirs.add(`/${parts.slice(0, i).join('/')}`);
  };
  let pos = 0;
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((x) => x === 0)) break;
    const type = String.fromCharCode(header[156]!);
    const size = parseInt(field(pos + 124, 12).trim() || '0', 8);
    const mtime = parseInt(field(pos + 136, 12).trim() || '0', 8);
    if (field(pos + 345, 155) || !Number.isFinite(size) || !Number.isFinite(mtime)) return null;
    const rel = field(pos, 100)
      .split('/')
      .filter((p) => p && p !== '.');
    if (rel.some((p) => p === '..')) return null;
    const data = pos + 512;
    pos = data + Math.ceil(size / 512) * 512;
    if (pos > tar.length) return null;
    if (type === '5') addDir(rel.join('/'));
    else if (type === '0' || type === '\0') {
      if (rel.length === 0) return null;
      const dir = rel.length > 1 ? `/${rel.slice(0, -1).join('/')}` : '';
      if (dir) addDir(dir);
      files.push({ dir, name: rel[rel.length - 1]!, start: data, size, mtime: mtime ? mtime * 1000 : Date.now() });
    } else return null;
  }
  return { dirs: [...dirs], files };
}

/**
 * dataDirLoader is a PGlite extension (no SQL, no bundle) whose only part is two steps before PostgreSQL starts:
 * PGlite's file-system bundle written the cheap way (fastBundleFiles), and, with `tar`, the data directory `dir`
 * indexes written under PGDATA (pass it instead of `loadDataDir` then).
 */
export function dataDirLoader(tar?: Uint8Array, dir?: DataDir): Extension {
  const steps = [fastBundleFiles, ...(tar && dir ? [(mod: unknown) => write(mod, tar, dir)] : [])];
  return {
    name: 'schemaver-datadir',
    setup: (_pg, opts: { preRun?: ((mod: unknown) => void)[] }) =>
      Promise.resolve({ emscriptenOpts: { ...opts, preRun: [...(opts.preRun ?? []), ...steps] } }),
  };
}

/** DataFileMaker is Emscripten's FS_createDataFile: parent (or whole path), name, data, canRead, canWrite, canOwn. */
type DataFileMaker = (parent: unknown, name: unknown, data: unknown, r: unknown, w: unknown, own: unknown) => void;

/**
 * fastBundleFiles makes the files of PGlite's bundle (`pglite.data`: 699 files, written by Emscripten's package
 * loader, a later step of the same start) the way `write` makes the data directory's: Emscripten's createDataFile
 * walks each file's path from the root twice and sets its mode three times, ~0.2 s of a cold start on the worker.
 * The loader gives whole paths and lets the file own its bytes (a view of the bundle, which each start has a copy
 * of): such a file becomes a node of its directory holding the view, mode 0777 as createDataFile leaves it; any
 * other call goes to Emscripten's own.
 */
function fastBundleFiles(mod: unknown): void {
  const m = mod as { FS?: EmscriptenFs; FS_createDataFile?: DataFileMaker };
  const fs = m.FS;
  const own = m.FS_createDataFile;
  if (!fs || !own) return;
  const dirs = new Map<string, MemNode>();
  m.FS_createDataFile = (parent, name, data, r, w, canOwn) => {
    const slash = typeof parent === 'string' ? parent.lastIndexOf('/') : -1;
    const whole = name === null && slash > 0 && r === true && w === true && canOwn === true;
    if (!whole || !(data instanceof Uint8Array)) return own(parent, name, data, r, w, canOwn);
    const path = parent as string;
    const dir = path.slice(0, slash);
    let node = dirs.get(dir);
    if (!node) dirs.set(dir, (node = fs.lookupPath(dir).node!));
    const file = node.node_ops.mknod(node, path.slice(slash + 1), BUNDLE_MODE, 0);
    file.contents = data;
    file.usedBytes = data.length;
  };
}

/** write puts the files of `dir` into the file system of the starting module `mod` (PGlite's preRun steps set PGDATA before this). */
function write(mod: unknown, tar: Uint8Array, dir: DataDir): void {
  const m = mod as { FS?: EmscriptenFs; ENV?: Record<string, string> };
  const root = m.ENV?.PGDATA;
  const fs = m.FS;
  // without them PGlite would find no cluster and make an empty one: for an image of a schema that is another
  // database than the one asked for, so the start fails instead (an image restore then builds the schema)
  if (!root || !fs) throw new Error("PGlite's file system is not as schemaver writes data directories into it");
  const copy = new Uint8Array(tar); // one copy per database (a Buffer's slice() would be a view): its files are written in place
  const nodes = new Map<string, MemNode>();
  const dirNode = (rel: string): MemNode => {
    let n = nodes.get(rel);
    if (!n) {
      fs.mkdirTree(root + rel);
      n = fs.lookupPath(root + rel).node!;
      nodes.set(rel, n);
    }
    return n;
  };
  dirNode('');
  for (const d of dir.dirs) dirNode(d);
  for (const f of dir.files) {
    const parent = dirNode(f.dir);
    const node = parent.node_ops.mknod(parent, f.name, FILE_MODE, 0);
    node.contents = copy.subarray(f.start, f.start + f.size);
    node.usedBytes = f.size;
    node.atime = node.mtime = f.mtime;
  }
}

/**
 * dataDirOptions are the PGlite.create options that start it on a copy of the data directory in `tar` with
 * `extensions`: written by dataDirLoader when it can index the tarball, else by PGlite's loadDataDir.
 */
export function dataDirOptions(tar: Uint8Array, extensions: Record<string, Extension>): Partial<PGliteOptions> {
  const dir = dataDirOf(tar);
  if (!dir)
    return {
      loadDataDir: new Blob([tar as Uint8Array<ArrayBuffer>]),
      extensions: { ...extensions, schemaver_datadir: dataDirLoader() },
    };
  return { extensions: { ...extensions, schemaver_datadir: dataDirLoader(tar, dir) } };
}

/**
 * writeDataDir writes the data directory in `tar` into `dir` on disk (absent or empty), as a new persistent PGlite
 * database's cluster (openPglite), and returns true; false, writing nothing, when the tarball is not one
 * dataDirOf indexes (PGlite's `loadDataDir` reads it then). PGlite's own loader writes each file through its
 * Emscripten file system, in chunks and with every parent directory looked up by path again (~1 s of CPU for the
 * ~970 files and 40 MB of an initdb image); here each file is written whole with the bytes the tarball holds, with
 * synchronous calls: the ~3,000 asynchronous ones (open, write, close per file) cost ~100-200 ms more CPU of the
 * thread-pool round trips than the writes themselves (in-process, alternated: 225-850 vs 113-484 ms), and nothing
 * else waits on this thread while a new database is created. The cluster's PG_VERSION, which marks a data directory
 * PostgreSQL can start on (and the embedded database as existing, deploy/target.ts), is written last: an interrupted
 * write leaves no directory that looks like a cluster.
 */
export async function writeDataDir(dir: string, tar: Uint8Array): Promise<boolean> {
  const index = dataDirOf(tar);
  if (!index) return false;
  await mkdir(dir, { recursive: true });
  for (const d of index.dirs) mkdirSync(path.join(dir, d), { recursive: true });
  const version = index.files.filter((f) => f.dir === '' && f.name === 'PG_VERSION');
  for (const f of [...index.files.filter((x) => !version.includes(x)), ...version])
    writeFileSync(path.join(dir, f.dir, f.name), tar.subarray(f.start, f.start + f.size));
  return true;
}

let bundleBytes: Uint8Array | null | undefined;

/**
 * fsBundle is PGlite's file-system bundle (`pglite.data`: PostgreSQL's share/ and lib/ files, 6 MB), read once per
 * thread (synchronously, as pgliteWasm reads): PGlite otherwise reads the file again for every instance, in chunks
 * that wait for turns of a busy event loop. PGlite only asks a bundle for its bytes (`arrayBuffer()`) and keeps slices
 * of them as its files, so each instance gets a copy of its own; a Blob would copy them twice, and slowly.
 * Undefined when the file cannot be read: PGlite then reads it itself.
 */
export function fsBundle(): Blob | undefined {
  if (bundleBytes === undefined) {
    try {
      const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
      const buf = readFileSync(path.join(path.dirname(entry), 'pglite.data'));
      bundleBytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch {
      bundleBytes = null;
    }
  }
  const bytes = bundleBytes;
  return bytes ? ({ arrayBuffer: () => Promise.resolve(new Uint8Array(bytes).buffer) } as unknown as Blob) : undefined;
}

/** withSize is a copy of ustar `header` with size field `size` and its checksum recomputed. */
export function withSize(header: Uint8Array, size: number): Uint8Array {
  const h = new Uint8Array(header);
  const put = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) h[at + i] = s.charCodeAt(i);
  };
  put(124, size.toString(8).padStart(11, '0') + '\0');
  put(148, '        '); // the checksum is computed with its own field as spaces
  put(
    148,
    h
      .reduce((n, b) => n + b, 0)
      .toString(8)
      .padStart(6, '0') + '\0 ',
  );
  return h;
}

/** padded is `data` padded with zeros to a multiple of 512 bytes. */
export function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

/**
 * editTar rewrites a data-directory tarball entry by entry: `edit` gets each regular file's path (no leading `./` or
 * `/`) and data, and returns the data to keep (the same or a prefix of it) or null to leave the entry out. Entries
 * are 512-byte ustar headers followed by their data, padded to 512; pax / GNU long-name headers go with their entry.
 */
export function editTar(tar: Uint8Array, edit: (rel: string, data: Uint8Array) => Uint8Array | null): Uint8Array {
  const out: Uint8Array[] = [];
  const text = (at: number, len: number) => {
    const b = tar.subarray(at, at + len);
    const end = b.indexOf(0);
    return new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
  };
  let pos = 0;
  let pending: Uint8Array[] = []; // pax / GNU long-name headers that belong to the next entry
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((x) => x === 0)) break;
    const size = parseInt(text(pos + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const span = 512 + Math.ceil(size / 512) * 512;
    const entry = tar.subarray(pos, pos + span);
    pos += span;
    if (type === 'x' || type === 'L' || type === 'g') {
      pending.push(entry);
      continue;
    }
    const prefix = text(pos - span + 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(pos - span, 100);
    const rel = name.replace(/^\.?\/+/, '');
    const data = entry.subarray(512, 512 + size);
    const kept = type === '0' || type === '\0' ? edit(rel, data) : data;
    if (kept === data) out.push(...pending, entry);
    else if (kept) out.push(...pending, withSize(header, kept.length), padded(kept));
    pending = [];
  }
  out.push(new Uint8Array(1024));
  const total = out.reduce((n, b) => n + b.length, 0);
  const result = new Uint8Array(total);
  let at = 0;
  for (const b of out) {
    result.set(b, at);
    at += b.length;
  }
  return result;
}

/**
 * withoutTemplates removes the template databases (template1 = base/1, template0 = base/4; fixed oids since
 * PostgreSQL 15) from a data-directory tarball. An ephemeral database never runs CREATE DATABASE, and the
 * smaller image restores faster.
 */
export function withoutTemplates(tar: Uint8Array): Uint8Array {
  return editTar(tar, (rel, data) => (/^base\/(1|4)(\/|$)/.test(rel) ? null : data));
}

/** WAL_PAGE is PostgreSQL's WAL page size (XLOG_BLCKSZ). */
const WAL_PAGE = 8192;

/**
 * compactWal keeps only the WAL a restored copy reads: the segment `segment` that holds the last checkpoint's redo
 * point and checkpoint record (compactDump switches to a new segment before that checkpoint, so it is the only
 * one), without its trailing pages of zeros. PostgreSQL reads a page of zeros and a page past the end of the file
 * alike, as the end of the WAL; and each segment is 16 MB that every restore otherwise copies three times (tar,
 * untar, the in-memory file system). Unchanged when the tarball has no such segment.
 */
export function compactWal(tar: Uint8Array, segment: string): Uint8Array {
  if (!/^[0-9A-F]{24}$/.test(segment)) return tar;
  let found = false;
  const out = editTar(tar, (rel, data) => {
    const m = /^pg_wal\/([0-9A-F]{24})$/.exec(rel);
    if (!m) return data;
    if (m[1] !== segment) return null;
    found = true;
    let end = data.length;
    while (end > 0 && data[end - 1] === 0) end--;
    return data.subarray(0, Math.ceil(end / WAL_PAGE) * WAL_PAGE);
  });
  return found ? out : tar;
}
