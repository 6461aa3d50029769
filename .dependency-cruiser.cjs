/**
 * The layering of src/ (src/ARCHITECTURE.md), enforced in `npm test` (npm run deps). Each folder may import its
 * own files and folders of lower layers only: no import against the direction, and (since a layer never imports
 * its own layer's other folders) no folder-level cycle.
 */
const LAYERS = [
  ['model', 'errors.ts', 'suggest.ts', 'proc.ts'],
  ['canon', 'sql'],
  ['parse', 'diff'],
  ['yaml', 'merge', 'plan', 'validate'],
  ['store', 'pg', 'lint'],
  ['gitint'],
  ['deploy', 'history'],
  ['app'],
  ['cli'],
  ['review'],
  ['commands', 'conformance', 'index.ts'],
];

const pathOf = (name) => (name.endsWith('.ts') ? `^src/${name.replace('.', '\\.')}$` : `^src/${name}/`);
const forbidden = [];
LAYERS.forEach((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  for (const name of layer) {
    const sameLayer = layer.filter((n) => n !== name);
    const banned = [...above, ...sameLayer];
    if (!banned.length) continue;
    forbidden.push({
      name: `layer-${name.replace('.ts', '')}`,
      comment: `src/${name} (layer ${i}) imports only lower layers: not ${banned.join(', ')}`,
      severity: 'error',
      from: { path: pathOf(name) },
      to: { path: banned.map(pathOf) },
    });
  }
});

forbidden.push({
  name: 'no-unknown-folder',
  comment: 'every folder of src/ has a layer in .dependency-cruiser.cjs (and in src/ARCHITECTURE.md)',
  severity: 'error',
  from: { path: '^src/', pathNot: LAYERS.flat().map(pathOf) },
  to: {},
});

forbidden.push({
  name: 'no-src-to-tools-or-test',
  comment: 'the product does not import dev tools or tests',
  severity: 'error',
  from: { path: '^src/' },
  to: { path: '^(tools|test)/' },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/.*\\.d\\.ts$' },
  },
};
