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
