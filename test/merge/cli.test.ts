/**
 * End-to-end merge scenarios THROUGH THE CLI: for every folder of test/scenarios/merge a temp project commits
 * base on main, ours on main, theirs on a branch from base, then `schemaver merge feature`; the result is
 * compared by canonical form (and column order), or the conflicts by {path, kind}. Build first (`npx tsc -p .`).
 * MERGE_CLI_ONLY=name1,name2 runs a subset.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempProject, hasStackTrace, type Project } from '../helpers/cli.js';
import { parseSchemaFiles, type SourceFile } from '../../src/parse/index.js';
import { canonicalJson } from '../../src/canon/index.js';
import type { Schema } from '../../src/model/types.js';
import { loadScenarios, sortConflicts } from './scenarios.js';

const only = process.env.MERGE_CLI_ONLY?.split(',');
const projects: Project[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

function schemaFiles(p: Project): SourceFile[] {
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

function parse(files: SourceFile[]): Schema {
  const r = parseSchemaFiles(files);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

const columnOrder = (s: Schema) => Object.fromEntries(Object.entries(s.tables).map(([k, t]) => [k, t.columns.map((c) => c.name)]));

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

describe('merge scenarios through the CLI', () => {
  for (const sc of loadScenarios()) {
    if (only && !only.includes(sc.name)) continue;
    it(sc.name, async () => {
      const p = await setup(sc.base, sc.ours, sc.theirs);
      const before = schemaFiles(p);
      const r = await p.run('merge', 'feature', '--json', '--allow-destructive', '--no-verify');
      expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
      if (sc.expected !== undefined) {
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.json().status).toBe('merged');
        const got = parse(schemaFiles(p));
        const want = parse([{ path: 'schema/expected.yaml', text: sc.expected }]);
        expect(JSON.parse(canonicalJson(got))).toEqual(JSON.parse(canonicalJson(want)));
        expect(columnOrder(got)).toEqual(columnOrder(want));
        const log = (await p.run('log', '--json')).json().commits;
        expect(log[0].parents).toHaveLength(2);
        const st = await p.run('status', '--json');
        expect(st.code, st.stdout + st.stderr).toBe(0);
      } else {
        expect(r.code, r.stdout + r.stderr).toBe(1);
        const err = r.json().error;
        expect(err.code).toBe('merge-conflict');
        expect(sortConflicts(err.data.conflicts)).toEqual(sortConflicts(sc.conflicts!));
        expect(p.exists('.schemaver/MERGE_HEAD')).toBe(true);
        if (sc.stage !== 'build') {
          expect(schemaFiles(p).some((f) => f.text.includes('<<<conflict'))).toBe(true);
          const cont = await p.run('merge', '--continue');
          expect(cont.code, cont.stdout + cont.stderr).toBe(2);
          expect(cont.stderr).toMatch(/<<<conflict[\s\S]*--> schema\/app\.yaml:\d+:\d+/);
        }
        const abort = await p.run('merge', '--abort');
        expect(abort.code, abort.stderr).toBe(0);
        expect(schemaFiles(p)).toEqual(before);
        expect(p.exists('.schemaver/MERGE_HEAD')).toBe(false);
      }
    });
  }
});
