import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { formatDate, openProject, shortId } from '../app/project.js';
import { renderGraph } from '../cli/graph.js';
import { decorations } from '../app/refs.js';
import { paint } from '../cli/term.js';

/** LogEntry is one commit of `log --json`. */
export interface LogEntry {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly author: { readonly name: string; readonly email: string; readonly timestamp: number };
  readonly schemaHash: string;
  readonly refs: readonly string[];
}

/** Log shows the history of snapshots. */
export default class Log extends BaseCommand {
  static override summary = 'Show the history of schema snapshots, newest first.';
  static override description = `Walks history from REV (default HEAD) children before parents, newest first. --oneline prints one line per commit; --graph draws the branch and merge structure as an ASCII DAG like \`git log --graph\`. The store is a git repository: \`git --git-dir=.schemaver log\` works too.`;

  static override examples = [
    '<%= config.bin %> log',
    '<%= config.bin %> log --oneline --graph',
    '<%= config.bin %> log -n 5 feature',
    '<%= config.bin %> log --all --graph --oneline',
    '<%= config.bin %> log --json',
  ];

  static override args = {
    rev: Args.string({ description: 'Revision to start from (default HEAD).', required: false }),
  };

  static override flags = {
    oneline: Flags.boolean({ summary: 'One line per commit: short id, refs, subject.' }),
    graph: Flags.boolean({ summary: 'Draw the history as an ASCII graph.' }),
    all: Flags.boolean({ summary: 'Show the history of every branch and tag (and HEAD), not only REV.' }),
    'max-count': Flags.integer({ char: 'n', summary: 'Show at most N commits.', min: 0, helpValue: 'N' }),
  };

  async run(): Promise<{ commits: LogEntry[] }> {
    const { args, flags } = await this.parse(Log);
    const c = paint(process.stdout);
    const { store } = await openProject(this.root);
    const starts = flags.all ? await allTips(store) : [];
    if (!args.rev && !(await store.head()) && !starts.length) {
      const b = await store.currentBranch();
      this.note(`branch '${b ?? 'HEAD'}' has no commits yet`);
      return { commits: [] };
    }
    const start = flags.all
      ? [...(args.rev ? [await store.resolve(args.rev)] : []), ...starts]
      : await store.resolve(args.rev ?? 'HEAD');
    const commits = await store.log(start, flags['max-count'] !== undefined ? { limit: flags['max-count'] } : {});
    const refs = await decorations(store);
    const entries: LogEntry[] = commits.map((x) => ({
      id: x.id,
      parents: x.parents,
      message: x.message,
      author: x.author,
      schemaHash: x.schemaHash,
      refs: refs.get(x.id) ?? [],
    }));
    if (this.jsonEnabled()) return { commits: entries };

    const deco = (e: LogEntry) =>
      e.refs.length
        ? ' ' +
          c.yellow('(') +
          e.refs
            .map((r) => (r.startsWith('tag: ') ? c.yellow(r) : r.startsWith('HEAD') ? c.cyan(r) : c.green(r)))
            .join(c.yellow(', ')) +
          c.yellow(')')
        : '';
    const body = (e: LogEntry): string[] => {
      if (flags.oneline) return [`${c.yellow(shortId(e.id))}${deco(e)} ${e.message.split('\n')[0]}`];
      const lines = [c.yellow(`commit ${e.id}`) + deco(e)];
      if (e.parents.length > 1) lines.push(`Merge: ${e.parents.map(shortId).join(' ')}`);
      lines.push(
        `Author: ${e.author.name} <${e.author.email}>`,
        `Date:   ${formatDate(e.author.timestamp)}`,
        `Schema: ${e.schemaHash}`,
        '',
      );
      for (const l of e.message.split('\n')) lines.push(`    ${l}`.trimEnd());
      lines.push('');
      return lines;
    };
    const out: string[] = [];
    if (flags.graph) {
      const byId = new Map(entries.map((e) => [e.id, e]));
      const rows = renderGraph(entries);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        if (!row.commit) {
          out.push(row.prefix);
          continue;
        }
        const lines = body(byId.get(row.commit)!);
        const cont = lanesBelow(row.prefix, rows[i + 1]?.prefix);
        lines.forEach((l, j) => out.push(`${j === 0 ? row.prefix : cont} ${l}`.trimEnd()));
      }
    } else {
      for (const e of entries) out.push(...body(e));
    }
    this.print(out.join('\n').replace(/\n+$/, ''));
    return { commits: entries };
  }
}

/** allTips lists what `log --all` starts from: HEAD, every branch and every tag. */
async function allTips(store: import('../store/index.js').Store): Promise<string[]> {
  const head = await store.head();
  const refs = [...(await store.branches()), ...(await store.tags())].map((r) => r.id);
  return [...new Set([...(head ? [head] : []), ...refs])];
}

/** lanesBelow is the prefix for a commit's extra lines: a `|` for every lane that continues below it. */
function lanesBelow(commitPrefix: string, nextPrefix: string | undefined): string {
  const width = Math.max(commitPrefix.length, nextPrefix?.length ?? 0);
  let s = '';
  for (let i = 0; i < width; i += 2) {
    const here = commitPrefix[i];
    const below = nextPrefix?.[i];
    s +=
      (here === '|' || here === '*') &&
      (below === '|' || below === '*' || below === '\\' || nextPrefix?.[i + 1] === '\\' || nextPrefix?.[i - 1] === '/')
        ? '| '
        : '  ';
  }
  return s.replace(/\s+$/, '');
}
