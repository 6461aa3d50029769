import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { lintRevisions, type LintResult } from '../app/lint.js';

/** Lint reports the hazards of a migration under live traffic, by squawk rule name. */
export default class Lint extends BaseCommand {
  static override summary = "Report what a migration does to a live database, with the squawk linter's rule names.";
  static override description = [
    'Lints the plan from A to B (default HEAD -> WORKING, as `plan` prints it; --online lints the online-safe plan) or, with --sql FILE, a hand-written script. Findings carry squawk rule names (require-concurrent-index-creation, constraint-missing-not-valid, adding-not-nullable-field, adding-field-with-default, changing-column-type, ban-drop-column, renaming-column...), a level and the online-safe way.',
    'Levels: error (loses data or fails on tables holding rows), warning (blocks reads or writes, rewrites a table, breaks running clients). Exit 1 when a finding is at or above the level: --level, else `lint: { level }` in schemaver.yaml, else warning.',
  ].join('\n\n');

  static override examples = [
    '<%= config.bin %> lint',
    '<%= config.bin %> lint HEAD~1..HEAD --online',
    '<%= config.bin %> lint --sql migrations/backfill.sql --level error',
    '<%= config.bin %> lint v1..v2 --json',
  ];

  static override args = {
    range: Args.string({ description: 'A..B, or A (to WORKING); default HEAD..WORKING.', required: false }),
  };

  static override flags = {
    sql: Flags.string({ summary: 'Lint a hand-written SQL file instead of a plan.', helpValue: 'FILE' }),
    level: Flags.string({
      summary:
        'Exit 1 on findings at or above this level (default: `lint: { level }` in schemaver.yaml, else warning).',
      options: ['warning', 'error'],
    }),
    online: Flags.boolean({
      summary: 'Lint the online-safe plan (default: `online:` in schemaver.yaml).',
      allowNo: true,
    }),
  };

  async run(): Promise<LintResult> {
    const { args, flags } = await this.parse(Lint);
    const range = args.range ?? 'HEAD..WORKING';
    const [a, b] = range.includes('..')
      ? (range.split('..', 2).map((x, i) => x || (i === 0 ? 'HEAD' : 'WORKING')) as [string, string])
      : [range, 'WORKING'];
    const r = await lintRevisions(this.root, {
      a,
      b,
      ...(flags.sql !== undefined ? { file: flags.sql } : {}),
      ...(flags.level !== undefined ? { level: flags.level as 'warning' | 'error' } : {}),
      ...(flags.online !== undefined ? { online: flags.online } : {}),
    });
    const lines = r.findings.map(
      (f) =>
        `${f.level}[${f.rule}]: ${f.message}\n  --> ${r.of}:${f.line}${f.step ? ` (${f.step})` : ''}: ${f.statement}\n  = help: ${f.help}`,
    );
    this.print(lines.length ? lines.join('\n') : `${r.of}: no findings`);
    if (r.failed) process.exitCode = 1;
    return r;
  }
}
