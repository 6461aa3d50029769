/**
 * Project configuration: an optional `schemaver.yaml` next to `schema/` and `.schemaver/`:
 *
 *   exclude:                   # objects schemaver leaves alone (src/model/exclude.ts)
 *     - table:tmp_*            # scratch tables some job creates
 *     - unmanaged:privileges*  # GRANTs are managed by the platform team
 *   online: true               # plans safe under live traffic (plan/online.ts), or the settings:
 *   online: { enabled: true, lock_timeout: 2s, statement_timeout: 30s, retries: 3 }
 *   lint: { level: warning }   # `schemaver lint` exits 1 on findings at or above this level (warning | error)
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** readConfig reads schemaver.yaml (an empty object when there is none); exit 2 on bad YAML or an unknown key. */
async function readConfig(root: string): Promise<Record<string, unknown>> {
  const file = join(root, CONFIG_FILE);
  if (!existsSync(file)) return {};
  let doc: unknown;
  const { parse } = await import('yaml'); // only for a project that has the file
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw bad(`${CONFIG_FILE} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'fix the file');
  }
  const d = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  const unknown = Object.keys(d).filter((k) => !KEYS.includes(k));
  if (unknown.length)
    throw bad(
      `unknown key \`${unknown[0]}\` in ${CONFIG_FILE}`,
      `the settings are ${KEYS.map((k) => `\`${k}:\``).join(', ')}`,
    );
  return d;
}

const KEYS = ['exclude', 'online', 'lint'];

/** excludeRules reads `exclude:` of the project configuration plus the `--exclude` flags (exit 2 on a bad entry). */
export async function excludeRules(root: string, flags: readonly string[] = []): Promise<ExcludeRule[]> {
  const texts: string[] = [];
  const ex = (await readConfig(root))['exclude'];
  if (ex !== undefined && ex !== null) {
    if (!Array.isArray(ex) || ex.some((x) => typeof x !== 'string'))
      throw bad(
        `\`exclude\` in ${CONFIG_FILE} must be a list of KIND:PATTERN strings`,
        'e.g. `exclude: [table:tmp_*]`',
      );
    texts.push(...(ex as string[]));
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

/** OnlineSettings are the project's online settings (`online:` in schemaver.yaml) with the `--online` flag applied. */
export interface OnlineSettings {
  readonly enabled: boolean;
  /** lockTimeout / statementTimeout: PostgreSQL interval text (`2s`, `500ms`, `0` = none). */
  readonly lockTimeout: string;
  readonly statementTimeout: string;
  /** retries: how many times a step that timed out waiting for a lock is tried again. */
  readonly retries: number;
}

/** ONLINE_DEFAULTS: lock waits end after 2 s (queued writers wait at most that long), 3 retries, 30 s per blocking statement. */
export const ONLINE_DEFAULTS: OnlineSettings = {
  enabled: false,
  lockTimeout: '2s',
  statementTimeout: '30s',
  retries: 3,
};

const DURATION = /^(0|\d+(\.\d+)?\s*(us|ms|s|min|h|d))$/;

/** onlineSettings reads `online:` of schemaver.yaml; `flag` (--online / --no-online) overrides `enabled`. */
export async function onlineSettings(root: string, flag?: boolean): Promise<OnlineSettings> {
  const v = (await readConfig(root))['online'];
  let out: OnlineSettings = { ...ONLINE_DEFAULTS, enabled: v === true };
  if (v !== undefined && v !== null && typeof v !== 'boolean') {
    if (typeof v !== 'object' || Array.isArray(v))
      throw bad(
        `\`online\` in ${CONFIG_FILE} must be true, false or a mapping`,
        'e.g. `online: true` or `online: { lock_timeout: 2s }`',
      );
    const o = v as Record<string, unknown>;
    const extra = Object.keys(o).filter(
      (k) => !['enabled', 'lock_timeout', 'statement_timeout', 'retries'].includes(k),
    );
    if (extra.length)
      throw bad(
        `unknown key \`online.${extra[0]}\` in ${CONFIG_FILE}`,
        'online takes enabled, lock_timeout, statement_timeout and retries',
      );
    const dur = (k: string, d: string): string => {
      const x = o[k];
      if (x === undefined) return d;
      const t = String(x).trim();
      if (!DURATION.test(t))
        throw bad(
          `\`online.${k}\` in ${CONFIG_FILE} must be a duration like 2s, 500ms or 0, not ${JSON.stringify(x)}`,
          'units: ms, s, min, h',
        );
      return t;
    };
    const retries = o['retries'] ?? ONLINE_DEFAULTS.retries;
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 100)
      throw bad(`\`online.retries\` in ${CONFIG_FILE} must be a whole number from 0 to 100`, 'e.g. `retries: 3`');
    out = {
      enabled: o['enabled'] !== false,
      lockTimeout: dur('lock_timeout', ONLINE_DEFAULTS.lockTimeout),
      statementTimeout: dur('statement_timeout', ONLINE_DEFAULTS.statementTimeout),
      retries,
    };
  }
  return flag === undefined ? out : { ...out, enabled: flag };
}

/** LintLevel orders lint findings: `warning` (blocks writes or breaks clients) below `error` (fails or loses data). */
export type LintLevel = 'warning' | 'error';

/** lintLevel reads `lint: { level }` of schemaver.yaml (default `warning`: every finding fails `schemaver lint`). */
export async function lintLevel(root: string): Promise<LintLevel> {
  const v = (await readConfig(root))['lint'];
  if (v === undefined || v === null) return 'warning';
  const level = typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)['level'] : undefined;
  if (level !== 'warning' && level !== 'error')
    throw bad(
      `\`lint\` in ${CONFIG_FILE} must be \`{ level: warning }\` or \`{ level: error }\``,
      'warning fails on every finding; error only on the ones that fail or lose data',
    );
  return level;
}
