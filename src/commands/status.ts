import { BaseCommand } from '../cli/base.js';
import type { SemChange } from '../diff/semdiff.js';
import { paint } from '../cli/term.js';
import { renderSemDiff, semanticDiff } from '../diff/semdiff.js';
import { emptySchema } from '../model/types.js';
import { readSchemaDir } from '../parse/files.js';
import { mergeInProgress } from '../gitint/mergestate.js';
import {
  cachedWorkingHash,
  fileDirt,
  headHash,
  loadWorking,
  normalized,
  openProject,
  readSchemaModules,
  shortId,
} from '../app/project.js';
import { schemaHashOf } from '../store/index.js';

/** StatusResult is what `status --json` prints. */
export interface StatusResult {
  readonly branch: string | null;
  readonly head: string | null;
  readonly headHash: string | null;
  /** workingHash: null while conflict blocks are left in schema/ (it does not parse as a schema then). */
  readonly workingHash: string | null;
  readonly clean: boolean;
  readonly changes: readonly SemChange[];
  /** files: schema files that differ from HEAD's text (edits, including comment/format-only ones). */
  readonly files: { readonly added: string[]; readonly removed: string[]; readonly modified: string[] };
  readonly merge: {
    readonly inProgress: boolean;
    readonly mergeHead?: string;
    /** unresolved: where `<<<conflict` blocks are left in schema/ (file:line:col), while a merge waits. */
    readonly unresolved?: readonly { readonly file: string; readonly line: number; readonly col: number }[];
  };
}

/** Status shows the branch, HEAD and the semantic changes of schema/ since HEAD. */
export default class Status extends BaseCommand {
  static override summary = 'Show the branch, HEAD and what changed in schema/ since HEAD, semantically.';
  static override description = `Compares WORKING (schema/ as it is now) with HEAD by schema hash; when they differ, lists the added, dropped, renamed and changed objects down to columns and attributes. Reordering or reformatting YAML changes no hash, so status stays clean (edited files are still listed, since checkout would rewrite them). Exits 2 with every problem when schema/ does not validate.`;

  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  async run(): Promise<StatusResult> {
    await this.parse(Status);
    const c = paint(process.stdout);
    const { root, store } = await openProject(this.root);
    const branch = await store.currentBranch();
    const head = await headHash(store);
    const mergeHead = await mergeInProgress(root, store, (t) => this.note(t));
    this.print(branch ? `On branch ${c.bold(branch)}` : `HEAD detached at ${head ? shortId(head.id) : '?'}`);
    if (head) {
      const info = await store.readCommit(head.id);
      this.print(`HEAD ${c.yellow(shortId(head.id))} ${info.message.split('\n')[0]}`);
    } else {
      this.print('No commits yet');
    }
    if (mergeHead)
      this.print(
        c.magenta(
          `Merging ${shortId(mergeHead)}: fix conflicts in schema/, then \`schemaver merge --continue\` (or --abort)`,
        ),
      );
    if (mergeHead) {
      const unresolved = await unresolvedConflicts(root);
      if (unresolved.length) {
        this.print(`Unresolved conflicts (${unresolved.length}):`);
        for (const l of unresolved) this.print(`  ${c.red('conflict')} ${l.file}:${l.line}:${l.col}`);
        return {
          branch: branch ?? null,
          head: head?.id ?? null,
          headHash: head?.hash ?? null,
          workingHash: null,
          clean: false,
          changes: [],
          files: head
            ? await fileDirt(store, head.id, await readFilesOf(root))
            : { added: [], removed: [], modified: [] },
          merge: { inProgress: true, mergeHead, unresolved },
        };
      }
    }
    // fast path: schema/ holds the bytes last parsed and they hash to HEAD's schema -> clean, no parse
    const cached = head ? await cachedWorkingHash(root) : undefined;
    const working = cached && cached.hash === head?.hash ? { ...cached, schema: undefined } : await loadWorking(root); // exit 2 with every issue when invalid
    let clean = head ? head.hash === working.hash : isEmpty(working.schema!);
    let changes: SemChange[] = [];
    if (!clean) {
      // a commit made before expressions were hashed in PostgreSQL's spelling stores the hash of the words as written:
      // compare with HEAD's schema normalised the same way (cached), so an unchanged schema/ reads as unchanged
      const base = head ? await normalized(root, await store.readSchema(head.id)) : emptySchema();
      if (head && (await schemaHashOf(base)) === working.hash) clean = true;
      else changes = semanticDiff(base, working.schema!);
    }
    const files = head
      ? await fileDirt(store, head.id, working.files)
      : { added: working.files.map((f) => f.path), removed: [], modified: [] };
    this.print(`Schema ${working.hash}`);
    if (clean) {
      this.print(
        head ? 'nothing to commit: schema/ matches HEAD' : 'nothing to commit: schema/ declares no objects yet',
      );
      const edited = [...files.added, ...files.removed, ...files.modified];
      if (head && edited.length) this.print(c.dim(`(text-only edits, same schema, in: ${edited.join(', ')})`));
    } else {
      this.print(head ? 'Changes since HEAD:' : 'Changes to commit (first commit):');
      if (changes.length) {
        this.print(renderSemDiff(changes, c).replace(/^/gm, '  '));
      } else {
        this.print('  (the schema hash differs, but no object-level difference was found)');
      }
      this.print('Commit them with `schemaver commit -m "..."`; see the SQL with `schemaver plan`.');
    }
    return {
      branch: branch ?? null,
      head: head?.id ?? null,
      headHash: head?.hash ?? null,
      workingHash: working.hash,
      clean,
      changes,
      files,
      merge: mergeHead ? { inProgress: true, mergeHead } : { inProgress: false },
    };
  }
}

/** unresolvedConflicts lists the `<<<conflict` blocks left in schema/ (file:line:col of each). */
async function unresolvedConflicts(root: string): Promise<{ file: string; line: number; col: number }[]> {
  const { findMarkers } = await readSchemaModules();
  return findMarkers(await readFilesOf(root));
}

/** readFilesOf reads schema/ as it is now. */
async function readFilesOf(root: string): Promise<import('../parse/index.js').SourceFile[]> {
  return readSchemaDir(root);
}

/** isEmpty tells whether a schema declares no objects at all. */
function isEmpty(s: object): boolean {
  return Object.entries(s).every(([k, v]) => k === 'kind' || Object.keys(v as object).length === 0);
}
