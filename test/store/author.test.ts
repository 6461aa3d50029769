import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAuthor } from '../../src/store/author.js';

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sv-author-'));
  delete process.env.SCHEMAVER_AUTHOR_NAME;
  delete process.env.SCHEMAVER_AUTHOR_EMAIL;
  delete process.env.SCHEMAVER_AUTHOR_DATE;
  delete process.env.GIT_AUTHOR_NAME;
  delete process.env.GIT_AUTHOR_EMAIL;
  // no global identity of the machine leaks in: git reads its global files from this HOME
  process.env.HOME = join(dir, 'home');
  process.env.XDG_CONFIG_HOME = join(dir, 'home', '.config');
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  mkdirSync(join(dir, 'home', '.config', 'git'), { recursive: true });
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe('resolveAuthor', () => {
  it("uses the enclosing app repository's user.name / user.email", async () => {
    execFileSync('git', ['init', '-q', dir]);
    execFileSync('git', ['-C', dir, 'config', 'user.name', 'App Dev']);
    execFileSync('git', ['-C', dir, 'config', 'user.email', 'dev@app.example']);
    mkdirSync(join(dir, 'db'));
    const a = await resolveAuthor(join(dir, 'db'));
    expect(a).toMatchObject({ name: 'App Dev', email: 'dev@app.example' });
    expect(Math.abs(a.timestamp - Date.now() / 1000)).toBeLessThan(60);
  });

  it('reads the global ~/.gitconfig and the XDG file outside any git work tree; GIT_AUTHOR_* come first', async () => {
    mkdirSync(join(dir, 'proj'));
    writeFileSync(
      join(dir, 'home', '.config', 'git', 'config'),
      '[user]\n\tname = Xdg Name\n\temail = xdg@example.com\n',
    );
    expect(await resolveAuthor(join(dir, 'proj'))).toMatchObject({ name: 'Xdg Name', email: 'xdg@example.com' });
    writeFileSync(join(dir, 'home', '.gitconfig'), '[user]\n\tname = Global Name\n\temail = global@example.com\n');
    expect(await resolveAuthor(join(dir, 'proj'))).toMatchObject({ name: 'Global Name', email: 'global@example.com' });
    process.env.GIT_AUTHOR_NAME = 'Env Name';
    expect(await resolveAuthor(join(dir, 'proj'))).toMatchObject({ name: 'Env Name', email: 'global@example.com' });
  });

  it('falls back to schemaver <schemaver@localhost> outside a repository, and honours the env override and a pinned date', async () => {
    expect(await resolveAuthor(dir)).toMatchObject({ name: 'schemaver', email: 'schemaver@localhost' });
    process.env.SCHEMAVER_AUTHOR_NAME = 'Ci <Bot>';
    process.env.SCHEMAVER_AUTHOR_EMAIL = 'ci@example.com';
    process.env.SCHEMAVER_AUTHOR_DATE = '1700000000';
    expect(await resolveAuthor(dir)).toEqual({
      name: 'Ci Bot',
      email: 'ci@example.com',
      timestamp: 1700000000,
      timezoneOffset: 0,
    });
  });
});
