/**
 * What git runs once `schemaver git install` set it up (./install.ts):
 *  - mergeRef (driver of `.schemaver/refs/**`): both sides moved the ref; keep ours — the pre-merge-commit hook
 *    then merges theirs semantically. In a rebase or cherry-pick (no hook) ours stays, and the replayed schema/
 *    text shows in `status` to be committed on the new base (README: git rebase and cherry-pick).
 *  - mergeSchema (driver of `schema/**.yaml`): git's own line merge; a clean result is taken as is (both sides'
 *    comments survive). A conflicting file inside `git merge`/`git pull` keeps ours for the moment and is noted
 *    for the hook; elsewhere git's conflict markers are written, as without a driver.
 *  - preMergeCommit (./premerge.ts: a module of its own, so the other hooks do not load the merge): when both sides
 *    carry schemaver commits, `schemaver merge` of theirs into ours (both edges proven in PGlite), preferring git's
 *    text merge of schema/ when it reads as the merged schema; staged, so git's merge commit holds the schemaver
 *    merge commit. A conflict stops git's commit: schema/ holds the conflict blocks and `schemaver merge --continue`
 *    finishes both merges.
 *  - postCheckout: keeps the store objects the checkout removed (./recover.ts).
 */
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { git, gitOut, workTreeOf } from '../gitint/git.js';
import { AMEND_MARK } from '../gitint/install.js';
import { removeDurable, replaceFile } from '../store/fsops.js';

/** writeWhole replaces a file atomically and durably (temp file beside it, fsync, rename): a killed driver or hook
 * leaves the old content or the new, never a torn file for git to take (counted by fsops' fault injection). */
export function writeWhole(path: string, data: string | Uint8Array): void {
  replaceFile(path, data, dirname(path));
}

/** TEXT_CONFLICTS names the file in the git directory where mergeSchema notes files it kept ours for. */
export const TEXT_CONFLICTS = 'schemaver-text-conflicts.json';

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
