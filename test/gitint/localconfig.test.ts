/**
 * followAttributes' check that the integration is installed (src/gitint/install.ts driverSetLocally): the repository's
 * config file read instead of starting git, only where git's answer is certain to be the same; anywhere else git is
 * asked as before.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEGIN, ATTRIBUTES, END, driverSetLocally, followAttributes, isInstalled } from '../../src/gitint/install.js';
import { spawnerStarts } from '../helpers/spawner.js';

let top: string;
let project: string;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: 'pipe' });
const config = () => join(top, '.git', 'config');

beforeAll(() => {
  top = realpathSync(mkdtempSync(join(tmpdir(), 'sv-localconfig-')));
  project = join(top, 'app', 'db');
  mkdirSync(project, { recursive: true });
  git(top, 'init', '-q', '-b', 'main');
});
afterAll(() => rmSync(top, { recursive: true, force: true }));

/** both is driverSetLocally's answer beside git's (isInstalled): read locally only when git says the same. */
async function both(dir = project): Promise<[boolean, boolean]> {
  return [await driverSetLocally(dir), isInstalled(dir)];
}

describe('driverSetLocally', () => {
  it('is false without the driver, true once the repository config sets it (git agrees)', async () => {
    expect(await both()).toEqual([false, false]);
    git(top, 'config', '--local', 'merge.schemaver-ref.driver', 'true');
    expect(await both()).toEqual([true, true]);
    expect(await both(top)).toEqual([true, true]);
  });

  it('reads the common config from a linked work tree', async () => {
    git(top, 'commit', '-q', '--allow-empty', '-m', 'one');
    const wt = join(top, 'wt');
    git(top, 'worktree', 'add', '-q', wt);
    expect(await both(wt)).toEqual([true, true]);
    git(top, 'worktree', 'remove', '--force', wt);
  });

  it('asks git for spellings it does not read, and when the environment moves git elsewhere', async () => {
    git(top, 'config', '--local', '--remove-section', 'merge.schemaver-ref');
    const variants = [
      '[merge "Schemaver-Ref"]\n\tdriver = true\n', // another subsection (case matters): git says not installed
      '# [merge "schemaver-ref"]\n#\tdriver = true\n',
      '[merge "schemaver-ref"]\n\tname = x\n[merge "other"]\n\tdriver = true\n',
      '[merge "schemaver-ref"]\n\tname = a \\\n\tdriver = true\n', // a continued value
    ];
    const text = realText();
    for (const v of variants) {
      writeFileSync(config(), text + v);
      expect(await both()).toEqual([false, false]);
    }
    writeFileSync(config(), text + '[merge "schemaver-ref"] # ours\n\tDriver = true\n');
    expect(await both()).toEqual([true, true]);
    process.env.GIT_CEILING_DIRECTORIES = top;
    try {
      expect(await driverSetLocally(project)).toBe(false);
    } finally {
      delete process.env.GIT_CEILING_DIRECTORIES;
    }
    writeFileSync(config(), text);
  });

  it('passes over a .git directory git would not take (no HEAD)', async () => {
    appendFileSync(config(), '[merge "schemaver-ref"]\n\tdriver = true\n');
    mkdirSync(join(project, '.git'), { recursive: true });
    writeFileSync(join(project, '.git', 'config'), '[core]\n');
    expect(await both()).toEqual([true, true]);
    rmSync(join(project, '.git'), { recursive: true });
  });

  it('lets followAttributes answer an installed clone without starting git', async () => {
    writeFileSync(join(project, '.gitattributes'), [BEGIN, ...ATTRIBUTES, END].join('\n') + '\n');
    expect(isInstalled(project)).toBe(true);
    const before = spawnerStarts();
    expect(before).toBeTypeOf('number'); // the cli project's spawner counts every start
    expect(await followAttributes(project)).toBeUndefined();
    expect(spawnerStarts()).toBe(before);
  });
});

function realText(): string {
  return readFileSync(config(), 'utf8');
}
