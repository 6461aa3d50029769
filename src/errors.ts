/**
 * Errors users see. Every failure is a SchemaverError with a stable `code`, a message that says what
 * failed, a hint that says what to do next, structured `data`, and a file location when a file is to blame.
 * Exit codes (SPEC): 1 negative answer, 2 bad input, 3 database or environment failure.
 */

/** ExitCode is the process exit status a failure maps to. */
export type ExitCode = 1 | 2 | 3;

/**
 * ERROR_CODES is every `error[CODE]` schemaver emits (errors, validation issues, fsck findings) with the exit status
 * it ends the process with; a SchemaverError without an explicit `exit` takes it from here. A code missing from this
 * table does not compile. (`bad-directory` is emitted by bin/run.js before the CLI loads.)
 */
export const ERROR_CODES = {
  // exit 1: a negative answer (nothing to do, drift, conflicts, a failed proof, a refused change)
  'already-stamped': 1,
  'branch-not-merged': 1,
  destructive: 1,
  'destructive-change': 1,
  drift: 1,
  'fails-on-data': 1,
  'head-moved': 1,
  irreversible: 1,
  'merge-conflict': 1,
  'no-merge-base': 1,
  'no-path': 1,
  'not-stamped': 1,
  'not-supported': 1,
  'nothing-recorded': 1,
  'nothing-to-commit': 1,
  'nothing-to-revert': 1,
  'online-in-progress': 1,
  'online-proof-failed': 1,
  'revert-conflict': 1,
  'uncommitted-changes': 1,
  'unknown-recorded-commit': 1,
  'verification-failed': 1,
  // exit 2: bad input (schema files, flags, revisions, names, the working tree's state)
  'ambiguous-revision': 2,
  'amend-hand-edited': 2,
  'amend-merge': 2,
  'bad-file-path': 2,
  'bad-migration-sql': 2,
  'bad-ref-name': 2,
  'bad-revision': 2,
  'bad-state-name': 2,
  'bad-url': 2,
  'bad-usage': 2,
  'branch-current': 2,
  'branch-exists': 2,
  'build-failed': 2,
  'column-in-default': 2,
  'conflicting-attributes': 2,
  'duplicate-column': 2,
  'duplicate-key': 2,
  'duplicate-object': 2,
  'duplicate-primary-key': 2,
  'duplicate-value': 2,
  'empty-enum': 2,
  'empty-message': 2,
  'file-not-found': 2,
  'fk-column-count': 2,
  'invalid-body': 2,
  'invalid-clause': 2,
  'invalid-config': 2,
  'invalid-default': 2,
  'invalid-definition': 2,
  'invalid-expression': 2,
  'invalid-name': 2,
  'invalid-number': 2,
  'invalid-query': 2,
  'invalid-schema': 2,
  'invalid-type': 2,
  'invalid-utf8': 2,
  'invalid-value': 2,
  'merge-in-progress': 2,
  'missing-column': 2,
  'missing-key': 2,
  'missing-primary-key': 2,
  'missing-reference': 2,
  'missing-schema': 2,
  'name-too-long': 2,
  'no-commits': 2,
  'no-merge': 2,
  'no-source': 2,
  'no-store': 2,
  'not-a-git-work-tree': 2,
  'not-one-clause': 2,
  'not-one-expression': 2,
  'not-one-query': 2,
  'nothing-to-amend': 2,
  'nothing-to-resume': 2,
  'revert-not-ancestor': 2,
  'revert-unsupported': 2,
  'schema-does-not-compile': 2,
  'schema-not-empty': 2,
  'sql-failed': 2,
  'store-exists': 2,
  'tag-exists': 2,
  'type-change-needs-using': 2,
  'unknown-branch': 2,
  'unknown-column': 2,
  'unknown-command': 2,
  'unknown-key': 2,
  'unknown-object-kind': 2,
  'unknown-revision': 2,
  'unknown-table': 2,
  'unknown-type': 2,
  'unreadable-file': 2,
  'unresolved-conflict': 2,
  'wrong-direction': 2,
  'yaml-alias-limit': 2,
  'yaml-syntax': 2,
  'yaml-too-deep': 2,
  'bad-directory': 2,
  // exit 3: the database or the environment failed (connections, locks, the disk, a damaged store; fsck findings)
  'bad-cache': 3,
  'bad-object': 3,
  'bad-pack': 3,
  'bad-ref': 3,
  'connect-failed': 3,
  'corrupt-store': 3,
  'dangling-commits': 3,
  'database-failed': 3,
  'disk-full': 3,
  'extension-unavailable': 3,
  'hash-mismatch': 3,
  'import-round-trip': 3,
  internal: 3,
  'interrupted-commit': 3,
  'interrupted-operation': 3,
  'introspect-failed': 3,
  'io-failed': 3,
  'local-database-busy': 3,
  'local-lock-failed': 3,
  'local-lock-invalid': 3,
  'merge-output-invalid': 3,
  'merge-output-mismatch': 3,
  'migration-failed': 3,
  'migration-hash': 3,
  missing: 3,
  'missing-entry': 3,
  'missing-migration': 3,
  'missing-ref': 3,
  'missing-role': 3,
  'no-database': 3,
  'not-implemented': 3,
  'pack-without-index': 3,
  'permission-denied': 3,
  'pglite-failed': 3,
  'pglite-image-failed': 3,
  'read-failed': 3,
  'read-only': 3,
  'settings-not-pinned': 3,
  'snapshot-hash': 3,
  'store-lock-invalid': 3,
  'store-locked': 3,
  'store-unwritable': 3,
  'stray-temp': 3,
  unparseable: 3,
  unreadable: 3,
  'unreadable-snapshot': 3,
  'wrong-type': 3,
} as const satisfies Readonly<Record<string, ExitCode>>;

/** ErrorCode is one code of ERROR_CODES. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** CodeExiting is the codes whose exit status is E (negative takes exit-1 codes, envFailure exit-3 codes). */
export type CodeExiting<E extends ExitCode> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C] extends E ? C : never;
}[ErrorCode];

/** SourceLoc points into a user file (1-based line and column). */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Issue is one located problem found while validating input; many are collected before failing. */
export interface Issue {
  readonly code: ErrorCode;
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
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint?: string;
  readonly loc?: SourceLoc;
  readonly data?: unknown;
  readonly exit?: ExitCode;
  readonly issues?: readonly Issue[];
  readonly cause?: unknown;
}

/** SchemaverError is the one error class of schemaver; `exit` defaults to the code's exit in ERROR_CODES. */
export class SchemaverError extends Error {
  readonly code: ErrorCode;
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
    this.exit = init.exit ?? ERROR_CODES[init.code];
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
export function negative(code: CodeExiting<1>, message: string, hint?: string, data?: unknown): SchemaverError {
  return new SchemaverError({ code, message, hint, data, exit: 1 });
}

/** envFailure is an exit-3 failure of a database or of the environment. */
export function envFailure(
  code: CodeExiting<3>,
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
