/**
 * quoteLiteral reads back as the exact value under standard_conforming_strings on AND off (a `\'` never ends a
 * literal early), and sqlComment turns any text into comment lines PostgreSQL never runs. Proven in PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../src/pg/pglite.js';
import type { Driver } from '../../src/pg/driver.js';
import { quoteLiteral, sqlComment } from '../../src/sql/quote.js';
import { splitStatements } from '../../src/sql/split.js';
import { settingsSql, unpinned, SETTINGS_CHECK_SQL } from '../../src/sql/settings.js';

const HOSTILE = [
  "\\'; DROP TABLE victim; --",
  "\\\\'; DROP TABLE victim; --",
  'a\\',
  '\\',
  "'",
  "''\\''",
  "it's",
  'plain',
  '',
  'tab\there\nnew line\r\ncrlf',
  'Café ☕ \\x41 \\u0041 \\101',
  "\\'); DROP TABLE victim; --",
  "E'\\''",
];

const BREAKS = ['\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085', '\v', '\f'];

let db: Driver;

beforeAll(async () => {
  db = await freshPglite();
  await db.exec('CREATE TABLE victim (x int)');
}, 60_000);

afterAll(async () => {
  await db?.close();
});

async function victimAlive(): Promise<boolean> {
  const [r] = await db.query<{ v: string | null }>(`SELECT to_regclass('public.victim')::text AS v`);
  return r?.v === 'victim';
}

describe('quoteLiteral', () => {
  it('writes plain strings as before and strings with a backslash as E-strings with backslashes doubled', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
    expect(quoteLiteral("\\'")).toBe("E'\\\\'''");
  });

  for (const scs of ['on', 'off']) {
    it(`reads back every hostile value exactly with standard_conforming_strings = ${scs}`, async () => {
      await db.exec(`SET standard_conforming_strings = ${scs}; SET escape_string_warning = off`);
      try {
        for (const v of HOSTILE) {
          // exec runs the text as one simple query, the way an injected statement would run
          await db.exec(`CREATE TEMP TABLE lit AS SELECT ${quoteLiteral(v)}::text AS v`);
          const [r] = await db.query<{ v: string }>('SELECT v FROM lit');
          await db.exec('DROP TABLE lit');
          expect(r?.v, JSON.stringify(v)).toBe(v);
          expect(await victimAlive()).toBe(true);
        }
      } finally {
        await db.exec('RESET standard_conforming_strings; RESET escape_string_warning');
      }
    });
  }

  it('the old quoting was exploitable with standard_conforming_strings off (the test can fail)', async () => {
    await db.exec('BEGIN; SET LOCAL standard_conforming_strings = off');
    const old = `'${HOSTILE[0]!.replace(/'/g, "''")}'`;
    await db.exec(`SELECT ${old}`);
    expect(await victimAlive()).toBe(false);
    await db.exec('ROLLBACK');
    expect(await victimAlive()).toBe(true);
  });
});

describe('sqlComment', () => {
  it('makes every line of a text a comment line, whatever breaks it', () => {
    for (const br of BREAKS) {
      const text = `drop table "t${br}DROP TABLE victim; --"${br}${br}SELECT 1`;
      const c = sqlComment(text);
      for (const line of c.split(/\r\n|\n|\r/)) expect(line.startsWith('-- '), JSON.stringify(c)).toBe(true);
      expect(splitStatements(c)).toEqual([]);
      const one = sqlComment(text, true);
      expect(one.split(/[\n\r]/)).toHaveLength(1);
      expect(one.startsWith('-- ')).toBe(true);
    }
  });

  it('PostgreSQL runs nothing of a commented hostile text', async () => {
    for (const br of BREAKS) {
      for (const oneLine of [false, true]) {
        const text = `x${br}DROP TABLE victim;${br}-- y${br}*/ DROP TABLE victim; /*${br}\\'; DROP TABLE victim; --`;
        await db.exec(`${sqlComment(text, oneLine)}\nSELECT 1`);
        expect(await victimAlive(), JSON.stringify({ br, oneLine })).toBe(true);
      }
    }
  });
});

describe('pinned settings', () => {
  it('freshPglite connections are pinned, and the SET statements pin a session that had them off', async () => {
    expect(unpinned((await db.query<Record<string, unknown>>(SETTINGS_CHECK_SQL))[0])).toEqual([]);
    await db.exec("SET standard_conforming_strings = off; SET search_path = pg_temp, '$user'");
    expect(unpinned((await db.query<Record<string, unknown>>(SETTINGS_CHECK_SQL))[0])).toHaveLength(2);
    await db.exec(settingsSql(false).join(';\n'));
    expect(unpinned((await db.query<Record<string, unknown>>(SETTINGS_CHECK_SQL))[0])).toEqual([]);
  });
});
