import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Four projects, so a run can pick the cost it pays (`npm test -- --project unit` runs in seconds):
 * - cli: files that run the CLI (the built bin/run.js, in a child process or in-process) or other programs;
 * - pglite: files that start databases (PGlite, the PostgreSQL server) or prove edges;
 * - pglite-own: pglite files that need a process of their own (OWN_PROCESS);
 * - unit: everything else.
 * A file is placed by what it and the test helpers it imports from its own folder use, so a new test file lands in
 * the right project without editing this list.
 *
 * Scheduling, for 2 workers that stay busy to the end: the projects run one after the other (cli, pglite, pglite-own,
 * unit: the costliest first), and within a project the longest files start first (LongestFirst), so the run ends on
 * short files instead of one worker finishing a long file alone.
 */
const root = dirname(fileURLToPath(import.meta.url));
const CLI = /helpers\/(cli|inproc)\.js|bin\/run\.js|node:child_process/;
const PGLITE = /src\/(pg|deploy|app|conformance|history|gitint)\/|helpers\/server\.js|pglite|PGlite/;
/**
 * OWN_PROCESS: a file that points the process's PGlite image cache elsewhere tests what a process does from its first
 * database on (a damaged cache recovered from, the images made): the pglite project's shared workers have theirs.
 */
const OWN_PROCESS = /process\.env\.SCHEMAVER_PGLITE_CACHE =/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** text is a test file's source with the sources of the local helpers it imports (`./project.js`). */
function text(file: string, seen = new Set<string>()): string {
  if (seen.has(file)) return '';
  seen.add(file);
  let src = '';
  try {
    src = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const local = [...src.matchAll(/from '(\.\/[^']+)\.js'/g)].map((m) => resolve(dirname(file), `${m[1]}.ts`));
  return src + local.map((f) => text(f, seen)).join('\n');
}

const files = testFiles(join(root, 'test')).map((f) => ({ file: relative(root, f), text: text(f) }));
const cli = files.filter((f) => CLI.test(f.text)).map((f) => f.file);
const databases = files.filter((f) => !cli.includes(f.file) && PGLITE.test(f.text));
const pglite = databases.filter((f) => !OWN_PROCESS.test(f.text)).map((f) => f.file);
const pgliteOwn = databases.filter((f) => OWN_PROCESS.test(f.text)).map((f) => f.file);
const unit = files.filter((f) => !cli.includes(f.file) && !databases.includes(f)).map((f) => f.file);

/** ESTIMATE is test/durations.txt: seconds per file in a full run, for a fresh clone (no results cache). */
const ESTIMATE = new Map(
  readFileSync(join(root, 'test', 'durations.txt'), 'utf8')
    .split('\n')
    .filter((l) => /^\d/.test(l))
    .map((l) => l.split(' '))
    .map(([s, f]) => [f!, Number(s)]),
);
const ORDER = ['cli', 'pglite', 'pglite-own', 'unit'];

/**
 * LongestFirst orders files by project (ORDER: a worker is reused only by the next file of its own project), then
 * longest first: by vitest's results cache when it has the file, else by test/durations.txt; a file neither knows
 * starts first (its cost is unknown).
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (f: TestSpecification): number => {
      const rel = relative(root, f.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${f.project.name}:${rel}`);
      return cached ? cached.duration / 1000 : (ESTIMATE.get(rel) ?? Infinity);
    };
    const key = files.map((f) => ({ f, p: ORDER.indexOf(f.project.name), s: seconds(f) }));
    return key.sort((a, b) => a.p - b.p || b.s - a.s).map((k) => k.f);
  }
}

const shared = {
  // CLI tests start PGlite in child processes: on 2 busy cores one test can take minutes, and a timeout is no verdict
  testTimeout: 300_000,
  hookTimeout: 300_000,
  pool: 'forks' as const,
  // no warm prover (src/pg/proverd.ts) outlives a test: commands under test prove with their own worker, and the
  // prover's own tests turn it on with a private runtime dir and stop it.
  // No fsync of the store's writes (src/store/fsops.ts durable), here and in every process a test starts: no test
  // stops the OS, so no fsync changes what one sees; test/store/fsync-switch.test.ts unsets it and counts the fsyncs
  // of every kind of durable write. A commit fsyncs ~35 times, each 2-13 ms on this disk under load with the worker
  // waiting, not computing: the ten longest cli files made ~7,900 (merge/cli 51.7/40.5 -> 40.8/31.7 s wall, 10.4 ->
  // 9.0 s of CPU, alternately)
  env: { SCHEMAVER_PROVER: '0', SCHEMAVER_FSYNC: '0' },
};

export default defineConfig({
  test: {
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    projects: [
      // pure in-memory tests share their workers' module graph: 28 files start two processes instead of 28 (about a
      // quarter of this project's CPU was process start and imports)
      { test: { ...shared, name: 'unit', include: unit, isolate: false } },
      // files that start databases share their workers too: PGlite's WebAssembly is compiled (and its functions
      // compiled lazily, as they first run) once per worker instead of once per file, and the process, vitest and the
      // sources are loaded once (the files of this project took 30% less CPU so); per-file.ts as for the cli project
      {
        test: { ...shared, name: 'pglite', include: pglite, isolate: false, setupFiles: ['test/helpers/per-file.ts'] },
      },
      { test: { ...shared, name: 'pglite-own', include: pgliteOwn } },
      // CLI files share their workers too: Node's start-up, the CLI's modules (loaded natively by in-process runs) and
      // PGlite's WebAssembly compile are paid once per worker, not once per file (~0.3 s CPU each); per-file.ts puts
      // back the environment and working directory a file leaves changed
      {
        test: { ...shared, name: 'cli', include: cli, isolate: false, setupFiles: ['test/helpers/per-file.ts'] },
      },
    ],
  },
});
