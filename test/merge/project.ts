/** Temp projects for the merge CLI tests: base on main, ours on main, theirs on branch `feature`. */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { TEST_ENV, cliResult, type CliResult, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { copyProject } from '../helpers/copy.js';
import { parseSchemaFiles, type SourceFile } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';

/** cleanupProjects removes every project made by setup (and the base projects it copied). */
export function cleanupProjects(): void {
  projects.splice(0).forEach((p) => p.cleanup());
  bases.clear();
}

const projects: Project[] = [];

/** schemaFiles reads schema/**.yaml of a project. */
export function schemaFiles(p: Project): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(p.dir, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
      else if (/\.ya?ml$/.test(e.name)) out.push({ path: `${rel}/${e.name}`, text: p.read(`${rel}/${e.name}`) });
    }
  };
  walk('schema');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** parse parses files into a Schema or throws with the issues. */
export function parse(files: SourceFile[]): Schema {
  const r = parseSchemaFiles(files);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

/** columnOrder lists the column names of every table, in order. */
export const columnOrder = (s: Schema) =>
  Object.fromEntries(Object.entries(s.tables).map(([k, t]) => [k, t.columns.map((c) => c.name)]));

/**
 * project is a temp project whose commands run the built CLI in this process (inProcessProject: no Node start-up
 * per command; these tests are about merging, not the process boundary), except that MERGE_TEST_BIN=/path/to/bin/run.js
 * runs another build of the CLI (a private `tsc --outDir` copy) as a child process, so these tests are not disturbed
 * by others rebuilding the shared dist/ meanwhile.
 */
export function project(prefix: string): Project {
  const p = inProcessProject(prefix);
  const bin = process.env.MERGE_TEST_BIN;
  if (!bin) return p;
  const runEnv = async (env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: p.dir,
      encoding: 'utf8',
      env: { ...process.env, ...TEST_ENV, ...env },
    });
    return cliResult(r.status ?? -1, r.stdout, r.stderr);
  };
  return { ...p, run: (...args) => runEnv({}, ...args), runEnv };
}

/** ok runs a command in `p` and throws with its output unless it exits 0. */
async function ok(p: Project, ...args: string[]): Promise<CliResult> {
  const r = await p.run(...args);
  if (r.code !== 0) throw new Error(`schemaver ${args.join(' ')} -> exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/**
 * bases holds, per base schema text, a project where main and branch feature both have base committed (init, commit,
 * branch): the start every setup of that base makes the same way, so it is made once per file and copied (merge/cli's
 * 39 scenarios have 14 bases, 23 of them the same one).
 */
const bases = new Map<string, Promise<Project>>();

/** baseProject is bases' project for `base`, made when first asked for. */
function baseProject(base: string): Promise<Project> {
  let made = bases.get(base);
  if (!made) {
    made = (async () => {
      const p = project('sv-merge-base-');
      projects.push(p);
      await ok(p, 'init');
      rmSync(join(p.dir, 'schema'), { recursive: true, force: true });
      p.write('schema/app.yaml', base);
      await ok(p, 'commit', '-m', 'base', '--no-verify', '--allow-destructive');
      await ok(p, 'branch', 'feature');
      return p;
    })();
    made.catch(() => bases.delete(base));
    bases.set(base, made);
  }
  return made;
}

/**
 * setup makes a project where main has base then ours, and branch feature has base then theirs; HEAD on main. The
 * base commit and the branch come from a copy of baseProject's project (helpers/copy.ts: its objects hard-linked).
 */
export async function setup(base: string, ours: string, theirs: string): Promise<Project> {
  const from = await baseProject(base);
  const p = project('sv-merge-');
  projects.push(p);
  copyProject(from.dir, p.dir);
  p.write('schema/app.yaml', ours);
  await ok(p, 'commit', '-m', 'ours', '--no-verify', '--allow-destructive');
  await ok(p, 'checkout', 'feature');
  p.write('schema/app.yaml', theirs);
  await ok(p, 'commit', '-m', 'theirs', '--no-verify', '--allow-destructive');
  await ok(p, 'checkout', 'main');
  return p;
}
