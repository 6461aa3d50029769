/**
 * Commit ids are pinned: a fixed author, time, message, schema and migrations give a fixed commit id, whether the
 * objects are written loose (a small commit) or as one pack (64+ new objects), and git agrees with every object.
 * A change of the store layout, the canonical model or the object writer changes these ids; that must be a
 * deliberate format change (update the ids here and say so), never an accident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initStore, type NewCommit } from '../../src/store/index.js';
import { parseSchemaFiles, type SourceFile } from '../../src/parse/index.js';
import { schemaHash } from '../../src/canon/index.js';

const ENV = { SCHEMAVER_AUTHOR_NAME: 'Pinned Author', SCHEMAVER_AUTHOR_EMAIL: 'pinned@example.com' };
const saved: Record<string, string | undefined> = {};
const dirs: string[] = [];
beforeAll(() => {
  for (const [k, v] of Object.entries({ ...ENV, SCHEMAVER_AUTHOR_DATE: '1700000000' })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tables(n: number, extra: string): SourceFile[] {
  let y = 'tables:\n';
  for (let i = 0; i < n; i++) y += `  t${i}:\n    columns:\n      id: { type: bigint, primary_key: true }\n${extra}`;
  return [{ path: 'schema/schema.yaml', text: y }];
}

function commitOf(message: string, parent: string | undefined, files: SourceFile[]): NewCommit {
  const schema = parseSchemaFiles(files).schema!;
  return {
    message,
    parents: parent ? [parent] : [],
    schema,
    files,
    migrations: [
      {
        parent: parent ?? '',
        fromHash: 'sv1:pinned-from',
        toHash: schemaHash(schema),
        up: '-- up\nSELECT 1;\n',
        down: '-- down\nSELECT 2;\n',
        steps: [],
      },
    ],
  };
}

const git = (gitdir: string, ...args: string[]) =>
  execFileSync('git', ['--git-dir', gitdir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('pinned commit ids', () => {
  it('a fixed author and time give fixed ids, loose and packed, and git reads every object', async () => {
    const ids: string[] = [];
    for (let run = 0; run < 2; run++) {
      const root = mkdtempSync(join(tmpdir(), 'sv-commitid-'));
      dirs.push(root);
      const store = await initStore(root);
      const first = await store.commit(commitOf('first', undefined, tables(3, '')));
      const packs = () => readdirSync(join(store.gitdir, 'objects', 'pack')).filter((f) => f.endsWith('.pack'));
      expect(packs()).toEqual([]); // loose objects
      const second = await store.commit(commitOf('second', first, tables(80, '      note: text\n')));
      expect(packs()).toHaveLength(1); // 80 changed tables: one pack
      ids.push(first, second);
      expect(git(store.gitdir, 'rev-parse', 'refs/heads/main')).toBe(second);
      expect(git(store.gitdir, 'cat-file', '-p', first)).toContain(
        'author Pinned Author <pinned@example.com> 1700000000 +0000',
      );
      git(store.gitdir, 'fsck', '--strict', '--no-dangling');
    }
    expect(ids).toEqual([
      '430c844ab377a5bbb8133df05a200d9706ee058f', // loose objects
      'f6953cd8df62f5651e15fd9845387e8c472b31fe', // one pack
      '430c844ab377a5bbb8133df05a200d9706ee058f',
      'f6953cd8df62f5651e15fd9845387e8c472b31fe',
    ]);
  });
});
