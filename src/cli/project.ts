/**
 * The project a command works on: its root directory (the one holding `.schemaver/` and `schema/`), its
 * store, and revisions loaded as schemas — a commit or `WORKING` (the schema/ directory as it is now).
 * Every command that takes a revision goes through loadRev, so `WORKING` means the same thing everywhere.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { SchemaverError } from '../errors.js';
import type { Schema } from '../model/types.js';
import type { SourceFile } from '../parse/index.js';
import type { CommitInfo, Store } from '../store/index.js';

/** WORKING is the revision name of the schema/ directory as it is now. */
export const WORKING = 'WORKING';

/** LoadedRev is one side of a comparison: a commit's snapshot or WORKING. */
export interface LoadedRev {
  /** rev: the revision as the user wrote it (`HEAD~1`, `WORKING`). */
  readonly rev: string;
  /** id: the commit id; undefined for WORKING. */
  readonly id?: string;
  /** info: the commit (log fields); undefined for WORKING. */
  readonly info?: CommitInfo;
  readonly schema: Schema;
  /** hash: the schema hash, `sv1:...`. */
  readonly hash: string;
  readonly files: readonly SourceFile[];
}

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

/**
 * openProject finds the project root from `start` and opens its store (exit 2 with a hint to run `init` when
 * there is none). An operation that was interrupted (a killed checkout) is refused by name with the command
 * that finishes or undoes it, unless `interrupted: 'allow'` (checkout --continue/--abort, fsck); an interrupted
 * commit settles itself (notes on stderr).
 */
export async function openProject(
  start: string = process.cwd(),
  opts: { interrupted?: 'refuse' | 'allow' } = {},
): Promise<{ root: string; store: Store }> {
  const root = findProjectRoot(start);
  const { openStore } = await import('../store/index.js');
  const store = await openStore(root);
  const op = await store.interrupted();
  if (op?.operation === 'commit')
    await store.withLock(async () => undefined); // settles it
  else if (op && opts.interrupted !== 'allow') {
    const { interruptedError } = await import('../store/switch.js');
    throw interruptedError(op);
  }
  for (const n of store.notes.splice(0)) process.stderr.write(`note: ${n}\n`);
  return { root, store };
}

/** isWorking tells whether a revision names the schema/ directory. */
export function isWorking(rev: string | undefined): boolean {
  return rev !== undefined && rev.trim().toUpperCase() === WORKING;
}

/** loadWorking reads and validates `<root>/schema` (parser, then src/validate; exit 2 with every issue) and hashes it. */
export async function loadWorking(root: string): Promise<LoadedRev> {
  const { parseSchemaFiles, readSchemaDir } = await import('../parse/index.js');
  const { schemaHashOf } = await import('../store/index.js');
  const files = await readSchemaDir(root);
  const { checkedSchema } = await import('../validate/index.js');
  const schema = await checkedSchema(parseSchemaFiles(files)); // exit 2 with every issue of parser and validator
  const hash = await schemaHashOf(schema);
  await rememberWorkingHash(root, files, hash);
  return { rev: WORKING, schema, hash, files };
}

/**
 * cachedWorkingHash returns WORKING's schema hash without parsing when schema/ holds exactly the bytes it held
 * at the last successful parse (content digest, like git's index), with the files; undefined otherwise.
 * This is what keeps `status` fast on big schemas: read + digest the files, compare with HEAD's hash.
 */
export async function cachedWorkingHash(root: string): Promise<{ hash: string; files: SourceFile[] } | undefined> {
  const { readSchemaDir } = await import('../parse/files.js');
  const files = await readSchemaDir(root);
  try {
    const cached = JSON.parse(await readFile(join(root, '.schemaver', 'cache', 'working.json'), 'utf8')) as {
      digest?: string;
      hash?: string;
    };
    if (cached.hash && cached.digest === (await filesDigest(files))) return { hash: cached.hash, files };
  } catch {
    /* no cache yet */
  }
  return undefined;
}

/** rememberWorkingHash records the hash of schema/ holding exactly `files` (best effort; a read-only store just skips it). */
export async function rememberWorkingHash(root: string, files: readonly SourceFile[], hash: string): Promise<void> {
  const store = join(root, '.schemaver');
  if (!existsSync(join(store, 'HEAD'))) return;
  try {
    const { writeFileAtomic } = await import('../store/refs.js');
    await writeFileAtomic(
      join(store, 'cache', 'working.json'),
      JSON.stringify({ digest: await filesDigest(files), hash }) + '\n',
    );
  } catch {
    /* best effort */
  }
}

/** filesDigest is a SHA-256 over the schemaver version and every file's path and bytes. */
async function filesDigest(files: readonly SourceFile[]): Promise<string> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256').update(`schemaver ${await packageVersion()}\0`);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) h.update(`${f.path}\0${Buffer.byteLength(f.text)}\0`).update(f.text);
  return h.digest('hex');
}

let version: string | undefined;
/** packageVersion reads the version of this schemaver package (part of cache keys: a new parser may hash differently). */
async function packageVersion(): Promise<string> {
  if (version === undefined) {
    try {
      const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
      const { version: v } = JSON.parse(await readFile(pkg, 'utf8')) as { version?: string };
      // builds of one version differ while developing: the parser's build time tells them apart
      const st = await stat(join(dirname(fileURLToPath(import.meta.url)), '..', 'parse', 'index.js')).catch(
        () => undefined,
      );
      version = `${v ?? '0'}+${st ? Math.floor(st.mtimeMs) : 0}`;
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

/** loadRev loads a revision — a commit (any syntax Store.resolve takes) or WORKING — as schema, hash and files. */
export async function loadRev(root: string, rev: string, store?: Store): Promise<LoadedRev> {
  if (isWorking(rev)) return loadWorking(root);
  const s: Store = store ?? (await (await import('../store/index.js')).openStore(root));
  const id = await s.resolve(rev);
  const snap = await s.readSnapshot(id);
  const { schemaHash } = await import('../canon/index.js');
  return {
    rev,
    id,
    info: snap,
    schema: snap.schema,
    hash: snap.schemaHash || schemaHash(snap.schema),
    files: snap.files,
  };
}

/** loadRevOrEmpty is loadRev, except that `HEAD` before the first commit is the empty schema (what `diff`/`plan` compare against). */
export async function loadRevOrEmpty(root: string, rev: string, store: Store): Promise<LoadedRev> {
  if (rev.trim() === 'HEAD' && (await store.head()) === undefined) {
    const { emptySchema } = await import('../model/types.js');
    const { schemaHash } = await import('../canon/index.js');
    const schema = emptySchema();
    return { rev, schema, hash: schemaHash(schema), files: [] };
  }
  return loadRev(root, rev, store);
}

/** headHash returns HEAD's schema hash from its commit (one object read, no model load), or undefined before the first commit. */
export async function headHash(store: Store): Promise<{ id: string; hash: string } | undefined> {
  const id = await store.head();
  if (!id) return undefined;
  return { id, hash: (await store.readCommit(id)).schemaHash };
}

/** shortId is the 7-hex abbreviation of a commit id used in human output. */
export function shortId(id: string): string {
  return id.slice(0, 7);
}

/** formatDate writes a commit time (unix seconds) as `2026-01-02 03:04:05 +0000` in UTC. */
export function formatDate(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' +0000');
}

/**
 * guard runs a call into another module and turns its "not implemented yet" placeholder into a clear
 * exit-3 error, so a command never fakes a result while a module is missing.
 */
export async function guard<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof Error && !(e instanceof SchemaverError) && /not implemented yet/.test(e.message)) {
      throw new SchemaverError({
        code: 'not-implemented',
        message: `${what} is not available in this build (${e.message})`,
        hint: 'this schemaver build is incomplete; use a released version',
        exit: 3,
        cause: e,
      });
    }
    throw e;
  }
}

/** fileDirt compares WORKING's files with a commit's stored files by git blob id: paths added, removed or edited. */
export async function fileDirt(
  store: Store,
  id: string,
  files: readonly SourceFile[],
): Promise<{ added: string[]; removed: string[]; modified: string[] }> {
  const { blobId } = await import('../store/objects.js');
  const stored = await store.schemaFileIds(id);
  const added: string[] = [];
  const modified: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    seen.add(f.path);
    const oid = stored.get(f.path);
    if (oid === undefined) added.push(f.path);
    else if (oid !== blobId(f.text)) modified.push(f.path);
  }
  const removed = [...stored.keys()].filter((p) => !seen.has(p));
  return { added, removed, modified };
}
