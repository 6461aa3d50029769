/**
 * schema/ holding exactly HEAD's files loads as HEAD's model (app/project.ts loadWorking, committedModel): a fresh
 * copy of a project (no `.schemaver/cache`, which git does not carry) answers `status` without normalising schema/
 * in PGlite, with the answer a normalisation gives; a file added, removed, renamed or re-encoded (CRLF), or a commit
 * that recorded no normalisation of its files, is normalised as before; an invalid file fails with its located issue
 * even when HEAD holds its very bytes. Build first (`npm run build`): the CLI runs on the copies are child processes,
 * so that each starts with no normalisation in memory; the project's own (init, its commit, the answers the copies'
 * must equal) run in this process (no Node start-up, no PGlite compile), whose memory no child shares.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadWorking } from '../../src/app/project.js';
import { schemaHash } from '../../src/canon/index.js';
import { SchemaverError } from '../../src/errors.js';
import { parseSchemaFiles, readSchemaDir } from '../../src/parse/index.js';
import { normalIdentity, normalizeExpressions } from '../../src/pg/normalize.js';
import { openStore } from '../../src/store/index.js';
import { checkedSchema } from '../../src/validate/index.js';
import { runCli } from '../helpers/cli.js';
import { runInProcess } from '../helpers/inproc.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

// texts PostgreSQL spells differently (an IN list on varchar, a cast-free default, a view): a model that skipped the
// normalisation would not hash as HEAD
const NOTES = `tables:
  notes:
    columns:
      id: { type: bigint, primary_key: true }
      title: { type: varchar(40) }
      n: { type: int, default: { sql: "1+1" } }
    checks:
      notes_title_check: "title in ('a', 'b')"
`;
const VIEWS = `views:
  short_notes:
    query: select id, title from notes where n > 1
`;

let tmp: string;
let project: string;
/** sv runs the CLI in a child process (a copy's command: nothing normalised in its memory), expecting exit 0. */
const sv = async (cwd: string, ...args: string[]) => {
  const r = await runCli(cwd, args, { SCHEMAVER_PROVER: '0' });
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};
/** here runs the CLI in this process (the project's own commands, whose memory the copies' children do not share). */
const here = async (cwd: string, ...args: string[]) => {
  const r = await runInProcess(cwd, args, { SCHEMAVER_PROVER: '0' });
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};
/** freshCopy copies the project without its cache, as a clone has it. */
const freshCopy = (name: string): string => {
  const to = join(tmp, name);
  cpSync(project, to, { recursive: true });
  rmSync(join(to, '.schemaver', 'cache'), { recursive: true, force: true });
  return to;
};
/** normalisations lists what the run kept in the normalisation cache (nothing when nothing was normalised). */
const normalisations = (dir: string): string[] => {
  const d = join(dir, '.schemaver', 'cache', 'normalized');
  return existsSync(d) ? readdirSync(d) : [];
};

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sv-committed-model-'));
  project = join(tmp, 'project');
  mkdirSync(project);
  await here(project, 'init');
  writeFileSync(join(project, 'schema', 'notes.yaml'), NOTES);
  writeFileSync(join(project, 'schema', 'views.yaml'), VIEWS);
  await here(project, 'commit', '-m', 'notes', '--no-verify');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("schema/ holding HEAD's files", () => {
  it('a fresh copy answers status without normalising, as the project that committed it does', async () => {
    const warm = (await here(project, 'status', '--json')).json<Record<string, unknown>>();
    expect(warm.clean).toBe(true);
    const copy = freshCopy('fresh');
    const st = (await sv(copy, 'status', '--json')).json<Record<string, unknown>>();
    expect(st).toEqual(warm);
    expect(st.workingHash).toBe(st.headHash);
    expect(normalisations(copy)).toEqual([]); // nothing was built in PGlite
    // diff and plan against WORKING read it the same way
    expect((await sv(copy, 'diff', 'HEAD', 'WORKING')).stdout).toBe(
      (await here(project, 'diff', 'HEAD', 'WORKING')).stdout,
    );
    expect(normalisations(copy)).toEqual([]);
  });

  it('is the model a normalisation of the files gives: the same model, the same hash', async () => {
    const copy = freshCopy('same');
    const loaded = await loadWorking(copy);
    const files = await readSchemaDir(copy);
    const normal = await normalizeExpressions(await checkedSchema(parseSchemaFiles(files)), { whole: true });
    expect(loaded.schema).toEqual(normal);
    expect(loaded.hash).toBe(schemaHash(normal));
    const parsed = parseSchemaFiles(files).schema!;
    expect(schemaHash(parsed)).not.toBe(loaded.hash); // PostgreSQL respelled some text: the test can tell
  });

  it('a file added, removed, renamed or written with CRLF is normalised as before', async () => {
    const edits: Record<string, (dir: string) => void> = {
      added: (d) => writeFileSync(join(d, 'schema', 'more.yaml'), 'enums:\n  mood: [ok, sad]\n'),
      removed: (d) => unlinkSync(join(d, 'schema', 'views.yaml')),
      renamed: (d) => renameSync(join(d, 'schema', 'views.yaml'), join(d, 'schema', 'views2.yaml')),
      crlf: (d) => writeFileSync(join(d, 'schema', 'notes.yaml'), NOTES.replace(/\n/g, '\r\n')),
    };
    for (const [name, edit] of Object.entries(edits)) {
      const copy = freshCopy(name);
      edit(copy);
      const st = (await sv(copy, 'status', '--json')).json<{ workingHash: string; headHash: string }>();
      expect(normalisations(copy), name).not.toEqual([]);
      // renamed and CRLF: the same schema, found by normalising it
      if (name === 'renamed' || name === 'crlf') expect(st.workingHash, name).toBe(st.headHash);
      else expect(st.workingHash, name).not.toBe(st.headHash);
    }
  });

  it('a commit that recorded no normalisation of its files is normalised as before', async () => {
    const copy = freshCopy('unrecorded');
    const store = await openStore(copy);
    const head = (await store.head())!;
    const snap = await store.readSnapshot(head);
    // the same commit as an older schemaver wrote it (no `normal` in schemaver.json)
    await store.commit({ message: 'again', parents: [head], schema: snap.schema, files: snap.files, migrations: [] });
    const st = (await sv(copy, 'status', '--json')).json<{ workingHash: string; headHash: string }>();
    expect(st.workingHash).toBe(st.headHash);
    expect(normalisations(copy)).not.toEqual([]);
  });

  it("an invalid file fails with its located issue, even when HEAD's snapshot holds its very bytes", async () => {
    const copy = freshCopy('invalid');
    const bad = NOTES.replace('n: { type: int', 'n: { type: int, bogus: 1');
    const store = await openStore(copy);
    const head = (await store.head())!;
    const snap = await store.readSnapshot(head);
    const files = snap.files.map((f) => (f.path === 'schema/notes.yaml' ? { ...f, text: bad } : f));
    await store.commit({
      message: 'bad',
      parents: [head],
      schema: snap.schema,
      files,
      migrations: [],
      normal: normalIdentity(),
    });
    writeFileSync(join(copy, 'schema', 'notes.yaml'), bad);
    const err = await loadWorking(copy).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SchemaverError);
    expect((err as SchemaverError).exit).toBe(2);
    const issue = (err as SchemaverError).issues.find((i) => /bogus/.test(i.message));
    expect(issue?.loc).toMatchObject({ file: 'schema/notes.yaml', line: 6 });
  });
});
