/**
 * A reusable PGlite database for conformance cases: made once from the cached initdb image, then reset between
 * loads (user schemas dropped, `public` recreated), which is much cheaper than a fresh instance per load.
 */
import type { Driver } from '../pg/driver.js';
import type { CaseDb } from './run.js';
import { RESET_SQL } from './run.js';

/** ResettableDb is a CaseDb over one PGlite instance; `close` must be called at the end. */
export interface ResettableDb extends CaseDb {
  close(): Promise<void>;
}

/** resettableDb makes a CaseDb from a factory of fresh databases (freshPglite). */
export function resettableDb(make: () => Promise<Driver>): ResettableDb {
  let db: Driver | undefined;
  let dirty = false;
  return {
    async clean() {
      if (db && dirty) {
        try {
          await db.exec(RESET_SQL);
        } catch {
          await db.close().catch(() => {});
          db = undefined;
        }
      }
      if (!db) db = await make();
      dirty = true;
      return db;
    },
    async discard() {
      if (db) await db.close().catch(() => {});
      db = undefined;
    },
    async close() {
      if (db) await db.close().catch(() => {});
      db = undefined;
    },
  };
}
