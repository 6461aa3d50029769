/**
 * `commit` of a small edge on two workers (SCHEMAVER_SPLIT=1 forces what an idle machine gets): the first worker
 * restores the source from the image an earlier proof kept, the helper builds the target and keeps its image.
 * The real CLI (built workers), so the requests crossing threads (prepare, target, deliver, flush) are the ones
 * users run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasStackTrace, type Project } from '../helpers/cli.js';
import { inProcessProject } from '../helpers/inproc.js';

const V1 = `tables:
  users:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      "e-mail": { type: text, nullable: false }
`;
const V2 = V1 + '      nick: text\n';
const V3 = V2 + '      age: int\n';

let p: Project;
beforeEach(() => {
  p = inProcessProject('sv-split-');
});
afterEach(() => p.cleanup());

const images = () => {
  try {
    return readdirSync(join(p.dir, '.schemaver', 'cache', 'images')).filter((f) => f.endsWith('.img'));
  } catch {
    return [];
  }
};

describe('commit on two workers', () => {
  it('starts each edge from the image the previous proof kept, and keeps the new target', async () => {
    expect((await p.run('init')).code).toBe(0);
    p.write('schema/schema.yaml', V1);
    const root = await p.runEnv({ SCHEMAVER_SPLIT: '1' }, 'commit', '-m', 'users');
    expect(root.code, root.stderr).toBe(0);
    expect(images()).toHaveLength(1); // V1, kept by the root proof
    for (const [text, n] of [
      [V2, 2],
      [V3, 3],
    ] as const) {
      p.write('schema/schema.yaml', text);
      const r = await p.runEnv({ SCHEMAVER_SPLIT: '1' }, 'commit', '-m', `step ${n}`, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(r.json<{ migrations: { verified: boolean }[] }>().migrations[0]!.verified).toBe(true);
      expect(images()).toHaveLength(n); // the helper kept the target's image
    }
  });

  it('refuses a wrong hand-edited migration proven on two workers, as on one', async () => {
    expect((await p.run('init')).code).toBe(0);
    p.write('schema/schema.yaml', V1);
    expect((await p.run('commit', '-m', 'users')).code).toBe(0);
    p.write('schema/schema.yaml', V2);
    p.write('up.sql', 'SELECT 1;\n');
    p.write('down.sql', 'SELECT 1;\n');
    for (const split of ['1', '0']) {
      const r = await p.runEnv(
        { SCHEMAVER_SPLIT: split },
        'commit',
        '-m',
        'nick',
        '--up',
        'up.sql',
        '--down',
        'down.sql',
      );
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/nick/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });
});
