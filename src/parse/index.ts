/** YAML loader entry points (owned by the foundation work; see src/ARCHITECTURE.md). */
import type { Schema } from '../model/types.js';
import type { Issue } from '../errors.js';

/** SourceFile is one user schema file: path relative to the project root (posix, e.g. `schema/users.yaml`) and its text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** ParseResult is a parsed schema, or every issue found (schema is undefined when any issue is an error). */
export interface ParseResult {
  readonly schema?: Schema;
  readonly issues: readonly Issue[];
}

/** parseSchemaFiles parses and validates YAML files into one Schema, collecting every issue. Pure: no I/O. */
export function parseSchemaFiles(_files: readonly SourceFile[]): ParseResult {
  throw new Error('parseSchemaFiles: not implemented yet');
}

/** readSchemaDir reads every *.yaml / *.yml below `<root>/schema`, sorted by path. */
export async function readSchemaDir(_root: string): Promise<SourceFile[]> {
  throw new Error('readSchemaDir: not implemented yet');
}

/** loadSchemaDir reads and parses `<root>/schema`; throws SchemaverError (exit 2, every issue) when invalid. */
export async function loadSchemaDir(_root: string): Promise<{ schema: Schema; files: SourceFile[] }> {
  throw new Error('loadSchemaDir: not implemented yet');
}
