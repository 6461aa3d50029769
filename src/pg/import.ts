/**
 * Import: read an existing database (a server URL) or a DDL file (loaded into a fresh PGlite) into the model,
 * listing every object the model cannot express. Writing YAML is the command's business (src/yaml).
 */
import { SchemaverError } from '../errors.js';
import { canonicalJson, canonicalize } from '../canon/index.js';
import type { Schema } from '../model/types.js';
import type { SourceFile } from '../parse/index.js';
import { dbMessage } from './build.js';
import { compareSchemas } from './compare.js';
import { introspect, type IntrospectResult, type OwnerMode } from './introspect/index.js';
import { extensionsInSql, freshPglite } from './pglite.js';
import { connectUrl } from './server.js';
import { quoteIdent } from '../sql/quote.js';
import { prepareDumpScript, rolesNamed, skippedNote } from './dump.js';

/** ImportOptions: which owners to write (default none: the project does not manage owners; see OwnerMode). */
export interface ImportOptions {
  readonly owners?: OwnerMode;
  /** leaveOut: extensions to leave out of the loaded script (`--exclude extension:NAME`; see dump.ts SERVER_TOOLING). */
  readonly leaveOut?: (extension: string) => boolean;
}

/** SqlImport is an import read from a DDL file, with what was skipped of pg_dump's output said once. */
export type SqlImport = IntrospectResult & { readonly skipped?: string };

/**
 * importSql loads a DDL script into a fresh PGlite and reads it back; a script PostgreSQL rejects is bad input (exit 2).
 * Roles are cluster objects a DDL file (a pg_dump, say) assumes exist: those its GRANT, REVOKE, OWNER TO,
 * AUTHORIZATION and policy clauses name are created before the load (dump.ts rolesNamed), and one the scan missed is
 * created when PostgreSQL reports it missing and the load retried.
 */
export async function importSql(text: string, file = 'the SQL file', opts: ImportOptions = {}): Promise<SqlImport> {
  const prep = prepareDumpScript(text, opts.leaveOut ? { leaveOut: opts.leaveOut } : {});
  const sql = prep.sql;
  const skipped = skippedNote(prep);
  const roles: string[] = rolesNamed(sql);
  for (let attempt = 0; ; attempt++) {
    const db = await freshPglite({ extensions: extensionsInSql(sql) });
    try {
      const have = new Set((await db.query<{ r: string }>('SELECT rolname AS r FROM pg_roles')).map((x) => x.r));
      for (const r of roles) if (!have.has(r)) await db.exec(`CREATE ROLE ${quoteIdent(r)}`);
      if (prep.lazyBodies) await db.exec('SET check_function_bodies = off');
      if (prep.literalBackslashes) await db.exec('SET standard_conforming_strings = off');
      try {
        await db.exec(sql);
      } catch (e) {
        const role = /^role "((?:[^"]|"")+)" does not exist$/.exec(String((e as Error).message ?? ''))?.[1];
        if (role && attempt < 50 && !roles.includes(role)) {
          roles.push(role);
          continue;
        }
        const pos = (e as { position?: string | number }).position;
        const loc = pos !== undefined ? locate(sql, Number(pos), file) : undefined;
        throw new SchemaverError({
          code: 'sql-failed',
          message: `${file} does not load in PostgreSQL: ${dbMessage(e)}`,
          hint: prep.copy
            ? 'the file holds table data (COPY ... FROM stdin): dump the schema only, `pg_dump --schema-only`, and import that'
            : 'import reads DDL as pg_dump --schema-only prints it (CREATE TABLE ...); fix that statement, or import from the live database with --url',
          ...(loc ? { loc } : {}),
          exit: 2,
          cause: e,
        });
      }
      if (prep.lazyBodies) await db.exec('RESET check_function_bodies');
      if (prep.literalBackslashes) await db.exec('RESET standard_conforming_strings');
      const result = await introspect(db, { owners: opts.owners ?? 'none' });
      return skipped ? { ...result, skipped } : result;
    } finally {
      await db.close();
    }
  }
}

/** locate turns a 1-based character position of a script into file:line:col. */
function locate(text: string, pos: number, file: string): { file: string; line: number; col: number } | undefined {
  if (!Number.isFinite(pos) || pos < 1) return undefined;
  const before = [...text].slice(0, pos - 1).join('');
  const lines = before.split('\n');
  return { file, line: lines.length, col: lines[lines.length - 1]!.length + 1 };
}

/** importUrl reads the catalog of a server (connectUrl failures are exit 3 with the password masked). */
export async function importUrl(url: string, opts: ImportOptions = {}): Promise<IntrospectResult> {
  const db = await connectUrl(url);
  try {
    return await introspect(db, { owners: opts.owners ?? 'none' });
  } finally {
    await db.close();
  }
}

/**
 * checkYamlRoundTrip parses the YAML files written for `schema` and returns every difference from `schema`
 * (empty when the files say exactly what the database holds). `parse` is parseSchemaFiles.
 */
export function checkYamlRoundTrip(
  schema: Schema,
  files: readonly SourceFile[],
  parse: (files: readonly SourceFile[]) => { schema?: Schema; issues: readonly { message: string }[] },
): string[] {
  const parsed = parse(files);
  if (!parsed.schema) return parsed.issues.map((i) => `the written YAML does not parse: ${i.message}`);
  if (canonicalJson(parsed.schema) === canonicalJson(schema)) return [];
  const diff = compareSchemas(canonicalize(schema), canonicalize(parsed.schema));
  return diff.length ? diff : ['the written YAML describes a different schema (canonical forms differ)'];
}

/** countObjects summarises a schema for people: `12 tables, 3 views, 2 enums`. */
export function countObjects(schema: Schema): Record<string, number> {
  return {
    extensions: Object.keys(schema.extensions).length,
    schemas: Object.keys(schema.schemas).length,
    enums: Object.keys(schema.enums).length,
    composites: Object.keys(schema.composites).length,
    domains: Object.keys(schema.domains).length,
    sequences: Object.keys(schema.sequences).length,
    tables: Object.keys(schema.tables).length,
    views: Object.keys(schema.views).length,
    functions: Object.keys(schema.functions).length,
    objects: Object.keys(schema.objects ?? {}).length,
    'unmanaged objects': Object.keys(schema.unmanaged ?? {}).length,
  };
}
