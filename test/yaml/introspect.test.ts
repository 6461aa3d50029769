import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/pg/build.js';
import { canonicalJson } from '../../src/canon/index.js';
import { generateSchema } from '../../tools/generate.js';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { loadFixture } from '../parse/helpers.js';

/** What `import` does: read a database into the model, write it as YAML. The YAML must parse back to the very same model. */
describe('models read back from PostgreSQL survive the YAML writer and parser', () => {
  for (const name of ['spec', 'kitchen-sink', 'generated']) {
    it(
      name,
      async () => {
        const s = name === 'generated' ? generateSchema(40, 11) : await loadFixture(name);
        const introspected = await buildSchema(s);
        for (const layout of ['per-schema', 'per-table'] as const) {
          const back = parseSchemaFiles(writeSchemaYaml(introspected, { layout }));
          expect(back.issues).toEqual([]);
          expect(canonicalJson(back.schema!)).toBe(canonicalJson(introspected));
        }
      },
      120_000,
    );
  }
});
