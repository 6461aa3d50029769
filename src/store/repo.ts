/**
 * GitStore: the Store interface over a bare git repository. Objects are written by ObjectWriter (crash-safe
 * loose objects), refs by atomic rename, and everything that moves a ref runs under the store lock.
 * Reads go through the strict ObjectReader (./read.ts: loose and packed objects, each hashed), cached per open store.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SchemaverError } from '../errors.js';
import { canonicalObjects } from '../canon/index.js';
import type { SourceFile } from '../parse/index.js';
import type { Migration } from '../model/plan.js';
import type { Schema } from '../model/types.js';
import type { CommitInfo, NewCommit, PreparedCommit, Snapshot, Store } from './index.js';
import { schemaHashOf } from './hash.js';
import { ensureIgnored } from './dirs.js';
import { mergeBases, topoLog } from './mergebase.js';
import { didYouMean } from '../suggest.js';
import { ObjectWriter, addPath, type TreeNode } from './objects.js';
import { ObjectReader, corruptStore, type Where } from './read.js';
import { parseTag } from './gitparse.js';
import { SnapshotReader } from './snapshots.js';
import {
  checkRefName,
  deleteRef,
  writeFileAtomic,
  listRefs,
  readHead,
  readRef,
  writeHead,
  writeRef,
  type HeadState,
} from './refs.js';
import { acquireLock } from './lock.js';
import { endOperation, journalFile, pendingRoot, readOperation, OPERATION_FILE, type Operation } from './journal.js';
import {
  FaultInjected,
  cleanLegacyRefTemps,
  cleanTemp,
  discardStaged,
  makeDir,
  removeDurable,
  renameDurable,
  renameLater,
  tmpDirOf,
  unstage,
  type StagedFile,
} from './fsops.js';
import { ambiguousRevision, navigate, parseRev, unknownRevision } from './revision.js';
import { resolveAuthor } from './author.js';
import {
  FORMAT,
  SNAPSHOT_FILE,
  checkFilePath,
  commitMessage,
  commitText,
  migrationDir,
  stepsJson,
  type SchemaverJson,
} from './layout.js';

/** StagedCommit is what PreparedCommit.stage() wrote besides the objects: the journal and the ref's new content, for `ref`. */
interface StagedCommit {
  readonly ref: string;
  readonly files: readonly StagedFile[];
}

/** STATE_NAME is the shape of names accepted by readState/writeState (`MERGE_HEAD`, `MERGE_STATE`...). */
const STATE_NAME = /^[A-Z][A-Z0-9_]*$/;

/** GitStore is an open `.schemaver` repository. */
export class GitStore implements Store {
  private readonly objects: ObjectReader;
  private readonly snaps: SnapshotReader;
  private lockDepth = 0;
  private unbornChecked = false;
  private release: (() => Promise<void>) | undefined;

  constructor(
    readonly root: string,
    readonly gitdir: string,
  ) {
    this.objects = new ObjectReader(gitdir);
    this.snaps = new SnapshotReader(this.objects);
  }

  /** headState reads what HEAD points at. */
  headState(): Promise<HeadState> {
    return readHead(this.gitdir);
  }

  /**
   * head returns HEAD's commit, after checking that every object of its snapshot is present and sound (once per
   * open store), so every command that reads or builds on HEAD refuses a damaged store. undefined only for a
   * fresh store; a branch ref that vanished while the store holds history is corrupt-store.
   */
  async head(): Promise<string | undefined> {
    const h = await readHead(this.gitdir);
    const id = 'detached' in h ? h.detached : await readRef(this.gitdir, `refs/heads/${h.branch}`);
    if (id === undefined) {
      await this.checkUnborn((h as { branch: string }).branch);
      return undefined;
    }
    this.checkObjects(id);
    return id;
  }

  /** checkUnborn refuses a missing HEAD branch when the store holds history: the ref was deleted, not never made. */
  private async checkUnborn(branch: string): Promise<void> {
    if (this.unbornChecked) return;
    const refs = [...(await listRefs(this.gitdir, 'refs/heads/')), ...(await listRefs(this.gitdir, 'refs/tags/'))];
    const pending = await pendingRoot(this.gitdir);
    const commits = [...this.objects.looseIds(), ...this.objects.packs().flatMap((p) => [...p.offsets.keys()])].filter(
      (o) => o !== pending && this.objects.exists(o) && this.objects.read(o).type === 'commit',
    );
    if (refs.length || commits.length) {
      const what = refs.length
        ? `branch/tag ${refs.map((r) => r.name).join(', ')}`
        : `${commits.length} commit(s) (${commits
            .slice(0, 3)
            .map((c) => c.slice(0, 7))
            .join(', ')})`;
      throw corruptStore(
        `HEAD points at branch '${branch}', which does not exist, but the store holds ${what}: the ref .schemaver/refs/heads/${branch} was deleted`,
        { ref: `refs/heads/${branch}`, problem: 'missing-ref', commits: commits.slice(0, 20) },
        `restore .schemaver/refs/heads/${branch} from your application repository (\`git checkout -- .schemaver\`), or write the id of its last commit into it (\`schemaver fsck\` lists commits no ref reaches); \`schemaver checkout BRANCH\` switches to a branch that exists`,
      );
    }
    this.unbornChecked = true;
  }

  async currentBranch(): Promise<string | undefined> {
    const h = await readHead(this.gitdir);
    return 'branch' in h ? h.branch : undefined;
  }

  async resolve(rev: string): Promise<string> {
    const { base, ops } = parseRev(rev);
    const start = await this.resolveBase(rev, base);
    return navigate(rev, start, ops, async (id) => (await this.readCommit(id)).parents);
  }

  /** resolveBase resolves the part of a revision before any `~N`/`^N`. */
  private async resolveBase(rev: string, base: string): Promise<string> {
    if (base === 'HEAD') {
      const h = await this.head();
      if (!h) throw unknownRevision(rev, 'there are no commits yet', { revision: rev, unborn: true });
      return h;
    }
    if (base === 'ORIG_HEAD') {
      const orig = (await this.readState('ORIG_HEAD'))?.trim();
      if (orig && (await this.isCommit(orig))) return orig;
      throw unknownRevision(rev, 'no reset or amend has recorded ORIG_HEAD yet');
    }
    if (base === 'WORKING') {
      throw unknownRevision(rev, 'WORKING is the schema/ directory, not a commit');
    }
    const lower = base.toLowerCase();
    if (/^[0-9a-f]{40}$/.test(lower) && (await this.isCommit(lower))) return lower;
    const branch = await readRef(this.gitdir, `refs/heads/${base}`);
    if (branch) return branch;
    const tag = await readRef(this.gitdir, `refs/tags/${base}`);
    if (tag) return this.peel(tag, rev);
    if (/^[0-9a-f]{4,39}$/.test(lower)) {
      const matches = await this.commitsWithPrefix(lower);
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) {
        const candidates = [];
        for (const id of matches.sort())
          candidates.push({ id, summary: (await this.readCommit(id)).message.split('\n')[0] ?? '' });
        throw ambiguousRevision(rev, candidates);
      }
    } else if (/^[0-9a-f]{1,3}$/.test(lower)) {
      throw unknownRevision(rev, 'a commit id prefix needs at least 4 hex digits');
    }
    throw await this.unknownWithSuggestion(rev, base);
  }

  /** unknownWithSuggestion is unknownRevision with ``did you mean `main`?`` when a branch or tag name is close. */
  private async unknownWithSuggestion(rev: string, base: string): Promise<SchemaverError> {
    const err = unknownRevision(rev);
    const names = [...(await listRefs(this.gitdir, 'refs/heads/')), ...(await listRefs(this.gitdir, 'refs/tags/'))];
    const hint = didYouMean(base, ['HEAD', ...names.map((n) => n.name)]);
    if (!hint) return err;
    return new SchemaverError({
      code: err.code,
      message: err.message,
      hint: `${hint} (${err.hint})`,
      data: { revision: rev, suggestion: hint },
      exit: 2,
    });
  }

  /** commitsWithPrefix lists commit ids (loose and packed) that start with a hex prefix. */
  private async commitsWithPrefix(prefix: string): Promise<string[]> {
    const ids = new Set(this.objects.looseIds().filter((o) => o.startsWith(prefix)));
    for (const p of this.objects.rescan()) for (const oid of p.offsets.keys()) if (oid.startsWith(prefix)) ids.add(oid);
    const out: string[] = [];
    for (const oid of ids) if (await this.isCommit(oid)) out.push(oid);
    return out;
  }

  /** isCommit tells whether an object exists and is a commit (a damaged one is corrupt-store, not "no"). */
  private async isCommit(oid: string): Promise<boolean> {
    if (!this.objects.exists(oid)) return false;
    return this.objects.read(oid).type === 'commit';
  }

  /** peel follows annotated tags to the commit they name. */
  private async peel(oid: string, rev: string): Promise<string> {
    for (let i = 0; i < 10; i++) {
      const o = this.objects.read(oid, 'object', { path: `the target of ${rev}` });
      if (o.type === 'commit') return oid;
      if (o.type === 'tag') {
        oid = parseTag(oid, o.content).object;
        continue;
      }
      break;
    }
    throw unknownRevision(rev, 'it does not name a commit');
  }

  async readCommit(id: string): Promise<CommitInfo> {
    return this.snaps.readCommit(id);
  }

  /** listTree lists the blobs below `dir` of a commit's tree recursively as path -> blob id. */
  listTree(id: string, dir: string): Map<string, string> {
    return this.snaps.listTree(id, dir);
  }

  /** checkObjects checks every object of a commit's snapshot and its history's commit objects (see snapshots.ts). */
  checkObjects(id: string): void {
    this.snaps.checkObjects(id);
  }

  /** readBlob reads a blob by id, checked. */
  async readBlob(oid: string, where?: Where): Promise<Buffer> {
    return this.objects.readTyped(oid, 'blob', where);
  }

  /** schemaFileIds lists `schema/**` of a commit as path -> git blob id, without reading the blobs (fast dirty checks). */
  async schemaFileIds(id: string): Promise<Map<string, string>> {
    return this.snaps.listTree(id, 'schema');
  }

  /** readFiles returns the `schema/**` files of a commit, byte for byte, sorted by path. */
  async readFiles(id: string): Promise<SourceFile[]> {
    return this.snaps.readFiles(id);
  }

  /** readMigrations returns the stored migrations of a commit, whole and with their scripts' blob ids. */
  async readMigrations(id: string): Promise<Migration[]> {
    return this.snaps.readMigrations(id);
  }

  async readSnapshot(id: string): Promise<Snapshot> {
    const info = await this.readCommit(id);
    const files = await this.readFiles(id);
    return { ...info, schema: await this.readSchema(id, files), files, migrations: await this.readMigrations(id) };
  }

  /** readSchema returns the model a commit stored (snapshot.json), or parses its files when it has none (old stores). */
  async readSchema(id: string, files?: readonly SourceFile[]): Promise<Schema> {
    return this.snaps.readSchema(id, files);
  }

  /** renamesOf returns the renames recorded in a commit's schemaver.json. */
  async renamesOf(id: string): Promise<readonly string[]> {
    return (await this.snaps.readSchemaverJson(id)).renames ?? [];
  }

  /** normalOf returns the normalisation recorded in a commit's schemaver.json (`normal`), if any. */
  async normalOf(id: string): Promise<string | undefined> {
    const { normal } = await this.snaps.readSchemaverJson(id);
    return typeof normal === 'string' ? normal : undefined;
  }

  async commit(c: NewCommit): Promise<string> {
    return (await this.prepareCommit(c)).write();
  }

  async prepareCommit(c: NewCommit): Promise<PreparedCommit> {
    if (!c.message.trim())
      throw new SchemaverError({
        code: 'empty-message',
        message: 'a commit needs a message',
        hint: 'pass -m "what changed and why"',
        exit: 2,
      });
    for (const f of c.files) checkFilePath(f);
    const hash = await schemaHashOf(c.schema);
    const w = new ObjectWriter(this.gitdir, { batch: true });
    const root: TreeNode = new Map();
    for (const f of c.files) addPath(root, f.path, await w.writeText(f.text));
    for (const o of canonicalObjects(c.schema)) addPath(root, `model/${o.path}`, await w.writeText(o.json + '\n'));
    const renames = [...new Set(c.migrations.flatMap((m) => m.renames ?? []))];
    const meta: SchemaverJson = {
      format: FORMAT,
      hash,
      renames,
      ...(c.normal !== undefined ? { normal: c.normal } : {}),
    };
    addPath(root, 'schemaver.json', await w.writeText(JSON.stringify(meta, null, 2) + '\n'));
    addPath(root, SNAPSHOT_FILE, await w.writeText(JSON.stringify(c.schema) + '\n'));
    for (const m of c.migrations) {
      const dir = `migrations/${migrationDir(m.parent)}`;
      addPath(root, `${dir}/up.sql`, await w.writeText(m.up));
      addPath(root, `${dir}/down.sql`, await w.writeText(m.down));
      addPath(root, `${dir}/steps.json`, await w.writeText(stepsJson(m)));
    }
    const tree = await w.writeTree(root);
    const author = await resolveAuthor(this.root);
    const id = await w.write(
      'commit',
      Buffer.from(commitText(tree, c.parents, author, commitMessage(c.message, hash)), 'utf8'),
    );
    w.encode();
    return this.prepared(w, id, c.replaces ?? c.parents[0] ?? undefined);
  }

  /**
   * prepared is the PreparedCommit of commit `id`, whose objects `w` holds encoded, to go on top of `expected`. The
   * journal and the ref's new content are staged with the objects: once the commit is kept (its proof passed),
   * write() only renames them in (journal, objects, then the ref), one fsync round for the directories before the
   * ref moves.
   */
  private prepared(w: ObjectWriter, id: string, expected: string | undefined): PreparedCommit {
    let staging: Promise<StagedCommit> | undefined;
    const stage = () =>
      (staging ??= (async () => {
        const h = await readHead(this.gitdir);
        const ref = 'branch' in h ? `refs/heads/${h.branch}` : 'HEAD';
        const { file: journal } = journalFile(this.gitdir, {
          operation: 'commit',
          ref,
          from: expected ?? null,
          to: id,
        });
        const tip = { path: join(this.gitdir, ref), data: Buffer.from(`${id}\n`, 'utf8') };
        const [j, r] = await w.stage([journal, tip]);
        return { ref, files: [j!, r!] };
      })());
    const write = () =>
      this.withLock(async () => {
        const head = await this.head();
        if (expected !== head) {
          throw new SchemaverError({
            code: 'head-moved',
            message: `HEAD is ${head ? head.slice(0, 7) : 'unborn'} but the commit was prepared on ${expected?.slice(0, 7) ?? 'nothing'}`,
            hint: 'another command moved HEAD meanwhile; run the command again',
            exit: 1,
          });
        }
        const h = await readHead(this.gitdir);
        const staged = await stage();
        const [journal, tip] = staged.files as [StagedFile, StagedFile];
        try {
          const ref = 'branch' in h ? `refs/heads/${h.branch}` : 'HEAD';
          if (staged.ref !== ref)
            throw new Error(`HEAD moved from ${staged.ref} to ${ref} while the commit was written`);
          // journal first, objects next (the directories of both fsynced in one round), the ref last, the journal removed after
          const syncDirs = new Set<string>();
          renameLater(journal.tmp, journal.path, syncDirs);
          await w.flush(syncDirs);
          makeDir(dirname(tip.path));
          renameDurable(tip.tmp, tip.path);
          endOperation(this.gitdir);
        } catch (e) {
          const fault = e instanceof FaultInjected; // a dead process cleans nothing: the next command does
          (fault ? unstage : discardStaged)(staged.files);
          w.discard(fault);
          throw e;
        }
        unstage(staged.files);
        this.snaps.checked.add(id);
        return id;
      });
    const discard = async () => {
      const staged = await staging?.catch(() => undefined);
      if (staged) discardStaged(staged.files);
      w.discard();
    };
    return { id, write, stage: async () => void (await stage()), discard, storeObjects: () => w.flush() };
  }

  async log(start: string | readonly string[], opts: { limit?: number } = {}): Promise<CommitInfo[]> {
    return topoLog(typeof start === 'string' ? [start] : start, (id) => this.readCommit(id), opts.limit);
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    return (await mergeBases([a, b], async (id) => (await this.readCommit(id)).parents))[0];
  }

  /** isAncestor tells whether commit `a` is reachable from `b` (or equal). */
  async isAncestor(a: string, b: string): Promise<boolean> {
    if (a === b) return true;
    return (await this.mergeBase(a, b)) === a;
  }

  branches(): Promise<{ name: string; id: string }[]> {
    return listRefs(this.gitdir, 'refs/heads/');
  }

  async tags(): Promise<{ name: string; id: string }[]> {
    const out = [];
    for (const t of await listRefs(this.gitdir, 'refs/tags/'))
      out.push({ name: t.name, id: await this.peel(t.id, t.name) });
    return out;
  }

  async createBranch(name: string, start: string): Promise<void> {
    checkRefName(name, 'branch');
    await this.withLock(async () => {
      if (await readRef(this.gitdir, `refs/heads/${name}`)) {
        throw new SchemaverError({
          code: 'branch-exists',
          message: `a branch named '${name}' already exists`,
          hint: `switch to it with \`schemaver checkout ${name}\``,
          exit: 2,
        });
      }
      if (!(await this.isCommit(start))) throw unknownRevision(start);
      await writeRef(this.gitdir, `refs/heads/${name}`, start);
    });
  }

  async deleteBranch(name: string): Promise<void> {
    await this.withLock(async () => {
      if (!(await readRef(this.gitdir, `refs/heads/${name}`))) {
        throw new SchemaverError({
          code: 'unknown-branch',
          message: `there is no branch named '${name}'`,
          hint: 'list branches with `schemaver branch`',
          exit: 2,
        });
      }
      if ((await this.currentBranch()) === name) {
        throw new SchemaverError({
          code: 'branch-current',
          message: `cannot delete branch '${name}': it is checked out`,
          hint: 'checkout another branch first',
          exit: 2,
        });
      }
      await deleteRef(this.gitdir, `refs/heads/${name}`);
    });
  }

  async createTag(name: string, id: string): Promise<void> {
    checkRefName(name, 'tag');
    await this.withLock(async () => {
      if (await readRef(this.gitdir, `refs/tags/${name}`)) {
        throw new SchemaverError({
          code: 'tag-exists',
          message: `a tag named '${name}' already exists`,
          hint: 'tags never move; pick another name',
          exit: 2,
        });
      }
      if (!(await this.isCommit(id))) throw unknownRevision(id);
      await writeRef(this.gitdir, `refs/tags/${name}`, id);
    });
  }

  async setHead(target: { branch: string } | { detached: string }): Promise<void> {
    if ('branch' in target) checkRefName(target.branch, 'branch');
    await this.withLock(() => writeHead(this.gitdir, target));
  }

  async readState(name: string): Promise<string | undefined> {
    checkStateName(name);
    try {
      return readFileSync(join(this.gitdir, name), 'utf8');
    } catch {
      return undefined;
    }
  }

  async writeState(name: string, value: string | undefined): Promise<void> {
    checkStateName(name);
    const path = join(this.gitdir, name);
    if (value === undefined) removeDurable(path);
    else await writeFileAtomic(path, value, tmpDirOf(this.gitdir));
  }

  /** notes collects what the store did on its own (an interrupted commit finished or rolled back) for the command to say. */
  readonly notes: string[] = [];

  /** interrupted returns the journal of an operation that was interrupted (none runs: the lock is free), if any. */
  async interrupted(): Promise<Operation | undefined> {
    cleanTemp(tmpDirOf(this.gitdir)); // temp files of dead processes only: safe without the lock
    const op = readOperation(this.gitdir);
    if (!op) return undefined;
    if (this.lockDepth > 0) return op;
    try {
      return await this.withLock(async () => readOperation(this.gitdir));
    } catch (e) {
      if ((e as { code?: string }).code === 'store-locked') return undefined; // still running elsewhere
      throw e;
    }
  }

  /**
   * settle runs when the lock is taken: temp files of dead processes are removed, and an interrupted commit
   * is settled (its ref either moved, then the commit is complete, or did not, then its objects are unreachable
   * and harmless); the journal goes. Other interrupted operations are left for their --continue / --abort.
   */
  private async settle(): Promise<void> {
    cleanTemp(tmpDirOf(this.gitdir));
    cleanLegacyRefTemps(this.gitdir);
    await ensureIgnored(this.gitdir);
    const op = readOperation(this.gitdir);
    if (!op || op.operation !== 'commit') return;
    const now = op.ref === 'HEAD' ? await this.detachedHead() : await readRef(this.gitdir, op.ref ?? '');
    this.notes.push(
      now === op.to && op.to
        ? `an interrupted commit (${op.to.slice(0, 7)}) had completed; its journal was removed`
        : `an interrupted commit was rolled back: ${op.ref ?? 'HEAD'} stays at ${op.from ? op.from.slice(0, 7) : 'no commit'}`,
    );
    removeDurable(join(this.gitdir, OPERATION_FILE));
  }

  /** detachedHead is the commit a detached HEAD names (undefined on a branch). */
  private async detachedHead(): Promise<string | undefined> {
    const h = await readHead(this.gitdir);
    return 'detached' in h ? h.detached : undefined;
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.lockDepth === 0) {
      this.release = await acquireLock(this.gitdir);
      try {
        await this.settle();
      } catch (e) {
        await this.release();
        this.release = undefined;
        throw e;
      }
    }
    this.lockDepth++;
    try {
      return await fn();
    } finally {
      this.lockDepth--;
      if (this.lockDepth === 0) {
        const r = this.release;
        this.release = undefined;
        await r?.();
      }
    }
  }
}

/** checkStateName refuses state names that could escape the gitdir or clobber git files. */
function checkStateName(name: string): void {
  if (!STATE_NAME.test(name) || name === 'HEAD') {
    throw new SchemaverError({
      code: 'bad-state-name',
      message: `'${name}' is not a state file name (use upper case, e.g. MERGE_HEAD)`,
      exit: 2,
    });
  }
}
