/**
 * Writes oclif.manifest.json (run by `npm run build` after tsc): the commands' ids, flags, args and help text, so
 * the CLI starts by reading one JSON file and imports only the command it runs (no command module is loaded to
 * print `--help`). The same as `oclif manifest`, through @oclif/core's own Plugin loader.
 */
import { writeFileSync } from 'node:fs';
import { Plugin } from '@oclif/core';

const plugin = new Plugin({
  root: process.cwd(),
  type: 'core',
  isRoot: true,
  ignoreManifest: true,
  errorOnManifestCreate: true,
});
await plugin.load();
writeFileSync('oclif.manifest.json', JSON.stringify(plugin.manifest, null, 2) + '\n');
process.stdout.write(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands\n`);

// dist/cli/fast-flags.json: the fast path's flag table (src/cli/fast.ts), derived from the same oclif definitions
const Flags = await import('@oclif/core/flags');
const { FAST_VERBS, verbSpec } = await import('../dist/cli/fast.js');
const Args = await import('@oclif/core/args');
const plainParse = {
  option: String(Flags.string().parse),
  boolean: String(Flags.boolean().parse),
  arg: String(Args.string().parse),
};
const specs = {};
for (const verb of Object.keys(FAST_VERBS)) {
  const cmd = (await import(`../dist/commands/${verb.replace(/:/g, '/')}.js`)).default;
  const spec = verbSpec(cmd, plainParse);
  if (spec) specs[verb] = spec;
}
writeFileSync('dist/cli/fast-flags.json', JSON.stringify(specs, null, 2) + '\n');
process.stdout.write(`dist/cli/fast-flags.json: ${Object.keys(specs).join(', ')} on the fast path\n`);

// dist/cli/help.json: `schemaver --help` as oclif prints it off a terminal (80 columns, no colour), for bin/run.js
// to print without loading oclif when it would print exactly that (same Node version and platform: the VERSION line)
const { execFileSync } = await import('node:child_process');
const helpEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(OCLIF_|FORCE_COLOR$|DEBUG$|SCHEMAVER_)/.test(k)),
);
const help = execFileSync(process.execPath, ['bin/run.js', '--help'], {
  env: { ...helpEnv, SCHEMAVER_FAST: '0' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
// and `schemaver --version` (-v), which oclif prints whatever follows it: its user agent, the same for a build
const version = execFileSync(process.execPath, ['bin/run.js', '--version'], {
  env: { ...helpEnv, SCHEMAVER_FAST: '0' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
const stamp = { node: process.version, platform: process.platform, arch: process.arch };
writeFileSync('dist/cli/help.json', JSON.stringify({ ...stamp, text: help, version }) + '\n');
process.stdout.write(`dist/cli/help.json: ${help.length} characters, version ${version.trim()}\n`);
