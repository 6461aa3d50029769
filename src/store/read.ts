/**
 * Strict reading of git objects. Every object read is checked: present (loose or in a pack whose index and
 * pack file agree), inflates, has the size its header says, and hashes to its id. Anything else is a
 * `corrupt-store` error (exit 3) naming the object and where it sits in the commit, never an empty value.
 * Packs are checked whole (index checksum, pack checksum, object count) the first time one is needed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { join } from 'node:path';
import { SchemaverError } from '../errors.js';

/** RECOVER_HINT tells how to get a damaged store back. */
export const RECOVER_HINT =
  'run `schemaver fsck` to list all the damage; if .schemaver/ is tracked by your application repository, restore it from there (`git checkout -- .schemaver` or `git restore .schemaver`), or copy it from a clone that has it';

/** Where locates an object for error messages: the commit it belongs to and its path in that commit's tree. */
export interface Where {
  readonly commit?: string;
  readonly path?: string;
}

/** StoredObject is an object's type and content (without the git header). */
export interface StoredObject {
  readonly type: string;
  readonly content: Buffer;
}

/** corruptStore builds the `corrupt-store` error (exit 3) for a damaged or missing object or file. */
export function corruptStore(
  message: string,
  data: Record<string, unknown> = {},
  hint: string = RECOVER_HINT,
): SchemaverError {
  return new SchemaverError({
    code: 'corrupt-store',
    message: `the store is damaged: ${message}`,
    hint,
    data,
    exit: 3,
  });
}

/** describe writes `blob 1a2b3c4d5e6f (migrations/…/up.sql of commit 9f8e7d6)` for messages. */
export function describeObject(kind: string, oid: string, where?: Where): string {
  const path = where?.path !== undefined ? (where.path === '' ? 'root tree' : where.path) : undefined;
  const at =
    path && where?.commit
      ? ` (${path} of commit ${where.commit.slice(0, 7)})`
      : where?.commit
        ? ` (of commit ${where.commit.slice(0, 7)})`
        : path
          ? ` (${path})`
          : '';
  return `${kind} ${oid.slice(0, 12)}${at}`;
}

/** PackIndex is one `objects/pack/pack-*.idx` with its pack, loaded and checked lazily. */
interface PackIndex {
  readonly name: string;
  readonly offsets: Map<string, number>;
  readonly ends: Map<number, number>; // entry offset -> offset where the next entry starts
  readonly packSha: string;
  pack?: Buffer;
  problem?: string; // why the pack cannot be read (missing, truncated, checksum)
}

const TYPES: Record<number, string> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

/** sha1 is the hex SHA-1 of some bytes. */
function sha1(...parts: Uint8Array[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** ObjectReader reads objects of one gitdir strictly, caching what it read (objects are immutable). */
export class ObjectReader {
  private readonly cache = new Map<string, StoredObject>();
  private idx: PackIndex[] | undefined;
  /** idxProblems lists index files that could not be loaded (name -> why). */
  readonly idxProblems = new Map<string, string>();

  constructor(private readonly gitdir: string) {}

  /** loosePath is where a loose object lives. */
  loosePath(oid: string): string {
    return join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
  }

  /** packs loads every pack index (once); indexes that do not load are recorded in idxProblems. */
  packs(): PackIndex[] {
    if (this.idx) return this.idx;
    return this.rescan();
  }

  /** rescan loads pack indexes not loaded yet (packs written since, by this or another process). */
  rescan(): PackIndex[] {
    this.idx ??= [];
    const known = new Set([...this.idx.map((p) => `${p.name}.idx`), ...this.idxProblems.keys()]);
    const dir = join(this.gitdir, 'objects', 'pack');
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => /^pack-[0-9a-f]{40}\.idx$/.test(n));
    } catch {
      /* no packs */
    }
    for (const n of names.sort()) {
      if (known.has(n)) continue;
      try {
        this.idx.push(loadIndex(join(dir, n), n.slice(0, -4)));
      } catch (e) {
        this.idxProblems.set(n, (e as Error).message);
      }
    }
    return this.idx;
  }

  /** packOf returns the pack index holding an object, if any. */
  packOf(oid: string): PackIndex | undefined {
    const has = (p: PackIndex) => p.offsets.has(oid);
    return this.packs().find(has) ?? this.rescan().find(has);
  }

  /** exists tells whether an object is stored (loose file present, or listed by a pack index). */
  exists(oid: string): boolean {
    return existsSync(this.loosePath(oid)) || this.packOf(oid) !== undefined;
  }

  /** checkPack loads and checks a pack whole: file present, header, object count, checksums. Returns the problem, if any. */
  checkPack(p: PackIndex): string | undefined {
    if (p.pack || p.problem) return p.problem;
    const path = join(this.gitdir, 'objects', 'pack', `${p.name}.pack`);
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch {
      return (p.problem = `${p.name}.pack is missing (its .idx lists ${p.offsets.size} objects)`);
    }
    if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'PACK')
      return (p.problem = `${p.name}.pack is truncated or not a pack`);
    if (buf.readUInt32BE(8) !== p.offsets.size)
      return (p.problem = `${p.name}.pack holds ${buf.readUInt32BE(8)} objects but its .idx lists ${p.offsets.size}`);
    const trailer = buf.toString('hex', buf.length - 20);
    if (trailer !== p.packSha || sha1(buf.subarray(0, buf.length - 20)) !== trailer)
      return (p.problem = `${p.name}.pack does not match its checksum (truncated or altered)`);
    p.pack = buf;
    return undefined;
  }

  /** read returns an object, checked; corrupt-store when missing, unreadable or not hashing to its id. */
  read(oid: string, kind = 'object', where?: Where): StoredObject {
    const hit = this.cache.get(oid);
    if (hit) return hit;
    const fail = (why: string, problem: string) =>
      corruptStore(`${describeObject(kind, oid, where)} ${why}`, {
        object: oid,
        kind,
        problem,
        ...(where?.commit ? { commit: where.commit } : {}),
        ...(where?.path !== undefined ? { path: where.path } : {}),
      });
    let raw: Buffer | undefined;
    try {
      raw = readFileSync(this.loosePath(oid));
    } catch {
      /* not loose */
    }
    let obj: StoredObject;
    if (raw !== undefined) {
      let full: Buffer;
      try {
        full = inflateSync(raw);
      } catch {
        throw fail('does not inflate (the loose object file is truncated or altered)', 'unreadable');
      }
      const nul = full.indexOf(0);
      const m = nul > 0 ? /^(blob|tree|commit|tag) (\d+)$/.exec(full.toString('latin1', 0, nul)) : null;
      if (!m || Number(m[2]) !== full.length - nul - 1) throw fail('has a broken header or size', 'unreadable');
      if (sha1(full) !== oid) throw fail('does not match its id (altered)', 'hash-mismatch');
      obj = { type: m[1]!, content: full.subarray(nul + 1) };
    } else {
      const p = this.packOf(oid);
      if (!p) {
        const lost = this.idxProblems.size
          ? ` (unreadable pack index: ${[...this.idxProblems.keys()].join(', ')})`
          : '';
        throw fail(`is missing${lost}`, 'missing');
      }
      const problem = this.checkPack(p);
      if (problem) throw fail(`cannot be read: ${problem}`, 'bad-pack');
      try {
        obj = readPacked(p, p.offsets.get(oid)!, (base) => this.read(base, 'delta base', where));
      } catch (e) {
        if (e instanceof SchemaverError) throw e;
        throw fail(`does not unpack from ${p.name}.pack: ${(e as Error).message}`, 'unreadable');
      }
      if (sha1(Buffer.from(`${obj.type} ${obj.content.length}\0`), obj.content) !== oid)
        throw fail(`does not match its id in ${p.name}.pack (altered)`, 'hash-mismatch');
    }
    this.cache.set(oid, obj);
    return obj;
  }

  /**
   * check makes sure an object is present and sound without keeping its content: a loose object is read and
   * hashed; a packed one must sit in a pack whose checksums hold (the pack is checked whole, once). `loose`: the
   * loose object ids (looseIds) when the caller checks many objects, so that each costs no file-system call.
   */
  check(oid: string, kind: string, where?: Where, loose?: ReadonlySet<string>): void {
    if (this.cache.has(oid) || (loose ? loose.has(oid) : existsSync(this.loosePath(oid)))) {
      this.read(oid, kind, where);
      return;
    }
    const p = this.packOf(oid);
    const problem = p ? this.checkPack(p) : undefined;
    if (!p || problem) this.read(oid, kind, where); // throws the precise error
  }

  /** readTyped reads an object and checks its type. */
  readTyped(oid: string, type: 'blob' | 'tree' | 'commit', where?: Where): Buffer {
    const o = this.read(oid, type, where);
    if (o.type !== type)
      throw corruptStore(`${describeObject(type, oid, where)} is a ${o.type}, not a ${type}`, {
        object: oid,
        problem: 'wrong-type',
      });
    return o.content;
  }

  /** looseIds lists every loose object id (for prefixes and fsck). */
  looseIds(): string[] {
    const out: string[] = [];
    const dir = join(this.gitdir, 'objects');
    let subs: string[] = [];
    try {
      subs = readdirSync(dir).filter((d) => /^[0-9a-f]{2}$/.test(d));
    } catch {
      return out;
    }
    for (const d of subs) {
      let names: string[] = [];
      try {
        names = readdirSync(join(dir, d));
      } catch {
        continue;
      }
      for (const n of names) if (/^[0-9a-f]{38}$/.test(n)) out.push(d + n);
    }
    return out;
  }
}

/** loadIndex reads a v2 pack index and checks its own checksum. */
function loadIndex(path: string, name: string): PackIndex {
  const buf = readFileSync(path);
  if (buf.length < 8 + 1024 + 40 || buf.readUInt32BE(0) !== 0xff744f63 || buf.readUInt32BE(4) !== 2)
    throw new Error('not a version 2 pack index (truncated or altered)');
  const count = buf.readUInt32BE(8 + 255 * 4);
  const shas = 8 + 1024;
  const crcs = shas + count * 20;
  const offs = crcs + count * 4;
  const large = offs + count * 4;
  if (buf.length < large + 40) throw new Error('truncated');
  if (sha1(buf.subarray(0, buf.length - 20)) !== buf.toString('hex', buf.length - 20))
    throw new Error('does not match its checksum (truncated or altered)');
  const offsets = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    let off = buf.readUInt32BE(offs + i * 4);
    if (off & 0x80000000) {
      const k = off & 0x7fffffff;
      off = Number(buf.readBigUInt64BE(large + k * 8));
    }
    offsets.set(buf.toString('hex', shas + i * 20, shas + (i + 1) * 20), off);
  }
  const sorted = [...offsets.values()].sort((a, b) => a - b);
  const ends = new Map<number, number>();
  sorted.forEach((o, i) => ends.set(o, sorted[i + 1] ?? -20));
  return { name, offsets, ends, packSha: buf.toString('hex', buf.length - 40, buf.length - 20) };
}

/** readPacked reads the entry at `offset` of a checked pack, resolving deltas (git gc writes them). */
function readPacked(p: PackIndex, offset: number, byId: (oid: string) => StoredObject): StoredObject {
  const pack = p.pack!;
  let pos = offset;
  let c = pack[pos++]!;
  const code = (c >> 4) & 7;
  let size = c & 15;
  let shift = 4;
  while (c & 0x80) {
    c = pack[pos++]!;
    size += (c & 0x7f) * 2 ** shift;
    shift += 7;
  }
  const endRaw = p.ends.get(offset)!;
  const end = endRaw < 0 ? pack.length + endRaw : endRaw;
  if (code === 6 || code === 7) {
    let base: StoredObject;
    if (code === 6) {
      c = pack[pos++]!;
      let back = c & 0x7f;
      while (c & 0x80) {
        c = pack[pos++]!;
        back = ((back + 1) << 7) | (c & 0x7f);
      }
      base = readPacked(p, offset - back, byId);
    } else {
      base = byId(pack.toString('hex', pos, pos + 20));
      pos += 20;
    }
    const delta = inflateSync(pack.subarray(pos, end));
    if (delta.length !== size) throw new Error('delta size mismatch');
    return { type: base.type, content: applyDelta(base.content, delta) };
  }
  const type = TYPES[code];
  if (!type) throw new Error(`unknown entry type ${code}`);
  const content = inflateSync(pack.subarray(pos, end));
  if (content.length !== size) throw new Error('size mismatch');
  return { type, content };
}

/** applyDelta applies a git delta to its base. */
function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let pos = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    let c;
    do {
      c = delta[pos++]!;
      v += (c & 0x7f) * 2 ** shift;
      shift += 7;
    } while (c & 0x80);
    return v;
  };
  if (varint() !== base.length) throw new Error('delta base size mismatch');
  const out = Buffer.alloc(varint());
  let o = 0;
  while (pos < delta.length) {
    const op = delta[pos++]!;
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) off |= delta[pos++]! << (8 * i);
      for (let i = 0; i < 3; i++) if (op & (1 << (4 + i))) len |= delta[pos++]! << (8 * i);
      if (len === 0) len = 0x10000;
      base.copy(out, o, off >>> 0, (off >>> 0) + len);
      o += len;
    } else if (op) {
      delta.copy(out, o, pos, pos + op);
      o += op;
      pos += op;
    } else throw new Error('bad delta opcode');
  }
  if (o !== out.length) throw new Error('delta result size mismatch');
  return out;
}
