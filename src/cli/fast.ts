/**
 * The fast path of hot verbs (commit, status, current): bin/run.js runs them here without loading the CLI
 * framework (oclif's ~110 CommonJS modules and its config: ~0.15 s of CPU of a 0.6 s commit). Only invocations
 * whose flags this module parses exactly as oclif does are taken; anything else — --help, an unknown or repeated
 * flag, a flag missing its value, a value that starts with `-`, an argument, `--`, DEBUG — returns undefined and
 * oclif runs the command as before, so its messages and exit codes stay oclif's own.
 *
 * The flag table (fast-flags.json, written by tools/manifest.mjs at build) is derived from the commands' oclif flag
 * definitions by verbSpec: one definition, two parsers. A verb whose flags use what this parser does not reproduce
 * (env defaults, custom parsers, options lists, multiple values, arguments) gets no entry and always runs on oclif.
 * The command's body (verbs/*.ts) and its output (render.ts) are the same code oclif's command runs.
 */
import { readFileSync } from 'node:fs';
import { holdDatabases, releaseDatabases } from '../proc.js';
import { rememberProcessSecrets } from '../redact.js';
import { plainIo, writeError, type CommandIo } from './render.js';

/** FlagSpec is one flag as the fast parser knows it. */
export interface FlagSpec {
  readonly type: 'boolean' | 'option';
  readonly char?: string;
  readonly allowNo?: boolean;
  readonly default?: boolean | string;
  readonly dependsOn?: readonly string[];
  readonly exclusive?: readonly string[];
}

/** VerbSpec is a fast verb's flags (its own; --json is every command's, -C/--cwd bin/run.js's, --help oclif's). */
export interface VerbSpec {
  readonly flags: Readonly<Record<string, FlagSpec>>;
}

/** FastSpecs is the table of fast-flags.json: each fast verb's flags. */
export type FastSpecs = Readonly<Record<string, VerbSpec>>;

/** VerbModule is a command body (verbs/*.ts). */
interface VerbModule {
  run(io: CommandIo, flags: Record<string, unknown>): Promise<unknown>;
}

/** FAST_VERBS are the verbs with a fast path, and their bodies. */
export const FAST_VERBS: Readonly<Record<string, () => Promise<VerbModule>>> = {
  commit: () => import('./verbs/commit.js') as Promise<VerbModule>,
  status: () => import('./verbs/status.js') as Promise<VerbModule>,
  current: () => import('./verbs/current.js') as Promise<VerbModule>,
};

/** OclifFlag is the part of an oclif flag definition verbSpec reads. */
interface OclifFlag {
  readonly type?: string;
  readonly char?: string;
  readonly allowNo?: boolean;
  readonly default?: unknown;
  readonly dependsOn?: readonly string[];
  readonly exclusive?: readonly string[];
  readonly parse?: unknown;
  readonly [k: string]: unknown;
}

/** PLAIN_KEYS: the properties of an oclif flag definition that change nothing the fast parser must reproduce. */
const PLAIN_KEYS = new Set([
  'name',
  'type',
  'char',
  'allowNo',
  'default',
  'dependsOn',
  'exclusive',
  'parse',
  'summary',
  'description',
  'helpValue',
  'helpGroup',
  'hidden',
  'hasDynamicHelp',
  'multiple',
  'input',
]);

/**
 * verbSpec derives a command's fast flag table from its oclif definitions; undefined when the command has
 * arguments, a lax argv, or a flag whose parsing the fast parser does not reproduce. `plainParse`: the source text
 * of the parse functions of a plain Flags.string() and Flags.boolean() (any other parse function is a custom one).
 */
export function verbSpec(
  cmd: { flags?: object; baseFlags?: object; args?: object; strict?: boolean },
  plainParse: { readonly option: string; readonly boolean: string },
): VerbSpec | undefined {
  if (cmd.strict === false || Object.keys(cmd.args ?? {}).length) return undefined;
  if (Object.keys(cmd.baseFlags ?? {}).some((k) => k !== 'cwd' && k !== 'help')) return undefined;
  const flags: Record<string, FlagSpec> = {};
  for (const [name, def] of Object.entries((cmd.flags ?? {}) as Record<string, OclifFlag>)) {
    if (name === 'json' || name === 'cwd' || name === 'help' || name.startsWith('no-')) return undefined;
    if (Object.entries(def).some(([k, v]) => !PLAIN_KEYS.has(k) && v !== undefined)) return undefined;
    if (def['multiple'] || (Array.isArray(def['input']) && def['input'].length)) return undefined;
    const d = def.default as boolean | string | undefined;
    if (def.type !== 'boolean' && def.type !== 'option') return undefined;
    if (typeof def.parse !== 'function' || String(def.parse) !== plainParse[def.type]) return undefined;
    if (def.type === 'boolean') {
      if (d !== undefined && typeof d !== 'boolean') return undefined;
    } else if (def.type === 'option') {
      if (def.allowNo) return undefined;
      if (d !== undefined && typeof d !== 'string') return undefined;
    }
    if (def.char !== undefined && !/^[a-zA-Z]$/.test(def.char)) return undefined;
    flags[name] = {
      type: def.type,
      ...(def.char !== undefined ? { char: def.char } : {}),
      ...(def.allowNo ? { allowNo: true } : {}),
      ...(d !== undefined ? { default: d } : {}),
      ...(def.dependsOn?.length ? { dependsOn: [...def.dependsOn] } : {}),
      ...(def.exclusive?.length ? { exclusive: [...def.exclusive] } : {}),
    };
  }
  const chars = Object.values(flags).flatMap((f) => (f.char ? [f.char] : []));
  if (chars.includes('C') || chars.includes('h') || new Set(chars).size !== chars.length) return undefined;
  return { flags };
}

/** Parsed is an argv the fast parser took: the flags (as oclif parses them, `json` included) and --json. */
export interface Parsed {
  readonly flags: Record<string, string | boolean>;
  readonly json: boolean;
}

/** parseFlags parses a verb's argv (after the verb) as oclif does; undefined whenever oclif should (see the module comment). */
export function parseFlags(argv: readonly string[], spec: VerbSpec): Parsed | undefined {
  const flags: Record<string, string | boolean> = {};
  const seen = new Set<string>();
  let json = false;
  const byChar = new Map(Object.entries(spec.flags).flatMap(([n, f]) => (f.char ? [[f.char, n] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    let name: string | undefined;
    let value: string | undefined;
    let on = true;
    if (a === '--json') {
      if (json) return undefined;
      json = true;
      continue;
    }
    if (a.startsWith('--') && a.length > 2) {
      const body = a.slice(2);
      const eq = body.indexOf('=');
      name = eq < 0 ? body : body.slice(0, eq);
      if (eq >= 0) value = body.slice(eq + 1);
      if (!Object.hasOwn(spec.flags, name) && name.startsWith('no-')) {
        const positive = name.slice(3);
        if (!Object.hasOwn(spec.flags, positive) || !spec.flags[positive]!.allowNo) return undefined;
        name = positive;
        on = false;
      }
    } else if (a.length === 2 && a[0] === '-' && a[1] !== '-') {
      name = byChar.get(a[1]!);
    }
    if (name === undefined || !Object.hasOwn(spec.flags, name) || seen.has(name)) return undefined;
    seen.add(name);
    const f = spec.flags[name]!;
    if (f.type === 'boolean') {
      if (value !== undefined) return undefined;
      flags[name] = on;
      continue;
    }
    if (!on) return undefined;
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('-')) return undefined;
    } else if (value === '' || value.startsWith('-')) return undefined;
    flags[name] = value;
  }
  for (const name of seen) {
    const f = spec.flags[name]!;
    if (f.dependsOn?.some((d) => !seen.has(d))) return undefined;
    if (f.exclusive?.some((x) => seen.has(x))) return undefined;
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    if (!seen.has(name) && f.default !== undefined) flags[name] = f.default;
  }
  if (json) flags['json'] = true;
  return { flags, json };
}

/** readSpecs reads the build's fast-flags.json (undefined without it: every verb runs on oclif). */
export function readSpecs(): FastSpecs | undefined {
  try {
    return JSON.parse(readFileSync(new URL('./fast-flags.json', import.meta.url), 'utf8')) as FastSpecs;
  } catch {
    return undefined;
  }
}

/**
 * runFast runs `args` (the verb first) on the fast path and returns its exit code; undefined when oclif must run it
 * (nothing has been done then). The caller flushes stdout and exits with a non-zero code, as bin/run.js does after
 * oclif's ExitError.
 */
export async function runFast(args: readonly string[], given?: FastSpecs): Promise<number | undefined> {
  const verb = args[0];
  const load = verb !== undefined && Object.hasOwn(FAST_VERBS, verb) ? FAST_VERBS[verb] : undefined;
  if (!load || !fastEnv()) return undefined;
  const specs = given ?? readSpecs();
  const spec = specs && Object.hasOwn(specs, verb!) ? specs[verb!] : undefined;
  if (!spec) return undefined;
  const parsed = parseFlags(args.slice(1), spec);
  if (!parsed) return undefined;
  // what oclif's Command does before run(): drop SCHEMAVER_REDIRECTED, and BaseCommand.init remembers the secrets
  // and holds the command's scratch databases (released as BaseCommand.finally releases them)
  delete process.env['SCHEMAVER_REDIRECTED'];
  rememberProcessSecrets(args.slice(1));
  holdDatabases();
  const io = plainIo(() => parsed.json);
  let result: unknown;
  try {
    result = await (await load()).run(io, parsed.flags);
  } catch (err) {
    const exit = writeError(err, parsed.json, spec);
    process.exitCode = exit;
    return exit;
  } finally {
    await releaseDatabases({ keep: true });
  }
  if (result && parsed.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  return 0;
}

/** fastEnv: no setting that changes what oclif does around a command (its debug output, JSON by environment). */
function fastEnv(): boolean {
  const env = process.env;
  if (env['DEBUG'] || env['SCHEMAVER_FAST'] === '0') return false;
  return !Object.keys(env).some(
    (k) => k.startsWith('OCLIF_') || k === 'SCHEMAVER_CONTENT_TYPE' || k === 'SCHEMAVER_DEBUG',
  );
}
