// The lint worker (lint/offload.ts), as the built CLI runs it (dist/: a worker thread needs compiled JavaScript):
// the same findings as lintScript on this thread, and this thread's answer when the worker is gone.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { lintScript } from '../../src/lint/index.js';

const { startLint, startEarlyLint, closeEarlyLint } = (await import(
  new URL('../../dist/lint/offload.js', import.meta.url).href
)) as typeof import('../../src/lint/offload.js');

const SCRIPT = [
  'CREATE TABLE fresh (id bigint PRIMARY KEY);',
  'CREATE INDEX fresh_i ON fresh (id);',
  'CREATE INDEX i ON t (a);',
  'ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);',
  'this is not sql;',
  '-- step 2/3: rename column t.a to b',
  'ALTER TABLE t RENAME COLUMN a TO b;',
  'ALTER TABLE t ADD COLUMN c text NOT NULL;',
  'DROP TABLE t;',
].join('\n');

describe('startLint (worker thread)', () => {
  it('is built, and lints on the worker exactly as lintScript does here', async () => {
    expect(existsSync(new URL('../../dist/lint/worker.js', import.meta.url))).toBe(true);
    const here = await lintScript(SCRIPT);
    expect(here.map((f) => f.rule)).toEqual([
      'require-concurrent-index-creation',
      'constraint-missing-not-valid',
      'adding-foreign-key-constraint',
      'renaming-column',
      'adding-required-field',
      'ban-drop-table',
    ]);
    const job = startLint();
    expect(job.inWorker).toBe(os.availableParallelism() >= 2);
    expect(await job.lint(SCRIPT)).toEqual(here);
    expect(job.inWorker).toBe(os.availableParallelism() >= 2); // the worker answered
  });

  it("answers with this thread's lint when the worker has ended", async () => {
    const job = startLint();
    await job.close();
    expect(await job.lint(SCRIPT)).toEqual(await lintScript(SCRIPT));
    expect(job.inWorker).toBe(false);
  });

  it('hands the worker bin/run.js started early to the command (once)', async () => {
    startEarlyLint();
    const early = startLint();
    const again = startLint();
    try {
      expect(again).not.toBe(early);
      expect(await early.lint(SCRIPT)).toEqual(await lintScript(SCRIPT));
    } finally {
      await again.close();
    }
  });

  it('ends by itself once its parser has loaded when closed before any script (never terminated mid-compile)', async () => {
    const job = startLint();
    const t0 = performance.now();
    await Promise.all([job.close(), job.close()]);
    // the worker ended on its own: terminating is the fallback after 10 s
    expect(performance.now() - t0).toBeLessThan(8_000);
  });

  it('closes the early worker no command took (bin/run.js on a usage error)', async () => {
    startEarlyLint();
    await closeEarlyLint();
    const job = startLint(); // a new worker: the early one is gone
    expect(await job.lint(SCRIPT)).toEqual(await lintScript(SCRIPT));
  });
});
