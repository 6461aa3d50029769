/** The one credential redactor: every connection-string form pg/libpq accept, by shape and by value. */
import { afterEach, describe, expect, it } from 'vitest';
import { connectionLabel, maskShapes, redact, redactDeep, rememberSecrets, secretsOf } from '../src/redact.js';

const PW = 'S3cr@t:/?# pw';

/** URL_FORMS are connection strings whose password is PW (or a part of it that still must not show). */
export const URL_FORMS: readonly { url: string; secrets: string[] }[] = [
  { url: 'postgres://app:plainpw1@127.0.0.1:1/db', secrets: ['plainpw1'] },
  { url: 'postgresql://app:plainpw2@127.0.0.1:1/db', secrets: ['plainpw2'] },
  { url: `postgres://app:${encodeURIComponent(PW)}@127.0.0.1:1/db`, secrets: [PW, encodeURIComponent(PW)] },
  { url: 'postgres://app:pass word@127.0.0.1:1/db', secrets: ['pass word'] },
  { url: 'postgres://app:p@ss@127.0.0.1:1/db', secrets: ['p@ss'] },
  { url: 'postgres://app:a:b:c@127.0.0.1:1/db', secrets: ['a:b:c'] },
  { url: 'postgres://app:sl/ash@127.0.0.1:1/db', secrets: ['sl/ash'] },
  { url: 'postgres://app:que?ry@127.0.0.1:1/db', secrets: ['que?ry'] },
  { url: 'postgres://app@127.0.0.1:1/db?password=qpw123', secrets: ['qpw123'] },
  { url: 'postgres://127.0.0.1:1/db?sslmode=disable&password=amp%20pw', secrets: ['amp pw', 'amp%20pw'] },
  { url: 'postgres://user@tenant:tenantpw@127.0.0.1:1/db', secrets: ['tenantpw'] },
  { url: 'host=127.0.0.1 port=1 password=kvsecret user=app', secrets: ['kvsecret'] },
  { url: "host=127.0.0.1 port=1 password='kv quoted pw' user=app", secrets: ['kv quoted pw'] },
];

afterEach(() => {
  delete process.env.PGPASSWORD;
});

describe('redact', () => {
  it('masks every URL form by shape alone (no secret remembered), in free text and in labels', () => {
    for (const f of URL_FORMS) {
      const text = `cannot connect to ${f.url}: connection refused`;
      const out = maskShapes(text);
      for (const s of f.secrets) expect(out, f.url).not.toContain(s);
      expect(out, f.url).toContain('***');
      expect(out).toMatch(/connection refused$/);
    }
  });

  it('keeps the rest of a URL readable', () => {
    expect(connectionLabel('postgres://u:x%40y@h:5432/db?sslmode=require&password=zzz')).toBe(
      'postgres://u:***@h:5432/db?sslmode=require&password=***',
    );
    expect(connectionLabel('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(maskShapes('no secrets here: password is required')).toBe('no secrets here: password is required');
    expect(maskShapes("host=h password='a b\\'c' user=u")).toBe('host=h password=*** user=u');
    expect(maskShapes('PASSWORD = abc')).toBe('PASSWORD = ***');
  });

  it('removes a remembered password wherever it appears: raw, decoded, JSON-escaped', () => {
    for (const f of URL_FORMS) rememberSecrets(f.url);
    for (const f of URL_FORMS) {
      for (const s of f.secrets) {
        const out = redact(`driver said "${s}" and ${JSON.stringify({ m: s })}`);
        expect(out, f.url).not.toContain(s);
        expect(out).not.toContain(JSON.stringify(s).slice(1, -1));
      }
    }
  });

  it('removes the value of PGPASSWORD wherever it appears', () => {
    process.env.PGPASSWORD = 'envpw-42';
    expect(redact('FATAL: bad thing envpw-42 happened')).toBe('FATAL: bad thing *** happened');
    expect(redactDeep({ a: ['x envpw-42'], b: 1 })).toEqual({ a: ['x ***'], b: 1 });
  });

  it('secretsOf reads the password the way pg does (decoded), and the raw spelling', () => {
    expect(secretsOf(`postgres://u:${encodeURIComponent(PW)}@h/db`)).toEqual(
      expect.arrayContaining([PW, encodeURIComponent(PW)]),
    );
    expect(secretsOf('postgres://u@h/db?password=a+b')).toEqual(expect.arrayContaining(['a+b', 'a b']));
    expect(secretsOf("password='it\\'s'")).toEqual(["it's"]);
  });
});
