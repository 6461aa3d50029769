// Reads vitest's JSON report (`npx vitest run --reporter=json`) on stdin and prints test/durations.txt: one
// "seconds path" line per test file, longest first, under the header vitest.config.ts's sequencer skips.
import { relative } from 'node:path';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const report = JSON.parse(input.slice(input.indexOf('{')));
const rows = report.testResults
  .map((r) => [(r.endTime - r.startTime) / 1000, relative(process.cwd(), r.name)])
  .sort((a, b) => b[0] - a[0]);
console.log(
  '# seconds per test file in a full npm test run (2 workers, quiet machine): vitest.config.ts starts the longest first\n' +
    '# when vitest has no results cache of its own (a fresh clone). Unlisted files start first. Refresh now and then:\n' +
    '# npx vitest run --reporter=json | node tools/durations.mjs > test/durations.txt',
);
for (const [s, f] of rows) console.log(`${s.toFixed(1)} ${f}`);
