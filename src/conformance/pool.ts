/**
 * A reusable PGlite database for conformance cases: made once from the cached initdb image, then reset between
 * loads (user schemas dropped, `public` emptied), which is much cheaper than a fresh instance per load. A case
 * reads the catalog ten times (model and fingerprint of five databases) with the same queries: they run as
 * prepared statements, planned once (planning is most of a catalog read in PGlite).
 */
import type { Driver } from '../pg/driver.js';
import type { CaseDb } from './run.js';
import { RESET_SQL } from './run.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';

/** ResettableDb is a CaseDb over one PGlite instance; `close` must be called at the end. */
export interface ResettableDb extends CaseDb {
  close(): Promise<void>;
}

/** resettableDb makes a CaseDb from a factory of fresh databases (freshPglite). */
export function resettableDb(make: () => Promise<Driver>): ResettableDb {
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

/** READ: a statement that only reads and may be prepared (one statement, no $n parameters of its own). */
const READ = /^\s*(?:SELECT|WITH)\b/i;
const UNPREPARABLE = /;|\$\d/;
/**
 * OID_LIST: an oid array literal, as introspection embeds the oids of the user relations and schemas it reads; each
 * becomes a parameter, so the statement is the same from one database to the next (the value is passed as written).
 */
const OID_LIST = /'\{([0-9,]*)\}'::oid\[\]/g;
/**
 * GENERIC makes the statements of one batch (an implicit transaction) run their generic plan: a statement whose oid
 * lists changed would otherwise be planned again for the new values, which is the cost prepared statements save.
 */
const GENERIC = 'SET LOCAL plan_cache_mode = force_generic_plan';
/** MAX_PREPARED bounds the prepared statements of one database. */
const MAX_PREPARED = 400;

/** shape is a read's statement text with its oid lists as parameters, and their values. */
function shape(sql: string): { text: string; args: string[] } {
  const args: string[] = [];
  // the value is written again through quoteLiteral (digits and commas only, by OID_LIST): one quoting function
  const text = sql.replace(
    OID_LIST,
    (_list, oids: string) => `$${args.push(`${quoteLiteral(`{${oids}}`)}::oid[]`)}::oid[]`,
  );
  return { text, args };
}

/** Prepared is how a text runs prepared: the statement's name and the values of its parameters. */
interface Prepared {
  readonly name: string;
  readonly args: readonly string[];
}

/**
 * preparedReads runs a parameterless SELECT the driver is given a second time as a prepared statement, so
 * PostgreSQL plans it once (a catalog read of introspection or the fingerprint costs about four times its execution
 * to plan). What runs is the same statement: a plan made stale by DDL is made again by PostgreSQL itself, and a
 * statement that cannot be prepared, or whose execution fails, runs as plain text as before. For a driver used as
 * the conformance pool uses it: no transaction left open between calls.
 */
export function preparedReads(db: Driver): Driver {
  const prepared = new Map<string, string>(); // statement text (oid lists as $n) -> name
  const once = new Set<string>();
  const refused = new Set<string>();
  let made = 0;
  const nameOf = async (sql: string): Promise<Prepared | undefined> => {
    if (!READ.test(sql) || UNPREPARABLE.test(sql)) return undefined;
    const { text, args } = shape(sql);
    const known = prepared.get(text);
    if (known) return { name: known, args };
    if (refused.has(text) || prepared.size >= MAX_PREPARED) return undefined;
    if (!once.has(text)) {
      if (once.size > 10 * MAX_PREPARED) once.clear();
      once.add(text);
      return undefined;
    }
    const name = quoteIdent(`schemaver_read_${made++}`);
    try {
      await db.exec(`PREPARE ${name}${args.length ? `(${args.map(() => 'oid[]').join(', ')})` : ''} AS ${text}`);
    } catch {
      refused.add(text);
      return undefined;
    }
    prepared.set(text, name);
    return { name, args };
  };
  const execute = (p: Prepared) => `EXECUTE ${p.name}${p.args.length ? `(${p.args.join(', ')})` : ''}`;
  /** plain stops using the prepared form of `sqls` (a failed execution runs again as plain text). */
  const plain = (sqls: readonly string[]) => {
    for (const sql of sqls) {
      const { text } = shape(sql);
      if (prepared.delete(text)) refused.add(text);
    }
  };
  const wrapped: Driver = {
    kind: db.kind,
    label: db.label,
    async query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      const p = params?.length ? undefined : await nameOf(sql);
      if (!p) return db.query<T>(sql, params);
      try {
        return await db.query<T>(execute(p));
      } catch {
        plain([sql]);
        return db.query<T>(sql, params);
      }
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
  const batch = db.batch?.bind(db);
  if (!batch) return wrapped;
  return {
    ...wrapped,
    async batch(sqls) {
      const ps: (Prepared | undefined)[] = [];
      for (const sql of sqls) ps.push(await nameOf(sql));
      if (!ps.some(Boolean)) return batch(sqls);
      // oid lists as parameters: the generic plan, for this batch only (SET LOCAL ends with its implicit transaction)
      const generic = ps.some((p) => p?.args.length);
      try {
        const run = sqls.map((sql, i) => (ps[i] ? execute(ps[i]) : sql));
        if (!generic) return await batch(run);
        return (await batch([GENERIC, ...run])).slice(1);
      } catch {
        plain(sqls);
        return batch(sqls);
      }
    },
  };
}
