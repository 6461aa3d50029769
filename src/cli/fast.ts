/**
 * The fast path of hot verbs (commit, status, current, plan) and of the git hooks (`git pre-merge-commit`, `git post-merge`,
 * `git post-checkout`, `git merge-schema`: git runs them on its merges and checkouts): bin/run.js runs them here
 * without loading the CLI framework (oclif's ~110 CommonJS modules and its config: ~0.15 s of CPU of a 0.6 s commit,
 * about half of a hook that has nothing to do). Only invocations whose flags and arguments this module parses exactly
 * as oclif does are taken; anything else — --help, an unknown or repeated flag, a flag missing its value, a value
 * that starts with `-`, an argument too many or too few, `--`, DEBUG — returns undefined and oclif runs the command
 * as before, so its messages and exit codes stay oclif's own.
 *
 * The flag table (fast-flags.json, written by tools/manifest.mjs at build) is derived from the commands' oclif flag
 * and argument definitions by verbSpec: one definition, two parsers. A verb whose flags use what this parser does not
 * reproduce (env defaults, custom parsers, options lists, multiple values, arguments with defaults) gets no entry and
 * always runs on oclif. The command's body (verbs/*.ts) and its output (render.ts) are the same code oclif's command
 * runs.
 */
import { holdDatabases, releaseDatabases } from '../proc.js';
import { rememberProcessSecrets } from '../redact.js';
import { plainIo, writeError, type CommandIo } from './render.js';
import { parseFlags, readSpecs, type ArgSpec, type FastSpecs, type FlagSpec, type VerbSpec } from './fastflags.js';

export {
  parseFlags,
  readSpecs,
  type ArgSpec,
  type FastSpecs,
  type FlagSpec,
  type Parsed,
  type VerbSpec,
} from './fastflags.js';

/** VerbModule is a command body (verbs/*.ts): its flags and arguments as oclif parses them. */
interface VerbModule {
  run(io: CommandIo, flags: Record<string, unknown>, args: Record<string, string>): Promise<unknown>;
}

/** FAST_VERBS are the commands (oclif ids: `git:post-merge` is `schemaver git post-merge`) with a fast path, and their bodies. */
export const FAST_VERBS: Readonly<Record<string, () => Promise<VerbModule>>> = {
  commit: () => import('./verbs/commit.js') as Promise<VerbModule>,
  status: () => import('./verbs/status.js') as Promise<VerbModule>,
  plan: () => import('./verbs/plan.js') as Promise<VerbModule>,
  current: () => import('./verbs/current.js') as Promise<VerbModule>,
  'git:pre-merge-commit': () => import('./verbs/git/pre-merge-commit.js') as Promise<VerbModule>,
  'git:post-merge': () => import('./verbs/git/post-merge.js') as Promise<VerbModule>,
  // their arguments are named by the oclif definitions fast-flags.json was derived from, as the bodies name them
  'git:post-checkout': () => import('./verbs/git/post-checkout.js') as unknown as Promise<VerbModule>,
  'git:merge-schema': () => import('./verbs/git/merge-schema.js') as unknown as Promise<VerbModule>,
};

/** fastVerb splits `args` into a FAST_VERBS id and the arguments after it (`git post-merge` is a topic and its command). */
function fastVerb(args: readonly string[]): { id: string; rest: readonly string[] } | undefined {
  const id = args[0] === 'git' && args[1] !== undefined ? `git:${args[1]}` : args[0];
  if (id === undefined || !Object.hasOwn(FAST_VERBS, id)) return undefined;
  return { id, rest: args.slice(id.startsWith('git:') ? 2 : 1) };
}

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

/** PLAIN_ARG_KEYS: the properties of an oclif argument definition that change nothing the fast parser must reproduce. */
const PLAIN_ARG_KEYS = new Set(['name', 'type', 'parse', 'required', 'input', 'description', 'hidden']);

/**
 * verbSpec derives a command's fast flag table from its oclif definitions; undefined when the command has a lax argv,
 * an argument that is not a plain string (a default, options, several values, its own parser), or a flag whose parsing
 * the fast parser does not reproduce. `plainParse`: the source text of the parse functions of a plain Flags.string(),
 * Flags.boolean() and Args.string() (any other parse function is a custom one).
 */
export function verbSpec(
  cmd: { flags?: object; baseFlags?: object; args?: object; strict?: boolean },
  plainParse: { readonly option: string; readonly boolean: string; readonly arg: string },
): VerbSpec | undefined {
  if (cmd.strict === false) return undefined;
  const args: ArgSpec[] = [];
  for (const [name, def] of Object.entries((cmd.args ?? {}) as Record<string, Record<string, unknown>>)) {
    if (Object.entries(def).some(([k, v]) => !PLAIN_ARG_KEYS.has(k) && v !== undefined)) return undefined;
    if (def['type'] !== 'option' || typeof def['parse'] !== 'function') return undefined;
    if (String(def['parse']) !== plainParse.arg) return undefined;
    if (Array.isArray(def['input']) && def['input'].length) return undefined;
    args.push({ name });
  }
  if (Object.keys(cmd.baseFlags ?? {}).some((k) => k !== 'cwd' && k !== 'help')) return undefined;
  const flags: Record<string, FlagSpec> = {};
  for (const [name, def] of Object.entries((cmd.flags ?? {}) as Record<string, OclifFlag>)) {
    if (name === 'json' || name === 'cwd' || name === 'help' || name.startsWith('no-')) return undefined;
    if (Object.entries(def).some(([k, v]) => !PLAIN_KEYS.has(k) && v !== undefined)) return undefined;
    if (Array.isArray(def['input']) && def['input'].length) return undefined;
    const d = def.default as boolean | string | undefined;
    if (def.type !== 'boolean' && def.type !== 'option') return undefined;
    // a repeatable option (plan --exclude) is described only to leave every argv that gives it to oclif (its values
    // may also be the words after it); one with a default or a short name is not described at all
    const multiple = def['multiple'] === true;
    if (def['multiple'] && (!multiple || def.type !== 'option' || d !== undefined || def.char !== undefined))
      return undefined;
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
      ...(multiple ? { multiple: true } : {}),
      ...(d !== undefined ? { default: d } : {}),
      ...(def.dependsOn?.length ? { dependsOn: [...def.dependsOn] } : {}),
      ...(def.exclusive?.length ? { exclusive: [...def.exclusive] } : {}),
    };
  }
  const chars = Object.values(flags).flatMap((f) => (f.char ? [f.char] : []));
  if (chars.includes('C') || chars.includes('h') || new Set(chars).size !== chars.length) return undefined;
  return args.length ? { flags, args } : { flags };
}

/**
 * runFast runs `args` (the verb first) on the fast path and returns its exit code; undefined when oclif must run it
 * (nothing has been done then). The caller flushes stdout and exits with a non-zero code, as bin/run.js does after
 * oclif's ExitError.
 */
export async function runFast(args: readonly string[], given?: FastSpecs): Promise<number | undefined> {
  const verb = fastVerb(args);
  if (!verb || !fastEnv()) return undefined;
  const specs = given ?? readSpecs();
  const spec = specs && Object.hasOwn(specs, verb.id) ? specs[verb.id] : undefined;
  if (!spec) return undefined;
  const parsed = parseFlags(verb.rest, spec);
  if (!parsed) return undefined;
  // what oclif's Command does before run(): drop SCHEMAVER_REDIRECTED, and BaseCommand.init remembers the secrets
  // and holds the command's scratch databases (released as BaseCommand.finally releases them)
  delete process.env['SCHEMAVER_REDIRECTED'];
  rememberProcessSecrets(verb.rest);
  holdDatabases();
  const io = plainIo(() => parsed.json);
  let result: unknown;
  try {
    result = await (await FAST_VERBS[verb.id]!()).run(io, parsed.flags, parsed.args);
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
