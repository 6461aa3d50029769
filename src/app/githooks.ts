/**
 * What git runs once `schemaver git install` set it up (./install.ts):
 *  - mergeRef (driver of `.schemaver/refs/**`): both sides moved the ref; keep ours — the pre-merge-commit hook
 *    then merges theirs semantically. In a rebase or cherry-pick (no hook) ours stays, and the replayed schema/
 *    text shows in `status` to be committed on the new base (README: git rebase and cherry-pick).
 *  - mergeSchema (driver of `schema/**.yaml`): git's own line merge; a clean result is taken as is (both sides'
 *    comments survive). A conflicting file inside `git merge`/`git pull` keeps ours for the moment and is noted
 *    for the hook; elsewhere git's conflict markers are written, as without a driver.
 *  - preMergeCommit: when both sides carry schemaver commits, `schemaver merge` of theirs into ours (both edges
 *    proven in PGlite), preferring git's text merge of schema/ when it reads as the merged schema; staged, so git's
 *    merge commit holds the schemaver merge commit. A conflict stops git's commit: schema/ holds the conflict
 *    blocks and `schemaver merge --continue` finishes both merges.
 *  - postCheckout: keeps the store objects the checkout removed (./recover.ts).
 */
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Store } from '../store/index.js';
import { git, gitOut, showFiles, workTreeOf } from '../gitint/git.js';
import { gitMergeInProgress, stage } from '../gitint/mergestate.js';
import { AMEND_MARK } from '../gitint/install.js';
import { runMerge } from './merge.js';
import { readSchemaDir } from '../parse/files.js';
import { conflictSides } from '../merge/describe.js';
import { removeDurable, replaceFile } from '../store/fsops.js';

/** writeWhole replaces a file atomically and durably (temp file beside it, fsync, rename): a killed driver or hook
 * leaves the old content or the new, never a torn file for git to take (counted by fsops' fault injection). */
function writeWhole(path: string, data: string | Uint8Array): void {
  replaceFile(path, data, dirname(path));
}

/** TEXT_CONFLICTS names the file in the git directory where mergeSchema notes files it kept ours for. */
const TEXT_CONFLICTS = 'schemaver-text-conflicts.json';

/** mergeRef is the `schemaver-ref` driver: ours stays (exit 0). */
export function mergeRef(): number {
  return 0;
}

/** mergeSchema is the `schemaver-schema` driver: git's text merge into `ours`; see the module comment for conflicts. */
export async function mergeSchema(
  cwd: string,
  base: string,
  ours: string,
  theirs: string,
  path: string,
): Promise<number> {
  const r = git(cwd, ['merge-file', '-p', '-L', 'ours', '-L', 'base', '-L', 'theirs', ours, base, theirs]);
  if (r.code === 0) {
    writeWhole(ours, r.bytes);
    return 0;
  }
  if (r.code < 0 || r.code > 127) return 2;
  const inMerge = /^(merge|pull)\b/.test(process.env.GIT_REFLOG_ACTION ?? '');
  const gitDir = gitOut(cwd, ['rev-parse', '--absolute-git-dir']);
  if (inMerge && gitDir) {
    const file = join(gitDir, TEXT_CONFLICTS);
    const noted = JSON.parse(await fsp.readFile(file, 'utf8').catch(() => '[]')) as { path: string; text: string }[];
    noted.push({ path, text: r.out });
    writeWhole(file, JSON.stringify(noted));
    return 0;
  }
  writeWhole(ours, r.bytes);
  return 1;
}

/** HookOutcome is what the pre-merge-commit hook did; `exit` is the hook's exit code (non-zero stops git's commit). */
export interface HookOutcome {
  readonly exit: number;
  readonly action: 'none' | 'merged' | 'conflict' | 'text-conflict';
  readonly lines: readonly string[];
}

/** preMergeCommit runs inside `git merge` / `git pull`, before git writes the merge commit. */
export async function preMergeCommit(root: string, store: Store): Promise<HookOutcome> {
  const wt = workTreeOf(root);
  if (!wt) return { exit: 0, action: 'none', lines: [] };
  const noted = await takeTextConflicts(wt.gitDir);
  const branch = (await store.currentBranch()) ?? 'main';
  const refPath = `${wt.prefix}.schemaver/refs/heads/${branch}`;
  const [ours, theirs] = showFiles(wt.top, [
    { rev: 'HEAD', path: refPath },
    { rev: theirsRev(), path: refPath },
  ]).map((t) => t?.trim());
  const diverged =
    ours &&
    theirs &&
    ours !== theirs &&
    !(await store.isAncestor(theirs, ours)) &&
    !(await store.isAncestor(ours, theirs));
  if (!diverged) return textConflicts(root, noted);
  const current = await store.head();
  if (current && current !== ours && (await store.isAncestor(theirs, current))) {
    // made already (`merge --continue`, or this hook before it was killed): git's commit must hold it
    stage(root);
    return { exit: 0, action: 'none', lines: [] };
  }
  // schema/ holds git's text merge: the merge runs over it (its journal keeps these files, so --abort gives them back)
  const textMerged = await readSchemaDir(root);
  const msg =
    theirsName() ?? (await fsp.readFile(join(wt.gitDir, 'MERGE_MSG'), 'utf8').catch(() => '')).split('\n')[0]?.trim();
  const lines: string[] = [];
  const out = await runMerge(root, store, theirs, {
    message: msg || `Merge commit ${theirs.slice(0, 7)}`,
    verify: true,
    // each parent edge replays what the other branch already committed (its drops were consented to there)
    allowDestructive: true,
    note: (t) => lines.push(t),
    viaGit: true,
    overWorking: true,
    ...(noted.length ? {} : { preferFiles: textMerged }),
  });
  if (out.status === 'conflict') {
    lines.push(`schemaver: the schema of both branches conflicts (${out.conflicts.length}):`);
    for (const c of out.conflicts) {
      lines.push(`  ${c.object}${c.attribute ? ` [${c.attribute}]` : ''}: ${c.message}`);
      if (c.base !== undefined || c.ours !== undefined || c.theirs !== undefined) {
        const sides = conflictSides(c);
        lines.push(`      base: ${sides.base}   ours: ${sides.ours}   theirs: ${sides.theirs}`);
      }
    }
    lines.push(
      `schemaver: edit the <<<conflict blocks in ${out.marked.join(', ') || 'schema/'}, then run \`schemaver merge --continue\` (it also commits git's merge), or \`schemaver merge --abort\``,
    );
    return { exit: 1, action: 'conflict', lines };
  }
  stage(root);
  // git wrote the tree of an automatic merge before this hook ran: post-merge folds the staged result into it
  if (out.status === 'merged' && !gitMergeInProgress(root)) writeWhole(join(wt.gitDir, AMEND_MARK), out.id + '\n');
  if (out.status === 'merged')
    lines.push(
      `schemaver: merge commit ${out.id.slice(0, 7)} (both edges ${out.edges.every((e) => e.verified) ? 'verified' : 'stored'}), staged with git's merge`,
    );
  return { exit: 0, action: 'merged', lines };
}

/** theirsRev names the commit being merged: git exports it to the hook as `GITHEAD_<id>` (MERGE_HEAD is written
 * only once the commit stops), else MERGE_HEAD (`git merge --no-commit` then `git commit`). */
function theirsRev(): string {
  const heads = Object.keys(process.env)
    .map((k) => /^GITHEAD_([0-9a-f]{40,64})$/.exec(k)?.[1])
    .filter((x): x is string => x !== undefined);
  return heads.length === 1 ? heads[0]! : 'MERGE_HEAD';
}

/** theirsName is `Merge branch 'b'` from git's GITHEAD_<id>=b (undefined when git did not name it). */
function theirsName(): string | undefined {
  const names = Object.entries(process.env)
    .filter(([k]) => /^GITHEAD_[0-9a-f]{40,64}$/.test(k))
    .map(([, v]) => v);
  return names.length === 1 && names[0]
    ? `Merge ${/^[0-9a-f]{40}$/.test(names[0]) ? 'commit' : 'branch'} '${names[0]}'`
    : undefined;
}

/** postMerge folds the schema merge the pre-merge-commit hook staged into git's just-made merge commit. */
export async function postMerge(root: string): Promise<string | undefined> {
  const wt = workTreeOf(root);
  if (!wt) return undefined;
  const mark = join(wt.gitDir, AMEND_MARK);
  const id = (await fsp.readFile(mark, 'utf8').catch(() => undefined))?.trim();
  if (!id) return undefined;
  const r = amendHead(wt.top);
  removeDurable(mark); // after the amend: a killed hook leaves the mark, and the next post-merge amends
  return r.code === 0
    ? `schemaver: git's merge commit now holds schemaver merge ${id.slice(0, 7)} and the merged schema/`
    : `schemaver: could not add the schema merge to git's merge commit (${r.err.trim()}); run \`git commit --amend --no-edit\``;
}

/** amendHead replaces HEAD by a commit of the index with HEAD's parents, message and author (git refuses
 * `commit --amend` while post-merge runs: MERGE_HEAD is still there). */
function amendHead(top: string): { code: number; err: string } {
  const tree = git(top, ['write-tree']);
  const info = git(top, ['log', '-1', '--format=%P%n%an%n%ae%n%ad%n%B', '--date=raw', 'HEAD']);
  if (tree.code !== 0 || info.code !== 0) return { code: 1, err: tree.err || info.err };
  if (tree.out.trim() === gitOut(top, ['rev-parse', 'HEAD^{tree}'])) return { code: 0, err: '' }; // holds it already
  const [parents, name, email, date, ...body] = info.out.split('\n');
  const args = ['commit-tree', tree.out.trim(), ...parents!.split(' ').flatMap((p) => ['-p', p])];
  const old = git(top, ['rev-parse', 'HEAD']).out.trim();
  const env = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: date };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const made = git(top, args, body.join('\n').replace(/\n+$/, '\n'));
  process.env = saved;
  if (made.code !== 0) return made;
  return git(top, [
    'update-ref',
    '-m',
    'schemaver: the schema merge joins the merge commit',
    'HEAD',
    made.out.trim(),
    old,
  ]);
}

/** textConflicts writes back git's conflict markers for files the driver kept ours for, and stops the commit. */
async function textConflicts(root: string, noted: { path: string; text: string }[]): Promise<HookOutcome> {
  if (!noted.length) return { exit: 0, action: 'none', lines: [] };
  const wt = workTreeOf(root)!;
  for (const n of noted) writeWhole(join(wt.top, n.path), n.text);
  return {
    exit: 1,
    action: 'text-conflict',
    lines: [
      `schemaver: ${noted.map((n) => n.path).join(', ')} conflict as text and no schemaver commits are to be merged: resolve the markers, \`git add\`, \`git commit\``,
    ],
  };
}

/** takeTextConflicts reads and clears what mergeSchema noted during this merge. */
async function takeTextConflicts(gitDir: string): Promise<{ path: string; text: string }[]> {
  const file = join(gitDir, TEXT_CONFLICTS);
  const text = await fsp.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const noted = JSON.parse(text) as { path: string; text: string }[];
  removeDurable(file);
  return noted;
}
