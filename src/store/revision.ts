/**
 * Revision syntax (git's subset): a base — `HEAD` (or `@`), a full or unique-prefix commit id (4+ hex),
 * a branch, a tag — followed by any number of `~N` (N-th first-parent ancestor) and `^N` (N-th parent;
 * `^0` is the commit itself). `~` and `^` alone mean 1. Examples: `HEAD~2`, `main^2`, `main~2^2~1`, `1a2b^`.
 */
import { SchemaverError } from '../errors.js';

/** RevOp is one navigation step after the base of a revision. */
export interface RevOp {
  readonly op: '~' | '^';
  readonly n: number;
}

/** ParsedRev is a revision split into its base and navigation steps. */
export interface ParsedRev {
  readonly base: string;
  readonly ops: readonly RevOp[];
}

/** REV_HINT is the hint shown for revisions that cannot be resolved. */
export const REV_HINT =
  'a revision is a commit id (4+ hex digits), a branch, a tag, HEAD or WORKING, optionally followed by ~N / ^N (HEAD~N, REV^N); see `schemaver log --oneline`';

/** parseRev splits a revision into base and `~N`/`^N` steps; SchemaverError `unknown-revision` (exit 2) when malformed. */
export function parseRev(rev: string): ParsedRev {
  const text = rev.trim();
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(text);
  const base = m?.[1] ?? '';
  if (!m || base === '') throw unknownRevision(rev, 'it names no commit');
  const ops: RevOp[] = [];
  const re = /([~^])(\d*)/g;
  let g: RegExpExecArray | null;
  while ((g = re.exec(m[2]!)) !== null) {
    const n = g[2] === '' ? 1 : Number(g[2]);
    if (!Number.isSafeInteger(n)) throw unknownRevision(rev, `'${g[0]}' is too large`);
    ops.push({ op: g[1] as '~' | '^', n });
  }
  return { base: base === '@' ? 'HEAD' : base, ops };
}

/** unknownRevision builds the exit-2 error for a revision that names nothing. */
export function unknownRevision(rev: string, why?: string, data?: unknown): SchemaverError {
  return new SchemaverError({
    code: 'unknown-revision',
    message: `unknown revision '${rev}'${why ? `: ${why}` : ''}`,
    hint: REV_HINT,
    data: data ?? { revision: rev },
    exit: 2,
  });
}

/** ambiguousRevision builds the exit-2 error for a commit id prefix that matches several commits. */
export function ambiguousRevision(rev: string, candidates: readonly { id: string; summary: string }[]): SchemaverError {
  const list = candidates.map((c) => `${c.id.slice(0, 12)} ${c.summary}`).join('; ');
  return new SchemaverError({
    code: 'ambiguous-revision',
    message: `revision '${rev}' is ambiguous; candidates: ${list}`,
    hint: 'give more hex digits of the commit id',
    data: { revision: rev, candidates },
    exit: 2,
  });
}

/** navigate applies `~N`/`^N` steps from commit `start` using `parentsOf`; throws unknown-revision past the history. */
export async function navigate(
  rev: string,
  start: string,
  ops: readonly RevOp[],
  parentsOf: (id: string) => Promise<readonly string[]>,
): Promise<string> {
  let id = start;
  for (const { op, n } of ops) {
    if (op === '^') {
      if (n === 0) continue;
      const parents = await parentsOf(id);
      const next = parents[n - 1];
      if (next === undefined) {
        throw unknownRevision(
          rev,
          `commit ${id.slice(0, 7)} has ${parents.length === 0 ? 'no parents' : parents.length === 1 ? 'only 1 parent' : `only ${parents.length} parents`}`,
        );
      }
      id = next;
    } else {
      for (let i = 0; i < n; i++) {
        const parents = await parentsOf(id);
        if (parents.length === 0)
          throw unknownRevision(rev, `history before ${id.slice(0, 7)} is only ${i} commit(s) deep`);
        id = parents[0]!;
      }
    }
  }
  return id;
}
