/**
 * Calls to the app repository's `git` (the integration of src/gitint runs inside git's merges and checkouts, so
 * it asks git itself rather than reading .git by hand). Every call is synchronous, bounded, and never throws
 * for a non-zero exit: callers decide what a failure means.
 */
import { spawnSync } from 'node:child_process';

/** GitRun is one finished git call. */
export interface GitRun {
  readonly code: number;
  readonly out: string;
  readonly bytes: Buffer;
  readonly err: string;
}

/** git runs `git args...` in `cwd` (stdin from `input`), 60 s at most. */
export function git(cwd: string, args: readonly string[], input?: string | Buffer): GitRun {
  const r = spawnSync('git', args, {
    cwd,
    input,
    maxBuffer: 1 << 30,
    timeout: 60_000,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  const bytes = (r.stdout as Buffer | null) ?? Buffer.alloc(0);
  return {
    code: r.status ?? (r.error ? 127 : 1),
    out: bytes.toString('utf8'),
    bytes,
    err: ((r.stderr as Buffer | null) ?? Buffer.alloc(0)).toString('utf8') || String(r.error ?? ''),
  };
}

/** gitOut returns git's trimmed stdout, or undefined when it failed. */
export function gitOut(cwd: string, args: readonly string[]): string | undefined {
  const r = git(cwd, args);
  return r.code === 0 ? r.out.trim() : undefined;
}

/** WorkTree is where a schemaver project sits inside a git work tree. */
export interface WorkTree {
  /** top: the work tree's top directory. */
  readonly top: string;
  /** prefix: the project directory relative to `top`, with a trailing `/` (`''` at the top). */
  readonly prefix: string;
  /** gitDir: the repository's git directory (absolute). */
  readonly gitDir: string;
}

/** workTreeOf tells whether `root` is inside a git work tree, and where; undefined when it is not (or git is missing). */
export function workTreeOf(root: string): WorkTree | undefined {
  const r = gitOut(root, ['rev-parse', '--show-toplevel', '--show-prefix', '--absolute-git-dir']);
  if (r === undefined) return undefined;
  const [top, prefix, gitDir] = r.split('\n');
  if (!top || !gitDir) return undefined;
  return { top, prefix: prefix?.trim() ?? '', gitDir };
}

/** showFile reads `rev:path` (path relative to the work tree's top) as text, or undefined when absent. */
export function showFile(top: string, rev: string, path: string): string | undefined {
  const r = git(top, ['show', `${rev}:${path}`]);
  return r.code === 0 ? r.out : undefined;
}

/**
 * showFiles reads several `rev:path` (paths relative to the work tree's top) as text in one git call, each
 * undefined when absent.
 */
export function showFiles(top: string, specs: readonly { rev: string; path: string }[]): (string | undefined)[] {
  const r = git(top, ['cat-file', '--batch'], specs.map((s) => `${s.rev}:${s.path}\n`).join(''));
  if (r.code !== 0) return specs.map((s) => showFile(top, s.rev, s.path)); // an old git: one call each
  const out: (string | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < specs.length; i++) {
    const eol = r.bytes.indexOf(10, at);
    if (eol < 0) return specs.map((s) => showFile(top, s.rev, s.path));
    // `<id> blob <size>` then the content and a newline, or `<spec> missing` (ambiguous...) alone
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(r.bytes.subarray(at, eol).toString('utf8'));
    if (!m) {
      out.push(undefined);
      at = eol + 1;
      continue;
    }
    const size = Number(m[1]);
    out.push(r.bytes.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return out;
}
