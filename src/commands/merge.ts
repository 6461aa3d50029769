import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { SchemaverError, negative } from '../errors.js';
import type { MergeOutcome } from '../app/merge.js';
import { openProject, shortId } from '../app/project.js';
import * as run from '../app/merge.js';
import { conflictSides } from '../merge/describe.js';
import { abortGitMerge, finishGitMerge, gitMergeInProgress } from '../gitint/mergestate.js';

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

  async run(): Promise<
    MergeOutcome | { status: 'aborted'; head: string; restored: boolean; kept: string[] } | run.ResumedMerge
  > {
    const { args, flags } = await this.parse(Merge);
    const resuming = flags.continue || flags.abort;
    const { root, store } = await openProject(this.root, resuming ? { interrupted: 'allow' } : {});
    if (resuming) {
      // a merge a crash interrupted (its journal): finish or undo that first, and nothing else
      const r = await run.resumeMerge(root, store, flags.continue ? 'continue' : 'abort');
      if (r) {
        this.print(`${r.how === 'continue' ? 'Finished' : 'Undid'} the interrupted ${r.described}`);
        if (r.kept.length) this.print(`kept as they are (changed since the interruption): ${r.kept.join(', ')}`);
        for (const l of r.lines) this.print(l);
        return r;
      }
    }
    const opts = {
      ...(flags.message !== undefined ? { message: flags.message } : {}),
      verify: flags.verify,
      allowDestructive: flags['allow-destructive'],
      allowEmptyOnly: flags['allow-empty-only'],
      note: (t: string) => this.note(t),
    };
    if (flags.abort) {
      const r = await run.abortMerge(root, store);
      this.print(
        r.restored
          ? `merge aborted; schema/ restored to ${shortId(r.head)}${r.kept.length ? ` (kept ${r.kept.length} file(s) you created: ${r.kept.join(', ')})` : ''}`
          : `merge state cleared (HEAD moved to ${shortId(r.head)} since the merge started; schema/ left as it is)`,
      );
      if (gitMergeInProgress(root)) this.print(abortGitMerge(root));
      return r;
    }
    let out: MergeOutcome;
    if (flags.continue) {
      out = await run.continueMerge(root, store, opts);
      // a merge the git hook started: git's merge commit takes the schema merge
      if (out.status === 'merged' && gitMergeInProgress(root)) this.note(finishGitMerge(root));
    } else {
      if (!args.branch)
        throw new SchemaverError({
          code: 'bad-usage',
          message: 'name the branch to merge',
          hint: 'schemaver merge BRANCH (or --continue / --abort)',
          exit: 2,
        });
      out = await run.runMerge(root, store, args.branch, opts);
    }
    switch (out.status) {
      case 'up-to-date':
        this.print('Already up to date.');
        return out;
      case 'fast-forward':
        this.print(
          `Fast-forward ${shortId(out.from)}..${shortId(out.to)}${out.branch ? ` (${out.branch})` : ''}; schema/ rewritten`,
        );
        return out;
      case 'merged': {
        this.print(
          `Merge made: ${shortId(out.id)} (parents ${out.parents.map(shortId).join(' ')}), schema ${out.schemaHash.slice(0, 16)}…`,
        );
        for (const r of out.renames) this.print(` followed rename: ${r}`);
        for (const e of out.edges) {
          const d = e.steps.filter((s) => s.destructive).length;
          this.print(
            ` from ${shortId(e.parent)}: ${e.steps.length} step(s)${d ? `, ${d} destructive` : ''}${e.verified ? `, verified in ${Math.round(e.verifyMs ?? 0)} ms` : ', not verified'}`,
          );
        }
        this.print(` schema/: ${out.keptFiles} file(s) kept as they were, ${out.rewrittenFiles} written`);
        return out;
      }
      case 'conflict': {
        this.print(
          `Automatic merge failed: ${out.conflicts.length} conflict(s) (base ${out.base ? shortId(out.base) : 'none'}, ours ${shortId(out.ours)}, theirs ${shortId(out.theirs)})`,
        );
        for (const c of out.conflicts) {
          this.print(`  ${c.kind.padEnd(13)} ${c.object}${c.attribute ? ` [${c.attribute}]` : ''}: ${c.message}`);
          if (c.kind !== 'semantic' || c.base !== undefined || c.ours !== undefined || c.theirs !== undefined) {
            const s = conflictSides(c);
            this.print(`      base: ${s.base}   ours: ${s.ours}   theirs: ${s.theirs}`);
          }
        }
        if (out.marked.length) this.print(`conflict markers in: ${out.marked.join(', ')}`);
        const alsoChanged = out.files.filter((f) => !out.marked.includes(f));
        if (alsoChanged.length) this.print(`merged cleanly into: ${alsoChanged.join(', ')}`);
        throw negative(
          'merge-conflict',
          `merge of ${shortId(out.theirs)} into ${shortId(out.ours)} has ${out.conflicts.length} conflict(s)`,
          'replace each `<<<conflict` block in schema/ by the definition you want (or delete the entry), then `schemaver merge --continue` (or `schemaver merge --abort`)',
          out,
        );
      }
    }
  }
}
