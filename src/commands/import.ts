import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { SchemaverError } from '../errors.js';
import { findProjectRoot } from '../app/project.js';
import { paint } from '../cli/term.js';
import { applyExcludes } from '../model/exclude.js';
import { connectionLabel } from '../redact.js';
import { writeSchemaFiles } from '../store/index.js';
import { excludeRules } from '../app/config.js';
import { parseSchemaFiles, readSchemaDir } from '../parse/index.js';
import { checkYamlRoundTrip, countObjects, importSql, importUrl } from '../pg/import.js';
import { writeSchemaYaml } from '../yaml/index.js';
import { keepWords } from '../yaml/preserve.js';

/** ImportResult is what `import --json` prints. */
export interface ImportResult {
  readonly source: string;
  readonly files: readonly string[];
  readonly objects: Readonly<Record<string, number>>;
  readonly unsupported: readonly string[];
  /** skipped: what of pg_dump's output was not schema and was skipped (meta-commands, SET lines), if any. */
  readonly skipped?: string;
}

/** Import reads an existing database or DDL file into schema/ YAML (a baseline to commit). */
export default class Import extends BaseCommand {
  static override summary =
    'Read an existing database (--url) or DDL file (--sql) into schema/ YAML, as a baseline to commit.';
  static override description = `With --sql, the file (plain DDL, or \`pg_dump --schema-only\` output as printed: its psql meta-commands such as \\restrict and its SET lines are skipped, and said so) is loaded into a fresh in-process PGlite (PostgreSQL 18) and its catalog is read back; with --url (or DATABASE_URL), the catalog of that server is read. Every object goes into schema/*.yaml: one file per schema by default, or one per table with --layout per-table. Files start with a yaml-language-server line so editors validate them.

Aggregates, range types, rules, event triggers, publications, statistics objects, collations, casts, operators, text search objects, foreign-data wrappers, servers, user mappings and foreign tables go under \`objects:\` as PostgreSQL's own definitions (never a password). Objects schemaver does not model yet (column attribute options such as n_distinct...) are listed and kept under \`unmanaged:\` by name and state: they pass through every plan untouched while unchanged. Leave objects out with --exclude KIND:PATTERN (repeatable) or \`exclude:\` in schemaver.yaml. Owners are not written unless --owners asks for them (then \`owner:\` names the role owning each object the connecting role does not own; an object without \`owner:\` is owned by whoever runs the migrations). An existing, non-empty schema/ is only replaced with --force. Next step: \`schemaver commit -m "baseline"\`, and \`schemaver stamp\` the existing database at that commit.`;

  static override examples = [
    '<%= config.bin %> import --sql db/structure.sql',
    '<%= config.bin %> import --url postgres://app@localhost/app --layout per-table',
    "<%= config.bin %> import --sql dump.sql --force --exclude 'table:tmp_*' --exclude 'unmanaged:privileges*'",
  ];

  static override flags = {
    sql: Flags.string({
      summary: 'DDL file to load into a fresh PGlite and import.',
      helpValue: 'FILE',
      exclusive: ['url'],
    }),
    url: Flags.string({
      summary: 'PostgreSQL server to import (default DATABASE_URL when --sql is not given).',
      helpValue: 'URL',
      exclusive: ['sql'],
    }),
    layout: Flags.string({
      summary: 'One file per schema, or one per table.',
      options: ['per-schema', 'per-table'],
      default: 'per-schema',
    }),
    force: Flags.boolean({ summary: 'Replace the YAML files of a non-empty schema/.' }),
    'allow-unsupported': Flags.boolean({
      summary: 'Accepted for compatibility: objects schemaver does not model are always kept under `unmanaged:`.',
      hidden: true,
    }),
    owners: Flags.boolean({
      summary:
        'Write `owner:` on every table, view, sequence, function, type and schema not owned by the connecting role (default: owners are not managed).',
    }),
    exclude: Flags.string({
      summary:
        'Leave out objects of KIND whose name matches PATTERN (* and ?); repeatable. Also `exclude:` in schemaver.yaml.',
      helpValue: 'KIND:PATTERN',
      multiple: true,
    }),
  };

  async run(): Promise<ImportResult> {
    const { flags } = await this.parse(Import);
    const url = flags.url ?? (flags.sql === undefined ? process.env.DATABASE_URL : undefined);
    if (flags.sql === undefined && !url) {
      throw new SchemaverError({
        code: 'no-source',
        message: 'nothing to import: give --sql FILE or --url URL',
        hint: 'e.g. `schemaver import --sql db/structure.sql` or `schemaver import --url postgres://user@host/db`',
        exit: 2,
      });
    }
    const root = findProjectRoot(this.root);
    const rules = await excludeRules(root, flags.exclude ?? []);
    const existing = await readSchemaDir(root);
    const declared = existing.length ? parseSchemaFiles(existing).schema : undefined;
    const onlyStarter = declared !== undefined && Object.values(countObjects(declared)).every((n) => n === 0);
    if (existing.length && !onlyStarter && !flags.force) {
      throw new SchemaverError({
        code: 'schema-not-empty',
        message: `schema/ already declares objects in ${existing.length} YAML file(s) (${existing[0]!.path}${existing.length > 1 ? ', ...' : ''})`,
        hint: 'import into an empty schema/, or pass --force to replace those files',
        exit: 2,
      });
    }

    let source: string;
    let result;
    let skipped: string | undefined;
    if (flags.sql !== undefined) {
      const file = resolve(this.root, flags.sql);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new SchemaverError({
          code: 'file-not-found',
          message: `cannot read ${flags.sql}: ${(e as Error).message}`,
          hint: 'check the path of --sql',
          exit: 2,
        });
      }
      source = flags.sql;
      this.note(`loading ${flags.sql} into PGlite...`);
      const read = await importSql(text, flags.sql, { owners: flags.owners ? 'others' : 'none' });
      skipped = read.skipped;
      if (skipped) this.note(skipped);
      result = read;
    } else {
      source = connectionLabel(url!);
      this.note(`reading the catalog of ${source}...`);
      result = await importUrl(url!, { owners: flags.owners ? 'others' : 'none' });
    }

    const schema = applyExcludes(result.schema, rules);
    const unsupported = Object.values(schema.unmanaged ?? {}).map((u) => `${u.what}${u.state ? `: ${u.state}` : ''}`);

    // --force over the user's files: what is unchanged keeps its comments and spelling (checked by the round trip below)
    const files = writeSchemaYaml(schema, { layout: flags.layout as 'per-schema' | 'per-table' }).map((f) => {
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
    await writeSchemaFiles(root, files);

    const objects = countObjects(schema);
    const summary = Object.entries(objects)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${n === 1 ? k.replace(/s$/, '') : k}`)
      .join(', ');
    const c = paint(process.stdout);
    this.print(`imported ${summary || 'an empty schema'} from ${source} into ${files.length} file(s):`);
    for (const f of files) this.print(`  ${f.path}`);
    if (unsupported.length) {
      const w = paint(process.stderr);
      this.note(
        w.yellow(
          `note: ${unsupported.length} object(s) schemaver does not model are kept under \`unmanaged:\` (they pass through while unchanged):`,
        ),
      );
      for (const m of unsupported) this.note(`  ${m}`);
    }
    this.print(c.dim('next: schemaver commit -m "baseline"'));
    return { source, files: files.map((f) => f.path), objects, unsupported, ...(skipped ? { skipped } : {}) };
  }
}
