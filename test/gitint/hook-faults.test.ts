/**
 * Deterministic fault injection in the git integration: the pre-merge-commit hook (the semantic merge inside
 * `git merge`) is stopped before each of its file operations in turn (setFaultLimit, in-process), and the merge
 * driver for schema/ YAML is killed (SIGKILL, SCHEMAVER_FAULT_AFTER=0) before it writes. After each, the app
 * repository and .schemaver are consistent or the interrupted operation is named: `git fsck --strict` of the store
 * is clean; a journal makes every schemaver command refuse with `merge (...)` named and `schemaver merge
 * --continue` / `--abort` finishes or undoes both merges; without one, running the hook again (what `git commit`
 * does) and committing ends in exactly the uninterrupted result (same schemaver merge commit, same schema/ bytes,
 * a clean `git status`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLater } from '../helpers/spawner.js';
import { runInProcess as run } from '../helpers/inproc.js';
import { copyProject } from '../helpers/copy.js';
import { fsckStore } from '../helpers/fsck.js';
import { runCli } from '../helpers/cli.js';
import { faultCount, setFaultLimit } from '../../src/store/fsops.js';

const dirs: string[] = [];
const ENV = {
  // no fsync (src/store/fsops.ts durable), here and in the drivers git runs: a fault here stops a process, never the
  // OS, so no fsync changes what the store holds after it; every file operation is still counted and interrupted
  SCHEMAVER_FSYNC: '0',
  SCHEMAVER_AUTHOR_NAME: 'Dev',
  SCHEMAVER_AUTHOR_EMAIL: 'dev@app.example',
  SCHEMAVER_AUTHOR_DATE: '1700000000', // every run makes the same schemaver merge commit
  GIT_AUTHOR_DATE: '1700000000 +0000',
  GIT_COMMITTER_DATE: '1700000000 +0000',
};
let repo: string; // an app repository with git's merge of `b` into `main` stopped before its commit

/**
 * NO_AUTO_MAINTENANCE: the test's own git commands skip git's housekeeping after a commit (`git maintenance run
 * --auto`, a process each time), which has nothing to do in these small repositories and is not what is tested.
 */
const NO_AUTO_MAINTENANCE = {
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'maintenance.auto',
  GIT_CONFIG_VALUE_0: 'false',
};

function git(dir: string, ...args: string[]): { code: number; out: string } {
  const env = { ...process.env, ...ENV, ...NO_AUTO_MAINTENANCE };
  const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
function gitOk(dir: string, ...args: string[]): string {
  const r = git(dir, ...args);
  expect(r.code, `git ${args.join(' ')}\n${r.out}`).toBe(0);
  return r.out;
}
async function sv(dir: string, ...args: string[]) {
  const r = await run(dir, args);
  expect(r.code, `schemaver ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
  return r;
}

const BASE = 'tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      email: text\n';

beforeAll(async () => {
  Object.assign(process.env, ENV);
  repo = mkdtempSync(join(tmpdir(), 'sv-hookf-'));
  dirs.push(repo);
  gitOk(repo, 'init', '-q', '-b', 'main');
  gitOk(repo, 'config', 'user.name', 'Dev');
  gitOk(repo, 'config', 'user.email', 'dev@app.example');
  await sv(repo, 'init', '--git');
  // hooks off while the test drives them itself; the drivers stay (git runs them as processes)
  mkdirSync(join(repo, 'nohooks'));
  gitOk(repo, 'config', 'core.hooksPath', join(repo, 'nohooks'));
  writeFileSync(join(repo, '.git', 'info', 'exclude'), 'nohooks/\n');
  rmSync(join(repo, 'schema'), { recursive: true, force: true });
  mkdirSync(join(repo, 'schema'));
  const commitAll = async (msg: string) => {
    await sv(repo, 'commit', '-m', msg, '--no-verify');
    gitOk(repo, 'add', '-A');
    gitOk(repo, 'commit', '-qm', msg);
  };
  writeFileSync(join(repo, 'schema', 'app.yaml'), BASE);
  await commitAll('base');
  gitOk(repo, 'checkout', '-q', '-b', 'b');
  writeFileSync(join(repo, 'schema', 'app.yaml'), BASE + '      name: text # b\n');
  await commitAll('b: name');
  gitOk(repo, 'checkout', '-q', 'main');
  writeFileSync(join(repo, 'schema', 'app.yaml'), BASE + '  teams:\n    columns:\n      id: bigint\n');
  await commitAll('main: teams');
  gitOk(repo, 'merge', '--no-commit', '--no-ff', 'b'); // the drivers run; the commit (and its hook) waits
}, 300_000);
afterAll(() => {
  setFaultLimit(undefined);
  for (const d of dirs) removeLater(d);
});

function copy(from: string): string {
  const d = mkdtempSync(join(tmpdir(), 'sv-hookf-'));
  copyProject(from, d);
  dirs.push(d);
  git(d, 'update-index', '-q', '--refresh'); // a copy has new inodes and times: refresh git's stat cache
  return d;
}

/** Result is what a finished merge leaves: git's HEAD tree and status, the store's ref, schema/. */
function result(d: string) {
  const ref = readFileSync(join(d, '.schemaver', 'refs', 'heads', 'main'), 'utf8');
  // one git process for both (HEAD's parents, then the ref file HEAD holds): the loop makes ~50 of these
  const [parents, ...refInGit] = gitOk(d, 'show', '-s', '--format=%P', 'HEAD', 'HEAD:.schemaver/refs/heads/main').split(
    '\n',
  );
  return {
    gitStatus: gitOk(d, 'status', '--porcelain').trim(),
    gitMerging: existsSync(join(d, '.git', 'MERGE_HEAD')),
    parents: parents!.trim().split(' ').length,
    refInGit: refInGit.join('\n'),
    ref,
    schema: readFileSync(join(d, 'schema', 'app.yaml'), 'utf8'),
    journal: existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS')),
  };
}

function storeFsck(d: string): void {
  fsckStore(d);
}

/** hook runs the pre-merge-commit hook in-process (what `git commit` runs while merging) and git's commit. */
async function hookAndCommit(d: string): Promise<void> {
  const h = await run(d, ['git', 'pre-merge-commit', '--if-merging']);
  expect(h.code, h.stderr).toBe(0);
  gitOk(d, 'commit', '-q', '--no-edit');
}

describe('git integration fault injection', () => {
  it('pre-merge-commit stopped at every file operation: named, or finished by running it again', async () => {
    // warm the verification cache once, so each run below proves nothing again (the count then holds); in a child
    // process: PGlite's memory would stay resident in this one, and each of the ~800 git spawns below forks it
    const warm = copy(repo);
    const w = await runCli(warm, ['git', 'pre-merge-commit', '--if-merging'], ENV);
    expect(w.code, w.stderr).toBe(0);
    gitOk(warm, 'commit', '-q', '--no-edit');
    const start = copy(repo);
    cpSync(join(warm, '.schemaver', 'cache'), join(start, '.schemaver', 'cache'), { recursive: true });
    const probe = copy(start);
    setFaultLimit(1e9);
    const h = await run(probe, ['git', 'pre-merge-commit', '--if-merging']);
    const total = faultCount();
    setFaultLimit(undefined);
    expect(h.code, h.stderr).toBe(0);
    gitOk(probe, 'commit', '-q', '--no-edit');
    const done = result(probe);
    expect(done).toMatchObject({ gitStatus: '', gitMerging: false, parents: 2, journal: false });
    expect(done.refInGit).toBe(done.ref);
    expect(done.schema).toMatch(/teams:/);
    expect(done.schema).toMatch(/name: text/);
    expect(total).toBeGreaterThan(5);
    const before = readFileSync(join(start, '.schemaver', 'refs', 'heads', 'main'), 'utf8');
    let journals = 0;
    for (let n = 0; n < total; n++) {
      const d = copy(start);
      setFaultLimit(n);
      const k = await run(d, ['git', 'pre-merge-commit', '--if-merging']);
      setFaultLimit(undefined);
      if (k.code !== 0) expect(k.stderr, `at ${n}`).toContain('fault injected'); // stopped: git does not commit
      storeFsck(d);
      if (!existsSync(join(d, '.schemaver', 'OPERATION_IN_PROGRESS'))) {
        await hookAndCommit(d);
        expect(result(d), `at ${n}`).toEqual(done);
        continue;
      }
      journals++;
      // both recoveries from this one interrupted state: a copy of it is the state the same fault leaves again
      const aborted = copy(d);
      for (const [how, at] of [
        ['continue', d],
        ['abort', aborted],
      ] as const) {
        const again = await run(at, ['git', 'pre-merge-commit', '--if-merging']); // `git commit` runs it
        expect(again.code, `at ${n}`).toBe(3);
        expect(again.stderr, `at ${n}`).toMatch(/error\[interrupted-operation\]: an interrupted merge \(commit\)/);
        const rec = await run(at, ['merge', `--${how}`]);
        expect(rec.code, `at ${n} --${how}: ${rec.stderr}`).toBe(0);
        storeFsck(at);
        if (how === 'continue') {
          expect(rec.stdout, `at ${n}`).toContain("git's merge committed");
          expect(result(at), `at ${n}`).toEqual(done);
        } else {
          expect(rec.stdout, `at ${n}`).toContain("git's merge aborted too");
          const r = result(at);
          // the undone merge commit's objects stay, unreachable, as untracked files (git too leaves dangling objects)
          const status = r.gitStatus.split('\n').filter((l) => l && !/^\?\? \.schemaver\/objects\//.test(l));
          expect(status, `at ${n}`).toEqual([]);
          expect(r, `at ${n}`).toMatchObject({ gitMerging: false, parents: 1, journal: false });
          expect(r.ref).toBe(before);
          expect(r.refInGit).toBe(before);
        }
      }
    }
    expect(journals).toBeGreaterThan(0);
  }, 1_200_000);

  it('the schema/ merge driver killed before it writes: git names the file, the store is untouched', async () => {
    const d = copy(repo);
    gitOk(d, 'merge', '--abort');
    const ours = readFileSync(join(d, 'schema', 'app.yaml'), 'utf8');
    const r = spawnSync('git', ['merge', '--no-commit', '--no-ff', 'b'], {
      cwd: d,
      env: { ...process.env, ...ENV, SCHEMAVER_FAULT_AFTER: '0' },
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).not.toBe(0);
    expect(gitOk(d, 'diff', '--name-only', '--diff-filter=U')).toContain('schema/app.yaml');
    expect(readFileSync(join(d, 'schema', 'app.yaml'), 'utf8')).toBe(ours); // whole, never torn
    storeFsck(d);
    expect(git(d, 'ls-files', '--others', '--exclude-standard').out.trim()).toBe(''); // no temp file left for git
    gitOk(d, 'merge', '--abort');
    expect(gitOk(d, 'status', '--porcelain').trim()).toBe('');
  });
});
