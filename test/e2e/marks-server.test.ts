/**
 * What schemaver once refused as not supported, on the PostgreSQL server (15 here, whose catalog spells some of it
 * otherwise than PGlite's 18): index key statistics targets, DEPENDS ON EXTENSION marks, default privileges that take the role's own rights
 * away. Each case: objects made
 * by hand import with the YAML key and no `unmanaged`, commit (verified in PGlite), stamp, `check` clean; an edit
 * of the YAML is committed, upgraded, checked, downgraded, checked; a change by hand is drift. Commands run the built
 * CLI in this process (helpers/inproc.ts). Build first (`npx tsc -p .`).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { adoptServer, inProcessProject, runAll } from '../helpers/inproc.js';
import { createDatabase, createRole, queryServer, serverAvailable } from '../helpers/server.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

/** MarkCase: the objects made by hand, what import writes, the edit, the catalog fact on each side, and drift. */
interface MarkCase {
  readonly name: string;
  readonly setup: string;
  readonly imported: RegExp;
  readonly edit: (yaml: string) => string;
  readonly fact: string;
  readonly before: string;
  readonly after: string;
  readonly drift: string;
  /** role: the case makes a throwaway role, named for ROLE in its SQL and facts. */
  readonly role?: boolean;
}

const CASES: MarkCase[] = [
  {
    name: 'index key statistics targets',
    setup: `create schema "Odd S";
      create table "Odd S"."Odd T" (id int, "Na""me" text);
      create index "Odd ""I""" on "Odd S"."Odd T" (id, lower("Na""me"));
      alter index "Odd S"."Odd ""I""" alter column 2 set statistics 500;`,
    imported: /statistics: 500/,
    edit: (y) => y.replace('statistics: 500', 'statistics: 50'),
    fact: `select string_agg(attnum || ':' || coalesce(attstattarget, -1), ',' order by attnum) as v
      from pg_attribute where attrelid = '"Odd S"."Odd ""I"""'::regclass`,
    before: '1:-1,2:500',
    after: '1:-1,2:50',
    drift: `alter index "Odd S"."Odd ""I""" alter column 2 set statistics 7`,
  },
  {
    name: 'DEPENDS ON EXTENSION marks',
    setup: `create schema "Odd S";
      create table "Odd S"."Odd T" (id int, "Na""me" text);
      create index "Odd ""I""" on "Odd S"."Odd T" (lower("Na""me"));
      create function "Odd S"."f ""x"""() returns trigger language plpgsql as 'begin return new; end';
      create trigger "Tr g" before insert on "Odd S"."Odd T" for each row execute function "Odd S"."f ""x"""();
      create materialized view "Odd S"."M v" as select id from "Odd S"."Odd T";
      alter index "Odd S"."Odd ""I""" depends on extension plpgsql;
      alter function "Odd S"."f ""x"""() depends on extension plpgsql;
      alter trigger "Tr g" on "Odd S"."Odd T" depends on extension plpgsql;
      alter materialized view "Odd S"."M v" depends on extension plpgsql;`,
    imported: /depends_on_extensions/,
    edit: (y) =>
      y
        .replace(/,? depends_on_extensions: \[ plpgsql \]/g, '')
        .replace(/\n\s*depends_on_extensions: \[ plpgsql \]/g, ''),
    fact: `select count(*)::text as v from pg_depend where deptype = 'x'`,
    before: '4',
    after: '0',
    drift: `alter function "Odd S"."f ""x"""() no depends on extension plpgsql`,
  },
  {
    name: "default privileges taking the role's own rights away",
    role: true,
    setup: `alter default privileges for role ROLE revoke delete, truncate on tables from ROLE;
      alter default privileges for role ROLE grant select on tables to public;
      alter default privileges for role ROLE revoke execute on functions from ROLE;`,
    imported: /default_privileges/,
    edit: (y) => y.replace(/references, /g, ''),
    fact: `select string_agg(defaclobjtype::text || ' ' || array_to_string(array(select x::text from unnest(defaclacl) x order by 1), ' '), ', ' order by 1) as v
      from pg_default_acl`,
    before: 'f =X/ROLE, r =r/ROLE ROLE=arwxt/ROLE',
    after: 'f =X/ROLE, r =r/ROLE ROLE=arwt/ROLE',
    drift: `alter default privileges for role ROLE grant execute on functions to ROLE`,
  },
];

describe('once refused, now managed, on the server', async () => {
  const up = await serverAvailable();
  for (const c of CASES)
    it.skipIf(!up)(`${c.name}: import, commit, check, upgrade, downgrade, drift`, async () => {
      const db = await createDatabase('sv_marks');
      const role = c.role ? await createRole('sv_dp') : undefined;
      const R = (text: string) => (role ? text.replaceAll('ROLE', role.name) : text);
      const p = inProcessProject('sv-marks-');
      const fact = async () => (await queryServer<{ v: string }>(db.url, R(c.fact)))[0]!.v;
      const run = runAll(p);
      try {
        await queryServer(db.url, R(c.setup));
        let files: string[] = [];
        await adoptServer(p, db.url, () => {
          files = (readdirSync(join(p.dir, 'schema'), { recursive: true }) as string[])
            .filter((f) => f.endsWith('.yaml'))
            .map((f) => join('schema', f));
          const yaml = files.map((f) => p.read(f)).join('\n');
          expect(yaml).toMatch(c.imported);
          expect(yaml).not.toContain('unmanaged');
        });

        for (const f of files) p.write(f, c.edit(p.read(f)));
        let r = await run('commit', '-m', 'edit');
        expect(r.code, r.all + files.map((f) => p.read(f)).join('\n')).toBe(0);
        r = await run('upgrade', '--url', db.url);
        expect(r.code, r.all).toBe(0);
        expect(await fact()).toBe(R(c.after));
        r = await run('check', '--url', db.url);
        expect(r.code, r.all).toBe(0);
        r = await run('downgrade', '-1', '--url', db.url);
        expect(r.code, r.all).toBe(0);
        expect(await fact()).toBe(R(c.before));
        r = await run('check', '--url', db.url);
        expect(r.code, r.all).toBe(0);

        await queryServer(db.url, R(c.drift));
        r = await run('check', '--url', db.url);
        expect(r.code, r.all).toBe(1);
      } finally {
        p.cleanup();
        await db.drop();
        await role?.drop();
      }
    });
});
