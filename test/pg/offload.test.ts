// The verification worker, as the built CLI runs it (dist/: a worker thread needs compiled JavaScript).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { SchemaverError } from '../../dist/errors.js';

const dist = new URL('../../dist/pg/offload.js', import.meta.url);
const {
  startVerifier,
  startEarlyVerifier,
  spareCore,
  schemaObjects,
  tiersUp,
  TIER_UP_MIN_OBJECTS,
  YAML_BYTES_PER_OBJECT,
} = (await import(dist.href)) as typeof import('../../src/pg/offload.js');
const { planMigration, renderUp, renderDown } = await import('../../src/plan/index.js');

function withTable(check?: string): Schema {
  const checks = check ? `\n    checks:\n      users_id_check: ${JSON.stringify(check)}` : '';
  const text = `tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }${checks}\n`;
  const r = parseSchemaFiles([{ path: 'schema/users.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

describe('startVerifier (worker thread)', () => {
  it('is built and runs proofs on a worker thread', () => {
    expect(existsSync(new URL('../../dist/pg/worker.js', import.meta.url))).toBe(true);
    const v = startVerifier();
    expect(v.inWorker).toBe(true);
    return v.close();
  });

  it('hands the verifier bin/run.js started early to the command (once), and proves with it', async () => {
    startEarlyVerifier();
    const plain = startVerifier(); // a pool worker (prove.ts) is never the early one
    const early = startVerifier({ deferSpare: true });
    const again = startVerifier({ deferSpare: true });
    try {
      expect(early).not.toBe(plain);
      expect(again).not.toBe(early);
      const to = withTable();
      const plan = planMigration(emptySchema(), to);
      expect((await early.verify(emptySchema(), to, renderUp(plan), renderDown(plan))).ok).toBe(true);
    } finally {
      await Promise.all([plain.close(), early.close(), again.close()]);
    }
  });

  it("sizes the early worker's first database by the YAML under schema/, before anything is parsed", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sv-offload-'));
    try {
      expect(schemaObjects(root)).toBe(0); // no schema/ yet
      mkdirSync(path.join(root, 'schema', 'sub'), { recursive: true });
      writeFileSync(path.join(root, 'schema', 'a.yaml'), 'x'.repeat(4000));
      writeFileSync(path.join(root, 'schema', 'sub', 'b.YML'), 'x'.repeat(400));
      writeFileSync(path.join(root, 'schema', 'notes.txt'), 'x'.repeat(10_000)); // not schema
      expect(schemaObjects(root)).toBe(Math.floor(4400 / YAML_BYTES_PER_OBJECT));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("lets V8 tier PGlite up for a big schema's first commit only (read from .schemaver's files before the store loads)", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sv-offload-'));
    const big = TIER_UP_MIN_OBJECTS;
    try {
      expect(tiersUp(root, big)).toBe(false); // no store
      mkdirSync(path.join(root, '.schemaver', 'refs', 'heads'), { recursive: true });
      writeFileSync(path.join(root, '.schemaver', 'HEAD'), 'ref: refs/heads/main\n');
      expect(tiersUp(root, big)).toBe(true); // the branch has no commit yet: a root commit proves the creation script
      expect(tiersUp(root, big - 1)).toBe(false); // too small to pay for V8's optimizing compiles
      writeFileSync(
        path.join(root, '.schemaver', 'packed-refs'),
        `# pack-refs with: peeled\n${'a'.repeat(40)} refs/heads/main\n`,
      );
      expect(tiersUp(root, big)).toBe(false); // a packed branch has commits
      rmSync(path.join(root, '.schemaver', 'packed-refs'));
      writeFileSync(path.join(root, '.schemaver', 'refs', 'heads', 'main'), `${'a'.repeat(40)}\n`);
      expect(tiersUp(root, big)).toBe(false); // a later commit restores an image and proves a small edge
      writeFileSync(path.join(root, '.schemaver', 'HEAD'), `${'a'.repeat(40)}\n`);
      expect(tiersUp(root, big)).toBe(false); // detached at a commit
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps to one worker on two cores unless SCHEMAVER_SPLIT says otherwise', () => {
    const was = process.env.SCHEMAVER_SPLIT;
    try {
      process.env.SCHEMAVER_SPLIT = '1';
      expect(spareCore()).toBe(true);
      process.env.SCHEMAVER_SPLIT = '0';
      expect(spareCore()).toBe(false);
      delete process.env.SCHEMAVER_SPLIT;
      if (os.availableParallelism() < 3) expect(spareCore()).toBe(false);
    } finally {
      if (was === undefined) delete process.env.SCHEMAVER_SPLIT;
      else process.env.SCHEMAVER_SPLIT = was;
    }
  });

  it('closed at once, while it still compiles PGlite, the worker ends by itself; still restoring, after the compile', async () => {
    // terminating a worker while V8 compiles for it can abort the whole process (a native assertion in Node 20):
    // close() lets the compile settle; with no spare to restore the thread then ends on its own
    for (const wait of [0, 50]) {
      const v = startVerifier({ deferSpare: true });
      await new Promise((r) => setTimeout(r, wait));
      expect(await v.close()).toBe('ended');
    }
    // a spare still being restored is not waited for (its compile is over), a restored one is closed
    const restoring = startVerifier();
    expect(['ended', 'terminated']).toContain(await restoring.close());
    const used = startVerifier();
    const to = withTable();
    const plan = planMigration(emptySchema(), to);
    expect((await used.verify(emptySchema(), to, renderUp(plan), renderDown(plan))).ok).toBe(true);
    expect(await used.close()).toBe('ended');
  });

  it('proves an edge and reports a wrong one with a diff naming the object', async () => {
    const v = startVerifier();
    try {
      const from = emptySchema();
      const to = withTable();
      const plan = planMigration(from, to);
      const heard: string[] = [];
      const good = await v.verify(from, to, renderUp(plan), renderDown(plan), {
        onProgress: (phase, done, total) => heard.push(`${phase} ${done}/${total}`),
      });
      expect(good.ok).toBe(true);
      // progress crosses the thread: each script reports once it ran all its statements
      expect(heard).toContain('up 1/1');
      expect(heard).toContain('down 1/1');
      const bad = await v.verify(withTable(), withTable('id > 0'), 'SELECT 1;', 'SELECT 1;');
      expect(bad.ok).toBe(false);
      expect(bad.problems.join('\n')).toMatch(/users_id_check/);
    } finally {
      await v.close();
    }
  });

  it("builds a small edge's target side ahead when asked (expect), and the proof that follows compares with it", async () => {
    const { schemaHash } = await import('../../src/canon/index.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-expect-'));
    const v = startVerifier();
    try {
      const [from, to] = [withTable(), withTable('id > 0')];
      const hashes = { from: schemaHash(from), to: schemaHash(to) };
      const plan = planMigration(from, to);
      const proof = (up: string) => v.verify(from, to, up, renderDown(plan), { readbackDir: dir, hashes });
      v.expect(from, to, hashes, dir);
      expect((await proof(renderUp(plan))).ok).toBe(true);
      v.expect(from, to, hashes, dir); // its read-back is cached in `dir` now: nothing is built ahead
      const wrong = await proof('SELECT 1;');
      expect(wrong.ok).toBe(false);
      expect(wrong.problems.join('\n')).toMatch(/users_id_check/);
      // what the worker built ahead for the edge is what its proof compares with: another schema's read-back fails it
      rmSync(dir, { recursive: true, force: true });
      v.expect(from, withTable('id > 1'), hashes, dir);
      const other = await proof(renderUp(plan));
      expect(other.ok).toBe(false);
      expect(other.problems.join('\n')).toMatch(/users_id_check/);
    } finally {
      await v.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds a read-back, builds it again as PostgreSQL spelled it, then proves on that database, empty again', async () => {
    const v = startVerifier();
    try {
      const written = withTable('(id > 0)');
      const first = v.readback(written);
      const again = v.reread(); // asked at once: the worker answers it after the readback
      expect((await first).tables['users']!.checks['users_id_check']!.expression).toBe('id > 0');
      expect((await again).tables['users']!.checks['users_id_check']!.expression).toBe('id > 0');
      await expect(v.reread()).rejects.toThrow(/nothing was built/); // once per readback
      // both builds were rolled back on the database the proof now takes: up finds nothing there, down leaves nothing
      const to = withTable('id > 0');
      const plan = planMigration(emptySchema(), to);
      const proof = await v.verify(emptySchema(), to, renderUp(plan), renderDown(plan));
      expect(proof.problems).toEqual([]);
      expect(proof.ok).toBe(true);
    } finally {
      await v.close();
    }
  });

  it('reports a schema that does not build, and carries errors thrown in the worker across with code and exit', async () => {
    const v = startVerifier();
    try {
      const broken = withTable('no_such_function(id)');
      const r = await v.verify(withTable(), broken, 'SELECT 1;', 'SELECT 1;');
      expect(r.ok).toBe(false);
      expect(r.problems.join('\n')).toMatch(/does not build.*no_such_function/);
      const exotic = {
        ...emptySchema(),
        extensions: { postgis_unknown: { name: 'postgis_unknown' } },
      } as unknown as Schema;
      const err = await v.verify(emptySchema(), exotic, 'SELECT 1;', null).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaverError);
      expect(err).toMatchObject({ code: 'extension-unavailable', exit: 3 });
      expect((err as Error).message).toMatch(/postgis_unknown is not available in PGlite/);
    } finally {
      await v.close();
    }
    await expect(v.verify(emptySchema(), emptySchema(), '', '')).rejects.toThrow(/closed/);
  });
});

describe("a big root commit's verifier (tier-up from its start)", () => {
  // last in this file: allowWasmTierUp holds for every worker this process starts after it
  it('builds the readback and its reread on the module it compiled to tier up, proves on the database they recycled, and refuses a wrong down or up there', async () => {
    const { allowWasmTierUp, wasmTierUp } = (await import(
      new URL('../../dist/proc.js', import.meta.url).href
    )) as typeof import('../../src/proc.js');
    allowWasmTierUp();
    expect(wasmTierUp()).toBe(true);
    const v = startVerifier();
    try {
      const first = v.readback(withTable('(id > 0)'));
      const again = v.reread();
      expect((await first).tables['users']!.checks['users_id_check']!.expression).toBe('id > 0');
      expect((await again).tables['users']!.checks['users_id_check']!.expression).toBe('id > 0');
      const to = withTable('id > 0');
      const plan = planMigration(emptySchema(), to);
      const proof = await v.verify(emptySchema(), to, renderUp(plan), renderDown(plan), { generated: true });
      expect(proof.problems).toEqual([]);
      expect(proof.ok).toBe(true);
      const wrongDown = await v.verify(emptySchema(), to, renderUp(plan), 'SELECT 1;', {
        generated: true,
        force: true,
      });
      expect(wrongDown.ok).toBe(false);
      expect(wrongDown.problems.join('\n')).toMatch(/users/);
      const wrongUp = renderUp(plan).replace('id > 0', 'id > 1');
      expect(wrongUp).not.toBe(renderUp(plan));
      const refused = await v.verify(emptySchema(), to, wrongUp, renderDown(plan), { force: true });
      expect(refused.ok).toBe(false);
      expect(refused.problems.join('\n')).toMatch(/users_id_check/);
    } finally {
      await v.close();
    }
  });
});
