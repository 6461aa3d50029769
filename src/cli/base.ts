/**
 * BaseCommand: what every schemaver command shares — `--json`, `-C DIR`, error rendering and exit codes.
 * Commands stay thin: parse flags, call one service, return a typed result (printed as JSON with --json).
 */
import { Command } from '@oclif/core/command';
import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';
import { SchemaverError, envFromErrno, errorJson, formatIssue } from '../errors.js';
import { redact, redactDeep, rememberProcessSecrets } from '../redact.js';
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

/** BaseCommand is the parent of every schemaver command. */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    cwd: Flags.string({ char: 'C', summary: 'Run as if schemaver was started in DIR.', helpValue: 'DIR' }),
    help: Flags.help({ char: 'h', summary: 'Show this help (same as --help).' }),
  };

  /** root is the project directory (the one holding schema/ and .schemaver/). */
  protected get root(): string {
    return process.cwd();
  }

  /** print writes a line of human output (suppressed with --json). */
  protected print(text = ''): void {
    if (!this.jsonEnabled()) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** printLines writes each line as print does (a renderer's output; suppressed with --json). */
  protected printLines(lines: readonly string[]): void {
    for (const l of lines) this.print(l);
  }

  /** note writes a line to stderr for people (suppressed with --json); passwords are redacted. */
  protected note(text: string): void {
    if (!this.jsonEnabled()) process.stderr.write(redact(text) + '\n');
  }

  /**
   * proofReports are the callbacks a service that proves an edge reports through (commit, revert): notes on stderr
   * and a progress bar over the proof's statements, both silent with --json.
   */
  protected proofReports(): ProofReports {
    const progress = new Progress('verifying:', this.jsonEnabled());
    return {
      note: (l) => this.note(l),
      onProgress: (phase, done, total) => progress.tick(done, total, `statements (${phase})`),
      onProofEnd: () => progress.done(),
    };
  }

  /** init remembers the passwords of connection strings in the arguments and DATABASE_URL, so no output shows them. */
  public override async init(): Promise<void> {
    rememberProcessSecrets(this.argv);
    await super.init();
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<never> {
    if (err instanceof Errors.ExitError) throw err;
    // the last line of defence: whatever a module put in an error, a password is never printed
    const e = redactError(
      flagSuggestion(toSchemaverError(err), this.constructor as { flags?: object; baseFlags?: object }),
    );
    if (process.env.DEBUG && err.stack) process.stderr.write(redact(err.stack) + '\n');
    if (this.jsonEnabled()) {
      process.stdout.write(JSON.stringify(errorJson(e), null, 2) + '\n');
    } else {
      process.stderr.write(redact(renderError(e)) + '\n');
    }
    process.exitCode = e.exit;
    throw new Errors.ExitError(e.exit);
  }

  protected override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }
}
