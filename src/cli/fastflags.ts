/**
 * The fast path's flag parser (src/cli/fast.ts), in a module of its own that loads nothing but node:fs: bin/run.js
 * asks it, before any other module of the CLI loads, whether a `commit` can get as far as proving (commitMayProve),
 * and starts the proof's worker early only then.
 */
import { readFileSync } from 'node:fs';

/** FlagSpec is one flag as the fast parser knows it. */
export interface FlagSpec {
  readonly type: 'boolean' | 'option';
  readonly char?: string;
  readonly allowNo?: boolean;
  /** multiple: a repeatable option; an argv that gives it is oclif's to parse. */
  readonly multiple?: boolean;
  readonly default?: boolean | string;
  readonly dependsOn?: readonly string[];
  readonly exclusive?: readonly string[];
}

/** ArgSpec is one positional argument as the fast parser knows it (a plain string, in the command's order). */
export interface ArgSpec {
  readonly name: string;
}

/**
 * VerbSpec is a fast verb's flags (its own; --json is every command's, -C/--cwd bin/run.js's, --help oclif's) and its
 * positional arguments, if it has any (the git hooks).
 */
export interface VerbSpec {
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly args?: readonly ArgSpec[];
}

/** FastSpecs is the table of fast-flags.json: each fast verb's flags. */
export type FastSpecs = Readonly<Record<string, VerbSpec>>;

/** Parsed is an argv the fast parser took: the flags (as oclif parses them, `json` included), --json and the arguments. */
export interface Parsed {
  readonly flags: Record<string, string | boolean>;
  readonly json: boolean;
  readonly args: Record<string, string>;
}

/** longFlag is the flag `--name` sets, and whether on (`--no-name` turns off a flag that allows it); undefined: none. */
function longFlag(spec: VerbSpec, name: string): { name: string; on: boolean } | undefined {
  if (Object.hasOwn(spec.flags, name)) return { name, on: true };
  const positive = name.slice(3);
  return name.startsWith('no-') && Object.hasOwn(spec.flags, positive) && spec.flags[positive]!.allowNo
    ? { name: positive, on: false }
    : undefined;
}

/**
 * parseFlags parses a verb's argv (after the verb) as oclif does; undefined whenever oclif should (see the module
 * comment). Arguments are taken only when every one the verb has is given, none empty or starting with `-`: oclif
 * reads a missing one from stdin when stdin is not a terminal (its parser's tryStdin), which this parser does not do.
 */
export function parseFlags(argv: readonly string[], spec: VerbSpec): Parsed | undefined {
  const flags: Record<string, string | boolean> = {};
  const args: Record<string, string> = {};
  const positional = spec.args ?? [];
  let given = 0;
  const seen = new Set<string>();
  let json = false;
  const byChar = new Map(Object.entries(spec.flags).flatMap(([n, f]) => (f.char ? [[f.char, n] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a !== '' && !a.startsWith('-')) {
      if (given >= positional.length) return undefined;
      args[positional[given++]!.name] = a;
      continue;
    }
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
      const long = longFlag(spec, name);
      if (!long) return undefined;
      ({ name, on } = long);
    } else if (a.length === 2 && a[0] === '-' && a[1] !== '-') {
      name = byChar.get(a[1]!);
    }
    if (name === undefined || !Object.hasOwn(spec.flags, name) || seen.has(name)) return undefined;
    seen.add(name);
    const f = spec.flags[name]!;
    if (f.multiple) return undefined;
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
  if (given !== positional.length) return undefined;
  for (const name of seen) {
    const f = spec.flags[name]!;
    if (f.dependsOn?.some((d) => !seen.has(d))) return undefined;
    if (f.exclusive?.some((x) => seen.has(x))) return undefined;
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    if (!seen.has(name) && f.default !== undefined) flags[name] = f.default;
  }
  if (json) flags['json'] = true;
  return { flags, json, args };
}

/** specs: fast-flags.json as this process read it (null: absent or unreadable), once for bin/run.js and fast.ts. */
let specs: FastSpecs | null | undefined;

/** readSpecs reads the build's fast-flags.json (undefined without it: every verb runs on oclif). */
export function readSpecs(): FastSpecs | undefined {
  if (specs === undefined) {
    try {
      specs = JSON.parse(readFileSync(new URL('./fast-flags.json', import.meta.url), 'utf8')) as FastSpecs;
    } catch {
      specs = null;
    }
  }
  return specs ?? undefined;
}

/**
 * commitMayProve tells whether `schemaver commit ARGS` (`args`: after the verb) can get as far as proving its
 * migration, from the arguments alone; false only where that is certain, so that bin/run.js starts no verifier (a
 * worker loading PGlite, ~0.3-0.4 s of CPU) for a run that ends before any proof:
 * - the flags parse (parseFlags) and say --no-verify, or give no message without --amend, or a blank one (the
 *   command refuses those before it proves: cli/verbs/commit.ts);
 * - oclif refuses the flags for certain: a long flag commit does not have, a value given to a boolean flag, an
 *   option flag last with no value after it, a flag without the flag it depends on anywhere in the arguments.
 * Any other argv the fast parser leaves to oclif (`-m"text"`, `-m=text`, DEBUG=1 ...) may prove: true.
 */
export function commitMayProve(args: readonly string[], spec: VerbSpec): boolean {
  const parsed = parseFlags(args, spec);
  if (parsed) {
    const { verify, message, amend } = parsed.flags;
    if (verify === false) return false;
    return typeof message === 'string' ? message.trim() !== '' : amend === true;
  }
  const end = args.indexOf('--');
  const flags = end < 0 ? args : args.slice(0, end);
  const given = (name: string) => {
    const char = spec.flags[name]?.char;
    return flags.some(
      (a) => a === `--${name}` || a.startsWith(`--${name}=`) || (char !== undefined && a === `-${char}`),
    );
  };
  for (const [i, a] of flags.entries()) {
    if (!a.startsWith('--') || a.length === 2) continue;
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (name === 'json' || name === 'help') continue;
    const long = longFlag(spec, name);
    if (!long) return false; // "Nonexistent flag"
    const f = spec.flags[long.name]!;
    if (f.type === 'boolean' && eq >= 0) return false; // "Unexpected argument"
    if (f.type === 'option' && eq < 0 && i === flags.length - 1 && end < 0) return false; // "expects a value"
    if (f.dependsOn?.some((d) => !given(d))) return false; // "All of the following must be provided"
  }
  const last = flags.at(-1);
  if (end < 0 && last !== undefined && /^-[a-zA-Z]$/.test(last)) {
    const f = Object.values(spec.flags).find((x) => x.char === last[1]);
    if (f?.type === 'option') return false; // "expects a value"
  }
  return true;
}
