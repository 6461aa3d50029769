/**
 * connectUrl: connection failures are exit 3 with a clear reason and hint, and the password of the URL
 * never appears in a message, hint, data, --json rendering or label.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaverError, errorJson } from '../../src/errors.js';
import { renderError } from '../../src/cli/base.js';
import { connectUrl } from '../../src/pg/server.js';
import { connectionLabel as maskConnectionUrl, redact, rememberSecrets } from '../../src/redact.js';
import { hasServer } from './targets.js';
import { serverUrl, withDatabase } from '../helpers/server.js';

const SECRET = 's3cret!';

async function connectFailure(url: string, timeoutMs = 2000): Promise<SchemaverError> {
  try {
    const db = await connectUrl(url, { timeoutMs });
    await db.close();
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaverError);
    return e as SchemaverError;
  }
  throw new Error('expected the connection to fail');
}

/** everything a user could see of an error. */
function surfaces(e: SchemaverError): string {
  return [
    e.message,
    e.hint ?? '',
    JSON.stringify(errorJson(e)),
    renderError(e),
    JSON.stringify(e.data ?? null),
    String(e.stack),
  ].join('\n');
}

/** fakeServer speaks just enough of the PostgreSQL protocol to ask for a password and reject it. */
function fakeServer(
  mode: 'reject-password' | 'silent',
): Promise<{ port: number; close: () => Promise<void>; received: Buffer[] }> {
  const received: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let step = 0;
    sock.on('data', (buf) => {
      received.push(buf);
      if (mode === 'silent') return;
      if (step === 0) {
        step = 1;
        // AuthenticationCleartextPassword
        const m = Buffer.alloc(9);
        m.write('R', 0);
        m.writeInt32BE(8, 1);
        m.writeInt32BE(3, 5);
        sock.write(m);
      } else if (step === 1) {
        step = 2;
        const fields = ['SFATAL', 'VFATAL', 'C28P01', 'Mpassword authentication failed for user "app"'];
        const body = Buffer.concat([...fields.map((f) => Buffer.from(f + '\0')), Buffer.from('\0')]);
        const head = Buffer.alloc(5);
        head.write('E', 0);
        head.writeInt32BE(body.length + 4, 1);
        sock.end(Buffer.concat([head, body]));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        received,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

describe('masking', () => {
  it('masks userinfo and ?password= and removes the literal password from any text', () => {
    expect(maskConnectionUrl(`postgres://u:${SECRET}@h:5432/db?sslmode=require&password=${SECRET}`)).toBe(
      'postgres://u:***@h:5432/db?sslmode=require&password=***',
    );
    rememberSecrets(`postgres://u:${encodeURIComponent('p@ss w0rd')}@h/db`);
    expect(redact('oops p@ss w0rd and p%40ss%20w0rd')).toBe('oops *** and ***');
  });
});

describe('connectUrl failures are exit 3, explained, and never show the password', () => {
  it('refused port', async () => {
    const e = await connectFailure(`postgres://app:${SECRET}@127.0.0.1:1/db`);
    expect(e.exit).toBe(3);
    expect(e.code).toBe('connect-failed');
    expect(e.message).toBe('cannot connect to postgres://app:***@127.0.0.1:1/db: connection refused by 127.0.0.1:1');
    expect(e.hint).toMatch(/running/);
    expect(surfaces(e)).not.toContain(SECRET);
  });

  it('unknown host', async () => {
    const e = await connectFailure(`postgres://app:${SECRET}@no-such-host.invalid/db`);
    expect(e.exit).toBe(3);
    expect(e.message).toContain('unknown host no-such-host.invalid');
    expect(surfaces(e)).not.toContain(SECRET);
  });

  it('wrong password (a fake server that asks for one and rejects it)', async () => {
    const srv = await fakeServer('reject-password');
    try {
      const e = await connectFailure(`postgres://app:${SECRET}@127.0.0.1:${srv.port}/db`);
      expect(e.exit).toBe(3);
      expect(e.message).toBe(
        `cannot connect to postgres://app:***@127.0.0.1:${srv.port}/db: password authentication failed for user "app"`,
      );
      expect(e.hint).toMatch(/password/);
      expect(surfaces(e)).not.toContain(SECRET);
      // the password did go to the server (so the test really exercised authentication)
      expect(Buffer.concat(srv.received).toString('latin1')).toContain(SECRET);
    } finally {
      await srv.close();
    }
  });

  it('timeout (a server that never answers)', async () => {
    const srv = await fakeServer('silent');
    try {
      const t0 = Date.now();
      const e = await connectFailure(`postgres://app:${SECRET}@127.0.0.1:${srv.port}/db`, 500);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(e.exit).toBe(3);
      expect(e.message).toContain('timed out');
      expect(e.hint).toContain('SCHEMAVER_CONNECT_TIMEOUT');
      expect(surfaces(e)).not.toContain(SECRET);
    } finally {
      await srv.close();
    }
  });

  it('not a postgres URL is bad input (exit 2)', async () => {
    const e = await connectFailure(`mysql://app:${SECRET}@127.0.0.1/db`);
    expect(e.exit).toBe(2);
    expect(surfaces(e)).not.toContain(SECRET);
  });

  it.skipIf(!hasServer)('missing database on the real server', async () => {
    const u = new URL(withDatabase(serverUrl(), 'nope_sv_missing'));
    u.password = SECRET;
    const e = await connectFailure(u.toString());
    expect(e.exit).toBe(3);
    expect(e.message).toMatch(
      /^cannot connect to postgres:\/\/\w+:\*\*\*@127\.0\.0\.1:5432\/nope_sv_missing: database "nope_sv_missing" does not exist$/,
    );
    expect(e.hint).toContain('createdb nope_sv_missing');
    expect(surfaces(e)).not.toContain(SECRET);
  });

  it.skipIf(!hasServer)(
    'a live connection is labelled without its password, and query errors are redacted',
    async () => {
      const u = new URL(serverUrl());
      u.password = SECRET;
      const db = await connectUrl(u.toString());
      try {
        expect(db.kind).toBe('postgres');
        expect(db.label).not.toContain(SECRET);
        expect(db.label).toContain(':***@');
        await expect(db.query(`SELECT 1 FROM "${SECRET}"`)).rejects.toThrow(/relation "\*\*\*" does not exist/);
      } finally {
        await db.close();
      }
    },
  );
});
