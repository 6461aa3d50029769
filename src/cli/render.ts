/**
 * How a command's outcome reaches the terminal, without the CLI framework: error rendering (`error[CODE]`, JSON
 * with --json, exit codes) and the output helpers every command uses. BaseCommand (base.ts) and the fast path for
 * hot verbs (fast.ts, which loads no oclif) both use these, so the two print the same bytes.
 */
import { SchemaverError, envFromErrno, errorJson, formatIssue } from '../errors.js';
import { redact, redactDeep } from '../redact.js';
import { Progress, paint } from './term.js';
import { didYouMean } from '../suggest.js';

/** ProofReports: how a proving service reports to the terminal (see BaseCommand.proofReports). */
export interface ProofReports {
  readonly note: (line: string) => void;
  readonly onProgress: (phase: string, done: number, total: number) => void;
  readonly onProofEnd: () => void;
}

/** usageMessage folds oclif's multi-line parse errors ("The following errors occurred:\n  --x cannot also be provided when using --y") into one line. */
export function usageMessage(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^See more help with/i.test(l));
  if (lines.length > 1 && /:$/.test(lines[0]!)) {
    const head = lines[0]!.replace(/^The following errors? occurred:$/i, '').trim();
    return (head ? head + ' ' : '') + lines.slice(1).join('; ');
  }
  return lines.join('; ') || text;
}

/** toSchemaverError maps any thrown value onto a SchemaverError (parse errors exit 2, unknown failures exit 3). */
export function toSchemaverError(err: unknown): SchemaverError {
  if (err instanceof SchemaverError) return err;
  const e = err as { message?: string; name?: string; oclif?: { exit?: number }; parse?: unknown; code?: string };
  if (e && (e.parse !== undefined || /Parse|Flag|Arg/.test(e.name ?? '') || e.oclif?.exit === 2)) {
    return new SchemaverError({
      code: 'bad-usage',
      message: redact(usageMessage(String(e.message ?? err))),
      hint: 'run the command with --help to see its flags and arguments',
      exit: 2,
    });
  }
  const env = envFromErrno(err);
  if (env) return env;
  const message = redact(err instanceof Error ? err.message : String(err));
  return new SchemaverError({
    code: 'internal',
    message: message || 'unexpected failure',
    hint: 'this is a bug in schemaver; run again with DEBUG=1 for a stack trace and report it',
    exit: 3,
    cause: err,
  });
}

/** redactError is a copy of err with every password removed from its message, hint, data and issues. */
export function redactError(err: SchemaverError): SchemaverError {
  return new SchemaverError({
    code: err.code,
    message: redact(err.message),
    ...(err.hint !== undefined ? { hint: redact(err.hint) } : {}),
    ...(err.loc ? { loc: err.loc } : {}),
    ...(err.data !== undefined ? { data: redactDeep(err.data) } : {}),
    exit: err.exit,
    issues: err.issues.map((i) => redactDeep(i)),
  });
}

/** renderError writes a SchemaverError for people: every issue as `error[CODE]`, located, with hints. */
export function renderError(err: SchemaverError, color = paint(process.stderr)): string {
  const red = (s: string) => color.bold(color.red(s));
  if (err.issues.length > 1) {
    const body = err.issues.map((i) => formatIssue(i, red)).join('\n\n');
    return `${body}\n\n${red('error')}: ${err.message}`;
  }
  return formatIssue(err.issues[0] ?? { code: err.code, message: err.message, hint: err.hint, loc: err.loc }, red);
}

/** flagSuggestion adds ``did you mean `--oneline`?`` to an unknown-flag usage error (`--onelin`). */
export function flagSuggestion(e: SchemaverError, cmd: { flags?: object; baseFlags?: object }): SchemaverError {
  const m = e.code === 'bad-usage' ? /Nonexistent flags?: (--?[\w-]+)/.exec(e.message) : null;
  if (!m) return e;
  const names = Object.entries({ ...cmd.baseFlags, ...cmd.flags }).flatMap(([k, v]) => {
    const f = v as { char?: string; allowNo?: boolean; type?: string };
    return [`--${k}`, ...(f.allowNo ? [`--no-${k}`] : []), ...(f.char ? [`-${f.char}`] : [])];
  });
  const hint = didYouMean(m[1]!, ['--json', ...names]);
  if (!hint) return e;
  return new SchemaverError({
    code: e.code,
    message: e.message,
    hint,
    exit: e.exit,
    data: { flag: m[1], suggestion: hint },
  });
}

/** CommandIo is what a command's body (verbs/*.ts) writes through: BaseCommand under oclif, plainIo on the fast path. */
export interface CommandIo {
  /** root is the project directory (the one holding schema/ and .schemaver/): the working directory. */
  readonly root: string;
  jsonEnabled(): boolean;
  /** print writes a line of human output (suppressed with --json). */
  print(text?: string): void;
  /** printLines writes each line as print does (a renderer's output; suppressed with --json). */
  printLines(lines: readonly string[]): void;
  /** note writes a line to stderr for people (suppressed with --json); passwords are redacted. */
  note(text: string): void;
  /**
   * proofReports are the callbacks a service that proves an edge reports through (commit, revert): notes on stderr
   * and a progress bar over the proof's statements, both silent with --json.
   */
  proofReports(): ProofReports;
}

/** plainIo is the CommandIo of a command whose --json is `json` (both BaseCommand and the fast path write through it). */
export function plainIo(json: () => boolean): CommandIo {
  const io: CommandIo = {
    get root() {
      return process.cwd();
    },
    jsonEnabled: json,
    print(text = '') {
      if (!json()) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    },
    printLines(lines) {
      for (const l of lines) io.print(l);
    },
    note(text) {
      if (!json()) process.stderr.write(redact(text) + '\n');
    },
    proofReports() {
      const progress = new Progress('verifying:', json());
      return {
        note: (l) => io.note(l),
        onProgress: (phase, done, total) => progress.tick(done, total, `statements (${phase})`),
        onProofEnd: () => progress.done(),
      };
    },
  };
  return io;
}

/**
 * writeError writes a failure as BaseCommand.catch does (JSON on stdout with --json, `error[CODE]` on stderr
 * otherwise; never a password) and returns its exit code. `flags`: the command's flags, for a did-you-mean hint.
 */
export function writeError(err: unknown, json: boolean, flags: { flags?: object; baseFlags?: object }): number {
  // the last line of defence: whatever a module put in an error, a password is never printed
  const e = redactError(flagSuggestion(toSchemaverError(err), flags));
  // the stack is formatted only when it is printed (formatting one is most of a failing short command's error path)
  const stack = process.env.DEBUG ? (err as Error | undefined)?.stack : undefined;
  if (stack) process.stderr.write(redact(stack) + '\n');
  if (json) process.stdout.write(JSON.stringify(errorJson(e), null, 2) + '\n');
  else process.stderr.write(redact(renderError(e)) + '\n');
  return e.exit;
}
