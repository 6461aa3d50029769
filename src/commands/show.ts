import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import type { Migration } from '../model/plan.js';
import type { SemChange } from '../diff/semdiff.js';
import { prepareEdge } from '../app/edge.js';
import { formatDate, headHash, isWorking, loadWorking, openProject, shortId } from '../app/project.js';
import { decorations } from '../cli/refs.js';
import { paint } from '../cli/term.js';
import { renderSemDiff, semanticDiff } from '../diff/semdiff.js';
import { emptySchema } from '../model/types.js';

/** ShowResult is what `show --json` prints. */
export interface ShowResult {
  readonly rev: string;
  readonly id: string | null;
  readonly parents: readonly string[];
  readonly message: string | null;
  readonly author: { readonly name: string; readonly email: string; readonly timestamp: number } | null;
  readonly schemaHash: string;
  readonly refs: readonly string[];
  readonly renames: readonly string[];
  readonly files: readonly string[];
  readonly migrations: readonly Migration[];
  /** changes: for WORKING, what differs from HEAD. */
  readonly changes?: readonly SemChange[];
}

/** Show prints one commit with its schema hash and the migration(s) that lead to it. */
export default class Show extends BaseCommand {
  static override summary =
    'Show a commit: message, schema hash and the migration(s) to it (up SQL, steps with flags).';
  static override description = `For a commit, prints its metadata, the renames it applied, and for each parent edge (a root commit has one from nothing) the steps with their flags (destructive, rewrite, lock, irreversible) and the up SQL; --down adds the down SQL. \`show WORKING\` shows schema/ as it is: its hash, its changes since HEAD and the migration a commit would store now.`;

  static override examples = [
    '<%= config.bin %> show',
    '<%= config.bin %> show HEAD~1 --down',
    '<%= config.bin %> show v1.0 --json',
    '<%= config.bin %> show WORKING',
  ];

  static override args = {
    rev: Args.string({ description: 'Revision to show (default HEAD).', required: false }),
  };

  static override flags = {
    down: Flags.boolean({ summary: 'Also print the down SQL.' }),
  };

  async run(): Promise<ShowResult> {
    const { args, flags } = await this.parse(Show);
    const rev = args.rev ?? 'HEAD';
    const c = paint(process.stdout);
    const { root, store } = await openProject(this.root);
    let result: ShowResult;
    if (isWorking(rev)) {
      const w = await loadWorking(root);
      const head = await headHash(store);
      const base = head ? await store.readSchema(head.id) : emptySchema();
      const changes = head?.hash === w.hash ? [] : semanticDiff(base, w.schema);
      const migrations: Migration[] = [];
      if (head?.hash !== w.hash) {
        const edge = prepareEdge({ id: head?.id ?? '', schema: base, ...(head ? { hash: head.hash } : {}) }, w);
        migrations.push(edge.migration);
      }
      result = {
        rev,
        id: null,
        parents: head ? [head.id] : [],
        message: null,
        author: null,
        schemaHash: w.hash,
        refs: [],
        renames: [],
        files: w.files.map((f) => f.path),
        migrations,
        changes,
      };
      this.print(c.yellow('WORKING') + ' (schema/ as it is now)');
      this.print(`Schema: ${w.hash}`);
      this.print(`Files:  ${result.files.join(', ') || '(none)'}`);
      if (changes.length) {
        this.print(`\nChanges since ${head ? `HEAD (${shortId(head.id)})` : 'nothing'}:`);
        this.print(renderSemDiff(changes, c).replace(/^/gm, '  '));
      } else this.print('\nsame schema as HEAD');
    } else {
      const id = await store.resolve(rev);
      const info = await store.readCommit(id);
      const migrations = await store.readMigrations(id);
      const refs = (await decorations(store)).get(id) ?? [];
      const files = [...(await store.schemaFileIds(id)).keys()].sort();
      result = {
        rev,
        id,
        parents: info.parents,
        message: info.message,
        author: info.author,
        schemaHash: info.schemaHash,
        refs,
        renames: await store.renamesOf(id),
        files,
        migrations,
      };
      this.print(c.yellow(`commit ${id}`) + (refs.length ? c.yellow(` (${refs.join(', ')})`) : ''));
      if (info.parents.length > 1) this.print(`Merge: ${info.parents.map(shortId).join(' ')}`);
      this.print(`Author: ${info.author.name} <${info.author.email}>`);
      this.print(`Date:   ${formatDate(info.author.timestamp)}`);
      this.print(`Schema: ${info.schemaHash}`);
      this.print('');
      for (const l of info.message.split('\n')) this.print(`    ${l}`.trimEnd());
      if (result.renames.length) {
        this.print('\nRenames:');
        for (const r of result.renames) this.print(`  ${r}`);
      }
    }
    for (const m of result.migrations) {
      const src = m.parent ? shortId(m.parent) : 'nothing';
      const tags = [m.handEdited ? 'hand-edited' : '', m.steps.every((s) => s.reversible) ? '' : 'irreversible'].filter(
        Boolean,
      );
      this.print(
        c.bold(
          `\nMigration from ${src} (${m.steps.length} step${m.steps.length === 1 ? '' : 's'}${tags.length ? `, ${tags.join(', ')}` : ''})`,
        ),
      );
      for (const s of m.steps) {
        const f = [
          s.destructive ? c.red('destructive') : '',
          s.rewrite ? c.yellow('rewrite') : '',
          s.lock ? c.yellow('lock') : '',
          s.reversible ? '' : c.red('irreversible'),
        ].filter(Boolean);
        this.print(`  - ${s.what}${f.length ? ` [${f.join(', ')}]` : ''}`);
      }
      this.print(c.dim('-- up'));
      this.print(m.up.trim() ? m.up.replace(/\n+$/, '') : '-- (no statements)');
      if (flags.down) {
        this.print(c.dim('-- down'));
        this.print(m.down.trim() ? m.down.replace(/\n+$/, '') : '-- (no statements)');
      }
    }
    return result;
  }
}
