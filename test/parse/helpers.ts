/** Helpers for parser tests: load a fixture directory, parse inline YAML. */
import { join } from 'node:path';
import { parseSchemaFiles, readSchemaDir, type ParseResult } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** loadFixture parses test/fixtures/schemas/<name> and fails when it has issues. */
export async function loadFixture(name: string): Promise<Schema> {
  const files = await readSchemaDir(join(FIXTURES, 'schemas', name));
  const r = parseSchemaFiles(files);
  if (!r.schema) throw new Error(`fixture ${name} has issues: ${JSON.stringify(r.issues, null, 2)}`);
  return r.schema;
}

/** parseYaml parses one or more inline files (`schema/a.yaml` by default). */
export function parseYaml(...texts: string[]): ParseResult {
  return parseSchemaFiles(texts.map((text, i) => ({ path: `schema/f${i}.yaml`, text })));
}

/** mustParse parses inline YAML and fails on any issue. */
export function mustParse(...texts: string[]): Schema {
  const r = parseYaml(...texts);
  if (!r.schema) throw new Error(JSON.stringify(r.issues, null, 2));
  return r.schema;
}
