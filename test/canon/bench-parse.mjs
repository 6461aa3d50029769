// Measures parse + hash of a generated 1000-table schema (about 12k columns), cold (first run in this process) and warm.
// Run after `npx tsc -p .`:  node test/canon/bench-parse.mjs [tables]
import { generateYamlFiles } from '../../build/tools/generate.js';
import { parseSchemaFiles } from '../../dist/parse/index.js';
import { schemaHash } from '../../dist/canon/index.js';

const n = Number(process.argv[2] ?? 1000);
const files = generateYamlFiles(n, 1);
const bytes = files.reduce((s, f) => s + f.text.length, 0);
// the generator warmed up the writer, not the parser: the first parse below is cold
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const runs = [];
for (let i = 0; i < 8; i++) {
  const c0 = cpu();
  const w0 = performance.now();
  const r = parseSchemaFiles(files);
  if (!r.schema) throw new Error(JSON.stringify(r.issues.slice(0, 3)));
  const hash = schemaHash(r.schema);
  runs.push({
    wall: performance.now() - w0,
    cpu: cpu() - c0,
    hash,
    cols: Object.values(r.schema.tables).reduce((s, t) => s + t.columns.length, 0),
  });
}
const best = runs.slice(1).reduce((a, b) => (b.wall < a.wall ? b : a));
console.log(`${n} tables, ${runs[0].cols} columns, ${(bytes / 1024).toFixed(0)} KiB YAML in ${files.length} files`);
console.log(`parse+hash cold: ${runs[0].wall.toFixed(0)} ms wall, ${runs[0].cpu.toFixed(0)} ms CPU`);
console.log(
  `parse+hash warm: ${best.wall.toFixed(0)} ms wall, ${best.cpu.toFixed(0)} ms CPU (best of ${runs.length - 1})`,
);
console.log(`hash ${runs[0].hash}`);
