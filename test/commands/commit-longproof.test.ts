/**
 * A big root commit (bin/run.js: pg/offload.ts tiersUp, here forced with allowWasmTierUp) has a verifier whose PGlite
 * tiers up from its start (pg/worker.ts): it builds the normalisation's first two rounds (Verifier.readback, reread)
 * on the database the proof then takes; a third round, when PostgreSQL respells its own text again, runs on the
 * command's thread during the proof. Whether PostgreSQL keeps its text or respells it again, the verified commit holds
 * the schema a `commit --no-verify` in another process holds, and `status` finds nothing to commit. In this process
 * (test/helpers/inproc.ts), so the forced tier-up is the CLI's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';
import { RESPELLED, SHARED } from '../helpers/normschemas.js';

// the in-process CLI's copy of dist/proc.js hears it too (proc.ts TIER_UP)
const { allowWasmTierUp, wasmTierUp } = (await import(
  new URL('../../dist/proc.js', import.meta.url).href
)) as typeof import('../../src/proc.js');

const projects: Project[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

interface Committed {
  readonly schemaHash: string;
  readonly migrations: readonly { readonly verified: boolean; readonly steps: readonly unknown[] }[];
}

describe('a big root commit: the normalisation built on the verifier that tiers up, confirmed while the proof runs', () => {
  for (const [name, yaml] of [
    ['respelled again', RESPELLED],
    ['shared between tables', SHARED],
  ] as const) {
    it(`commits the schema --no-verify commits (${name})`, async () => {
      allowWasmTierUp();
      expect(wasmTierUp()).toBe(true);
      const p = inProcessProject('sv-longproof-');
      projects.push(p);
      expect((await p.run('init')).code).toBe(0);
      p.write('schema/schema.yaml', yaml);
      const r = await p.run('commit', '-m', 'first', '--json');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const verified = r.json<Committed>();
      expect(verified.migrations[0]!.verified).toBe(true);
      // the reference: a process of its own (no tier-up), which normalised nothing before
      const q = inProcessProject('sv-longproof-ref-');
      projects.push(q);
      expect((await q.run('init')).code).toBe(0); // the store only: what normalises is the commit below
      q.write('schema/schema.yaml', yaml);
      const ref = await runCli(q.dir, ['commit', '-m', 'first', '--json', '--no-verify']);
      expect(ref.code, ref.stdout + ref.stderr).toBe(0);
      expect(verified.schemaHash).toBe(ref.json<Committed>().schemaHash);
      const s = await runCli(p.dir, ['status']);
      expect(s.stdout).toContain('nothing to commit');
    }, 300_000);
  }
});
