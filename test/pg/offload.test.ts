// The verification worker, as the built CLI runs it (dist/: a worker thread needs compiled JavaScript).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptySchema, type Schema } from '../../src/model/types.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { SchemaverError } from '../../dist/errors.js';

const dist = new URL('../../dist/pg/offload.js', import.meta.url);
const { startVerifier } = (await import(dist.href)) as typeof import('../../src/pg/offload.js');
const { planMigration, renderUp, renderDown } = await import('../../src/plan/index.js');

function withTable(check?: string): Schema {
  const checks = check ? `\n    checks:\n      users_id_check: ${JSON.stringify(check)}` : '';
  const text = `tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }${checks}\n`;
  const r = parseSchemaFiles([{ path: 'schema/users.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

describe('startVerifier (worker thread)', () => {
  it('is built and runs proofs on a worker thread', () => {
    expect(existsSync(new URL('../../dist/pg/worker.js', import.meta.url))).toBe(true);
    const v = startVerifier();
    expect(v.inWorker).toBe(true);
    return v.close();
  });

  it('proves an edge and reports a wrong one with a diff naming the object', async () => {
    const v = startVerifier();
    try {
      const from = emptySchema();
      const to = withTable();
      const plan = planMigration(from, to);
      const heard: string[] = [];
      const good = await v.verify(from, to, renderUp(plan), renderDown(plan), {
        onProgress: (phase, done, total) => heard.push(`${phase} ${done}/${total}`),
      });
      expect(good.ok).toBe(true);
      // progress crosses the thread: each script reports once it ran all its statements
      expect(heard).toContain('up 1/1');
      expect(heard).toContain('down 1/1');
      const bad = await v.verify(withTable(), withTable('id > 0'), 'SELECT 1;', 'SELECT 1;');
      expect(bad.ok).toBe(false);
      expect(bad.problems.join('\n')).toMatch(/users_id_check/);
    } finally {
      await v.close();
    }
  });

  it('reports a schema that does not build, and carries errors thrown in the worker across with code and exit', async () => {
    const v = startVerifier();
    try {
      const broken = withTable('no_such_function(id)');
      const r = await v.verify(withTable(), broken, 'SELECT 1;', 'SELECT 1;');
      expect(r.ok).toBe(false);
      expect(r.problems.join('\n')).toMatch(/does not build.*no_such_function/);
      const exotic = {
        ...emptySchema(),
        extensions: { postgis_unknown: { name: 'postgis_unknown' } },
      } as unknown as Schema;
      const err = await v.verify(emptySchema(), exotic, 'SELECT 1;', null).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaverError);
      expect(err).toMatchObject({ code: 'extension-unavailable', exit: 3 });
      expect((err as Error).message).toMatch(/postgis_unknown is not available in PGlite/);
    } finally {
      await v.close();
    }
    await expect(v.verify(emptySchema(), emptySchema(), '', '')).rejects.toThrow(/closed/);
  });
});
