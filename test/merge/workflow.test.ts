/**
 * The merge workflow through the CLI: conflict -> markers -> resolve -> --continue (two parents, verified),
 * fast-forward, "Already up to date", refusal over uncommitted changes, merge-base, and bad input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { hasStackTrace } from '../helpers/cli.js';
import { ScenarioDir } from './scenarios.js';
import { cleanupProjects, parse, schemaFiles, setup } from './project.js';

afterAll(cleanupProjects);
const read = (sc: string, f: string) => readFileSync(join(ScenarioDir, sc, f), 'utf8');

describe('merge workflow', () => {
  it('conflict, resolve by editing the marker, --continue commits with two parents', { timeout: 300_000 }, async () => {
    const sc = 'modify-modify-conflict';
    const p = await setup(read(sc, 'base.yaml'), read(sc, 'ours.yaml'), read(sc, 'theirs.yaml'));
    const ours = (await p.run('log', '--json')).json().commits[0].id;
    const m = await p.run('merge', 'feature');
    expect(m.code).toBe(1);
    expect(m.stdout).toMatch(/modify\/modify\s+column users\.name \[type\]/);
    expect(m.stdout).toMatch(/base: text\s+ours: character varying\(100\)\s+theirs: character varying\(50\)/);
    expect(m.stderr).toMatch(/error\[merge-conflict\]/);
    expect(hasStackTrace(m.stderr)).toBe(false);
    const st = await p.run('status');
    expect(st.stdout).toMatch(/Merging/);
    const c = await p.run('commit', '-m', 'too early');
    expect(c.code).toBe(2);
    // resolve: take theirs
    const doc = parseDocument(p.read('schema/app.yaml'));
    doc.setIn(['tables', 'users', 'columns', 'name'], 'varchar(50)');
    p.write('schema/app.yaml', doc.toString());
    const cont = await p.run('merge', '--continue', '--allow-destructive', '--json');
    expect(cont.code, cont.stdout + cont.stderr).toBe(0);
    const out = cont.json();
    expect(out.status).toBe('merged');
    expect(out.parents[0]).toBe(ours);
    expect(out.edges.map((e: { verified: boolean }) => e.verified)).toEqual([true, true]);
    expect(parse(schemaFiles(p)).tables.users!.columns.find((x) => x.name === 'name')!.type).toBe(
      'character varying(50)',
    );
    expect(p.exists('.schemaver/MERGE_HEAD')).toBe(false);
    expect(p.exists('.schemaver/MERGE_STATE')).toBe(false);
    const log = (await p.run('log', '--json')).json().commits;
    expect(log[0].parents).toHaveLength(2);
    expect(log[0].message).toBe("Merge branch 'feature'");
    const again = await p.run('merge', 'feature');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Already up to date/);
  });

  it(
    'fast-forwards, refuses over uncommitted changes, prints merge-base, rejects bad input',
    { timeout: 300_000 },
    async () => {
      const sc = 'add-table-one-side';
      const p = await setup(read(sc, 'base.yaml'), read(sc, 'ours.yaml'), read(sc, 'theirs.yaml'));
      const base = (await p.run('log', '--json', 'HEAD~1')).json().commits[0].id;
      const mb = await p.run('merge-base', 'main', 'feature');
      expect(mb.code).toBe(0);
      expect(mb.stdout.trim()).toBe(base);
      expect((await p.run('merge-base', 'main', 'nope')).code).toBe(2);
      expect((await p.run('merge', 'nope')).code).toBe(2);
      expect((await p.run('merge', '--continue')).code).toBe(2);
      expect((await p.run('merge', '--abort')).code).toBe(2);
      p.write('schema/app.yaml', read(sc, 'ours.yaml') + '# edited\n');
      const dirty = await p.run('merge', 'feature', '--json');
      expect(dirty.code).toBe(1);
      expect(dirty.json().error.code).toBe('uncommitted-changes');
      expect(p.read('schema/app.yaml')).toContain('# edited');
      // fast-forward: feature2 from main plus one commit
      p.write('schema/app.yaml', read(sc, 'ours.yaml'));
      expect((await p.run('checkout', '-b', 'feature2')).code).toBe(0);
      p.write('schema/app.yaml', read(sc, 'ours.yaml') + '  extra:\n    columns:\n      x: integer\n');
      expect((await p.run('commit', '-m', 'extra', '--no-verify')).code).toBe(0);
      const tip = (await p.run('log', '--json')).json().commits[0].id;
      expect((await p.run('checkout', 'main')).code).toBe(0);
      const ff = await p.run('merge', 'feature2', '--json');
      expect(ff.code, ff.stdout + ff.stderr).toBe(0);
      expect(ff.json()).toMatchObject({ status: 'fast-forward', to: tip, branch: 'main' });
      expect(p.read('schema/app.yaml')).toContain('extra:');
      expect((await p.run('log', '--json')).json().commits[0].id).toBe(tip);
    },
  );

  it(
    'refuses a merge that loses data on a parent edge without --allow-destructive, writing nothing',
    { timeout: 300_000 },
    async () => {
      const sc = 'drop-unchanged-column';
      const p = await setup(read(sc, 'base.yaml'), read(sc, 'ours.yaml'), read(sc, 'theirs.yaml'));
      const before = schemaFiles(p);
      const head = (await p.run('log', '--json')).json().commits[0].id;
      const r = await p.run('merge', 'feature', '--json');
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.json().error.code).toBe('destructive-change');
      expect(r.json().error.message).toMatch(/users\.name/);
      expect(schemaFiles(p)).toEqual(before);
      expect(p.exists('.schemaver/MERGE_HEAD')).toBe(false);
      expect((await p.run('log', '--json')).json().commits[0].id).toBe(head);
      const ok = await p.run('merge', 'feature', '--allow-destructive', '--json');
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(
        ok.json().edges.map((e: { steps: { destructive: boolean }[] }) => e.steps.some((s) => s.destructive)),
      ).toEqual([false, true]);
    },
  );
});
