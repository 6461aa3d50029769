/**
 * Held verification workers (src/pg/offload.ts heldVerifiers): in a host that keeps databases between commands (the
 * tests' in-process CLI runner), a command's worker serves the next command instead of a new one being started, and
 * the host's release ends it. The built verifier (dist/: a worker thread needs compiled JavaScript).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { holdDatabases } from '../../src/proc.js';
import { inProcessProject } from '../helpers/inproc.js';

const dist = new URL('../../dist/pg/offload.js', import.meta.url);
const { startVerifier, heldVerifiers } = (await import(dist.href)) as typeof import('../../src/pg/offload.js');
const { planMigration, renderUp, renderDown } = await import('../../src/plan/index.js');

/** release is the host's release of what its commands held (test/helpers/per-file.ts calls it when a file ends). */
const release = () =>
  (
    (globalThis as Record<symbol, unknown>)[Symbol.for('schemaver.heldDatabases')] as { release(): Promise<void> }
  ).release();

function withTable(columns = 'id: { type: integer, primary_key: true }'): Schema {
  const r = parseSchemaFiles([
    { path: 'schema/users.yaml', text: `tables:\n  users:\n    columns:\n      ${columns}\n` },
  ]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

/** prove proves the edge from nothing to `to` with verifier `v`. */
async function prove(v: ReturnType<typeof startVerifier>, to: Schema) {
  const plan = planMigration(emptySchema(), to);
  return v.verify(emptySchema(), to, renderUp(plan), renderDown(plan));
}

const counts = () => ({ ...heldVerifiers.counts, idle: heldVerifiers.idle.length });

describe('a verification worker held between the commands of a host that keeps databases', () => {
  it("serves the next command's verifier, reset: nothing the last command left (a read-back to reread) reaches it", async () => {
    holdDatabases(); // as a command does from its start (cli/base.ts)
    const c0 = counts();
    const first = startVerifier();
    expect((await prove(first, withTable())).ok).toBe(true);
    const schema = withTable('id: int\n      n: { type: numeric, check: "n > 0" }');
    await first.readback(schema);
    await first.close();
    expect(counts()).toMatchObject({ started: c0.started + 1, reused: c0.reused, idle: c0.idle + 1 });
    await expect(first.readback(schema)).rejects.toThrow(/closed/); // the closed verifier sends it nothing more

    const second = startVerifier();
    expect(counts()).toMatchObject({ started: c0.started + 1, reused: c0.reused + 1, idle: c0.idle });
    // reread rebuilds the last readback of this worker: the reset dropped the first command's
    await expect(second.reread()).rejects.toThrow();
    expect((await prove(second, withTable('id: bigint'))).ok).toBe(true);
    await second.close();
    expect(counts().idle).toBe(c0.idle + 1);
    await release();
  });

  it('is not taken by a command of another build or environment, nor after it stopped, nor when it did not settle in time', async () => {
    holdDatabases();
    const c0 = counts();
    const v = startVerifier();
    await v.close();
    expect(counts()).toMatchObject({ started: c0.started + 1, idle: c0.idle + 1 });
    // another build: the held worker's key is not this build's (a rebuilt dist/ has another codeIdentity)
    const [held] = heldVerifiers.idle.slice(-1);
    (held as { key: string }).key = `another build ${held!.key}`;
    const other = startVerifier();
    expect(counts()).toMatchObject({ started: c0.started + 2, reused: c0.reused });
    await other.close(); // held beside the other build's
    expect(counts().idle).toBe(c0.idle + 2);

    // another environment a proof reads (SCHEMAVER_*, as the warm prover's key)
    process.env.SCHEMAVER_HELD_TEST = '1';
    try {
      const env = startVerifier();
      expect(counts()).toMatchObject({ started: c0.started + 3, reused: c0.reused });
      await env.close(); // a third held: the oldest (the other build's) is ended
      expect(counts()).toMatchObject({ idle: 2, ended: c0.ended + 1 });
    } finally {
      delete process.env.SCHEMAVER_HELD_TEST;
    }

    // a held worker that stopped (crashed, terminated) is dropped, not taken
    const mine = heldVerifiers.idle.find((l) => l.key === held!.key.replace('another build ', ''))!;
    const exited = new Promise((r) => mine.worker.once('exit', r));
    await mine.worker.terminate();
    await exited;
    expect(heldVerifiers.idle).not.toContain(mine);
    const afterCrash = startVerifier();
    expect(counts()).toMatchObject({ started: c0.started + 4, reused: c0.reused });
    expect((await prove(afterCrash, withTable())).ok).toBe(true);

    // a worker that does not flush and reset within the grace is ended at the command's end, not held
    const grace = heldVerifiers.graceMs;
    heldVerifiers.graceMs = 0;
    try {
      const idle = counts().idle;
      await afterCrash.close();
      expect(counts().idle).toBe(idle);
    } finally {
      heldVerifiers.graceMs = grace;
    }
    const next = startVerifier();
    expect(counts()).toMatchObject({ started: c0.started + 5, reused: c0.reused });
    await next.close();
    await release();
  });

  it("is ended by the host's release: no worker is left, and the process ends by itself", async () => {
    holdDatabases();
    const v = startVerifier();
    expect((await prove(v, withTable())).ok).toBe(true);
    await v.close();
    const [link] = heldVerifiers.idle.slice(-1);
    const exited = new Promise((r) => link!.worker.once('exit', r));
    const ended = counts().ended;
    await release();
    await exited;
    expect(counts()).toMatchObject({ idle: 0, ended: ended + 1 });

    // a host process that holds a proving worker, releases it and has nothing else to do exits at once
    const script = `
      globalThis[Symbol.for('schemaver.keepDatabases')] = true;
      const { holdDatabases } = await import(${JSON.stringify(new URL('../../dist/proc.js', import.meta.url).href)});
      const { emptySchema } = await import(${JSON.stringify(new URL('../../dist/model/types.js', import.meta.url).href)});
      const { startVerifier, heldVerifiers } = await import(${JSON.stringify(dist.href)});
      holdDatabases();
      const v = startVerifier();
      await v.readback(emptySchema());
      await v.close();
      const held = heldVerifiers.idle.length;
      await globalThis[Symbol.for('schemaver.heldDatabases')].release();
      console.log(JSON.stringify({ held, ...heldVerifiers.counts, idle: heldVerifiers.idle.length }));
    `;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-held-'));
    const file = path.join(dir, 'host.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ held: 1, started: 1, reused: 0, ended: 1, idle: 0 });
  });
});

describe('in-process commands', () => {
  it('a verified commit takes the worker the commit before it left, and proves on it', async () => {
    const p = inProcessProject('sv-held-');
    try {
      expect((await p.run('init')).code).toBe(0);
      p.write('schema/users.yaml', 'tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n');
      const c0 = counts();
      const one = await p.run('commit', '-m', 'users');
      expect(one.code, one.stderr).toBe(0);
      expect(counts()).toMatchObject({ started: c0.started + 1, idle: c0.idle + 1 });
      p.write(
        'schema/users.yaml',
        'tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: text\n',
      );
      const two = await p.run('commit', '-m', 'n');
      expect(two.code, two.stderr).toBe(0);
      expect(counts()).toMatchObject({ started: c0.started + 1, reused: c0.reused + 1, idle: c0.idle + 1 });
      // a wrong migration is still refused on the held worker
      p.write(
        'schema/users.yaml',
        'tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: int\n',
      );
      p.write('up.sql', 'ALTER TABLE users ADD COLUMN m int;\n');
      const bad = await p.run('commit', '-m', 'bad', '--up', 'up.sql');
      expect(bad.code).not.toBe(0);
      expect(counts()).toMatchObject({ started: c0.started + 1, reused: c0.reused + 2 });
    } finally {
      await release();
      p.cleanup();
    }
  });
});
