#!/usr/bin/env node
// schemaver CLI entry: handles `-C DIR` before oclif loads, and renders failures without stack traces.
import { execute } from '@oclif/core';

const argv = process.argv.slice(2);
const args = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--') {
    args.push(...argv.slice(i));
    break;
  }
  let dir;
  if ((a === '-C' || a === '--cwd') && i + 1 < argv.length) dir = argv[++i];
  else if (a.startsWith('--cwd=')) dir = a.slice(6);
  else if (a.startsWith('-C') && a.length > 2) dir = a.slice(2);
  else args.push(a);
  if (dir !== undefined) {
    try {
      process.chdir(dir);
    } catch {
      process.stderr.write(`error[bad-directory]: cannot change to directory '${dir}'\n  = hint: -C takes an existing directory\n`);
      process.exit(2);
    }
  }
}

try {
  await execute({ dir: import.meta.url, args });
} catch (err) {
  const code = err?.oclif?.exit ?? 2;
  if (err?.code !== 'EEXIT') {
    const msg = String(err?.message ?? err).split('\n')[0];
    if (process.argv.includes('--json')) {
      process.stdout.write(JSON.stringify({ error: { code: 'bad-usage', message: msg } }, null, 2) + '\n');
    } else {
      process.stderr.write(`error[bad-usage]: ${msg}\n  = hint: run 'schemaver --help' to see the commands\n`);
    }
    process.exit(code === 127 ? 2 : code);
  }
  process.exit(code);
}
