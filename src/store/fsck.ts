/**
 * fsck: check the whole store and say how to recover from each problem. Every object reachable from every
 * ref and HEAD is read and hashed; commit trees must hold schemaver.json, snapshot.json (parsing, hashing
 * to the recorded schema hash) and one whole migration per parent; refs must be well formed and name
 * commits; packs and indexes must agree; loose objects must be sound even when unreachable; the journal,
 * temp files, the lock and the cache are looked at too.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaverError, type ErrorCode } from '../errors.js';
import { ObjectReader } from './read.js';

/** RECOVER_HINT is fsck's fix for damaged objects: the store cannot rebuild them, a copy can. */
const RECOVER_HINT =
  'restore .schemaver/ from your application repository (`git checkout -- .schemaver` or `git restore .schemaver`), or copy it from a clone that has it';
import { parseCommit, parseTag, parseTree, type TreeEntry } from './gitparse.js';
import { readHead, refId, readPackedRefs } from './refs.js';
import { pendingRoot, readOperation } from './journal.js';
import { splitMessage, migrationDir } from './layout.js';
import { describeOperation } from './switch.js';

/** Finding is one problem fsck found. */
export interface Finding {
  readonly severity: 'error' | 'warning';
  readonly code: ErrorCode;
  readonly message: string;
  readonly fix: string;
  readonly object?: string;
  readonly commit?: string;
  readonly path?: string;
}

/** FsckResult is what `fsck --json` prints. */
export interface FsckResult {
  readonly ok: boolean;
  readonly findings: readonly Finding[];
  readonly checked: { commits: number; objects: number; refs: number; packs: number; loose: number };
  /** dangling: commits no ref reaches (where a lost branch may be). */
  readonly dangling: readonly string[];
}

/** fsck checks the store at `gitdir`; `hashSchema` computes a model's `sv1:` hash (passed in to keep store/ free of canon). */
export async function fsck(gitdir: string, hashSchema: (model: unknown) => string): Promise<FsckResult> {
  const objects = new ObjectReader(gitdir);
  const findings: Finding[] = [];
  const add = (f: Omit<Finding, 'fix' | 'severity'> & { fix?: string; severity?: Finding['severity'] }) =>
    findings.push({ severity: 'error', fix: RECOVER_HINT, ...f });
  const fail = (e: unknown, extra: Partial<Finding> = {}) => {
    if (!(e instanceof SchemaverError)) throw e;
    // data.problem: the store's reader names what is wrong with an object by a code of ERROR_CODES
    const d = (e.data ?? {}) as { object?: string; commit?: string; path?: string; problem?: ErrorCode };
    add({
      code: d.problem ?? e.code,
      message: e.message.replace(/^the store is damaged: /, ''),
      fix: e.code === 'corrupt-store' ? RECOVER_HINT : (e.hint ?? RECOVER_HINT),
      ...pick(d),
      ...extra,
    });
  };
  const { tips, refs } = await readTips(gitdir, add, fail);
  const { commits, objectsSeen } = walkHistory(objects, tips, hashSchema, add, fail);
  const packs = checkPacks(objects, gitdir, add);
  const loose = checkLoose(objects, objectsSeen, add);
  const dangling = danglingCommits(objects, commits);
  const pending = await pendingRoot(gitdir);
  const lost = dangling.filter((d) => d !== pending);
  if (tips.length === 0 && lost.length)
    add({
      code: 'missing-ref',
      message: `no branch or tag exists, but the store holds ${lost.length} commit(s): HEAD's branch ref was deleted`,
      fix: `restore .schemaver/refs/ from your application repository (\`git checkout -- .schemaver\`), or recreate the branch at its last commit: \`schemaver branch NAME ID\` (the newest of ${lost
        .slice(0, 5)
        .map((d) => d.slice(0, 7))
        .join(', ')}), or write the id into .schemaver/refs/heads/<branch>`,
      path: 'refs/heads',
    });
  if (dangling.length)
    add({
      severity: 'warning',
      code: 'dangling-commits',
      message: `${dangling.length} commit(s) no ref reaches: ${dangling
        .slice(0, 5)
        .map((d) => d.slice(0, 7))
        .join(', ')}`,
      fix: 'harmless when left by an interrupted commit; a lost branch comes back with `schemaver branch NAME ID`',
    });
  checkState(gitdir, add);
  const ok = !findings.some((f) => f.severity === 'error');
  return { ok, findings, checked: { commits: commits.size, objects: objectsSeen.size, refs, packs, loose }, dangling };
}

/** Fail records a SchemaverError as a finding (anything else is rethrown). */
type Fail = (e: unknown, extra?: Partial<Finding>) => void;

/** readTips reads every ref (loose and packed) and HEAD: the tips history is walked from. */
async function readTips(
  gitdir: string,
  add: Add,
  fail: Fail,
): Promise<{ tips: { ref: string; id: string }[]; refs: number }> {
  const tips: { ref: string; id: string }[] = [];
  let refs = 0;
  const walkRefs = (dir: string, rel: string) => {
    let names: import('node:fs').Dirent[] = [];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of names) {
      const ref = `${rel}/${e.name}`;
      if (e.isDirectory()) walkRefs(join(dir, e.name), ref);
      else if (/\.tmp-|\.lock$/.test(e.name)) {
        add({
          severity: 'warning',
          code: 'stray-temp',
          message: `.schemaver/${ref} is a leftover temp file of an interrupted ref write`,
          fix: `delete .schemaver/${ref}`,
          path: ref,
        });
      } else {
        refs++;
        try {
          tips.push({ ref, id: refId(ref, readFileSync(join(dir, e.name), 'utf8')) });
        } catch (err) {
          fail(err, { path: ref, code: 'bad-ref' });
        }
      }
    }
  };
  walkRefs(join(gitdir, 'refs'), 'refs');
  for (const [ref, id] of await readPackedRefs(gitdir)) if (!tips.some((t) => t.ref === ref)) tips.push({ ref, id });
  try {
    const h = await readHead(gitdir);
    if ('detached' in h) tips.push({ ref: 'HEAD', id: h.detached });
    else if (!tips.some((t) => t.ref === `refs/heads/${h.branch}`) && tips.length)
      add({
        code: 'missing-ref',
        message: `HEAD points at branch '${h.branch}', which does not exist, while the store has other refs`,
        fix: `restore .schemaver/refs/heads/${h.branch} from your application repository, or \`schemaver checkout\` an existing branch`,
        path: `refs/heads/${h.branch}`,
      });
  } catch (e) {
    fail(e, { path: 'HEAD' });
  }
  return { tips, refs };
}

/** walkHistory checks every commit the tips reach (and every object of their trees). */
function walkHistory(
  objects: ObjectReader,
  tips: readonly { ref: string; id: string }[],
  hashSchema: (model: unknown) => string,
  add: Add,
  fail: Fail,
): { commits: Set<string>; objectsSeen: Set<string> } {
  const commits = new Set<string>();
  const objectsSeen = new Set<string>();
  const stack: string[] = [];
  for (const t of tips) {
    try {
      let id = t.id;
      for (let o = objects.read(id, 'object', { path: `target of ${t.ref}` }); o.type === 'tag';) {
        id = parseTag(id, o.content).object;
        o = objects.read(id, 'object', { path: `target of ${t.ref}` });
      }
      if (objects.read(id).type !== 'commit')
        add({
          code: 'bad-ref',
          message: `${t.ref} names ${id.slice(0, 12)}, which is not a commit`,
          path: t.ref,
          object: id,
        });
      else stack.push(id);
    } catch (e) {
      fail(e, { path: t.ref });
    }
  }
  while (stack.length) {
    const id = stack.pop()!;
    if (commits.has(id)) continue;
    commits.add(id);
    try {
      const c = parseCommit(id, objects.readTyped(id, 'commit', { commit: id }), { commit: id });
      stack.push(...c.parents);
      checkCommit(objects, id, c.tree, c.parents, splitMessage(c.message).hash, hashSchema, objectsSeen, add, fail);
    } catch (e) {
      fail(e, { commit: id });
    }
  }
  return { commits, objectsSeen };
}

/** pick keeps the locating fields of an error's data. */
function pick(d: { object?: string; commit?: string; path?: string }): Partial<Finding> {
  return {
    ...(d.object ? { object: d.object } : {}),
    ...(d.commit ? { commit: d.commit } : {}),
    ...(d.path !== undefined ? { path: d.path } : {}),
  };
}

type Add = (f: Omit<Finding, 'fix' | 'severity'> & { fix?: string; severity?: Finding['severity'] }) => void;

/** checkCommit reads a commit's whole tree and checks its schemaver files, snapshot and migrations. */
function checkCommit(
  objects: ObjectReader,
  id: string,
  tree: string,
  parents: readonly string[],
  trailerHash: string | undefined,
  hashSchema: (model: unknown) => string,
  seen: Set<string>,
  add: Add,
  fail: Fail,
): void {
  const c = readCommitTree(objects, id, tree, seen, add, fail);
  const meta = c.json('schemaver.json'); // read even when the trailer names the hash: an unparseable file is a finding
  const recorded = trailerHash ?? meta?.hash;
  checkSnapshot(c, recorded, hashSchema, add);
  for (const parent of parents.length ? parents : ['']) checkMigration(c, parent, recorded, add);
}

/** CommitFiles is a commit's tree as fsck reads it: every blob path, the text of those that read, and `json`,
 * which parses one (null, and an `unparseable` finding, when it is not JSON; undefined when absent). */
interface CommitFiles {
  readonly id: string;
  /** at: `of commit <short id>`, for messages. */
  readonly at: string;
  readonly paths: ReadonlySet<string>;
  readonly json: (path: string) => any;
}

/** readCommitTree reads every tree and blob of a commit (marking them seen), reporting each that does not read. */
function readCommitTree(
  objects: ObjectReader,
  id: string,
  tree: string,
  seen: Set<string>,
  add: Add,
  fail: Fail,
): CommitFiles {
  const files = new Map<string, string>();
  const paths = new Set<string>();
  const walk = (oid: string, prefix: string) => {
    let entries: TreeEntry[];
    try {
      entries = parseTree(oid, objects.readTyped(oid, 'tree', { commit: id, path: prefix }), {
        commit: id,
        path: prefix,
      });
      seen.add(oid);
    } catch (e) {
      fail(e, { commit: id, path: prefix });
      return;
    }
    for (const e of entries) {
      const p = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.type === 'tree') walk(e.oid, p);
      else if (e.type === 'blob') {
        paths.add(p);
        try {
          files.set(p, objects.readTyped(e.oid, 'blob', { commit: id, path: p }).toString('utf8'));
          seen.add(e.oid);
        } catch (err) {
          fail(err, { commit: id, path: p });
        }
      }
    }
  };
  walk(tree, '');
  const at = `of commit ${id.slice(0, 7)}`;
  const json = (path: string): any => {
    const text = files.get(path);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      add({ code: 'unparseable', message: `${path} ${at} is not valid JSON`, commit: id, path });
      return null;
    }
  };
  return { id, at, paths, json };
}

/** checkSnapshot checks that snapshot.json is a schema model that hashes to the commit's recorded hash. */
function checkSnapshot(
  c: CommitFiles,
  recorded: string | undefined,
  hashSchema: (model: unknown) => string,
  add: Add,
): void {
  const snap = c.json('snapshot.json');
  if (!snap || !recorded) return;
  let h: string | undefined;
  try {
    h = hashSchema(snap);
  } catch {
    add({
      code: 'unparseable',
      message: `snapshot.json ${c.at} is not a schema model`,
      commit: c.id,
      path: 'snapshot.json',
    });
  }
  if (h && h !== recorded)
    add({
      code: 'snapshot-hash',
      message: `snapshot.json ${c.at} hashes to ${h}, not the recorded ${recorded}`,
      commit: c.id,
      path: 'snapshot.json',
    });
}

/** checkMigration checks the migration from one parent (or from nothing): stored whole (steps.json, up.sql,
 * down.sql; none at all is a warning), and leading to the commit's recorded hash. */
function checkMigration(c: CommitFiles, parent: string, recorded: string | undefined, add: Add): void {
  const { id, at, paths } = c;
  const dir = `migrations/${migrationDir(parent)}`;
  const names = ['steps.json', 'up.sql', 'down.sql'];
  const present = names.filter((n) => paths.has(`${dir}/${n}`));
  if (present.length === 0 && ![...paths].some((k) => k.startsWith(`${dir}/`))) {
    add({
      severity: 'warning',
      code: 'missing-migration',
      message: `commit ${id.slice(0, 7)} stores no migration from ${parent ? parent.slice(0, 7) : 'nothing'}`,
      fix: 'deploys cannot cross this edge; `schemaver verify` shows whether it was ever proven',
      commit: id,
      path: dir,
    });
    return;
  }
  for (const n of names.filter((x) => !present.includes(x)))
    add({
      code: 'missing-entry',
      message: `${dir}/${n} ${at} is missing from its tree`,
      commit: id,
      path: `${dir}/${n}`,
    });
  const steps = c.json(`${dir}/steps.json`);
  if (steps && recorded && steps.toHash !== recorded)
    add({
      code: 'migration-hash',
      message: `${dir}/steps.json ${at} leads to ${steps.toHash}, not to the commit's ${recorded}`,
      commit: id,
      path: `${dir}/steps.json`,
    });
}

/** checkPacks checks each index and its pack, and looks for packs without an index. */
function checkPacks(objects: ObjectReader, gitdir: string, add: Add): number {
  const idx = objects.packs();
  for (const [name, why] of objects.idxProblems)
    add({ code: 'bad-pack', message: `objects/pack/${name} ${why}`, path: `objects/pack/${name}` });
  for (const p of idx) {
    const problem = objects.checkPack(p);
    if (problem) add({ code: 'bad-pack', message: problem, path: `objects/pack/${p.name}.pack` });
  }
  const dir = join(gitdir, 'objects', 'pack');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    /* none */
  }
  for (const n of names) {
    if (n.endsWith('.pack') && !names.includes(n.replace(/\.pack$/, '.idx')))
      add({
        severity: 'warning',
        code: 'pack-without-index',
        message: `objects/pack/${n} has no .idx: its objects are invisible`,
        fix: 'harmless when left by an interrupted commit (then nothing is missing); otherwise restore its .idx, or rebuild it with `git --git-dir=.schemaver index-pack`',
        path: `objects/pack/${n}`,
      });
    else if (/^tmp_/.test(n))
      add({
        severity: 'warning',
        code: 'stray-temp',
        message: `objects/pack/${n} is a leftover temp file`,
        fix: `delete .schemaver/objects/pack/${n}`,
        path: `objects/pack/${n}`,
      });
  }
  return idx.length;
}

/** checkLoose reads every loose object (reachable or not): each must inflate and hash to its name. */
function checkLoose(objects: ObjectReader, seen: Set<string>, add: Add): number {
  const ids = objects.looseIds();
  for (const oid of ids) {
    if (seen.has(oid)) continue;
    try {
      objects.read(oid);
    } catch (e) {
      if (e instanceof SchemaverError)
        add({
          code: 'bad-object',
          message: e.message.replace(/^the store is damaged: /, '') + ' (unreachable)',
          object: oid,
          fix: `delete .schemaver/objects/${oid.slice(0, 2)}/${oid.slice(2)} if nothing reports it missing`,
        });
    }
  }
  return ids.length;
}

/** danglingCommits lists loose and packed commits no ref reaches. */
function danglingCommits(objects: ObjectReader, reachable: Set<string>): string[] {
  const out: string[] = [];
  const all = new Set([...objects.looseIds(), ...objects.packs().flatMap((p) => [...p.offsets.keys()])]);
  for (const oid of all) {
    if (reachable.has(oid)) continue;
    try {
      if (objects.read(oid).type === 'commit') out.push(oid);
    } catch {
      /* reported above */
    }
  }
  return out.sort();
}

/** checkState looks at the journal, temp files, the lock and the cache. */
function checkState(gitdir: string, add: Add): void {
  try {
    const op = readOperation(gitdir);
    if (op && op.operation !== 'commit')
      add({
        code: 'interrupted-operation',
        message: `an interrupted ${describeOperation(op)}`,
        fix: `run \`schemaver ${op.operation} --continue\` to finish it or \`schemaver ${op.operation} --abort\` to undo it`,
        path: 'OPERATION_IN_PROGRESS',
      });
    else if (op)
      add({
        severity: 'warning',
        code: 'interrupted-commit',
        message: 'an interrupted commit left its journal',
        fix: 'the next command settles it',
        path: 'OPERATION_IN_PROGRESS',
      });
  } catch (e) {
    if (e instanceof SchemaverError)
      add({ code: 'unparseable', message: e.message, fix: e.hint ?? RECOVER_HINT, path: 'OPERATION_IN_PROGRESS' });
  }
  let tmp: string[] = [];
  try {
    tmp = readdirSync(join(gitdir, 'tmp'));
  } catch {
    /* none */
  }
  if (tmp.length)
    add({
      severity: 'warning',
      code: 'stray-temp',
      message: `.schemaver/tmp holds ${tmp.length} temp file(s) of interrupted writes`,
      fix: 'the next command that writes removes them',
      path: 'tmp',
    });
  for (const name of ['verified.json', 'working.json']) {
    const path = join(gitdir, 'cache', name);
    if (!existsSync(path)) continue;
    let bad = false;
    try {
      const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      bad =
        !v ||
        typeof v !== 'object' ||
        (name === 'verified.json' &&
          Object.values(v).some((e) => !e || typeof (e as { ms?: unknown }).ms !== 'number'));
    } catch {
      bad = true;
    }
    if (bad)
      add({
        code: 'bad-cache',
        message: `cache/${name} is unreadable or not what schemaver writes`,
        fix: `delete .schemaver/cache/${name} (a cache: ${name === 'verified.json' ? '`schemaver verify --all` proves the edges again' : 'rebuilt by the next status'})`,
        path: `cache/${name}`,
      });
  }
}
