import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { SchemaverError, negative } from '../errors.js';
import {
  cachedWorkingHash,
  fileDirt,
  isWorking,
  loadWorking,
  openProject,
  rememberWorkingHash,
  shortId,
} from '../app/project.js';
import { carryEdits } from '../history/carry.js';
import { listSchemaFiles } from '../store/index.js';
import { checkRefName, readHead } from '../store/refs.js';
import { describeOperation, resumeOperation, switchFiles } from '../store/switch.js';
import { mergeInProgress } from '../gitint/mergestate.js';
import { readSchemaDir } from '../parse/files.js';

/** CheckoutResult is what `checkout --json` prints. */
export interface CheckoutResult {
  readonly branch: string | null;
  readonly head: string | null;
  readonly detached: boolean;
  readonly created: boolean;
  readonly files: number;
}

/** Checkout switches branches or commits and rewrites schema/ to match. */
export default class Checkout extends BaseCommand {
  static override summary = 'Switch to a branch or commit, rewriting schema/ exactly as it was committed.';
  static override description = `Rewrites schema/ byte for byte from the snapshot: files that differ are replaced, schema files the snapshot does not have are removed, other files are kept. A branch name switches to the branch; any other revision (HEAD~2, a tag, a commit id) detaches HEAD there. -b NAME creates a branch (at START, default HEAD) and switches to it. Edits in schema/ that HEAD does not hold are carried over as git does: a file the switch does not touch keeps your edit; an edit of comments or formatting only is merged line by line into the target's text when that is clean. Otherwise checkout refuses (exit 1) unless --force.`;

  static override examples = [
    '<%= config.bin %> checkout feature',
    '<%= config.bin %> checkout -b feature',
    '<%= config.bin %> checkout -b hotfix v1.2',
    '<%= config.bin %> checkout HEAD~1',
    '<%= config.bin %> checkout main --force',
  ];

  static override args = {
    rev: Args.string({
      description: 'Branch or revision to switch to (with -b: where the new branch starts).',
      required: false,
    }),
  };

  static override flags = {
    branch: Flags.string({ char: 'b', summary: 'Create branch NAME and switch to it.', helpValue: 'NAME' }),
    force: Flags.boolean({ char: 'f', summary: 'Discard uncommitted edits in schema/.' }),
    continue: Flags.boolean({
      summary: 'Finish an interrupted checkout (from its journal, .schemaver/OPERATION_IN_PROGRESS).',
      exclusive: ['abort', 'branch', 'force'],
    }),
    abort: Flags.boolean({
      summary: 'Undo an interrupted checkout: schema/ and HEAD as they were before it.',
      exclusive: ['continue', 'branch', 'force'],
    }),
  };

  async run(): Promise<CheckoutResult> {
    const { args, flags } = await this.parse(Checkout);
    if (flags.continue || flags.abort) return this.resume(flags.continue ? 'continue' : 'abort');
    if (!flags.branch && !args.rev) {
      throw new SchemaverError({
        code: 'bad-usage',
        message: 'checkout needs a branch or revision (or -b NAME)',
        hint: 'e.g. `schemaver checkout main` or `schemaver checkout -b feature`',
        exit: 2,
      });
    }
    const { root, store } = await openProject(this.root);
    if (args.rev && isWorking(args.rev)) {
      throw new SchemaverError({
        code: 'bad-usage',
        message: 'WORKING is schema/ itself; there is nothing to check out',
        hint: 'give a branch, tag or commit',
        exit: 2,
      });
    }
    return store.withLock(async () => {
      if (!flags.force && (await mergeInProgress(root, store, (t) => this.note(t)))) {
        throw new SchemaverError({
          code: 'merge-in-progress',
          message: 'a merge is in progress; switching now would lose it',
          hint: 'finish it with `schemaver merge --continue`, drop it with `schemaver merge --abort`, or pass --force',
          exit: 2,
        });
      }
      const head = await store.head();
      const branchNow = await store.currentBranch();
      // what to switch to
      let target: string | undefined;
      let branch: string | undefined;
      if (flags.branch) {
        target = args.rev ? await store.resolve(args.rev) : head;
        branch = flags.branch;
      } else {
        const rev = args.rev!;
        const isBranch = (await store.branches()).some((b) => b.name === rev);
        target = await store.resolve(rev);
        if (isBranch) branch = rev;
        else if (rev === 'HEAD' && branchNow) branch = branchNow; // as in git: `checkout HEAD` stays on the branch
      }
      // refuse over edits HEAD does not hold (semantic or textual: checkout rewrites the text)
      let carried: import('../parse/index.js').SourceFile[] | undefined;
      if (!flags.force && target !== head) {
        carried = await this.checkClean(root, store, head, target, fileDirt, listSchemaFiles);
      }
      let created = false;
      if (flags.branch) {
        checkRefName(flags.branch, 'branch');
        if ((await store.branches()).some((b) => b.name === flags.branch)) {
          throw new SchemaverError({
            code: 'branch-exists',
            message: `a branch named '${flags.branch}' already exists`,
            hint: `switch to it with \`schemaver checkout ${flags.branch}\``,
            exit: 2,
          });
        }
        if (target) {
          /* created with the switch, by switchFiles */
        } else {
          // no commits yet: the new branch is born with the first commit, as in git
          checkRefName(flags.branch, 'branch');
          if ((await store.branches()).some((b) => b.name === flags.branch)) {
            throw new SchemaverError({
              code: 'branch-exists',
              message: `a branch named '${flags.branch}' already exists`,
              exit: 2,
            });
          }
        }
        created = true;
      }
      let files = 0;
      // --force rewrites schema/ even when HEAD does not move: that is how edits are discarded
      const rewrite = target !== undefined && (target !== head || flags.force);
      const snapshot = rewrite ? (carried ?? (await store.readFiles(target!))) : undefined;
      // crash-safe: pre-images stored, journal written, files rewritten, HEAD moved, journal removed
      await switchFiles(store, root, {
        operation: 'checkout',
        files: snapshot ?? (await readSchemaDir(root)),
        headBefore: await readHead(store.gitdir),
        headAfter: branch ? { branch } : { detached: target! },
        from: head ?? null,
        to: target ?? null,
        ...(created && target ? { createBranch: flags.branch! } : {}),
      });
      if (snapshot) {
        if (!carried) await rememberWorkingHash(root, snapshot, (await store.readCommit(target!)).schemaHash);
        else this.print('edits in schema/ carried over (the switch does not touch them, or they change no schema)');
        files = snapshot.length;
      }
      if (branch) {
        if (created) this.print(`Switched to a new branch '${branch}'${target ? ` at ${shortId(target)}` : ''}`);
        else if (branch === branchNow) this.print(`Already on '${branch}'`);
        else this.print(`Switched to branch '${branch}' (${shortId(target!)})`);
      } else {
        const msg = (await store.readCommit(target!)).message.split('\n')[0];
        this.print(
          `HEAD is now at ${shortId(target!)} ${msg} (detached: commit on a new branch with \`schemaver checkout -b NAME\`)`,
        );
      }
      if (files) this.print(`schema/ rewritten from the snapshot (${files} file${files === 1 ? '' : 's'})`);
      return { branch: branch ?? null, head: target ?? null, detached: !branch, created, files };
    });
  }

  /** resume finishes or undoes an interrupted checkout from its journal. */
  private async resume(how: 'continue' | 'abort'): Promise<CheckoutResult> {
    const { root, store } = await openProject(this.root, { interrupted: 'allow' });
    const done = await store.withLock(() => resumeOperation(store, root, how));
    if (!done) {
      throw new SchemaverError({
        code: 'nothing-to-resume',
        message: `there is no interrupted operation to ${how === 'continue' ? 'finish' : 'undo'}`,
        hint: '`schemaver status` shows where HEAD and schema/ are',
        exit: 2,
      });
    }
    const op = done.operation;
    this.print(`${how === 'continue' ? 'Finished' : 'Undid'} the interrupted ${describeOperation(op)}`);
    if (done.kept.length) this.print(`kept as they are (changed since the interruption): ${done.kept.join(', ')}`);
    const after = how === 'continue' ? op.headAfter : op.headBefore;
    const branch = after && 'branch' in after ? after.branch : null;
    const head = (await store.head()) ?? null;
    return { branch, head, detached: !branch, created: false, files: op.files?.length ?? 0 };
  }

  /** checkClean returns undefined when schema/ is HEAD's files, the files to write when its edits can be carried
   * over to `target` (src/history/carry.ts), and throws `uncommitted-changes` (exit 1) when they would be lost. */
  private async checkClean(
    root: string,
    store: import('../store/index.js').Store,
    head: string | undefined,
    target: string | undefined,
    fileDirt: typeof import('../app/project.js').fileDirt,
    listSchemaFiles: typeof import('../store/index.js').listSchemaFiles,
  ): Promise<import('../parse/index.js').SourceFile[] | undefined> {
    if (!head) {
      const present = await listSchemaFiles(root);
      if (present.length) {
        throw negative(
          'uncommitted-changes',
          `schema/ has files that were never committed: ${present.join(', ')}`,
          'commit them first, or pass --force to discard them',
        );
      }
      return undefined;
    }
    const files = await readSchemaDir(root);
    const dirt = await fileDirt(store, head, files);
    const edited = [...dirt.modified, ...dirt.added, ...dirt.removed];
    if (!edited.length || !target) return undefined;
    const hash = (await cachedWorkingHash(root))?.hash ?? (await loadWorking(root).catch(() => undefined))?.hash;
    const r = await carryEdits(store, head, target, files, hash);
    if ('files' in r) return r.files;
    {
      throw negative(
        'uncommitted-changes',
        `schema/ has edits that HEAD does not hold (${edited.join(', ')}); checkout would overwrite them`,
        'commit them (`schemaver commit -m ...`, also for comment-only edits), or pass --force to discard them',
        { ...dirt, blocked: r.blocked },
      );
    }
  }
}
