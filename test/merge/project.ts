/** Temp projects for the merge CLI tests: base on main, ours on main, theirs on branch `feature`. */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempProject, type Project } from '../helpers/cli.js';
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
export const columnOrder = (s: Schema) => Object.fromEntries(Object.entries(s.tables).map(([k, t]) => [k, t.columns.map((c) => c.name)]));

/** setup makes a project where main has base then ours, and branch feature has base then theirs; HEAD on main. */
export async function setup(base: string, ours: string, theirs: string): Promise<Project> {
  const p = tempProject('sv-merge-');
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

