import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import type { CommitResult } from '../app/commit.js';
import { run } from '../cli/verbs/commit.js';

export type { CommitResult } from '../app/commit.js';

/** Commit snapshots schema/ with a verified migration from HEAD. */
export default class Commit extends BaseCommand {
  static override summary =
    'Snapshot schema/ as a new commit, with a generated and verified up/down migration from HEAD.';
  static override description = `Validates schema/ (exit 2 on any problem, nothing written), refuses when it equals HEAD (exit 1, "nothing to commit"), plans the migration from HEAD (from nothing for the first commit), and proves it in an in-process PGlite: up turns HEAD's schema into the new one, down turns it back. A failed proof refuses the commit.

A commit whose schema equals HEAD's is still possible in two cases: --up (and --down) SQL with no schema change is a data-only commit (a backfill), proven in PGlite to keep the schema and run by \`upgrade\` in order; and an edit of comments or formatting alone is committed with no migration at all. --amend replaces HEAD (not a merge commit) by a commit of schema/ as it is now, migrated and verified from HEAD's parent, keeping HEAD's message unless -m is given.

Steps that lose data (drop table or column, narrowing a type...) need --allow-destructive. The proof runs the migration on tables holding sample rows too: a step that only works on empty tables (a NOT NULL column without a default, a unique key over duplicates...) refuses the commit with the step, the table and PostgreSQL's error; --allow-empty-only accepts it. Hand-edited SQL (--up FILE, optionally --down FILE) replaces the generated scripts; it must verify too. Renames declared with renamed_from hints that apply to HEAD are recorded with the commit.`;

  static override examples = [
    '<%= config.bin %> commit -m "add users"',
    '<%= config.bin %> commit -m "drop legacy table" --allow-destructive',
    '<%= config.bin %> commit -m "backfill" --up migrations/up.sql --down migrations/down.sql',
    '<%= config.bin %> commit -m "wip" --no-verify',
    '<%= config.bin %> commit --amend',
    '<%= config.bin %> commit -m "comments only"   # same schema, edited YAML: a commit with no migration',
  ];

  static override flags = {
    message: Flags.string({
      char: 'm',
      summary: "Commit message (with --amend: default the amended commit's).",
      helpValue: 'MSG',
    }),
    amend: Flags.boolean({
      summary: "Replace HEAD by a new commit: schema/ as it is now, migrated (and verified) from HEAD's parent.",
    }),
    'allow-destructive': Flags.boolean({ summary: 'Allow steps that lose data (drop table/column, narrowing type).' }),
    'allow-empty-only': Flags.boolean({
      summary: 'Allow steps that fail on tables holding rows (for tables that are empty in every database).',
    }),
    online: Flags.boolean({
      summary:
        'Also plan and prove the online form of the migration (what `upgrade --online` runs). Default: `online:` in schemaver.yaml.',
      allowNo: true,
    }),
    verify: Flags.boolean({
      summary: 'Prove the migration in PGlite (--no-verify skips it).',
      default: true,
      allowNo: true,
    }),
    up: Flags.string({ summary: 'Hand-edited up SQL to store instead of the generated one.', helpValue: 'FILE' }),
    down: Flags.string({ summary: 'Hand-edited down SQL (with --up).', helpValue: 'FILE', dependsOn: ['up'] }),
  };

  async run(): Promise<CommitResult> {
    const { flags } = await this.parse(Commit);
    return run(this.io, flags);
  }
}
