/**
 * End-to-end merge scenarios THROUGH THE CLI: for every folder of test/scenarios/merge a temp project commits
 * base on main, ours on main, theirs on a branch from base, then `schemaver merge feature`; the result is
 * compared by canonical form (and column order), or the conflicts by {path, kind}. Build first (`npx tsc -p .`).
 * MERGE_CLI_ONLY=name1,name2 runs a subset.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace } from '../helpers/cli.js';
import { cleanupProjects, columnOrder, parse, schemaFiles, setup } from './project.js';
import { canonicalJson } from '../../src/canon/index.js';
import { loadScenarios, sortConflicts } from './scenarios.js';

const only = process.env.MERGE_CLI_ONLY?.split(',');
afterAll(cleanupProjects);

describe('merge scenarios through the CLI', () => {
  for (const sc of loadScenarios()) {
    if (only && !only.includes(sc.name)) continue;
    it(sc.name, { timeout: 180_000 }, async () => {
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
          expect(cont.stderr).toMatch(/--> schema\/app\.yaml:\d+:\d+/);
        }
        const abort = await p.run('merge', '--abort');
        expect(abort.code, abort.stderr).toBe(0);
        expect(schemaFiles(p)).toEqual(before);
        expect(p.exists('.schemaver/MERGE_HEAD')).toBe(false);
      }
    });
  }
});
