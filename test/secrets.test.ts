/**
 * Issue 15, item 4: the secrets matrix. Every connection-string form pg/libpq accept (percent-encoded or not,
 * spaces, `@`, `:`, `/`, `?` in the password, `?password=`, libpq key=value, PGPASSWORD) x every command that
 * connects (upgrade, downgrade, current, history, check, stamp, import --url, with --sql) x text / --json / DEBUG=1
 * x three failures (closed port, a database that does not exist, a server that rejects the password): zero
 * occurrences of the password in stdout + stderr. Commands run in this process through oclif (the built dist/,
 * `npm run build` first), stdout and stderr captured; a few runs go through the real binary.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, type Project } from './helpers/cli.js';
import { inProcessProject, runInProcess } from './helpers/inproc.js';
import { createDatabase, serverAvailable } from './helpers/server.js';

vi.setConfig({ testTimeout: 600_000, hookTimeout: 300_000 });

const hasServer = await serverAvailable();

/** Target is where a URL points (host:port and database). */
interface Target {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly db: string;
  readonly user: string;
}

/** FORMS write a connection string for a target carrying `pw` somewhere, with the spellings that must not show. */
const FORMS: readonly {
  name: string;
  make: (t: Target, pw: string) => string;
  env?: (pw: string) => NodeJS.ProcessEnv;
}[] = [
  { name: 'postgres userinfo', make: (t, pw) => `postgres://${t.user}:${pw}@${t.host}:${t.port}/${t.db}` },
  { name: 'postgresql userinfo', make: (t, pw) => `postgresql://${t.user}:${pw}@${t.host}:${t.port}/${t.db}` },
  {
    name: 'percent-encoded specials',
    make: (t, pw) => `postgres://app:${encodeURIComponent(`${pw} @:/?#`)}@${t.host}:${t.port}/${t.db}`,
  },
  { name: 'raw space', make: (t, pw) => `postgres://${t.user}:${pw} sp@${t.host}:${t.port}/${t.db}` },
  { name: 'raw @', make: (t, pw) => `postgres://${t.user}:${pw}@at@${t.host}:${t.port}/${t.db}` },
  { name: 'raw colon', make: (t, pw) => `postgres://${t.user}:${pw}:c@${t.host}:${t.port}/${t.db}` },
  { name: 'raw slash', make: (t, pw) => `postgres://${t.user}:${pw}/s@${t.host}:${t.port}/${t.db}` },
  { name: 'raw question mark', make: (t, pw) => `postgres://${t.user}:${pw}?q@${t.host}:${t.port}/${t.db}` },
  { name: '?password=', make: (t, pw) => `postgres://${t.user}@${t.host}:${t.port}/${t.db}?password=${pw}` },
  {
    name: '&password= with a space',
    make: (t, pw) => `postgres://${t.user}@${t.host}:${t.port}/${t.db}?sslmode=disable&password=${pw}%20x`,
  },
  { name: 'libpq key=value', make: (t, pw) => `host=${t.host} port=${t.port} dbname=${t.db} password=${pw}` },
  {
    name: 'libpq quoted',
    make: (t, pw) => `host=${t.host} port=${t.port} dbname=${t.db} password='${pw} q' user=${t.user}`,
  },
  {
    name: 'PGPASSWORD',
    make: (t) => `postgres://${t.user}@${t.host}:${t.port}/${t.db}`,
    env: (pw) => ({ PGPASSWORD: pw }),
  },
];

/** COMMANDS are the argument lists (before --url) of every command that connects. */
const COMMANDS: readonly string[][] = [
  ['current'],
  ['history'],
  ['check'],
  ['stamp', 'HEAD'],
  ['upgrade'],
  ['upgrade', '--sql'],
  ['downgrade', 'base'],
  ['downgrade', 'base', '--sql'],
  ['import', '--force'],
];

const MODES: readonly { name: string; args: string[]; env: NodeJS.ProcessEnv }[] = [
  { name: 'text', args: [], env: {} },
  { name: 'json', args: ['--json'], env: {} },
  { name: 'DEBUG', args: [], env: { DEBUG: '1' } },
  { name: 'DEBUG json', args: ['--json'], env: { DEBUG: '1' } },
];

/** fakeServer asks for a cleartext password and rejects it (28P01), like a server with the wrong password. */
function fakeServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let step = 0;
    sock.on('data', () => {
      if (step === 0) {
        step = 1;
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
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/**
 * runHere runs one CLI command in this process (oclif from dist/, helpers/inproc.ts: a new process's redactor, no
 * password remembered from an earlier run) and returns what it printed, stdout and stderr together; a command that
 * threw something other than oclif's exit is code -1 with its stack in the output.
 */
async function runHere(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ out: string; code: number }> {
  const r = await runInProcess(cwd, args, { SCHEMAVER_CONNECT_TIMEOUT: '3', ...env });
  return { out: r.stdout + r.stderr, code: r.code };
}

let p: Project;
let fake: { port: number; close: () => Promise<void> } | undefined;

beforeAll(async () => {
  p = inProcessProject('sv-secrets-'); // init and commit are the fixture here, not what is tested
  expect((await p.run('init')).code).toBe(0);
  p.write('schema/s.yaml', 'tables:\n  t:\n    columns:\n      id: int\n');
  expect((await p.run('commit', '-m', 'one')).code).toBe(0);
  fake = await fakeServer();
});

afterAll(async () => {
  await fake?.close();
  p?.cleanup();
});

/** leaks lists the secret spellings found in output. */
function leaks(out: string, pw: string): string[] {
  return [pw, encodeURIComponent(pw), JSON.stringify(pw).slice(1, -1)].filter((s) => out.includes(s));
}

describe('secrets matrix: no password in any output', () => {
  it('every form x command x mode x failure, in process', async () => {
    const targets: Target[] = [
      { name: 'closed port', host: '127.0.0.1', port: 1, db: 'db', user: 'app' },
      { name: 'wrong password', host: '127.0.0.1', port: fake!.port, db: 'db', user: 'app' },
      ...(hasServer
        ? [{ name: 'no such database', host: '127.0.0.1', port: 5432, db: 'sv_no_such_db_x', user: 'postgres' }]
        : []),
    ];
    const failures: string[] = [];
    let runs = 0;
    const t0 = Date.now();
    for (const t of targets) {
      for (const [fi, f] of FORMS.entries()) {
        const pw = `Pw${fi}x${t.port}Secret`;
        const url = f.make(t, pw);
        for (const cmd of COMMANDS) {
          for (const m of MODES) {
            const viaEnv = (fi + COMMANDS.indexOf(cmd)) % 3 === 0; // DATABASE_URL instead of --url, now and then
            const args = [...cmd, ...(viaEnv ? [] : ['--url', url]), ...m.args];
            const env = { ...m.env, ...(f.env?.(pw) ?? {}), ...(viaEnv ? { DATABASE_URL: url } : {}) };
            const r = await runHere(p.dir, args, env);
            runs++;
            const found = leaks(r.out, pw);
            // DEBUG=1 adds the failure's stack (redacted like the rest); without it no stack is shown
            const stack = /\n\s+at /.test(r.out);
            if (found.length || r.code === 0 || r.code === -1 || stack !== Boolean(m.env.DEBUG))
              failures.push(`${t.name} | ${f.name} | ${args.join(' ')} | ${m.name}: exit ${r.code}\n${r.out}`);
          }
        }
      }
    }
    console.log(`[measure] secrets matrix: ${runs} runs in process, ${Date.now() - t0} ms`);
    expect(failures.length, failures.slice(0, 5).join('\n---\n')).toBe(0);
    expect(runs).toBeGreaterThan(900);
  });

  it.skipIf(!hasServer)(
    'a reachable server (trust auth takes any password): results, --sql headers, errors',
    async () => {
      const db = await createDatabase('sv_secrets');
      try {
        const t: Target = { name: 'reachable', host: '127.0.0.1', port: 5432, db: db.name, user: 'postgres' };
        const failures: string[] = [];
        const cmds = [
          ['upgrade', '--sql'],
          ['upgrade'],
          ['current'],
          ['history'],
          ['check'],
          ['downgrade', 'base', '--sql'],
          ['downgrade', 'base', '--allow-destructive'],
          ['stamp', 'HEAD'],
        ];
        for (const [fi, f] of FORMS.entries()) {
          const pw = `Reach${fi}Secret`;
          const url = f.make(t, pw);
          for (const cmd of cmds) {
            for (const m of MODES) {
              const r = await runHere(p.dir, [...cmd, '--url', url, ...m.args], { ...m.env, ...(f.env?.(pw) ?? {}) });
              if (leaks(r.out, pw).length || r.code === -1)
                failures.push(`${f.name} | ${cmd.join(' ')} | ${m.name}: exit ${r.code}\n${r.out}`);
            }
          }
        }
        expect(failures.length, failures.slice(0, 5).join('\n---\n')).toBe(0);
        // the run really reached the server: the --sql header names the target, password masked
        const r = await runHere(p.dir, ['upgrade', '--sql', '--url', FORMS[0]!.make(t, 'HeaderSecret')], {});
        expect(r.out).toContain(`-- target when generated: postgres://postgres:***@127.0.0.1:5432/${db.name}`);
      } finally {
        await db.drop();
      }
    },
  );

  it('through the real binary: unknown flags and usage errors carrying a URL, DEBUG=1 and DEBUG=*', async () => {
    const pw = 'BinPw7Secret';
    for (const args of [
      ['current', '--url', `postgres://app:${pw}@127.0.0.1:1/db`, '--bogus'],
      ['current', `postgres://app:${pw}@127.0.0.1:1/db`],
      ['nosuchcommand', `postgres://app:${pw}@127.0.0.1:1/db`],
      ['upgrade', '--sql', '--url', `postgres://app:${pw} x@127.0.0.1:1/db`],
    ]) {
      for (const [json, debug] of [
        [false, '1'],
        [true, '1'],
        [false, '*'], // oclif's own traces print the argv
      ] as const) {
        const r = await runCli(p.dir, [...args, ...(json ? ['--json'] : [])], { DEBUG: debug });
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(leaks(r.stdout + r.stderr, pw), `${args.join(' ')}\n${r.stdout}${r.stderr}`).toEqual([]);
      }
    }
  });
});
