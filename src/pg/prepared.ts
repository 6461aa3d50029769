/**
 * Catalog reads as prepared statements: a read the driver is given again runs planned once (planning is most of a
 * catalog read in PGlite). The conformance pool reads ten catalogs a case with the same queries; a proof reads three
 * (the target built from nothing, after `up`, after `down`) on one database.
 */
import type { Driver } from './driver.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';

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

/** PreparedOptions: `firstUse` prepares a read with oid lists (introspection's) the first time it is given (default: the second). */
export interface PreparedOptions {
  readonly firstUse?: boolean;
}

/** Prepared is how a text runs prepared: the statement's name and the values of its parameters. */
interface Prepared {
  readonly name: string;
  readonly args: readonly string[];
}

/** Statements are the prepared statements of one database: how each read runs, and the reads to run as text again. */
interface Statements {
  /** namesOf plans `sqls`: each one's prepared statement (new ones prepared now), or undefined for plain text. */
  namesOf(sqls: readonly string[]): Promise<(Prepared | undefined)[]>;
  /** plain stops using the prepared form of `sqls` (a failed execution runs again as plain text). */
  plain(sqls: readonly string[]): void;
}

/** statements keeps the prepared statements of `db` (see preparedReads). */
function statements(db: Driver, opts: PreparedOptions): Statements {
  const prepared = new Map<string, string>(); // statement text (oid lists as $n) -> name
  const once = new Set<string>();
  const refused = new Set<string>();
  let made = 0;
  /** plan is how `sql` runs: prepared already, to prepare now (`create`), or as plain text (undefined). */
  const plan = (sql: string): (Prepared & { readonly create?: string }) | undefined => {
    if (!READ.test(sql) || UNPREPARABLE.test(sql)) return undefined;
    const { text, args } = shape(sql);
    const known = prepared.get(text);
    if (known) return { name: known, args };
    if (refused.has(text) || prepared.size >= MAX_PREPARED) return undefined;
    if (!(opts.firstUse && args.length) && !once.has(text)) {
      if (once.size > 10 * MAX_PREPARED) once.clear();
      once.add(text);
      return undefined;
    }
    const name = quoteIdent(`schemaver_read_${made++}`);
    prepared.set(text, name);
    const create = `PREPARE ${name}${args.length ? `(${args.map(() => 'oid[]').join(', ')})` : ''} AS ${text}`;
    return { name, args, create };
  };
  const refuse = (sql: string) => {
    const { text } = shape(sql);
    if (prepared.delete(text)) refused.add(text);
  };
  return {
    // the new statements are prepared in one round trip; one at a time when that fails, so that only the statement
    // PostgreSQL refuses runs as plain text
    async namesOf(sqls) {
      const ps = sqls.map(plan);
      const creating = ps.filter((p): p is Prepared & { create: string } => p?.create !== undefined);
      if (creating.length === 0) return ps;
      try {
        await db.exec(creating.map((p) => p.create).join(';\n'));
        return ps;
      } catch {
        /* one at a time below */
      }
      for (const [i, p] of ps.entries()) {
        if (p?.create === undefined) continue;
        try {
          await db.exec(`DEALLOCATE ${p.name}`).catch(() => undefined); // made before the statement that failed
          await db.exec(p.create);
        } catch {
          refuse(sqls[i]!);
          ps[i] = undefined;
        }
      }
      return ps;
    },
    plain: (sqls) => sqls.forEach(refuse),
  };
}

/**
 * preparedReads runs a parameterless SELECT the driver is given a second time (or, with firstUse, a read with oid
 * lists the first time) as a prepared statement, so
 * PostgreSQL plans it once (a catalog read of introspection or the fingerprint costs about four times its execution
 * to plan). What runs is the same statement: a plan made stale by DDL is made again by PostgreSQL itself, and a
 * statement that cannot be prepared, or whose execution fails, runs as plain text as before. For a driver used as
 * the conformance pool uses it: no transaction left open between calls; or inside a transaction block (a proof reads
 * the target inside one it rolls back): the prepared statements outlive it, a batch's plan_cache_mode lasts to its end.
 */
export function preparedReads(db: Driver, opts: PreparedOptions = {}): Driver {
  const { namesOf, plain } = statements(db, opts);
  const execute = (p: Prepared) => `EXECUTE ${p.name}${p.args.length ? `(${p.args.join(', ')})` : ''}`;
  const wrapped: Driver = {
    kind: db.kind,
    label: db.label,
    async query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      const p = params?.length ? undefined : (await namesOf([sql]))[0];
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
      const ps = await namesOf(sqls);
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

/** readers: the catalog reader of each proof database (its prepared statements live as long as it does). */
const readers = new WeakMap<Driver, Driver>();

/**
 * proofReader is the catalog reader of proof database `db` (preparedReads, firstUse), one per database: the reads of
 * a proof and of the target side built on that database before it (target.ts prebuildTarget) plan each query once.
 */
export function proofReader(db: Driver): Driver {
  let reader = readers.get(db);
  if (!reader) readers.set(db, (reader = preparedReads(db, { firstUse: true })));
  return reader;
}
