/**
 * The CLI's entry script starts `commit`'s verifier (a worker starting its database) before anything else loads only when the arguments
 * can get as far as a proof (src/cli/fastflags.ts commitMayProve): false only for what certainly ends before one —
 * no message, a blank one, and the usage errors oclif reports for certain; whatever else may prove (test/cli/fast-cli
 * counts the workers the real binary starts).
 */
import * as Flags from '@oclif/core/flags';
import { describe, expect, it } from 'vitest';
import Commit from '../../src/commands/commit.js';
import { verbSpec } from '../../src/cli/fast.js';
import { commitMayProve } from '../../src/cli/fastflags.js';

const plainParse = { option: String(Flags.string().parse), boolean: String(Flags.boolean().parse) };
const spec = verbSpec(Commit, plainParse)!;

describe('commitMayProve', () => {
  it('has the commit flag table', () => {
    expect(spec.flags['message']?.char).toBe('m');
    expect(spec.flags['down']?.dependsOn).toEqual(['up']);
  });

  const proves: string[][] = [
    ['-m', 'x'],
    ['--message', 'x', '--json'],
    ['--message=x'],
    ['--amend'],
    ['--amend', '-m', 'x'],
    ['-m', 'x', '--no-online', '--verify'],
    ['--up', 'up.sql', '--down', 'down.sql', '-m', 'x'],
    ['--down', 'down.sql', '--up=up.sql', '-m', 'x'],
    // left to oclif, which may take them: they may prove
    ['-mabc'],
    ['-m=abc'],
    ['-m', 'a', '-m', 'b'],
    ['-m', 'x', '--json', '--json'],
  ];
  for (const args of proves)
    it(`commit ${args.join(' ')} may prove`, () => expect(commitMayProve(args, spec)).toBe(true));

  const never: string[][] = [
    [],
    ['--json'],
    ['-m', ''],
    ['-m', '   ', '--json'],
    ['--no-verify', '-m', 'x'],
    ['-m'],
    ['--json', '-m'],
    ['--message'],
    ['--bogus', '-m', 'x'],
    ['--onlin', '-m', 'x'],
    ['--json', '--bogus'],
    ['--no-amend', '-m', 'x'],
    ['--amend=yes'],
    ['--online=no', '-m', 'x'],
    ['--down', 'down.sql', '-m', 'x'],
    ['-m', 'x', '--up'],
  ];
  for (const args of never)
    it(`commit ${args.join(' ')} never proves`, () => expect(commitMayProve(args, spec)).toBe(false));
});
