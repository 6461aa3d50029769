/**
 * A reusable PGlite database for conformance cases: made once from the cached initdb image, then reset between
 * loads (user schemas dropped, `public` emptied), which is much cheaper than a fresh instance per load. A case
 * reads the catalog ten times (model and fingerprint of five databases) with the same queries: they run as
 * prepared statements, planned once (planning is most of a catalog read in PGlite).
 */
import type { Driver } from '../pg/driver.js';
import type { CaseDb } from './run.js';
import { RESET_SQL } from './run.js';
import { quoteIdent } from '../sql/quote.js';
import { preparedReads } from '../pg/prepared.js';

export { preparedReads } from '../pg/prepared.js';

/** ResettableDb is a CaseDb over one PGlite instance (and its `other`, made when first used); `close` must be called at the end. */
export interface ResettableDb extends CaseDb {
  close(): Promise<void>;
}

/** resettableDb makes a CaseDb from a factory of fresh databases (freshPglite), with a second one as its `other`. */
export function resettableDb(make: () => Promise<Driver>): ResettableDb {
  const db = oneDb(make);
  let other: ResettableDb | undefined;
  return {
    clean: (newCase) => db.clean(newCase),
    get other() {
      return (other ??= oneDb(make));
    },
    async discard() {
      await db.discard();
      await other?.discard();
    },
    async close() {
      await db.close();
      await other?.close();
    },
  };
}

/** oneDb is a ResettableDb over one PGlite instance, without an `other`. */
function oneDb(make: () => Promise<Driver>): ResettableDb {
  const fresh = async () => preparedReads(await make());
  let db: Driver | undefined;
  let dirty = false;
  let roles: ReadonlySet<string> = new Set(); // the roles of a new database: the rest were made by cases
  let resetFn = false; // RESET_FUNCTION made in this database
  return {
    async clean(newCase = false) {
      if (db && dirty) {
        try {
          await db.exec(`${resetFn ? '' : RESET_FUNCTION}SELECT pg_temp.schemaver_reset();\nRESET ALL;`);
          resetFn = true;
          if (newCase) await dropCaseRoles(db, roles);
        } catch {
          await db.close().catch(() => {});
          db = undefined;
        }
      }
      if (!db) {
        db = await fresh();
        resetFn = false;
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

/**
 * RESET_FUNCTION is RESET_SQL's block as a function of the session's temporary schema (which the reset, introspection
 * and the fingerprint all leave out): PL/pgSQL keeps the plans of its queries from one reset to the next, where an
 * anonymous block plans them every time. A case that drops it (DISCARD TEMP) makes the reset fail: a new database.
 */
const RESET_FUNCTION = (() => {
  const block = /DO \$reset\$([\s\S]*)\$reset\$;/.exec(RESET_SQL);
  if (!block) throw new Error('RESET_SQL has no $reset$ block');
  return `CREATE FUNCTION pg_temp.schemaver_reset() RETURNS void LANGUAGE plpgsql AS $reset$${block[1]!}$reset$;\n`;
})();

/** dropCaseRoles drops every role not in `keep` (what a case's pre, a or b created), with what they still own. */
async function dropCaseRoles(db: Driver, keep: ReadonlySet<string>): Promise<void> {
  const all = (await db.query<{ r: string }>('SELECT rolname AS r FROM pg_roles')).map((x) => x.r);
  const made = all.filter((r) => !keep.has(r));
  if (!made.length) return;
  const list = made.map(quoteIdent).join(', ');
  await db.exec(`DROP OWNED BY ${list} CASCADE; DROP ROLE ${list};`);
}
