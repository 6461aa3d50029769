/**
 * The project a command works on: its root directory (the one holding `.schemaver/` and `schema/`), its
 * store, and revisions loaded as schemas — a commit or `WORKING` (the schema/ directory as it is now).
 * Every command that takes a revision goes through loadRev, so `WORKING` means the same thing everywhere.
 */
import { SchemaverError } from '../errors.js';
import type { Schema } from '../model/types.js';
import type { SourceFile } from '../parse/index.js';
import type { CommitInfo, Store } from '../store/index.js';
import { schemaHash } from '../canon/index.js';
import { emptySchema } from '../model/types.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_DIR, cacheDir, openStore, schemaHashOf } from '../store/index.js';
import { blobId } from '../store/objects.js';

export { findProjectRoot } from '../store/project.js';
import { openProject as openStoreProject } from '../store/project.js';
import { followAttributes } from '../gitint/install.js';
import { readSqlMemo, writeSqlMemo } from './sqlmemo.js';
import type { SqlMemo } from '../validate/sqlparse.js';
import type { EarlyNormal } from '../pg/normalize.js';

/** openProject opens the project's store (see store/project.ts), first setting up the git integration its committed .gitattributes asks for in a clone that lacks it. */
export async function openProject(
  start: string = process.cwd(),
  opts: { interrupted?: 'refuse' | 'allow' } = {},
): Promise<{ root: string; store: Store }> {
  const opened = await openStoreProject(start, opts);
  const note = await followAttributes(opened.root);
  if (note) process.stderr.write(`note: ${note}\n`);
  return opened;
}
export { cachedWorkingHash, rememberWorkingHash } from '../store/working.js';
import { rememberWorkingHash } from '../store/working.js';

/**
 * readSchemaModules loads the parser, validator, normaliser and conflict scanner (./schemaread.ts) the first time a
 * command reads schema/ as a schema: the one lazy import of the working-tree service, so `status` on an unchanged
 * schema/ starts without them.
 */
export async function readSchemaModules(): Promise<typeof import('./schemaread.js')> {
  return await import('./schemaread.js');
}

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

/** isWorking tells whether a revision names the schema/ directory. */
export function isWorking(rev: string | undefined): boolean {
  return rev !== undefined && rev.trim().toUpperCase() === WORKING;
}

/** EarlyLoad asks loadWorking to answer early; `helper` builds half of a whole first build on another thread (normalize.ts). */
export interface EarlyLoad {
  readonly early: true;
  readonly helper?: (schema: Schema) => Promise<Schema>;
  /** reread: `helper`'s last build built again as it read back (NormalizeOptions.reread). */
  readonly reread?: () => Promise<Schema>;
  /** resume: the normalisation's later rounds wait for it (NormalizeOptions.resume). */
  readonly resume?: Promise<unknown>;
  /** read: told schema/'s files as soon as they are read, before they are parsed (commit sizes the spare by them). */
  readonly read?: (files: readonly SourceFile[]) => void;
}

/**
 * EarlyRev is WORKING loaded before its normalisation is confirmed (loadWorking `early`): `confirmed` tells, once the
 * later rounds ran, whether `schema` is the normal form (false: PostgreSQL respelled it again; load it once more).
 * `hash` makes the schema hash when asked (once): a commit sends its proof before it hashes the model.
 */
export interface EarlyRev extends Omit<LoadedRev, 'hash'> {
  readonly hash: () => Promise<string>;
  readonly confirmed: Promise<boolean>;
}

/**
 * loadWorking reads and validates `<root>/schema` (parser, then src/validate; exit 2 with every issue) and hashes it.
 * With `early`, it answers after the normalisation's first whole build (pg/normalize.ts normalizeEarly), its later
 * rounds running on while the caller proves; the working hash is remembered only once they confirm it.
 */
export async function loadWorking(root: string): Promise<LoadedRev>;
export async function loadWorking(root: string, opts: EarlyLoad): Promise<EarlyRev>;
export async function loadWorking(root: string, opts: Partial<EarlyLoad> = {}): Promise<LoadedRev | EarlyRev> {
  const { parseSchemaFiles, readSchemaDir, checkedSchema } = await readSchemaModules();
  const files = await readSchemaDir(root);
  opts.read?.(files);
  // schema/ holding exactly HEAD's files is HEAD's model: no normalisation to build (still parsed and validated below,
  // so an invalid file fails with the same located issues)
  const committed = await committedModel(root, files);
  // libpg_query's answers for the texts of the last schema validated: an edit that brings no new SQL text needs no parser
  const cache = projectCache(root);
  const seed = cache ? readSqlMemo(cache) : undefined;
  let kept: SqlMemo | undefined;
  const memo = cache
    ? { ...(seed ? { seed } : {}), keep: (m: SqlMemo, fresh: number) => void (fresh > 0 && (kept = m)) }
    : undefined;
  const parsed = parseSchemaFiles(files);
  const checked = checkedSchema(parsed, memo ? { memo } : {}); // exit 2 with every issue
  checked.catch(() => undefined); // awaited below
  // early: the normalisation starts on the parsed model while this thread validates it (it keeps nothing before)
  const pending =
    opts.early && parsed.schema && !committed ? normalizedEarly(root, parsed.schema, opts, checked) : undefined;
  pending?.catch(() => undefined); // awaited below, when the model is valid
  const declared = await checked;
  // written only for a schema that passed: a command refusing bad input writes nothing (SPEC), the cache included
  if (cache && kept) writeSqlMemo(cache, kept, seed);
  if (committed) {
    const hash = await schemaHashOf(committed);
    await rememberWorkingHash(root, files, hash);
    const rev = { rev: WORKING, schema: committed, hash, files };
    return opts.early ? { ...rev, hash: () => Promise.resolve(hash), confirmed: Promise.resolve(true) } : rev;
  }
  if (opts.early) {
    const { schema, final } = await (declared === parsed.schema && pending
      ? pending
      : normalizedEarly(root, declared, opts));
    // hashed when asked (schemaHashOf keeps it): the caller's proof need not wait for it
    const hash = () => schemaHashOf(schema);
    const confirmed = final.then(async (f) => {
      if (f !== schema) return false;
      await rememberWorkingHash(root, files, await hash());
      return true;
    });
    confirmed.catch(() => undefined); // awaited by the caller after its proof
    return { rev: WORKING, schema, hash, files, confirmed };
  }
  const schema = await normalized(root, declared);
  const hash = await schemaHashOf(schema);
  await rememberWorkingHash(root, files, hash);
  return { rev: WORKING, schema, hash, files };
}

/**
 * normalizedEarly is `normalized` answering after the first whole build (pg/normalize.ts normalizeEarly); `gate`
 * settles when `declared` is known valid (NormalizeOptions.gate).
 */
async function normalizedEarly(
  root: string,
  declared: Schema,
  { helper, reread, resume }: Partial<EarlyLoad>,
  gate?: Promise<unknown>,
): Promise<EarlyNormal> {
  const { normalizeEarly } = await readSchemaModules();
  const dir = projectCache(root);
  return normalizeEarly(declared, {
    ...(dir ? { cacheDir: dir } : {}),
    ...(helper ? { helper } : {}),
    ...(reread ? { reread } : {}),
    ...(resume ? { resume } : {}),
    ...(gate ? { gate } : {}),
  });
}

/**
 * committedModel is HEAD's model when `files` are exactly HEAD's `schema/**` files (the same paths, the same git blob
 * ids: the store's own digests of its objects, so nothing a user can edit is trusted) and HEAD recorded its model as
 * this build's normalisation of them (schemaver.json `normal`, pg/normalize.ts normalIdentity): then it is what
 * normalising `files` answers. Undefined otherwise (no store or no HEAD, a file added, removed, renamed or changed,
 * an older commit), and when the store cannot tell: loadWorking then normalises as usual.
 */
async function committedModel(root: string, files: readonly SourceFile[]): Promise<Schema | undefined> {
  if (!projectCache(root)) return undefined;
  try {
    const store = await openStore(root);
    const id = await store.head();
    if (!id) return undefined;
    const stored = await store.schemaFileIds(id);
    if (stored.size !== files.length) return undefined;
    for (const f of files) if (stored.get(f.path) !== blobId(f.text)) return undefined;
    const { normalIdentity } = await readSchemaModules();
    if ((await store.normalOf(id)) !== normalIdentity()) return undefined;
    return await store.readSchema(id);
  } catch {
    return undefined; // a damaged store is for the commands that read it to report; schema/ is normalised as usual
  }
}

/** projectCache is the store's cache directory when the project has a store (a HEAD), else undefined. */
function projectCache(root: string): string | undefined {
  return existsSync(join(root, STORE_DIR, 'HEAD')) ? cacheDir(root) : undefined;
}

/**
 * normalized returns a declared schema with its expressions in PostgreSQL's spelling (src/pg/normalize.ts), through
 * the project's cache when it has a store: what is hashed, diffed and committed, whoever wrote the words. `name`
 * (NormalizeOptions.name) is what fixes `declared` entirely, when something does.
 */
export async function normalized(root: string, declared: Schema, name?: string): Promise<Schema> {
  const { normalizeExpressions } = await readSchemaModules();
  const dir = projectCache(root);
  return normalizeExpressions(declared, dir ? { cacheDir: dir, ...(name !== undefined ? { name } : {}) } : {});
}

/**
 * rememberNormalizedCommit records that commit `id` holds `schema` as this process normalised it, when that is its own
 * normal form, so normalizedCommit (the first `status` after the commit) finds it by the id without building it.
 */
export async function rememberNormalizedCommit(root: string, id: string, schema: Schema): Promise<void> {
  const dir = projectCache(root);
  if (!dir) return;
  const { rememberNormalForm } = await readSchemaModules();
  await rememberNormalForm(schema, { cacheDir: dir, name: `commit ${id}` });
}

/** normalizedCommit is a commit's schema as `normalized` returns it, found in the cache by the commit id (a snapshot never changes). */
export async function normalizedCommit(root: string, store: Store, id: string): Promise<Schema> {
  return normalized(root, await store.readSchema(id), `commit ${id}`);
}

/** loadRev loads a revision — a commit (any syntax Store.resolve takes) or WORKING — as schema, hash and files. */
export async function loadRev(root: string, rev: string, store?: Store): Promise<LoadedRev> {
  if (isWorking(rev)) return loadWorking(root);
  const s: Store = store ?? (await openStore(root));
  const id = await s.resolve(rev);
  // the commit, its files and its model: not its migrations (Store.readSnapshot), which no comparison reads
  const info = await s.readCommit(id);
  const files = await s.readFiles(id);
  const schema = await s.readSchema(id, files);
  return { rev, id, info, schema, hash: info.schemaHash || schemaHash(schema), files };
}

/** loadRevOrEmpty is loadRev, except that `HEAD` before the first commit is the empty schema (what `diff`/`plan` compare against). */
export async function loadRevOrEmpty(root: string, rev: string, store: Store): Promise<LoadedRev> {
  if (rev.trim() === 'HEAD' && (await store.head()) === undefined) {
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
