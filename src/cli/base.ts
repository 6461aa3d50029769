/**
 * BaseCommand: what every schemaver command shares — `--json`, `-C DIR`, error rendering and exit codes.
 * Commands stay thin: parse flags, call one service, return a typed result (printed as JSON with --json).
 * What they print goes through render.ts, which the fast path for hot verbs (fast.ts) uses without oclif.
 */
import { Command } from '@oclif/core/command';
import * as Errors from '@oclif/core/errors';
import * as Flags from '@oclif/core/flags';
import { holdDatabases, releaseDatabases } from '../proc.js';
import { rememberProcessSecrets } from '../redact.js';
import { plainIo, writeError, type CommandIo, type ProofReports } from './render.js';

export {
  flagSuggestion,
  redactError,
  renderError,
  toSchemaverError,
  usageMessage,
  type CommandIo,
  type ProofReports,
} from './render.js';

/** BaseCommand is the parent of every schemaver command. */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    cwd: Flags.string({ char: 'C', summary: 'Run as if schemaver was started in DIR.', helpValue: 'DIR' }),
    help: Flags.help({ char: 'h', summary: 'Show this help (same as --help).' }),
  };

  /** io: this command's output (render.ts plainIo), what a command body shared with the fast path takes. */
  protected get io(): CommandIo {
    return (this.plain ??= plainIo(() => this.jsonEnabled()));
  }

  private plain: CommandIo | undefined;

  /** root is the project directory (the one holding schema/ and .schemaver/). */
  protected get root(): string {
    return this.io.root;
  }

  /** print writes a line of human output (suppressed with --json). */
  protected print(text = ''): void {
    this.io.print(text);
  }

  /** printLines writes each line as print does (a renderer's output; suppressed with --json). */
  protected printLines(lines: readonly string[]): void {
    this.io.printLines(lines);
  }

  /** note writes a line to stderr for people (suppressed with --json); passwords are redacted. */
  protected note(text: string): void {
    this.io.note(text);
  }

  /**
   * proofReports are the callbacks a service that proves an edge reports through (commit, revert): notes on stderr
   * and a progress bar over the proof's statements, both silent with --json.
   */
  protected proofReports(): ProofReports {
    return this.io.proofReports();
  }

  /**
   * init remembers the passwords of connection strings in the arguments and DATABASE_URL, so no output shows them,
   * and lets the command's scratch databases serve more than one build (proc.ts holdDatabases; released in finally).
   */
  public override async init(): Promise<void> {
    rememberProcessSecrets(this.argv);
    holdDatabases();
    await super.init();
  }

  /**
   * warnIfCommandDeprecated warns only for a deprecated command or alias, as oclif's does; oclif's first finds the
   * command id in process.argv (every prefix of every command id collected, each run), which only the alias warning
   * uses: it is asked for when the command has aliases to deprecate (none has).
   */
  protected override warnIfCommandDeprecated(): void {
    if (this.ctor.deprecateAliases || this.ctor.state === 'deprecated') super.warnIfCommandDeprecated();
  }

  /** finally closes the scratch databases the command held open for reuse (an open PGlite keeps Node alive). */
  protected override async finally(err: Error | undefined): Promise<unknown> {
    await releaseDatabases({ keep: true });
    return super.finally(err);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<never> {
    if (err instanceof Errors.ExitError) throw err;
    const exit = writeError(err, this.jsonEnabled(), this.constructor as { flags?: object; baseFlags?: object });
    process.exitCode = exit;
    throw new Errors.ExitError(exit);
  }

  protected override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }
}
