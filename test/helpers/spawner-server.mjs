/**
 * The spawner process (see ./spawner.ts): started once per test worker while the worker is still small, it starts the
 * child processes the worker asks for, so each start forks this small process instead of the worker (Node's
 * child_process forks the whole calling process before exec: ~25 ms of CPU per start from an 800 MB worker).
 *
 * Requests come over the IPC channel (advanced serialization: Buffers stay Buffers):
 * - `{ id, kind: 'spawnSync', file, args, options }`: child_process.spawnSync itself; the answer is its result, its
 *   `error` (a failed start, a timeout) as a plain object;
 * - `{ id, kind: 'collect', file, args, options }`: child_process.spawn, the whole stdout/stderr collected; the
 *   answer is `{ pid, code, signal, stdout, stderr }`, or `error` when the process could not start.
 * - `{ id, kind: 'remove', path }`: fs.rm(path, { recursive, force }) started in this process's thread pool and
 *   answered `{}` at once, so the worker goes on while the disk frees the directory (on this disk, whose mount
 *   discards freed blocks, removing a test's project is mostly waiting).
 * The worker's end of the channel closing (the worker died or ended) kills what is still running here, and this
 * process ends once the removals asked for are done.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';

const running = new Set();
const removing = new Set();

/** plain is an error as a plain object: its name, message and own properties (code, errno, path, spawnargs...). */
function plain(e) {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), props: {} };
  const props = {};
  for (const k of Object.keys(e)) props[k] = e[k];
  return { name: e.name, message: e.message, props };
}

function answer(m) {
  if (process.connected) process.send(m);
}

function collect(id, file, args, options) {
  let child;
  try {
    child = spawn(file, args, options);
  } catch (e) {
    answer({ id, error: plain(e) });
    return;
  }
  running.add(child);
  const out = [];
  const err = [];
  let failed;
  child.stdout?.on('data', (d) => out.push(d));
  child.stderr?.on('data', (d) => err.push(d));
  if (child.stdin) {
    child.stdin.on('error', () => undefined); // a child that exits without reading its input
    child.stdin.end(options.input ?? undefined);
  }
  child.on('error', (e) => {
    failed ??= e;
    if (child.pid === undefined) {
      running.delete(child);
      answer({ id, error: plain(e) });
    }
  });
  child.on('close', (code, signal) => {
    running.delete(child);
    if (failed && child.pid === undefined) return;
    answer({ id, value: { pid: child.pid, code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) } });
  });
}

process.on('message', (m) => {
  if (m.kind === 'spawnSync') {
    try {
      const r = spawnSync(m.file, m.args, m.options);
      answer({ id: m.id, value: { ...r, ...(r.error ? { error: plain(r.error) } : {}) } });
    } catch (e) {
      answer({ id: m.id, error: plain(e) }); // invalid arguments: spawnSync threw
    }
  } else if (m.kind === 'collect') collect(m.id, m.file, m.args, m.options);
  else if (m.kind === 'remove') {
    const done = rm(m.path, { recursive: true, force: true, maxRetries: 2 })
      .catch(() => undefined)
      .finally(() => removing.delete(done));
    removing.add(done);
    answer({ id: m.id, value: {} });
  }
  else answer({ id: m.id, error: { name: 'Error', message: `spawner: unknown request ${m.kind}`, props: {} } });
});

process.on('disconnect', () => {
  for (const c of running) c.kill('SIGKILL');
  void Promise.allSettled([...removing]).then(() => process.exit(0));
});
