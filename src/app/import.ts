/**
 * The import service: a database (--url) or a DDL file (--sql, loaded into PGlite) read back into schema/ YAML, as
 * a baseline to commit. The YAML written must parse back to the imported schema before anything is written.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SchemaverError } from '../errors.js';
import type { Schema } from '../model/types.js';
import { applyExcludes } from '../model/exclude.js';
import { connectionLabel } from '../redact.js';
import { parseSchemaFiles, readSchemaDir, type SourceFile } from '../parse/index.js';
import { checkYamlRoundTrip, countObjects, importSql, importUrl } from '../pg/import.js';
import { writeSchemaYaml } from '../yaml/index.js';
import { keepWords } from '../yaml/preserve.js';
import { openStore, writeSchemaFiles } from '../store/index.js';
import { excludeRules } from './config.js';
import { findProjectRoot } from './project.js';

/** ImportResult is what `import --json` prints. */
export interface ImportResult {
  readonly source: string;
  readonly files: readonly string[];
  readonly objects: Readonly<Record<string, number>>;
  readonly unsupported: readonly string[];
  /** head: the commit the store's HEAD is at, when it has one (the import is then a change to commit, not a baseline). */
  readonly head?: string;
  /** skipped: what of pg_dump's output was not schema and was skipped (meta-commands, SET lines), if any. */
  readonly skipped?: string;
}

/** ImportRequest is what the command asks for: --sql FILE (relative to `cwd`) or a URL, the layout, --force and --exclude rules. */
export interface ImportRequest {
  readonly sql?: string;
  readonly url?: string;
  readonly layout: 'per-schema' | 'per-table';
  readonly force: boolean;
  readonly exclude: readonly string[];
  /** owners: write `owner:` for objects the connecting role does not own (--owners). */
  readonly owners: boolean;
}

/** importSchema reads the source and writes schema/*.yaml; `note` tells people what is happening (stderr). */
export async function importSchema(
  cwd: string,
  req: ImportRequest,
  note: (text: string) => void,
): Promise<ImportResult> {
  if (req.sql === undefined && !req.url) {
    throw new SchemaverError({
      code: 'no-source',
      message: 'nothing to import: give --sql FILE or --url URL',
      hint: 'e.g. `schemaver import --sql db/structure.sql` or `schemaver import --url postgres://user@host/db`',
      exit: 2,
    });
  }
  const root = findProjectRoot(cwd);
  const rules = await excludeRules(root, req.exclude);
  const existing = await readSchemaDir(root);
  refuseOverwrite(existing, req.force);
  const read = await readSource(cwd, req, note, (ext) =>
    rules.some((r) => (r.kind === 'extension' || r.kind === '*') && r.pattern.test(ext)),
  );
  const schema = applyExcludes(read.schema, rules);
  const unsupported = Object.values(schema.unmanaged ?? {}).map((u) => `${u.what}${u.state ? `: ${u.state}` : ''}`);
  const files = yamlOf(schema, req.layout, existing);
  await writeSchemaFiles(root, files);
  const head = await openStore(root).then(
    (s) => s.head(),
    () => undefined,
  );
  return {
    source: read.source,
    files: files.map((f) => f.path),
    objects: countObjects(schema),
    unsupported,
    ...(head ? { head } : {}),
    ...(read.skipped ? { skipped: read.skipped } : {}),
  };
}

/** refuseOverwrite refuses (exit 2) to replace a schema/ that declares objects, unless --force. */
function refuseOverwrite(existing: readonly SourceFile[], force: boolean): void {
  if (!existing.length || force) return;
  const declared = parseSchemaFiles(existing).schema;
  const onlyStarter = declared !== undefined && Object.values(countObjects(declared)).every((n) => n === 0);
  if (onlyStarter) return;
  throw new SchemaverError({
    code: 'schema-not-empty',
    message: `schema/ already declares objects in ${existing.length} YAML file(s) (${existing[0]!.path}${existing.length > 1 ? ', ...' : ''})`,
    hint: 'import into an empty schema/, or pass --force to replace those files',
    exit: 2,
  });
}

/** readSource reads the catalog of the server, or of PGlite after running the DDL file. */
async function readSource(
  cwd: string,
  req: ImportRequest,
  note: (text: string) => void,
  leaveOut?: (extension: string) => boolean,
): Promise<{ source: string; schema: Schema; skipped?: string }> {
  if (req.sql === undefined) {
    const source = connectionLabel(req.url!);
    note(`reading the catalog of ${source}...`);
    return { source, schema: (await importUrl(req.url!, { owners: req.owners ? 'others' : 'none' })).schema };
  }
  let text: string;
  try {
    text = await readFile(resolve(cwd, req.sql), 'utf8');
  } catch (e) {
    throw new SchemaverError({
      code: 'file-not-found',
      message: `cannot read ${req.sql}: ${(e as Error).message}`,
      hint: 'check the path of --sql',
      exit: 2,
    });
  }
  note(`loading ${req.sql} into PGlite...`);
  const read = await importSql(text, req.sql, {
    owners: req.owners ? 'others' : 'none',
    ...(leaveOut ? { leaveOut } : {}),
  });
  if (read.skipped) note(read.skipped);
  return { source: req.sql, schema: read.schema, ...(read.skipped ? { skipped: read.skipped } : {}) };
}

/** yamlOf writes the schema as YAML files, keeping the comments and spelling of what is unchanged in the files it
 * replaces (--force), and refuses (exit 3, nothing written) YAML that would not read back as the same schema. */
function yamlOf(schema: Schema, layout: ImportRequest['layout'], existing: readonly SourceFile[]): SourceFile[] {
  const files = writeSchemaYaml(schema, { layout }).map((f) => {
    const previous = existing.find((e) => e.path === f.path);
    return previous ? { path: f.path, text: keepWords(previous.text, f.text, f.path) } : f;
  });
  const mismatch = checkYamlRoundTrip(schema, files, parseSchemaFiles);
  if (mismatch.length) {
    throw new SchemaverError({
      code: 'import-round-trip',
      message: `the YAML written for this schema would not say the same thing:\n  ${mismatch.slice(0, 20).join('\n  ')}`,
      hint: 'this is a bug in schemaver; nothing was written. Please report it with the DDL that triggers it',
      data: { mismatch },
      exit: 3,
    });
  }
  return files;
}
