/**
 * Errors users see. Every failure is a SchemaverError with a stable `code`, a message that says what
 * failed, a hint that says what to do next, structured `data`, and a file location when a file is to blame.
 * Exit codes (SPEC): 1 negative answer, 2 bad input, 3 database or environment failure.
 */

/** ExitCode is the process exit status a failure maps to. */
export type ExitCode = 1 | 2 | 3;

/** SourceLoc points into a user file (1-based line and column). */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Issue is one located problem found while validating input; many are collected before failing. */
export interface Issue {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly loc?: SourceLoc;
  /** related names a second place involved (e.g. the first definition of a duplicate). */
  readonly related?: SourceLoc;
}

/** sortIssues orders issues by place (file, line, column); unlocated ones last; ties keep their order. */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  return issues
    .map((i, n) => ({ i, n }))
    .sort((a, b) => {
      const la = a.i.loc;
      const lb = b.i.loc;
      if (!la || !lb) return la ? -1 : lb ? 1 : a.n - b.n;
      return la.file < lb.file ? -1 : la.file > lb.file ? 1 : la.line - lb.line || la.col - lb.col || a.n - b.n;
    })
    .map((x) => x.i);
}

/** SchemaverErrorInit are the fields of a SchemaverError. */
export interface SchemaverErrorInit {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly loc?: SourceLoc;
  readonly data?: unknown;
  readonly exit?: ExitCode;
  readonly issues?: readonly Issue[];
  readonly cause?: unknown;
}

/** SchemaverError is the one error class of schemaver; `exit` defaults to 2 (bad input). */
export class SchemaverError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly loc?: SourceLoc;
  readonly data?: unknown;
  readonly exit: ExitCode;
  readonly issues: readonly Issue[];

  constructor(init: SchemaverErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SchemaverError';
    this.code = init.code;
    this.hint = init.hint;
    this.loc = init.loc;
    this.data = init.data;
    this.exit = init.exit ?? 2;
    this.issues = init.issues ?? [];
  }
}

/** invalidSchema wraps collected validation issues into one exit-2 error. */
export function invalidSchema(issues: readonly Issue[]): SchemaverError {
  const first = issues[0];
  return new SchemaverError({
    code: first?.code ?? 'invalid-schema',
    message: issues.length === 1 ? first!.message : `${issues.length} problems in schema/`,
    hint: issues.length === 1 ? first!.hint : undefined,
    loc: issues.length === 1 ? first!.loc : undefined,
    issues,
    exit: 2,
  });
}

/** negative is an exit-1 answer such as "nothing to commit", drift, conflicts or a failed verification. */
export function negative(code: string, message: string, hint?: string, data?: unknown): SchemaverError {
  return new SchemaverError({ code, message, hint, data, exit: 1 });
}

/** envFailure is an exit-3 failure of a database or of the environment. */
export function envFailure(
  code: string,
  message: string,
  hint?: string,
  cause?: unknown,
  data?: unknown,
): SchemaverError {
  return new SchemaverError({ code, message, hint, cause, data, exit: 3 });
}

/** formatLoc writes `file:line:col`. */
export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** formatIssue renders one issue the rustc way: `error[CODE]: msg`, `  --> file:l:c`, `  = hint: ...`. */
export function formatIssue(issue: Issue, paint: (s: string) => string = (s) => s): string {
  const lines = [`${paint(`error[${issue.code}]`)}: ${issue.message}`];
  if (issue.loc) lines.push(`  --> ${formatLoc(issue.loc)}`);
  if (issue.related) lines.push(`  --> ${formatLoc(issue.related)} (also here)`);
  if (issue.hint) lines.push(`  = hint: ${issue.hint}`);
  return lines.join('\n');
}

/** errorJson is the `--json` shape of a failure: `{"error": {code, message, hint, loc, data, issues}}`. */
export function errorJson(err: SchemaverError): { error: Record<string, unknown> } {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.loc ? { loc: err.loc } : {}),
      ...(err.data !== undefined ? { data: err.data } : {}),
      ...(err.issues.length ? { issues: err.issues } : {}),
    },
  };
}

/** FS_FAILURES says, for each errno code the environment causes, what it means and what to do. */
const FS_FAILURES: Readonly<Record<string, { what: string; hint: (path: string) => string }>> = {
  ENOSPC: {
    what: 'the disk is full',
    hint: (p) => `free space on the file system that holds ${p} (df -h shows it), then run the command again`,
  },
  EDQUOT: {
    what: 'the disk quota is exceeded',
    hint: (p) => `free space within your quota on the file system that holds ${p}, then run the command again`,
  },
  EROFS: {
    what: 'the file system is read-only',
    hint: (p) =>
      `${p} is on a read-only file system: run schemaver where the project is writable, or remount it read-write`,
  },
  EACCES: {
    what: 'permission denied',
    hint: (p) => `check the owner and mode of ${p} (ls -ld), or run as the user who owns the project`,
  },
  EPERM: {
    what: 'operation not permitted',
    hint: (p) =>
      `check the owner, mode and attributes of ${p} (ls -ld; lsattr), or run as the user who owns the project`,
  },
  EMFILE: {
    what: 'too many open files',
    hint: () => 'raise the open-file limit (ulimit -n) and run the command again',
  },
  ENFILE: {
    what: 'too many open files on this system',
    hint: () => 'close other programs, then run the command again',
  },
  EIO: { what: 'an I/O error', hint: (p) => `the device that holds ${p} reported an error: check the disk (dmesg)` },
};

/**
 * envFromErrno maps a file-system failure the environment causes (disk full, read-only, permission, open files,
 * I/O) onto an exit-3 SchemaverError that says what it is; undefined for any other error (or cause chain).
 */
export function envFromErrno(err: unknown): SchemaverError | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as NodeJS.ErrnoException;
    const f = typeof x.code === 'string' ? FS_FAILURES[x.code] : undefined;
    if (!f) continue;
    const file = x.path ?? (x as { dest?: string }).dest;
    const path = file ?? 'the project (schema/ and .schemaver/)';
    return new SchemaverError({
      code:
        x.code === 'EACCES' || x.code === 'EPERM'
          ? 'permission-denied'
          : x.code === 'EROFS'
            ? 'read-only'
            : x.code === 'ENOSPC' || x.code === 'EDQUOT'
              ? 'disk-full'
              : 'io-failed',
      message: `${f.what}: ${file ? `cannot ${x.syscall ?? 'write'} ${file}` : `a ${x.syscall ?? 'file operation'} failed`} (${x.code})`,
      hint: f.hint(path),
      data: { errno: x.code, path: file ?? null, syscall: x.syscall ?? null },
      exit: 3,
      cause: err,
    });
  }
  return undefined;
}
