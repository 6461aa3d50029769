import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
