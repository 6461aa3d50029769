/**
 * A reusable PGlite database for conformance cases: made once from the cached initdb image, then reset between
 * loads (user schemas dropped, `public` recreated), which is much cheaper than a fresh instance per load.
 */
import type { Driver } from '../pg/driver.js';
import type { CaseDb } from './run.js';
import { RESET_SQL } from './run.js';
import { quoteIdent } from '../sql/quote.js';

/** ResettableDb is a CaseDb over one PGlite instance; `close` must be called at the end. */
export interface ResettableDb extends CaseDb {
  close(): Promise<void>;
}

/** resettableDb makes a CaseDb from a factory of fresh databases (freshPglite). */
export function resettableDb(make: () => Promise<Driver>): ResettableDb {
  let db: Driver | undefined;
  let dirty = false;
  let roles: ReadonlySet<string> = new Set(); // the roles of a new database: the rest were made by cases
  return {
    async clean(newCase = false) {
      if (db && dirty) {
        try {
          await db.exec(RESET_SQL);
          if (newCase) await dropCaseRoles(db, roles);
        } catch {
          await db.close().catch(() => {});
          db = undefined;
        }
      }
      if (!db) {
        db = await make();
        roles = new Set((await db.query<{ r: string }>('SELECT rolname AS r FROM pg_roles')).map((x) => x.r));
      }
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

/** dropCaseRoles drops every role not in `keep` (what a case's pre, a or b created), with what they still own. */
async function dropCaseRoles(db: Driver, keep: ReadonlySet<string>): Promise<void> {
  const all = (await db.query<{ r: string }>('SELECT rolname AS r FROM pg_roles')).map((x) => x.r);
  const made = all.filter((r) => !keep.has(r));
  if (!made.length) return;
  const list = made.map(quoteIdent).join(', ');
  await db.exec(`DROP OWNED BY ${list} CASCADE; DROP ROLE ${list};`);
}
