import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Flags, type Interfaces } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { SchemaverError, negative } from '../errors.js';
import type { Migration, StepSummary } from '../model/plan.js';
import type { Verifier } from '../pg/offload.js';

/** CommitResult is what `commit --json` prints. */
export interface CommitResult {
  readonly id: string;
  readonly branch: string | null;
  readonly message: string;
  readonly schemaHash: string;
  readonly parents: readonly string[];
  readonly migrations: readonly {
    readonly parent: string;
    readonly steps: readonly StepSummary[];
    readonly renames: readonly string[];
    readonly handEdited: boolean;
    readonly verified: boolean;
    readonly verifyMs?: number;
  }[];
}

type CommitFlags = Interfaces.InferredFlags<(typeof Commit)['flags']>;

/** Commit snapshots schema/ with a verified migration from HEAD. */
export default class Commit extends BaseCommand {
  static override summary =
    'Snapshot schema/ as a new commit, with a generated and verified up/down migration from HEAD.';
  static override description = `Validates schema/ (exit 2 on any problem, nothing written), refuses when it equals HEAD (exit 1, "nothing to commit"), plans the migration from HEAD (from nothing for the first commit), and proves it in an in-process PGlite: up turns HEAD's schema into the new one, down turns it back. A failed proof refuses the commit.

A commit whose schema equals HEAD's is still possible in two cases: --up (and --down) SQL with no schema change is a data-only commit (a backfill), proven in PGlite to keep the schema and run by \`upgrade\` in order; and an edit of comments or formatting alone is committed with no migration at all. --amend replaces HEAD (not a merge commit) by a commit of schema/ as it is now, migrated and verified from HEAD's parent, keeping HEAD's message unless -m is given.

Steps that lose data (drop table or column, narrowing a type...) need --allow-destructive. Hand-edited SQL (--up FILE, optionally --down FILE) replaces the generated scripts; it must verify too. Renames declared with renamed_from hints that apply to HEAD are recorded with the commit.`;

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
    if (flags.message === undefined && !flags.amend) {
      throw new SchemaverError({
        code: 'bad-usage',
        message: 'commit needs a message: -m MSG',
        hint: 'pass -m "what changed and why" (only --amend may reuse the amended commit\'s message)',
        exit: 2,
      });
    }
    if (flags.message !== undefined && !flags.message.trim()) {
      throw new SchemaverError({
        code: 'empty-message',
        message: 'the commit message is empty',
        hint: 'pass -m "what changed and why"',
        exit: 2,
      });
    }
    // PGlite compiles and restores a database on its own thread while schema/ is parsed and planned
    const verifier = flags.verify ? (await import('../pg/offload.js')).startVerifier() : undefined;
    try {
      return await this.commit(flags, verifier);
    } finally {
      await verifier?.close();
    }
  }

  private async commit(flags: CommitFlags, verifier: Verifier | undefined): Promise<CommitResult> {
    const { openProject, loadWorking, headHash, shortId, guard } = await import('../cli/project.js');
    const { root, store } = await openProject(this.root);
    let upText = flags.up !== undefined ? await readSql(this.root, flags.up) : undefined;
    let downText = flags.down !== undefined ? await readSql(this.root, flags.down) : undefined;

    return store.withLock(async () => {
      if (await store.readState('MERGE_HEAD')) {
        throw new SchemaverError({
          code: 'merge-in-progress',
          message: 'a merge is in progress',
          hint: 'finish it with `schemaver merge --continue` or drop it with `schemaver merge --abort`',
          exit: 2,
        });
      }
      const working = await loadWorking(root);
      const tip = await headHash(store);
      const { emptySchema } = await import('../model/types.js');
      const { schemaHashOf } = await import('../store/index.js');
      const { edgeBase, amendedSql } = await import('../history/amend.js');
      // the edge starts at HEAD, or at HEAD's parent when HEAD is being amended
      const { head, amended, message } = await edgeBase(store, tip, flags.amend, flags.message);
      const kept = amended && upText === undefined ? await amendedSql(store, amended, working.hash) : undefined;
      if (kept) [upText, downText] = [kept.up, kept.down];
      const textOnly =
        head && head.hash === working.hash
          ? await this.sameSchemaKind(store, head.id, working, upText, amended, message)
          : false;
      const parentSchema = head ? await store.readSchema(head.id) : emptySchema();
      if (!head && working.hash === (await schemaHashOf(parentSchema)) && upText === undefined) {
        throw negative(
          'nothing-to-commit',
          'nothing to commit: schema/ declares no objects yet',
          'declare some objects in schema/*.yaml first',
        );
      }
      const { planMigration, renderUp, renderDown, summarizeSteps } = await import('../plan/index.js');
      const { withColumnLoc } = await import('../cli/locate.js');
      const plan = await guard('migration planning (src/plan)', () =>
        withColumnLoc(working.files, () => planMigration(parentSchema, working.schema)),
      );
      const steps: StepSummary[] = summarizeSteps(plan);
      const destructive = steps.filter((s) => s.destructive);
      if (destructive.length && !flags['allow-destructive']) {
        throw negative(
          'destructive-change',
          `the migration loses data in ${destructive.length} step(s): ${destructive.map((s) => s.what).join('; ')}`,
          'check this is intended, then commit again with --allow-destructive (or declare renames with renamed_from)',
          { steps: destructive },
        );
      }
      const up = upText ?? (await guard('rendering migrations (src/plan)', () => renderUp(plan)));
      const generatedDown = await guard('rendering migrations (src/plan)', () => renderDown(plan));
      const down = downText ?? generatedDown;
      const reversible = steps.every((s) => s.reversible);
      const renames = await describeRenames(parentSchema, working.schema);

      const fromHash = await schemaHashOf(parentSchema); // of the snapshot as read (the cache key must follow the content)
      const { cacheDir } = await import('../store/index.js');
      if (verifier) this.note(`verifying the migration from ${head ? shortId(head.id) : 'nothing'} in PGlite...`);
      const { Progress } = await import('../cli/term.js');
      const progress = new Progress('verifying:', this.jsonEnabled());
      // The proof runs on the worker thread while this one prepares the commit's objects; nothing is written
      // to the store until the proof has passed.
      // proveEdges keeps verified.json, as for verify and merge; the edge runs on the worker started above
      const { proveEdges } = await import('../pg/prove.js');
      const proof =
        verifier && !textOnly
          ? guard('verification (src/pg)', async () => {
              const job = {
                from: parentSchema,
                to: working.schema,
                up,
                down: downText !== undefined || reversible ? down : null,
                opts: {
                  allowDataLoss: destructive.length > 0,
                  hashes: { from: fromHash, to: working.hash },
                  generated: upText === undefined,
                  onProgress: (phase: string, done: number, total: number) =>
                    progress.tick(done, total, `statements (${phase})`),
                },
              };
              const [result] = await proveEdges([job], { cacheDir: cacheDir(root), started: verifier });
              return result!;
            })
          : undefined;
      proof?.catch(() => undefined); // awaited below; this only keeps an early throw here from leaving it unhandled

      const migration: Migration = {
        parent: head?.id ?? '',
        fromHash,
        toHash: working.hash,
        up,
        down,
        steps,
        ...(upText !== undefined ? { handEdited: true } : {}),
        ...(renames.length ? { renames } : {}),
      };
      const prepared = await store
        .prepareCommit({
          message,
          parents: head ? [head.id] : [],
          ...(amended ? { replaces: amended } : {}),
          schema: working.schema,
          files: working.files,
          migrations: [migration],
        })
        .catch((e: unknown) => {
          progress.done(); // the error starts on a clean line
          throw e;
        });

      let verified = false;
      let verifyMs: number | undefined;
      if (proof) {
        const result = await proof.finally(() => progress.done());
        if (!result.ok) {
          const { proofFailure } = await import('../pg/failure.js');
          throw await proofFailure(result, working, {
            handEdited: upText !== undefined,
            from: head ? shortId(head.id) : undefined,
            retry: 'commit',
          });
        }
        verified = true;
        verifyMs = result.ms;
      }
      if (amended) await store.writeState('ORIG_HEAD', amended + '\n');
      const id = await prepared.write();
      const branch = await store.currentBranch();
      this.print(
        `[${branch ?? 'detached HEAD'}${head ? '' : ' (root-commit)'} ${shortId(id)}] ${message.split('\n')[0]}`,
      );
      if (amended) this.print(` amended ${shortId(amended)} (now unreachable from the branch; ORIG_HEAD keeps it)`);
      const flagsText = [
        destructive.length ? `${destructive.length} destructive` : '',
        steps.some((s) => s.rewrite) ? `${steps.filter((s) => s.rewrite).length} rewriting` : '',
        reversible ? '' : 'irreversible',
        upText !== undefined ? 'hand-edited' : '',
      ].filter(Boolean);
      this.print(
        ` ${steps.length} step(s)${flagsText.length ? ` (${flagsText.join(', ')})` : ''}, schema ${working.hash.slice(0, 16)}…`,
      );
      for (const r of renames) this.print(` rename ${r}`);
      this.print(
        textOnly
          ? ' same schema: comments or formatting only, no migration'
          : verified
            ? ` verified in PGlite in ${Math.round(verifyMs ?? 0)} ms`
            : ' not verified (--no-verify); run `schemaver verify` later',
      );
      return {
        id,
        branch: branch ?? null,
        message,
        schemaHash: working.hash,
        parents: head ? [head.id] : [],
        migrations: [
          {
            parent: migration.parent,
            steps,
            renames,
            handEdited: upText !== undefined,
            verified,
            ...(verifyMs !== undefined ? { verifyMs } : {}),
          },
        ],
      };
    });
  }

  /**
   * sameSchemaKind decides a commit whose schema equals its parent's: a data-only commit (--up SQL given: false,
   * it is proven like any edge), a comments/formatting-only commit (true: no migration), or nothing to commit.
   */
  private async sameSchemaKind(
    store: import('../store/index.js').Store,
    parent: string,
    working: import('../cli/project.js').LoadedRev,
    upText: string | undefined,
    amended: string | undefined,
    message: string,
  ): Promise<boolean> {
    if (upText !== undefined) return false;
    const { fileDirt, shortId } = await import('../cli/project.js');
    const d = await fileDirt(store, parent, working.files);
    const edited = [...d.added, ...d.removed, ...d.modified];
    if (edited.length) return true;
    if (amended && (await store.readCommit(amended)).message !== message) return true; // a new message for HEAD
    throw negative(
      'nothing-to-commit',
      amended
        ? `nothing to amend: schema/ and the message are those of ${shortId(amended)}'s parent`
        : `nothing to commit: schema/ matches HEAD (${shortId(parent)}) byte for byte`,
      amended
        ? 'to drop HEAD altogether use `schemaver reset --hard HEAD~1`'
        : 'edit schema/*.yaml first (a comment-only edit is a commit too); a data-only commit takes --up FILE',
      { head: parent },
    );
  }
}

/** readSql reads a hand-edited SQL file (exit 2 when unreadable). */
async function readSql(cwd: string, file: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new SchemaverError({
      code: 'unreadable-file',
      message: `cannot read ${file}: ${(e as Error).message}`,
      hint: 'give the path of an SQL file',
      exit: 2,
    });
  }
}

/** describeRenames lists the renames `to`'s hints apply to `from`, e.g. `column users.nick -> users.nickname`. */
export async function describeRenames(
  from: import('../model/types.js').Schema,
  to: import('../model/types.js').Schema,
): Promise<string[]> {
  const { findRenames } = await import('../diff/renames.js');
  const r = findRenames(from, to);
  const out = r.changes.map((c) => {
    const kind = c.kind.replace(/_/g, ' ');
    return c.table ? `${kind} ${c.table}.${c.fromId} -> ${c.table}.${c.id}` : `${kind} ${c.fromId} -> ${c.id}`;
  });
  for (const v of r.values) out.push(`enum value ${v.enumId}.${JSON.stringify(v.from)} -> ${JSON.stringify(v.to)}`);
  return out;
}
