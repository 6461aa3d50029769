/**
 * `commit` plans and proves with schema/'s normalisation after its first build while the later rounds confirm it
 * (app/commit.ts, pg/normalize.ts normalizeEarly). Whether PostgreSQL keeps its own text (confirmed) or respells it
 * again (an IN list on varchar: the commit is planned and proven once more), the verified commit holds the schema
 * `commit --no-verify` holds, and `status` finds nothing to commit; so does a schema whose first build is split
 * between two threads, and one whose tables say the same texts (each built once). The real CLI (built workers).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { KEPT, RESPELLED, SHARED } from '../helpers/normschemas.js';

// 64+ objects: the first build is split between the command's thread and the verifier's (Verifier.readback)
const MANY =
  'tables:\n' +
  Array.from(
    { length: 70 },
    (_, i) => `  t${i}:
    columns:
      id: { type: bigint, primary_key: true }
      n: { type: int, default: { sql: "${i}+1" } }
      title: { type: varchar(20) }
    checks:
      t${i}_n_check: "n > ${i}"
`,
  ).join('');

const projects: Project[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

interface Committed {
  readonly schemaHash: string;
  readonly migrations: readonly { readonly verified: boolean }[];
}

/**
 * commitOf commits `yaml` in a new project and returns the result. The verified commit runs as the real CLI in a
 * process of its own (bin/run.js starts its verifier early; nothing normalised before); `init`, the reference
 * `commit --no-verify` and `status` run in this process (test/helpers/inproc.ts), which normalised none of these
 * schemas before: no test here commits the same schema in this process twice.
 */
async function commitOf(yaml: string, ...flags: string[]): Promise<{ p: Project; c: Committed }> {
  const p = inProcessProject('sv-early-');
  projects.push(p);
  expect((await p.run('init')).code).toBe(0);
  p.write('schema/schema.yaml', yaml);
  const args = ['commit', '-m', 'first', '--json', ...flags];
  const r = flags.includes('--no-verify') ? await p.run(...args) : await runCli(p.dir, args);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return { p, c: r.json<Committed>() };
}

describe('commit with the normalisation confirmed while the proof runs', () => {
  for (const [name, yaml] of [
    ['kept', KEPT],
    ['respelled again', RESPELLED],
    ['split between two threads', MANY],
    ['shared between tables', SHARED],
  ] as const) {
    it(`commits the schema --no-verify commits (${name})`, async () => {
      const verified = await commitOf(yaml);
      expect(verified.c.migrations[0]!.verified).toBe(true);
      const unverified = await commitOf(yaml, '--no-verify');
      expect(verified.c.schemaHash).toBe(unverified.c.schemaHash);
      // a process of its own: what status finds is what the verified commit left on disk, not this process's memory
      const s = await runCli(verified.p.dir, ['status']);
      expect(s.stdout).toContain('nothing to commit');
    }, 300_000);
  }
});
