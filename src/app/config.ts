/**
 * Project configuration: an optional `schemaver.yaml` next to `schema/` and `.schemaver/`. Today it holds one
 * setting, `exclude:` — objects schemaver leaves alone (src/model/exclude.ts):
 *
 *   exclude:
 *     - table:tmp_*            # scratch tables some job creates
 *     - unmanaged:privileges*  # GRANTs are managed by the platform team
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SchemaverError } from '../errors.js';
import { parseExclude, type ExcludeRule } from '../model/exclude.js';

/** CONFIG_FILE is the project configuration's file name, in the project root. */
export const CONFIG_FILE = 'schemaver.yaml';

function bad(message: string, hint: string): SchemaverError {
  return new SchemaverError({
    code: 'invalid-config',
    message,
    hint,
    exit: 2,
    loc: { file: CONFIG_FILE, line: 1, col: 1 },
  });
}

/** excludeRules reads `exclude:` of the project configuration plus the `--exclude` flags (exit 2 on a bad entry). */
export async function excludeRules(root: string, flags: readonly string[] = []): Promise<ExcludeRule[]> {
  const texts: string[] = [];
  const file = join(root, CONFIG_FILE);
  if (existsSync(file)) {
    let doc: unknown;
    try {
      doc = parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw bad(`${CONFIG_FILE} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'fix the file');
    }
    const ex = doc && typeof doc === 'object' ? (doc as Record<string, unknown>)['exclude'] : undefined;
    const unknown = doc && typeof doc === 'object' ? Object.keys(doc).filter((k) => k !== 'exclude') : [];
    if (unknown.length) throw bad(`unknown key \`${unknown[0]}\` in ${CONFIG_FILE}`, 'the only setting is `exclude:`');
    if (ex !== undefined && ex !== null) {
      if (!Array.isArray(ex) || ex.some((x) => typeof x !== 'string'))
        throw bad(
          `\`exclude\` in ${CONFIG_FILE} must be a list of KIND:PATTERN strings`,
          'e.g. `exclude: [table:tmp_*]`',
        );
      texts.push(...(ex as string[]));
    }
  }
  texts.push(...flags);
  const out: ExcludeRule[] = [];
  for (const t of texts) {
    const r = parseExclude(t);
    if (typeof r === 'string') throw bad(r, 'write KIND:PATTERN, e.g. `rule:*` or `unmanaged:privileges*`');
    out.push(r);
  }
  return out;
}
