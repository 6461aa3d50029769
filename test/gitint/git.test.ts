/** The app repository's git calls: several `rev:path` read in one git call, and git's merge asked in one. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showFile, showFiles } from '../../src/gitint/git.js';
import { gitMergeInProgress } from '../../src/gitint/mergestate.js';

let dir: string;
const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@b',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@b',
    },
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sv-gitcalls-'));
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'a.txt'), 'héllo\nsecond line\n'); // multi-byte: sizes are bytes
  writeFileSync(join(dir, 'b.txt'), '');
  git('add', '-A');
  git('commit', '-qm', 'one');
  git('checkout', '-qb', 'other');
  writeFileSync(join(dir, 'a.txt'), 'other\n');
  git('commit', '-qam', 'two');
  git('checkout', '-q', 'main');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('git calls', () => {
  it('showFiles reads each rev:path as showFile does, absent ones undefined, in order', () => {
    const specs = [
      { rev: 'HEAD', path: 'a.txt' },
      { rev: 'HEAD', path: 'missing.txt' },
      { rev: 'other', path: 'a.txt' },
      { rev: 'HEAD', path: 'b.txt' },
      { rev: 'MERGE_HEAD', path: 'a.txt' },
    ];
    const got = showFiles(dir, specs);
    expect(got).toEqual(['héllo\nsecond line\n', undefined, 'other\n', '', undefined]);
    expect(got).toEqual(specs.map((s) => showFile(dir, s.rev, s.path)));
  });
  it('gitMergeInProgress: only inside a work tree that has MERGE_HEAD', () => {
    expect(gitMergeInProgress(dir)).toBe(false);
    expect(gitMergeInProgress(join(dir, '.git'))).toBe(false);
    expect(gitMergeInProgress(tmpdir())).toBe(false);
    git('merge', '-q', '--no-commit', '--no-ff', 'other', '-s', 'ours');
    expect(gitMergeInProgress(dir)).toBe(true);
    expect(gitMergeInProgress(join(dir, '.git'))).toBe(false);
    git('merge', '--abort');
    expect(gitMergeInProgress(dir)).toBe(false);
  });
});
