/**
 * The pre-merge-commit hook's work (see ./githooks.ts for what git runs and when): when both sides of git's merge
 * carry schemaver commits, `schemaver merge` of theirs into ours, proven and staged so git's merge commit holds it.
 * A module of its own: the merge (./merge.ts and what it loads) is loaded by this hook only, not by the merge driver,
 * post-merge or post-checkout, which git runs far more often.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { showFiles, workTreeOf } from '../gitint/git.js';
import { gitMergeInProgress, stage } from '../gitint/mergestate.js';
import { AMEND_MARK } from '../gitint/install.js';
import { runMerge } from './merge.js';
import { readSchemaDir } from '../parse/files.js';
import { conflictSides } from '../merge/describe.js';
import { removeDurable } from '../store/fsops.js';
import { TEXT_CONFLICTS, writeWhole } from './githooks.js';

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
