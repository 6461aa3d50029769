/** Temp projects for the merge CLI tests: base on main, ours on main, theirs on branch `feature`. */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { CliResult, Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { parseSchemaFiles, type SourceFile } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';

/** cleanupProjects removes every project made by setup. */
export function cleanupProjects(): void {
  projects.splice(0).forEach((p) => p.cleanup());
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
      env: {
        ...process.env,
        NO_COLOR: '1',
        DEBUG: '',
        SCHEMAVER_AUTHOR_NAME: 'Test Author',
        SCHEMAVER_AUTHOR_EMAIL: 'test@example.com',
        DATABASE_URL: '',
        ...env,
      },
    });
    const out = { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    return { ...out, json: () => JSON.parse(out.stdout) };
  };
  return { ...p, run: (...args) => runEnv({}, ...args), runEnv };
}

/** setup makes a project where main has base then ours, and branch feature has base then theirs; HEAD on main. */
export async function setup(base: string, ours: string, theirs: string): Promise<Project> {
  const p = project('sv-merge-');
  projects.push(p);
  const ok = async (...args: string[]) => {
    const r = await p.run(...args);
    if (r.code !== 0) throw new Error(`schemaver ${args.join(' ')} -> exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  await ok('init');
  rmSync(join(p.dir, 'schema'), { recursive: true, force: true });
  p.write('schema/app.yaml', base);
  await ok('commit', '-m', 'base', '--no-verify', '--allow-destructive');
  await ok('branch', 'feature');
  p.write('schema/app.yaml', ours);
  await ok('commit', '-m', 'ours', '--no-verify', '--allow-destructive');
  await ok('checkout', 'feature');
  p.write('schema/app.yaml', theirs);
  await ok('commit', '-m', 'theirs', '--no-verify', '--allow-destructive');
  await ok('checkout', 'main');
  return p;
}
