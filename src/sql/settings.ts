/**
 * The session settings generated SQL is written for, pinned on every connection that runs it (as pg_dump pins
 * them at the top of every dump): a server, database or role default must never change what a statement means.
 *
 * - standard_conforming_strings = on: `'a\'` is the string `a\`. With it off, a backslash escapes the next quote and
 *   a literal or expression written for `on` can end early and run what follows (quoteLiteral writes E'' strings
 *   for values with backslashes, but user-written expressions, defaults and view queries rely on this setting).
 * - client_encoding = UTF8: the scripts are UTF-8 text; in some client encodings (SJIS, BIG5, GBK) a backslash
 *   byte can be the second byte of a character.
 * - check_function_bodies = on: the PGlite proof validates function bodies, so deploys do too (pg_dump turns it off
 *   because a dump creates functions before the tables they use; schemaver's proven order does not need that).
 * - search_path = public: DDL qualifies every name it writes, but expressions, view queries and function bodies
 *   written in YAML use unqualified names that the proof resolved with `public` (and pg_catalog) in the path;
 *   a role whose `"$user"` schema exists, or a changed default, must not resolve them elsewhere. Read-back
 *   expressions are printed relative to this path too.
 */
import { quoteLiteral } from './quote.js';

/** PINNED_SETTINGS are the settings and the values (as current_setting() reports them) every connection pins. */
export const PINNED_SETTINGS: readonly (readonly [name: string, value: string])[] = [
  ['standard_conforming_strings', 'on'],
  ['client_encoding', 'UTF8'],
  ['check_function_bodies', 'on'],
  ['search_path', 'public'],
];

/** settingsSql writes the SET statements that pin PINNED_SETTINGS, for the session or (`local`) the transaction. */
export function settingsSql(local: boolean): string[] {
  return PINNED_SETTINGS.map(([name, value]) => `SET ${local ? 'LOCAL ' : ''}${name} = ${settingValue(name, value)}`);
}

/** settingValue writes a setting's value as SET reads it (all values here are plain words). */
function settingValue(name: string, value: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(value)) throw new Error(`setting ${name}: unexpected value ${value}`);
  return name === 'client_encoding' ? quoteLiteral(value) : value;
}

/** SETTINGS_CHECK_SQL reads back the pinned settings in one row (columns named after the settings). */
export const SETTINGS_CHECK_SQL = `SELECT ${PINNED_SETTINGS.map(([name]) => `current_setting(${quoteLiteral(name)}) AS ${name}`).join(', ')}`;

/** unpinned lists the settings a SETTINGS_CHECK_SQL row shows with another value than the pinned one. */
export function unpinned(row: Readonly<Record<string, unknown>> | undefined): string[] {
  return PINNED_SETTINGS.filter(([name, value]) => String(row?.[name] ?? '').toLowerCase() !== value.toLowerCase()).map(
    ([name, value]) => `${name} is ${row?.[name] === undefined ? 'unknown' : String(row[name])}, not ${value}`,
  );
}

/**
 * LEXING_CHECK_SQL fails unless the statement itself was read with standard_conforming_strings on (`'\\'` is then
 * two characters). psql reads a script statement by statement, so the SETs above it already apply; a tool that sends
 * the whole script as one query string has it all parsed before any SET runs, and this stops it before anything
 * written for the other setting can run.
 */
export const LEXING_CHECK_SQL = `SELECT CAST(CASE WHEN length('\\\\') = 2 THEN 'true' ELSE 'this script was read with standard_conforming_strings off: run it with psql -f, or turn the setting on first' END AS boolean) AS read_as_written`;
