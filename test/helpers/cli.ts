/**
 * Run the built CLI (`node bin/run.js`, from dist/) in a temporary project directory and capture
 * stdout, stderr and the exit code. Build first: `npx tsc -p .`. The run starts from the worker's spawner when it has
 * one (./spawner.ts: a small process, so the start does not copy a large test worker).
 */
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeLater, runCollected } from './spawner.js';

/** BIN is the CLI entry of this checkout. */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'run.js');

/** TEST_ENV is the environment every test run of the CLI gets (no colour, a fixed author, no DATABASE_URL). */
export const TEST_ENV: Readonly<Record<string, string>> = {
  NO_COLOR: '1',
  DEBUG: '',
  SCHEMAVER_AUTHOR_NAME: 'Test Author',
  SCHEMAVER_AUTHOR_EMAIL: 'test@example.com',
  DATABASE_URL: '',
};

/** CliResult is one finished CLI run. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** json parses stdout (for --json runs); throws with the output when it is not JSON. */
  json<T = any>(): T;
}

/** runCli runs `node bin/run.js ...args` with `cwd`, no colour, a fixed author, and optional extra env. */
export function runCli(
  cwd: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return runCollected(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, ...TEST_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).then((r) => cliResult(r.code ?? -1, r.stdout.toString('utf8'), r.stderr.toString('utf8')));
}

/** cliResult is a finished run's CliResult (a child process's or an in-process one's). */
export function cliResult(code: number, stdout: string, stderr: string): CliResult {
  return {
    code,
    stdout,
    stderr,
    json<T>() {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`not JSON (exit ${code}):\n${stdout}\n--- stderr ---\n${stderr}`);
      }
    },
  };
}

/** Project is a temporary project directory with helpers bound to it. */
export interface Project {
  readonly dir: string;
  run(...args: string[]): Promise<CliResult>;
  /** runEnv runs with extra environment variables. */
  runEnv(env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult>;
  write(path: string, text: string): void;
  read(path: string): string;
  exists(path: string): boolean;
  cleanup(): void;
}

/** tempProject makes an empty temporary directory (not initialised) for CLI runs. */
export function tempProject(prefix = 'sv-cli-'): Project {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    run: (...args) => runCli(dir, args),
    runEnv: (env, ...args) => runCli(dir, args, env),
    write(path, text) {
      const abs = join(dir, path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    },
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    exists: (path) => existsSync(join(dir, path)),
    // in the background (the spawner's): the disk frees it while the next test runs
    cleanup: () => removeLater(dir),
  };
}

/**
 * onlineProject makes a project in a new temporary directory whose HEAD~1 is `v1` and HEAD `v2`, committed with
 * `--online` (the online deploy tests' fixture), running the CLI through `run`; any failing command throws.
 */
export async function onlineProject(
  prefix: string,
  v1: string,
  v2: string,
  run: (cwd: string, args: readonly string[]) => Promise<CliResult>,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const steps: [readonly string[], string | undefined][] = [
    [['init'], undefined],
    [['commit', '-m', 'v1'], v1],
    [['commit', '-m', 'v2', '--online'], v2],
  ];
  for (const [args, schema] of steps) {
    if (schema !== undefined) writeFileSync(join(dir, 'schema', 'schema.yaml'), schema);
    const r = await run(dir, args);
    if (r.code !== 0) throw new Error(`schemaver ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  }
  return dir;
}

/** expectNoStack fails when output contains a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+\(.+:\d+:\d+\)/.test(text) || /\n\s+at file:\/\//.test(text);
}
