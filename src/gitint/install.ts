/**
 * `schemaver git install` / `uninstall`: the app-repository integration, idempotent. It writes
 *  - a block in `<project>/.gitattributes`: the store's refs merge with the `schemaver-ref` driver, schema/ YAML
 *    with `schemaver-schema`, and store objects are binary and generated (no text diffs in pull requests);
 *  - the two drivers in the repository's config (`merge.schemaver-*.driver`);
 *  - `pre-merge-commit` and `post-checkout` hooks (a marked block, added to hooks that already exist);
 *  - `/HEAD` in `.schemaver/.gitignore`, untracking `.schemaver/HEAD`: which schemaver branch is checked out is
 *    local state (a store without HEAD is on `main`), so switching never shows as a change.
 * The model: git's branches are the branches. Each git branch carries schemaver's `main` line in
 * `.schemaver/refs/heads/main`; `git merge`/`git pull` of two lines ends in a schemaver merge commit made by the
 * pre-merge-commit hook (see ./hooks.ts).
 */
import { promises as fsp, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaverError } from '../errors.js';
import { STORE_DIR } from '../store/dirs.js';
import { OPERATION_FILE } from '../store/journal.js';
import { git, gitOut, workTreeOf, type WorkTree } from './git.js';

/** BEGIN / END mark the lines schemaver manages in .gitattributes and hooks. */
export const BEGIN = '# schemaver: begin (managed by `schemaver git install`)';
/** END closes a managed block. */
export const END = '# schemaver: end';

/** ATTRIBUTES are the managed .gitattributes lines (paths relative to the project directory). */
export const ATTRIBUTES = [
  '.schemaver/refs/** merge=schemaver-ref',
  'schema/**/*.yaml merge=schemaver-schema',
  'schema/**/*.yml merge=schemaver-schema',
  '.schemaver/objects/** binary linguist-generated=true',
];

/** HOOKS are the hooks installed, with the arguments git passes on. */
export const HOOKS: Readonly<Record<string, string>> = {
  'pre-merge-commit': 'git pre-merge-commit',
  // `git merge --no-commit` (and a stopped merge) is committed by `git commit`, which runs pre-commit instead
  'pre-commit': 'git pre-merge-commit --if-merging',
  'post-merge': 'git post-merge',
  'post-checkout': 'git post-checkout "$1" "$2" "$3"',
};

/** AMEND_MARK names the file in the git directory telling post-merge that git's merge commit needs the staged schema merge. */
export const AMEND_MARK = 'schemaver-amend-merge';

/**
 * HOOK_GUARDS are shell tests a hook runs in the project directory before it starts Node (~0.4 s of CPU a run): `exit
 * 0` where the command would do nothing. pre-commit runs on every `git commit`; the command acts only while git
 * concludes a merge (MERGE_HEAD), or refuses while a schemaver operation is interrupted (its journal); post-merge
 * amends git's merge commit only when pre-merge-commit left AMEND_MARK (not after a fast-forward, say). post-checkout
 * keeps the store objects a branch checkout removed, so it has nothing to keep after a file checkout ($3 = 0), a new
 * branch at the same commit, or a checkout that removes none (`git diff --quiet` exits 0).
 */
export const HOOK_GUARDS: Readonly<Record<string, string>> = {
  'post-merge': `[ -e "$(git rev-parse --absolute-git-dir)/${AMEND_MARK}" ] || exit 0`,
  'pre-commit': `git rev-parse -q --verify MERGE_HEAD >/dev/null || [ -e ${STORE_DIR}/${OPERATION_FILE} ] || exit 0`,
  'post-checkout': `[ "$3" != 0 ] && [ "$1" != "$2" ] && ! git diff --quiet --no-renames --diff-filter=D "$1" "$2" -- ${STORE_DIR}/objects || exit 0`,
};

/** InstallResult is what `git install --json` prints. */
export interface InstallResult {
  readonly top: string;
  readonly project: string;
  readonly attributes: string;
  readonly hooks: readonly string[];
  /** changed: whether anything was written (false on a second run). */
  readonly changed: boolean;
}

/** cliCommand is how git calls this schemaver: the node binary and bin/run.js, absolute and shell-quoted. */
export function cliCommand(): string {
  const bin = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'run.js');
  return `${shq(process.execPath)} ${shq(bin)}`;
}

/** shq quotes a word for sh. */
function shq(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** requireWorkTree returns where `root` sits in its git work tree; exit 2 when it is not in one. */
export function requireWorkTree(root: string): WorkTree {
  const wt = workTreeOf(root);
  if (!wt)
    throw new SchemaverError({
      code: 'not-a-git-work-tree',
      message: `${root} is not inside a git work tree (or git is not installed)`,
      hint: 'run `git init` first, or run this in your application repository',
      exit: 2,
    });
  return wt;
}

/** installGit sets the integration up for the project at `root` (idempotent). */
export async function installGit(root: string): Promise<InstallResult> {
  const wt = requireWorkTree(root);
  let changed = await writeBlock(join(root, '.gitattributes'), ATTRIBUTES, false);
  const cmd = cliCommand();
  const config: [string, string][] = [
    ['merge.schemaver-ref.name', 'schemaver store ref: keep ours; the semantic merge runs in pre-merge-commit'],
    // keeping ours is all `git merge-ref` does: git's idiom for it (`true`) starts no Node (~0.4 s of CPU a merge)
    ['merge.schemaver-ref.driver', 'true'],
    ['merge.schemaver-schema.name', 'schemaver schema YAML: text merge, the semantic merge decides'],
    ['merge.schemaver-schema.driver', `${cmd} git merge-schema %O %A %B %P`],
  ];
  for (const [k, v] of config) {
    if (gitOut(wt.top, ['config', '--local', '--get', k]) === v) continue;
    git(wt.top, ['config', '--local', k, v]);
    changed = true;
  }
  const hooksDir = resolve(wt.top, gitOut(wt.top, ['rev-parse', '--git-path', 'hooks']) ?? join(wt.gitDir, 'hooks'));
  const enter = `cd "$(git rev-parse --show-toplevel)"/${shq(wt.prefix || '.')}`;
  for (const [hook, args] of Object.entries(HOOKS)) {
    const guard = HOOK_GUARDS[hook] ? `{ ${HOOK_GUARDS[hook]}; } && ` : '';
    const line = hook.startsWith('post-')
      ? `(${enter} && ${guard}${cmd} ${args}) || true`
      : `(${enter} && ${guard}${cmd} ${args}) || exit $?`;
    changed = (await writeBlock(join(hooksDir, hook), [line], true)) || changed;
  }
  changed = (await untrackHead(root, wt)) || changed;
  return { top: wt.top, project: root, attributes: join(root, '.gitattributes'), hooks: Object.keys(HOOKS), changed };
}

/** uninstallGit removes what installGit wrote (the HEAD ignore stays: it is harmless). */
export async function uninstallGit(root: string): Promise<InstallResult> {
  const wt = requireWorkTree(root);
  let changed = await writeBlock(join(root, '.gitattributes'), undefined, false);
  for (const s of ['merge.schemaver-ref', 'merge.schemaver-schema']) {
    if (git(wt.top, ['config', '--local', '--remove-section', s]).code === 0) changed = true;
  }
  const hooksDir = resolve(wt.top, gitOut(wt.top, ['rev-parse', '--git-path', 'hooks']) ?? join(wt.gitDir, 'hooks'));
  for (const hook of Object.keys(HOOKS)) changed = (await writeBlock(join(hooksDir, hook), undefined, true)) || changed;
  return { top: wt.top, project: root, attributes: join(root, '.gitattributes'), hooks: [], changed };
}

/** isInstalled tells whether the drivers are configured in the repository enclosing `root`. */
export function isInstalled(root: string): boolean {
  return gitOut(root, ['config', '--get', 'merge.schemaver-ref.driver']) !== undefined;
}

/**
 * followAttributes sets the integration up in a clone that lacks it: the project's committed `.gitattributes`
 * names schemaver's drivers, but drivers and hooks live in each clone's own `.git` (git never clones them), so a
 * second clone would merge schema/ as plain text until someone remembered `schemaver git install`. Cheap when
 * nothing is to do (one file read; when the attributes name schemaver, the repository's config file read, and git
 * asked only when that file does not set the driver). Returns a note
 * to show when it installed, undefined otherwise; never fails the command that asked.
 */
export async function followAttributes(root: string): Promise<string | undefined> {
  let attrs = ''; // read synchronously: every command asks, and an async read of a small file costs ten times the CPU
  try {
    attrs = readFileSync(join(root, '.gitattributes'), 'utf8');
  } catch {
    /* none */
  }
  if (!attrs.includes(BEGIN) || process.env.SCHEMAVER_NO_GIT_INSTALL) return undefined;
  if ((await driverSetLocally(root)) || isInstalled(root) || !workTreeOf(root)) return undefined;
  try {
    await installGit(root);
  } catch {
    return undefined; // a read-only .git or a missing git: the command itself must still run
  }
  return "set up schemaver's git integration in this clone (the merge drivers and hooks .gitattributes names; `schemaver git uninstall` removes them)";
}

/**
 * DISCOVERY_ENV matches the variables that make git find another repository or read other config files than the
 * nearest `.git` above the working directory (GIT_DIR, GIT_CEILING_DIRECTORIES, GIT_CONFIG_*...).
 */
const DISCOVERY_ENV =
  /^GIT_(DIR|WORK_TREE|COMMON_DIR|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM|CONFIG\w*|NAMESPACE)$/;

/**
 * driverSetLocally tells, without starting git, that the config file of the repository git finds from `root` (the
 * nearest `.git` above it holding a HEAD, a `gitdir:` file followed to its common directory) sets
 * `merge.schemaver-ref.driver` in the `[merge "schemaver-ref"]` section git writes: then `git config --get` of the key
 * succeeds (every other file git reads only adds values). False when it cannot tell (another spelling, a continued
 * line, a variable that moves git's discovery): the caller asks git then.
 */
export async function driverSetLocally(root: string): Promise<boolean> {
  if (Object.keys(process.env).some((k) => DISCOVERY_ENV.test(k))) return false;
  const file = await repositoryConfig(root);
  const text = file ? await fsp.readFile(file, 'utf8').catch(() => undefined) : undefined;
  if (text === undefined || /\\\r?$/m.test(text)) return false;
  let inSection = false;
  for (const line of text.split('\n')) {
    if (/^\s*\[/.test(line)) inSection = /^\s*\[[Mm][Ee][Rr][Gg][Ee] "schemaver-ref"\]\s*([#;].*)?$/.test(line);
    else if (inSection && /^\s*driver\s*=/i.test(line)) return true;
  }
  return false;
}

/** repositoryConfig is the config file of the repository enclosing `dir`, found as git finds it; undefined if none. */
async function repositoryConfig(dir: string): Promise<string | undefined> {
  for (let at = resolve(dir); ;) {
    const dotgit = join(at, '.git');
    const st = await fsp.stat(dotgit).catch(() => undefined);
    let gitDir: string | undefined;
    if (st?.isDirectory()) gitDir = dotgit;
    else if (st?.isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(await fsp.readFile(dotgit, 'utf8').catch(() => ''));
      if (!m) return undefined; // git stops at a broken .git file
      gitDir = resolve(at, m[1]!);
    }
    if (gitDir && (await fsp.stat(join(gitDir, 'HEAD')).catch(() => undefined))) {
      const common = await fsp.readFile(join(gitDir, 'commondir'), 'utf8').catch(() => undefined);
      return join(common ? resolve(gitDir, common.trim()) : gitDir, 'config');
    }
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/** writeBlock puts `lines` between BEGIN and END in `file` (replacing an earlier block), or removes the block when
 * `lines` is undefined (deleting a file left empty). Hooks get a shebang and the executable bit. */
async function writeBlock(file: string, lines: readonly string[] | undefined, hook: boolean): Promise<boolean> {
  const before = await fsp.readFile(file, 'utf8').catch(() => undefined);
  let text = before ?? '';
  const start = text.indexOf(BEGIN);
  const end = start >= 0 ? text.indexOf(END, start) : -1;
  if (start >= 0 && end >= 0) text = text.slice(0, start) + text.slice(end + END.length).replace(/^\n/, '');
  if (lines) {
    if (hook && !text.startsWith('#!')) text = '#!/bin/sh\n' + text;
    if (text && !text.endsWith('\n')) text += '\n';
    text += [BEGIN, ...lines, END].join('\n') + '\n';
  }
  const empty = text.trim() === '' || (hook && text.trim() === '#!/bin/sh');
  if (empty) {
    if (before === undefined) return false;
    await fsp.rm(file, { force: true });
    return true;
  }
  if (text === before) return false;
  await fsp.mkdir(dirname(file), { recursive: true });
  await fsp.writeFile(file, text, hook ? { mode: 0o755 } : {});
  if (hook) await fsp.chmod(file, 0o755);
  return true;
}

/** untrackHead ignores `.schemaver/HEAD` and removes it from git's index (the file itself stays). */
async function untrackHead(root: string, wt: WorkTree): Promise<boolean> {
  const ignore = join(root, '.schemaver', '.gitignore');
  const text = await fsp.readFile(ignore, 'utf8').catch(() => '');
  let changed = false;
  if (!text.split('\n').includes('/HEAD')) {
    await fsp.writeFile(ignore, `${text}${text && !text.endsWith('\n') ? '\n' : ''}/HEAD\n`);
    changed = true;
  }
  const path = `${wt.prefix}.schemaver/HEAD`;
  if (git(wt.top, ['ls-files', '--error-unmatch', '--', path]).code === 0) {
    git(wt.top, ['rm', '--cached', '-q', '--', path]);
    changed = true;
  }
  return changed;
}
