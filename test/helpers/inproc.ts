/**
 * Run built CLI commands inside the test process (`dist/`, like bin/run.js, without a Node start-up per run):
 * for matrices of many short commands. The working directory, process.exitCode, stdout/stderr and console.log/error
 * (oclif's help and `ux` print through them) are swapped for the run and restored after. Build first
 * (`npm run build`). Needs the forks pool (process.chdir).
 */
import { Config, Errors, run } from '@oclif/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { expect } from 'vitest';
import { BIN, TEST_ENV, cliResult, runCli, tempProject, type CliResult, type Project } from './cli.js';

let busy = false;

/**
 * forgetSecrets empties the passwords the CLI's redactor remembered (src/redact.ts, on globalThis for every copy of
 * the module): a command run here starts with none, as its own process would, so what a run masks is what the same
 * command masks in a new process, not also every password an earlier run of this process was given.
 */
export function forgetSecrets(): void {
  ((globalThis as Record<symbol, unknown>)[Symbol.for('schemaver.secrets')] as Set<string> | undefined)?.clear();
}

/**
 * The commands run here keep their scratch databases from one run to the next (src/proc.ts Held: a normalisation
 * build's database serves the next command's instead of a restore, ~0.3 s of CPU each), and their verification worker
 * (src/pg/offload.ts heldVerifiers: no new worker per command); per-file.ts closes them when a file ends (an open
 * PGlite would keep the process alive).
 */
(globalThis as Record<symbol, unknown>)[Symbol.for('schemaver.keepDatabases')] = true;

/**
 * CONFIG_ENV matches the environment variables oclif's Config.load reads (its home, config/data/cache directories,
 * theme, shell and debug switches): a Config loaded under other values of these is not the one bin/run.js would load.
 */
const CONFIG_ENV =
  /^(HOME|SHELL|COMSPEC|USERPROFILE|HOMEDRIVE|HOMEPATH|LOCALAPPDATA|XDG_\w+|OCLIF_\w+|SCHEMAVER_[A-Z0-9_]+)$/;

/** configEnv is the values of CONFIG_ENV's variables now, as one string. */
function configEnv(): string {
  return JSON.stringify(
    Object.keys(process.env)
      .filter((k) => CONFIG_ENV.test(k))
      .sort()
      .map((k) => [k, process.env[k]]),
  );
}

/** loaded is dist/'s oclif Config and the configEnv it was loaded under. */
let loaded: { config: Promise<Config>; env: string } | undefined;

/**
 * cliConfig is dist/'s oclif Config, as bin/run.js loads it (package.json, the manifest, the theme), loaded once per
 * process and loaded again when a variable it reads changed. oclif's `run(argv, config)` loads a Config it is given
 * again (new Config(config.options).load(): ~2 ms of CPU a run, about a third of a short command's run in process):
 * the given one is taken as loaded instead (Config.load is wrapped for that one object, once), which is what a new
 * process's single load would have made of the same environment.
 */
export function cliConfig(): Promise<Config> {
  const env = configEnv();
  if (loaded?.env !== env) {
    const config = Config.load(pathToFileURL(BIN).href);
    loaded = { config, env };
    if (!reusing) {
      reusing = true;
      const load = Config.load.bind(Config);
      Config.load = (async (opts?: Parameters<typeof Config.load>[0]) =>
        loaded && opts === (await loaded.config) && loaded.env === configEnv()
          ? opts
          : load(opts)) as typeof Config.load;
    }
  }
  return loaded.config;
}
let reusing = false;

/**
 * runInProcess runs `schemaver ...args` in `cwd` in this process and captures its output and exit code, with
 * runCli's environment plus `extra`. One run at a time (the working directory is the process's): a run asked for
 * while another is going runs as a child process instead.
 */
export async function runInProcess(
  cwd: string,
  args: readonly string[],
  extra: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const moved = withoutCwdFlags(cwd, args);
  if (busy || !moved) return runCli(cwd, args, extra);
  busy = true;
  try {
    const r = await inProcess(moved.cwd, moved.args, extra);
    // failures before a command runs (an unknown command) are bin/run.js's to render: run it as users do
    return r.code === -1 && /command .* not found/i.test(r.stderr) ? await runCli(cwd, args, extra) : r;
  } finally {
    busy = false;
  }
}

/**
 * withoutCwdFlags does what bin/run.js does with `-C DIR` / `--cwd DIR` before oclif runs: the directory the
 * command runs in, and the arguments without them; undefined when a directory does not exist (bin/run.js's error).
 */
function withoutCwdFlags(cwd: string, argv: readonly string[]): { cwd: string; args: string[] } | undefined {
  const args: string[] = [];
  let dir = cwd;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    let to: string | undefined;
    if ((a === '-C' || a === '--cwd') && i + 1 < argv.length) to = argv[++i];
    else if (a.startsWith('--cwd=')) to = a.slice(6);
    else if (a.startsWith('-C') && a.length > 2) to = a.slice(2);
    else args.push(a);
    if (to !== undefined) {
      dir = resolve(dir, to);
      if (!existsSync(dir)) return undefined;
    }
  }
  return { cwd: dir, args };
}

/** inProcessProject is tempProject whose run/runEnv run the CLI in this process (runInProcess). */
export function inProcessProject(prefix?: string): Project {
  const p = tempProject(prefix);
  return {
    ...p,
    run: (...args) => runInProcess(p.dir, args),
    runEnv: (env, ...args) => runInProcess(p.dir, args, env),
  };
}

/** runAll runs commands in project `p`; each result carries `all`, its stdout then its stderr, for failure messages. */
export function runAll(p: Project): (...args: string[]) => Promise<CliResult & { readonly all: string }> {
  return async (...args) => {
    const r = await p.run(...args);
    return { ...r, all: r.stdout + r.stderr };
  };
}

/**
 * adoptServer adopts the server database at `url` into project `p` as a user would (`init`, `import --url --force`),
 * hands what import wrote to `imported` (the test's assertions on the YAML), then commits it (`-m adopt`, verified),
 * stamps HEAD and checks the database clean; every command exits 0.
 */
export async function adoptServer(p: Project, url: string, imported: () => void = () => undefined): Promise<void> {
  const run = runAll(p);
  let r = await run('init');
  expect(r.code, r.all).toBe(0);
  r = await run('import', '--url', url, '--force');
  expect(r.code, r.all).toBe(0);
  imported();
  r = await run('commit', '-m', 'adopt');
  expect(r.code, r.all).toBe(0);
  r = await run('stamp', 'HEAD', '--url', url);
  expect(r.code, r.all).toBe(0);
  r = await run('check', '--url', url);
  expect(r.code, r.all).toBe(0);
}

async function inProcess(
  cwd: string,
  args: readonly string[],
  extra: Record<string, string | undefined>,
): Promise<CliResult> {
  const prev = process.cwd();
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const { log, error } = console;
  const prevExit = process.exitCode;
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => (
    (stdout += String(chunk)),
    true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    (stderr += String(chunk)),
    true
  )) as typeof process.stderr.write;
  // oclif's help and ux.stdout/stderr print through console.log/error, which the test runner takes over
  console.log = (...a: unknown[]) => void (stdout += `${format(...a)}\n`);
  console.error = (...a: unknown[]) => void (stderr += `${format(...a)}\n`);
  const wanted: Record<string, string | undefined> = { ...TEST_ENV, ...extra };
  const env = Object.fromEntries(Object.keys(wanted).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(wanted))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  let code = 0;
  process.exitCode = undefined;
  try {
    process.chdir(cwd);
    forgetSecrets();
    await run([...args], await cliConfig());
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof Errors.ExitError || (e as { code?: string }).code === 'EEXIT')
      code = (e as { oclif?: { exit?: number } }).oclif?.exit ?? 0;
    else {
      stderr += String((e as Error).stack ?? e);
      code = -1;
    }
  } finally {
    process.chdir(prev);
    process.stdout.write = out;
    process.stderr.write = err;
    console.log = log;
    console.error = error;
    process.exitCode = prevExit;
    for (const [k, v] of Object.entries(env))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
  return cliResult(code, stdout, stderr);
}
