/**
 * Setup file of the cli and pglite projects, whose files share worker processes (`isolate: false` in
 * vitest.config.ts): what a file changes of its process that a new process would not have (environment variables some
 * files set in beforeAll and keep, the working directory) is put back when the file ends, so the next file starts as
 * in a process of its own; and the scratch databases and verification workers the file's in-process commands held open
 * (inproc.ts, src/proc.ts Held, src/pg/offload.ts heldVerifiers) are closed.
 *
 * The worker's child processes start from a small spawner process (./spawner.ts), installed by the first file while
 * the worker is still small: starting a process copies the process that starts it.
 */
import { afterAll } from 'vitest';
import { installSpawner } from './spawner.js';

installSpawner();

const env = { ...process.env };
const cwd = process.cwd();

afterAll(async () => {
  const held = (globalThis as Record<symbol, unknown>)[Symbol.for('schemaver.heldDatabases')] as
    { release(): Promise<void> } | undefined;
  await held?.release();
  // a spare database a file's proofs left (src/pg/pglite.ts): the next file starts without one, as a new process
  const spares = (globalThis as Record<symbol, unknown>)[Symbol.for('schemaver.spareClosers')] as
    Set<() => Promise<void>> | undefined;
  for (const close of spares ?? []) await close();
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
  process.chdir(cwd);
});
