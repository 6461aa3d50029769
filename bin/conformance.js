#!/usr/bin/env node
// Conformance runner: proves the migration engine on a corpus of cases (see src/conformance). Runs from dist/ (npm run build).
import { main } from '../dist/conformance/cli.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`error: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(3);
  },
);
