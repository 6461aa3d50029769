/**
 * GitStore: the Store interface over a bare git repository. Objects are written by ObjectWriter (crash-safe
 * loose objects), refs by atomic rename, and everything that moves a ref runs under the store lock.
 * Reads go through isomorphic-git (which also reads packs), with one object cache per open store.
 */
import fs, { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { SchemaverError, invalidSchema } from '../errors.js';
import { canonicalObjects } from '../canon/index.js';
import type { SourceFile } from '../parse/index.js';
import type { Migration } from '../model/plan.js';
import type { Schema } from '../model/types.js';
import {
  schemaHashOf,
  type CommitInfo,
  type NewCommit,
  type PreparedCommit,
  type Snapshot,
  type Store,
} from './index.js';
import { ObjectWriter, addPath, type TreeNode } from './objects.js';
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
import { ambiguousRevision, navigate, parseRev, unknownRevision } from './revision.js';
import { resolveAuthor } from './author.js';
import {
  FORMAT,
  SNAPSHOT_FILE,
  checkFilePath,
  commitMessage,
  commitText,
  migrationDir,
  readMigration,
  splitMessage,
  stepsJson,
  type SchemaverJson,
} from './layout.js';

/** STATE_NAME is the shape of names accepted by readState/writeState (`MERGE_HEAD`, `MERGE_STATE`...). */
const STATE_NAME = /^[A-Z][A-Z0-9_]*$/;

/** GitStore is an open `.schemaver` repository. */
export class GitStore implements Store {
  private readonly cache: object = {};
  private readonly infos = new Map<string, CommitInfo>();
  private lockDepth = 0;
  private release: (() => Promise<void>) | undefined;

  constructor(
    readonly root: string,
    readonly gitdir: string,
  ) {}

  /** headState reads what HEAD points at. */
  headState(): Promise<HeadState> {
    return readHead(this.gitdir);
  }

  async head(): Promise<string | undefined> {
    const h = await readHead(this.gitdir);
    return 'detached' in h ? h.detached : readRef(this.gitdir, `refs/heads/${h.branch}`);
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
    const { didYouMean } = await import('../suggest.js');
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
    let oids: string[];
    try {
      oids = [await git.expandOid({ fs, gitdir: this.gitdir, oid: prefix, cache: this.cache })];
    } catch (e) {
      const err = e as { code?: string; data?: { matches?: string[] } };
      if (err.code === 'AmbiguousError') oids = err.data?.matches ?? [];
      else return [];
    }
    const out: string[] = [];
    for (const oid of oids) if (await this.isCommit(oid)) out.push(oid);
    return out;
  }

  /** isCommit tells whether an object exists and is a commit. */
  private async isCommit(oid: string): Promise<boolean> {
    try {
      const o = await git.readObject({ fs, gitdir: this.gitdir, oid, format: 'content', cache: this.cache });
      return o.type === 'commit';
    } catch {
      return false;
    }
  }

  /** peel follows annotated tags to the commit they name. */
  private async peel(oid: string, rev: string): Promise<string> {
    for (let i = 0; i < 10; i++) {
      let o;
      try {
        o = await git.readObject({ fs, gitdir: this.gitdir, oid, format: 'parsed', cache: this.cache });
      } catch {
        throw unknownRevision(rev, `object ${oid.slice(0, 7)} is missing from the store`);
      }
      if (o.type === 'commit') return oid;
      if (o.type === 'tag') {
        oid = (o.object as { object: string }).object;
        continue;
      }
      break;
    }
    throw unknownRevision(rev, 'it does not name a commit');
  }

  async readCommit(id: string): Promise<CommitInfo> {
    const hit = this.infos.get(id);
    if (hit) return hit;
    let c;
    try {
      c = await git.readCommit({ fs, gitdir: this.gitdir, oid: id, cache: this.cache });
    } catch (e) {
      throw unknownRevision(id, 'no such commit in the store', { revision: id, cause: (e as Error).message });
    }
    const { message, hash } = splitMessage(c.commit.message);
    const info: CommitInfo = {
      id: c.oid,
      parents: c.commit.parent,
      message,
      author: { name: c.commit.author.name, email: c.commit.author.email, timestamp: c.commit.author.timestamp },
      schemaHash: hash ?? (await this.readSchemaverJson(c.commit.tree)).hash,
    };
    this.infos.set(id, info);
    return info;
  }

  /** readSchemaverJson reads `schemaver.json` of a commit tree. */
  private async readSchemaverJson(tree: string): Promise<SchemaverJson> {
    const text = await this.readText(tree, 'schemaver.json');
    if (text === undefined) return { format: FORMAT, hash: '', renames: [] };
    return JSON.parse(text) as SchemaverJson;
  }

  /** readText reads a file of a tree as UTF-8, or undefined when absent. */
  private async readText(tree: string, filepath: string): Promise<string | undefined> {
    try {
      const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid: tree, filepath, cache: this.cache });
      return Buffer.from(blob).toString('utf8');
    } catch {
      return undefined;
    }
  }

  /** listTree lists the blobs below `dir` of a tree recursively as path -> blob id ({} when absent). */
  async listTree(tree: string, dir: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const walk = async (oid: string, prefix: string): Promise<void> => {
      const { tree: entries } = await git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache });
      for (const e of entries) {
        const p = `${prefix}/${e.path}`;
        if (e.type === 'tree') await walk(e.oid, p);
        else if (e.type === 'blob') out.set(p, e.oid);
      }
    };
    let sub;
    try {
      sub = await git.readTree({ fs, gitdir: this.gitdir, oid: tree, filepath: dir, cache: this.cache });
    } catch {
      return out;
    }
    await walk(sub.oid, dir);
    return out;
  }

  /** treeOf returns the root tree id of a commit. */
  private async treeOf(id: string): Promise<string> {
    const c = await git.readCommit({ fs, gitdir: this.gitdir, oid: id, cache: this.cache });
    return c.commit.tree;
  }

  /** schemaFileIds lists `schema/**` of a commit as path -> git blob id, without reading the blobs (fast dirty checks). */
  async schemaFileIds(id: string): Promise<Map<string, string>> {
    return this.listTree(await this.treeOf(id), 'schema');
  }

  /** readFiles returns the `schema/**` files of a commit, byte for byte, sorted by path. */
  async readFiles(id: string): Promise<SourceFile[]> {
    const ids = await this.schemaFileIds(id);
    const files: SourceFile[] = [];
    for (const [path, oid] of [...ids].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache });
      files.push({ path, text: Buffer.from(blob).toString('utf8') });
    }
    return files;
  }

  /** readMigrations returns the stored migrations of a commit, in the order of its parents. */
  async readMigrations(id: string): Promise<Migration[]> {
    const info = await this.readCommit(id);
    const tree = await this.treeOf(id);
    const dirs = info.parents.length ? info.parents.map(migrationDir) : [migrationDir('')];
    const out: Migration[] = [];
    for (const dir of dirs) {
      const steps = await this.readText(tree, `migrations/${dir}/steps.json`);
      if (steps === undefined) continue;
      const up = (await this.readText(tree, `migrations/${dir}/up.sql`)) ?? '';
      const down = (await this.readText(tree, `migrations/${dir}/down.sql`)) ?? '';
      out.push(readMigration(dir, up, down, steps));
    }
    return out;
  }

  async readSnapshot(id: string): Promise<Snapshot> {
    const info = await this.readCommit(id);
    const files = await this.readFiles(id);
    return { ...info, schema: await this.readSchema(id, files), files, migrations: await this.readMigrations(id) };
  }

  /** readSchema returns the model a commit stored (snapshot.json), or parses its files when it has none. */
  async readSchema(id: string, files?: readonly SourceFile[]): Promise<Schema> {
    const stored = await this.readText(await this.treeOf(id), SNAPSHOT_FILE);
    if (stored !== undefined) {
      try {
        const schema = JSON.parse(stored) as Schema;
        if (schema && schema.kind === 'schema') return schema;
      } catch {
        /* fall back to the files */
      }
    }
    const { parseSchemaFiles } = await import('../parse/index.js'); // only for stores without snapshot.json
    const parsed = parseSchemaFiles(files ?? (await this.readFiles(id)));
    if (!parsed.schema) {
      const err = invalidSchema(parsed.issues);
      throw new SchemaverError({
        code: 'unreadable-snapshot',
        message: `the schema files of commit ${id.slice(0, 7)} no longer parse: ${err.message}`,
        hint: 'this schemaver version reads the YAML differently from the one that committed it',
        issues: parsed.issues,
        exit: 3,
      });
    }
    return parsed.schema;
  }

  /** renamesOf returns the renames recorded in a commit's schemaver.json. */
  async renamesOf(id: string): Promise<readonly string[]> {
    return (await this.readSchemaverJson(await this.treeOf(id))).renames ?? [];
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
    const meta: SchemaverJson = { format: FORMAT, hash, renames };
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
    const write = () =>
      this.withLock(async () => {
        const head = await this.head();
        const expected = c.replaces ?? c.parents[0] ?? undefined;
        if (expected !== head) {
          throw new SchemaverError({
            code: 'head-moved',
            message: `HEAD is ${head ? head.slice(0, 7) : 'unborn'} but the commit was prepared on ${expected?.slice(0, 7) ?? 'nothing'}`,
            hint: 'another command moved HEAD meanwhile; run the command again',
            exit: 1,
          });
        }
        await w.flush(); // every object is in place before the ref moves
        const h = await readHead(this.gitdir);
        if ('branch' in h) await writeRef(this.gitdir, `refs/heads/${h.branch}`, id);
        else await writeHead(this.gitdir, { detached: id });
        return id;
      });
    return { id, write };
  }

  async log(start: string | readonly string[], opts: { limit?: number } = {}): Promise<CommitInfo[]> {
    // Collect every reachable commit, then emit children before parents (Kahn), newest ready commit first;
    // among equal times the most recently readied wins, which keeps a branch's commits together.
    const all = new Map<string, CommitInfo>();
    const children = new Map<string, number>();
    const starts = typeof start === 'string' ? [start] : [...new Set(start)];
    const stack = [...starts];
    while (stack.length) {
      const id = stack.pop()!;
      if (all.has(id)) continue;
      const info = await this.readCommit(id);
      all.set(id, info);
      for (const p of info.parents) {
        children.set(p, (children.get(p) ?? 0) + 1);
        if (!all.has(p)) stack.push(p);
      }
    }
    const out: CommitInfo[] = [];
    const ready = starts.filter((s) => !children.has(s)).map((s) => ({ info: all.get(s)!, seq: 0 }));
    let seq = 0;
    const limit = opts.limit ?? Infinity;
    while (ready.length && out.length < limit) {
      let best = 0;
      for (let i = 1; i < ready.length; i++) {
        const a = ready[i]!;
        const b = ready[best]!;
        if (
          a.info.author.timestamp > b.info.author.timestamp ||
          (a.info.author.timestamp === b.info.author.timestamp && a.seq > b.seq)
        )
          best = i;
      }
      const { info } = ready.splice(best, 1)[0]!;
      out.push(info);
      // first parent readied last so it is preferred among equals (it continues the current line)
      for (const p of [...info.parents].reverse()) {
        const left = (children.get(p) ?? 1) - 1;
        children.set(p, left);
        if (left === 0) ready.push({ info: all.get(p)!, seq: ++seq });
      }
    }
    return out;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const bases = await git.findMergeBase({ fs, gitdir: this.gitdir, oids: [a, b], cache: this.cache });
    return (bases as string[])[0];
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
      return await fsp.readFile(join(this.gitdir, name), 'utf8');
    } catch {
      return undefined;
    }
  }

  async writeState(name: string, value: string | undefined): Promise<void> {
    checkStateName(name);
    const path = join(this.gitdir, name);
    if (value === undefined) await fsp.rm(path, { force: true });
    else await writeFileAtomic(path, value);
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.lockDepth === 0) this.release = await acquireLock(this.gitdir);
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
