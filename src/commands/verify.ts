import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { describeFailure, refuseFailingOnData } from '../app/datafail.js';
import { SchemaverError, negative } from '../errors.js';
import type { EdgeCheck } from '../app/verify.js';
import type { Verifier } from '../pg/offload.js';
import { openProject, shortId } from '../app/project.js';
import { commitsToVerify, verifyCommits } from '../app/verify.js';
import { Progress, paint } from '../cli/term.js';
import { cacheDir } from '../store/index.js';
import { startVerifier } from '../pg/offload.js';

/** VerifyCommandResult is what `verify --json` prints. */
export interface VerifyCommandResult {
  readonly ok: boolean;
  readonly edges: readonly EdgeCheck[];
  readonly failed: number;
  readonly cached: number;
}

/** Verify re-runs the PGlite proof of stored migration edges. */
export default class Verify extends BaseCommand {
  static override summary =
    'Prove stored migrations again in PGlite: up reproduces the commit, down restores its parent.';
  static override description = `For each commit named (default HEAD), every migration edge stored with it (one per parent; a root commit's edge starts from nothing) is checked the way commit checks it: the parent schema is built from nothing in an in-process PGlite, sample rows are inserted, up runs and the catalog must equal the commit's schema built from nothing; down runs and the catalog must equal the parent's; sample rows must survive.

REV verifies the edges into one commit; A..B those of the commits reachable from B but not from A (like git log A..B); --all every commit reachable from a branch, a tag or HEAD. Edges already proven are remembered in .schemaver/cache/verified.json and skipped; --force proves them again. Exit 1 when any edge fails, and when a step fails on tables holding rows (it works on empty tables only; --allow-empty-only passes such edges).`;

  static override examples = [
    '<%= config.bin %> verify',
    '<%= config.bin %> verify HEAD~3..HEAD',
    '<%= config.bin %> verify --all --force',
    '<%= config.bin %> verify v1.0 --json',
  ];

  static override args = {
    rev: Args.string({
      description: 'Commit (REV) or range (A..B) whose edges to verify (default HEAD).',
      required: false,
    }),
  };

  static override flags = {
    all: Flags.boolean({ summary: 'Verify every commit reachable from a branch, a tag or HEAD.' }),
    force: Flags.boolean({ summary: 'Prove edges again even when they were verified before.' }),
    'allow-empty-only': Flags.boolean({
      summary: 'Pass edges whose steps fail on tables holding rows (tables empty in every database).',
    }),
  };

  async run(): Promise<VerifyCommandResult> {
    const { args, flags } = await this.parse(Verify);
    if (flags.all && args.rev !== undefined) {
      throw new SchemaverError({
        code: 'bad-usage',
        message: '--all and a revision exclude each other',
        hint: 'use `schemaver verify --all` or `schemaver verify REV`',
        exit: 2,
      });
    }
    // a worker compiles PGlite and restores a database while the store is read (closed below, used or not)
    const verifier = startVerifier();
    try {
      return await this.verify(args.rev, flags, verifier);
    } finally {
      await verifier.close();
    }
  }

  private async verify(
    rev: string | undefined,
    flags: { all: boolean; force: boolean; 'allow-empty-only': boolean },
    verifier: Verifier,
  ): Promise<VerifyCommandResult> {
    const { root, store } = await openProject(this.root);
    const ids = await commitsToVerify(store, { rev, all: flags.all });
    const progress = new Progress('verifying', this.jsonEnabled());
    const c = paint(process.stdout);
    const edges = await verifyCommits(store, ids, {
      cacheDir: cacheDir(root),
      force: flags.force,
      started: verifier,
      onEdge: (done, total, e) => {
        progress.done();
        const from = e.parent ? shortId(e.parent) : 'nothing';
        const tag = e.ok ? c.green('ok  ') : c.red('FAIL');
        this.print(
          `${tag} ${from} -> ${shortId(e.commit)}  ${e.cached ? c.dim('(verified before)') : c.dim(`(${e.ms} ms)`)}`,
        );
        for (const p of e.problems) this.print(`       ${p}`);
        for (const w of e.warnings)
          if (!/fails on tables holding rows/.test(w)) this.print(c.yellow(`       warning: ${w}`));
        for (const f of e.failsOnData) this.print(c.yellow(`       fails on data: ${describeFailure(f)}`));
        progress.tick(done, total, shortId(e.commit));
      },
    });
    progress.done();
    const failed = edges.filter((e) => !e.ok);
    const cached = edges.filter((e) => e.cached).length;
    const result: VerifyCommandResult = { ok: failed.length === 0, edges, failed: failed.length, cached };
    if (failed.length) {
      throw negative(
        'verification-failed',
        `${failed.length} of ${edges.length} edge(s) failed verification: ${failed.map((e) => `${e.parent ? shortId(e.parent) : 'nothing'} -> ${shortId(e.commit)}`).join(', ')}`,
        'the stored migration does not reproduce its commit; see the problems above (or --json), and fix it in a new commit',
        result,
      );
    }
    refuseFailingOnData(
      edges.flatMap((e) => e.failsOnData),
      flags['allow-empty-only'],
      'verify again',
    );
    this.print(`${edges.length} edge(s) verified${cached ? ` (${cached} proven before; --force to prove again)` : ''}`);
    return result;
  }
}
