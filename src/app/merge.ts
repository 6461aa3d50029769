/**
 * The merge service behind `schemaver merge`: fast-forward, "already up to date", the three-way merge with
 * its commit, and the conflict workflow (markers in schema/, MERGE_HEAD and MERGE_STATE in the store,
 * `--continue`, `--abort`). I/O happens here and in the store; the merge itself (merge3) is pure.
 */
import { SchemaverError, negative, type Issue } from '../errors.js';
import { emptySchema, type Schema } from '../model/types.js';
import { parseSchemaFiles, readSchemaDir, type SourceFile } from '../parse/index.js';
import { checkedSchema } from '../validate/index.js';
import { schemaRefHeader, schemaToYamlDoc, stringifyYaml, writeSchemaYaml } from '../yaml/index.js';
import { keepWords } from '../yaml/preserve.js';
import { merge3 } from '../merge/index.js';
import { layoutFiles } from '../merge/layout.js';
import { findMarkers, markConflicts } from '../merge/markers.js';
import type { Snapshot, Store } from '../store/index.js';
import type { EdgeReport } from './merge-edges.js';
import type { Conflict } from '../merge/types.js';
import { schemaHash } from '../canon/index.js';
import { getAt } from '../merge/util.js';
import { cacheDir } from '../store/index.js';
import { CLEAR_STATES, mergeSwitch } from './merge-switch.js';
import { buildConflicts, mergeMigrations } from './merge-edges.js';
import { fileDirt, normalized, readSchemaModules } from './project.js';
import { MERGE_HEAD_STATE, MERGE_STATE_NAME, digestFiles, mergeInProgress, oursAndKept } from '../gitint/mergestate.js';

export { MERGE_HEAD_STATE, MERGE_STATE_NAME };
export { resumeMerge, type ResumedMerge } from './merge-switch.js';

/** MergeState is the JSON kept in `.schemaver/MERGE_STATE` while a merge waits for resolution. */
export interface MergeState {
  readonly base: string | null;
  readonly ours: string;
  readonly theirs: string;
  readonly branch: string;
  readonly message: string;
  readonly conflicts: readonly Conflict[];
  /** written: the schema/ files the merge wrote (absent in states from older versions). */
  readonly written?: readonly string[];
  /** git: started by git's pre-merge-commit hook, so `git merge --abort` ends it too (src/gitint/mergestate.ts). */
  readonly git?: boolean;
  /** writtenDigest: digestFiles of the files the merge wrote, so an untouched conflict can be undone for git's abort. */
  readonly writtenDigest?: string;
}

/** MergeOutcome is what `merge` reports (its --json result). */
export type MergeOutcome =
  | { readonly status: 'up-to-date'; readonly head: string; readonly theirs: string }
  | { readonly status: 'fast-forward'; readonly from: string; readonly to: string; readonly branch: string | null }
  | {
      readonly status: 'merged';
      readonly id: string;
      readonly parents: readonly string[];
      readonly base: string | null;
      readonly schemaHash: string;
      readonly renames: readonly string[];
      readonly edges: readonly EdgeReport[];
      readonly keptFiles: number;
      readonly rewrittenFiles: number;
    }
  | {
      readonly status: 'conflict';
      readonly base: string | null;
      readonly ours: string;
      readonly theirs: string;
      readonly conflicts: readonly Conflict[];
      /** marked: files holding `<<<conflict` blocks; files: every schema/ file the merge changed. */
      readonly marked: readonly string[];
      readonly files: readonly string[];
    };

/** MergeFlags are the options of a merge run. */
export interface MergeFlags {
  readonly message?: string;
  readonly verify: boolean;
  readonly allowDestructive: boolean;
  /** allowEmptyOnly: accept steps that fail on tables holding rows. */
  readonly allowEmptyOnly?: boolean;
  readonly note?: (text: string) => void;
  /** preferFiles: schema/ files to commit instead of the laid-out ones when they read as exactly the merged schema
   * (git's line merge of the YAML, which keeps both sides' comments and formatting). */
  readonly preferFiles?: readonly SourceFile[];
  /** viaGit: the merge runs inside git's merge (the pre-merge-commit hook); its conflict state ends with git's. */
  readonly viaGit?: boolean;
  /** overWorking: schema/ holds git's text merge (the pre-merge-commit hook), not HEAD's files: merge over it
   * without the clean check; the merge's journal keeps its pre-images, so an interruption loses none of it. */
  readonly overWorking?: boolean;
}

/** yamlWriter loads the YAML writer (src/yaml): one file's text for part of a schema, or a whole schema as files. */
function yamlWriter(): {
  write(s: Schema, path: string, previous?: string): string;
  writeAll(s: Schema): SourceFile[];
} {
  return {
    write: (s, path, previous) => {
      const text = schemaRefHeader(path) + stringifyYaml(schemaToYamlDoc(s));
      return previous === undefined ? text : keepWords(previous, text, path);
    },
    writeAll: (s) => writeSchemaYaml(s),
  };
}

/** ensureClean refuses when schema/ differs from HEAD's files (uncommitted work a merge would overwrite). */
async function ensureClean(root: string, store: Store, head: string): Promise<void> {
  const d = await fileDirt(store, head, await readSchemaDir(root));
  const dirty = [...d.added, ...d.removed, ...d.modified];
  if (dirty.length) {
    throw negative(
      'uncommitted-changes',
      `schema/ has uncommitted changes (${dirty.join(', ')}); a merge would overwrite them`,
      'commit them first (`schemaver commit -m ...`), or discard them with `schemaver checkout --force HEAD`',
      { files: dirty },
    );
  }
}

/** parseFiles parses merged files back into the model that will be committed (what readers of the commit see), expressions in PostgreSQL's spelling. */
async function parseFiles(root: string, files: readonly SourceFile[]): Promise<Schema> {
  const r = parseSchemaFiles(files);
  if (!r.schema) {
    throw new SchemaverError({
      code: 'merge-output-invalid',
      message: 'the merged schema files do not parse back (a bug in the YAML writer or the merge)',
      issues: r.issues,
      exit: 3,
    });
  }
  return normalized(root, r.schema);
}

/** preferred returns `candidate` when it parses to the same schema hash as `merged`, else `fallback`. */
async function preferred(
  root: string,
  candidate: readonly SourceFile[],
  merged: Schema,
  fallback: SourceFile[],
): Promise<SourceFile[]> {
  const parsed = parseSchemaFiles(candidate).schema;
  if (!parsed) return fallback;
  const [a, b] = [await normalized(root, parsed), await normalized(root, merged)];
  return schemaHash(a) === schemaHash(b) ? [...candidate] : fallback;
}

/** runMerge merges `rev` into HEAD: up to date, fast-forward, clean merge commit, or conflicts left in schema/. */
export async function runMerge(root: string, store: Store, rev: string, flags: MergeFlags): Promise<MergeOutcome> {
  if (await mergeInProgress(root, store, flags.note)) {
    throw new SchemaverError({
      code: 'merge-in-progress',
      message: 'a merge is already in progress',
      hint: 'resolve it and run `schemaver merge --continue`, or `schemaver merge --abort`',
      exit: 2,
    });
  }
  const head = await store.head();
  if (!head)
    throw new SchemaverError({
      code: 'no-commits',
      message: 'HEAD has no commit yet; there is nothing to merge into',
      hint: 'commit first, or `schemaver checkout` the branch',
      exit: 2,
    });
  const theirs = await store.resolve(rev);
  if (!flags.overWorking) await ensureClean(root, store, head);
  if (await store.isAncestor(theirs, head)) return { status: 'up-to-date', head, theirs };
  if (await store.isAncestor(head, theirs)) {
    const files = await store.readFiles(theirs);
    await mergeSwitch(root, store, { step: 'fast-forward', files, from: head, to: theirs });
    return { status: 'fast-forward', from: head, to: theirs, branch: (await store.currentBranch()) ?? null };
  }
  const m = await threeWay(root, store, head, theirs, flags);
  const message =
    flags.message ?? `Merge ${/^[0-9a-f]{40}$/.test(rev) ? `commit ${rev.slice(0, 7)}` : `branch '${rev}'`}`;
  const checked = m.merged.conflicts.length ? undefined : await checkMerged(root, m.files, m.merged.schema, flags);
  const conflicts = checked ? checked.conflicts : m.merged.conflicts;
  if (conflicts.length) return leaveConflicts(root, store, m, { branch: rev, message, conflicts }, flags);
  return commitMerge(
    root,
    store,
    {
      base: m.base,
      ours: head,
      theirs,
      message,
      files: m.files,
      schema: checked!.schema,
      renames: m.merged.renames,
      oursFiles: m.ours.files,
    },
    flags,
  );
}

/** ThreeWay is a three-way merge of two commits' schemas and the files it lays out (conflicts not yet marked). */
interface ThreeWay {
  readonly base: string | null;
  readonly ours: Snapshot & { readonly id: string };
  readonly theirs: Snapshot & { readonly id: string };
  readonly baseFiles: readonly SourceFile[];
  readonly merged: ReturnType<typeof merge3>;
  readonly files: SourceFile[];
}

/** threeWay merges ours' and theirs' schemas over their merge base, and lays the result out as schema/ files. */
async function threeWay(
  root: string,
  store: Store,
  head: string,
  theirs: string,
  flags: MergeFlags,
): Promise<ThreeWay> {
  const baseId = (await store.mergeBase(head, theirs)) ?? null;
  const [ours, theirsSnap] = [await store.readSnapshot(head), await store.readSnapshot(theirs)];
  const baseSnap = baseId ? await store.readSnapshot(baseId) : undefined;
  // the merge works on each side's words (its files as parsed), not the committed model whose expressions are in
  // PostgreSQL's spelling, so the merged YAML says `default: ''` where the user wrote it; hashes compare normalised
  const words = (snap: { schema: Schema; files: readonly SourceFile[] }) => ({
    schema: parseSchemaFiles(snap.files).schema ?? snap.schema,
    files: snap.files,
  });
  const [oursWords, theirsWords] = [words(ours), words(theirsSnap)];
  const baseSchema = baseSnap ? words(baseSnap).schema : emptySchema();
  const merged = merge3(baseSchema, oursWords.schema, theirsWords.schema);
  let files = layoutFiles({ ours: oursWords, theirs: theirsWords, merged: merged.schema, ...yamlWriter() });
  if (flags.preferFiles && !merged.conflicts.length)
    files = await preferred(root, flags.preferFiles, merged.schema, files);
  return {
    base: baseId,
    ours: { ...ours, id: head },
    theirs: { ...theirsSnap, id: theirs },
    baseFiles: baseSnap?.files ?? [],
    merged,
    files,
  };
}

/**
 * checkMerged reads the merged files back as the schema to commit (it must hash as the merge's result, else exit 3)
 * and builds it in PGlite: what does not build is a conflict (a merge property, so also under --no-verify, which
 * skips the edge proofs).
 */
async function checkMerged(
  root: string,
  files: readonly SourceFile[],
  merged: Schema,
  flags: MergeFlags,
): Promise<{ schema: Schema; conflicts: Conflict[] }> {
  const schema = await parseFiles(root, files);
  // both in PostgreSQL's spelling: a merged expression may read differently next to the other side's columns
  if (schemaHash(schema) !== schemaHash(await normalized(root, merged))) {
    throw new SchemaverError({
      code: 'merge-output-mismatch',
      message:
        'the merged schema/ files do not read back as the merged schema (a bug in the YAML writer or the merge); nothing was written',
      hint: 'report this with the three revisions; `schemaver merge --no-verify` does not help here',
      exit: 3,
    });
  }
  flags.note?.('building the merged schema in PGlite...');
  return { schema, conflicts: await buildConflicts(schema, cacheDir(root)) };
}

/** leaveConflicts writes the merged files with a `<<<conflict` block at each conflict, and MERGE_HEAD / MERGE_STATE,
 * in one journaled switch: the merge then waits for `merge --continue` or `--abort`. */
async function leaveConflicts(
  root: string,
  store: Store,
  m: ThreeWay,
  o: { branch: string; message: string; conflicts: readonly Conflict[] },
  flags: MergeFlags,
): Promise<MergeOutcome> {
  const alternatives = (c: Conflict): string[][] => {
    // a one-column key or foreign key is usually written on its column (`references:`, `unique: true`)
    if (c.path[0] !== 'tables' || !['foreignKeys', 'uniques', 'primaryKey', 'checks'].includes(c.path[2] ?? ''))
      return [];
    for (const s of [m.merged.schema, m.ours.schema, m.theirs.schema]) {
      const cols = (getAt(s, c.path) as { columns?: readonly string[] } | undefined)?.columns;
      if (cols?.length === 1) return [['tables', c.path[1]!, 'columns', cols[0]!]];
    }
    return [];
  };
  const sides = { base: m.baseFiles, ours: m.ours.files, theirs: m.theirs.files };
  const marked = markConflicts(m.files, o.conflicts, sides, { alternatives });
  const state: MergeState = {
    base: m.base,
    ours: m.ours.id,
    theirs: m.theirs.id,
    branch: o.branch,
    message: o.message,
    conflicts: o.conflicts,
    written: marked.map((f) => f.path),
    ...(flags.viaGit ? { git: true, writtenDigest: digestFiles(marked) } : {}),
  };
  await mergeSwitch(root, store, {
    step: 'conflict',
    files: marked,
    from: m.ours.id,
    to: m.ours.id,
    states: [
      { name: MERGE_STATE_NAME, text: JSON.stringify(state, null, 2) + '\n' },
      { name: MERGE_HEAD_STATE, text: m.theirs.id + '\n' },
    ],
  });
  const changed = marked.filter((f) => m.ours.files.find((x) => x.path === f.path)?.text !== f.text).map((f) => f.path);
  return {
    status: 'conflict',
    base: m.base,
    ours: m.ours.id,
    theirs: m.theirs.id,
    conflicts: o.conflicts,
    marked: [...new Set(findMarkers(marked).map((l) => l.file))],
    files: changed,
  };
}

/** commitMerge writes the two-parent merge commit (migrations from both parents), then moves HEAD and rewrites
 * schema/ in one journaled operation (MERGE_HEAD and MERGE_STATE go with it when `clearStates`). */
async function commitMerge(
  root: string,
  store: Store,
  m: {
    base: string | null;
    ours: string;
    theirs: string;
    message: string;
    files: readonly SourceFile[];
    schema: Schema;
    renames: readonly string[];
    oursFiles: readonly SourceFile[];
    clearStates?: boolean;
  },
  flags: MergeFlags,
): Promise<MergeOutcome> {
  const [oursSnap, theirsSnap] = [await store.readSnapshot(m.ours), await store.readSnapshot(m.theirs)];
  const { migrations, edges } = await mergeMigrations(
    [
      { id: m.ours, schema: oursSnap.schema },
      { id: m.theirs, schema: theirsSnap.schema },
    ],
    m.schema,
    { ...flags, cacheDir: cacheDir(root) },
  );
  const prepared = await store.prepareCommit({
    message: m.message,
    parents: [m.ours, m.theirs],
    schema: m.schema,
    files: m.files,
    migrations,
    // m.schema is `normalized` of m.files parsed, as loadWorking reads them (kept: a fresh clone loads it without a build)
    normal: (await readSchemaModules()).normalIdentity(),
  });
  const id = prepared.id;
  // objects first (unreachable until the ref moves), then the journaled switch of schema/, states and the ref
  await mergeSwitch(
    root,
    store,
    { step: 'commit', files: m.files, from: m.ours, to: id, ...(m.clearStates ? { states: CLEAR_STATES } : {}) },
    () => prepared.storeObjects(),
  );
  const kept = m.files.filter((f) => m.oursFiles.find((o) => o.path === f.path)?.text === f.text).length;
  return {
    status: 'merged',
    id,
    parents: [m.ours, m.theirs],
    base: m.base,
    schemaHash: schemaHash(m.schema),
    renames: m.renames,
    edges,
    keptFiles: kept,
    rewrittenFiles: m.files.length - kept,
  };
}

/** readMergeState reads MERGE_STATE; exit 2 when no merge is in progress. */
export async function readMergeState(store: Store): Promise<MergeState> {
  const text = await store.readState(MERGE_STATE_NAME);
  if (!text)
    throw new SchemaverError({
      code: 'no-merge',
      message: 'no merge is in progress',
      hint: 'start one with `schemaver merge BRANCH`',
      exit: 2,
    });
  return JSON.parse(text) as MergeState;
}

/** continueMerge commits a resolved merge: no markers left, schema/ valid and building, migrations from both parents. */
export async function continueMerge(root: string, store: Store, flags: MergeFlags): Promise<MergeOutcome> {
  const state = await readMergeState(store);
  const head = await store.head();
  if (head !== state.ours) {
    throw new SchemaverError({
      code: 'head-moved',
      message: `HEAD moved since the merge started (was ${state.ours.slice(0, 7)})`,
      hint: 'run `schemaver merge --abort` and merge again',
      exit: 2,
    });
  }
  const left = findMarkers(await readSchemaDir(root));
  if (left.length) {
    const issues: Issue[] = left.map((loc) => ({
      code: 'unresolved-conflict',
      message: 'conflict marker `<<<conflict` left in schema/',
      hint: 'replace the whole `<<<conflict` block by the definition you want (or delete the entry to drop the object)',
      loc,
    }));
    throw new SchemaverError({
      code: 'unresolved-conflict',
      message: `${left.length} unresolved conflict(s): \`<<<conflict\` marker(s) left in schema/`,
      hint: 'replace each `<<<conflict` block by the definition you want (or delete the entry), then run `schemaver merge --continue` again',
      loc: left[0],
      issues: left.length > 1 ? issues : [],
      exit: 2,
      data: { markers: left },
    });
  }
  const files = await readSchemaDir(root);
  const schema = await normalized(root, await checkedSchema(parseSchemaFiles(files)));
  const c = await buildConflicts(schema, cacheDir(root));
  if (c.length)
    throw negative(
      'merge-conflict',
      c[0]!.message,
      'fix schema/ so that it builds, then run `schemaver merge --continue` again',
      { conflicts: c },
    );
  const oursSnap = await store.readSnapshot(state.ours);
  const out = await commitMerge(
    root,
    store,
    {
      base: state.base,
      ours: state.ours,
      theirs: state.theirs,
      message: flags.message ?? state.message,
      files,
      schema,
      renames: [],
      oursFiles: oursSnap.files,
      clearStates: true,
    },
    flags,
  );
  return out;
}

/**
 * abortMerge restores ours' schema/ files byte for byte and forgets the merge. Schema files the user created during
 * the merge (in neither ours nor what the merge wrote) are kept, as git keeps untracked files.
 */
export async function abortMerge(
  root: string,
  store: Store,
): Promise<{ status: 'aborted'; head: string; restored: boolean; kept: string[] }> {
  const state = await readMergeState(store);
  const head = await store.head();
  // HEAD moved since (e.g. `checkout --force`): schema/ belongs to the new HEAD now; only forget the merge
  const restored = head === state.ours;
  let kept: string[] = [];
  if (restored) {
    const back = await oursAndKept(root, store, state);
    kept = back.kept;
    await mergeSwitch(root, store, {
      step: 'abort',
      files: back.files,
      from: state.ours,
      to: state.ours,
      states: CLEAR_STATES,
    });
  } else
    await store.withLock(async () => {
      await store.writeState(MERGE_HEAD_STATE, undefined);
      await store.writeState(MERGE_STATE_NAME, undefined);
    });
  return { status: 'aborted', head: head ?? state.ours, restored, kept };
}
