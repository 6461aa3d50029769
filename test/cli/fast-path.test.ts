/**
 * The fast path of hot verbs (src/cli/fast.ts): flags parsed without oclif, from a table derived from the commands'
 * oclif definitions. Every argv it takes parses to exactly oclif's flags; every argv it is not sure of (help, a bad
 * or repeated flag, a missing value, an argument) is left to oclif.
 */
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { parse } from '@oclif/core/parser';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import Commit from '../../src/commands/commit.js';
import Current from '../../src/commands/current.js';
import Status from '../../src/commands/status.js';
import Plan from '../../src/commands/plan.js';
import Log from '../../src/commands/log.js';
import Upgrade from '../../src/commands/upgrade.js';
import PreMergeCommit from '../../src/commands/git/pre-merge-commit.js';
import PostMerge from '../../src/commands/git/post-merge.js';
import PostCheckout from '../../src/commands/git/post-checkout.js';
import MergeSchema from '../../src/commands/git/merge-schema.js';
import { FAST_VERBS, parseFlags, verbSpec, type VerbSpec } from '../../src/cli/fast.js';

const plainParse = {
  option: String(Flags.string().parse),
  boolean: String(Flags.boolean().parse),
  arg: String(Args.string().parse),
};
type Cmd =
  | typeof Commit
  | typeof Status
  | typeof Plan
  | typeof Current
  | typeof PreMergeCommit
  | typeof PostMerge
  | typeof PostCheckout
  | typeof MergeSchema;

/** oclifParse is what oclif's parser makes of `argv` for `cmd` (as Command.parse calls it), or its error. */
async function oclifParse(
  cmd: Cmd,
  argv: string[],
): Promise<{ flags: Record<string, unknown>; args: Record<string, unknown> } | Error> {
  const flags = { ...cmd.baseFlags, ...cmd.flags, json: Flags.boolean() };
  try {
    const out = await parse(argv, { flags, args: cmd.args ?? {}, strict: true, context: { config: {} } as never });
    return { flags: out.flags as Record<string, unknown>, args: out.args as Record<string, unknown> };
  } catch (e) {
    return e as Error;
  }
}

const TAKEN: [Cmd, string[]][] = [
  [Commit, []],
  [Commit, ['-m', 'x']],
  [Commit, ['-m', '']],
  [Commit, ['--message', 'a b']],
  [Commit, ['--message=x=y']],
  [Commit, ['--json', '-m', 'x']],
  [Commit, ['-m', 'x', '--json']],
  [Commit, ['--no-verify', '-m', 'x', '--allow-destructive', '--allow-empty-only']],
  [Commit, ['--verify', '--online']],
  [Commit, ['--no-online', '--amend']],
  [Commit, ['--up', 'a.sql', '--down', 'b.sql', '-m', 'x']],
  [Commit, ['--down=b.sql', '--up=a.sql']],
  [Status, []],
  [Status, ['--json']],
  [Plan, ['HEAD~1', 'HEAD']],
  [Plan, ['a', 'b', '--down', '--json']],
  [Plan, ['--online', 'a', 'b']],
  [Plan, ['a', '--no-online', 'b']],
  [Current, ['--url', 'postgres://u:p@h/db']],
  [Current, ['--url=x', '--json']],
  [PreMergeCommit, []],
  [PreMergeCommit, ['--if-merging']],
  [PreMergeCommit, ['--json', '--if-merging']],
  [PostMerge, []],
  [PostCheckout, ['0123abc', '4567def', '1']],
  [PostCheckout, ['0123abc', '4567def', '0', '--json']],
  [PostCheckout, ['--json', 'a', 'b', 'c']],
  [MergeSchema, ['.merge_file_a', '.merge_file_b', '.merge_file_c', 'schema/app.yaml']],
  [MergeSchema, ['o', 'a', 'b', 'schema/with space.yaml', '--json']],
];

const LEFT_TO_OCLIF: [Cmd, string[]][] = [
  [Commit, ['--help']],
  [Commit, ['-h']],
  [Commit, ['--bogus']],
  [Commit, ['--amen']],
  [Commit, ['-m']],
  [Commit, ['--message']],
  [Commit, ['-m', '-x']],
  [Commit, ['-m', '--json']],
  [Commit, ['--message=']],
  [Commit, ['-mx']],
  [Commit, ['-m=x']],
  [Commit, ['-m', 'a', '-m', 'b']],
  [Commit, ['--verify', '--no-verify']],
  [Commit, ['--json', '--json']],
  [Commit, ['--amend=true']],
  [Commit, ['--no-amend']],
  [Commit, ['--no-message', 'x']],
  [Commit, ['--down', 'b.sql']],
  [Commit, ['extra']],
  [Commit, ['--', '-m', 'x']],
  [Commit, ['-']],
  [Commit, ['-C', 'dir']],
  [Commit, ['--cwd=dir']],
  [Status, ['HEAD']],
  [Status, ['-x']],
  // plan's revisions: a missing one is read from stdin; --exclude is repeatable and takes the words after it too
  [Plan, []],
  [Plan, ['HEAD~1']],
  [Plan, ['a..b']],
  [Plan, ['a', 'b', 'c']],
  [Plan, ['a', 'b', '--exclude', 'table:x']],
  [Plan, ['--exclude=table:x', 'a', 'b']],
  [Plan, ['--exclude', 'table:x', 'a', 'b']],
  [Plan, ['a', 'b', '--down', '--down']],
  [Plan, ['a', 'b', '--down=true']],
  [Current, ['--url']],
  [PreMergeCommit, ['--if-merging=true']],
  [PreMergeCommit, ['--no-if-merging']],
  [PreMergeCommit, ['extra']],
  [PostMerge, ['extra']],
  // a missing argument: oclif reads it from stdin when stdin is not a terminal
  [PostCheckout, ['a', 'b']],
  [PostCheckout, ['a']],
  [PostCheckout, []],
  [PostCheckout, ['a', 'b', 'c', 'd']],
  [PostCheckout, ['a', '', 'c']],
  [PostCheckout, ['a', '-', 'c']],
  [PostCheckout, ['a', 'b', '--', 'c']],
  [PostCheckout, ['a', 'b', '-1']],
  [MergeSchema, ['o', 'a', 'b']],
  [MergeSchema, ['o', 'a', 'b', '-schema/app.yaml']],
  [MergeSchema, ['o', 'a', 'b', 'p', '--bogus']],
];

function specOf(cmd: Cmd): VerbSpec {
  const spec = verbSpec(cmd, plainParse);
  if (!spec) throw new Error(`no fast spec for ${cmd.name}`);
  return spec;
}

describe('fast path flags', () => {
  it('every fast verb gets a table from its oclif definitions', () => {
    expect(Object.keys(FAST_VERBS).sort()).toEqual([
      'commit',
      'current',
      'git:merge-schema',
      'git:post-checkout',
      'git:post-merge',
      'git:pre-merge-commit',
      'plan',
      'status',
    ]);
    for (const cmd of [Commit, Status, Plan, Current, PreMergeCommit, PostMerge, PostCheckout, MergeSchema])
      expect(verbSpec(cmd, plainParse)).toBeDefined();
    expect(specOf(PostCheckout).args).toEqual([{ name: 'prev' }, { name: 'next' }, { name: 'branch' }]);
    expect(specOf(Commit).flags['verify']).toEqual({ type: 'boolean', allowNo: true, default: true });
    expect(specOf(Commit).flags['down']).toEqual({ type: 'option', dependsOn: ['up'] });
    expect(specOf(Plan).flags['exclude']).toEqual({ type: 'option', multiple: true });
    expect(specOf(Plan).args).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('commands with arguments or flags it cannot reproduce get none', () => {
    expect(verbSpec(Log, plainParse)).toBeUndefined(); // an argument, and --max-count is an integer
    // a plain optional argument is described, but an argv that leaves it out is oclif's (it reads stdin for it)
    expect(verbSpec(Upgrade, plainParse)?.args).toEqual([{ name: 'rev' }]);
    expect(parseFlags([], verbSpec(Upgrade, plainParse)!)).toBeUndefined();
    expect(parseFlags(['HEAD'], verbSpec(Upgrade, plainParse)!)?.args).toEqual({ rev: 'HEAD' });
    expect(verbSpec({ args: { a: Args.string({ default: 'x' }) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ args: { a: Args.string({ options: ['x'] }) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ args: { a: Args.string({ multiple: true }) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ args: { a: Args.string({ parse: async (s) => s.trim() }) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ args: { a: Args.integer() } }, plainParse)).toBeUndefined();
    expect(verbSpec({ args: { a: Args.string() }, strict: false }, plainParse)).toBeUndefined();
    const custom = { flags: { n: Flags.integer() } };
    expect(verbSpec(custom, plainParse)).toBeUndefined();
    expect(verbSpec({ flags: { s: Flags.string({ env: 'X' }) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ flags: { s: Flags.string({ options: ['a'] }) } }, plainParse)).toBeUndefined();
    // a repeatable option is described only so that an argv giving it is left to oclif (see LEFT_TO_OCLIF)
    expect(verbSpec({ flags: { s: Flags.string({ multiple: true }) } }, plainParse)).toEqual({
      flags: { s: { type: 'option', multiple: true } },
    });
    expect(parseFlags(['--s', 'x'], verbSpec({ flags: { s: Flags.string({ multiple: true }) } }, plainParse)!)).toBe(
      undefined,
    );
    expect(verbSpec({ flags: { s: Flags.string({ multiple: true, char: 's' }) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ flags: { s: Flags.string({ multiple: true, default: ['x'] }) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ flags: { b: Flags.boolean({ multiple: true } as never) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ flags: { s: Flags.string({ default: async () => 'x' }) } }, plainParse)).toBeUndefined();
    expect(verbSpec({ flags: { b: Flags.boolean({ parse: async () => false }) } }, plainParse)).toBeUndefined();
  });

  for (const [cmd, argv] of TAKEN) {
    it(`${cmd.name.toLowerCase()} ${argv.join(' ')}: taken, with oclif's flags and arguments`, async () => {
      const fast = parseFlags(argv, specOf(cmd));
      const oclif = await oclifParse(cmd, argv);
      expect(oclif).not.toBeInstanceOf(Error);
      expect(fast?.flags).toEqual((oclif as { flags: unknown }).flags);
      expect(fast?.args).toStrictEqual((oclif as { args: unknown }).args);
      expect(fast?.json).toBe(argv.includes('--json'));
    });
  }

  for (const [cmd, argv] of LEFT_TO_OCLIF) {
    it(`${cmd.name.toLowerCase()} ${argv.join(' ')}: left to oclif`, () => {
      expect(parseFlags(argv, specOf(cmd))).toBeUndefined();
    });
  }
});

/** staticImports is every source module `entry` (a path under src/) loads by its static imports (not `import type`), entry included. */
function staticImports(...entries: string[]): Set<string> {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
  const seen = new Set<string>();
  const walk = (rel: string): void => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = readFileSync(join(src, rel), 'utf8');
    for (const m of text.matchAll(
      /^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'(\.[^']+)\.js'|^import\s+'(\.[^']+)\.js'/gms,
    ))
      walk(join(dirname(rel), `${m[1] ?? m[2]}.ts`));
  };
  for (const e of entries) walk(e);
  return seen;
}

describe("commit's modules until its proof is sent", () => {
  it("do not load PGlite's driver (a warm prover or the worker runs it): only what the command needs to know of it", () => {
    // the command's body, and the schema reader it loads on first use (app/project.ts readSchemaModules)
    const loaded = staticImports('cli/verbs/commit.ts', 'app/schemaread.ts', 'pg/offload.ts');
    expect(loaded.has('pg/weight.ts')).toBe(true); // the lock weight and PGlite's version in cache keys
    expect([...loaded].filter((m) => /^pg\/(pglite|datadir|pglitewasm|driver)\.ts$/.test(m))).toEqual([]);
  });
});
