import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { paint } from '../cli/term.js';
import { renderImport, unsupportedNote } from '../cli/import.js';
import { importSchema, type ImportResult } from '../app/import.js';

/** Import reads an existing database or DDL file into schema/ YAML (a baseline to commit). */
export default class Import extends BaseCommand {
  static override summary =
    'Read an existing database (--url) or DDL file (--sql) into schema/ YAML, as a baseline to commit.';
  static override description = `With --sql, the file (plain DDL, or \`pg_dump --schema-only\` output as printed: its psql meta-commands such as \\restrict and its SET lines are skipped, and said so; so are server tooling extensions PGlite lacks, such as pg_stat_statements, and any extension --exclude extension:NAME names) is loaded into a fresh in-process PGlite (PostgreSQL 18) and its catalog is read back; with --url (or DATABASE_URL), the catalog of that server is read. Every object goes into schema/*.yaml: one file per schema by default, or one per table with --layout per-table. Files start with a yaml-language-server line so editors validate them.

Aggregates, range types, rules, event triggers, publications, statistics objects, collations, casts, operators, text search objects, foreign-data wrappers, servers, user mappings and foreign tables go under \`objects:\` as PostgreSQL's own definitions (never a password). Objects schemaver does not model yet (column attribute options such as n_distinct...) are listed and kept under \`unmanaged:\` by name and state: they pass through every plan untouched while unchanged. Leave objects out with --exclude KIND:PATTERN (repeatable) or \`exclude:\` in schemaver.yaml. Owners are not written unless --owners asks for them (then \`owner:\` names the role owning each object the connecting role does not own; an object without \`owner:\` is owned by whoever runs the migrations), except the \`public\` schema's when it is not pg_database_owner (without it, the model means pg_database_owner). An existing, non-empty schema/ is only replaced with --force. Next step: \`schemaver commit -m "baseline"\`, and \`schemaver stamp\` the existing database at that commit.`;

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
    const r = await importSchema(
      this.root,
      {
        ...(flags.sql !== undefined ? { sql: flags.sql } : {}),
        ...(url ? { url } : {}),
        layout: flags.layout as 'per-schema' | 'per-table',
        force: flags.force,
        exclude: flags.exclude ?? [],
        owners: flags.owners,
      },
      (t) => this.note(t),
    );
    this.printLines(renderImport(r, paint(process.stdout)));
    const unsupported = unsupportedNote(r, paint(process.stderr));
    if (unsupported) this.note(unsupported);
    return r;
  }
}
