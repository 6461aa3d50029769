/**
 * Reading schema/ from disk: every *.yaml / *.yml file as UTF-8 text, refusing files that are not UTF-8.
 * Kept apart from the parser so that commands which only need the bytes (status with a cached hash) do not
 * load the YAML library. Read synchronously: fs.promises takes a trip through libuv's thread pool per directory and
 * four per file (open, stat, read, close), ~0.3 ms of CPU for a small file against ~0.03 ms, and nothing else is
 * waiting on this thread meanwhile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envFailure, invalidSchema, SchemaverError, type Issue } from '../errors.js';

/** SourceFile is one user schema file: path relative to the project root (posix, e.g. `schema/users.yaml`) and its text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** readSchemaDir reads every *.yaml / *.yml below `<root>/schema`, sorted by path. */
export async function readSchemaDir(root: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const bad: Issue[] = [];
  const walk = (rel: string): void => {
    let ents;
    try {
      ents = readdirSync(join(root, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && rel === 'schema') return;
      throw readFailure(rel, err);
    }
    for (const ent of ents) {
      const p = `${rel}/${ent.name}`;
      if (ent.isDirectory()) walk(p);
      else if ((ent.isFile() || ent.isSymbolicLink()) && /\.ya?ml$/i.test(ent.name)) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(join(root, p));
        } catch (err) {
          throw readFailure(p, err);
        }
        // Text that is not UTF-8 would be read with U+FFFD in its place: a changed schema, and a file that
        // checkout could no longer restore byte for byte. Refuse it, located.
        const loc = invalidUtf8At(bytes, p);
        if (loc)
          bad.push({
            code: 'invalid-utf8',
            message: `${p} is not UTF-8 text`,
            hint: 'save the file as UTF-8 (YAML files are UTF-8)',
            loc,
          });
        else out.push({ path: p, text: bytes.toString('utf8') });
      }
    }
  };
  walk('schema');
  if (bad.length) throw invalidSchema(bad.sort((a, b) => (a.loc!.file < b.loc!.file ? -1 : 1)));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** invalidUtf8At finds the first byte of `bytes` that is not valid UTF-8, as file:line:col (col counts characters); undefined when all is valid. */
export function invalidUtf8At(
  bytes: Uint8Array,
  file: string,
): { file: string; line: number; col: number } | undefined {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    /* find where, below */
  }
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    const text = bytes.subarray(start, i);
    const dec = new TextDecoder('utf-8', { fatal: true });
    let chars = 0; // characters completely read before the first bad byte
    try {
      for (let j = 0; j < text.length; j++) chars += [...dec.decode(text.subarray(j, j + 1), { stream: true })].length;
      dec.decode();
    } catch {
      return { file, line, col: chars + 1 };
    }
    line++;
    start = i + 1;
  }
  return { file, line: 1, col: 1 };
}

function readFailure(path: string, err: unknown): SchemaverError {
  const e = err as NodeJS.ErrnoException;
  return envFailure(
    'read-failed',
    `cannot read ${path}: ${e.code ?? e.message}`,
    'check that schema/ is a readable directory of YAML files',
    err,
    { path },
  );
}
