/**
 * Privileges end to end through the CLI on the PostgreSQL server: a database with grants to two roles (table,
 * column, sequence, function) and default privileges imports (`import --url`), commits, stamps and `check` exits 0;
 * a changed grant is committed (verified in PGlite, which creates the roles), upgraded, checked, downgraded and
 * checked; a grant to a role the server lacks stops `upgrade` with error[missing-role] before anything runs.
 * Build first (`npx tsc -p .`).
 */
import { describe, expect, it, vi } from 'vitest';
import { adoptServer, inProcessProject, runAll } from '../helpers/inproc.js';
import { createDatabase, createRole, queryServer, serverAvailable } from '../helpers/server.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const sql = queryServer;

describe('privileges on the server', async () => {
  const up = await serverAvailable();
  it.skipIf(!up)('import, check, a changed grant up and down, and a missing role refused', async () => {
    const db = await createDatabase('sv_priv');
    const reader = await createRole('sv_reader');
    const writer = await createRole('sv_writer');
    const p = inProcessProject('sv-priv-');
    const R = `"${reader.name}"`;
    const W = `"${writer.name}"`;
    try {
      await sql(
        db.url,
        `create table items (id bigint primary key, name text, secret text);
         grant select on items to ${R};
         grant select (name), update (name) on items to ${W} with grant option;
         create sequence counter;
         grant usage, select on sequence counter to ${W};
         create function answer() returns int language sql as 'select 42';
         revoke all on function answer() from public;
         grant execute on function answer() to ${R};
         alter default privileges in schema public grant select on tables to ${R};
         alter default privileges revoke execute on functions from public;`,
      );
      const run = runAll(p);
      await adoptServer(p, db.url, () => {
        const imported = p.read('schema/public.yaml');
        expect(imported).toContain(`${reader.name}: [ select ]`);
        expect(imported).toContain('default_privileges:');
      });
      const yaml = p.read('schema/public.yaml');

      // a changed grant: planned, verified, upgraded, checked, downgraded, checked
      p.write('schema/public.yaml', yaml.replace(`${reader.name}: [ select ]`, `${reader.name}: [ insert, select ]`));
      let r = await run('commit', '-m', 'reader inserts');
      expect(r.code, r.all).toBe(0);
      r = await run('upgrade', '--url', db.url);
      expect(r.code, r.all).toBe(0);
      const acl = async () =>
        (await sql<{ a: string }>(db.url, `select relacl::text as a from pg_class where relname = 'items'`))[0]!.a;
      expect(await acl()).toContain(`${reader.name}=ar/`);
      expect((await run('check', '--url', db.url)).code).toBe(0);
      r = await run('downgrade', '-1', '--url', db.url);
      expect(r.code, r.all).toBe(0);
      expect(await acl()).toContain(`${reader.name}=r/`);
      expect((await run('check', '--url', db.url)).code).toBe(0);

      // a role the server does not have: refused before anything runs
      const ghost = `sv_ghost_${process.pid}`;
      expect(yaml).toContain(`{ ${reader.name}: [ select ] }`);
      p.write(
        'schema/public.yaml',
        yaml.replace(`{ ${reader.name}: [ select ] }`, `{ ${reader.name}: [ select ], ${ghost}: [ select ] }`),
      );
      r = await run('commit', '-m', 'ghost');
      expect(r.code, r.all).toBe(0);
      r = await run('upgrade', '--url', db.url);
      expect(r.code, r.all).toBe(3);
      expect(r.stderr).toContain('error[missing-role]');
      expect(r.stderr).toContain(ghost);
      expect(r.stderr).toContain('nothing was changed');
      expect(await acl()).not.toContain(ghost);
      expect((await run('check', '--url', db.url)).code).toBe(0);
    } finally {
      p.cleanup();
      await db.drop();
      await reader.drop();
      await writer.drop();
    }
  });
});
