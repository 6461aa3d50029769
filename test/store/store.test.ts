import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  initStore,
  openStore,
  writeSchemaFiles,
  listSchemaFiles,
  type Store,
  type NewCommit,
} from '../../src/store/index.js';
import { parseSchemaFiles, type SourceFile } from '../../src/parse/index.js';
import { schemaHash } from '../../src/canon/index.js';
import { SchemaverError } from '../../src/errors.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sv-store-'));
  process.env.SCHEMAVER_AUTHOR_NAME = 'Store Test';
  process.env.SCHEMAVER_AUTHOR_EMAIL = 'store@example.com';
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const git = (...args: string[]) =>
  execFileSync('git', ['--git-dir', join(root, '.schemaver'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** snap parses files into a NewCommit on top of `parents`. */
function snap(message: string, parents: string[], files: SourceFile[]): NewCommit {
  const r = parseSchemaFiles(files);
  if (!r.schema) throw new Error(JSON.stringify(r.issues));
  return {
    message,
    parents,
    schema: r.schema,
    files,
    migrations: parents.length
      ? parents.map((p) => ({
          parent: p,
          fromHash: 'sv1:from',
          toHash: schemaHash(r.schema!),
          up: `-- up from ${p}\n`,
          down: '-- down\n',
          steps: [],
        }))
      : [
          {
            parent: '',
            fromHash: 'sv1:empty',
            toHash: schemaHash(r.schema!),
            up: 'CREATE TABLE x ();\n',
            down: 'DROP TABLE x;\n',
            steps: [
              {
                what: 'create table x',
                object: 'x',
                destructive: false,
                rewrite: false,
                lock: false,
                reversible: true,
              },
            ],
          },
        ],
  };
}

const tableYaml = (name: string, extra = '') =>
  `tables:\n  ${name}:\n    columns:\n      id: { type: bigint, primary_key: true }\n${extra}`;

async function expectError(p: Promise<unknown>, code: string, exit: number): Promise<SchemaverError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaverError);
    expect((e as SchemaverError).code).toBe(code);
    expect((e as SchemaverError).exit).toBe(exit);
    return e as SchemaverError;
  }
  throw new Error(`expected error ${code}`);
}

describe('init and open', () => {
  it('creates a bare repository git accepts, with HEAD on main and the local DB ignored', async () => {
    const store = await initStore(root);
    expect(readFileSync(join(root, '.schemaver', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(git('config', '--bool', 'core.bare').trim()).toBe('true');
    expect(readFileSync(join(root, '.schemaver', 'info', 'exclude'), 'utf8')).toContain('local/');
    expect(readFileSync(join(root, '.schemaver', '.gitignore'), 'utf8')).toContain('local/');
    expect(await store.head()).toBeUndefined();
    expect(await store.currentBranch()).toBe('main');
    git('fsck', '--strict');
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('refuses to init twice and to open a missing store (exit 2)', async () => {
    await initStore(root);
    await expectError(initStore(root), 'store-exists', 2);
    const e = await expectError(openStore(join(root, 'nope')), 'no-store', 2);
    expect(e.hint).toContain('schemaver init');
  });
});

describe('commits', () => {
  it('stores schema files byte for byte, one canonical blob per object, schemaver.json, migrations and the hash trailer', async () => {
    const store = await initStore(root);
    const files = [
      { path: 'schema/a.yaml', text: '# comment kept\r\n' + tableYaml('users').replace(/\n/g, '\r\n') },
      { path: 'schema/sub/b.yml', text: tableYaml('"Ünïcode tëam"') + '# trailing\n' },
    ];
    const c = snap('first commit\n\nwith a body', [], files);
    const id = await store.commit(c);
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(await store.head()).toBe(id);
    git('fsck', '--strict');
    const ls = git('ls-tree', '-r', '--name-only', id).trim().split('\n');
    expect(ls).toEqual(
      expect.arrayContaining([
        'schema/a.yaml',
        'schema/sub/b.yml',
        'schemaver.json',
        'model/tables/users.json',
        'migrations/root/up.sql',
        'migrations/root/down.sql',
        'migrations/root/steps.json',
      ]),
    );
    expect(ls.some((p) => p.startsWith('model/tables/') && p.includes('%'))).toBe(true);
    expect(git('show', `${id}:schema/a.yaml`)).toBe(files[0]!.text);
    const meta = JSON.parse(git('show', `${id}:schemaver.json`));
    expect(meta).toEqual({ format: 1, hash: schemaHash(c.schema), renames: [] });
    const msg = git('log', '-1', '--format=%B', id);
    expect(msg).toContain('first commit\n\nwith a body\n\nSchema-Hash: sv1:');
    expect(git('log', '-1', '--format=%an <%ae>', id).trim()).toBe('Store Test <store@example.com>');

    const snapshot = await store.readSnapshot(id);
    expect(snapshot.files).toEqual([...files].sort((a, b) => a.path.localeCompare(b.path)));
    expect(snapshot.message).toBe('first commit\n\nwith a body');
    expect(snapshot.schemaHash).toBe(schemaHash(c.schema));
    expect(schemaHash(snapshot.schema)).toBe(schemaHash(c.schema));
    expect(snapshot.parents).toEqual([]);
    expect(snapshot.migrations).toHaveLength(1);
    expect(snapshot.migrations[0]).toMatchObject({ parent: '', up: 'CREATE TABLE x ();\n', down: 'DROP TABLE x;\n' });
    expect(snapshot.migrations[0]!.steps[0]).toMatchObject({ what: 'create table x', reversible: true });
  });

  it('reads back the model exactly as committed: column order and rename hints included', async () => {
    const store = await initStore(root);
    const a = await store.commit(
      snap('one', [], [{ path: 'schema/s.yaml', text: tableYaml('users') + '      zeta: text\n      alpha: text\n' }]),
    );
    const files = [
      {
        path: 'schema/s.yaml',
        text: tableYaml('users') + '      zeta: text\n      beta: { type: text, renamed_from: alpha }\n',
      },
    ];
    const c = snap('two', [a], files);
    const b = await store.commit(c);
    expect(git('ls-tree', '--name-only', b)).toContain('snapshot.json');
    const back = await store.readSchema(b);
    expect(back).toEqual(JSON.parse(JSON.stringify(c.schema)));
    expect(back.tables.users!.columns.map((x) => x.name)).toEqual(['id', 'zeta', 'beta']);
    expect(back.tables.users!.columns[2]!.renamedFrom).toBe('alpha');
    expect((await store.readSnapshot(b)).schema).toEqual(back);
  });

  it('shares blobs of unchanged objects and keeps history readable by git log', async () => {
    const store = await initStore(root);
    const a = await store.commit(
      snap(
        'one',
        [],
        [{ path: 'schema/s.yaml', text: tableYaml('users') + '  teams:\n    columns:\n      id: bigint\n' }],
      ),
    );
    const b = await store.commit(
      snap(
        'two',
        [a],
        [
          {
            path: 'schema/s.yaml',
            text: tableYaml('users') + '  teams:\n    columns:\n      id: bigint\n      name: text\n',
          },
        ],
      ),
    );
    const blob = (rev: string, p: string) => git('rev-parse', `${rev}:${p}`).trim();
    expect(blob(a, 'model/tables/users.json')).toBe(blob(b, 'model/tables/users.json'));
    expect(blob(a, 'model/tables/teams.json')).not.toBe(blob(b, 'model/tables/teams.json'));
    expect(git('log', '--format=%s').trim().split('\n')).toEqual(['two', 'one']);
    expect(git('ls-tree', '--name-only', b, 'migrations/').trim()).toBe(`migrations/${a}`);
    const log = await store.log(b);
    expect(log.map((c) => c.message)).toEqual(['two', 'one']);
    expect(log[0]!.parents).toEqual([a]);
    git('fsck', '--strict');
  });

  it('writes a big commit as one pack, and later commits reuse its objects', async () => {
    const store = await initStore(root);
    const many = (n: number, extra = '') => {
      let y = 'tables:\n';
      for (let i = 0; i < n; i++) y += `  t${i}:\n    columns:\n      id: bigint\n${i === 0 ? extra : ''}`;
      return y;
    };
    const a = await store.commit(snap('big', [], [{ path: 'schema/s.yaml', text: many(200) }]));
    const packs = readdirSync(join(root, '.schemaver', 'objects', 'pack'));
    expect(packs.filter((f) => f.endsWith('.idx'))).toHaveLength(1);
    expect(packs.filter((f) => f.endsWith('.pack'))).toHaveLength(1);
    expect(git('count-objects', '-v')).toMatch(/in-pack: 21\d/);
    git('fsck', '--strict');
    git(
      'verify-pack',
      join(
        root,
        '.schemaver',
        'objects',
        'pack',
        packs.find((f) => f.endsWith('.idx'))!,
      ),
    );
    const b = await store.commit(
      snap('one more column', [a], [{ path: 'schema/s.yaml', text: many(200, '      name: text\n') }]),
    );
    // only the changed blobs, trees and the commit are new: loose, no second pack
    expect(readdirSync(join(root, '.schemaver', 'objects', 'pack')).filter((f) => f.endsWith('.idx'))).toHaveLength(1);
    const loose = Number(/count: (\d+)/.exec(git('count-objects', '-v'))![1]);
    expect(loose).toBeGreaterThan(0);
    expect(loose).toBeLessThan(20);
    expect(await store.resolve(a.slice(0, 6))).toBe(a);
    expect((await store.readSnapshot(a)).files[0]!.text).toBe(many(200));
    expect(Object.keys((await store.readSnapshot(b)).schema.tables)).toHaveLength(200);
    git('fsck', '--strict');
  });

  it('refuses a commit prepared on a HEAD that moved (exit 1) and writes nothing to the ref', async () => {
    const store = await initStore(root);
    const a = await store.commit(snap('one', [], [{ path: 'schema/s.yaml', text: tableYaml('users') }]));
    await expectError(
      store.commit(snap('stale', [], [{ path: 'schema/s.yaml', text: tableYaml('teams') }])),
      'head-moved',
      1,
    );
    expect(await store.head()).toBe(a);
  });

  it('refuses file paths outside schema/', async () => {
    const store = await initStore(root);
    const c = snap('x', [], [{ path: 'schema/s.yaml', text: tableYaml('users') }]);
    await expectError(store.commit({ ...c, files: [{ path: 'schema/../evil.yaml', text: '' }] }), 'bad-file-path', 2);
    expect(await store.head()).toBeUndefined();
  });

  it('a write that never moved the ref (a killed commit) leaves a valid store at the old HEAD', async () => {
    const store = await initStore(root);
    const a = await store.commit(snap('one', [], [{ path: 'schema/s.yaml', text: tableYaml('users') }]));
    const { ObjectWriter } = await import('../../src/store/objects.js');
    const w = new ObjectWriter(join(root, '.schemaver'));
    await w.writeText('orphan blob from a killed process\n');
    writeFileSync(join(root, '.schemaver', 'objects', 'tmp_obj_999_dead'), 'half-written');
    expect(await store.head()).toBe(a);
    git('fsck');
    expect((await store.readSnapshot(a)).message).toBe('one');
  });
});

describe('revisions', () => {
  let store: Store;
  let c1: string, c2: string, c3: string, f1: string, m: string;
  beforeEach(async () => {
    // c1 - c2 - c3 - m (merge of c3 and f1); f1 branches from c2
    store = await initStore(root);
    c1 = await store.commit(snap('c1', [], [{ path: 'schema/s.yaml', text: tableYaml('a') }]));
    c2 = await store.commit(snap('c2', [c1], [{ path: 'schema/s.yaml', text: tableYaml('b') }]));
    await store.createBranch('feature', c2);
    await store.setHead({ branch: 'feature' });
    f1 = await store.commit(snap('f1', [c2], [{ path: 'schema/s.yaml', text: tableYaml('f') }]));
    await store.setHead({ branch: 'main' });
    c3 = await store.commit(snap('c3', [c2], [{ path: 'schema/s.yaml', text: tableYaml('c') }]));
    m = await store.commit(snap('merge', [c3, f1], [{ path: 'schema/s.yaml', text: tableYaml('m') }]));
    await store.createTag('v1', c2);
  });

  it('resolves HEAD, branches, tags, full ids and prefixes', async () => {
    expect(await store.resolve('HEAD')).toBe(m);
    expect(await store.resolve('@')).toBe(m);
    expect(await store.resolve('main')).toBe(m);
    expect(await store.resolve('feature')).toBe(f1);
    expect(await store.resolve('v1')).toBe(c2);
    expect(await store.resolve(c1)).toBe(c1);
    expect(await store.resolve(c1.toUpperCase())).toBe(c1);
    expect(await store.resolve(c1.slice(0, 4))).toBe(c1);
    expect(await store.resolve(c1.slice(0, 7))).toBe(c1);
  });

  it('navigates ~N and ^N, alone and combined', async () => {
    expect(await store.resolve('HEAD~1')).toBe(c3);
    expect(await store.resolve('HEAD~')).toBe(c3);
    expect(await store.resolve('HEAD~2')).toBe(c2);
    expect(await store.resolve('HEAD~3')).toBe(c1);
    expect(await store.resolve('HEAD^')).toBe(c3);
    expect(await store.resolve('HEAD^1')).toBe(c3);
    expect(await store.resolve('HEAD^2')).toBe(f1);
    expect(await store.resolve('HEAD^2~1')).toBe(c2);
    expect(await store.resolve('main^2^')).toBe(c2);
    expect(await store.resolve('HEAD^0')).toBe(m);
    expect(await store.resolve('HEAD~1~1')).toBe(c2);
    expect(await store.resolve(`${m.slice(0, 6)}^2`)).toBe(f1);
    expect(await store.resolve('v1~1')).toBe(c1);
  });

  it('rejects unknown revisions with exit 2 and a hint', async () => {
    const e = await expectError(store.resolve('nope'), 'unknown-revision', 2);
    expect(e.hint).toMatch(/HEAD~N/);
    await expectError(store.resolve('HEAD~4'), 'unknown-revision', 2);
    await expectError(store.resolve('HEAD^3'), 'unknown-revision', 2);
    await expectError(store.resolve('HEAD~1^2'), 'unknown-revision', 2);
    await expectError(store.resolve('abc'), 'unknown-revision', 2);
    await expectError(store.resolve('ffffffff'), 'unknown-revision', 2);
    await expectError(store.resolve('WORKING'), 'unknown-revision', 2);
    await expectError(store.resolve('~2'), 'unknown-revision', 2);
    // a blob id is not a commit
    const blobId = git('rev-parse', `${m}:schemaver.json`).trim();
    await expectError(store.resolve(blobId), 'unknown-revision', 2);
  });

  it('finds the merge base and tells ancestry', async () => {
    expect(await store.mergeBase(c3, f1)).toBe(c2);
    expect(await store.mergeBase(m, f1)).toBe(f1);
    expect(await store.isAncestor(c1, m)).toBe(true);
    expect(await store.isAncestor(f1, c3)).toBe(false);
  });

  it('logs children before parents, newest first, merges included', async () => {
    const log = (await store.log(m)).map((c) => c.message);
    expect(log[0]).toBe('merge');
    expect(log.indexOf('c3')).toBeLessThan(log.indexOf('c2'));
    expect(log.indexOf('f1')).toBeLessThan(log.indexOf('c2'));
    expect(log.slice(-2)).toEqual(['c2', 'c1']);
    expect(await store.log(m, { limit: 2 })).toHaveLength(2);
    expect(git('log', '--format=%s', '--topo-order').trim().split('\n').sort()).toEqual([...log].sort());
  });

  it('reports an ambiguous prefix with its candidates (exit 2) and ignores non-commit objects', async () => {
    const { ObjectWriter } = await import('../../src/store/objects.js');
    const w = new ObjectWriter(join(root, '.schemaver'));
    const tree = git('rev-parse', `${c1}^{tree}`).trim();
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair && i < 100000; i++) {
      const text = `tree ${tree}\nauthor x <x@x> ${i} +0000\ncommitter x <x@x> ${i} +0000\n\ncandidate ${i}\n`;
      const { hashObject } = await import('../../src/store/objects.js');
      const oid = hashObject('commit', Buffer.from(text));
      const p = oid.slice(0, 4);
      if (seen.has(p)) {
        pair = [seen.get(p)!, text];
        await w.write('commit', Buffer.from(pair[0]));
        await w.write('commit', Buffer.from(pair[1]));
        const e = await expectError(store.resolve(p), 'ambiguous-revision', 2);
        expect((e.data as { candidates: unknown[] }).candidates).toHaveLength(2);
        expect(e.message).toContain('candidate');
      } else seen.set(p, text);
    }
    expect(pair).toBeDefined();
  });
});

describe('refs and state', () => {
  it('creates, lists and deletes branches and tags with the usual refusals', async () => {
    const store = await initStore(root);
    const a = await store.commit(snap('one', [], [{ path: 'schema/s.yaml', text: tableYaml('users') }]));
    await store.createBranch('feature/x', a);
    await expectError(store.createBranch('feature/x', a), 'branch-exists', 2);
    await expectError(store.createBranch('bad name', a), 'bad-ref-name', 2);
    await expectError(store.createBranch('HEAD', a), 'bad-ref-name', 2);
    await expectError(store.createBranch('x..y', a), 'bad-ref-name', 2);
    expect((await store.branches()).map((b) => b.name)).toEqual(['feature/x', 'main']);
    await expectError(store.deleteBranch('main'), 'branch-current', 2);
    await expectError(store.deleteBranch('nope'), 'unknown-branch', 2);
    await store.deleteBranch('feature/x');
    expect((await store.branches()).map((b) => b.name)).toEqual(['main']);
    await store.createTag('v1.0', a);
    await expectError(store.createTag('v1.0', a), 'tag-exists', 2);
    expect(await store.tags()).toEqual([{ name: 'v1.0', id: a }]);
    expect(git('tag').trim()).toBe('v1.0');
    await store.setHead({ detached: a });
    expect(await store.currentBranch()).toBeUndefined();
    expect(await store.head()).toBe(a);
  });

  it('reads refs packed by git gc', async () => {
    const store = await initStore(root);
    const a = await store.commit(snap('one', [], [{ path: 'schema/s.yaml', text: tableYaml('users') }]));
    await store.createTag('v1', a);
    git('gc', '--quiet');
    git('pack-refs', '--all');
    expect(existsSync(join(root, '.schemaver', 'refs', 'heads', 'main'))).toBe(false);
    expect(await store.head()).toBe(a);
    expect(await store.resolve('v1')).toBe(a);
    expect(await store.resolve(a.slice(0, 5))).toBe(a);
    expect((await store.readSnapshot(a)).files[0]!.path).toBe('schema/s.yaml');
    const b = await store.commit(snap('two', [a], [{ path: 'schema/s.yaml', text: tableYaml('teams') }]));
    expect(await store.resolve('main~1')).toBe(a);
    expect(await store.resolve('main')).toBe(b);
    git('fsck', '--strict');
  });

  it('keeps state files (MERGE_HEAD) and refuses odd names', async () => {
    const store = await initStore(root);
    expect(await store.readState('MERGE_HEAD')).toBeUndefined();
    await store.writeState('MERGE_HEAD', 'abc\n');
    expect(await store.readState('MERGE_HEAD')).toBe('abc\n');
    await store.writeState('MERGE_HEAD', undefined);
    expect(await store.readState('MERGE_HEAD')).toBeUndefined();
    await expectError(store.writeState('../x', 'y'), 'bad-state-name', 2);
    await expectError(store.readState('HEAD'), 'bad-state-name', 2);
  });
});

describe('lock', () => {
  it('lets one writer in, refuses a second with exit 3, and takes over a stale lock', async () => {
    await initStore(root);
    const s1 = await openStore(root);
    const s2 = await openStore(root);
    await s1.withLock(async () => {
      const e = await expectError(
        s2.withLock(async () => 1),
        'store-locked',
        3,
      );
      expect(e.message).toContain(String(process.pid));
      // re-entrant for the holder
      expect(await s1.withLock(async () => 2)).toBe(2);
    });
    expect(existsSync(join(root, '.schemaver', 'schemaver.lock'))).toBe(false);
    // a lock left by a dead process is stale
    const { hostname } = await import('node:os');
    writeFileSync(join(root, '.schemaver', 'schemaver.lock'), `999999999@${hostname()}\n`);
    expect(await s2.withLock(async () => 3)).toBe(3);
    expect(existsSync(join(root, '.schemaver', 'schemaver.lock'))).toBe(false);
  });
});

describe('writeSchemaFiles', () => {
  it('rewrites schema/ byte for byte, removes other schema files and emptied dirs, keeps non-YAML files', async () => {
    mkdirSync(join(root, 'schema', 'old', 'deep'), { recursive: true });
    writeFileSync(join(root, 'schema', 'old', 'deep', 'gone.yaml'), 'x: 1\n');
    writeFileSync(join(root, 'schema', 'keep.md'), '# notes\n');
    writeFileSync(join(root, 'schema', 'same.yaml'), 'tables: {}\n');
    const files = [
      { path: 'schema/same.yaml', text: 'tables: {}\n' },
      { path: 'schema/new/dir/t.yml', text: 'a: "ü"\r\nb: 2\n' },
    ];
    await writeSchemaFiles(root, files);
    expect(await listSchemaFiles(root)).toEqual(['schema/new/dir/t.yml', 'schema/same.yaml']);
    expect(readFileSync(join(root, 'schema', 'new', 'dir', 't.yml'))).toEqual(Buffer.from(files[1]!.text, 'utf8'));
    expect(existsSync(join(root, 'schema', 'old'))).toBe(false);
    expect(readFileSync(join(root, 'schema', 'keep.md'), 'utf8')).toBe('# notes\n');
    await expect(writeSchemaFiles(root, [{ path: '../escape.yaml', text: '' }])).rejects.toThrow(/below schema/);
  });
});
