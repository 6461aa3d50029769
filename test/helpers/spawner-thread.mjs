/**
 * The worker thread of ./spawner.ts: it owns the spawner process (./spawner-server.mjs) and passes requests to it,
 * so the test worker's main thread can wait for an answer synchronously (Atomics.wait, for spawnSync) or not.
 * workerData: `asyncPort` (answers posted back), `syncPort` (answers posted back, then `flag[0]` set to 1 and
 * notified), `server` (the server's path). Every request is answered: an error when the server exits first.
 */
import { spawn } from 'node:child_process';
import { workerData } from 'node:worker_threads';

const { asyncPort, syncPort, flag, server } = workerData;
const pending = new Map();
let child;
let next = 1;

function fail(message) {
  return { error: { name: 'Error', message: `test spawner: ${message}`, props: {} } };
}

function start() {
  const c = spawn(process.execPath, [server], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  c.on('message', (m) => {
    const done = pending.get(m.id);
    pending.delete(m.id);
    done?.(m);
  });
  const gone = (why) => {
    if (child !== c) return;
    child = undefined;
    const left = [...pending.values()];
    pending.clear();
    for (const done of left) done(fail(`the spawner process ${why} before answering`));
  };
  c.on('exit', (code, signal) => gone(`exited (${signal ?? code})`));
  c.on('error', (e) => gone(`failed (${e.message})`));
  c.unref();
  c.channel?.unref();
  return c;
}

function request(m, done) {
  child ??= start();
  const id = next++;
  pending.set(id, done);
  try {
    child.send({ ...m, id }, (e) => {
      if (!e || !pending.has(id)) return;
      pending.delete(id);
      done(fail(`could not send the request (${e.message})`));
    });
  } catch (e) {
    pending.delete(id);
    done(fail(`could not send the request (${e.message})`));
  }
}

asyncPort.on('message', ({ ref, ...m }) => request(m, (r) => asyncPort.postMessage({ ...r, ref })));
syncPort.on('message', (m) =>
  request(m, (r) => {
    syncPort.postMessage(r);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }),
);
