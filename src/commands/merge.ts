import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { renderMerge } from '../cli/merge.js';
import { mergeConflictError, mergeVerb, type MergeVerbOutcome } from '../app/merge-verb.js';

/** Merge combines another branch's schema changes into HEAD, semantically (object by object, attribute by attribute). */
export default class Merge extends BaseCommand {
  static override summary = 'Merge another branch into the current one, object by object (a three-way semantic merge).';
  static override description = `Finds the merge base of HEAD and BRANCH and merges the three schemas object by object and attribute by attribute: a change made on one side is taken, the same change on both sides once; different changes to one attribute, a change against a drop, two different definitions added under one name, and renames that collide are conflicts. renamed_from hints are followed (a column renamed on one side and altered on the other becomes the renamed, altered column). Enum values added on both sides are unioned (values appended on both sides go ours first, then theirs; different values inserted at the same interior position are a conflict). The result must then build in PostgreSQL (PGlite): a foreign key, index or view on something the other side dropped is a conflict too.

HEAD an ancestor of BRANCH: fast-forward (schema/ rewritten to BRANCH's files). BRANCH already in HEAD: nothing to do. Otherwise a clean merge is committed with two parents and a migration from each, verified in PGlite (--no-verify skips it; --allow-destructive is needed when a parent's database would lose data). schema/ keeps ours' files byte for byte where their content did not change.

On conflict (exit 1) schema/ holds the merged result with every conflicting spot replaced by a "<<<conflict:" block (base / ours / theirs, valid YAML): put the definition you want in its place and run \`schemaver merge --continue\`, or \`schemaver merge --abort\` to go back. A merge refuses to start over uncommitted changes in schema/.`;

  static override examples = [
    '<%= config.bin %> merge feature',
    '<%= config.bin %> merge feature -m "merge the billing work"',
    '<%= config.bin %> merge --continue',
    '<%= config.bin %> merge --abort',
    '<%= config.bin %> merge feature --allow-destructive --json',
  ];

  static override args = {
    branch: Args.string({ description: 'Branch (or any revision) to merge into HEAD.', required: false }),
  };

  static override flags = {
    message: Flags.string({
      char: 'm',
      summary: 'Message of the merge commit (default "Merge branch \'BRANCH\'").',
      helpValue: 'MSG',
    }),
    continue: Flags.boolean({
      summary: 'Commit a merge whose conflicts you resolved in schema/ (or finish a merge a crash interrupted).',
      exclusive: ['abort'],
    }),
    abort: Flags.boolean({
      summary:
        'Give up a conflicted merge: restore schema/ to HEAD byte for byte (or undo a merge a crash interrupted).',
      exclusive: ['continue'],
    }),
    verify: Flags.boolean({
      summary: 'Build the result and prove both migrations in PGlite (--no-verify skips it).',
      default: true,
      allowNo: true,
    }),
    'allow-destructive': Flags.boolean({ summary: 'Allow migration steps that lose data on either parent edge.' }),
    'allow-empty-only': Flags.boolean({
      summary: 'Allow migration steps that fail on tables holding rows (tables empty in every database).',
    }),
  };

  async run(): Promise<MergeVerbOutcome['result']> {
    const { args, flags } = await this.parse(Merge);
    const out = await mergeVerb(
      this.root,
      {
        ...(args.branch !== undefined ? { branch: args.branch } : {}),
        ...(flags.continue || flags.abort ? { resume: flags.continue ? 'continue' : 'abort' } : {}),
        ...(flags.message !== undefined ? { message: flags.message } : {}),
        verify: flags.verify,
        allowDestructive: flags['allow-destructive'],
        allowEmptyOnly: flags['allow-empty-only'],
      },
      (t) => this.note(t),
    );
    this.printLines(renderMerge(out));
    if (out.result.status === 'conflict') throw mergeConflictError(out.result);
    return out.result;
  }
}
