/**
 * sharedTrips lets two readers of one database (the model's introspection and the catalog fingerprint) share round
 * trips: the statements both send while waiting on the same answers go to PostgreSQL as one batch. Each reader gets
 * the same rows it would get alone; only the number of round trips changes (each costs ~0.5 ms of CPU in PGlite).
 */
import { type Driver, queryAll } from '../pg/driver.js';

/** Pending is one caller's statements, waiting for the batch they join. */
interface Pending {
  readonly sqls: readonly string[];
  readonly resolve: (rows: Record<string, unknown>[][]) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * sharedTrips wraps `db` so that the parameterless statements its callers send within the same turns of the event loop
 * run as one batch (Driver.batch), in the order they were sent. The flush waits one turn more than a caller's own
 * batcher (introspect/util.ts batcher flushes on setImmediate), so the statements that batcher gathers join it. When
 * the shared batch fails, each caller's statements run again on their own, so each gets its own answer or error. A
 * statement with parameters, and exec, run after what is queued, in order.
 */
export function sharedTrips(db: Driver): Driver {
  let queue: Pending[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  /** inOrder runs `f` after everything run before it. */
  const inOrder = <T>(f: () => Promise<T>): Promise<T> => {
    const p = chain.then(f);
    chain = p.catch(() => undefined);
    return p;
  };
  const flush = async (): Promise<void> => {
    const q = queue;
    queue = [];
    if (q.length === 0) return;
    if (q.length > 1) {
      const all = await queryAll(
        db,
        q.flatMap((p) => p.sqls),
      ).catch(() => undefined);
      if (all) {
        let at = 0;
        for (const p of q) p.resolve(all.slice(at, (at += p.sqls.length)));
        return;
      }
    }
    for (const p of q) await queryAll(db, p.sqls).then(p.resolve, p.reject);
  };
  const enqueue = (sqls: readonly string[]): Promise<Record<string, unknown>[][]> =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(() => setImmediate(() => void inOrder(flush)));
      queue.push({ sqls, resolve, reject });
    });
  return {
    kind: db.kind,
    label: db.label,
    async query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      if (params?.length) return inOrder(async () => (await flush(), db.query<T>(sql, params)));
      return (await enqueue([sql]))[0] as T[];
    },
    exec: (sql) => inOrder(async () => (await flush(), db.exec(sql))),
    batch: (sqls) => enqueue(sqls),
    close: () => db.close(),
  };
}
