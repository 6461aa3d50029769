#!/usr/bin/env node
// `npm test`'s pretest: the build, then the three static checks side by side (format, layer rules, lint).
// They are independent and each is single-threaded, so on 2 cores running them together takes about half the
// wall time of running them one after another. Each check's output is printed whole when it ends (never
// interleaved), and the run fails when any check fails, after all have finished.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** script runs `npm run -s NAME` and resolves to its exit code and combined output. */
function script(name) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '-s', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ name, code: 1, out: `${out}${e.message}\n` }));
    child.on('close', (code) => resolve({ name, code: code ?? 1, out }));
  });
}

/** report prints one finished check and returns whether it passed. */
function report({ name, code, out }) {
  const text = out.trimEnd();
  process.stdout.write(`${code === 0 ? 'ok  ' : 'FAIL'} ${name}${text ? `\n${text}` : ''}\n`);
  return code === 0;
}

// dist/ first: the layer rules and lint read src/, but a failed build should stop before anything else runs
if (!report(await script('build'))) process.exit(1);
const results = await Promise.all(['format:check', 'deps', 'lint'].map((name) => script(name).then(report)));
process.exit(results.every(Boolean) ? 0 : 1);
