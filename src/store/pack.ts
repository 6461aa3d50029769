/**
 * Pack files for big commits. A commit that adds many objects (a 1000-table schema adds ~1000 model blobs)
 * writes them as one pack + index instead of thousands of loose files: two files, written to temporary
 * names and renamed in, the `.idx` last (git only looks at packs that have an index: objects.ts ObjectWriter.flush).
 * Format: git pack v2 (whole objects, no deltas) with a v2 index.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import type { ObjectType } from './objects.js';

/** PackObject is one object to pack. */
export interface PackObject {
  readonly oid: string;
  readonly type: ObjectType;
  readonly content: Uint8Array;
}

const TYPE_CODE: Readonly<Record<ObjectType, number>> = { commit: 1, tree: 2, blob: 3 };

let crcTable: Uint32Array | undefined;
/** nativeCrc32 is zlib's CRC-32 (Node 20.15+), ~50x faster than the table loop below, which is the fallback. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** crc32 is the CRC-32 (IEEE) git stores per packed object in the index. */
export function crc32(buf: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(buf) : portableCrc32(buf);
}

/** portableCrc32 is crc32 computed with a table in JavaScript (Node before 20.15). */
export function portableCrc32(buf: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** entryHeader writes a packed object's type-and-size header (size in 4 + 7n bits, little-endian groups). */
function entryHeader(type: ObjectType, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (TYPE_CODE[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/** EncodedPack is a pack and its index built in memory (encodePack), staged and renamed in by ObjectWriter (objects.ts stage, flush). */
export interface EncodedPack {
  readonly name: string;
  readonly pack: Buffer;
  readonly idx: Buffer;
}

/** encodePack builds the pack and v2 index of `objects` in memory (the CPU work of writing a pack: deflate, CRC, SHA-1). */
export function encodePack(objects: readonly PackObject[]): EncodedPack {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [header];
  const entries: { oid: string; offset: number; crc: number }[] = [];
  let offset = 12;
  for (const o of objects) {
    const entry = Buffer.concat([entryHeader(o.type, o.content.byteLength), deflateSync(o.content, { level: 1 })]);
    entries.push({ oid: o.oid, offset, crc: crc32(entry) });
    parts.push(entry);
    offset += entry.length;
  }
  if (offset >= 0x80000000) throw new Error('pack too large for a 32-bit index');
  const body = Buffer.concat(parts);
  const packSha = createHash('sha1').update(body).digest();
  const pack = Buffer.concat([body, packSha]);

  entries.sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const fanout = Buffer.alloc(256 * 4);
  const counts = new Array<number>(256).fill(0);
  for (const e of entries) counts[parseInt(e.oid.slice(0, 2), 16)]!++;
  let running = 0;
  for (let i = 0; i < 256; i++) {
    running += counts[i]!;
    fanout.writeUInt32BE(running, i * 4);
  }
  const shas = Buffer.concat(entries.map((e) => Buffer.from(e.oid, 'hex')));
  const crcs = Buffer.alloc(entries.length * 4);
  const offs = Buffer.alloc(entries.length * 4);
  entries.forEach((e, i) => {
    crcs.writeUInt32BE(e.crc, i * 4);
    offs.writeUInt32BE(e.offset, i * 4);
  });
  const idxBody = Buffer.concat([Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]), fanout, shas, crcs, offs, packSha]);
  const idx = Buffer.concat([idxBody, createHash('sha1').update(idxBody).digest()]);

  return { name: `pack-${packSha.toString('hex')}`, pack, idx };
}

/** packedOids lists every object id in the store's pack indexes (v2), to skip objects that already exist. */
export function packedOids(gitdir: string): Set<string> {
  const out = new Set<string>();
  const dir = join(gitdir, 'objects', 'pack');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.idx'));
  } catch {
    return out;
  }
  for (const n of names) {
    const buf = readFileSync(join(dir, n));
    if (buf.length < 8 + 1024 || buf.readUInt32BE(0) !== 0xff744f63 || buf.readUInt32BE(4) !== 2) continue; // v1 or foreign: skip
    const count = buf.readUInt32BE(8 + 255 * 4);
    const start = 8 + 1024;
    for (let i = 0; i < count; i++) out.add(buf.toString('hex', start + i * 20, start + (i + 1) * 20));
  }
  return out;
}
