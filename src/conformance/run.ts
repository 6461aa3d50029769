/**
 * One conformance case, proven in PGlite: load `pre`+`a` and `pre`+`b`, introspect both, plan A->B (with
 * sqldef's rename hints), apply up to A and compare the catalog read back with B, then apply down and compare
 * with A. One PGlite instance is reused across cases and reset between loads (user schemas dropped).
 */
import { type Driver, queryAll } from '../pg/driver.js';
import type { Schema } from '../model/types.js';
import type { Plan, Step } from '../model/plan.js';
import { describeChange } from '../model/changes.js';
import { diffSchemas } from '../diff/index.js';
import { compareSchemas } from '../pg/compare.js';
import { catalogFingerprint, fingerprintDiff } from '../pg/fingerprint.js';
import { planMigration, renderDown, renderUp } from '../plan/index.js';
import { onlinePlan, renderOnline } from '../plan/online.js';
import { applyRenameHints, findRenameHints } from './hints.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { deployedScript, isNonTransactional } from '../sql/online.js';
import { PINNED_SETTINGS, SETTINGS_CHECK_SQL, settingsSql } from '../sql/settings.js';
import { changedUnmanaged } from '../model/objects.js';
import { prepareDumpScript } from '../pg/dump.js';
import { sharedTrips } from './trips.js';

/** Case is one line of a conformance file. */
export interface Case {
  readonly id: string;
  readonly pre?: string;
  readonly a: string;
  readonly b: string;
  readonly up?: string;
  readonly down?: string;
}

/** Outcome is the result of one direction of a case. */
export type Outcome = 'pass' | 'fail' | 'unsupported' | 'error';

/** CaseResult is what results.jsonl records for a case (plus the generated scripts). */
export interface CaseResult {
  readonly id: string;
  readonly up: Outcome;
  readonly down: Outcome;
  readonly message: string;
  readonly ms: number;
  readonly upSql: string;
  readonly downSql: string;
  /** online: with `--online`, whether the online rewrite changed the plan (else it runs as the classic one). */
  readonly online?: boolean;
}

/** CaseDb gives a case a clean database (reset or fresh) and tells the runner whether it must be discarded. */
export interface CaseDb {
  /** clean returns a database with no user objects; with `newCase`, roles made since the database was new are dropped too. */
  clean(newCase?: boolean): Promise<Driver>;
  /** discard drops the current instance (after a crash); the next clean() makes a new one. */
  discard(): Promise<void>;
  /**
   * other: a second database, a cluster of its own. A case whose scripts change nothing cluster-wide (CLUSTER_WIDE)
   * loads B there and keeps it for the proof of down on b built from nothing, instead of loading b a second time
   * after a reset in this one (a reset and a load of b less per case).
   */
  readonly other?: CaseDb;
}

/** Introspector reads a database into the model (src/pg introspect). */
export type Introspector = (db: Driver) => Promise<{ schema: Schema; unsupported: readonly { message: string }[] }>;

/** Comparer returns human-readable differences between an actual and an expected schema (empty = equal). */
export type Comparer = (actual: Schema, expected: Schema) => string[];

/**
 * defaultCompare compares two read-back schemas semantically (column order aside, rename hints ignored): the
 * product's own verification comparison (src/pg/compare.ts), and the planner's diff must both find nothing.
 */
export function defaultCompare(actual: Schema, expected: Schema): string[] {
  const verify = compareSchemas(expected, actual);
  const diff = diffSchemas(actual, expected, { renames: false }).map((c) => `diff: ${describeChange(c)}`);
  return [...verify, ...diff];
}

async function runPre(db: Driver, pre: string | undefined): Promise<void> {
  if (!pre?.trim()) return;
  try {
    await db.exec(pre);
  } catch {
    // roles and other cluster-wide objects survive a reset: run statement by statement, ignoring duplicates
    for (const stmt of pre.split(/;\s*\n/)) {
      if (!stmt.trim()) continue;
      try {
        await db.exec(stmt);
      } catch {
        /* already exists */
      }
    }
  }
}

async function load(db: Driver, c: Case, ddl: string): Promise<void> {
  await runPre(db, c.pre);
  if (!ddl.trim()) return;
  // roles are cluster-wide: one that an earlier load of this case made (b before a, b again) is made again here
  const again = [...ddl.matchAll(CREATE_ROLE)].map((m) => (m[1]!.startsWith('"') ? m[1]! : m[1]!.toLowerCase()));
  const exist = again.length
    ? await db.query<{ r: string; q: string }>('SELECT rolname AS r, quote_ident(rolname) AS q FROM pg_roles')
    : [];
  const drop = exist.filter((e) => again.includes(e.q) || again.includes(`"${e.q}"`)).map((e) => quoteIdent(e.r));
  if (drop.length) await db.exec(`DROP OWNED BY ${drop.join(', ')} CASCADE; DROP ROLE ${drop.join(', ')};`);
  // a side printed by pg_dump (15.14+ writes `\restrict KEY`) loads as `import --sql` loads it: psql meta-commands
  // and session settings (an empty search_path would qualify every later name) blanked out
  await db.exec(PSQL_META.test(ddl) ? prepareDumpScript(ddl).sql : ddl);
}

/** PSQL_META finds a line that starts with a psql meta-command (`\restrict`, `\connect`...): the side is a dump. */
const PSQL_META = /^\\[A-Za-z]/m;

/**
 * CLUSTER_WIDE finds statements that change what every database of the cluster shares (roles, their memberships and
 * settings, databases, tablespaces, their comments and labels): a reset leaves them, so the later loads of a case see
 * them. A membership GRANT or REVOKE is one without ON. Written loosely (CREATE USER MAPPING matches): a match only
 * costs a case the second database.
 */
const CLUSTER_WIDE =
  /\b(?:CREATE|ALTER|DROP)\s+(?:ROLE|USER|GROUP|DATABASE|TABLESPACE)\b|\bALTER\s+SYSTEM\b|\bCOMMENT\s+ON\s+(?:ROLE|DATABASE|TABLESPACE)\b|\bSECURITY\s+LABEL\b|\b(?:GRANT|REVOKE)\b(?:(?!\bON\b)[^;])*?\b(?:TO|FROM)\b/i;

/** CREATE_ROLE finds the roles a script creates (name as written: quoted or a plain word). */
const CREATE_ROLE = /\bCREATE\s+(?:ROLE|USER|GROUP)\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)/gi;

/**
 * applySteps runs each step on its own (so a new enum value is committed before a later step uses it); a step that
 * cannot run in a transaction (an online plan's CONCURRENTLY or batched backfill) runs statement by statement, as
 * the online deploy runs it.
 */
async function applySteps(
  db: Driver,
  steps: readonly { what: string; sql: readonly string[] | null; transactional?: boolean }[],
): Promise<string | undefined> {
  // under the settings a deploy pins (a loaded pg_dump script may have emptied search_path), the session's given back;
  // read and pinned in one round trip
  const [[was]] = await queryAll(db, [SETTINGS_CHECK_SQL, ...settingsSql(false)]);
  try {
    for (const s of steps) {
      if (s.sql === null) return `irreversible step: ${s.what}`;
      try {
        if (s.transactional === false) for (const x of s.sql) await db.exec(x);
        else await db.exec(s.sql.map((x) => x + ';').join('\n'));
      } catch (e) {
        return `step "${s.what}" failed: ${(e as Error).message}`;
      }
    }
    return undefined;
  } finally {
    await restoreSettings(db, was);
  }
}

/** restoreSettings gives the session back the pinned settings' values `was` read: in one query, one by one if that fails. */
async function restoreSettings(db: Driver, was: Record<string, unknown> | undefined): Promise<void> {
  const back = PINNED_SETTINGS.filter(([name]) => was?.[name] !== undefined).map(([name]) => [
    name,
    String(was![name]),
  ]);
  if (!back.length) return;
  const sql = `SELECT ${back.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, false)`).join(', ')}`;
  if (
    await db.query(sql, back.flat()).then(
      () => true,
      () => false,
    )
  )
    return;
  for (const [name, value] of back)
    await db.query('SELECT set_config($1, $2, false)', [name, value]).catch(() => undefined);
}

function first(lines: readonly string[], n = 4): string {
  return lines.slice(0, n).join('; ') + (lines.length > n ? `; ... (${lines.length - n} more)` : '');
}

/** RunOptions: `online` proves the online-safe form of each plan (plan/online.ts), as `--online` deploys it. */
export interface RunOptions {
  readonly online?: boolean;
}

/**
 * runCase proves one case; never throws (problems become `error` outcomes). A direction passes only when the
 * model comparison finds nothing AND PostgreSQL's catalog fingerprint (src/pg/fingerprint.ts) is identical.
 */
export async function runCase(
  dbs: CaseDb,
  c: Case,
  introspect: Introspector,
  compare: Comparer = defaultCompare,
  opts: RunOptions = {},
): Promise<CaseResult> {
  const t0 = Date.now();
  const done = (up: Outcome, down: Outcome, message: string, upSql = '', downSql = ''): CaseResult => ({
    id: c.id,
    up,
    down,
    message,
    ms: Date.now() - t0,
    upSql,
    downSql,
  });
  const stage = { now: 'load b' };
  // roles and other cluster-wide objects one side makes are there when the other side loads in the same database:
  // a case that makes some runs in one database, as before (its loads one after another, each after a reset)
  const bDb = dbs.other && !CLUSTER_WIDE.test(`${c.a}\n${c.b}`) ? dbs.other : undefined;
  try {
    const b = await loadSide(bDb ?? dbs, c, 'b', introspect, true);
    if ('error' in b) return done('error', 'error', b.error);
    stage.now = 'load a';
    const a = await loadSide(dbs, c, 'a', introspect, bDb !== undefined);
    if ('error' in a) return done('error', 'error', a.error);
    // an object the model cannot express blocks the case only when it differs between A and B
    const changed = changedUnmanaged(a.schema, b.schema);
    if (changed.length) return done('unsupported', 'unsupported', first(changed.map((m) => `not supported: ${m}`)));
    stage.now = 'plan';
    const { plan, upSql, downSql, online } = planCase(a.schema, applyRenameHints(b.schema, findRenameHints(c.b)), opts);
    stage.now = 'up';
    const w: Witness = { introspect, compare };
    const upErr = await proveUp(a.db, plan.steps, b, w);
    stage.now = 'down';
    const freshB = bDb ? async () => b.db : undefined;
    const downErr = await proveDownTwice(dbs, c, a.db, plan.steps, upErr === undefined, a, w, stage, freshB);
    let message = upErr ?? '';
    if (downErr) message += `${message ? ' | ' : ''}${downErr}`;
    return { ...done(upErr ? 'fail' : 'pass', downErr ? 'fail' : 'pass', message, upSql, downSql), online };
  } catch (e) {
    const err = e as Error & { code?: string };
    if (/RuntimeError|unreachable|Aborted|memory access/i.test(`${err.name} ${err.message}`)) await dbs.discard();
    return done('error', 'error', `${stage.now}: ${err.message}`);
  }
}

/** CaseModels are the two ends of a case as the introspector reads them (what planning needs, without a proof). */
export interface CaseModels {
  readonly a: Schema;
  readonly b: Schema;
}

/** PlannedCase is a case's plan and scripts without a proof, or why it has none (unsupported object changed). */
export type PlannedCase = ({ readonly id: string } & Planned) | { readonly id: string; readonly skipped: string };

/** loadCaseModels loads both sides of a case as runCase does and reads them back; a side that does not load is an error string. */
export async function loadCaseModels(dbs: CaseDb, c: Case, introspect: Introspector): Promise<CaseModels | string> {
  try {
    const b = await loadSide(dbs, c, 'b', introspect, true, false);
    if ('error' in b) return b.error;
    const a = await loadSide(dbs, c, 'a', introspect, false, false);
    if ('error' in a) return a.error;
    return { a: a.schema, b: b.schema };
  } catch (e) {
    await dbs.discard();
    return `error: ${(e as Error).message}`;
  }
}

/**
 * planCaseModels plans A -> B of a case from its models as runCase does (sqldef's rename hints, `online`), without
 * running the plan: what a linter of the generated scripts needs.
 */
export function planCaseModels(c: Case, m: CaseModels, opts: RunOptions = {}): PlannedCase {
  const changed = changedUnmanaged(m.a, m.b);
  if (changed.length) return { id: c.id, skipped: `not supported: ${changed[0]!}` };
  return { id: c.id, ...planCase(m.a, applyRenameHints(m.b, findRenameHints(c.b)), opts) };
}

/** Side is one end of a case loaded into a clean database: the database, its model and its catalog fingerprint. */
interface Side {
  readonly db: Awaited<ReturnType<CaseDb['clean']>>;
  readonly schema: Schema;
  readonly fp: Awaited<ReturnType<typeof catalogFingerprint>>;
}

/** Witness is how a migrated database is compared with its expected end: the model and PostgreSQL's own text. */
interface Witness {
  readonly introspect: Introspector;
  readonly compare: Comparer;
}

/** loadSide loads `pre` + side `which` of the case into a clean database (`first`: the first load of the case). */
async function loadSide(
  dbs: CaseDb,
  c: Case,
  which: 'a' | 'b',
  introspect: Introspector,
  first: boolean,
  fingerprint = true,
): Promise<Side | { error: string }> {
  const db = await dbs.clean(first);
  try {
    await load(db, c, c[which]);
  } catch (e) {
    return { error: `${which} does not load: ${(e as Error).message}` };
  }
  if (!fingerprint) return { db, schema: (await introspect(db)).schema, fp: [] };
  return { db, ...(await readState(db, introspect)) };
}

/**
 * readState reads a database's model and its catalog fingerprint (PostgreSQL's own text for every object: a second
 * witness that needs no model), their queries sharing round trips (trips.ts). The fingerprint is asked first: its
 * first statement sets search_path to `public`, so introspection, whose first statement comes after it in the same
 * round trip, finds it so and leaves it as it is (a switch it made back at its end would change the path under the
 * fingerprint's queries still to come). A failure of introspection is reported first, as when it ran first.
 */
async function readState(db: Side['db'], introspect: Introspector): Promise<Pick<Side, 'schema' | 'fp'>> {
  const shared = sharedTrips(db);
  const fp = catalogFingerprint(shared);
  const model = introspect(shared);
  const [m, f] = await Promise.allSettled([model, fp]);
  if (m.status === 'rejected') throw m.reason;
  if (f.status === 'rejected') throw f.reason;
  return { schema: m.value.schema, fp: f.value };
}

/** planCase plans A -> B (the online form when asked and there is one) and renders both scripts. */
/** Planned is a case's plan and scripts; `online`: the online rewrite changed the plan (`--online` only). */
interface Planned {
  readonly plan: Plan;
  readonly upSql: string;
  readonly downSql: string;
  readonly online: boolean;
}

function planCase(A: Schema, B: Schema, opts: RunOptions): Planned {
  const classic = planMigration(A, B);
  const rewritten = opts.online ? onlinePlan(classic, A, B) : undefined;
  const plan = rewritten?.online ? rewritten : classic;
  const upSql = rewritten?.online ? renderOnline(plan, 'up') : renderUp(plan);
  const downSql = rewritten?.online ? renderOnline(plan, 'down') : renderDown(plan);
  // --online: the scripts as the online deploy runs them (each step its own transaction, a plan with nothing to
  // rewrite one transaction), so a linter that judges locks per transaction reads what runs
  const online = rewritten?.online === true;
  if (opts.online) return { plan, upSql: deployedScript(upSql), downSql: deployedScript(downSql), online };
  return { plan, upSql: pinned(upSql), downSql: pinned(downSql), online };
}

/**
 * pinned writes a script as a deploy runs it: under the session settings every connection that runs a migration pins
 * (sql/settings.ts), so a reader that applies it to a database whose session a pg_dump script changed (its
 * `set_config('search_path', '', false)`) resolves the unqualified names of view queries and bodies as the proof did;
 * the session's own values are given back at the end, as a deploy's SET LOCAL ends with its transaction.
 */
function pinned(script: string): string {
  if (!script.trim()) return script;
  const names = PINNED_SETTINGS.map(([name]) => name);
  const keep = (name: string) => quoteLiteral(`schemaver.session_${name}`);
  return [
    "-- the session settings schemaver pins on every connection that runs a migration (the session's are kept)",
    ...names.map((n) => `SELECT set_config(${keep(n)}, current_setting(${quoteLiteral(n)}), false);`),
    ...settingsSql(false).map((x) => `${x};`),
    '',
    script.trimEnd(),
    '',
    '-- the session settings as they were',
    ...names.map((n) => `SELECT set_config(${quoteLiteral(n)}, current_setting(${keep(n)}), false);`),
    '',
  ].join('\n');
}

/** differences lists how `db` differs from `want` by both witnesses. */
async function differences(db: Side['db'], want: Pick<Side, 'schema' | 'fp'>, w: Witness): Promise<string[]> {
  const got = await readState(db, w.introspect);
  return [...w.compare(got.schema, want.schema), ...fingerprintDiff(want.fp, got.fp)];
}

/** proveUp runs the steps on A's database and compares it with B; the failure message, or undefined. */
async function proveUp(db: Side['db'], steps: readonly Step[], b: Side, w: Witness): Promise<string | undefined> {
  const upErr = await applySteps(db, steps);
  if (upErr) return `up: ${upErr}`;
  const diff = await differences(db, b, w);
  return diff.length ? `up: mismatch: ${first(diff)}` : undefined;
}

/**
 * proveDownTwice runs the undo of every step, last first: on the database up just migrated when up passed, and on
 * B built from nothing (a sequence's position or other state up leaves behind must not be what makes down pass).
 */
async function proveDownTwice(
  dbs: CaseDb,
  c: Case,
  migrated: Side['db'],
  steps: readonly Step[],
  upPassed: boolean,
  a: Side,
  w: Witness,
  stage: { now: string },
  loadedB?: () => Promise<Side['db']>,
): Promise<string | undefined> {
  // an undo of a step outside a transaction (DROP INDEX CONCURRENTLY) runs outside one too
  const undo = [...steps].reverse().map((s) => ({
    what: `undo ${s.what}`,
    sql: s.reverse,
    transactional: !(s.reverse ?? []).some(isNonTransactional),
  }));
  const proveDown = async (db: Side['db'], where: string): Promise<string | undefined> => {
    const downErr = await applySteps(db, undo);
    if (downErr) return `down${where}: ${downErr}`;
    const diff = await differences(db, a, w);
    return diff.length ? `down${where}: mismatch: ${first(diff)}` : undefined;
  };
  const freshB =
    loadedB ??
    (async () => {
      const db = await dbs.clean();
      await load(db, c, c.b);
      return db;
    });
  if (!upPassed) return proveDown(await freshB(), '');
  const downErr = await proveDown(migrated, '');
  if (downErr) return downErr;
  stage.now = 'down on fresh b';
  return proveDown(await freshB(), ' (on b built from nothing)');
}

/**
 * RESET_SQL drops every user schema but `public`, every extension, procedural language, transform, access method, event trigger,
 * cast and large object, resets default privileges, and
 * empties `public` object by object (tables, views, sequences, routines, types: CASCADE takes what hangs on them).
 * `public` itself is kept when nothing depends on it any more and it is as initdb made it (owner, ACL, comment):
 * creating or dropping a schema invalidates every cached plan of the session (plancache's namespace callback), and
 * the catalog reads a case repeats run from cached plans (pool.ts). Anything left in or on `public` (an operator,
 * default privileges in it, a grant or comment on it...) makes it dropped and created again as before: what the
 * reset leaves is the same either way, an empty `public` as initdb makes it.
 */
export const RESET_SQL = `
DO $reset$ DECLARE r record; pub oid; list text; BEGIN
  PERFORM set_config('search_path', 'pg_catalog', true);
  -- generic plans: the queries below take the block's variables (pub, r.kinds) as parameters, and PL/pgSQL would plan
  -- a custom plan at every call, so the reset function (pool.ts) kept none of its plans from one reset to the next
  PERFORM set_config('plan_cache_mode', 'force_generic_plan', true);
  FOR r IN SELECT evtname FROM pg_event_trigger LOOP EXECUTE format('DROP EVENT TRIGGER %I', r.evtname); END LOOP;
  -- a table or materialized view with an index of an operator class made after initdb (an extension's, pg_trgm's
  -- gist_trgm_ops) goes first: DROP EXTENSION ... CASCADE drops the class's functions before the index, whose drop
  -- then fails (cache lookup failed for function), and the pool replaced the database
  FOR r IN SELECT * FROM (VALUES (1, 'TABLE', 'rp'), (2, 'MATERIALIZED VIEW', 'm')) AS k(o, what, kinds) ORDER BY o LOOP
    SELECT string_agg(c.oid::regclass::text, ', ') INTO list FROM pg_class c
    WHERE c.oid >= 16384 AND strpos(r.kinds, c.relkind::text) > 0
      AND EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND EXISTS (SELECT 1 FROM unnest(x.indclass::oid[]) oc WHERE oc >= 16384))
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');
    IF list IS NOT NULL THEN EXECUTE format('DROP %s %s CASCADE', r.what, list); END IF;
  END LOOP;
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP EXECUTE format('DROP EXTENSION %I CASCADE', r.extname); END LOOP;
  -- a procedural language (CREATE LANGUAGE) hangs on no schema either: left, it showed up in every later case
  FOR r IN SELECT lanname FROM pg_language WHERE oid >= 16384 LOOP EXECUTE format('DROP LANGUAGE %I CASCADE', r.lanname); END LOOP;
  -- nor does a transform for a built-in type and language, an access method or a large object: pg_dump's TRANSFORM
  -- FOR int and ACCESS METHOD cases showed up as 'not supported' in every later case
  FOR r IN SELECT tr.trftype::regtype AS t, l.lanname FROM pg_transform tr JOIN pg_language l ON l.oid = tr.trflang
  LOOP EXECUTE format('DROP TRANSFORM FOR %s LANGUAGE %I', r.t, r.lanname); END LOOP;
  FOR r IN SELECT amname FROM pg_am WHERE oid >= 16384 LOOP EXECUTE format('DROP ACCESS METHOD %I CASCADE', r.amname); END LOOP;
  PERFORM lo_unlink(oid) FROM pg_largeobject_metadata;
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public') AND nspname !~ '^pg_(toast_)?temp_'
  LOOP EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname); END LOOP;
  FOR r IN SELECT pubname FROM pg_publication LOOP EXECUTE format('DROP PUBLICATION %I', r.pubname); END LOOP;
  FOR r IN SELECT srvname FROM pg_foreign_server LOOP EXECUTE format('DROP SERVER %I CASCADE', r.srvname); END LOOP;
  FOR r IN SELECT fdwname FROM pg_foreign_data_wrapper LOOP EXECUTE format('DROP FOREIGN DATA WRAPPER %I CASCADE', r.fdwname); END LOOP;
  -- a cast between built-in types (WITHOUT FUNCTION, WITH INOUT) hangs on no schema: no drop above takes it. A cast
  -- PostgreSQL made for a range type in public (to its multirange) is the type's, and goes with it below
  FOR r IN SELECT castsource::regtype AS s, casttarget::regtype AS t FROM pg_cast ca WHERE ca.oid >= 16384
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = ca.oid AND d.deptype = 'i')
  LOOP EXECUTE format('DROP CAST (%s AS %s)', r.s, r.t); END LOOP;
  -- global default privileges (IN SCHEMA ones went with their schemas): back to PostgreSQL's default, which removes them
  FOR r IN SELECT pg_get_userbyid(d.defaclrole) AS role, d.defaclobjtype::text AS t,
      (ARRAY['TABLES', 'SEQUENCES', 'FUNCTIONS', 'TYPES', 'SCHEMAS'])[position(d.defaclobjtype::text IN 'rSfTn')] AS k,
      (SELECT string_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, ', ')
       FROM aclexplode(d.defaclacl) a WHERE a.grantee <> d.defaclrole) AS gs
    FROM pg_default_acl d WHERE d.defaclnamespace = 0
  LOOP
    IF r.gs IS NOT NULL THEN EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE ALL ON %s FROM %s', r.role, r.k, r.gs); END IF;
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT ALL ON %s TO %I', r.role, r.k, r.role);
    IF r.t IN ('f', 'T') THEN EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT ALL ON %s TO PUBLIC', r.role, r.k); END IF;
  END LOOP;
  -- public emptied kind by kind, each list read after the drops before it (an object CASCADE took is not named);
  -- what belongs to another object (an owned sequence, a range's constructors, an array type) goes with that object.
  -- initdb puts nothing in public (and a public made again is a user schema): what is in it has a user oid, which the
  -- oid index finds without scanning the 3,000 built-in functions
  SELECT oid INTO pub FROM pg_namespace WHERE nspname = 'public';
  IF pub IS NOT NULL THEN
    FOR r IN SELECT * FROM (VALUES (1, 'TABLE', 'rp'), (2, 'VIEW', 'v'), (3, 'MATERIALIZED VIEW', 'm'), (4, 'FOREIGN TABLE', 'f'), (5, 'SEQUENCE', 'S')) AS k(o, what, kinds) ORDER BY o LOOP
      SELECT string_agg(format('%I.%I', 'public', c.relname), ', ') INTO list FROM pg_class c
      WHERE c.oid >= 16384 AND c.relnamespace = pub AND strpos(r.kinds, c.relkind::text) > 0 AND NOT c.relispartition
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e')
          AND d.objsubid = 0 AND d.refobjid <> c.oid);
      IF list IS NOT NULL THEN EXECUTE format('DROP %s %s CASCADE', r.what, list); END IF;
    END LOOP;
    SELECT string_agg(p.oid::regprocedure::text, ', ') INTO list FROM pg_proc p WHERE p.oid >= 16384 AND p.pronamespace = pub
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype IN ('a', 'i', 'e')
          AND d.objsubid = 0 AND d.refobjid <> p.oid);
    IF list IS NOT NULL THEN EXECUTE format('DROP ROUTINE %s CASCADE', list); END IF;
    FOR r IN SELECT * FROM (VALUES (1, 'DOMAIN', 'd'), (2, 'TYPE', 'ecr')) AS k(o, what, kinds) ORDER BY o LOOP
      SELECT string_agg(format('%I.%I', 'public', t.typname), ', ') INTO list FROM pg_type t
      WHERE t.oid >= 16384 AND t.typnamespace = pub AND strpos(r.kinds, t.typtype::text) > 0
        AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype IN ('a', 'i', 'e')
          AND d.objsubid = 0 AND d.refobjid <> t.oid);
      IF list IS NOT NULL THEN EXECUTE format('DROP %s %s CASCADE', r.what, list); END IF;
    END LOOP;
    -- kept only when DROP SCHEMA public CASCADE would drop nothing but the schema, and the schema is as initdb made it
    IF EXISTS (SELECT 1 FROM pg_depend WHERE (refclassid = 'pg_namespace'::regclass AND refobjid = pub)
                 OR (classid = 'pg_namespace'::regclass AND objid = pub))
       OR EXISTS (SELECT 1 FROM pg_shdepend WHERE classid = 'pg_namespace'::regclass AND objid = pub)
       OR EXISTS (SELECT 1 FROM pg_class WHERE oid >= 16384 AND relnamespace = pub)
       OR EXISTS (SELECT 1 FROM pg_type WHERE oid >= 16384 AND typnamespace = pub)
       OR EXISTS (SELECT 1 FROM pg_proc WHERE oid >= 16384 AND pronamespace = pub)
       OR EXISTS (SELECT 1 FROM pg_namespace n WHERE n.oid = pub AND (n.nspowner <> 'pg_database_owner'::regrole
            OR n.nspacl::text IS DISTINCT FROM '{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}'
            OR obj_description(n.oid, 'pg_namespace') IS DISTINCT FROM 'standard public schema'))
    THEN
      DROP SCHEMA public CASCADE;
      pub := NULL;
    END IF;
  END IF;
  IF pub IS NULL THEN
    CREATE SCHEMA public;
    COMMENT ON SCHEMA public IS 'standard public schema';
    ALTER SCHEMA public OWNER TO pg_database_owner;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
  END IF;
END $reset$;
RESET ALL;
`;
