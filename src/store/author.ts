/**
 * Who commits: SCHEMAVER_AUTHOR_NAME / SCHEMAVER_AUTHOR_EMAIL when set, else GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL,
 * else `user.name` / `user.email` as `git config` resolves them from the project directory (the app repository's
 * config, then ~/.gitconfig, the XDG file, the system file; also outside any work tree), reading those files
 * directly when git is not installed, else `schemaver <schemaver@localhost>`. SCHEMAVER_AUTHOR_DATE
 * (unix seconds) pins the time, for reproducible ids in tests.
 */
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Author is a git identity with a time. */
export interface Author {
  readonly name: string;
  readonly email: string;
  readonly timestamp: number; // unix seconds
  readonly timezoneOffset: number; // minutes, as Date.getTimezoneOffset: UTC minus local (git's sign flipped)
}

/** resolveAuthor finds the identity to commit as for a project at `root`. */
export async function resolveAuthor(root: string): Promise<Author> {
  const now = process.env.SCHEMAVER_AUTHOR_DATE
    ? Number(process.env.SCHEMAVER_AUTHOR_DATE)
    : Math.floor(Date.now() / 1000);
  const timestamp = Number.isFinite(now) ? Math.floor(now) : Math.floor(Date.now() / 1000);
  const timezoneOffset = process.env.SCHEMAVER_AUTHOR_DATE ? 0 : new Date(timestamp * 1000).getTimezoneOffset();
  let name = envValue('SCHEMAVER_AUTHOR_NAME') ?? envValue('GIT_AUTHOR_NAME');
  let email = envValue('SCHEMAVER_AUTHOR_EMAIL') ?? envValue('GIT_AUTHOR_EMAIL');
  if (!name || !email) {
    const fromGit = gitConfigUser(root);
    name ??= fromGit?.name;
    email ??= fromGit?.email;
  }
  if (!name || !email) {
    // git is not installed: read the files git would, repository first
    const gitConfig = await findGitConfig(root);
    const files = [
      ...(gitConfig ? [gitConfig] : []),
      join(homedir(), '.gitconfig'),
      join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'git', 'config'),
    ];
    for (const f of files) {
      const user = await readUserSection(f);
      name ??= user.name;
      email ??= user.email;
    }
  }
  return { name: clean(name ?? 'schemaver'), email: clean(email ?? 'schemaver@localhost'), timestamp, timezoneOffset };
}

/** envValue reads a non-empty environment variable. */
function envValue(name: string): string | undefined {
  return process.env[name]?.trim() || undefined;
}

/** gitConfigUser asks git itself for user.name / user.email as it resolves them from `root` (repository, global,
 * XDG and system files, includes); also outside a work tree. Undefined when git is not installed. */
function gitConfigUser(root: string): { name?: string; email?: string } | undefined {
  try {
    const out = execFileSync('git', ['config', '--get-regexp', '^user\\.(name|email)$'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    return parseUserLines(out);
  } catch (e) {
    const status = (e as { status?: number; stdout?: string }).status;
    return status === 1 ? {} : undefined; // 1: git ran and found no such key
  }
}

/** parseUserLines reads `user.name Ada` / `user.email a@b` lines of `git config --get-regexp` (the last one wins, as in git). */
function parseUserLines(out: string): { name?: string; email?: string } {
  const r: { name?: string; email?: string } = {};
  for (const line of out.split('\n')) {
    const m = /^user\.(name|email) (.*)$/i.exec(line);
    if (m && m[2]!.trim()) r[m[1]!.toLowerCase() as 'name' | 'email'] = m[2]!.trim();
  }
  return r;
}

/** clean removes characters git does not allow in an identity. */
function clean(s: string): string {
  return s.replace(/[<>\n\r\0]/g, '').trim() || 'schemaver';
}

/** findGitConfig returns the config file of the git repository enclosing `root`, if any. */
async function findGitConfig(root: string): Promise<string | undefined> {
  let dir = root;
  for (;;) {
    const dotgit = join(dir, '.git');
    try {
      const st = await fsp.stat(dotgit);
      if (st.isDirectory()) return join(dotgit, 'config');
      const m = /^gitdir:\s*(.+)$/m.exec(await fsp.readFile(dotgit, 'utf8')); // worktree / submodule
      if (m) {
        const gd = m[1]!.trim();
        const abs = gd.startsWith('/') ? gd : join(dir, gd);
        const common = await fsp.readFile(join(abs, 'commondir'), 'utf8').catch(() => undefined);
        return common ? join(abs, common.trim(), 'config') : join(abs, 'config');
      }
    } catch {
      /* keep walking up */
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** readUserSection reads `name` and `email` of the `[user]` section of a git config file. */
async function readUserSection(file: string): Promise<{ name?: string; email?: string }> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return {};
  }
  const out: { name?: string; email?: string } = {};
  let inUser = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inUser = /^\[\s*user\s*\]/i.test(line);
      continue;
    }
    if (!inUser) continue;
    const m = /^(name|email)\s*=\s*(.*)$/i.exec(line);
    if (m) {
      let v = m[2]!.replace(/\s[#;].*$/, '').trim();
      if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      out[m[1]!.toLowerCase() as 'name' | 'email'] = v;
    }
  }
  return out;
}
