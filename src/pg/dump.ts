/**
 * pg_dump output as printed: psql meta-commands (`\restrict`, `\unrestrict`, `\connect`, ...) are not SQL, and the
 * session settings (`SET ...;`, `SELECT pg_catalog.set_config(...)`) would change how the import reads the catalog
 * back (an empty search_path qualifies every name). They are blanked out before the script is loaded, keeping every
 * other character where it was so PostgreSQL's error positions still point into the user's file.
 */
import { keepArrayCoercion } from '../sql/arraycast.js';
import { splitStatements } from '../sql/split.js';

/** DumpPrep is a script with pg_dump's non-DDL lines blanked out, and what was skipped. */
export interface DumpPrep {
  /** sql: the script to load; same line numbers as the input (same length too, but for whole-array casts kept: wholeArrayCasts). */
  readonly sql: string;
  /** meta: the psql meta-commands skipped (`\restrict`, `\connect`, ...), by command word, in order of first use. */
  readonly meta: readonly string[];
  /** metaCount: how many meta-command lines were skipped. */
  readonly metaCount: number;
  /** settings: how many `SET ...` / `SELECT pg_catalog.set_config(...)` statements were skipped. */
  readonly settings: number;
  /** copy: the script holds `COPY ... FROM stdin` data (a dump made without --schema-only). */
  readonly copy: boolean;
  /** lazyBodies: the script said `SET check_function_bodies = false` (pg_dump does: routines come before tables). */
  readonly lazyBodies: boolean;
  /**
   * literalBackslashes: the script said `SET standard_conforming_strings = off` (pg_dump before 9.1 did, and any dump
   * of a server set so): its '...' literals treat a backslash as an escape, `'\\'` is one backslash. PostgreSQL
   * lexes a whole multi-statement string before running its SETs, so the import sets it before loading the script.
   */
  readonly literalBackslashes: boolean;
  /** leftOut: extensions whose CREATE EXTENSION (and COMMENT ON EXTENSION) were blanked out (see LEAVE_OUT). */
  readonly leftOut: readonly string[];
}

/**
 * SERVER_TOOLING are extensions a server carries for its operators (statistics, repacking, job scheduling) that
 * PGlite does not bundle and that no table, view or routine of an application's schema is built on. Rails writes
 * them into db/structure.sql (`CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA heroku_ext;` on every
 * Heroku app): the import leaves them out, says so, and reads the rest rather than refusing the whole file.
 */
export const SERVER_TOOLING: ReadonlySet<string> = new Set([
  'pg_stat_statements',
  'pg_stat_kcache',
  'pg_qualstats',
  'pg_wait_sampling',
  'pg_repack',
  'pgaudit',
  'pg_cron',
]);

/** DumpOptions: `leaveOut(name)` names more extensions to leave out (`--exclude extension:NAME`), beside SERVER_TOOLING. */
export interface DumpOptions {
  readonly leaveOut?: (extension: string) => boolean;
}

const EXTENSION_STMT =
  /^(?:CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?|COMMENT\s+ON\s+EXTENSION\s+|DROP\s+EXTENSION\s+(?:IF\s+EXISTS\s+)?)("(?:[^"]|"")+"|[A-Za-z_][\w$-]*)/i;

const SETTING = /^(SET\s+(?!CONSTRAINTS\b)|SELECT\s+pg_catalog\.set_config\s*\()/i;

/** prepareDumpScript blanks psql meta-command lines and session-setting statements out of `text`. */
export function prepareDumpScript(text: string, opts: DumpOptions = {}): DumpPrep {
  let s = text;
  const meta: string[] = [];
  let metaCount = 0;
  let settings = 0;
  let copy = false;
  let lazyBodies = false;
  let literalBackslashes = false;
  const leftOut: string[] = [];
  // A meta-command line starts a statement chunk (it has no semicolon, so the splitter glues it to what follows):
  // blank those lines and split again until no chunk starts with a backslash.
  for (let pass = 0; pass < 10_000; pass++) {
    const stmts = splitStatements(s);
    const starts = lineStarts(s);
    let blanked = 0;
    for (const st of stmts) {
      if (!st.sql.startsWith('\\')) continue;
      const from = starts[st.line - 1]!;
      const at = s.indexOf('\\', from);
      const eol = s.indexOf('\n', at);
      const end = eol < 0 ? s.length : eol;
      const word = /^\\[A-Za-z_.!?]*/.exec(s.slice(at, end))?.[0] ?? '\\';
      if (!meta.includes(word)) meta.push(word);
      metaCount++;
      s = blank(s, at, end);
      blanked++;
    }
    if (!blanked) break;
  }
  const starts = lineStarts(s);
  for (const st of splitStatements(s)) {
    if (/^COPY\b[\s\S]*\bFROM\s+stdin\b/i.test(st.sql)) copy = true;
    const ext = EXTENSION_STMT.exec(st.sql)?.[1];
    const extName =
      ext === undefined ? undefined : ext.startsWith('"') ? ext.slice(1, -1).replace(/""/g, '"') : ext.toLowerCase();
    if (extName !== undefined && (SERVER_TOOLING.has(extName) || opts.leaveOut?.(extName))) {
      const at = s.indexOf(st.sql, starts[st.line - 1]!);
      if (at < 0) continue;
      const semi = s.indexOf(';', at + st.sql.length);
      s = blank(s, at, semi < 0 ? at + st.sql.length : semi + 1);
      if (!leftOut.includes(extName)) leftOut.push(extName);
      continue;
    }
    if (!SETTING.test(st.sql)) continue;
    if (/^SET\s+check_function_bodies\s*(=|TO)\s*'?(false|off)'?$/i.test(st.sql)) lazyBodies = true;
    if (/^SET\s+standard_conforming_strings\s*(=|TO)\s*'?(false|off)'?$/i.test(st.sql)) literalBackslashes = true;
    const at = s.indexOf(st.sql, starts[st.line - 1]!);
    if (at < 0) continue;
    const semi = s.indexOf(';', at + st.sql.length);
    s = blank(s, at, semi < 0 ? at + st.sql.length : semi + 1);
    settings++;
  }
  return { sql: wholeArrayCasts(s), meta, metaCount, settings, copy, lazyBodies, literalBackslashes, leftOut };
}

/**
 * wholeArrayCasts writes an older server's IN list over a varchar column, `(ARRAY['a'::character varying])::text[]`,
 * so that PostgreSQL 18 reads the whole-array cast the server had (sql/arraycast.ts), not one cast per literal: the
 * import then reads what `import --url` and a hand-written `IN (...)` read, and hashes the same. Routine bodies are
 * left as written. Statements keep their lines.
 */
function wholeArrayCasts(text: string): string {
  let s = text;
  const starts = lineStarts(s);
  const stmts = splitStatements(s).filter(
    (st) => !/^(CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)|DO)\b/i.test(st.sql),
  );
  for (const st of stmts.reverse()) {
    const kept = keepArrayCoercion(st.sql);
    if (kept === st.sql) continue;
    const at = s.indexOf(st.sql, starts[st.line - 1]!);
    if (at >= 0) s = s.slice(0, at) + kept + s.slice(at + st.sql.length);
  }
  return s;
}

/** skippedNote says once what prepareDumpScript skipped, or undefined when nothing was. */
export function skippedNote(p: DumpPrep): string | undefined {
  const parts: string[] = [];
  if (p.metaCount) parts.push(`${p.metaCount} psql meta-command line(s) (${p.meta.join(', ')})`);
  if (p.settings) parts.push(`${p.settings} session setting(s) (SET ..., SELECT pg_catalog.set_config(...))`);
  const notes: string[] = [];
  if (parts.length) notes.push(`skipped ${parts.join(' and ')}: they are not schema`);
  if (p.leftOut.length)
    notes.push(
      `left out extension(s) ${p.leftOut.join(', ')}: server tooling or excluded, not part of the schema schemaver manages (create them where you manage the server)`,
    );
  return notes.length ? notes.join('\n') : undefined;
}

/** lineStarts lists the offset of each line's first character. */
function lineStarts(s: string): number[] {
  const out = [0];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** blank replaces s[from, to) with spaces, keeping newlines. */
function blank(s: string, from: number, to: number): string {
  return s.slice(0, from) + s.slice(from, to).replace(/[^\n]/g, ' ') + s.slice(to);
}

/** ROLE is one role name as written: a quoted identifier or a plain word. */
const ROLE = String.raw`"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*`;
/** ROLE_LIST is a comma-separated list of roles (GROUP may precede each, as old dumps write it). */
const ROLE_LIST = String.raw`(?:GROUP\s+)?(?:${ROLE})(?:\s*,\s*(?:GROUP\s+)?(?:${ROLE}))*`;
/** ROLE_CLAUSES find the role lists a statement names, by the statement kind that can name them. */
const ROLE_CLAUSES: readonly (readonly [RegExp, RegExp])[] = [
  [/^(GRANT|REVOKE)\b/i, new RegExp(String.raw`\b(?:TO|FROM|GRANTED\s+BY)\s+(${ROLE_LIST})`, 'gi')],
  [
    /^ALTER\s+DEFAULT\s+PRIVILEGES\b/i,
    new RegExp(String.raw`\b(?:FOR\s+(?:ROLE|USER)|TO|FROM)\s+(${ROLE_LIST})`, 'gi'),
  ],
  [/^ALTER\b/i, new RegExp(String.raw`\bOWNER\s+TO\s+(${ROLE})\s*$`, 'gi')],
  [/^CREATE\s+SCHEMA\b/i, new RegExp(String.raw`\bAUTHORIZATION\s+(${ROLE})`, 'gi')],
  [/^(CREATE|ALTER)\s+POLICY\b/i, new RegExp(String.raw`\bTO\s+(${ROLE_LIST})`, 'gi')],
  [/^CREATE\s+USER\s+MAPPING\b/i, new RegExp(String.raw`\bFOR\s+(${ROLE})`, 'gi')],
];
/** CREATE_ROLE is a statement creating a role (the script's own: not created before the load). */
const CREATE_ROLE = new RegExp(String.raw`^\s*CREATE\s+(?:ROLE|USER|GROUP)\s+(${ROLE})`, 'i');
/** NOT_ROLES are the words a role position takes that name no role to create. */
const NOT_ROLES = new Set(['public', 'current_user', 'session_user', 'current_role', 'user', 'group']);

/**
 * rolesNamed lists the roles a DDL script (not creating them itself) grants to, revokes from, hands objects to (OWNER TO, AUTHORIZATION) or
 * names in policies and user mappings, as PostgreSQL spells them (plain words folded to lower case), so a load can
 * create them all before it runs instead of failing once per missing role. Reserved names (PUBLIC, CURRENT_USER,
 * pg_*) are left out.
 */
export function rolesNamed(text: string): string[] {
  const out = new Set<string>();
  const created = new Set<string>();
  const token = new RegExp(String.raw`(?:GROUP\s+)?(${ROLE})`, 'gi');
  const roleName = (word: string) =>
    word.startsWith('"') ? word.slice(1, -1).replace(/""/g, '"') : word.toLowerCase();
  for (const st of splitStatements(text)) {
    const create = CREATE_ROLE.exec(st.sql);
    if (create) created.add(roleName(create[1]!));
    // a policy's expressions come after its roles
    const sql = st.sql.replace(/;\s*$/, '').replace(/\s(USING|WITH\s+CHECK)\s*\([\s\S]*$/i, '');
    const clause = ROLE_CLAUSES.find(([kind]) => kind.test(sql))?.[1];
    if (!clause) continue;
    for (const m of sql.matchAll(clause))
      for (const t of m[1]!.matchAll(token)) {
        const word = t[1]!;
        const name = roleName(word);
        if (!word.startsWith('"') && NOT_ROLES.has(name)) continue;
        if (!name.startsWith('pg_')) out.add(name);
      }
  }
  return [...out].filter((r) => !created.has(r));
}
