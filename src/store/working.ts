/**
 * The working-hash cache: `.schemaver/cache/working.json` remembers the schema hash of schema/ holding exactly
 * some bytes (a content digest, like git's index), so `status` on an unchanged big schema parses nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { SourceFile } from '../parse/index.js';
import { readSchemaDir } from '../parse/files.js';
import { writeFileAtomic } from './refs.js';

/**
 * cachedWorkingHash returns WORKING's schema hash without parsing when schema/ holds exactly the bytes it held
 * at the last successful parse (content digest, like git's index), with the files; undefined otherwise.
 * This is what keeps `status` fast on big schemas: read + digest the files, compare with HEAD's hash.
 */
export async function cachedWorkingHash(root: string): Promise<{ hash: string; files: SourceFile[] } | undefined> {
  const files = await readSchemaDir(root);
  try {
    const cached = JSON.parse(readFileSync(join(root, '.schemaver', 'cache', 'working.json'), 'utf8')) as {
      digest?: string;
      hash?: string;
    };
    if (cached.hash && cached.digest === (await filesDigest(files))) return { hash: cached.hash, files };
  } catch {
    /* no cache yet */
  }
  return undefined;
}

/** rememberWorkingHash records the hash of schema/ holding exactly `files` (best effort; a read-only store just skips it). */
export async function rememberWorkingHash(root: string, files: readonly SourceFile[], hash: string): Promise<void> {
  const store = join(root, '.schemaver');
  if (!existsSync(join(store, 'HEAD'))) return;
  try {
    await writeFileAtomic(
      join(store, 'cache', 'working.json'),
      JSON.stringify({ digest: await filesDigest(files), hash }) + '\n',
    );
  } catch {
    /* best effort */
  }
}

/** filesDigest is a SHA-256 over the schemaver version and every file's path and bytes. */
async function filesDigest(files: readonly SourceFile[]): Promise<string> {
  const h = createHash('sha256').update(`schemaver ${await packageVersion()}\0`);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) h.update(`${f.path}\0${Buffer.byteLength(f.text)}\0`).update(f.text);
  return h.digest('hex');
}

let version: string | undefined;
/** packageVersion reads the version of this schemaver package (part of cache keys: a new parser may hash differently). */
async function packageVersion(): Promise<string> {
  if (version === undefined) {
    try {
      const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
      const { version: v } = JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string };
      // builds of one version differ while developing: the parser's build time tells them apart
      let st: { mtimeMs: number } | undefined;
      try {
        st = statSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'parse', 'index.js'));
      } catch {
        st = undefined;
      }
      version = `${v ?? '0'}+${st ? Math.floor(st.mtimeMs) : 0}`;
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
