/**
 * Run built CLI commands inside the test process (`dist/`, like bin/run.js, without a Node start-up per run):
 * for matrices of many short commands. The working directory, process.exitCode and stdout/stderr are swapped
 * for the run and restored after. Build first (`npm run build`). Needs the forks pool (process.chdir).
 */
import { Errors, run } from '@oclif/core';
import { pathToFileURL } from 'node:url';
import { BIN, type CliResult } from './cli.js';

/** runInProcess runs `schemaver ...args` in `cwd` in this process and captures its output and exit code. */
export async function runInProcess(cwd: string, args: readonly string[]): Promise<CliResult> {
  const prev = process.cwd();
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
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
  const env = { NO_COLOR: process.env.NO_COLOR, DATABASE_URL: process.env.DATABASE_URL };
  process.env.NO_COLOR = '1';
  process.env.DATABASE_URL = '';
  let code = 0;
  process.exitCode = undefined;
  try {
    process.chdir(cwd);
    await run([...args], pathToFileURL(BIN).href);
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
    process.exitCode = prevExit;
    for (const [k, v] of Object.entries(env))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
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
