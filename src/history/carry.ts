/**
 * What `checkout` does with edits in schema/ that HEAD does not hold, git's way: an edited file the switch does
 * not touch (same bytes in HEAD and in the target) is carried over as it is; an edit of comments or formatting
 * only (schema/ hashes like HEAD) to a file the switch does touch is merged into the target's text line by line
 * (diff3) and kept when that merge is clean and still reads as the target's schema. Anything else refuses, as
 * git does ("your local changes would be overwritten").
 */
import { parseSchemaFiles, type SourceFile } from '../parse/index.js';
import type { Store } from '../store/index.js';
import { schemaHash } from '../canon/index.js';
import { join } from 'node:path';
import { blobId } from '../store/objects.js';
import { createRequire } from 'node:module';
import { normalizeExpressions } from '../pg/normalize.js';

/** CarryResult is the schema/ to write after a switch, or the paths whose edits it would overwrite. */
export type CarryResult = { readonly files: SourceFile[] } | { readonly blocked: string[] };

/** carryEdits computes schema/ after switching from `head` to `target` with `working` (edited) files. */
export async function carryEdits(
  store: Store,
  head: string,
  target: string,
  working: readonly SourceFile[],
  workingHash: string | undefined,
): Promise<CarryResult> {
  const [headIds, targetIds] = [await store.schemaFileIds(head), await store.schemaFileIds(target)];
  const targetFiles = new Map((await store.readFiles(target)).map((f) => [f.path, f.text]));
  const headFiles = new Map((await store.readFiles(head)).map((f) => [f.path, f.text]));
  const mine = new Map(working.map((f) => [f.path, f.text]));
  const paths = new Set([...headIds.keys(), ...mine.keys()]);
  const blocked: string[] = [];
  let merged = false;
  for (const p of paths) {
    const w = mine.get(p);
    if ((w === undefined ? undefined : blobId(w)) === headIds.get(p)) continue; // not edited
    if (headIds.get(p) === targetIds.get(p)) {
      if (w === undefined) targetFiles.delete(p);
      else targetFiles.set(p, w); // the switch does not touch this file: keep the edit
      continue;
    }
    const base = headFiles.get(p);
    const theirs = targetFiles.get(p);
    const text =
      w !== undefined && base !== undefined && theirs !== undefined ? merge3Text(base, w, theirs) : undefined;
    if (text === undefined) blocked.push(p);
    else {
      targetFiles.set(p, text);
      merged = true;
    }
  }
  if (blocked.length) return { blocked };
  const files = [...targetFiles].map(([path, text]) => ({ path, text })).sort((a, b) => (a.path < b.path ? -1 : 1));
  if (merged) {
    // only edits that change no schema are merged into a file the switch rewrites, and the result must say so
    const headHash = (await store.readCommit(head)).schemaHash;
    const targetHash = (await store.readCommit(target)).schemaHash;
    const raw = workingHash === headHash ? parseSchemaFiles(files).schema : undefined;
    const parsed = raw && (await normalizeExpressions(raw, { cacheDir: join(store.gitdir, 'cache') })); // hashed as commits are
    if (!parsed || schemaHash(parsed) !== targetHash)
      return { blocked: [...paths].filter((p) => mine.get(p) !== headFiles.get(p)) };
  }
  return { files };
}

/** merge3Text merges two edits of one text line by line; undefined when they touch the same lines. */
function merge3Text(base: string, ours: string, theirs: string): string | undefined {
  const diff3 = createRequire(import.meta.url)('diff3') as (
    a: string[],
    o: string[],
    b: string[],
  ) => ({ ok: string[] } | { conflict: unknown })[];
  const out: string[] = [];
  for (const chunk of diff3(ours.split('\n'), base.split('\n'), theirs.split('\n'))) {
    if (!('ok' in chunk)) return undefined;
    out.push(...chunk.ok);
  }
  return out.join('\n');
}
