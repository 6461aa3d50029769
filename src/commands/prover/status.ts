import { BaseCommand } from '../../cli/base.js';
import { proverStatus, type ProverReport } from '../../app/prover.js';
import { renderProverStatus } from '../../cli/prover.js';

/** ProverStatus shows the warm prover. */
export default class ProverStatusCommand extends BaseCommand {
  static override summary = 'Show the warm prover: the background process that proves migrations for commands.';
  static override description = `Commands that prove a migration (commit, verify, merge, revert) ask a warm prover over a private socket instead of starting PGlite themselves: a background process of this user and build that keeps PGlite's WebAssembly compiled and an empty database restored, so a small verified commit answers in about PostgreSQL's own time. The first command that finds none starts one (and proves with its own worker meanwhile); it exits after 10 minutes without a command (SCHEMAVER_PROVER_IDLE=SECONDS), or with \`schemaver prover stop\`. Any failure of the prover makes the command prove on its own worker: a proof is never taken from it unless complete.

It is on by default, off where CI=true; SCHEMAVER_PROVER=0 turns it off, =1 on. Its sockets live in $SCHEMAVER_RUNTIME_DIR, else $XDG_RUNTIME_DIR/schemaver, else <tmpdir>/schemaver-<uid> (0700; a directory others may enter is not used).`;

  static override examples = ['<%= config.bin %> prover status', '<%= config.bin %> prover status --json'];

  async run(): Promise<ProverReport> {
    await this.parse(ProverStatusCommand);
    const r = await proverStatus();
    this.printLines(renderProverStatus(r));
    return r;
  }
}
