/**
 * The lint service: the hazards of a migration under live traffic, by squawk rule name (lint/index.ts), for the
 * plan between two revisions (as `plan` prints it, `--online` included) or for a hand-written SQL file. `failed`
 * says whether a finding is at or above the configured level (`lint: { level }` in schemaver.yaml, or --level).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SchemaverError } from '../errors.js';
import { atOrAbove, lintScript, type Finding, type Level } from '../lint/index.js';
import { lintLevel } from './config.js';
import { planRevisions } from './plan.js';
import { findProjectRoot } from '../store/project.js';

/** LintResult is what `lint --json` prints. */
export interface LintResult {
  /** of: `A..B` for a plan, or the file linted. */
  readonly of: string;
  readonly level: Level;
  readonly findings: readonly Finding[];
  /** failed: a finding is at or above `level` (exit 1). */
  readonly failed: boolean;
}

/** lintRevisions lints the plan a -> b (online when asked or configured) or, with `file`, a hand-written script. */
export async function lintRevisions(
  start: string,
  req: { a: string; b: string; file?: string; level?: Level; online?: boolean },
): Promise<LintResult> {
  let of: string;
  let script: string;
  let level = req.level;
  if (req.file !== undefined) {
    of = req.file;
    try {
      script = await readFile(resolve(start, req.file), 'utf8');
    } catch (e) {
      throw new SchemaverError({
        code: 'unreadable-file',
        message: `cannot read ${req.file}: ${(e as Error).message}`,
        hint: 'give the path of an SQL file',
        exit: 2,
      });
    }
    level ??= await lintLevel(findProjectRoot(start));
  } else {
    const r = await planRevisions(start, req.a, req.b, {
      down: false,
      ...(req.online !== undefined ? { online: req.online } : {}),
    });
    of = `${req.a}..${req.b}`;
    script = r.sql;
    level ??= await lintLevel(findProjectRoot(start));
  }
  const findings = await lintScript(script);
  return { of, level, findings, failed: findings.some((f) => atOrAbove(f, level)) };
}
