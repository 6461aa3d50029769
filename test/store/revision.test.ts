import { describe, expect, it } from 'vitest';
import { parseRev, navigate } from '../../src/store/revision.js';
import { refNameProblem } from '../../src/store/refs.js';
import { splitMessage, commitMessage, formatTimezone } from '../../src/store/layout.js';
import { SchemaverError } from '../../src/errors.js';

describe('parseRev', () => {
  it('splits bases and navigation steps', () => {
    expect(parseRev('HEAD')).toEqual({ base: 'HEAD', ops: [] });
    expect(parseRev('@~2')).toEqual({ base: 'HEAD', ops: [{ op: '~', n: 2 }] });
    expect(parseRev('HEAD~')).toEqual({ base: 'HEAD', ops: [{ op: '~', n: 1 }] });
    expect(parseRev('main~2^2')).toEqual({
      base: 'main',
      ops: [
        { op: '~', n: 2 },
        { op: '^', n: 2 },
      ],
    });
    expect(parseRev('feature/x^^')).toEqual({
      base: 'feature/x',
      ops: [
        { op: '^', n: 1 },
        { op: '^', n: 1 },
      ],
    });
    expect(parseRev('1a2b^0')).toEqual({ base: '1a2b', ops: [{ op: '^', n: 0 }] });
    expect(parseRev('v1.0~10')).toEqual({ base: 'v1.0', ops: [{ op: '~', n: 10 }] });
  });

  it('rejects revisions without a base (exit 2)', () => {
    for (const bad of ['', '~1', '^2', '   ']) {
      expect(() => parseRev(bad)).toThrow(SchemaverError);
      try {
        parseRev(bad);
      } catch (e) {
        expect((e as SchemaverError).code).toBe('unknown-revision');
        expect((e as SchemaverError).exit).toBe(2);
      }
    }
  });
});

describe('navigate', () => {
  // a <- b <- c, and m = merge(c, x), x <- b
  const parents: Record<string, string[]> = { a: [], b: ['a'], c: ['b'], x: ['b'], m: ['c', 'x'] };
  const nav = (start: string, rev: string) => navigate(rev, start, parseRev(rev).ops, async (id) => parents[id]!);
  it('follows first parents with ~ and the N-th parent with ^', async () => {
    expect(await nav('m', 'm~1')).toBe('c');
    expect(await nav('m', 'm~3')).toBe('a');
    expect(await nav('m', 'm^2')).toBe('x');
    expect(await nav('m', 'm^2~1')).toBe('b');
    expect(await nav('m', 'm^0')).toBe('m');
  });
  it('fails past the history', async () => {
    await expect(nav('m', 'm~4')).rejects.toThrow(/only 3 commit/);
    await expect(nav('m', 'm^3')).rejects.toThrow(/only 2 parents/);
    await expect(nav('a', 'a^')).rejects.toThrow(/no parents/);
  });
});

describe('ref names', () => {
  it('accepts git-valid names and rejects the rest', () => {
    for (const ok of ['main', 'feature/add-users', 'v1.0', 'release-2026_01', 'ünï'])
      expect(refNameProblem(ok)).toBeUndefined();
    for (const bad of [
      '',
      'HEAD',
      'WORKING',
      'a b',
      'a..b',
      'a~1',
      'a^',
      'a:b',
      '-x',
      'x.',
      'x/',
      '.x',
      'a//b',
      'x.lock',
      'a@{1}',
      'a\\b',
      'a*',
      'a?',
    ]) {
      expect(refNameProblem(bad), bad).toBeDefined();
    }
  });
});

describe('commit messages', () => {
  it('round-trips the Schema-Hash trailer', () => {
    const raw = commitMessage('add users\n\nbecause we need them  \n', 'sv1:abc');
    expect(raw).toBe('add users\n\nbecause we need them\n\nSchema-Hash: sv1:abc\n');
    expect(splitMessage(raw)).toEqual({ message: 'add users\n\nbecause we need them', hash: 'sv1:abc' });
    expect(splitMessage('plain\n')).toEqual({ message: 'plain' });
  });
  it('writes git timezones', () => {
    expect(formatTimezone(0)).toBe('+0000');
    expect(formatTimezone(-120)).toBe('+0200');
    expect(formatTimezone(330)).toBe('-0530');
  });
});
