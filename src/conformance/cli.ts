/**
 * `npm run conformance -- <cases.jsonl>... [--out DIR] [--filter SUBSTR] [--jobs N] [--online]`: runs conformance
 * files and prints the pass rates (up, down, both), time, and failures grouped by cause. `--online` proves the
 * online-safe plans (`upgrade --online`'s) instead of the classic ones.
 */
import path from 'node:path';
import { formatSummary, runConformance, summarize } from './index.js';
import type { CaseResult } from './run.js';

/** main runs the conformance CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const files: string[] = [];
  let out: string | undefined;
  let filter: string | undefined;
  let jobs = 2;
  let online = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--out') out = val();
    else if (a === '--filter') filter = val();
    else if (a === '--jobs') jobs = Math.max(1, parseInt(val(), 10) || 1);
    else if (a === '--online') online = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: npm run conformance -- <cases.jsonl>... [--out DIR] [--filter SUBSTR] [--jobs N] [--online]\n',
      );
      return 0;
    } else if (a.startsWith('--')) {
      process.stderr.write(
        `error: unknown flag ${a}\nusage: npm run conformance -- <cases.jsonl>... [--out DIR] [--filter SUBSTR] [--jobs N] [--online]\n`,
      );
      return 2;
    } else files.push(a);
  }
  if (!files.length) {
    process.stderr.write(
      'error: give at least one cases file (.jsonl)\nusage: npm run conformance -- <cases.jsonl>... [--out DIR] [--filter SUBSTR] [--jobs N] [--online]\n',
    );
    return 2;
  }
  const all: CaseResult[] = [];
  const t0 = Date.now();
  for (const file of files) {
    const dir = files.length > 1 && out ? path.join(out, path.basename(file).replace(/\.jsonl$/, '')) : out;
    const tty = process.stderr.isTTY;
    const run = await runConformance(file, {
      out: dir,
      filter,
      jobs,
      online,
      onResult: (_r, done, total) => {
        if (tty) process.stderr.write(`\r${path.basename(file)}: ${done}/${total}`);
      },
    });
    if (tty) process.stderr.write('\n');
    all.push(...run.results);
    process.stdout.write(formatSummary(summarize(run.results), run.ms, `${file} (results in ${run.out}): `) + '\n\n');
  }
  if (files.length > 1) process.stdout.write(formatSummary(summarize(all), Date.now() - t0, 'all files: ') + '\n');
  return 0;
}
