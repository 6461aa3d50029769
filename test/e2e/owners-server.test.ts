/**
 * Owners end to end through the CLI on the PostgreSQL server: objects owned by another role import without
 * `owner:` (owners unmanaged) and `check` is clean all the same; `import --owners` writes them and `check` is clean;
 * a changed owner is committed (verified in PGlite), upgraded, checked and downgraded; an owner changed behind
 * schemaver's back is drift only where `owner:` is declared. Build first (`npx tsc -p .`).
 */
import { describe, expect, it, vi } from 'vitest';
import { adoptServer, inProcessProject, runAll } from '../helpers/inproc.js';
import { createDatabase, createRole, queryServer, serverAvailable } from '../helpers/server.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const sql = queryServer;

describe('owners on the server', async () => {
  const up = await serverAvailable();
  it.skipIf(!up)('unmanaged by default, --owners writes them, a changed owner up and down, drift', async () => {
    const db = await createDatabase('sv_owner');
    const app = await createRole('sv_app');
    const ops = await createRole('sv_ops');
    const p = inProcessProject('sv-owner-'); // about owners, not the process boundary: no Node start-up per command
    const A = `"${app.name}"`;
    try {
      await sql(
        db.url,
        `create schema billing;
         create table items (id bigint primary key, name text);
         create table billing.bills (id serial primary key);
         create view item_names as select name from items;
         create function answer() returns int language sql as 'select 42';
         create type mood as enum ('ok', 'meh');
         alter schema billing owner to ${A};
         alter table items owner to ${A};
         alter table billing.bills owner to ${A};
         alter view item_names owner to ${A};
         alter function answer() owner to ${A};
         alter type mood owner to ${A};`,
      );
      const run = runAll(p);
      const owner = async (rel: string) =>
        (
          await sql<{ o: string }>(
            db.url,
            `select pg_get_userbyid(relowner)::text as o from pg_class where oid = '${rel}'::regclass`,
          )
        )[0]!.o;
      // default: owners are not managed, and the server's owners are no drift
      await adoptServer(p, db.url, () => expect(p.read('schema/public.yaml')).not.toContain('owner:'));

      // --owners: every object not owned by the connecting role says who owns it
      let r = await run('import', '--url', db.url, '--force', '--owners');
      expect(r.code, r.all).toBe(0);
      const yaml = p.read('schema/public.yaml');
      expect(yaml.match(new RegExp(`owner: ${app.name}`, 'g'))?.length, yaml).toBe(4); // items, view, function, type
      expect(p.read('schema/billing.yaml')).toContain(`owner: ${app.name}`);
      r = await run('commit', '-m', 'owners managed');
      expect(r.code, r.all).toBe(0);
      // from unmanaged to managed: the upgrade gives each object the owner it already has
      r = await run('upgrade', '--url', db.url);
      expect(r.code, r.all).toBe(0);
      r = await run('check', '--url', db.url);
      expect(r.code, r.all).toBe(0);

      // a changed owner: planned, verified in PGlite, upgraded, checked, downgraded
      const itemsOwner = new RegExp(`(items:\\n(?:.*\\n)*?\\s+owner: )${app.name}`);
      expect(yaml).toMatch(itemsOwner);
      p.write('schema/public.yaml', yaml.replace(itemsOwner, `$1${ops.name}`));
      r = await run('plan');
      expect(r.stdout).toContain(`ALTER TABLE public.items OWNER TO ${ops.name}`);
      r = await run('commit', '-m', 'ops own items');
      expect(r.code, r.all).toBe(0);
      r = await run('upgrade', '--url', db.url);
      expect(r.code, r.all).toBe(0);
      expect(await owner('items')).toBe(ops.name);
      expect((await run('check', '--url', db.url)).code).toBe(0);
      r = await run('downgrade', '-1', '--url', db.url);
      expect(r.code, r.all).toBe(0);
      expect(await owner('items')).toBe(app.name);

      // drift: only a managed owner is compared
      await sql(db.url, `alter table items owner to postgres`);
      r = await run('check', '--url', db.url);
      expect(r.code, r.all).toBe(1);
      expect(r.all).toContain('owner');
      await sql(db.url, `alter table items owner to ${A}`);
      expect((await run('check', '--url', db.url)).code).toBe(0);
    } finally {
      p.cleanup();
      await db.drop();
      await app.drop();
      await ops.drop();
    }
  });
});
