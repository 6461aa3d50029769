/**
 * SCHEMAVER_FSYNC=0 (src/store/fsops.ts durable) is read at each write, not once when the module loads: a process
 * that sets it after loading the store (the fault-injection tests, whose in-process commands share the modules of
 * earlier files) writes without fsync from then on, and with fsync again once it is unset. fsync and fsyncSync are
 * counted by wrapping node:fs; the writes themselves are real (a temp directory).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const fsyncSync: typeof fs.fsyncSync = (fd) => (calls.n++, fs.fsyncSync(fd));
  const fsync = ((fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => (
    calls.n++,
    fs.fsync(fd, cb)
  )) as typeof fs.fsync;
  return { ...fs, default: { ...fs, fsyncSync, fsync }, fsyncSync, fsync };
});

const was = process.env.SCHEMAVER_FSYNC;
delete process.env.SCHEMAVER_FSYNC;
vi.resetModules(); // the unit project shares modules among files: load the store's own copy, on the wrapped node:fs
const { replaceFile, stageFiles, renameMany } = await import('../../src/store/fsops.js');
const dir = mkdtempSync(join(tmpdir(), 'sv-fsync-'));
afterAll(() => {
  vi.doUnmock('node:fs');
  vi.resetModules(); // no later file of this worker gets the copy made on the wrapped node:fs
  rmSync(dir, { recursive: true, force: true });
  if (was === undefined) delete process.env.SCHEMAVER_FSYNC;
  else process.env.SCHEMAVER_FSYNC = was;
});

/** writes replaces a file and stages and renames in two more: every kind of durable write; returns the fsyncs. */
async function writes(tag: string): Promise<number> {
  calls.n = 0;
  replaceFile(join(dir, `${tag}.txt`), tag, join(dir, 'tmp'));
  const staged = await stageFiles(
    [1, 2].map((i) => ({ path: join(dir, `${tag}-${i}`), data: Buffer.from(`${tag}${i}`) })),
    join(dir, 'tmp'),
  );
  await renameMany(staged.map((f) => ({ from: f.tmp, to: f.path })));
  expect(readFileSync(join(dir, `${tag}.txt`), 'utf8')).toBe(tag);
  expect(readFileSync(join(dir, `${tag}-2`), 'utf8')).toBe(`${tag}2`);
  return calls.n;
}

describe('SCHEMAVER_FSYNC', () => {
  it('is read at each write: set after the module loaded, it turns fsync off, and unset on again', async () => {
    expect(await writes('on')).toBeGreaterThanOrEqual(5); // file + directory, two staged files, their directory
    process.env.SCHEMAVER_FSYNC = '0';
    expect(await writes('off')).toBe(0);
    delete process.env.SCHEMAVER_FSYNC;
    expect(await writes('again')).toBeGreaterThanOrEqual(5);
  });
});
