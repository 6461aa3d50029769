import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import type { Review as ReviewDoc } from '../review/index.js';
import { loadRevOrEmpty, openProject } from '../app/project.js';
import { schemaHash } from '../canon/index.js';
import { semanticDiff } from '../diff/semdiff.js';
import { negative } from '../errors.js';
import { emptySchema } from '../model/types.js';
import { proveEdges } from '../pg/prove.js';
import { planMigration, renderDown, renderUp, summarizeSteps } from '../plan/index.js';
import { onlinePlan, renderOnline } from '../plan/online.js';
import { onlineSettings } from '../app/config.js';
import { cacheDir } from '../store/index.js';
import { lintScript } from '../lint/index.js';
import * as svc from '../review/index.js';

/** Review prints what a reviewer of a schema change needs, as Markdown (a PR comment) or JSON. */
export default class Review extends BaseCommand {
  static override summary =
    'Describe a schema change for review: changes, up/down SQL, hazards, proof, ERD (Markdown or JSON).';
  static override description = `RANGE is A..B (default HEAD~1..HEAD; B may be WORKING; A..  means A..HEAD). The document lists the semantic changes, the up and down SQL (the migration stored with B's commit when it is an edge from A — what \`upgrade\` will run — else the plan between the snapshots), the hazards of every step (destructive; what it does under live traffic, by the squawk rule names \`schemaver lint\` reports; may fail on existing rows; irreversible), the proof in PGlite and its time (cached proofs are reused; --no-verify skips it), and a Mermaid ERD of the tables touched. Exit 1 when the proof fails. Post it as a pull-request comment from CI (README: CI).`;

  static override examples = [
    '<%= config.bin %> review',
    '<%= config.bin %> review main..feature',
    '<%= config.bin %> review origin/main..HEAD --json',
    '<%= config.bin %> review HEAD..WORKING --no-verify',
  ];

  static override args = { range: Args.string({ description: 'A..B (default HEAD~1..HEAD).', required: false }) };

  static override flags = {
    format: Flags.string({
      summary: 'Output format (--json is the same as --format json).',
      options: ['markdown', 'json'],
      default: 'markdown',
    }),
    online: Flags.boolean({
      summary:
        'Review the online form of the migration (what `upgrade --online` runs). Default: `online:` in schemaver.yaml.',
      allowNo: true,
    }),
    verify: Flags.boolean({
      summary: 'Prove the migration in PGlite (--no-verify skips it).',
      default: true,
      allowNo: true,
    }),
  };

  async run(): Promise<ReviewDoc> {
    const { args, flags } = await this.parse(Review);
    const { root, store } = await openProject(this.root);
    const [a, b] = await rangeOf(args.range, store);
    const from = a === EMPTY ? await emptyRev() : await loadRevOrEmpty(root, a, store);
    const to = await loadRevOrEmpty(root, b, store);
    const classic = planMigration(from.schema, to.schema);
    const found = to.id ? (await store.readMigrations(to.id)).find((m) => m.parent === (from.id ?? '')) : undefined;
    // --online: the online form `upgrade --online` runs for a generated edge (a hand-edited one runs as stored)
    const online = (await onlineSettings(root, flags.online)).enabled && !found?.handEdited;
    const rewritten = online ? onlinePlan(classic, from.schema, to.schema) : undefined;
    const plan = rewritten?.online ? rewritten : classic;
    const stored = rewritten?.online ? undefined : found;
    const up = stored?.up ?? (rewritten?.online ? renderOnline(plan, 'up') : renderUp(plan));
    const down = stored?.down ?? (rewritten?.online ? renderOnline(plan, 'down') : renderDown(plan));
    const changes = semanticDiff(from.schema, to.schema);
    const hazards = await lintScript(up);
    const steps = svc.reviewSteps(plan, stored?.steps ?? summarizeSteps(plan), hazards);
    let proof = { ran: false, ok: true, ms: 0, cached: false, problems: [] as string[] };
    if (flags.verify && (from.hash !== to.hash || stored?.handEdited)) {
      this.note('proving the migration in PGlite...');
      const [r] = await proveEdges(
        [
          {
            from: from.schema,
            to: to.schema,
            up,
            down: steps.every((s) => s.reversible) ? down : null,
            opts: { allowDataLoss: true, hashes: { from: from.hash, to: to.hash }, generated: !stored?.handEdited },
          },
        ],
        { cacheDir: cacheDir(root) },
      );
      proof = {
        ran: true,
        ok: r!.ok,
        ms: r!.ms,
        cached: Boolean((r!.data as { cached?: boolean } | undefined)?.cached),
        problems: [...r!.problems],
      };
    }
    const tables = svc.touchedTables(changes);
    const doc: ReviewDoc = {
      from: { rev: a, id: from.id ?? null, hash: from.hash },
      to: { rev: b, id: to.id ?? null, hash: to.hash },
      changes,
      steps,
      up,
      down,
      stored: stored !== undefined,
      proof,
      tables,
      erd: tables.length ? await svc.erdOf(from.schema, to.schema, tables) : '',
      hazards,
    };
    if (flags.format === 'json' && !this.jsonEnabled()) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    else this.print(svc.renderMarkdown(doc));
    if (!proof.ok) {
      throw negative(
        'verification-failed',
        `the migration does not reproduce the schema: ${proof.problems.join('; ')}`,
        'fix the SQL or the schema before merging',
        doc,
      );
    }
    return doc;
  }
}

/** EMPTY names the empty schema a first commit is reviewed from. */
const EMPTY = '(nothing)';

/** emptyRev is the empty schema as a revision. */
async function emptyRev(): Promise<import('../app/project.js').LoadedRev> {
  const schema = emptySchema();
  return { rev: EMPTY, schema, hash: schemaHash(schema), files: [] };
}

/** rangeOf splits `A..B` (default `HEAD~1..HEAD`, or the empty schema..HEAD for a first commit). */
async function rangeOf(range: string | undefined, store: import('../store/index.js').Store): Promise<[string, string]> {
  if (range?.includes('..')) {
    const [a, b] = range.split('..');
    return [a || 'HEAD', b || 'HEAD'];
  }
  if (range)
    return (await store.readCommit(await store.resolve(range))).parents.length ? [`${range}~1`, range] : [EMPTY, range];
  const head = await store.head();
  if (head && (await store.readCommit(head)).parents.length) return ['HEAD~1', 'HEAD'];
  return [EMPTY, 'HEAD'];
}
